#!/usr/bin/env bash
# The whole suite on SQLite, then the database-backed tests again on PostgreSQL.
# Under CI=true PostgreSQL must be reachable; elsewhere its run is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${MUTUALISE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/mutualise}

echo "== SQLite: the whole suite"
env -u DATABASE_URL $PY -m pytest -q -p no:cacheprovider "$@"

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
# The pure libraries (constitution, counting) never touch a database: one run is enough.
DATABASE_URL=$PG_URL $PY -m pytest -q -p no:cacheprovider -m "not pure" "$@"
