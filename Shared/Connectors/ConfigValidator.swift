import Foundation
import SharedModels

/// Validates `config` for a platform and direction and returns it canonical (defaults filled, aliases resolved).
enum ConfigValidator {
    static let inboundKeys: Set<String> = [
        "base_url", "response_path", "items_path", "count_endpoint", "count_response_path", "count_path", "pagination_type",
        "pagination_params", "field_mappings", "filters", "extra_headers", "sync_mode", "incremental_field", "incremental_param",
        "incremental_lookback_seconds", "source_id_field", "max_pages", "api_key_header", "token_url",
    ]

    static func outboundKeys(_ platform: Platform) -> Set<String> {
        let common: Set<String> = ["api_base_url", "token_url", "data_source_location", "default_cpm", "currency", "template_key"]
        switch platform {
        case .liveramp: return common.union(["seller_name", "lr_org_id"])
        case .tradedesk: return common.union(["provider_id"])
        case .indexexchange: return common.union(["s3_endpoint", "bucket", "prefix", "region"])
        case .customAPI: return common
        }
    }

    static func validate(
        _ config: [String: JSONValue], platform: Platform, direction: Direction, authType: AuthType, into errors: inout FieldErrors
    ) -> [String: JSONValue] {
        let reader = FieldReader(object: config, prefix: "config")
        var allowed: Set<String> = []
        if direction.pulls { allowed.formUnion(Self.inboundKeys) }
        if direction.pushes { allowed.formUnion(Self.outboundKeys(platform)) }
        reader.unknownKeys(allowed: allowed, into: &errors)

        var canonical: [String: JSONValue] = [:]
        if direction.pushes, let outbound = Self.outbound(reader, platform: platform, into: &errors) {
            canonical.merge(Self.json(outbound)) { $1 }
        }
        if direction.pulls, let inbound = Self.inbound(reader, into: &errors) {
            canonical.merge(Self.json(inbound)) { $1 }
        }
        if authType == .oauth2, canonical["token_url"] == nil, config["token_url"] == nil {
            errors.add("config.token_url", "is required for auth type oauth2")
        }
        return canonical
    }

    static func inbound(_ reader: FieldReader, into errors: inout FieldErrors) -> InboundConfig? {
        let baseURL = reader.url("base_url", into: &errors)
        if reader.isMissing("base_url") { errors.add("config.base_url", "is required for inbound connections") }
        let responsePath = Self.alias(reader, "response_path", "items_path", into: &errors).flatMap { Self.path(reader, $0, into: &errors) }
        let countPathKey = Self.alias(reader, "count_response_path", "count_path", into: &errors)
        let mappings = FieldMappingsReader.read(reader, into: &errors)
        var config = InboundConfig(baseURL: baseURL ?? "", fieldMappings: mappings ?? [])
        config.responsePath = responsePath
        config.countEndpoint = reader.url("count_endpoint", into: &errors)
        config.countResponsePath = countPathKey.flatMap { Self.path(reader, $0, into: &errors) }
        config.paginationType = reader.oneOf("pagination_type", InboundConfig.PaginationType.self, into: &errors) ?? .offset
        config.paginationParams = Self.pagination(reader, into: &errors)
        config.filters = reader.stringMap("filters", into: &errors) ?? [:]
        config.extraHeaders = Self.headers(reader, into: &errors)
        config.syncMode = reader.oneOf("sync_mode", InboundConfig.SyncMode.self, into: &errors) ?? .full
        config.incrementalField = Self.path(reader, "incremental_field", into: &errors)
        config.incrementalParam = Self.parameterName(reader, "incremental_param", into: &errors)
        config.incrementalLookbackSeconds = reader.int("incremental_lookback_seconds", in: 0...2_592_000, into: &errors)
        config.sourceIDField = Self.path(reader, "source_id_field", into: &errors)
        config.maxPages = reader.int("max_pages", in: 1...10_000_000, into: &errors)
        config.apiKeyHeader = reader.string("api_key_header", maxLength: 100, into: &errors)
        if let header = config.apiKeyHeader, !HeaderName.isValid(header) { errors.add("config.api_key_header", "is not a valid header name") }
        config.tokenURL = reader.url("token_url", into: &errors)
        if config.syncMode == .incremental && config.incrementalField == nil {
            errors.add("config.incremental_field", "is required when sync_mode is incremental")
        }
        return baseURL == nil || mappings == nil ? nil : config
    }

