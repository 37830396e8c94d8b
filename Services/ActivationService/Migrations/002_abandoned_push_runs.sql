-- A run nobody pushed a batch of for ACTIVATION_STALE_RUN_MINUTES is cancelled when the next run of its connection
-- starts, so a closed browser cannot block a connection's pushes.
ALTER TABLE push_runs DROP CONSTRAINT push_runs_status_check;
ALTER TABLE push_runs ADD CONSTRAINT push_runs_status_check CHECK (status IN ('running', 'completed', 'failed', 'cancelled'));
