# caesar-rnn developer tasks. `make demo` and `make test` work from nothing (they build .venv).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-all test-min lint model clean

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

# The base install (no torch, no text sources, no matplotlib) at the declared minimum versions
# (constraints/minimum.txt), in its own venv: the smoke tests marked `base`, run on the installed
# package rather than the checkout.
MIN_VENV ?= .venv-min
test-min:
	rm -rf $(MIN_VENV)
	$(PY) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/pip install -q -c constraints/minimum.txt . pytest
	! $(MIN_VENV)/bin/python -c "import torch" 2>/dev/null
	cd tests && ../$(MIN_VENV)/bin/pytest -q -p no:cacheprovider -m base test_base_install.py test_extras.py
	$(MIN_VENV)/bin/pip install -q -c constraints/minimum.txt matplotlib
	cd tests && ../$(MIN_VENV)/bin/pytest -q -p no:cacheprovider evaluation/test_report.py

lint: $(STAMP)
	$(BIN)/ruff check caesar_rnn tests scripts experiments
	$(BIN)/ruff format --check caesar_rnn tests scripts experiments
	$(BIN)/mypy

# Rebuild the shipped default model from scratch with its recipe (2 CPU cores, about an hour;
# checkpoints every 1000 steps: after an interruption, `caesar-rnn train --resume
# caesar_rnn/models/default` goes on).
RECIPE ?= recipes/default.toml
model: $(STAMP)
	$(BIN)/caesar-rnn gen-data --recipe $(RECIPE) --force
	$(BIN)/caesar-rnn train --recipe $(RECIPE) --force

clean:
	rm -rf $(VENV) $(MIN_VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
