import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers SIGINT to `onPress` (with the number of presses so far) instead of killing the process.
struct InterruptMonitor {
    private let source: any DispatchSourceSignal

    init(_ interruption: Interruption, onPress: @escaping @Sendable (Int) -> Void) {
        // The default action would end the process before the handler runs.
        signal(SIGINT, SIG_IGN)
        self.source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        self.source.setEventHandler { onPress(interruption.press()) }
        self.source.resume()
    }

    func stop() {
        self.source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
