# SmartStack infrastructure. `make plan` and `make test` bootstrap what they need, idempotently.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
ENV     ?=
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help bootstrap setup plan test fmt lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: $(VENV)/.bootstrapped ## Create .venv with the pinned tooling and test dependencies

$(VENV)/.bootstrapped: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[offline-provider,test]'
	@touch $@

setup: bootstrap ## Build the offline provider schema cache and mirror (done by plan/test too)
	$(PY) -m smartstack_tooling setup

plan: bootstrap ## Plan every environment (or ENV=<env>) into build/plans/<env>.json
	$(PY) -m smartstack_tooling plan $(ENV)

test: bootstrap ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

fmt: bootstrap ## Format Terraform and Python sources
	$(PY) -m smartstack_tooling terraform fmt -recursive modules envs tests
	$(VENV)/bin/ruff format tooling functions tests

lint: bootstrap ## terraform fmt -check and ruff
	$(PY) -m smartstack_tooling terraform fmt -check -recursive modules envs tests
	$(VENV)/bin/ruff check tooling functions tests benchmarks

clean: ## Remove build outputs and the offline workspace (keeps .venv and .cache)
	rm -rf build
