/// SQL that writes a timestamptz the way the API's JSON carries timestamps (ISO 8601, UTC, milliseconds), for
/// JSON that Postgres builds itself.
public enum SQLTimestamp {
    public static func iso(_ expression: String) -> String {
        #"to_char(\#(expression) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
    }
}
