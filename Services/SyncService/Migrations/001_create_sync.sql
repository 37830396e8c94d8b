-- Sync runs: one row a run, whoever orchestrates it (a client calling …/page, or a job inside sync-service).
-- The row is the run's lock: a page is processed under SELECT … FOR UPDATE of it, so concurrent page calls
-- take turns and each page is committed once. next_page/next_offset/next_cursor say where to resume.
CREATE TABLE sync_runs (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    connection_id text NOT NULL,
    actor_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('client', 'job')),
    mode text NOT NULL CHECK (mode IN ('rules', 'ai')),
    sync_mode text NOT NULL DEFAULT 'full' CHECK (sync_mode IN ('full', 'incremental')),
    status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    stage text NOT NULL DEFAULT 'counting',
    -- A full re-sync that ignores the incremental mark (POST /api/sync with force).
    force boolean NOT NULL DEFAULT false,
    -- Read from the connection when the run is prepared (a queued job has none yet).
    page_size integer,
    total_items integer,
    next_page integer NOT NULL DEFAULT 0,
    next_offset integer NOT NULL DEFAULT 0,
    next_cursor text,
    last_page_hash text,
    processed_pages integer NOT NULL DEFAULT 0,
    failed_pages integer NOT NULL DEFAULT 0,
    fetched_count integer NOT NULL DEFAULT 0,
    new_count integer NOT NULL DEFAULT 0,
    adopted_count integer NOT NULL DEFAULT 0,
    duplicate_count integer NOT NULL DEFAULT 0,
    error_count integer NOT NULL DEFAULT 0,
    -- The incremental filter this run sent, and the largest incremental_field value it saw.
    watermark_from text,
    watermark_seen text,
    message text,
    error_code text,
    retry_after integer,
    lease_owner text,
    lease_until timestamptz,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
-- At most one active run per connection, client or job.
CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs (connection_id) WHERE status IN ('queued', 'running');
CREATE INDEX sync_runs_history ON sync_runs (org_id, connection_id, started_at DESC, id DESC);
CREATE INDEX sync_runs_claimable ON sync_runs (started_at) WHERE kind = 'job' AND status IN ('queued', 'running');

-- One row a processed page: what it was, what came of it. The cursor that fetched it, to notice a repeated one.
CREATE TABLE sync_run_pages (
    run_id text NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    page_number integer NOT NULL,
    page_offset integer,
    cursor text,
    records integer NOT NULL,
    new_count integer NOT NULL,
    adopted_count integer NOT NULL,
    duplicate_count integer NOT NULL,
    error_count integer NOT NULL,
    failed boolean NOT NULL,
    error text,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, page_number)
);

-- The run's error log: a record that could not be mapped or ingested, with its raw JSON (bounded), or a page
-- that failed every try. At most 500 a run are stored; sync_runs.error_count keeps the exact number.
CREATE TABLE sync_run_errors (
    run_id text NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    page_number integer NOT NULL,
    record_index integer,
    external_id text,
    reason text NOT NULL,
    raw text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
);

-- Incremental sync: the largest incremental_field value of the connection's last completed run.
CREATE TABLE sync_watermarks (
    connection_id text PRIMARY KEY,
    org_id text NOT NULL,
    value text NOT NULL,
    run_id text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Cron schedules; a due one is claimed FOR UPDATE SKIP LOCKED and queues a job.
CREATE TABLE sync_schedules (
    connection_id text PRIMARY KEY,
    org_id text NOT NULL,
    actor_id text NOT NULL,
    schedule text NOT NULL,
    enabled boolean NOT NULL,
    mode text NOT NULL CHECK (mode IN ('rules', 'ai')),
    next_sync timestamptz,
    last_sync timestamptz,
    last_run_id text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_schedules_due ON sync_schedules (next_sync) WHERE enabled;
