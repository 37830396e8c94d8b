import Connectors
import Foundation
import SharedModels
import Testing

/// Every rule of the connection body, checked before anything is stored.
@Suite struct ConnectionValidatorTests {
    static let inbound: [String: JSONValue] = [
        "name": "Partner DMP", "platform": "custom_api", "direction": "inbound", "authType": "bearer",
        "config": [
            "base_url": "https://api.example.com/v2/segments", "items_path": "data.segments", "count_path": "data.total",
            "field_mappings": ["segment_name": "topic_name", "id": "external_id"],
        ],
        "credentials": ["token": "s3cret"],
    ]

    func body(_ changes: [String: JSONValue] = [:], config: [String: JSONValue] = [:], removing: [String] = []) -> [String: JSONValue] {
        var body = Self.inbound
        for (key, value) in changes { body[key] = value }
        if case .object(var existing)? = body["config"] {
            for (key, value) in config { existing[key] = value }
            for key in removing { existing[key] = nil }
            body["config"] = .object(existing)
        }
        return body
    }

    func errors(_ body: [String: JSONValue], requireCredentials: Bool = true) -> [FieldError] {
        do {
            _ = try ConnectionValidator.validate(body, requireCredentials: requireCredentials)
            return []
        } catch let error as ConnectionValidationError {
            return error.errors
        } catch {
            return [FieldError("?", "\(error)")]
        }
    }

