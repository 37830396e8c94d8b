-- Each org's library has a version that every statement writing its topics moves on, whoever runs it: a count
-- of topics cached under a version is exact for as long as the version stands.
CREATE TABLE library_versions (
    org_id text PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION bump_library_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO library_versions (org_id, version)
    SELECT DISTINCT org_id, 1 FROM changed
    ON CONFLICT (org_id) DO UPDATE SET version = library_versions.version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER org_topics_inserted AFTER INSERT ON org_topics
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_library_version();
CREATE TRIGGER org_topics_updated AFTER UPDATE ON org_topics
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_library_version();
CREATE TRIGGER org_topics_deleted AFTER DELETE ON org_topics
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_library_version();
