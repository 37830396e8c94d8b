import Crypto
import Foundation

/// AWS Signature Version 4 in the `Authorization` header, as S3 checks it (AWS S3 API reference, "Signature Calculations
/// for the Authorization Header"): canonical request → string to sign → a signing key derived from the secret, the
/// date, the region and the service → hex HMAC-SHA256.
///
/// The payload is signed through its hex SHA-256 in `x-amz-content-sha256`. `host`, `x-amz-date`, the session token
/// (`x-amz-security-token`, for temporary credentials) and any other header the caller passes are signed. S3 neither
/// normalises nor double-encodes the path, so the URL's percent-encoded path is signed as it is; query names and values
/// are encoded with only the unreserved characters left as they are (`/` becomes `%2F`), sorted by name.
struct SigV4Signer: Sendable {
    /// What to add to the request: `host`, `x-amz-date`, `x-amz-content-sha256`, the session token when there is one,
    /// and `Authorization`.
    struct Signed: Sendable {
        var headers: [(String, String)]
        var authorization: String
        var canonicalRequest: String
        var stringToSign: String
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    /// The hex SHA-256 of no bytes: the payload hash of a GET.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    var accessKeyID: String
    var secretAccessKey: String
    var sessionToken: String?
    var region: String
    var service = "s3"

    func sign(method: String, url: URL, headers: [(String, String)] = [], payloadHash: String, date: Date) -> Signed {
        let amzDate = Self.amzDate(date)
        let scope = "\(amzDate.prefix(8))/\(self.region)/\(self.service)/aws4_request"
        var added: [(String, String)] = [("host", Self.host(url)), ("x-amz-content-sha256", payloadHash), ("x-amz-date", amzDate)]
        if let token = self.sessionToken { added.append(("x-amz-security-token", token)) }

        var canonical: [String: String] = [:]
        for (name, value) in headers + added {
            let trimmed = value.split(separator: " ").joined(separator: " ")
            let name = name.lowercased()
            canonical[name] = canonical[name].map { "\($0),\(trimmed)" } ?? trimmed
        }
        let names = canonical.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let path = url.path(percentEncoded: true)
        let canonicalRequest = [
            method.uppercased(), path.isEmpty ? "/" : path, Self.canonicalQuery(url),
            names.map { "\($0):\(canonical[$0] ?? "")\n" }.joined(), signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [Self.algorithm, amzDate, scope, Self.sha256Hex(Data(canonicalRequest.utf8))].joined(separator: "\n")

        var key = SymmetricKey(data: Data("AWS4\(self.secretAccessKey)".utf8))
        for part in [String(amzDate.prefix(8)), self.region, self.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        let authorization = "\(Self.algorithm) Credential=\(self.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signed(
            headers: added + [("Authorization", authorization)], authorization: authorization, canonicalRequest: canonicalRequest,
            stringToSign: stringToSign
        )
    }

    // MARK: Encoding

    /// RFC 3986's unreserved characters, the only ones SigV4 leaves unencoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    /// A query name or value, or one segment of an object key, as S3 wants it encoded.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? text
    }

    /// An object key for a URL path: each segment encoded, the slashes kept.
    static func encodePath(_ key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
    }

    /// `name=value` pairs, each decoded and encoded again the SigV4 way, sorted by name then value.
    static func canonicalQuery(_ url: URL) -> String {
        guard let query = url.query(percentEncoded: true), !query.isEmpty else { return "" }
        let decode = { (part: Substring) -> String in String(part).removingPercentEncoding ?? String(part) }
        let pairs: [(name: String, value: String)] = query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.encode(decode(parts[0])), parts.count > 1 ? Self.encode(decode(parts[1])) : "")
        }
        let sorted = pairs.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return sorted.map { pair in "\(pair.name)=\(pair.value)" }.joined(separator: "&")
    }

    /// The `Host` header AsyncHTTPClient sends: the host, and the port when it is not the scheme's default.
    static func host(_ url: URL) -> String {
        let host = url.host(percentEncoded: false) ?? ""
        guard let port = url.port else { return host }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        return port == defaultPort ? host : "\(host):\(port)"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC: `x-amz-date`, and the stamp our object keys begin with.
    static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let pad = { (value: Int?, width: Int) in String(String(repeating: "0", count: width) + String(value ?? 0)).suffix(width) }
        return "\(pad(parts.year, 4))\(pad(parts.month, 2))\(pad(parts.day, 2))T\(pad(parts.hour, 2))\(pad(parts.minute, 2))\(pad(parts.second, 2))Z"
    }

    static func sha256Hex(_ data: Data) -> String { Self.hex(SHA256.hash(data: data)) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
