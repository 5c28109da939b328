#!/usr/bin/env bash
# The database-backed suite on SQLite (with most browser tests) and on PostgreSQL (with the pure
# libraries' tests, the fuzz tests and the every-model browser journey), the two passes side by side (one core each; together they stay within CI's
# 25 minutes on 2 cores). Without PostgreSQL the SQLite pass runs everything.
# Under CI=true PostgreSQL must be reachable; elsewhere its run is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${MUTUALISE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/mutualise}

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
if [ "$pg_ok" != "yes" ] && [ "${CI:-}" = "true" ]; then
  echo "ERROR: PostgreSQL at $PG_URL is unreachable ($pg_ok); CI requires the PostgreSQL run" >&2
  exit 1
fi

# The throwaway keys under var/ are made once, here, before two passes could race to make them.
DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-mutualise.web.settings_dev} MUTUALISE_AUDIT_THROWAWAY_KEY=1 \
  env -u DATABASE_URL $PY -c "import django; django.setup(); from mutualise.audit import keys; keys.signing_key()"

pg_log=$(mktemp)
pg_pid=""
if [ "$pg_ok" = "yes" ]; then
  # The pure libraries (constitution, counting, budgeting) never touch a database: one run is
  # enough, and it is this one, which balances the two passes. So do the HTTP fuzz tests, on the
  # database that enforces every column's length. The browser tests (tests/browser)
  # drive pages whose every database effect goes through services the rest of the suite tests
  # on both databases; they run once: in the SQLite pass, but for those marked
  # postgresql_pass (the journey over every model rulebook), which run here so that the two
  # passes take about as long.
  DATABASE_URL=$PG_URL $PY -m pytest -q -p no:cacheprovider --durations=15 \
    -m "not browser or postgresql_pass" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
fi

sqlite_only=()
if [ -n "$pg_pid" ]; then
  echo "== SQLite: the whole suite but the pure libraries', the HTTP fuzz tests and the browser tests marked postgresql_pass (those run beside, in the PostgreSQL pass)"
  sqlite_only=(-m "not pure and not fuzz and not postgresql_pass")
else
  echo "== SQLite: the whole suite"
fi
sqlite_rc=0
env -u DATABASE_URL $PY -m pytest -q -p no:cacheprovider --durations=15 "${sqlite_only[@]}" "$@" || sqlite_rc=$?

pg_rc=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || pg_rc=$?
  echo "== PostgreSQL: the database-backed suite ($PG_URL)"
  cat "$pg_log"
else
  echo "SKIPPED: PostgreSQL run, $PG_URL unreachable ($pg_ok)"
fi
rm -f "$pg_log"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
