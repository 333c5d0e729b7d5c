# Two commands for a fresh machine with python3 and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What is installed, each stamp newer than the pyproject.toml it was installed from: the demo's
# few packages, or everything [dev] brings (which includes the demo's).
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit docs docs-serve dist bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo runs oauthcore through each transport: it needs urllib3 and httplib2, nothing else.
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[urllib3,httplib2]'
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(DEMO_STAMP)

# After `make test`, `make demo` finds [dev] installed and installs nothing more; after
# `make demo`, `make test` installs the rest of [dev] into the same environment.
demo: $(if $(wildcard $(STAMP)),$(STAMP),$(DEMO_STAMP))
	$(BIN)/oauthcore demo

test: $(STAMP) lint typecheck unit docs dist

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest --cov --cov-branch --cov-report=term-missing

# The documentation site from README.md, docs/ and the docstrings, into site/; strict: a broken
# link or reference fails it (docs/contributing.md).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# What pip installs is what is tested: build the sdist and the wheel, check every module is in,
# install the wheel into fresh environments and run the product from it.
dist: $(STAMP)
	$(BIN)/python .ci/check_dist.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist site .coverage .mypy_cache .pytest_cache .ruff_cache .hypothesis
