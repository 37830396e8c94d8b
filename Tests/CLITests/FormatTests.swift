@testable import CLI
import Testing

@Suite struct FormatTests {
    @Test(arguments: [
        (0.0, "0.0s"), (0.44, "0.4s"), (9.94, "9.9s"), (9.96, "10s"), (42.4, "42s"), (59.6, "1m00s"), (125, "2m05s"), (3725, "1h02m"),
        (-3, "0.0s"),
    ])
    func durationsReadAsSecondsMinutesOrHours(seconds: Double, text: String) {
        #expect(Format.duration(seconds) == text)
    }

    @Test(arguments: [(0.04, "0.0"), (4.54, "4.5"), (9.96, "10"), (350.4, "350")])
    func ratesHaveOneDecimalOnlyBelowTen(rate: Double, text: String) {
        #expect(Format.rate(rate) == text)
    }
}
