import Foundation
import HTTPTypes
import Logging
import SharedModels

/// What a caller needs to use a route: a scope (sessions have them all), or an interactive session.
enum Access: Sendable, Equatable {
    case scope(Scope)
    case session
}
