import EventLog
import JSON

/// A web shop: orders are placed, paid, picked, packed, shipped and delivered; some are
/// cancelled on the way (refunded when paid), some delivered orders are partly returned.
///
/// Many orders are in flight at once, so their events interleave in the log. Causality: each
/// order follows its lifecycle in order, every event of an order shares the checkout's
/// correlation id and is caused by the one before it, and refunds never exceed what was paid.
struct OrdersWorld: SampleWorld {
    enum Step: Sendable {
        case pay, pick, pack, ship, deliver, returnItems, cancel(String)
    }

    struct Order: Sendable {
        var stream: String
        var customer: String
        var lines: [(sku: String, qty: Int, price: Int)]
        var total: Int
        var paid = 0
        var correlation: String
        var lastEvent: EventID
        var steps: [Step]
        /// When the next step may happen (seconds since the epoch).
        var due: Int64
    }

    var h: HistoryBuilder
    private var inFlight: [Order] = []
    private var nextOrder = 50_001
    private var customers = 0

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 7, closes: 23, weekends: true, meanGapSeconds: 1_200))
    }

    /// Moves the most overdue order on, or takes a new one: each step of an order waits its
    /// usual time (picking takes hours, delivery a day or two, a return comes days later).
    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        let now = h.clock.seconds
        let due = inFlight.indices.filter { inFlight[$0].due <= now }
        if due.isEmpty || h.rng.chance(due.count > 3 ? 8 : 20) {
            placeOrder(poisoned: false)
            // Paying is part of the checkout: the authorization follows within seconds.
            if budget >= 2, let last = inFlight.indices.last, inFlight[last].stream == h.pending.last?.stream, case .pay? = inFlight[last].steps.first {
                h.wait(4...40)
                advance(last)
            }
        } else {
            advance(due.min { inFlight[$0].due < inFlight[$1].due } ?? due[0])
        }
        return h.drain()
    }

    /// A marketplace feed sends the total as text ("49.90"); the order never moves on.
    mutating func poison() -> [SampleEvent] {
        h.tick()
        placeOrder(poisoned: true)
        return h.drain()
    }

    // MARK: Actions

    private mutating func placeOrder(poisoned: Bool) {
        if customers < 6 || h.rng.chance(35) { customers += 1 }
        let customer = "cust-\(1000 + h.rng.int(1...customers))"
        var lines: [(sku: String, qty: Int, price: Int)] = []
        for _ in 0..<h.rng.weighted([0, 55, 30, 15]) {
            let product = h.rng.pick(Self.products)
            guard !lines.contains(where: { $0.sku == product.sku }) else { continue }
            lines.append((product.sku, h.rng.weighted([0, 80, 15, 5]), product.price))
        }
        let total = lines.reduce(0) { $0 + $1.qty * $1.price }
        let stream = "order-\(nextOrder)"
        nextOrder += 1
        let place = h.rng.pick(Names.cities)
        let items: [JSONValue] = lines.map { line in
            ["sku": .string(line.sku), "name": .string(Self.name(of: line.sku)), "qty": .int(line.qty), "unitPriceCents": .int(line.price)]
        }
        let correlation = h.nextID("checkout")
        let placed = h.emit(stream, "OrderPlaced", [
            "orderId": .string(String(stream.dropFirst(6))), "customerId": .string(customer), "items": .array(items),
            "totalCents": poisoned ? .string("\(total / 100).\(total % 100 < 10 ? "0" : "")\(total % 100)") : .int(total),
            "currency": "EUR", "shipTo": ["city": .string(place.0), "country": .string(place.1)],
        ], metadata: ["correlationId": .string(correlation), "actor": poisoned ? "marketplace-feed:v1" : .string(h.rng.pick(["web-shop", "web-shop", "mobile-app"]))])
        guard !poisoned else { return }
        let steps = plan(items: lines.reduce(0) { $0 + $1.qty })
        inFlight.append(Order(stream: stream, customer: customer, lines: lines, total: total, correlation: correlation,
                              lastEvent: placed.id, steps: steps, due: h.due(in: Self.wait(before: steps[0], paid: false))))
    }

    /// How long (seconds) an order usually waits before `step`.
    private static func wait(before step: Step, paid: Bool) -> ClosedRange<Int> {
        switch step {
        case .pay: return 10...300
        case .pick: return 1_200...14_400
        case .pack: return 300...2_400
        case .ship: return 1_800...18_000
        case .deliver: return 28_800...108_000
        case .returnItems: return 21_600...172_800
        case .cancel: return paid ? 1_800...43_200 : 600...7_200
        }
    }

    /// The rest of an order's life, decided when it is placed; only an order of two items or
    /// more can be partly returned.
    private mutating func plan(items: Int) -> [Step] {
        switch h.rng.weighted([50, items >= 2 ? 34 : 0, 6, 5, 9]) {
        case 0: return [.pay, .pick, .pack, .ship, .deliver]
        case 1: return [.pay, .pick, .pack, .ship, .deliver, .returnItems]
        case 2: return [.cancel("changed my mind")]
        case 3: return [.pay, .cancel("out of stock")]
        default: return [.pay, .pick, .cancel(h.rng.pick(["customer request", "address undeliverable"]))]
        }
    }

    private mutating func advance(_ i: Int) {
        var order = inFlight[i]
        let step = order.steps.removeFirst()
        var data: JSONObject = ["customerId": .string(order.customer)]
        let type: String
        switch step {
        case .pay:
            type = "PaymentAuthorized"
            order.paid = order.total
            data["paymentId"] = .string(h.nextID("pay"))
            data["amountCents"] = .int(order.total)
            data["method"] = .string(h.rng.pick(["card", "card", "card", "paypal", "klarna"]))
        case .pick:
            type = "OrderPicked"
            data["warehouse"] = .string(h.rng.pick(["LIS-1", "BER-2", "MIL-1"]))
            data["picker"] = .string("picker-" + Names.digits(3, &h.rng))
        case .pack:
            type = "OrderPacked"
            data["parcels"] = .int(order.lines.count > 2 ? 2 : 1)
            data["weightGrams"] = .int(order.lines.reduce(0) { $0 + $1.qty * 350 } + h.rng.int(80...400))
        case .ship:
            type = "OrderShipped"
            let carrier = h.rng.pick(["DHL", "UPS", "PostNL", "CTT", "GLS"])
            data["carrier"] = .string(carrier)
            data["trackingNumber"] = .string(carrier.prefix(2).uppercased() + Names.digits(10, &h.rng))
        case .deliver:
            type = "OrderDelivered"
            data["deliveredTo"] = .string(h.rng.pick(["front door", "neighbour", "parcel locker", "reception"]))
        case .returnItems:
            type = "ItemsReturned"
            // Part of the order: one line of several, or part of a line's quantity.
            let line = order.lines[h.rng.below(order.lines.count)]
            let qty = order.lines.count > 1 ? h.rng.int(1...line.qty) : h.rng.int(1...max(1, line.qty - 1))
            data["items"] = [["sku": .string(line.sku), "qty": .int(qty)]]
            data["refundCents"] = .int(qty * line.price)
            data["reason"] = .string(h.rng.pick(["wrong size", "damaged in transit", "not as described", "no longer needed"]))
        case .cancel(let reason):
            type = "OrderCancelled"
            data["reason"] = .string(reason)
            data["refundCents"] = .int(order.paid)
        }
        let event = h.emit(order.stream, type, data, metadata: [
            "correlationId": .string(order.correlation), "causationId": .string(order.lastEvent.description), "actor": .string(Self.actor(of: type)),
        ])
        order.lastEvent = event.id
        if let next = order.steps.first {
            order.due = h.due(in: Self.wait(before: next, paid: order.paid > 0))
            inFlight[i] = order
        } else {
            inFlight.remove(at: i)
        }
    }

    private static func actor(of type: String) -> String {
        switch type {
        case "PaymentAuthorized": return "payment-gateway"
        case "OrderPicked", "OrderPacked": return "warehouse"
        case "OrderShipped", "OrderDelivered": return "carrier-webhook"
        case "ItemsReturned": return "returns-desk"
        default: return "customer-service"
        }
    }

    private static let products: [(sku: String, name: String, price: Int)] = [
        ("MUG-001", "Enamel camping mug", 1_490), ("TEE-014", "Organic cotton T-shirt", 2_490), ("SCK-203", "Merino socks (2 pairs)", 1_890),
        ("BAG-310", "Canvas tote bag", 1_990), ("LMP-045", "Desk lamp", 4_990), ("BTL-077", "Insulated bottle 0.75 l", 2_790),
        ("HDP-120", "Wireless headphones", 8_990), ("BKS-558", "Notebook, dotted A5", 1_250), ("PLT-900", "Ceramic plant pot", 1_690),
        ("JKT-402", "Rain jacket", 11_900), ("CHR-230", "Phone charger 30 W", 2_290), ("TEA-015", "Loose-leaf tea sampler", 1_590),
    ]

    private static func name(of sku: String) -> String { products.first { $0.sku == sku }?.name ?? sku }
}
