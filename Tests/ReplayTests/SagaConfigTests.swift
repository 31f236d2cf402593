import Replay
import Testing

/// `[sagas.NAME]` in rewind.toml: a good section parses whole; every mistake names the key, its
/// line and what to write instead.
@Suite("saga config")
struct SagaConfigTests {
    static let good = """
        [sagas.fulfilment]
        correlation = true
        steps = ["StockReserved", "PaymentCharged", "ShipmentDispatched"]
        failed = ["PaymentDeclined"]
        timeout = "1h30m"
        [sagas.fulfilment.compensations]
        StockReleased = "StockReserved"
        PaymentRefunded = "PaymentCharged"

        [sagas.orders]
        streams = "order-*"
        steps = ["OrderPlaced"]
        """

    func failure(_ text: String) -> ConfigError? {
        do {
            _ = try RewindConfig.parse(text, path: "shop/rewind.toml")
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test func aGoodSagaParsesWithEveryKey() throws {
        let config = try RewindConfig.parse(Self.good, path: "shop/rewind.toml")
        #expect(config.sagas.map(\.name) == ["fulfilment", "orders"])
        let f = try #require(config.saga(named: "fulfilment"))
        #expect(f.instances == .correlation)
        #expect(f.steps == ["StockReserved", "PaymentCharged", "ShipmentDispatched"])
        #expect(f.compensations.map(\.type) == ["StockReleased", "PaymentRefunded"])
        #expect(f.compensations.map(\.step) == ["StockReserved", "PaymentCharged"])
        #expect(f.failed == ["PaymentDeclined"] && f.timeoutMicros == 5_400_000_000)
        #expect(f.compensation(ofStep: 1) == "PaymentRefunded" && f.compensation(ofStep: 2) == nil)
        let o = try #require(config.saga(named: "orders"))
        #expect(o.instances == .streams("order-*") && o.timeoutMicros == SagaDefinition.defaultTimeoutMicros && o.compensations.isEmpty)
    }

    @Test func aCompensationOfAnUnknownStepSuggestsTheClosestStep() throws {
        let e = try #require(failure("""
            [sagas.s]
            correlation = true
            steps = ["StockReserved", "PaymentCharged"]
            [sagas.s.compensations]
            StockReleased = "StockReservd"
            """))
        #expect(e.line == 5)
        #expect(e.description.contains("sagas.s.compensations.StockReleased"))
        #expect(e.description.contains("'StockReservd' is not a step of the saga (did you mean 'StockReserved'?)"))
        #expect(e.description.contains("one of StockReserved, PaymentCharged"))
    }

    @Test func emptyOrMissingStepsAreRefused() throws {
        let empty = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = []\n"))
        #expect(empty.line == 3 && empty.description.contains("the list of steps is empty"))
        let missing = try #require(failure("[sagas.s]\ncorrelation = true\n"))
        #expect(missing.description.contains("the saga has no steps"))
        let twice = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\", \"B\", \"A\"]\n"))
        #expect(twice.description.contains("the step 'A' is listed twice"))
        let notText = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\", 3]\n"))
        #expect(notText.description.contains("every event type must be a non-empty string"))
    }

    @Test func aBadDurationSaysHowToWriteOne() throws {
        for bad in ["\"15\"", "\"1.5h\"", "\"0m\"", "\"forever\"", "15"] {
            let e = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\"]\ntimeout = \(bad)\n"), "\(bad)")
            #expect(e.line == 4, "\(bad)")
            #expect(e.description.contains("timeout = \"15m\""), "\(bad): \(e.description)")
        }
    }

    @Test func instancesMustBeFoundOneWay() throws {
        let neither = try #require(failure("[sagas.s]\nsteps = [\"A\"]\n"))
        #expect(neither.description.contains("does not say how its instances are found"))
        let both = try #require(failure("[sagas.s]\nstreams = \"o-*\"\ncorrelation = true\nsteps = [\"A\"]\n"))
        #expect(both.description.contains("both streams and correlation"))
        let flag = try #require(failure("[sagas.s]\ncorrelation = \"yes\"\nsteps = [\"A\"]\n"))
        #expect(flag.description.contains("expected true or false"))
    }

    @Test func unknownKeysAndClashingTypesAreNamed() throws {
        let typo = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\"]\ntimout = \"5m\"\n"))
        #expect(typo.description.contains("unknown key 'timout'") && typo.description.contains("timeout"))
        let stepFails = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\"]\nfailed = [\"A\"]\n"))
        #expect(stepFails.description.contains("'A' is both a step and a failure"))
        let stepCompensates = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\", \"B\"]\n[sagas.s.compensations]\nB = \"A\"\n"))
        #expect(stepCompensates.description.contains("cannot also compensate"))
        let two = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\"]\n[sagas.s.compensations]\nX = \"A\"\nY = \"A\"\n"))
        #expect(two.description.contains("already has a compensation, X"))
        let section = try #require(failure("[saga.s]\ncorrelation = true\n"))
        #expect(section.description.contains("[sagas]"))
    }

    @Test func hostileNamesInErrorsAreEscaped() throws {
        let e = try #require(failure("[sagas.s]\ncorrelation = true\nsteps = [\"A\"]\n[sagas.s.compensations]\nX = \"\\u001b]52;c;evil\\u0007\"\n"))
        #expect(!e.description.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }
}
