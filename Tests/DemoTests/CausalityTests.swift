import Demo
import EventLog
import Replay
import Testing

/// Each sample's history makes sense as a business: nothing happens to an account that was
/// never opened, lifecycles go forward, money adds up.
@Suite("Sample causality")
struct CausalityTests {
    typealias F = DemoFixtures

    @Test(arguments: [UInt64(42), 1])
    func bankAccountsAreOpenedFirstAndNeverGoBelowTheirOverdraft(seed: UInt64) throws {
        let events = Sample.bank.events(count: 1_000, seed: seed)
        var balance: [String: Int64] = [:]
        var overdraft: [String: Int64] = [:]
        var sent: [String: SampleEvent] = [:]
        var types: [String: Int] = [:]
        for (i, e) in events.enumerated() {
            types[e.type, default: 0] += 1
            if e.type == "AccountOpened" {
                #expect(e.version == 1 && balance[e.stream] == nil)
                balance[e.stream] = 0
                // Bound first: assigned straight into the optional subscript, #require checked nothing.
                let limit: Int64 = try #require(e.int("overdraftLimitCents"))
                overdraft[e.stream] = limit
                continue
            }
            let current = try #require(balance[e.stream], "\(e.type) on \(e.stream), which was never opened")
            let available = current + (overdraft[e.stream] ?? 0)
            let amount = try #require(e.int("amountCents"), "\(e.type) without a whole amountCents")
            #expect(amount > 0)
            switch e.type {
            case "MoneyDeposited", "TransferReceived", "TransferRefunded":
                balance[e.stream] = current + amount
            case "MoneyWithdrawn", "TransferSent":
                #expect(amount <= available, "\(e.stream) overdrawn at event \(i + 1)")
                balance[e.stream] = current - amount
            case "WithdrawalRejected":
                #expect(amount > available && e.int("availableCents") == max(0, available))
            case "TransferRejected":
                break  // the recipient's account refused the credit: its balance does not move
            default:
                Issue.record("unexpected type \(e.type)")
            }
            if e.type == "TransferSent" {
                let id = try #require(e.string("transferId"))
                #expect(e.meta("correlationId") == id)
                sent[id] = e
                // The credit (or its rejection) comes next, on the account it names, unless the
                // transfer is held (the saga's stuck instance): then nothing of it follows.
                if let next = events.indices.contains(i + 1) ? events[i + 1] : nil, next.meta("correlationId") == id {
                    #expect(["TransferReceived", "TransferRejected"].contains(next.type) && next.stream == e.string("toAccount") && next.stream != e.stream)
                } else {
                    #expect(!events[(i + 1)...].contains { $0.meta("correlationId") == id }, "transfer \(id) continues later")
                }
            }
            if e.type == "TransferReceived" || e.type == "TransferRejected" {
                let id = try #require(e.string("transferId"))
                let leg = try #require(sent[id], "a transfer credited or rejected that was never sent")
                #expect(e.meta("correlationId") == id && e.meta("causationId") == leg.id.description)
                #expect(e.int("amountCents") == leg.int("amountCents") && e.string("fromAccount") == leg.stream)
            }
            if e.type == "TransferRefunded" {
                // Refunded to the sender, caused by the rejection just before it.
                let id = try #require(e.string("transferId"))
                let leg = try #require(sent[id], "a refund of a transfer never sent")
                let rejection = try #require(i > 0 ? events[i - 1] : nil)
                #expect(rejection.type == "TransferRejected" && e.meta("causationId") == rejection.id.description)
                #expect(e.stream == leg.stream && e.int("amountCents") == leg.int("amountCents") && e.meta("correlationId") == id)
            }
        }
        #expect(balance.values.allSatisfy { $0 >= -250_000 })
        for type in ["AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "TransferSent", "TransferReceived", "WithdrawalRejected", "TransferRejected", "TransferRefunded"] {
            #expect((types[type] ?? 0) > 0, "no \(type) in 1,000 events")
        }
    }

