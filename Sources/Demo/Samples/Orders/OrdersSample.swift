extension Sample {
    /// A web shop's orders from checkout to delivery, cancellation or return.
    public static let orders = Sample(
        name: "orders",
        summary: "orders placed, paid, picked, packed, shipped, delivered, partially returned or cancelled, interleaved; an order aggregate and a per-customer projection",
        defaultEvents: 300,
        config: ordersConfig,
        roles: DemoRoles(
            keepsUp: "customers", lagging: "pipeline", stalls: "returns", faults: "revenue-by-day",
            poison: "an OrderPlaced whose totalCents is text (\"49.90\") from a marketplace feed", consumer: "warehouse-sync"),
        makeWorld: { OrdersWorld(seed: $0) })
}

/// `Samples/orders/rewind.toml`, embedded (a test keeps the two equal).
let ordersConfig = #"""
# The orders sample: a web shop's orders from checkout to delivery, cancellation or a partial
# return. See Samples/README.md; docs/CONFIG.md explains every key.

[aggregates.order]
streams = "order-*"
init = '{status: "new", items: 0, totalCents: 0, paidCents: 0, refundedCents: 0, returnedItems: 0}'
[aggregates.order.on]
OrderPlaced = '.status = "placed" | .customerId = $e.data.customerId | .items = ($e.data.items | map(.qty) | add) | .totalCents = $e.data.totalCents | .placedAt = $e.time'
PaymentAuthorized = '.status = "paid" | .paidCents = $e.data.amountCents | .paymentMethod = $e.data.method'
OrderPicked = '.status = "picked" | .warehouse = $e.data.warehouse'
OrderPacked = '.status = "packed" | .parcels = $e.data.parcels'
OrderShipped = '.status = "shipped" | .carrier = $e.data.carrier | .trackingNumber = $e.data.trackingNumber'
OrderDelivered = '.status = "delivered" | .deliveredTo = $e.data.deliveredTo | .deliveredAt = $e.time'
ItemsReturned = '.status = "partially-returned" | .returnedItems += ($e.data.items | map(.qty) | add) | .refundedCents += $e.data.refundCents'
OrderCancelled = '.status = "cancelled" | .cancelReason = $e.data.reason | .refundedCents += $e.data.refundCents'

# One row per customer: orders, what they spent and got back.
[projections.customers]
from = "category:order"
partition = '$e.data.customerId'
init = '{orders: 0, open: 0, delivered: 0, cancelled: 0, returns: 0, spentCents: 0, refundedCents: 0}'
[projections.customers.on]
OrderPlaced = '.orders += 1 | .open += 1 | .lastOrderAt = $e.time'
PaymentAuthorized = '.spentCents += $e.data.amountCents'
OrderDelivered = '.open -= 1 | .delivered += 1'
OrderCancelled = '.open -= 1 | .cancelled += 1 | .refundedCents += $e.data.refundCents'
ItemsReturned = '.returns += 1 | .refundedCents += $e.data.refundCents'

# How many orders reached each step of the pipeline.
[projections.pipeline]
from = "category:order"
init = '{}'
[projections.pipeline.on]
"$any" = '.[$e.type] += 1'

# Returns by reason.
[projections.returns]
from = "category:order"
partition = '$e.data.reason'
init = '{returns: 0, items: 0, refundedCents: 0}'
[projections.returns.on]
ItemsReturned = '.returns += 1 | .items += ($e.data.items | map(.qty) | add) | .refundedCents += $e.data.refundCents'

# Order value per day. Trusts totalCents to be a number: the demo's poison event faults it.
[projections.revenue-by-day]
from = "category:order"
partition = '$e.time[0:10]'
init = '{orders: 0, placedCents: 0, refundedCents: 0}'
[projections.revenue-by-day.on]
OrderPlaced = '.orders += 1 | .placedCents += $e.data.totalCents'
OrderCancelled = '.refundedCents += $e.data.refundCents'
ItemsReturned = '.refundedCents += $e.data.refundCents'

[snapshots]
every = 50
"""#
