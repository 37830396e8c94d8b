import Hummingbird
import SharedModels

extension PushRunStatus: ResponseEncodable {}
