import JSON

/// User accounts of a web service, full of personal data: users register, verify and change
/// their e-mail, phone and address, give or withdraw marketing consent, log in, and now and
/// then deactivate. The sign-up service was upgraded during the history: `UserRegistered`
/// before the cut-over is schema version 1 (`name`, `country`), after it version 2
/// (`firstName`, `lastName`, a structured `address`, `marketingConsent`).
///
/// Causality: every user starts with `UserRegistered`; a deactivated user does nothing more;
/// only an unverified address gets verified.
struct UsersWorld: SampleWorld {
    struct User: Sendable {
        var stream: String
        var first: String
        var last: String
        var verified = false
        var consent: Bool
        var active = true
    }

    /// 2026-01-06 08:00 UTC, the sign-up service's upgrade: registrations from here on are
    /// schema version 2.
    static let cutover: Int64 = BusinessClock.defaultStart + 24 * 3600

    var h: HistoryBuilder
    private var users: [User] = []
    private var nextUser = 3001

    init(seed: UInt64) {
        h = HistoryBuilder(seed: seed, hours: .init(opens: 7, closes: 23, weekends: true, meanGapSeconds: 900))
    }

    mutating func step(budget: Int) -> [SampleEvent] {
        h.tick()
        let active = users.indices.filter { users[$0].active }
        let unverified = active.filter { !users[$0].verified }
        if active.count < 4 {
            register()
            return h.drain()
        }
        switch h.rng.weighted([24, 34, unverified.isEmpty ? 0 : 14, 5, 4, 6, 8, 2]) {
        case 0: register()
        case 1: logIn(h.rng.pick(active))
        case 2: verify(h.rng.pick(unverified))
        case 3: changeEmail(h.rng.pick(active), poisoned: false)
        case 4: emit(h.rng.pick(active), "PhoneChanged", ["phone": .string(Names.phone(&h.rng))])
        case 5: emit(h.rng.pick(active), "AddressChanged", ["address": address()])
        case 6: changeConsent(h.rng.pick(active))
        default: deactivate(h.rng.pick(active))
        }
        return h.drain()
    }

    /// A client clears the e-mail address: `EmailChanged` with `"email": null`.
    mutating func poison() -> [SampleEvent] {
        h.tick()
        if !users.contains(where: \.active) { register() }
        changeEmail(h.rng.pick(users.indices.filter { users[$0].active }), poisoned: true)
        return h.drain()
    }

    // MARK: Actions

    private mutating func register() {
        let person = Names.person(&h.rng)
        let stream = "user-\(nextUser)"
        nextUser += 1
        let email = Names.email(first: person.first, last: person.last, &h.rng)
        let consent = h.rng.chance(40)
        let metadata: JSONObject = ["correlationId": .string(h.nextID("signup")), "actor": "signup-service"]
        if h.clock.seconds < Self.cutover {
            let city = h.rng.pick(Names.cities)
            h.emit(stream, "UserRegistered", [
                "name": .string(person.first + " " + person.last), "email": .string(email), "phone": .string(Names.phone(&h.rng)),
                "country": .string(city.1),
            ], metadata: metadata, schemaVersion: 1)
            users.append(User(stream: stream, first: person.first, last: person.last, consent: false))
        } else {
            let birth = "\(h.rng.int(1950...2006))-\(two(h.rng.int(1...12)))-\(two(h.rng.int(1...28)))"
            h.emit(stream, "UserRegistered", [
                "firstName": .string(person.first), "lastName": .string(person.last), "email": .string(email),
                "phone": .string(Names.phone(&h.rng)), "dateOfBirth": .string(birth), "address": address(), "marketingConsent": .bool(consent),
            ], metadata: metadata, schemaVersion: 2)
            users.append(User(stream: stream, first: person.first, last: person.last, consent: consent))
        }
    }

    private mutating func logIn(_ i: Int) {
        let ip = h.rng.pick(["192.0.2.", "198.51.100.", "203.0.113."]) + String(h.rng.int(1...254))
        emit(i, "UserLoggedIn", ["ip": .string(ip), "device": .string(h.rng.pick(Self.devices))], actor: "auth-service")
    }

    private mutating func verify(_ i: Int) {
        users[i].verified = true
        emit(i, "EmailVerified", ["method": .string(h.rng.pick(["link", "link", "code"]))], actor: "auth-service")
    }

    private mutating func changeEmail(_ i: Int, poisoned: Bool) {
        users[i].verified = false
        let email: JSONValue = poisoned ? .null : .string(Names.email(first: users[i].first, last: users[i].last, &h.rng))
        emit(i, "EmailChanged", ["email": email], actor: poisoned ? "mobile-app:2.3.0-beta" : "account-settings")
    }

    private mutating func changeConsent(_ i: Int) {
        users[i].consent.toggle()
        emit(i, "ConsentChanged", ["marketing": .bool(users[i].consent), "source": .string(h.rng.pick(["settings-page", "newsletter-footer"]))])
    }

    private mutating func deactivate(_ i: Int) {
        users[i].active = false
        emit(i, "UserDeactivated", ["reason": .string(h.rng.pick(["requested by the user", "duplicate account", "inactive for two years"]))],
             actor: "support:" + h.rng.pick(["kim", "lea", "raj"]))
    }

    private mutating func emit(_ i: Int, _ type: String, _ data: JSONObject, actor: String = "account-settings") {
        h.emit(users[i].stream, type, data, metadata: ["correlationId": .string(h.nextID("req")), "actor": .string(actor)])
    }

    private mutating func address() -> JSONValue {
        let city = h.rng.pick(Names.cities)
        return [
            "street": .string(h.rng.pick(Names.streets) + " " + String(h.rng.int(1...180))), "city": .string(city.0),
            "postcode": .string(city.2), "country": .string(city.1),
        ]
    }

    private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static let devices = ["Firefox on Linux", "Safari on iPhone", "Chrome on Android", "Edge on Windows", "Safari on macOS"]
}
