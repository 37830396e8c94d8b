import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// JSON that Postgres (or a template) already wrote, sent as it is.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
