import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import TestSupport
import Testing

@testable import Gateway

/// The served document is OpenAPI 3.1, lists every proxied route, and every operation it lists is routed.
@Suite struct OpenAPITests {
    @Test func theDocumentAndTheRoutesAgree() async throws {
        try await GatewayFixture.app(["TOPICS_SERVICE_URL": "http://127.0.0.1:9", "PROXY_TIMEOUT_SECONDS": "1"]).test(.router) { client in
            let document = try await client.execute(uri: "/api/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for route in RouteTable.proxied {
                #expect(paths[route.path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.path) is not documented")
            }
            for (path, operations) in paths {
                for method in operations.keys {
                    let uri = path.replacingOccurrences(of: "{id}", with: "key_00000000000000000000000000").replacingOccurrences(of: "{key}", with: "tradedesk")
                    let verb = try #require(HTTPRequest.Method(method.uppercased()))
                    try await client.execute(uri: uri, method: verb) { response in
                        // The router's own 404 has the bare `not_found` code; a route that exists answers otherwise.
                        #expect(response.errorCode != "not_found", "\(verb) \(path) is documented but not routed")
                    }
                }
            }
        }
    }
}
