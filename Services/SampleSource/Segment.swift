/// One record as the API serves it. A nil `name` leaves the key out, which is what the `nameless` fault serves.
struct Segment {
    let id: String
    let name: String?
    let category: String
    let description: String
    let segmentType: String
    let audienceSize: Int
    let updatedAt: String

    static func id(forIndex index: Int) -> String {
        let digits = String(index)
        return "seg-" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// Written by hand rather than with JSONEncoder: it is several times faster for a page of a thousand, and the key
    /// order stays fixed, which Foundation's encoder does not promise on Linux. Only the taxonomy-derived text is
    /// escaped; ids, timestamps and the segment type are ASCII this service generates.
    func appendJSON(to out: inout String) {
        out += #"{"id":"\#(self.id)""#
        if let name = self.name {
            out += #","name":"#
            JSONText.appendString(name, to: &out)
        }
        out += #","category":"#
        JSONText.appendString(self.category, to: &out)
        out += #","description":"#
        JSONText.appendString(self.description, to: &out)
        out += #","segment_type":"\#(self.segmentType)","audience_size":\#(self.audienceSize),"updated_at":"\#(self.updatedAt)"}"#
    }
}
