extension Sample {
    /// Accounts, deposits, withdrawals, transfers and rejected overdrafts.
    public static let bank = Sample(
        name: "bank",
        summary: "accounts opened, deposits, withdrawals, transfers between accounts (two events sharing a correlation id; a transfer is a saga: some credits are rejected and refunded, a few never refunded, a few held until they are stuck) and rejected overdrafts; balances, daily volume, suspicious activity. Try rewind sagas",
        defaultEvents: 240,
        config: bankConfig,
        roles: DemoRoles(
            keepsUp: "balances", lagging: "suspicious-activity", stalls: "transfers", faults: "daily-volume",
            poison: "a MoneyDeposited whose amountCents is text (\"12,50\") from an old teller app", consumer: "ledger-export"),
        makeWorld: { BankWorld(seed: $0) })
}

/// `Samples/bank/rewind.toml`, embedded so that the demo needs no file at run time (a test
/// keeps the two equal).
let bankConfig = #"""
# The bank sample: accounts opened, deposits, withdrawals, transfers between accounts and
# rejected overdrafts. See Samples/README.md; docs/CONFIG.md explains every key.

# Every transfer is a saga, one instance per transfer id (its events' shared correlation id):
# the sender's account is debited, then the recipient's credited. A credit the recipient's
# account rejects is refunded to the sender (the compensation); a few never are (failed). A
# transfer held by the payments engine is never credited: 30 s after its last event (by the
# log's newest time) it is stuck; the live demo holds one every ten seconds or so, so you can
# watch one turn from running to stuck. Try: rewind sagas LOG transfer --status stuck
[sagas.transfer]
correlation = true
steps = ["TransferSent", "TransferReceived"]
failed = ["TransferRejected"]
timeout = "30s"
[sagas.transfer.compensations]
TransferRefunded = "TransferSent"

[aggregates.account]
streams = "account-*"
init = '{status: "new", balanceCents: 0, deposits: 0, withdrawals: 0, transfersIn: 0, transfersOut: 0, rejectedWithdrawals: 0}'
[aggregates.account.on]
AccountOpened = '.status = "open" | .owner = $e.data.owner | .kind = $e.data.kind | .currency = $e.data.currency | .overdraftLimitCents = $e.data.overdraftLimitCents | .openedAt = $e.time'
# A deposit whose amount is not a number (an old teller app sends "12,50") is counted, not applied.
MoneyDeposited = 'if ($e.data.amountCents | type) == "number" then .balanceCents += $e.data.amountCents | .deposits += 1 else .malformedDeposits += 1 end'
MoneyWithdrawn = '.balanceCents -= $e.data.amountCents | .withdrawals += 1'
TransferSent = '.balanceCents -= $e.data.amountCents | .transfersOut += 1 | .lastTransfer = $e.data.transferId'
TransferReceived = '.balanceCents += $e.data.amountCents | .transfersIn += 1 | .lastTransfer = $e.data.transferId'
TransferRejected = '.creditsRejected += 1 | .lastTransfer = $e.data.transferId'
TransferRefunded = '.balanceCents += $e.data.amountCents | .transfersRefunded += 1 | .lastTransfer = $e.data.transferId'
WithdrawalRejected = '.rejectedWithdrawals += 1 | .lastRejection = {amountCents: $e.data.amountCents, availableCents: $e.data.availableCents, at: $e.time}'

# The balance of every account, in cents.
[projections.balances]
from = "category:account"
partition = '$e.stream'
init = '0'
[projections.balances.on]
MoneyDeposited = 'if ($e.data.amountCents | type) == "number" then . + $e.data.amountCents else . end'
MoneyWithdrawn = '. - $e.data.amountCents'
TransferSent = '. - $e.data.amountCents'
TransferReceived = '. + $e.data.amountCents'
TransferRefunded = '. + $e.data.amountCents'

# Money moved per day. Trusts amountCents to be a number: the demo's poison event faults it.
[projections.daily-volume]
from = "category:account"
partition = '$e.time[0:10]'
init = '{depositedCents: 0, withdrawnCents: 0, transferredCents: 0, events: 0}'
[projections.daily-volume.on]
MoneyDeposited = '.depositedCents += $e.data.amountCents | .events += 1'
MoneyWithdrawn = '.withdrawnCents += $e.data.amountCents | .events += 1'
TransferSent = '.transferredCents += $e.data.amountCents | .events += 1'

# Accounts worth a second look: rejected overdrafts, cash of 3,000.00 or more, transfers of
# 5,000.00 or more. Other events have no partition, so they are skipped.
[projections.suspicious-activity]
from = "category:account"
partition = '''
  ($e.data.amountCents | if type == "number" then . else 0 end) as $amount
  | if $e.type == "WithdrawalRejected"
       or ($e.data.channel == "cash" and $amount >= 300000)
       or ($e.type == "TransferSent" and $amount >= 500000)
    then $e.stream else null end
'''
init = '{alerts: 0, rejectedWithdrawals: 0, largeMovements: 0}'
[projections.suspicious-activity.on]
WithdrawalRejected = '.alerts += 1 | .rejectedWithdrawals += 1 | .lastAlert = {type: $e.type, amountCents: $e.data.amountCents, at: $e.time}'
"$any" = '.alerts += 1 | .largeMovements += 1 | .lastAlert = {type: $e.type, amountCents: $e.data.amountCents, at: $e.time}'

# Both legs of every transfer, matched by its id (the events' shared correlation id), and a
# rejected credit with its refund.
[projections.transfers]
from = "category:account"
partition = '$e.data.transferId'
init = '{legs: 0}'
[projections.transfers.on]
TransferSent = '.legs += 1 | .from = $e.stream | .amountCents = $e.data.amountCents | .sentAt = $e.time'
TransferReceived = '.legs += 1 | .to = $e.stream | .receivedAt = $e.time'
TransferRejected = '.rejected = $e.data.reason | .rejectedAt = $e.time'
TransferRefunded = '.refundedAt = $e.time'

[redact]
fields = ["owner"]

[snapshots]
every = 50
"""#
