# Self-documenting Makefile: `make help` lists every target.
# Set-up (the .venv and the installed package) is redone only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help setup report watch notebooks test lab lint bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed: run make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name gov-disclosure --display-name "Python (gov-disclosure)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the package with its extras (skipped when current)

report: $(STAMP) ## Build data/processed/ tables, reports/figures/ and reports/index.html from data/raw/
	$(PY) -m analysis build $(ARGS)

watch: $(STAMP) ## Rebuild like `make report` each time data/raw/ changes, until Ctrl-C
	$(PY) -m analysis watch $(ARGS)

notebooks: $(STAMP) ## Run the notebooks on data/processed/, save each as an HTML page (reports/notebooks/)
	$(PY) -m analysis notebooks $(ARGS)

test: $(STAMP) ## Run the whole test suite (parsers, classifier, tables, charts, notebooks, report)
	$(PY) -m pytest $(ARGS)

lab: $(STAMP) ## Start JupyterLab on notebooks/ with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

lint: $(STAMP) ## Check style with ruff
	$(VENV)/bin/ruff check analysis tests benchmarks notebooks

bench: $(STAMP) ## Run the benchmarks (synthetic corpora; see benchmarks/README.md)
	$(PY) benchmarks/run.py $(ARGS)

clean: ## Remove derived outputs (data/processed/, reports/), keep data/raw/ and .venv
	rm -rf data/processed/* reports/*
	touch data/processed/.gitkeep reports/.gitkeep
