-- Custom output templates per organisation; their names go to platform_outputs[key] of every classification.
-- Built-in keys (tradedesk, liveramp, internal) are reserved by the service.
CREATE TABLE output_templates (
    org_id text NOT NULL,
    key text NOT NULL,
    name text NOT NULL,
    path_fields text[] NOT NULL,
    separator text NOT NULL,
    description_template text NOT NULL,
    max_length integer NOT NULL CHECK (max_length BETWEEN 1 AND 1000),
    character_rule text NOT NULL CHECK (character_rule IN ('keep', 'underscore')),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, key)
);
