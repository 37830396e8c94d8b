-- Platform connections: config as JSONB, credentials encrypted with pgcrypto's pgp_sym_encrypt under
-- CREDENTIALS_ENCRYPTION_KEY. auth_credentials (plaintext) exists only for compatibility and is always '{}'.
CREATE TABLE platform_connections (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    name text NOT NULL,
    platform text NOT NULL CHECK (platform IN ('liveramp', 'tradedesk', 'indexexchange', 'custom_api')),
    direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'bidirectional')),
    auth_type text NOT NULL CHECK (auth_type IN ('oauth2', 'bearer', 'api_key', 'header', 'basic', 'none')),
    config jsonb NOT NULL,
    auth_credentials jsonb NOT NULL DEFAULT '{}' CHECK (auth_credentials = '{}'),
    auth_credentials_enc bytea,
    enabled boolean NOT NULL DEFAULT true,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'error')),
    last_tested_at timestamptz,
    last_test_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX platform_connections_org_idx ON platform_connections (org_id, created_at, id);
