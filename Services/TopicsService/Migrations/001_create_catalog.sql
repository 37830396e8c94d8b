-- The global catalog (gt_, shared by every org) and each org's library (ot_), linked to one global topic.
-- A library topic keeps its own copy of the classification, so one org's edits never change what another sees.
CREATE TABLE global_topics (
    id text PRIMARY KEY,
    topic_name text NOT NULL,
    normalized_name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE org_topics (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    global_topic_id text NOT NULL REFERENCES global_topics (id),
    topic_name text NOT NULL,
    parent_category text,
    taxonomy_type text,
    subcategory text,
    segment_type text,
    audience_type text,
    iab_code text,
    keywords text[] NOT NULL DEFAULT '{}',
    internal_description text,
    engine_version text,
    external_id text,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, global_topic_id)
);
CREATE INDEX org_topics_org_created_idx ON org_topics (org_id, created_at DESC, id DESC);
