# Newsdesk: `make run` (the main job) and `make test` (the test suite). Everything else is set up
# by these targets: a pinned virtual environment from uv.lock, then the models and the index.
SHELL := /bin/bash
PY := python3
UV := $(PY) -m uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PY)

.PHONY: run test setup lint index ask

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q "uv==0.13.8"
	$(UV) sync --locked
	@touch $@

setup: $(VENV)/.synced

index: setup
	$(VENV)/bin/rag index

run: index
	$(VENV)/bin/rag ui

ask: index
	$(VENV)/bin/rag ask "Who led the Russian delegation at the Istanbul talks?"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup lint
	$(VENV)/bin/python -m pytest -q
	$(VENV)/bin/rag eval --llm none
	$(VENV)/bin/rag eval --llm local --per-type 8
