# The two commands of the README. Both set up everything they need in .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Notebooks run two at a time on 2 cores (measured faster than one; see the Execution status page).
WORKERS ?= 2
# matplotlib's font cache per environment: a shared one can point at fonts of a deleted venv
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/matplotlib

.PHONY: book test benchmark clean

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is in $(CURDIR)/_build/html/index.html"

# Stage 1, in parallel: unit, hygiene and workflow tests, the Colab rehearsal, and every notebook
# (nbmake), each executed once; conftest.py stores the executions in the book's cache.
# Stage 2: the book built from that cache (no notebook runs again), then checked in Chromium.
# The last line fails if the tests changed the working tree.
# Each stage leaves a JUnit report in _build/junit/ (ignored by git): `python scripts/benchmark.py
# --from-junit` turns the last run into the suite table of the Execution status page.
JUNIT := _build/junit
test: $(STAMP)
	@git status --porcelain > $(VENV)/.status-before 2>/dev/null || true
	@mkdir -p $(JUNIT)
	$(BIN)/python -m pytest -n $(WORKERS) -m "not book" --junitxml=$(JUNIT)/stage1-workers$(WORKERS).xml
	LMBOOK_NOTEBOOKS_RAN=1 $(BIN)/python -m pytest -m book --junitxml=$(JUNIT)/stage2-workers$(WORKERS).xml
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git status --porcelain | diff -u $(VENV)/.status-before - \
	  || { echo "make test changed the working tree (above): tests must not write into the repository"; exit 1; }; fi

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf _build
