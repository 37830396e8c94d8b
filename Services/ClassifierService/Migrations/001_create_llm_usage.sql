-- LLM calls and tokens per organisation and calendar month (UTC), for the monthly quota and for billing.
CREATE TABLE llm_usage (
    org_id text NOT NULL,
    month date NOT NULL,
    calls integer NOT NULL DEFAULT 0,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);
