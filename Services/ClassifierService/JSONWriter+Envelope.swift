import Foundation
import SharedModels

extension JSONWriter {
    /// An error envelope; its rare details go through the shared encoder.
    mutating func envelope(_ envelope: ErrorEnvelope) {
        self.append(UInt8(ascii: "{"))
        self.key("error", first: true)
        self.append(UInt8(ascii: "{"))
        self.field("code", envelope.error.code, first: true)
        if let details = envelope.error.details, let encoded = try? JSONCoding.encoder.encode(details) {
            self.key("details")
            for byte in encoded { self.append(byte) }
        }
        self.field("message", envelope.error.message)
        self.append(UInt8(ascii: "}"))
        self.append(UInt8(ascii: "}"))
    }
}
