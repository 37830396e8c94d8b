import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import SharedModels

/// `GET /api/openapi.json`: the OpenAPI 3.1 document of the public API, kept in the repo beside this target.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw ConfigError.invalid(key: "openapi.json", reason: "missing from the gateway's resources")
        }
        self.document = ByteBuffer(bytes: try Data(contentsOf: url))
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: self.document))
        }
    }
}
