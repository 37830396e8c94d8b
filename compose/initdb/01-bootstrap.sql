REVOKE ALL ON DATABASE "audiencehub" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_connections') THEN
    CREATE ROLE ah_connections LOGIN PASSWORD 'ah_connections-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_connections;
CREATE SCHEMA IF NOT EXISTS connections AUTHORIZATION ah_connections;
REVOKE ALL ON SCHEMA connections FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_sync') THEN
    CREATE ROLE ah_sync LOGIN PASSWORD 'ah_sync-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_sync;
CREATE SCHEMA IF NOT EXISTS sync AUTHORIZATION ah_sync;
REVOKE ALL ON SCHEMA sync FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_classifier') THEN
    CREATE ROLE ah_classifier LOGIN PASSWORD 'ah_classifier-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_classifier;
CREATE SCHEMA IF NOT EXISTS classifier AUTHORIZATION ah_classifier;
REVOKE ALL ON SCHEMA classifier FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_topics') THEN
    CREATE ROLE ah_topics LOGIN PASSWORD 'ah_topics-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_topics;
CREATE SCHEMA IF NOT EXISTS topics AUTHORIZATION ah_topics;
REVOKE ALL ON SCHEMA topics FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_activation') THEN
    CREATE ROLE ah_activation LOGIN PASSWORD 'ah_activation-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_activation;
CREATE SCHEMA IF NOT EXISTS activation AUTHORIZATION ah_activation;
REVOKE ALL ON SCHEMA activation FROM PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ah_gateway') THEN
    CREATE ROLE ah_gateway LOGIN PASSWORD 'ah_gateway-local';
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE "audiencehub" TO ah_gateway;
CREATE SCHEMA IF NOT EXISTS gateway AUTHORIZATION ah_gateway;
REVOKE ALL ON SCHEMA gateway FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA connections;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA topics;
