# Shared by every script: where state lives, which ports, and each service's environment.
# Everything can be overridden from the environment, so tests run a second stack beside the demo one.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AH_STATE_DIR=${AH_STATE_DIR:-$ROOT/.state}
AH_PG_PORT=${AH_PG_PORT:-54329}
AH_DB_NAME=${AH_DB_NAME:-audiencehub}
AH_PORT_BASE=${AH_PORT_BASE:-8080}
AH_BUILD_CONFIG=${AH_BUILD_CONFIG:-debug}
CLASSIFIER_REPLICAS=${CLASSIFIER_REPLICAS:-1}
INTERNAL_TOKEN=${INTERNAL_TOKEN:-local-dev-internal-token}
CREDENTIALS_ENCRYPTION_KEY=${CREDENTIALS_ENCRYPTION_KEY:-local-dev-credentials-key}
LOG_LEVEL=${LOG_LEVEL:-info}
LOG_FORMAT=${LOG_FORMAT:-json}

AH_LOG_DIR=$AH_STATE_DIR/logs
AH_RUN_DIR=$AH_STATE_DIR/run

# Start order: the gateway last, once everything it routes to is up.
SERVICES=(connections-service sync-service classifier-service topics-service activation-service gateway)

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

service_schema() {
  case $1 in
    gateway) echo gateway ;;
    *-service) echo "${1%-service}" ;;
    *) die "unknown service $1" ;;
  esac
}

# Ports follow DESIGN.md: gateway +0, connections +1, sync +2, classifier +3, activation +4, topics +5.
# Classifier replica N (from 0) listens 100*N above the first.
service_port() {
  local offset
  case $1 in
    gateway) offset=0 ;; connections-service) offset=1 ;; sync-service) offset=2 ;;
    classifier-service) offset=3 ;; activation-service) offset=4 ;; topics-service) offset=5 ;;
    *) die "unknown service $1" ;;
  esac
  echo $((AH_PORT_BASE + offset + 100 * ${2:-0}))
}

service_replicas() {
  if [ "$1" = classifier-service ]; then echo "$CLASSIFIER_REPLICAS"; else echo 1; fi
}

# Comma-separated base URLs of every replica of a service.
service_urls() {
  local urls=() i
  for ((i = 0; i < $(service_replicas "$1"); i++)); do urls+=("http://127.0.0.1:$(service_port "$1" "$i")"); done
  local IFS=,; echo "${urls[*]}"
}

db_role() { echo "ah_$(service_schema "$1")"; }
db_password() { echo "$(db_role "$1")-local"; }

# The environment one service process gets, one KEY=value a line. compose/docker-compose.yml sets the same keys
# (scripts/check-compose proves it).
service_env() {
  local name=$1 replica=${2:-0} role
  role=$(db_role "$name")
  echo "HOST=127.0.0.1"
  echo "PORT=$(service_port "$name" "$replica")"
  echo "DATABASE_URL=postgres://$role:$(db_password "$name")@127.0.0.1:$AH_PG_PORT/$AH_DB_NAME"
  echo "INTERNAL_TOKEN=$INTERNAL_TOKEN"
  echo "LOG_LEVEL=$LOG_LEVEL"
  echo "LOG_FORMAT=$LOG_FORMAT"
  local other
  for other in "${SERVICES[@]}"; do
    [ "$other" = gateway ] && continue
    echo "$(service_schema "$other" | tr a-z A-Z)_SERVICE_URL=$(service_urls "$other")"
  done
  case $name in
    connections-service) echo "CREDENTIALS_ENCRYPTION_KEY=$CREDENTIALS_ENCRYPTION_KEY" ;;
    sync-service)
      echo "SYNC_LEASE_SECONDS=${SYNC_LEASE_SECONDS:-30}"
      echo "SYNC_POLL_MILLISECONDS=${SYNC_POLL_MILLISECONDS:-1000}"
      echo "SYNC_PREFETCH_PAGES=${SYNC_PREFETCH_PAGES:-3}"
      echo "SYNC_RETRY_BASE_MILLISECONDS=${SYNC_RETRY_BASE_MILLISECONDS:-500}"
      ;;
    gateway)
      echo "RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE:-600}"
      echo "BCRYPT_COST=${BCRYPT_COST:-12}"
      ;;
  esac
}

# sample-source, the demo's external segment API, listens 10 above the gateway (8090).
sample_source_port() { echo $((AH_PORT_BASE + 10)); }
SAMPLE_TOKEN=${SAMPLE_TOKEN:-sample-token}

# True when the process in a pid file is running. A killed child nobody has reaped yet (a zombie) is not.
running() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && ! ps -o stat= -p "$pid" 2>/dev/null | grep -q '^Z'
}

# Where the built executables are (AH_BIN_DIR when the caller already knows, as scripts/test does).
bin_dir() {
  if [ -n "${AH_BIN_DIR:-}" ]; then echo "$AH_BIN_DIR"; else (cd "$ROOT" && swift build -c "$AH_BUILD_CONFIG" --show-bin-path); fi
}
