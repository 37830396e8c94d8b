import SharedModels
import Testing

/// Values found inside JSON text without decoding it: the exact bytes of each, whatever their strings hold.
@Suite struct JSONSlicesTests {
    @Test func theElementsOfAnArrayAreItsValuesByteForByte() {
        let text = #" { "data2" : [9], "meta": {"data": [0]}, "data" : [ {"a": "x\"]}", "b": [1, [2, {"c": null}]]} , "\\", -1.5e3,true ,[] ] } "#
        let bytes = Array(text.utf8)
        let elements = JSONSlices.elements(of: "data", in: bytes)?.map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(elements == [#"{"a": "x\"]}", "b": [1, [2, {"c": null}]]}"#, #""\\""#, "-1.5e3", "true", "[]"])
        #expect(JSONSlices.elements(of: "data", in: Array(#"{"data":[]}"#.utf8)) == [])
        #expect(JSONSlices.elements(of: "missing", in: bytes) == nil)
    }

    @Test func aMemberIsFoundOnlyAtTheTopOfItsObject() throws {
        let bytes = Array(#"[{"x": {"error": 1}, "y": 2}, {"error": {"code": "e"}}]"#.utf8)
        #expect(JSONSlices.value(of: "error", inObjectAt: 1, of: bytes) == .some(nil))
        let error = try #require(JSONSlices.value(of: "error", inObjectAt: 29, of: bytes) ?? nil)
        #expect(String(decoding: bytes[error], as: UTF8.self) == #"{"code": "e"}"#)
        #expect(JSONSlices.value(of: "error", inObjectAt: 0, of: bytes) == nil)
    }
}
