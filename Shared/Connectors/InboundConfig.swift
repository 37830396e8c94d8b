import Foundation
import SharedModels

/// The canonical settings of a connection that pulls records (inbound or bidirectional), as stored and as
/// sync-service reads them. Built only by `ConnectionValidator`, so every value here has been checked.
public struct InboundConfig: Codable, Sendable, Equatable {
    public enum PaginationType: String, Codable, CaseIterable, Sendable { case offset, cursor }
    public enum SyncMode: String, Codable, CaseIterable, Sendable { case full, incremental }

    public struct PaginationParams: Codable, Sendable, Equatable {
        public static let defaultPageSize = 100
        public static let maxPageSize = 1000

        public var limitParam = "limit"
        public var offsetParam = "offset"
        public var cursorParam = "cursor"
        public var pageSize = Self.defaultPageSize
        /// Where the next cursor is in a page response (cursor mode), e.g. `meta.next_cursor`.
        public var cursorPath: String?

        enum CodingKeys: String, CodingKey {
            case limitParam = "limit_param", offsetParam = "offset_param", cursorParam = "cursor_param", pageSize = "page_size"
            case cursorPath = "cursor_path"
        }
    }

    public var baseURL: String
    public var responsePath: String?
    public var countEndpoint: String?
    public var countResponsePath: String?
    public var paginationType: PaginationType = .offset
    public var paginationParams = PaginationParams()
    public var fieldMappings: [FieldMapping]
    public var filters: [String: String] = [:]
    public var extraHeaders: [String: String] = [:]
    public var syncMode: SyncMode = .full
    public var incrementalField: String?
    /// The query parameter the watermark is sent in; the incremental field's name when absent.
    public var incrementalParam: String?
    public var incrementalLookbackSeconds: Int?
    public var sourceIDField: String?
    public var maxPages: Int?
    /// The header an `api_key` credential goes in (`X-API-Key` when absent).
    public var apiKeyHeader: String?
    public var tokenURL: String?

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url", responsePath = "response_path", countEndpoint = "count_endpoint"
        case countResponsePath = "count_response_path", paginationType = "pagination_type", paginationParams = "pagination_params"
        case fieldMappings = "field_mappings", filters, extraHeaders = "extra_headers", syncMode = "sync_mode"
        case incrementalField = "incremental_field", incrementalParam = "incremental_param"
        case incrementalLookbackSeconds = "incremental_lookback_seconds", sourceIDField = "source_id_field", maxPages = "max_pages"
        case apiKeyHeader = "api_key_header", tokenURL = "token_url"
    }
}

extension InboundConfig {
    /// The settings as connections-service stores them (its canonical JSON).
    public init(stored config: [String: JSONValue]) throws {
        self = try JSONDecoder().decode(Self.self, from: try JSONEncoder().encode(config))
    }
}

extension OutboundConfig {
    /// The settings as connections-service stores them (its canonical JSON).
    public init(stored config: [String: JSONValue]) throws {
        self = try JSONDecoder().decode(Self.self, from: try JSONEncoder().encode(config))
    }
}

/// One field mapping: a dotted path in a source record to a topic field.
public struct FieldMapping: Codable, Sendable, Equatable {
    public enum Target: String, Codable, CaseIterable, Sendable {
        case topicName = "topic_name", externalID = "external_id", description, parentCategory = "parent_category"
        case taxonomyType = "taxonomy_type", subcategory, segmentType = "segment_type", audienceType = "audience_type"
        case iabCode = "iab_code", keywords, source
    }

    public var source: String
    public var target: Target

    public init(source: String, target: Target) {
        self.source = source
        self.target = target
    }
}

/// The canonical settings of a connection that pushes segments (outbound or bidirectional).
public struct OutboundConfig: Codable, Sendable, Equatable {
    public var apiBaseURL: String?
    public var tokenURL: String?
    public var dataSourceLocation: String?
    public var defaultCPM: Double?
    public var currency: String?
    public var templateKey: String?
    /// LiveRamp: names begin with the seller name; `LR-Org-Id` for every call.
    public var sellerName: String?
    public var lrOrgID: String?
    /// The Trade Desk third-party data provider.
    public var providerID: String?
    /// Index Exchange: S3-compatible storage the taxonomy file is uploaded to.
    public var s3Endpoint: String?
    public var bucket: String?
    public var prefix: String?
    public var region: String?

    enum CodingKeys: String, CodingKey {
        case apiBaseURL = "api_base_url", tokenURL = "token_url", dataSourceLocation = "data_source_location"
        case defaultCPM = "default_cpm", currency, templateKey = "template_key", sellerName = "seller_name", lrOrgID = "lr_org_id"
        case providerID = "provider_id", s3Endpoint = "s3_endpoint", bucket, prefix, region
    }
}
