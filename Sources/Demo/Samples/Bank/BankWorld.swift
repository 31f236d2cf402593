import JSON

/// A small retail bank: accounts are opened at a branch, money is deposited (cash, salaries,
/// card refunds) and withdrawn (ATM, card, cash at the counter), customers transfer money to
/// each other (two events, one per account, sharing a correlation id; the second caused by the
/// first), and withdrawals beyond balance plus overdraft are rejected.
///
/// A transfer is the sample's saga (`[sagas.transfer]`): debit the sender, credit the
/// recipient. Its outcome is decided by its number, not by a draw, so that every history shows
/// each status (see `TransferOutcome`): most are credited; some credits are rejected by the
/// recipient's account and refunded to the sender (compensated); now and then a rejected credit
/// is never refunded (failed: the money is gone, a bug to find) or a transfer is held and never
/// credited (stuck, once the saga's 30 s timeout passes; the live demo makes one every ~10 s).
///
/// Causality: only opened accounts take part; a withdrawal or transfer never takes an account
/// below its overdraft limit (it is rejected instead); balances here match the `balances`
/// projection.
struct BankWorld: SampleWorld {
    struct Account: Sendable {
        var stream: String
        var owner: String
        var balance: Int
        var overdraft: Int
        var available: Int { balance + overdraft }
    }

    /// How transfer number `n` (counted from 1) ends.
    enum TransferOutcome: Equatable {
        case credited
        /// The recipient's account rejects the credit; the sender is refunded.
        case rejectedAndRefunded
        /// The recipient's account rejects the credit; no refund ever follows.
        case rejectedNeverRefunded
        /// Held by the payments engine: never credited, nothing more happens.
        case held

        static func of(_ n: Int) -> TransferOutcome {
            switch n % 40 {
            case 7: return .held
            case 27: return .rejectedNeverRefunded
            default: return n % 8 == 4 ? .rejectedAndRefunded : .credited
            }
        }
    }

