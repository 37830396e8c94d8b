import ServiceKit
import Testing

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE a (note text DEFAULT 'x;y');
            /* block; comment */
            DO $$ BEGIN PERFORM 1; END $$;
            CREATE TABLE "we;ird" (id int);
            """
        #expect(
            SQLScript.statements(in: script) == [
                "CREATE TABLE a (note text DEFAULT 'x;y')",
                "DO $$ BEGIN PERFORM 1; END $$",
                "CREATE TABLE \"we;ird\" (id int)",
            ]
        )
    }

    @Test func keepsEscapedQuotesAndTaggedDollarBodiesWhole() {
        let script = "SELECT 'it''s; fine'; SELECT $fn$ a; b $fn$;"
        #expect(SQLScript.statements(in: script) == ["SELECT 'it''s; fine'", "SELECT $fn$ a; b $fn$"])
    }
}
