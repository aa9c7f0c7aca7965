# Wandelwerk: `make run` serves the portal with the demo municipality, `make test` runs every check.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 5000
KERN := node_modules/@kern-ux/native
VENDOR := portal/static/vendor/kern
PLOTLY := portal/static/vendor/plotly
CATALOGUES := $(wildcard portal/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test install install-test assets translations system-deps system-test-deps lint \
	typecheck pytest \
	extract-messages update-messages bench clean

run: install assets translations
	$(BIN)/wandelwerk db upgrade
	$(BIN)/wandelwerk demo load --if-empty
	$(BIN)/wandelwerk run --host $(HOST) --port $(PORT)

test: install-test assets translations system-test-deps lint typecheck pytest

$(STAMP):
	mkdir -p $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP)/install: pyproject.toml | $(BIN)/python $(STAMP) system-deps
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP)/install-test: pyproject.toml | $(BIN)/python $(STAMP) system-deps
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)/install $@

install: $(STAMP)/install
install-test: $(STAMP)/install-test

# KERN UX comes from the npm registry and is served by the portal itself: no CDN, since
# municipal intranets are often offline.
$(STAMP)/assets: package.json package-lock.json | $(STAMP)
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r $(KERN)/dist/kern.min.css $(KERN)/dist/fonts $(KERN)/LICENSE.md $(VENDOR)/
	touch $@

# The dashboards draw with plotly.js from the installed Python package (the same version that
# builds the figures), served by the portal like KERN.
$(STAMP)/plotly: $(STAMP)/install | $(STAMP)
	rm -rf $(PLOTLY) && mkdir -p $(PLOTLY)
	cp "$$($(BIN)/python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $(PLOTLY)/
	touch $@

assets: $(STAMP)/assets $(STAMP)/plotly

%.mo: %.po
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics

translations: install $(COMPILED)

# Documents need Pango (WeasyPrint lays text out with it) and Chromium (Kaleido draws the
# figures as SVG); the packages ship with Debian, nothing is downloaded at run time.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Playwright drives Debian's Chromium (it cannot download a browser of its own here);
# pdftoppm (poppler-utils) renders document pages to PNG for looking at them.
system-test-deps: system-deps
	@missing=""; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

# Coverage of portal/ and scoring/ ([tool.coverage] in pyproject.toml). The whole suite covers
# 93 % on SQLite and 94 % with PostgreSQL; below 90 % tests were lost or much untested code came in.
# Two pytest-xdist workers, one per core: one process leaves the second core idle while the
# tests wait for the database or the browser. Each worker takes whole modules (loadscope), so
# data a module builds once for its tests is built once, and has databases of its own
# (tests/conftest.py). PYTEST_WORKERS=0 runs the suite in this one process.
PYTEST_WORKERS ?= 2

pytest:
	$(BIN)/pytest --cov --cov-fail-under=90 -n $(PYTEST_WORKERS) --dist loadscope

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --sort-output --project Wandelwerk .

update-messages: extract-messages
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --width 100

bench: install-test
	$(BIN)/python -m benchmarks.bench_scoring
	$(BIN)/python -m benchmarks.bench_reports

clean:
	rm -rf $(STAMP) $(VENV) node_modules $(VENDOR) $(PLOTLY) $(COMPILED)
