# Folio: `make run` sets everything up and serves the demo; `make test` runs every test suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= data

.PHONY: setup run run-https certs test test-py test-js build demo bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/index.html: node_modules/.installed $(shell find addin -type f 2>/dev/null) vite.config.ts
	npm run build

build: static/index.html

examples/folio-demo.xlsx: $(VENV)/.runtime $(wildcard engine/*.py)
	$(PY) -m engine.demo --out $@

demo: examples/folio-demo.xlsx

setup: $(VENV)/.runtime build demo

run: setup
	@echo "Folio on http://$(HOST):$(PORT)  (data in $(DATA)/; Ctrl-C stops)"
	$(PY) -m server --host $(HOST) --port $(PORT) --data-dir $(DATA)

HTTPS_PORT ?= 8443
CERTS      ?= $(HOME)/.folio/certs

certs:
	$(PYTHON) scripts/dev_cert.py --dir $(CERTS)

# HTTPS on https://localhost:8443, the origin in manifest/manifest.xml (for sideloading in Excel)
run-https: setup certs
	@echo "Folio on https://localhost:$(HTTPS_PORT)  (trust $(CERTS)/folio-dev-ca.crt once; Ctrl-C stops)"
	$(PY) -m server --host 127.0.0.1 --port $(HTTPS_PORT) --data-dir $(DATA) \
		--certfile $(CERTS)/localhost.crt --keyfile $(CERTS)/localhost.key

# pytest on two processes (pytest-xdist), a file's tests together on one of them (--dist
# loadfile: module fixtures such as a trained model are built once); PYTEST_WORKERS=0 runs it in
# one. Schemathesis' cases do not run under xdist: its file runs on its own, in one process.
PYTEST_WORKERS ?= 2
SCHEMATHESIS := tests/hardening/test_schemathesis.py
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --ignore=$(SCHEMATHESIS) && $(PY) -m pytest $(SCHEMATHESIS)

test: $(VENV)/.dev build
	npm test
	$(PYTEST)

test-py: $(VENV)/.dev
	$(PYTEST)

test-js: node_modules/.installed
	npm test

bench: $(VENV)/.dev requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) bench/run_all.py

clean:
	rm -rf static $(VENV) node_modules data examples/*.xlsx
