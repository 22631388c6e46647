# Two commands do all the set-up on a fresh machine (Python 3.11+):
#   make update   install horizon in .venv and run the main job on the embedded data
#   make test     install the test dependencies in .venv, lint (ruff), type-check (mypy) and run the tests
#                 (one worker per core; a test file stays on one worker, so its fixtures are built once)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

$(BIN)/horizon: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/horizon

.PHONY: install update test bench
install: $(BIN)/horizon

update: install
	$(BIN)/horizon update

test: install
	$(BIN)/ruff check horizon tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: install
	$(BIN)/python benchmarks/bench_fit.py