    static func outbound(_ reader: FieldReader, platform: Platform, into errors: inout FieldErrors) -> OutboundConfig? {
        var config = OutboundConfig()
        config.apiBaseURL = reader.url("api_base_url", into: &errors)
        if platform == .customAPI && reader.isMissing("api_base_url") {
            errors.add("config.api_base_url", "is required for custom_api outbound connections")
        }
        config.tokenURL = reader.url("token_url", into: &errors)
        config.dataSourceLocation = reader.string("data_source_location", maxLength: 100, into: &errors)
        config.defaultCPM = reader.number("default_cpm", in: 0...1_000_000, into: &errors)
        if let currency = reader.string("currency", maxLength: 3, into: &errors) {
            if Currency.isoCodes.contains(currency) {
                config.currency = currency
            } else {
                errors.add("config.currency", "must be an ISO 4217 code such as USD or EUR")
            }
        }
        if let key = reader.string("template_key", maxLength: 64, into: &errors) {
            if key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                config.templateKey = key
            } else {
                errors.add("config.template_key", "may contain only letters, digits, _ and -")
            }
        }
        config.sellerName = reader.string("seller_name", maxLength: 100, into: &errors)
        config.lrOrgID = reader.string("lr_org_id", maxLength: 100, into: &errors)
        config.providerID = reader.string("provider_id", maxLength: 100, into: &errors)
        config.s3Endpoint = reader.url("s3_endpoint", into: &errors)
        config.bucket = reader.string("bucket", maxLength: 63, into: &errors)
        config.prefix = reader.string("prefix", maxLength: 512, into: &errors)
        config.region = reader.string("region", maxLength: 50, into: &errors)
        if platform == .indexexchange && config.bucket == nil { errors.add("config.bucket", "is required for indexexchange") }
        return config
    }

    static func pagination(_ reader: FieldReader, into errors: inout FieldErrors) -> InboundConfig.PaginationParams {
        var params = InboundConfig.PaginationParams()
        guard let nested = reader.object("pagination_params", into: &errors) else { return params }
        nested.unknownKeys(allowed: ["limit_param", "offset_param", "cursor_param", "page_size", "cursor_path"], into: &errors)
        params.limitParam = Self.parameterName(nested, "limit_param", into: &errors) ?? params.limitParam
        params.offsetParam = Self.parameterName(nested, "offset_param", into: &errors) ?? params.offsetParam
        params.cursorParam = Self.parameterName(nested, "cursor_param", into: &errors) ?? params.cursorParam
        params.pageSize = nested.int("page_size", in: 1...InboundConfig.PaginationParams.maxPageSize, into: &errors) ?? params.pageSize
        params.cursorPath = Self.path(nested, "cursor_path", into: &errors)
        return params
    }

    static func headers(_ reader: FieldReader, into errors: inout FieldErrors) -> [String: String] {
        let headers = reader.stringMap("extra_headers", into: &errors) ?? [:]
        for name in headers.keys.sorted() {
            if !HeaderName.isValid(name) {
                errors.add("config.extra_headers.\(name)", "is not a valid header name")
            } else if HeaderName.reserved.contains(name.lowercased()) {
                errors.add("config.extra_headers.\(name)", "is set by the connector and cannot be overridden")
            }
        }
        return headers
    }

    /// Returns which of two spellings the body used; both at once is an error.
    static func alias(_ reader: FieldReader, _ canonical: String, _ other: String, into errors: inout FieldErrors) -> String? {
        switch (reader.object[canonical] != nil, reader.object[other] != nil) {
        case (true, true):
            errors.add(reader.path(other), "give \(canonical) or \(other), not both")
            return nil
        case (true, false): return canonical
        case (false, true): return other
        case (false, false): return nil
        }
    }

    static func path(_ reader: FieldReader, _ key: String, into errors: inout FieldErrors) -> String? {
        guard let value = reader.string(key, maxLength: 200, into: &errors) else { return nil }
        guard JSONPath(value) != nil else {
            errors.add(reader.path(key), "must be a dotted path such as data.segments or items.0.rows")
            return nil
        }
        return value
    }

    static func parameterName(_ reader: FieldReader, _ key: String, into errors: inout FieldErrors) -> String? {
        guard let value = reader.string(key, maxLength: 100, into: &errors) else { return nil }
        guard value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.[]".unicodeScalars.contains($0)) })
        else {
            errors.add(reader.path(key), "may contain only letters, digits and _ - . [ ]")
            return nil
        }
        return value
    }

    /// A typed config as the JSON object stored in the `config` column.
    static func json(_ value: some Encodable) -> [String: JSONValue] {
        guard let data = try? JSONEncoder().encode(value), case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return [:] }
        return object
    }
}

enum HeaderName {
    /// Headers the connector sets itself.
    static let reserved: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "authorization"]

    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0)) }
    }
}
