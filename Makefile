# The two commands of the README. Both set up everything they need in .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# matplotlib's font cache per environment: a shared one can point at fonts of a deleted venv
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/matplotlib

.PHONY: book test benchmark clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is in $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf _build
