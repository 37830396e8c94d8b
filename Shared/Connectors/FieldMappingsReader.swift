import SharedModels

/// Field mappings in either spelling: `[{"source": "name", "target": "topic_name"}]` or `{"name": "topic_name"}`.
/// Something must map to `topic_name`, and no target may be mapped twice.
enum FieldMappingsReader {
    static func read(_ reader: FieldReader, into errors: inout FieldErrors) -> [FieldMapping]? {
        let field = reader.path("field_mappings")
        var pairs: [(source: JSONValue, target: JSONValue, field: String)] = []
        switch reader.object["field_mappings"] {
        case nil, .null?:
            errors.add(field, "is required: map a source field to topic_name")
            return nil
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard case .object(let entry) = item else {
                    errors.add("\(field).\(index)", "must be an object {source, target}")
                    continue
                }
                for key in entry.keys.sorted() where key != "source" && key != "target" {
                    errors.add("\(field).\(index).\(key)", "unknown field")
                }
                pairs.append((entry["source"] ?? .null, entry["target"] ?? .null, "\(field).\(index)"))
            }
        case .object(let object)?:
            for (source, target) in object.sorted(by: { $0.key < $1.key }) {
                pairs.append((.string(source), target, "\(field).\(source)"))
            }
        default:
            errors.add(field, "must be a list of {source, target} or an object {source: target}")
            return nil
        }

        var mappings: [FieldMapping] = []
        var seen: Set<FieldMapping.Target> = []
        for pair in pairs {
            guard case .string(let source) = pair.source, JSONPath(source) != nil else {
                errors.add("\(pair.field).source", "must be a dotted path in the source record")
                continue
            }
            guard case .string(let raw) = pair.target, let target = FieldMapping.Target(rawValue: raw) else {
                errors.add(
                    "\(pair.field).target", "must be one of \(FieldMapping.Target.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            guard seen.insert(target).inserted else {
                errors.add("\(pair.field).target", "\(raw) is mapped more than once")
                continue
            }
            mappings.append(FieldMapping(source: source, target: target))
        }
        if !seen.contains(.topicName) && errors.isEmpty {
            errors.add(field, "must map a source field to topic_name")
        }
        return mappings
    }
}
