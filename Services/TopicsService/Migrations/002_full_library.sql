-- The whole classification, on the catalog (canonical, shared) and on each library copy (the org's own).
ALTER TABLE global_topics ADD COLUMN classification jsonb;

ALTER TABLE org_topics
    ADD COLUMN subcategory_l1 text,
    ADD COLUMN subcategory_l2 text,
    ADD COLUMN subcategory_l3 text,
    ADD COLUMN subcategory_l4 text,
    ADD COLUMN sensitivity text,
    ADD COLUMN intensity text,
    ADD COLUMN buyer_journey text,
    ADD COLUMN segment_name_tradedesk text,
    ADD COLUMN segment_name_liveramp text,
    ADD COLUMN segment_name_internal text,
    ADD COLUMN segment_desc_liveramp text,
    ADD COLUMN segment_desc_tradedesk text,
    ADD COLUMN platform_outputs jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN confidence double precision,
    ADD COLUMN performance_score double precision,
    ADD COLUMN description text;

-- An external id names one record of one source, once per org: the first dedup layer.
CREATE UNIQUE INDEX org_topics_external_id_idx ON org_topics (org_id, source, external_id) WHERE external_id IS NOT NULL;
-- Filters people combine with the default sort; each leads with the org.
CREATE INDEX org_topics_parent_idx ON org_topics (org_id, parent_category, created_at DESC, id DESC);
CREATE INDEX org_topics_segment_idx ON org_topics (org_id, segment_type, created_at DESC, id DESC);
CREATE INDEX org_topics_taxonomy_idx ON org_topics (org_id, taxonomy_type, created_at DESC, id DESC);
CREATE INDEX org_topics_audience_idx ON org_topics (org_id, audience_type, created_at DESC, id DESC);
CREATE INDEX org_topics_name_idx ON org_topics (org_id, lower(topic_name), id);
CREATE INDEX org_topics_global_idx ON org_topics (global_topic_id);
CREATE INDEX org_topics_search_idx ON org_topics USING gin (topic_name gin_trgm_ops);
CREATE INDEX global_topics_search_idx ON global_topics USING gin (topic_name gin_trgm_ops);

-- Every change to a library topic, written in the transaction that makes it.
CREATE TABLE topic_history (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    org_topic_id text NOT NULL,
    change_type text NOT NULL CHECK (
        change_type IN ('created', 'imported', 'synced', 'reclassified', 'metadata_enrichment', 'field_edit', 'activated', 'deactivated')
    ),
    changed_by text,
    previous_values jsonb NOT NULL DEFAULT '{}',
    new_values jsonb NOT NULL DEFAULT '{}',
    source text,
    metadata jsonb NOT NULL DEFAULT '{}',
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topic_history_topic_idx ON topic_history (org_topic_id, changed_at DESC, id DESC);

-- One row per ingested sync page: what it did, so that a retried or concurrent call replays it.
CREATE TABLE ingest_pages (
    run_id text NOT NULL,
    page_number integer NOT NULL,
    org_id text NOT NULL,
    outcome jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, page_number)
);
