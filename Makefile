# caesar-rnn developer tasks. `make demo` and `make test` work from nothing (they build .venv).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-all lint model clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# Pin the CPU build: a bare `torch` pulls a multi-GB CUDA wheel.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/caesar-rnn decrypt "khoorzruog"

test: $(STAMP)
	$(BIN)/pytest -q

test-all: $(STAMP)
	$(BIN)/pytest -q -m ''

lint: $(STAMP)
	$(BIN)/ruff check caesar_rnn tests scripts experiments
	$(BIN)/ruff format --check caesar_rnn tests scripts experiments
	$(BIN)/mypy

# Rebuild the shipped default model from scratch (2 CPU cores; see docs/model.md).
model: $(STAMP)
	$(BIN)/python scripts/build_model.py --out caesar_rnn/models/default

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
