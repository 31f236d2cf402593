extension Sample {
    /// An order-fulfilment saga across services, with compensations and two planted problems.
    public static let fulfilment = Sample(
        name: "fulfilment",
        summary: "an order-fulfilment saga across services (reserve stock → charge → ship → notify) with compensations in reverse on failure; one order compensates out of order and one is stuck. Try rewind sagas",
        defaultEvents: 300,
        config: fulfilmentConfig,
        roles: DemoRoles(
            keepsUp: "outcomes", lagging: "held-stock", stalls: "notifications", faults: "revenue",
            poison: "a PaymentCharged whose amountCents is text (\"49.90\") from a legacy payment service", consumer: "label-printer"),
        makeWorld: { FulfilmentWorld(seed: $0) })
}

/// `Samples/fulfilment/rewind.toml`, embedded (a test keeps the two equal).
let fulfilmentConfig = #"""
# The fulfilment sample: an order-fulfilment saga across services. See Samples/README.md;
# docs/CONFIG.md explains every key and docs/SAGAS.md the saga.

# One instance per correlation id: every event of an order carries its order's id, whatever
# service (stream) it lands in. Try: rewind sagas LOG fulfilment --status compensated
[sagas.fulfilment]
correlation = true
steps = ["StockReserved", "PaymentCharged", "ShipmentDispatched", "CustomerNotified"]
failed = ["PaymentDeclined", "ShipmentFailed"]
timeout = "12h"
[sagas.fulfilment.compensations]
StockReleased = "StockReserved"
PaymentRefunded = "PaymentCharged"

[aggregates.inventory]
streams = "inventory-*"
init = '{status: "idle", reservations: 0, releases: 0, heldUnits: 0}'
[aggregates.inventory.on]
StockReserved = '.reservations += 1 | .heldUnits += $e.data.qty | .status = "holding"'
StockReleased = '.releases += 1 | .heldUnits -= $e.data.qty | .status = (if .heldUnits > 0 then "holding" else "idle" end)'

[aggregates.payment]
streams = "payment-*"
init = '{status: "new", chargedCents: 0, refundedCents: 0}'
[aggregates.payment.on]
PaymentCharged = '.status = "charged" | .chargedCents = $e.data.amountCents | .method = $e.data.method'
PaymentDeclined = '.status = "declined" | .reason = $e.data.reason'
PaymentRefunded = '.status = "refunded" | .refundedCents = $e.data.amountCents'

[aggregates.shipment]
streams = "shipment-*"
init = '{status: "new", attempts: 0}'
[aggregates.shipment.on]
ShipmentDispatched = '.status = "dispatched" | .attempts += 1 | .carrier = $e.data.carrier | .trackingNumber = $e.data.trackingNumber'
ShipmentFailed = '.status = "failed" | .attempts += 1 | .carrier = $e.data.carrier | .reason = $e.data.reason'

[aggregates.notification]
streams = "notification-*"
init = '{status: "none", sent: 0}'
[aggregates.notification.on]
CustomerNotified = '.status = "notified" | .sent += 1 | .lastOrderId = $e.data.orderId | .lastChannel = $e.data.channel'

# Events of each type.
[projections.outcomes]
from = "all"
init = '{}'
[projections.outcomes.on]
"$any" = '.[$e.type] += 1'

# Units held by open reservations, per product.
[projections.held-stock]
from = "category:inventory"
partition = '$e.data.sku'
init = '{heldUnits: 0}'
[projections.held-stock.on]
StockReserved = '.heldUnits += $e.data.qty'
StockReleased = '.heldUnits -= $e.data.qty'

# Notifications per channel.
[projections.notifications]
from = "category:notification"
partition = '$e.data.channel'
init = '0'
[projections.notifications.on]
CustomerNotified = '. + 1'

# Money in and out. Trusts amountCents to be a number: the demo's poison event faults it.
[projections.revenue]
from = "category:payment"
init = '{chargedCents: 0, refundedCents: 0}'
[projections.revenue.on]
PaymentCharged = '.chargedCents += $e.data.amountCents'
PaymentRefunded = '.refundedCents += $e.data.amountCents'
"""#
