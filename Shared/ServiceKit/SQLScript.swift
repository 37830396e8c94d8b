import Foundation

/// Splits a `.sql` file into statements, because PostgresNIO sends each query as one prepared statement.
/// Understands `'…'` strings, `"…"` identifiers, `$tag$…$tag$` bodies, `--` and `/* */` comments.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        let chars = Array(script)
        var statements: [String] = []
        var current = ""
        var index = 0
        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { statements.append(trimmed) }
            current = ""
        }
        while index < chars.count {
            let char = chars[index]
            let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
            if char == "-" && next == "-" {
                while index < chars.count && chars[index] != "\n" { index += 1 }
                continue
            }
            if char == "/" && next == "*" {
                index += 2
                while index + 1 < chars.count && !(chars[index] == "*" && chars[index + 1] == "/") { index += 1 }
                index += 2
                continue
            }
            if char == "'" || char == "\"" {
                let end = Self.closing(char, in: chars, from: index + 1)
                current.append(contentsOf: chars[index..<end])
                index = end
                continue
            }
            if char == "$", let tagEnd = Self.dollarTagEnd(in: chars, from: index) {
                let tag = String(chars[index...tagEnd])
                var end = tagEnd + 1
                while end < chars.count && !String(chars[end..<min(chars.count, end + tag.count)]).elementsEqual(tag) { end += 1 }
                end = min(chars.count, end + tag.count)
                current.append(contentsOf: chars[index..<end])
                index = end
                continue
            }
            if char == ";" {
                flush()
            } else {
                current.append(char)
            }
            index += 1
        }
        flush()
        return statements
    }

    /// The index just past the quote that closes one opened before `start` (a doubled quote is an escaped one).
    private static func closing(_ quote: Character, in chars: [Character], from start: Int) -> Int {
        var index = start
        while index < chars.count {
            if chars[index] == quote {
                if index + 1 < chars.count && chars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return chars.count
    }

    /// For `$tag$` or `$$` starting at `start`, the index of the closing `$` of the tag.
    private static func dollarTagEnd(in chars: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < chars.count {
            let char = chars[index]
            if char == "$" { return index }
            guard char.isLetter || char == "_" || (char.isNumber && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }
}
