import EventLog
import JSON

/// An order-fulfilment saga across services: stock is reserved in a warehouse, the payment
/// charged, the parcel shipped and the customer notified. A declined payment releases the
/// stock; a failed shipment refunds the payment, then releases the stock (reverse order).
///
/// Every event of one order shares its correlation id and is caused by the one before, while
/// its events land in different streams (`inventory-WH`, `payment-ID`, `shipment-ID`,
/// `notification-CUSTOMER`). Two orders are planted for `rewind sagas` to find: the third order
/// stops after its charge and never moves again (stuck), and the sixth fails at shipping and
/// releases its stock before refunding (compensated out of order: the bug to find).
struct FulfilmentWorld: SampleWorld {
    enum Action: Sendable {
        case reserve, charge, decline, ship, shipFail, notify, release, refund
    }

    struct Order: Sendable {
        var id: String
        var customer: String
        var warehouse: String
        var sku: String
        var qty: Int
        var amount: Int
        var correlation: String
        var lastEvent: EventID
        var actions: [Action]
        var due: Int64
    }

    /// The order (counted from 1) that stops after its charge.
    static let stuckOrder = 3
    /// The order (counted from 1) whose compensations run out of order.
    static let misorderedOrder = 6

    var h: HistoryBuilder
    private var inFlight: [Order] = []
    private var placed = 0

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 7, closes: 23, weekends: true, meanGapSeconds: 400))
    }

    /// Moves the most overdue order on, or takes a new one when none is due.
    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        let now = h.clock.seconds
        if let i = inFlight.indices.filter({ inFlight[$0].due <= now }).min(by: { inFlight[$0].due < inFlight[$1].due }) {
            advance(i)
        } else {
            placeOrder()
        }
        return h.drain()
    }

    /// A payment service sends the amount as text ("49.90"); no saga step follows it.
    mutating func poison() -> [SampleEvent] {
        h.tick()
        let id = "\(80_001 + placed)-X"
        h.emit("payment-" + id, "PaymentCharged", [
            "orderId": .string(id), "paymentId": .string(h.nextID("pay")), "amountCents": .string("49.90"), "method": "card",
        ], metadata: ["correlationId": .string(h.nextID("fulfil")), "actor": "payment-service:legacy"])
        return h.drain()
    }

    private mutating func placeOrder() {
        placed += 1
        let actions: [Action]
        switch placed {
        case Self.stuckOrder: actions = [.reserve, .charge]
        case Self.misorderedOrder: actions = [.reserve, .charge, .shipFail, .release, .refund]
        default:
            switch h.rng.weighted([70, 15, 15]) {
            case 0: actions = [.reserve, .charge, .ship, .notify]
            case 1: actions = [.reserve, .decline, .release]
            default: actions = [.reserve, .charge, .shipFail, .refund, .release]
            }
        }
        let product = h.rng.pick(Self.products)
        let qty = h.rng.weighted([0, 75, 20, 5])
        let order = Order(
            id: "\(80_000 + placed)", customer: "cust-\(2000 + h.rng.int(1...40))", warehouse: h.rng.pick(["LIS-1", "BER-2", "MIL-1"]),
            sku: product.sku, qty: qty, amount: qty * product.price + h.rng.pick([0, 0, 490]), correlation: h.nextID("fulfil"),
            lastEvent: EventID(high: 0, low: 0), actions: actions, due: 0)
        inFlight.append(order)
        advance(inFlight.count - 1)
    }

    /// Emits the order's next action; the order waits a few minutes before the one after.
    private mutating func advance(_ i: Int) {
        var order = inFlight[i]
        let action = order.actions.removeFirst()
        let stream: String
        let type: String
        var data: JSONObject = ["orderId": .string(order.id)]
        switch action {
        case .reserve, .release:
            stream = "inventory-" + order.warehouse
            type = action == .reserve ? "StockReserved" : "StockReleased"
            data["sku"] = .string(order.sku)
            data["qty"] = .int(order.qty)
            data["reservationId"] = .string("res-" + order.id)
        case .charge, .refund:
            stream = "payment-" + order.id
            type = action == .charge ? "PaymentCharged" : "PaymentRefunded"
            data["paymentId"] = .string("pay-" + order.id)
            data["amountCents"] = .int(order.amount)
            if action == .charge { data["method"] = .string(h.rng.pick(["card", "card", "paypal", "klarna"])) }
        case .decline:
            stream = "payment-" + order.id
            type = "PaymentDeclined"
            data["amountCents"] = .int(order.amount)
            data["reason"] = .string(h.rng.pick(["insufficient funds", "card expired", "fraud check"]))
        case .ship, .shipFail:
            stream = "shipment-" + order.id
            let carrier = h.rng.pick(["DHL", "UPS", "GLS", "CTT"])
            data["carrier"] = .string(carrier)
            if action == .ship {
                type = "ShipmentDispatched"
                data["trackingNumber"] = .string(carrier.prefix(2).uppercased() + Names.digits(10, &h.rng))
            } else {
                type = "ShipmentFailed"
                data["reason"] = .string(h.rng.pick(["address undeliverable", "parcel damaged at depot", "carrier refused dangerous goods"]))
            }
        case .notify:
            stream = "notification-" + order.customer
            type = "CustomerNotified"
            data["channel"] = .string(h.rng.pick(["email", "email", "sms", "push"]))
            data["template"] = "order-shipped"
        }
        var metadata: JSONObject = ["correlationId": .string(order.correlation), "actor": .string(Self.actor(of: action))]
        if order.lastEvent != EventID(high: 0, low: 0) { metadata["causationId"] = .string(order.lastEvent.description) }
        let event = h.emit(stream, type, data, metadata: metadata)
        order.lastEvent = event.id
        if order.actions.isEmpty {
            inFlight.remove(at: i)
        } else {
            order.due = h.due(in: 120...1_500)
            inFlight[i] = order
        }
    }

    private static func actor(of action: Action) -> String {
        switch action {
        case .reserve, .release: return "inventory-service"
        case .charge, .decline, .refund: return "payment-service"
        case .ship, .shipFail: return "shipping-service"
        case .notify: return "notification-service"
        }
    }

    private static let products: [(sku: String, price: Int)] = [
        ("MUG-001", 1_490), ("TEE-014", 2_490), ("LMP-045", 4_990), ("HDP-120", 8_990), ("JKT-402", 11_900), ("TEA-015", 1_590),
    ]
}
