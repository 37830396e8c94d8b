-- What is on each platform: one row a (connection, topic), holding what was last pushed so the next push can tell
-- create, update and skip apart.
CREATE TABLE activations (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    connection_id text NOT NULL,
    platform text NOT NULL,
    topic_id text NOT NULL,
    platform_segment_id text,
    status text NOT NULL CHECK (status IN ('active', 'pending_review', 'processing', 'inactive')),
    name text NOT NULL,
    description text NOT NULL,
    cpm_cents bigint NOT NULL,
    currency text NOT NULL,
    template_key text NOT NULL,
    engine_version text NOT NULL,
    last_run_id text,
    activated_at timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, topic_id)
);
CREATE INDEX activations_org_topic ON activations (org_id, topic_id);
CREATE INDEX activations_org_updated ON activations (org_id, updated_at DESC, id);

-- A push run: its items are planned when it is created; each push call claims the next batch of items.
CREATE TABLE push_runs (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    connection_id text NOT NULL,
    platform text NOT NULL,
    actor_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    template_key text NOT NULL,
    cpm_cents bigint NOT NULL,
    currency text NOT NULL,
    total integer NOT NULL,
    -- Every failed item counts here; push_errors keeps at most 500 of them.
    error_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
-- One active run per connection.
CREATE UNIQUE INDEX push_runs_one_running ON push_runs (connection_id) WHERE status = 'running';
CREATE INDEX push_runs_org_created ON push_runs (org_id, created_at DESC);

CREATE TABLE push_items (
    run_id text NOT NULL REFERENCES push_runs (id) ON DELETE CASCADE,
    position integer NOT NULL,
    topic_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('create', 'update', 'deactivate', 'skip')),
    state text NOT NULL CHECK (state IN ('pending', 'sending', 'pushed', 'skipped', 'failed', 'pending_review', 'processing')),
    name text NOT NULL,
    description text NOT NULL,
    engine_version text NOT NULL,
    platform_segment_id text,
    -- A claim whose call never committed (the process died) is taken again once it is this old; the next
    -- attempt of a create then asks the platform first.
    claimed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    error_code text,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX push_items_open ON push_items (run_id, position) WHERE state IN ('pending', 'sending');

CREATE TABLE push_errors (
    run_id text NOT NULL REFERENCES push_runs (id) ON DELETE CASCADE,
    position integer NOT NULL,
    topic_id text NOT NULL,
    code text NOT NULL,
    message text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, position)
);
