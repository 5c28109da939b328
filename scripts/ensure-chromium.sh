#!/usr/bin/env bash
# Browser tests drive Debian's chromium. Install it when missing (the machine runs as root).
# Under CI=true a missing browser is an error; elsewhere the browser tests skip, saying why.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
echo "chromium not found: installing Debian's chromium for the browser tests"
if [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && exit 0
else
  (sudo -n apt-get update -qq && sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) 2>/dev/null && exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: could not install chromium; browser tests are required in CI" >&2
  exit 1
fi
echo "WARNING: could not install chromium; browser tests will be skipped" >&2
exit 0