    @Test func aValidInboundBodyBecomesCanonical() throws {
        let draft = try ConnectionValidator.validate(Self.inbound, requireCredentials: true)
        #expect(draft.authType == .bearer)
        #expect(draft.config["response_path"] == "data.segments")
        #expect(draft.config["count_response_path"] == "data.total")
        #expect(draft.config["items_path"] == nil)
        #expect(draft.config["pagination_type"] == "offset")
        #expect(draft.config["pagination_params"] == .object(["limit_param": "limit", "offset_param": "offset", "cursor_param": "cursor", "page_size": 100]))
        #expect(draft.config["sync_mode"] == "full")
        #expect(
            draft.config["field_mappings"]
                == .array([.object(["source": "id", "target": "external_id"]), .object(["source": "segment_name", "target": "topic_name"])])
        )
        #expect(draft.credentials == ["token": "s3cret"])
        #expect(draft.enabled)
    }

    @Test func theOtherSpellingsAreAcceptedToo() throws {
        var body = self.body(config: ["auth_type": "api_key", "field_mappings": [["source": "title", "target": "topic_name"]]])
        body["authType"] = nil
        body["credentials"] = nil
        body["authCredentials"] = ["api_key": "k"]
        let draft = try ConnectionValidator.validate(body, requireCredentials: true)
        #expect(draft.authType == .apiKey)
        #expect(draft.config["auth_type"] == nil)
        #expect(draft.credentials == ["api_key": "k"])
    }

    static let rejections: [(String, [String: JSONValue], [String: JSONValue], String)] = [
        ("unknown top-level field", ["colour": "red"], [:], "colour"),
        ("unknown config field", [:], ["base_uri": "https://x.test"], "config.base_uri"),
        ("missing name", ["name": .null], [:], "name"),
        ("bad platform", ["platform": "myspace"], [:], "platform"),
        ("bad direction", ["direction": "sideways"], [:], "direction"),
        ("bad auth type", ["authType": "kerberos"], [:], "authType"),
        ("relative base_url", [:], ["base_url": "/segments"], "config.base_url"),
        ("ftp base_url", [:], ["base_url": "ftp://x.test/s"], "config.base_url"),
        ("bad count endpoint", [:], ["count_endpoint": "not a url"], "config.count_endpoint"),
        ("both path spellings", [:], ["response_path": "data"], "config.items_path"),
        ("bad path", [:], ["items_path": "data..segments"], "config.items_path"),
        ("bad pagination type", [:], ["pagination_type": "pages"], "config.pagination_type"),
        ("page size too big", [:], ["pagination_params": ["page_size": 5000]], "config.pagination_params.page_size"),
        ("page size not whole", [:], ["pagination_params": ["page_size": 10.5]], "config.pagination_params.page_size"),
        ("unknown pagination field", [:], ["pagination_params": ["page": 1]], "config.pagination_params.page"),
        ("bad param name", [:], ["pagination_params": ["limit_param": "li mit"]], "config.pagination_params.limit_param"),
        ("no topic_name mapping", [:], ["field_mappings": ["id": "external_id"]], "config.field_mappings"),
        ("unknown mapping target", [:], ["field_mappings": ["name": "title"]], "config.field_mappings.name.target"),
        ("target mapped twice", [:], ["field_mappings": [["source": "a", "target": "topic_name"], ["source": "b", "target": "topic_name"]]], "config.field_mappings.1.target"),
        ("mapping entry not an object", [:], ["field_mappings": ["topic_name"]], "config.field_mappings.0"),
        ("filters not strings", [:], ["filters": ["status": 1]], "config.filters.status"),
        ("bad header name", [:], ["extra_headers": ["Bad Header": "x"]], "config.extra_headers.Bad Header"),
        ("reserved header", [:], ["extra_headers": ["Authorization": "x"]], "config.extra_headers.Authorization"),
        ("incremental without field", [:], ["sync_mode": "incremental"], "config.incremental_field"),
        ("bad sync mode", [:], ["sync_mode": "delta"], "config.sync_mode"),
        ("oauth2 without token_url", ["authType": "oauth2", "credentials": ["client_id": "a", "client_secret": "b"]], [:], "config.token_url"),
        ("bearer without token", ["credentials": ["user": "x"]], [:], "credentials"),
        ("basic without password", ["authType": "basic", "credentials": ["username": "x"]], [:], "credentials"),
        ("none with credentials", ["authType": "none"], [:], "credentials"),
        ("both credential spellings", ["authCredentials": ["token": "t"]], [:], "authCredentials"),
        ("credentials not strings", ["credentials": ["token": 5]], [:], "credentials.token"),
        ("auth types disagree", [:], ["auth_type": "basic"], "authType"),
        ("outbound field on inbound", [:], ["default_cpm": 2.5], "config.default_cpm"),
        ("config not an object", ["config": "x"], [:], "config"),
    ]

    @Test(arguments: Self.rejections)
    func eachBadFieldIsNamedWithAReason(_ rejection: (String, [String: JSONValue], [String: JSONValue], String)) {
        let (label, changes, config, field) = rejection
        let errors = self.errors(self.body(changes, config: config))
        #expect(errors.contains { $0.field == field }, "\(label): got \(errors)")
        #expect(errors.allSatisfy { !$0.reason.isEmpty })
    }

    @Test func outboundConfigsAreCheckedPerPlatform() {
        let outbound: [String: JSONValue] = [
            "name": "LiveRamp", "platform": "liveramp", "direction": "outbound",
            "config": [
                "api_base_url": "https://api.liveramp.com", "token_url": "https://serviceaccounts.liveramp.com/authn/v1/oauth2/token",
                "data_source_location": "US", "default_cpm": 2.5, "currency": "USD",
            ],
            "credentials": ["client_id": "lr_client", "client_secret": "lr_secret"],
        ]
        #expect(self.errors(outbound).isEmpty)
        var bad = outbound
        bad["config"] = ["default_cpm": -1, "currency": "usd", "template_key": "has space", "provider_id": "ttd-only", "token_url": "https://x.test"]
        let fields = Set(self.errors(bad).map(\.field))
        #expect(fields.isSuperset(of: ["config.default_cpm", "config.currency", "config.template_key", "config.provider_id"]))

        let custom: [String: JSONValue] = ["name": "Custom", "platform": "custom_api", "direction": "outbound", "config": [:]]
        #expect(self.errors(custom).map(\.field) == ["config.api_base_url"])
        let ix: [String: JSONValue] = ["name": "IX", "platform": "indexexchange", "direction": "outbound", "config": ["region": "us-east-1"]]
        #expect(self.errors(ix).map(\.field) == ["config.bucket"])
        // Index Exchange's credentials are the storage's access key pair, whatever the auth type says.
        var keyed = ix
        keyed["config"] = ["bucket": "segments"]
        keyed["credentials"] = ["access_key_id": "AKIA", "secret_access_key": "secret"]
        #expect(self.errors(keyed).isEmpty)
        keyed["credentials"] = ["api_key": "AKIA"]
        #expect(self.errors(keyed).map(\.field) == ["credentials"])
    }

    @Test func bidirectionalAcceptsBothHalves() throws {
        var body = Self.inbound
        body["direction"] = "bidirectional"
        body["config"] = [
            "base_url": "https://api.example.com/s", "field_mappings": ["name": "topic_name"], "api_base_url": "https://api.example.com",
            "currency": "EUR",
        ]
        let draft = try ConnectionValidator.validate(body, requireCredentials: true)
        #expect(draft.config["currency"] == "EUR")
        #expect(draft.config["base_url"] == "https://api.example.com/s")
    }

    @Test func noErrorMessageRepeatsACredential() {
        var body = self.body(["credentials": ["token": "", "api_key": ""]])
        body["authType"] = "basic"
        body["credentials"] = ["username": "alice", "passwd": "hunter2-secret"]
        let errors = self.errors(body)
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { !$0.reason.contains("hunter2") && !$0.field.contains("hunter2") })
    }

    @Test func pathsEvaluateObjectsAndArrayIndices() throws {
        let document: JSONValue = ["items": [["rows": [1, 2]]], "meta": ["page": ["total": 7]]]
        #expect(JSONPath("items.0.rows")?.evaluate(document) == [1, 2])
        #expect(JSONPath("meta.page.total")?.evaluate(document) == 7)
        #expect(JSONPath("items.1.rows")?.evaluate(document) == nil)
        #expect(JSONPath("meta..total") == nil)
        #expect(JSONPath("") == nil)
    }
}
