/// The page bodies of the data routes.
enum SegmentPages {
    /// `GET /v1/segments`: `{"data":{"segments":[…]},"meta":{"total":N}}`.
    static func offsetPage(_ segments: [Segment], total: Int) -> String {
        var out = #"{"data":{"segments":"#
        out.reserveCapacity(segments.count * 260)
        JSONText.appendArray(segments, to: &out)
        out += #"},"meta":{"total":\#(total)}}"#
        return out
    }

    /// `GET /v1/cursor/segments`: `{"items":[…],"next_cursor":"…"}`, with `next_cursor` null on the last page.
    static func cursorPage(_ segments: [Segment], nextCursor: String?) -> String {
        var out = #"{"items":"#
        out.reserveCapacity(segments.count * 260)
        JSONText.appendArray(segments, to: &out)
        out += #","next_cursor":"#
        if let nextCursor {
            JSONText.appendString(nextCursor, to: &out)
        } else {
            out += "null"
        }
        out += "}"
        return out
    }
}
