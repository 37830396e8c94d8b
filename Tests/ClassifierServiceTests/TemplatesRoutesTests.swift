import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ClassifierService

/// Custom output templates: admin CRUD, validation, and their names in `platform_outputs`.
@Suite struct TemplatesRoutesTests {
    func headers(_ org: OrgID, role: String = "owner") -> HTTPFields {
        [.internalToken: TestDatabase.internalToken, .orgID: org.rawValue, .actorType: "session", .actorRole: role]
    }

    @Test func aCustomTemplateNamesEveryClassificationOfItsOrgOnly() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        try await buildApplication(reader: TestDatabase.reader(for: .classifier)).test(.router) { client in
            let body = #"{"key":"xandr","name":"Xandr","path_fields":["taxonomy_type","parent_category","topic_name"],"separator":" | ","max_length":60,"description_template":"{{topic_name}} ({{segment_type}})"}"#
            try await client.execute(uri: "/api/output-templates", method: .post, headers: self.headers(org), body: ByteBuffer(string: body)) { response throws in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/output-templates", method: .post, headers: self.headers(org), body: ByteBuffer(string: body)) { response throws in
                #expect(response.errorCode == "template_exists")
            }
            try await client.execute(uri: "/api/classify", method: .post, headers: self.headers(org), body: ByteBuffer(string: #"{"topic_name":"Tesla Model 3 Buyers"}"#)) {
                response throws in
                let result = try response.json(Classification.self)
                #expect(result.platformOutputs["xandr"] == "Automotive & Vehicles | Auto | Tesla Model 3 Buyers")
            }
            try await client.execute(uri: "/api/classify", method: .post, headers: self.headers(other), body: ByteBuffer(string: #"{"topic_name":"Tesla Model 3 Buyers"}"#)) {
                response throws in
                #expect(try response.json(Classification.self).platformOutputs.isEmpty)
            }
            try await client.execute(uri: "/api/output-templates/xandr", method: .patch, headers: self.headers(org), body: ByteBuffer(string: #"{"separator":"_","character_rule":"underscore"}"#)) {
                response throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/output-templates", method: .get, headers: self.headers(org)) { response throws in
                let body = String(buffer: response.body)
                #expect(body.contains(#""key":"tradedesk""#) && body.contains(#""key":"xandr""#) && body.contains(#""built_in":false"#))
            }
            try await client.execute(uri: "/api/output-templates/xandr", method: .delete, headers: self.headers(org)) { response throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/output-templates/xandr", method: .get, headers: self.headers(org)) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func badTemplatesBuiltInsAndMembersAreRefused() async throws {
        let org = OrgID.generate()
        try await buildApplication(reader: TestDatabase.reader(for: .classifier)).test(.router) { client in
            let cases: [(String, String)] = [
                (#"{"key":"Bad Key","path_fields":["topic_name"]}"#, "key"),
                (#"{"key":"tradedesk","path_fields":["topic_name"]}"#, "key"),
                (#"{"key":"k1","path_fields":["shoe_size"]}"#, "path_fields"),
                (#"{"key":"k2","path_fields":["topic_name"],"description_template":"{{nope}}"}"#, "description_template"),
                (#"{"key":"k3","path_fields":["topic_name"],"max_length":0}"#, "max_length"),
                (#"{"key":"k4","path_fields":["topic_name"],"colour":"red"}"#, "colour"),
            ]
            for (body, field) in cases {
                try await client.execute(uri: "/api/output-templates", method: .post, headers: self.headers(org), body: ByteBuffer(string: body)) { response throws in
                    #expect(response.errorCode == "invalid_template", "\(body)")
                    #expect(String(buffer: response.body).contains(#""field":"\#(field)""#), "\(body)")
                }
            }
            try await client.execute(uri: "/api/output-templates/liveramp", method: .patch, headers: self.headers(org), body: ByteBuffer(string: "{}")) { response throws in
                #expect(response.errorCode == "built_in_template")
            }
            try await client.execute(uri: "/api/output-templates", method: .post, headers: self.headers(org, role: "member"), body: ByteBuffer(string: #"{"key":"m","path_fields":["topic_name"]}"#)) {
                response throws in
                #expect(response.errorCode == "admin_required")
            }
        }
    }
}