    @Test func ordersFollowTheirLifecycleAndRefundsNeverExceedPayments() throws {
        let next: [String: Set<String>] = [
            "OrderPlaced": ["PaymentAuthorized", "OrderCancelled"],
            "PaymentAuthorized": ["OrderPicked", "OrderCancelled"],
            "OrderPicked": ["OrderPacked", "OrderCancelled"],
            "OrderPacked": ["OrderShipped"],
            "OrderShipped": ["OrderDelivered"],
            "OrderDelivered": ["ItemsReturned"],
            "ItemsReturned": [], "OrderCancelled": [],
        ]
        let events = Sample.orders.events(count: 1_000, seed: 9)
        var seen = Set<String>()
        for (stream, list) in F.byStream(events) {
            #expect(list.first?.type == "OrderPlaced", "\(stream) starts with \(list.first?.type ?? "?")")
            for (a, b) in zip(list, list.dropFirst()) {
                #expect(next[a.type]?.contains(b.type) == true, "\(stream): \(a.type) then \(b.type)")
                #expect(b.meta("correlationId") == a.meta("correlationId") && b.meta("causationId") == a.id.description)
            }
            let total = try #require(list.first?.int("totalCents"))
            let items = list.first?.data["items"]?.arrayValue?.reduce(Int64(0)) { $0 + ($1["qty"]?.int64Value ?? 0) } ?? 0
            let paid = list.first { $0.type == "PaymentAuthorized" }?.int("amountCents") ?? 0
            #expect(paid == 0 || paid == total)
            for e in list where e.type == "OrderCancelled" { #expect(e.int("refundCents") == paid) }
            for e in list where e.type == "ItemsReturned" {
                let returned = e.data["items"]?.arrayValue?.reduce(Int64(0)) { $0 + ($1["qty"]?.int64Value ?? 0) } ?? 0
                #expect(returned >= 1 && returned < items, "\(stream): a return must be partial")
                #expect((e.int("refundCents") ?? .max) < total)
            }
            #expect(Set(list.map { $0.string("customerId") }).count == 1)
            seen.formUnion(list.map(\.type))
        }
        #expect(seen == Set(next.keys))
    }

    @Test func bookingsPlayTheirScriptsWithPaymentsOutOfOrder() throws {
        let events = Sample.bookings.events(count: 1_000, seed: 4)
        var captureBeforeAuthorization = 0, paymentBeforeRequest = 0, captureAfterCancellation = 0
        for (stream, list) in F.byStream(events) {
            let types = list.map(\.type)
            #expect(types.filter { $0 == "BookingRequested" }.count <= 1, "\(stream) requested twice")
            if let refund = types.firstIndex(of: "PaymentRefunded") {
                #expect(types[..<refund].contains("PaymentCaptured"), "\(stream) refunded before any capture")
                #expect(types.contains("BookingCancelled"))
            }
            if let confirmed = types.firstIndex(of: "BookingConfirmed") {
                #expect(types[..<confirmed].contains("BookingRequested"), "\(stream) confirmed before it was requested")
            }
            let price = list.first { $0.type == "BookingRequested" }?.int("priceCents")
            for e in list where e.type.hasPrefix("Payment") {
                if let price { #expect(e.int("amountCents") == price) }
                #expect(e.string("paymentId")?.hasPrefix("pay-") == true)
            }
            for e in list where e.type == "PaymentCaptured" {
                let at = try #require(e.string("capturedAt"))
                #expect(RFC3339.parse(at) != nil && (RFC3339.parse(at) ?? .max) <= e.timeMicros)
            }
            if let c = types.firstIndex(of: "PaymentCaptured"), let a = types.firstIndex(of: "PaymentAuthorized"), c < a { captureBeforeAuthorization += 1 }
            if let p = types.firstIndex(where: { $0.hasPrefix("Payment") }), let r = types.firstIndex(of: "BookingRequested"), p < r { paymentBeforeRequest += 1 }
            if let x = types.firstIndex(of: "BookingCancelled"), let c = types.lastIndex(of: "PaymentCaptured"), c > x { captureAfterCancellation += 1 }
        }
        #expect(captureBeforeAuthorization > 0 && paymentBeforeRequest > 0 && captureAfterCancellation > 0)
        // …and in the committed sample too.
        let committed = F.byStream(Sample.bookings.events()).values.map { $0.map(\.type) }
        #expect(committed.contains { ($0.firstIndex(of: "PaymentCaptured") ?? .max) < ($0.firstIndex(of: "PaymentAuthorized") ?? .max) })
        #expect(committed.contains { $0.first == "PaymentAuthorized" })
        #expect(committed.contains { ($0.firstIndex(of: "BookingCancelled") ?? .max) < ($0.lastIndex(of: "PaymentCaptured") ?? -1) })
    }

    @Test func usersRegisterFirstAtTwoSchemaVersionsAndDeactivatedUsersStayQuiet() throws {
        let events = Sample.users.events(count: 800, seed: 6)
        var schemas = Set<UInt32>()
        for (stream, list) in F.byStream(events) {
            let first = try #require(list.first)
            #expect(first.type == "UserRegistered", "\(stream) starts with \(first.type)")
            #expect(list.dropFirst().allSatisfy { $0.type != "UserRegistered" })
            schemas.insert(first.schemaVersion)
            switch first.schemaVersion {
            case 1:
                #expect(first.string("name") != nil && first.string("country") != nil && first.data["address"] == nil)
            default:
                #expect(first.string("firstName") != nil && first.data["address"]?["country"] != nil && first.data["marketingConsent"]?.boolValue != nil)
            }
            if let off = list.firstIndex(where: { $0.type == "UserDeactivated" }) { #expect(off == list.count - 1, "\(stream) acts after deactivation") }
            var verified = false
            for e in list {
                switch e.type {
                case "EmailVerified": #expect(!verified, "\(stream) verified twice"); verified = true
                case "EmailChanged": #expect(e.string("email")?.contains("@") == true); verified = false
                default: break
                }
            }
        }
        #expect(schemas == [1, 2])
        // v1 comes before the cut-over, v2 after it.
        let registrations = events.filter { $0.type == "UserRegistered" }
        let lastV1 = try #require(registrations.last { $0.schemaVersion == 1 })
        let firstV2 = try #require(registrations.first { $0.schemaVersion == 2 })
        #expect(lastV1.timeMicros < firstV2.timeMicros)
    }
}
