#!/usr/bin/env bash
# The whole suite on SQLite, then the database-backed tests again on PostgreSQL.
# Under CI=true PostgreSQL must be reachable; elsewhere its run is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${MUTUALISE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/mutualise}

echo "== SQLite: the whole suite"
env -u DATABASE_URL $PY -m pytest -q -p no:cacheprovider --durations=15 "$@"

pg_ok=$($PY - "$PG_URL" <<'PYEOF'
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], dbname="postgres", connect_timeout=3).close()
    print("yes")
except Exception as exc:
    print(f"no: {exc}".replace("\n", " "))
PYEOF
)
if [ "$pg_ok" != "yes" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: PostgreSQL at $PG_URL is unreachable ($pg_ok); CI requires the PostgreSQL run" >&2
    exit 1
  fi
  echo "SKIPPED: PostgreSQL run, $PG_URL unreachable ($pg_ok)"
  exit 0
fi
echo "== PostgreSQL: the database-backed suite ($PG_URL)"
# The pure libraries (constitution, counting) never touch a database: one run is enough. The
# browser tests (tests/browser) drive pages whose every database effect goes through services the
# rest of the suite tests here on PostgreSQL; they run once, in the SQLite pass, to keep CI within
# its 25 minutes on 2 cores.
DATABASE_URL=$PG_URL $PY -m pytest -q -p no:cacheprovider --durations=15 -m "not pure and not browser" "$@"
