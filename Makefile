# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := portal/static/vendor
export FLASK_APP := wsgi:app
# One pytest-xdist worker per core and one more: the browser journeys wait on Chromium, and
# the extra worker fills that time (tests/conftest.py starts the longest modules first).
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

.PHONY: run test install assets db seed lint bench clean translations messages prod prod-stop \
	prod-replay

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/flask

install: $(BIN)/flask assets translations

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installed

assets: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/

translations: $(BIN)/flask
	$(BIN)/pybabel compile -d portal/translations

db: install
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask demo seed --if-empty

# The web server and the background worker (Procfile) in one terminal; Ctrl-C stops both.
run: seed
	$(BIN)/honcho start -f Procfile

# Production on this machine (deploy/local/prod.sh): nginx on 127.0.0.1:8080 in front of two
# gunicorn instances (8001, 8002), the worker on Redis, PostgreSQL database portal_prod, the
# S3 store on 127.0.0.1:9000 (MinIO, or moto_server standing in). Ctrl-C stops them.
prod: install
	deploy/local/prod.sh

prod-stop:
	deploy/local/prod-stop.sh

# The year 2019 replayed into `make prod`'s database (minutes; for the load tests). Run it
# while `make prod` runs, or after it has set up instance/prod/portal.env.
prod-replay: install
	@test -s instance/prod/portal.env || { echo "run make prod first"; exit 1; }
	set -a && . instance/prod/portal.env && set +a && PYTHONPATH=$(CURDIR) \
		$(BIN)/flask demo replay-2019

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadscope --no-loadscope-reorder

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/catalog_search.py
	$(BIN)/python bench/outbox.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance .pytest_cache

# Re-extract UI strings (templates, _(), _l() and N_() markers) into the English catalog.
messages: $(BIN)/flask
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o /tmp/portal-messages.pot .
	$(BIN)/pybabel update -i /tmp/portal-messages.pot -d portal/translations --no-fuzzy-matching
