import Foundation
import HTTPTypes
import Logging
import ServiceKit
import SharedModels

/// A public route the gateway forwards to the service that owns it.
struct ProxiedRoute: Sendable {
    var method: HTTPRequest.Method
    /// Hummingbird path syntax: `/api/topics/{id}`.
    var path: String
    var service: ServiceName
    var access: Access
}

/// Every public route that is forwarded, and what it needs. The OpenAPI document lists these, plus the gateway's own.
enum RouteTable {
    static let proxied: [ProxiedRoute] = [
        ProxiedRoute(method: .get, path: "/api/topics", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .post, path: "/api/topics", service: .topics, access: .scope(.topicsWrite)),
        ProxiedRoute(method: .delete, path: "/api/topics", service: .topics, access: .scope(.topicsWrite)),
        ProxiedRoute(method: .get, path: "/api/topics/stats", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .get, path: "/api/topics/facets", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .get, path: "/api/topics/{id}", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .patch, path: "/api/topics/{id}", service: .topics, access: .scope(.topicsWrite)),
        ProxiedRoute(method: .get, path: "/api/topics/{id}/history", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .post, path: "/api/topics/reclassify", service: .topics, access: .scope(.topicsWrite)),
        ProxiedRoute(method: .post, path: "/api/topics/{id}/reclassify", service: .topics, access: .scope(.topicsWrite)),
        ProxiedRoute(method: .post, path: "/api/topics/check-duplicate", service: .topics, access: .scope(.classify)),
        ProxiedRoute(method: .get, path: "/api/export", service: .topics, access: .scope(.export)),
        ProxiedRoute(method: .get, path: "/api/topics/activation-status", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .get, path: "/api/catalog", service: .topics, access: .scope(.topicsRead)),
        ProxiedRoute(method: .post, path: "/api/catalog/{id}/add", service: .topics, access: .scope(.topicsWrite)),
        // Connections: reading needs the sync scope; anything touching credentials, and testing, needs a session.
        ProxiedRoute(method: .get, path: "/api/connections", service: .connections, access: .scope(.sync)),
        ProxiedRoute(method: .post, path: "/api/connections", service: .connections, access: .session),
        ProxiedRoute(method: .get, path: "/api/connections/{id}", service: .connections, access: .scope(.sync)),
        ProxiedRoute(method: .patch, path: "/api/connections/{id}", service: .connections, access: .session),
        ProxiedRoute(method: .put, path: "/api/connections/{id}", service: .connections, access: .session),
        ProxiedRoute(method: .delete, path: "/api/connections/{id}", service: .connections, access: .session),
        ProxiedRoute(method: .post, path: "/api/connections/{id}/test", service: .connections, access: .session),
        // Sync: client-orchestrated runs of a connection, and server-orchestrated jobs with schedules.
        ProxiedRoute(method: .post, path: "/api/connections/{id}/sync/run", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .post, path: "/api/connections/{id}/sync/run/{runId}/page", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/connections/{id}/sync/run/{runId}/status", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .post, path: "/api/connections/{id}/sync/run/{runId}/cancel", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/connections/{id}/sync/run/{runId}", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/connections/{id}/sync/runs", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .post, path: "/api/sync", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/sync/status", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/sync/history", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .post, path: "/api/sync/cancel", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .get, path: "/api/sync/schedules", service: .sync, access: .scope(.sync)),
        ProxiedRoute(method: .put, path: "/api/sync/schedules", service: .sync, access: .scope(.sync)),
        // Push: client-orchestrated runs to an outbound connection, and the activations they leave.
        ProxiedRoute(method: .post, path: "/api/connections/{id}/push/run", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .post, path: "/api/connections/{id}/push/run/{runId}/push", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .get, path: "/api/connections/{id}/push/run/{runId}/status", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .get, path: "/api/connections/{id}/push/runs", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .get, path: "/api/activations", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .post, path: "/api/activations/deactivate", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .post, path: "/api/activations/{id}/deactivate", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .post, path: "/api/activations/refresh", service: .activation, access: .scope(.activations)),
        ProxiedRoute(method: .post, path: "/api/classify", service: .classifier, access: .scope(.classify)),
        // Output templates: reading with the classify scope, changing from an (owner or admin) session.
        ProxiedRoute(method: .get, path: "/api/output-templates", service: .classifier, access: .scope(.classify)),
        ProxiedRoute(method: .post, path: "/api/output-templates", service: .classifier, access: .session),
        ProxiedRoute(method: .get, path: "/api/output-templates/{key}", service: .classifier, access: .scope(.classify)),
        ProxiedRoute(method: .patch, path: "/api/output-templates/{key}", service: .classifier, access: .session),
        ProxiedRoute(method: .delete, path: "/api/output-templates/{key}", service: .classifier, access: .session),
    ]
}
