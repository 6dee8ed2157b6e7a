# SmartStack infrastructure. Every target bootstraps what it needs, idempotently.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
ENV     ?=
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help bootstrap setup package plan test fidelity bench docs fmt lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: $(VENV)/.bootstrapped ## Create .venv with the pinned tooling, function and test dependencies

$(VENV)/.bootstrapped: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[offline-provider,functions,test]'
	@touch $@

setup: bootstrap ## Build the offline provider schema cache and filesystem mirror (plan/test do it too)
	$(PY) -m smartstack_tooling setup

package: bootstrap ## Build the Lambda zips into build/functions/ (byte-identical for identical sources)
	$(PY) -m smartstack_tooling.package_functions

plan: package ## Plan every environment (or ENV=<env>) into build/plans/<env>.json and summarise
	$(PY) -m smartstack_tooling plan $(ENV)

test: package ## Run the whole test suite (starts its own PostgreSQL and moto)
	$(PY) -m pytest $(PYTEST_ARGS)

fidelity: bootstrap ## Opt-in: compare the extracted schema with the real AWS provider 3.39.0
	$(PY) -m pytest -m fidelity tests/fidelity -q

bench: package ## Print benchmark figures (stand-in start-up, plan times, function zips and imports)
	$(PY) benchmarks/offline_provider_bench.py
	$(PY) benchmarks/functions_bench.py

docs: bootstrap ## Regenerate the inputs/outputs tables of the module READMEs
	$(PY) -m smartstack_tooling docs

fmt: bootstrap ## Format Terraform and Python sources
	$$($(PY) -m smartstack_tooling which-terraform | cut -f1) fmt -recursive modules envs tests
	$(VENV)/bin/ruff format tooling functions tests benchmarks

lint: bootstrap ## terraform fmt -check and ruff
	$$($(PY) -m smartstack_tooling which-terraform | cut -f1) fmt -check -recursive modules envs tests
	$(VENV)/bin/ruff check tooling functions tests benchmarks

clean: ## Remove build outputs and the offline workspace (keeps .venv and .cache)
	rm -rf build
