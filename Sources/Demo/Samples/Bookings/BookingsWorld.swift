import EventLog
import Replay

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

    struct Booking: Sendable {
        var stream: String
        var price: Int
        var paymentID: String
        var correlation: String
        var lastEvent: EventID?
        var steps: [Step]
        var details: JSONObject
    }

    var h: HistoryBuilder
    private var inFlight: [Booking] = []
    private var nextBooking = 7001

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 7, closes: 23, weekends: true, meanGapSeconds: 420))
    }

    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        if inFlight.count < 3 || h.rng.weighted([inFlight.count < 10 ? 40 : 15, 60]) == 0 {
            start(script: script())
            play(inFlight.count - 1, poisoned: false)
        } else {
            play(h.rng.below(inFlight.count), poisoned: false)
        }
        return h.drain()
    }

    /// A provider sends capturedAt as epoch seconds instead of RFC 3339: a new booking,
    /// authorized, then the malformed capture; it is confirmed later like any other.
    mutating func poison() -> [SampleEvent] {
        h.tick()
        start(script: [.request, .authorize, .capture, .confirm])
        let i = inFlight.count - 1
        play(i, poisoned: false)
        h.wait(20...90)
        play(i, poisoned: false)
        h.wait(2...30)
        play(i, poisoned: true)
        return h.drain()
    }

    // MARK: Scripts

    private mutating func script() -> [Step] {
        switch h.rng.weighted([46, 14, 8, 10, 10, 12]) {
        case 0: return [.request, .authorize, .confirm, .capture]
        case 1: return [.request, .capture, .authorize, .confirm]  // webhooks swapped
        case 2: return [.authorize, .request, .confirm, .capture]  // payment before the booking
        case 3: return [.request, .authorize, .confirm, .cancel, .capture, .refund]  // late capture, refunded
        case 4: return [.request, .authorize, .confirm, .capture, .cancel, .refund]
        default: return [.request, .cancel]  // no room: the hotel declines
        }
    }

    private mutating func start(script: [Step]) {
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
        let step = b.steps.removeFirst()
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
        if b.steps.isEmpty { inFlight.remove(at: i) } else { inFlight[i] = b }
    }

    private static let hotels: [(name: String, rate: Int)] = [
        ("Hotel Miramar Lisboa", 12_900), ("Alpenhof Graz", 10_500), ("Canal House Utrecht", 14_900),
        ("Pensione Aurora Milano", 9_900), ("Harbour Lights Dublin", 16_500),
    ]
    private static let rooms: [(name: String, factor: Int, sleeps: Int)] = [
        ("single", 75, 1), ("double", 100, 2), ("double", 100, 2), ("family", 150, 4), ("suite", 220, 2),
    ]
}
