import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit
import SharedModels

/// Forwards each route of `RouteTable` to its service once the caller is authorised: bodies stream both ways
/// (an export never sits whole in the gateway), and the service learns the caller only from internal headers.
struct ProxyController: Sendable {
    let authenticator: Authenticator
    let upstreams: [ServiceName: ServiceEndpoints]
    let internalToken: String
    let httpClient: HTTPClient
    let timeout: TimeAmount

    /// Headers a client may not pass through: hop-by-hop ones, its own credentials, and anything that would
    /// impersonate the gateway to a service.
    static let droppedRequestHeaders = Set([
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "authorization", "cookie", "content-length",
        InternalHeader.token, InternalHeader.requestID, InternalHeader.orgID, InternalHeader.actorID, InternalHeader.actorType,
        InternalHeader.actorRole, InternalHeader.serviceName,
    ].map { $0.lowercased() })

    static let droppedResponseHeaders: Set<String> = ["connection", "keep-alive", "transfer-encoding", "content-length", "server", "x-request-id"]

    func addRoutes(to router: Router<AppRequestContext>) {
        for route in RouteTable.proxied {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await self.forward(request, context: context, route: route)
            }
        }
    }

    func forward(_ request: Request, context: AppRequestContext, route: ProxiedRoute) async throws -> Response {
        var context = context
        let (caller, rateHeaders) = try await self.authenticator.authorize(request, access: route.access, logger: context.logger)
        context.caller = caller
        context.logger[metadataKey: "org_id"] = .string(caller.orgID.rawValue)
        guard let endpoints = self.upstreams[route.service] else {
            throw AppError.unavailable("service_unavailable", "\(route.service.rawValue) is not configured.")
        }
        var upstream = HTTPClientRequest(url: endpoints.pick() + request.uri.description)
        upstream.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.droppedRequestHeaders.contains(field.name.canonicalName) {
            upstream.headers.add(name: field.name.rawName, value: field.value)
        }
        upstream.headers.add(contentsOf: InternalClient.headers(token: self.internalToken, from: .gateway, context: context.callContext))
        if let length = request.headers[.contentLength].flatMap(Int64.init) {
            upstream.body = .stream(request.body, length: .known(length))
        } else if request.method != .get && request.method != .head {
            upstream.body = .stream(request.body, length: .unknown)
        }

        let response: HTTPClientResponse
        do {
            response = try await self.httpClient.execute(upstream, timeout: self.timeout, logger: context.logger)
        } catch {
            context.logger.error("upstream unreachable", metadata: ["service": "\(route.service.rawValue)", "error": "\(error)"])
            throw AppError(.badGateway, code: "service_unavailable", message: "\(route.service.rawValue) did not answer.")
        }
        var headers = HTTPFields()
        for header in response.headers where !Self.droppedResponseHeaders.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        headers.append(contentsOf: rateHeaders)
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code)),
            headers: headers,
            body: ResponseBody(asyncSequence: response.body)
        )
    }
}
