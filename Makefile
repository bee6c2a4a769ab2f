# Newsdesk: `make run` (the main job) and `make test` (the test suite). Everything else is set up
# by these targets: a pinned virtual environment from uv.lock, then the models and the index.
SHELL := /bin/bash
PY := python3
UV := $(PY) -m uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PY)

.PHONY: run test setup lint index ask

# llama.cpp is built from source for x86-64-v3 (pyproject.toml). On a CPU that has AVX-512 with
# VNNI and VBMI, it is built with those too: prompt reading 64 -> 90 tokens/s on this project's
# 2-core Xeon (docs/measurements.md). Only features /proc/cpuinfo lists are turned on, never AMX
# (a VM may list AMX and still refuse its state: the native build segfaulted on one).
AVX512_ALL := avx512f avx512cd avx512bw avx512dq avx512vl avx512vbmi avx512_vnni
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
ifeq ($(filter-out $(CPU_FLAGS),$(AVX512_ALL)),)
$(VENV)/.synced: export CMAKE_ARGS := -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON
endif

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
