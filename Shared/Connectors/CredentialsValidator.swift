import SharedModels

/// What each auth type needs among the credentials. Values are never echoed in an error.
enum CredentialsValidator {
    static func validate(
        _ credentials: [String: String]?, platform: Platform?, authType: AuthType, required: Bool, field: String, into errors: inout FieldErrors
    ) {
        guard let credentials else {
            if required && authType != .none { errors.add(field, "are required for auth type \(authType.rawValue)") }
            return
        }
        let has = { (key: String) in !(credentials[key] ?? "").isEmpty }
        // Index Exchange takes files in S3-compatible storage: its credentials are an access key pair, whatever the auth type.
        if platform == .indexexchange {
            if !(has("access_key_id") || has("api_key")) || !has("secret_access_key") {
                errors.add(field, "need access_key_id and secret_access_key (the storage's access key pair) for indexexchange")
            }
            return
        }
        switch authType {
        case .none:
            if !credentials.isEmpty { errors.add(field, "must be empty for auth type none") }
        case .bearer:
            if !has("token") && !has("api_key") { errors.add(field, "need token (or api_key) for auth type bearer") }
        case .apiKey:
            if !has("api_key") { errors.add(field, "need api_key for auth type api_key") }
        case .basic:
            if !has("username") || !has("password") { errors.add(field, "need username and password for auth type basic") }
        case .header:
            if credentials.isEmpty { errors.add(field, "need at least one header for auth type header") }
            for name in credentials.keys.sorted() where !HeaderName.isValid(name) {
                errors.add("\(field).\(name)", "is not a valid header name")
            }
        case .oauth2:
            if !(has("client_id") && has("client_secret")) && !(has("username") && has("password")) {
                errors.add(field, "need client_id and client_secret (or username and password) for auth type oauth2")
            }
        }
    }
}
