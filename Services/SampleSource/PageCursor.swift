import Foundation

/// The opaque `next_cursor`: base64url of "offset:sequence". The sequence (0 for the first page) is the page number
/// faults refer to on the cursor route.
struct PageCursor {
    let offset: Int
    let sequence: Int

    init(offset: Int, sequence: Int) {
        self.offset = offset
        self.sequence = sequence
    }

    init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let offset = Int(parts[0]), let sequence = Int(parts[1]), offset >= 0, sequence >= 0 else {
            return nil
        }
        self.init(offset: offset, sequence: sequence)
    }

    var token: String {
        Data("\(self.offset):\(self.sequence)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
