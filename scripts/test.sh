#!/usr/bin/env bash
# The whole test suite (`make test`, called by .ci/run): lint, data validation, pytest.
# Starts a real PostgreSQL server for the storage tests when it can (installing it if needed) and
# installs Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# Rasa's usage telemetry stays off in everything the suite starts.
export RASA_TELEMETRY_ENABLED=false

echo "== ruff"
ruff check .

echo "== PostgreSQL for the storage tests"
if url=$(bash scripts/postgres.sh start | tail -n 1) && [[ "$url" == postgresql* ]]; then
  export KB_TEST_POSTGRES_URL="$url"
  echo "PostgreSQL: ${url%%@*}@…"
else
  echo "PostgreSQL could not be started: its tests will be skipped (reason printed by pytest)."
fi

echo "== Chromium for the browser tests"
# Required: the widget tests run in a real headless browser (Debian's chromium, never a download).
CHROMIUM_PATH="$(bash scripts/chromium.sh | tail -n 1)"
export CHROMIUM_PATH
echo "Chromium: $CHROMIUM_PATH"

echo "== generated training data and rasa data validate"
# A throw-away knowledge base: the tests never touch the developer's var/kb.sqlite3.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
KB_DATABASE_URL="sqlite:///$scratch/kb.sqlite3" python -m procedure_kb load
KB_DATABASE_URL="sqlite:///$scratch/kb.sqlite3" python -m bot.kb_lookup
python -m bot.augment
rasa data validate --fail-on-warnings

echo "== pytest"
pytest --durations=25 "$@"
