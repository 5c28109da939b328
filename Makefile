# mutualise: every command a developer, CI or a new machine needs.
# A fresh machine needs only Python 3.11, Node/npm and (for the second test run) PostgreSQL.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1
# The demo and the tests run on throwaway keys made under var/ (web/settings_dev.py); a real
# install runs mutualise.web.settings, which will not start without real keys.
export DJANGO_SETTINGS_MODULE ?= mutualise.web.settings_dev

.PHONY: demo test bench lint format install install-dev install-bench static chromium clean migrate serve

# What the demo needs, no more; the test tools and the benchmark peers come with their targets.
install: $(VENV)/.installed static
install-dev: $(VENV)/.dev-installed static
install-bench: $(VENV)/.bench-installed static

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

$(VENV)/.bench-installed: $(VENV)/.dev-installed
	$(PIP) install --quiet -e '.[dev,bench]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# GOV.UK Frontend compiled with our own settings: no crown, no GDS Transport font.
STATIC_CSS := src/mutualise/web/static/mutualise/app.css
static: $(STATIC_CSS)
$(STATIC_CSS): frontend/app.scss node_modules/.installed
	@mkdir -p $(dir $@)
	npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules frontend/app.scss $@

migrate: install
	$(VENV)/bin/mutualise manage migrate --noinput

demo: install migrate
	$(VENV)/bin/mutualise demo --host $(HOST) --port $(PORT)

# The whole suite: SQLite, then PostgreSQL (required under CI=true).
# The cross-checks against other counters need the benchmark peers too.
test: install-bench chromium
	bash scripts/test.sh

chromium:
	@bash scripts/ensure-chromium.sh

bench: install-bench
	$(PY) -m benchmarks

lint: install-dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	PYTHONPATH=src $(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 $(STATIC_CSS)
