import Foundation

/// Index Exchange's segment taxonomy file, as its knowledge base documents it ("Sending segment files to Index using
/// Amazon S3 buckets", kb.indexexchange.com/integration_partners/file_upload_integration/sending_files_using_S3.htm):
/// valid UTF-8 JSON `{"version":"2.0","segments":[{"externalSegmentID":…,"externalSegmentName":…}]}`, at most 30 kB
/// a file (segments that do not fit go into more files), IDs and names at most 255 characters.
///
/// Only those two fields are sent: the page documents no description or price, and the standard fee (CPM) is set in
/// the Index UI. A withdrawal file has the same shape with IDs only (see `IndexExchangeClient.withdraw`).
struct SegmentTaxonomyFile: Codable, Sendable, Equatable {
    struct Segment: Codable, Sendable, Equatable {
        var externalSegmentID: String
        /// nil in a withdrawal file.
        var externalSegmentName: String?

        /// A segment for the file, or `invalid_segment` when IX would refuse it: an empty or longer than 255 ID or
        /// name is never cut short.
        init(id: String, name: String?) throws {
            try Self.check(id, "ID", id: id)
            if let name { try Self.check(name, "name", id: id) }
            self.externalSegmentID = id
            self.externalSegmentName = name
        }

        private static func check(_ text: String, _ field: String, id: String) throws {
            let length = text.unicodeScalars.count
            guard length == 0 || length > SegmentTaxonomyFile.maxLength else { return }
            let which = field == "ID" ? "a segment ID" : "the name of segment \(String(id.prefix(64)))"
            let problem = length == 0 ? "is empty" : "is \(length) characters"
            throw PlatformError(
                code: "invalid_segment", message: "\(which) \(problem); Index Exchange takes 1 to \(SegmentTaxonomyFile.maxLength)", status: nil
            )
        }
    }

    static let currentVersion = "2.0"
    /// 30 kB, read as 30,000 bytes so a file is under the limit whichever kB IX means.
    static let maxBytes = 30_000
    /// Counted in Unicode scalars.
    static let maxLength = 255

    var version: String
    var segments: [Segment]

    /// The segments in as few files as fit in `maxBytes` each, in order, every ID once (a later entry for an ID
    /// replaces an earlier one): the bytes of each file.
    static func files(_ segments: [Segment], maxBytes: Int = Self.maxBytes) throws -> [Data] {
        var latest: [String: Segment] = [:]
        var order: [String] = []
        for segment in segments {
            if latest.updateValue(segment, forKey: segment.externalSegmentID) == nil { order.append(segment.externalSegmentID) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let head = Data(#"{"version":"\#(Self.currentVersion)","segments":["#.utf8)
        let tail = Data("]}".utf8)

        var files: [Data] = []
        var current: [Data] = []
        var size = head.count + tail.count
        for id in order {
            guard let segment = latest[id] else { continue }
            let entry = try encoder.encode(segment)
            let added = entry.count + (current.isEmpty ? 0 : 1)
            if !current.isEmpty, size + added > maxBytes {
                files.append(Self.join(current, head: head, tail: tail))
                current = []
                size = head.count + tail.count
            }
            size += entry.count + (current.isEmpty ? 0 : 1)
            current.append(entry)
        }
        if !current.isEmpty { files.append(Self.join(current, head: head, tail: tail)) }
        return files
    }

    private static func join(_ entries: [Data], head: Data, tail: Data) -> Data {
        var file = head
        for (index, entry) in entries.enumerated() {
            if index > 0 { file.append(UInt8(ascii: ",")) }
            file.append(entry)
        }
        file.append(tail)
        return file
    }
}
