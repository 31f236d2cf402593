import EventLog
import JSON

/// Hotel bookings: requested (PENDING), confirmed (CONFIRMED), sometimes cancelled
/// (CANCELLED), with payment events from a payment provider's webhooks that arrive out of
/// order: a capture before its authorization, a payment before the booking it pays for, a
/// capture after the booking was cancelled (then refunded).
///
/// Causality: every booking's script is decided when it starts and played in order; amounts
/// captured and refunded match the price; a refund only follows a capture.
struct BookingsWorld: SampleWorld {
    enum Step: Sendable, Equatable {
        case request, authorize, capture, confirm, cancel, refund
    }

    /// A step and how long (seconds) after the one before it it happens.
    typealias Scripted = (step: Step, after: ClosedRange<Int>)

    struct Booking: Sendable {
        var stream: String
        var price: Int
        var paymentID: String
        var correlation: String
        var lastEvent: EventID?
        var steps: [Scripted]
        var details: JSONObject
        /// When the next step may happen (seconds since the epoch).
        var due: Int64 = 0
    }

    var h: HistoryBuilder
    private var inFlight: [Booking] = []
    private var nextBooking = 7001

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 7, closes: 23, weekends: true, meanGapSeconds: 900))
    }

    /// Starts a booking, or moves the most overdue one on; a step that follows within a few
    /// minutes (a webhook right after another) comes in the same action.
    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        let now = h.clock.seconds
        let due = inFlight.indices.filter { inFlight[$0].due <= now }
        let i: Int
        if due.isEmpty || h.rng.chance(due.count > 3 ? 10 : 25) {
            start(script: script())
            i = inFlight.count - 1
        } else {
            i = due.min { inFlight[$0].due < inFlight[$1].due } ?? due[0]
        }
        let stream = inFlight[i].stream
        play(i, poisoned: false)
        var produced = 1
        while produced < budget, let j = inFlight.firstIndex(where: { $0.stream == stream }),
              let next = inFlight[j].steps.first, next.after.upperBound <= 300 {
            h.wait(next.after)
            play(j, poisoned: false)
            produced += 1
        }
        return h.drain()
    }

    /// A provider sends capturedAt as epoch seconds instead of RFC 3339: a new booking,
    /// authorized, then the malformed capture; it is confirmed later like any other.
    mutating func poison() -> [SampleEvent] {
        h.tick()
        start(script: [(.request, 0...0), (.authorize, 20...90), (.capture, 2...30), (.confirm, 60...1_800)])
        let i = inFlight.count - 1
        play(i, poisoned: false)
        h.wait(20...90)
        play(i, poisoned: false)
        h.wait(2...30)
        play(i, poisoned: true)
        return h.drain()
    }

    // MARK: Scripts

    private mutating func script() -> [Scripted] {
        let pay: ClosedRange<Int> = 5...90, confirm: ClosedRange<Int> = 60...1_800, capture: ClosedRange<Int> = 3_600...172_800
        let cancel: ClosedRange<Int> = 7_200...172_800, refund: ClosedRange<Int> = 3_600...86_400
        switch h.rng.weighted([46, 14, 8, 10, 10, 12]) {
        case 0: return [(.request, 0...0), (.authorize, pay), (.confirm, confirm), (.capture, capture)]
        case 1: return [(.request, 0...0), (.capture, pay), (.authorize, 1...20), (.confirm, confirm)]  // webhooks swapped
        case 2: return [(.authorize, 0...0), (.request, 20...240), (.confirm, confirm), (.capture, capture)]  // payment before the booking
        case 3: return [(.request, 0...0), (.authorize, pay), (.confirm, confirm), (.cancel, cancel), (.capture, 30...3_600), (.refund, refund)]  // late capture
        case 4: return [(.request, 0...0), (.authorize, pay), (.confirm, confirm), (.capture, capture), (.cancel, cancel), (.refund, refund)]
        default: return [(.request, 0...0), (.cancel, 600...7_200)]  // no room: the hotel declines
        }
    }

    private mutating func start(script: [Scripted]) {
        let hotel = h.rng.pick(Self.hotels)
        let room = h.rng.pick(Self.rooms)
        let nights = h.rng.weighted([0, 20, 30, 20, 12, 8, 5, 5])
        let rate = hotel.rate * room.factor / 100
        let guest = Names.person(&h.rng)
        let checkIn = RFC3339.format(microsecondsSinceEpoch: (h.clock.seconds + Int64(h.rng.int(3...120)) * 86_400) * 1_000_000, fractionDigits: 0)
        let stream = "booking-\(nextBooking)"
        nextBooking += 1
        let details: JSONObject = [
            "bookingId": .string(String(stream.dropFirst(8))), "guestName": .string(guest.first + " " + guest.last),
            "guests": .int(min(room.sleeps, h.rng.int(1...room.sleeps))), "hotel": .string(hotel.name), "roomType": .string(room.name),
            "checkIn": .string(String(checkIn.prefix(10))), "nights": .int(nights), "priceCents": .int(rate * nights), "currency": "EUR",
            "channel": .string(h.rng.pick(["direct", "direct", "travel-agent", "phone"])),
        ]
        inFlight.append(Booking(stream: stream, price: rate * nights, paymentID: h.nextID("pay"), correlation: h.nextID("bk"),
                                lastEvent: nil, steps: script, details: details))
    }

    private mutating func play(_ i: Int, poisoned: Bool) {
        var b = inFlight[i]
        let step = b.steps.removeFirst().step
        var metadata: JSONObject = ["correlationId": .string(b.correlation)]
        if let last = b.lastEvent { metadata["causationId"] = .string(last.description) }
        let payment: JSONObject = ["paymentId": .string(b.paymentID), "amountCents": .int(b.price)]
        let event: SampleEvent
        switch step {
        case .request:
            metadata["actor"] = .string(b.details["channel"] == "direct" ? "booking-site" : "reservations-desk")
            event = h.emit(b.stream, "BookingRequested", b.details, metadata: metadata)
        case .authorize:
            metadata["actor"] = "psp-webhook"
            event = h.emit(b.stream, "PaymentAuthorized", payment, metadata: metadata)
        case .capture:
            metadata["actor"] = "psp-webhook"
            var data = payment
            let at = h.clock.seconds - Int64(h.rng.int(1...40))
            data["capturedAt"] = poisoned ? .integer(at) : .string(RFC3339.format(microsecondsSinceEpoch: at * 1_000_000, fractionDigits: 0))
            event = h.emit(b.stream, "PaymentCaptured", data, metadata: metadata)
        case .confirm:
            metadata["actor"] = "availability-service"
            event = h.emit(b.stream, "BookingConfirmed", ["confirmationCode": .string(h.rng.code(6))], metadata: metadata)
        case .cancel:
            let byHotel = b.steps.isEmpty  // a script that ends in a cancellation: the hotel had no room
            metadata["actor"] = byHotel ? "availability-service" : "guest"
            event = h.emit(b.stream, "BookingCancelled", [
                "by": byHotel ? "hotel" : "guest",
                "reason": .string(byHotel ? "no availability" : h.rng.pick(["change of plans", "found a cheaper offer", "illness", "flight cancelled"])),
            ], metadata: metadata)
        case .refund:
            metadata["actor"] = "psp-webhook"
            event = h.emit(b.stream, "PaymentRefunded", payment, metadata: metadata)
        }
        b.lastEvent = event.id
        if let next = b.steps.first {
            b.due = h.due(in: next.after)
            inFlight[i] = b
        } else {
            inFlight.remove(at: i)
        }
    }

    private static let hotels: [(name: String, rate: Int)] = [
        ("Hotel Miramar Lisboa", 12_900), ("Alpenhof Graz", 10_500), ("Canal House Utrecht", 14_900),
        ("Pensione Aurora Milano", 9_900), ("Harbour Lights Dublin", 16_500),
    ]
    private static let rooms: [(name: String, factor: Int, sleeps: Int)] = [
        ("single", 75, 1), ("double", 100, 2), ("double", 100, 2), ("family", 150, 4), ("suite", 220, 2),
    ]
}