    var h: HistoryBuilder
    private var accounts: [Account] = []
    /// The indices of the accounts holding at least 2,000 cents, for draws among them.
    private var fundedAccounts = OrderedIndexSet()
    private var nextNumber = 1001
    private var transfers = 0

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 8, closes: 18, weekends: false, meanGapSeconds: 600))
    }

    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        if accounts.count < 3 {
            open()
            return h.drain()
        }
        let funded = fundedAccounts.count > 0
        let canTransfer = budget >= 2 && funded
        switch h.rng.weighted([accounts.count < 14 ? 9 : 2, 34, funded ? 28 : 0, canTransfer ? 20 : 0, 3]) {
        case 0: open()
        case 1: deposit()
        case 2: withdraw(overdrawing: false)
        case 3: transfer(budget: budget)
        default: withdraw(overdrawing: true)
        }
        return h.drain()
    }

    mutating func poison() -> [SampleEvent] {
        h.tick()
        if accounts.isEmpty { open() }
        let account = accounts[h.rng.below(accounts.count)]
        // An old teller app sends the amount as text with a decimal comma: "12,50".
        let cents = h.rng.int(5...90) * 50
        let text = "\(cents / 100),\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
        h.emit(account.stream, "MoneyDeposited", ["amountCents": .string(text), "channel": "branch"],
               metadata: ["correlationId": .string(h.nextID("req")), "actor": "teller-app:0.9.1-legacy"])
        return h.drain()
    }

    // MARK: Actions

    private mutating func open() {
        let person = Names.person(&h.rng)
        let number = nextNumber
        nextNumber += 1
        let stream = "account-\(number)"
        let kind = h.rng.chance(75) ? "checking" : "savings"
        let overdraft = kind == "checking" ? h.rng.pick([0, 50_000, 100_000, 250_000]) : 0
        let owner = person.first + " " + person.last
        h.emit(stream, "AccountOpened", [
            "accountId": .string(String(number)), "owner": .string(owner), "kind": .string(kind), "currency": "EUR",
            "overdraftLimitCents": .int(overdraft),
        ], metadata: ["correlationId": .string(h.nextID("req")), "actor": .string("teller:" + h.rng.pick(Self.tellers))])
        accounts.append(Account(stream: stream, owner: owner, balance: 0, overdraft: overdraft))
    }

    private mutating func deposit() {
        let i = h.rng.below(accounts.count)
        let channel: String
        let amount: Int
        switch h.rng.weighted([45, 14, 24, 17]) {
        case 0: (channel, amount) = ("cash", h.rng.chance(8) ? h.rng.int(30...90) * 10_000 : h.rng.int(2...60) * 500)
        case 1: (channel, amount) = ("salary", h.rng.int(1_800...4_800) * 100 + h.rng.int(0...99))
        case 2: (channel, amount) = ("card-refund", h.rng.int(299...18_999))
        default: (channel, amount) = ("cheque", h.rng.int(20...900) * 100)
        }
        adjust(i, by: amount)
        var data: JSONObject = ["amountCents": .int(amount), "channel": .string(channel)]
        if channel == "salary" { data["payer"] = .string(h.rng.pick(Self.employers)) }
        h.emit(accounts[i].stream, "MoneyDeposited", data, metadata: metadata(channel: channel))
    }

    /// A withdrawal within the available funds, or (overdrawing) one beyond them, rejected.
    private mutating func withdraw(overdrawing: Bool) {
        // People take money from accounts that have some; the overdrawing attempt from any.
        // The same draw as picking from the ascending list of candidates.
        let candidates = overdrawing ? accounts.count : fundedAccounts.count
        guard candidates > 0 else { return deposit() }
        let k = h.rng.below(candidates)
        let i = overdrawing ? k : fundedAccounts.element(at: k)
        let channel = h.rng.pick(["atm", "atm", "card", "card", "card", "cash"])
        var amount: Int
        switch channel {
        case "atm": amount = h.rng.pick([2_000, 4_000, 5_000, 10_000, 20_000, 40_000])
        case "card": amount = h.rng.int(250...24_000)
        default: amount = h.rng.chance(15) ? h.rng.int(30...80) * 10_000 : h.rng.int(5...150) * 1_000
        }
        if overdrawing { amount = max(amount, accounts[i].available + h.rng.int(1...400) * 100) }
        let account = accounts[i]
        guard amount <= account.available else {
            h.emit(account.stream, "WithdrawalRejected", [
                "amountCents": .int(amount), "availableCents": .int(max(0, account.available)), "channel": .string(channel),
                "reason": "insufficient funds",
            ], metadata: metadata(channel: channel))
            return
        }
        adjust(i, by: -amount)
        h.emit(account.stream, "MoneyWithdrawn", ["amountCents": .int(amount), "channel": .string(channel)], metadata: metadata(channel: channel))
    }

    /// Two events, one on each account, sharing the transfer id as correlation id; the
    /// received leg is caused by the sent one. Or, by `TransferOutcome`: the credit rejected
    /// by the recipient's account (caused by the sent leg), then the refund to the sender
    /// (caused by the rejection); the rejection alone; the sent leg alone (held).
    private mutating func transfer(budget: Int) {
        guard fundedAccounts.count > 0 else { return deposit() }
        let from = fundedAccounts.element(at: h.rng.below(fundedAccounts.count))
        var to = h.rng.below(accounts.count - 1)
        if to >= from { to += 1 }
        let amount = max(1_000, accounts[from].balance * h.rng.int(5...85) / 100 / 100 * 100)
        let transferID = h.nextID("tr")
        let reference = h.rng.pick(Self.references)
        transfers += 1
        var outcome = TransferOutcome.of(transfers)
        // A refunded rejection takes three events: with less room, the credit goes through.
        if outcome == .rejectedAndRefunded && budget < 3 { outcome = .credited }
        adjust(from, by: -amount)
        let sent = h.emit(accounts[from].stream, "TransferSent", [
            "transferId": .string(transferID), "toAccount": .string(accounts[to].stream), "amountCents": .int(amount),
            "reference": .string(reference),
        ], metadata: ["correlationId": .string(transferID), "actor": .string("customer:" + accounts[from].owner), "channel": "online-banking"])
        if outcome == .held { return }
        h.wait(1...4)
        guard outcome == .credited else {
            let reason = Self.rejections[transfers % Self.rejections.count]
            let rejected = h.emit(accounts[to].stream, "TransferRejected", [
                "transferId": .string(transferID), "fromAccount": .string(accounts[from].stream), "amountCents": .int(amount),
                "reason": .string(reason),
            ], metadata: ["correlationId": .string(transferID), "causationId": .string(sent.id.description), "actor": "payments-engine"])
            guard outcome == .rejectedAndRefunded else { return }
            h.wait(1...4)
            adjust(from, by: amount)
            h.emit(accounts[from].stream, "TransferRefunded", [
                "transferId": .string(transferID), "toAccount": .string(accounts[to].stream), "amountCents": .int(amount),
                "reason": .string(reason),
            ], metadata: ["correlationId": .string(transferID), "causationId": .string(rejected.id.description), "actor": "payments-engine"])
            return
        }
        adjust(to, by: amount)
        h.emit(accounts[to].stream, "TransferReceived", [
            "transferId": .string(transferID), "fromAccount": .string(accounts[from].stream), "amountCents": .int(amount),
            "reference": .string(reference),
        ], metadata: ["correlationId": .string(transferID), "causationId": .string(sent.id.description), "actor": "payments-engine"])
    }

    /// Changes account `i`'s balance, keeping `fundedAccounts` in step.
    private mutating func adjust(_ i: Int, by cents: Int) {
        accounts[i].balance += cents
        fundedAccounts.set(i, accounts[i].balance >= 2_000)
    }

    private mutating func metadata(channel: String) -> JSONObject {
        let actor: String
        switch channel {
        case "atm": actor = "atm:ATM-" + Names.digits(4, &h.rng)
        case "card", "card-refund": actor = "card-network"
        case "salary": actor = "sepa-inbound"
        default: actor = "teller:" + h.rng.pick(Self.tellers)
        }
        return ["correlationId": .string(h.nextID("req")), "actor": .string(actor)]
    }

    private static let tellers = ["anna", "bruno", "carla", "dev", "eero"]
    private static let employers = ["Northwind GmbH", "Contoso SA", "Fabrikam BV", "Tailspin Lda", "Globex Oy"]
    private static let rejections = ["recipient account blocked", "payee name does not match the account"]
    private static let references = ["Rent", "Dinner last night", "Birthday present", "Holiday flat", "Car share", "Concert tickets", "Loan back", "Groceries"]
}
