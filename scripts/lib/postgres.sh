# A project-local Postgres cluster: data under the state folder, listening on 127.0.0.1:$AH_PG_PORT only,
# run as the postgres OS user (Postgres refuses root). One database, one schema and one login role per service.
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
AH_PG_SOCKET_DIR=${AH_PG_SOCKET_DIR:-/tmp/audiencehub-pg-$AH_PG_PORT}

pg_data_dir() {
  # The postgres user must be able to reach the folder; a clone inside a private (0700) folder cannot be,
  # so the data then lives under /var/lib/audiencehub instead.
  local preferred=$AH_STATE_DIR/pgdata
  mkdir -p "$AH_STATE_DIR"
  if runuser -u postgres -- test -x "$AH_STATE_DIR" 2>/dev/null; then
    echo "$preferred"
  else
    echo "/var/lib/audiencehub/$(printf '%s' "$AH_STATE_DIR" | sha1sum | cut -c1-12)/pgdata"
  fi
}

pg_as_postgres() { runuser -u postgres -- "$@"; }

pg_running() {
  local data; data=$(pg_data_dir)
  [ -f "$data/PG_VERSION" ] && pg_as_postgres "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

pg_start() {
  [ -x "$PGBIN/pg_ctl" ] || die "Postgres binaries not found; run scripts/setup"
  local data; data=$(pg_data_dir)
  mkdir -p "$data" "$AH_PG_SOCKET_DIR"
  chown postgres:postgres "$data" "$AH_PG_SOCKET_DIR"
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising Postgres cluster in $data"
    pg_as_postgres "$PGBIN/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if pg_running; then return 0; fi
  log "starting Postgres on 127.0.0.1:$AH_PG_PORT"
  local extra=""
  [ -n "${AH_PG_FAST:-}" ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  pg_as_postgres "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $AH_PG_PORT -k $AH_PG_SOCKET_DIR -c max_connections=300 -c shared_buffers=${AH_PG_SHARED_BUFFERS:-1GB} $extra" start >/dev/null
}

pg_stop() {
  local data; data=$(pg_data_dir)
  if pg_running; then
    log "stopping Postgres on port $AH_PG_PORT"
    pg_as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

pg_psql() {
  PGOPTIONS="-c client_min_messages=warning" pg_as_postgres "$PGBIN/psql" -h "$AH_PG_SOCKET_DIR" -p "$AH_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"
}

# The SQL that gives each service a role owning its schema and nothing else. Idempotent; compose/initdb runs the
# same text (scripts/check-compose proves it).
bootstrap_sql() {
  local db=$1 name role schema
  echo "REVOKE ALL ON DATABASE \"$db\" FROM PUBLIC;"
  echo "REVOKE ALL ON SCHEMA public FROM PUBLIC;"
  for name in "${SERVICES[@]}"; do
    role=$(db_role "$name"); schema=$(service_schema "$name")
    cat <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$(db_password "$name")';
  END IF;
END \$\$;
GRANT CONNECT, TEMPORARY ON DATABASE "$db" TO $role;
CREATE SCHEMA IF NOT EXISTS $schema AUTHORIZATION $role;
REVOKE ALL ON SCHEMA $schema FROM PUBLIC;
SQL
  done
  echo "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA connections;"
  echo "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA topics;"
}

# Text compares byte for byte (collation C: code point order, the order C.UTF-8 gives, at about a third of the cost
# of each comparison, which index writes and sorts spend most on) while case mapping (lower, ILIKE) stays Unicode's.
pg_bootstrap() {
  local db=${1:-$AH_DB_NAME} collation
  collation=$(pg_psql -d postgres -tAc "SELECT datcollate FROM pg_database WHERE datname = '$db'")
  if [ -z "$collation" ]; then
    pg_psql -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
  elif [ "$collation" != C ]; then
    log "note: database $db compares text with collation $collation (made before C was the default): writes are slower; see README, Postgres collation"
  fi
  bootstrap_sql "$db" | pg_psql -d "$db" >/dev/null
}
