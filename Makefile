# SmartStack infrastructure. Every target bootstraps what it needs, idempotently.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
ENV     ?=
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto  # pytest-xdist workers for make test (tests/conftest.py schedules them by file)
CHECKOV_VENV := .venv-checkov
# uv installs the pinned dependencies in about a tenth of pip's time (13 s instead of 111 s from cold).
UV      := $(VENV)/bin/uv
UV_PIP  := $(UV) pip install --quiet

.DEFAULT_GOAL := help
.PHONY: help bootstrap setup package rds-ca-bundle plan test fidelity bench docs fmt lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: $(VENV)/.bootstrapped ## Create .venv with the pinned tooling, function and test dependencies

# Planning needs only the tooling and the offline provider (a few seconds instead of the whole test tree): make plan,
# check, cost and diagrams stop there; the targets that test or run the functions add the rest.
$(VENV)/.bootstrapped-tooling: pyproject.toml requirements/uv.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/uv.txt
	$(UV_PIP) --python $(PY) -e '.[offline-provider]'
	@touch $@

$(VENV)/.bootstrapped: $(VENV)/.bootstrapped-tooling
	$(UV_PIP) --python $(PY) -e '.[offline-provider,functions,test]'
	@touch $@ $(VENV)/.bootstrapped-deploy

# Deploying needs the tooling and the AWS SDK only: no test dependencies beside a deploy role's credentials.
$(VENV)/.bootstrapped-deploy: $(VENV)/.bootstrapped-tooling
	$(UV_PIP) --python $(PY) -e '.[offline-provider,deploy]'
	@touch $@

setup: $(VENV)/.bootstrapped-tooling ## Build the offline provider schema cache and filesystem mirror (plan/test do it too)
	$(PY) -m smartstack_tooling setup

package: $(VENV)/.bootstrapped-tooling ## Build the Lambda zips into build/functions/<architecture>/ (byte-identical for identical sources)
	$(PY) -m smartstack_tooling package

rds-ca-bundle: bootstrap ## Regenerate functions/certs/rds-ca-bundle.pem from the pinned npm package (needs npm)
	$(PY) -m smartstack_tooling rds-ca-bundle

plan: package ## Plan every environment (or ENV=<env>) into build/plans/<env>.json and summarise
	$(PY) -m smartstack_tooling plan $(ENV)

test: bootstrap package checkov-bootstrap ## Run the whole test suite on every core (starts its own PostgreSQL and moto)
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# checkov==3.3.30 conflicts with pytest 9: it gets its own venv.
.PHONY: checkov-bootstrap scan check
checkov-bootstrap: $(CHECKOV_VENV)/.bootstrapped ## Create .venv-checkov with the pinned checkov (requirements/checkov.txt)

$(CHECKOV_VENV)/.bootstrapped: requirements/checkov.txt $(VENV)/.bootstrapped-tooling
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(UV_PIP) --python $(CHECKOV_VENV)/bin/python -r requirements/checkov.txt
	@touch $@

scan: plan checkov-bootstrap ## checkov and trivy over modules/, envs/, state-backend/, ci-access/ and the plans of ENV (default: all); reports in build/reports/
	@status=0; \
	$(PY) -m smartstack_tooling checkov $(ENV) || status=1; \
	$(PY) -m smartstack_tooling trivy $(ENV) || status=1; \
	exit $$status

check: plan ## Policy rules per environment -> build/reports/policy.md and policy-junit.xml
	$(PY) -m smartstack_tooling check $(ENV)

fidelity: bootstrap ## Opt-in: compare the extracted v6 schema with the real hashicorp/aws of the mirror (5.100.0)
	$(PY) -m pytest -m fidelity tests/fidelity -q

bench: bootstrap package ## Print benchmark figures (stand-in start-up, plan times, function zips and imports)
	$(PY) benchmarks/offline_provider_bench.py
	$(PY) benchmarks/functions_bench.py
	@echo "suite figures from a fresh clone (make plan, make test, .ci/run stages): python3 benchmarks/suite_bench.py"

docs: bootstrap ## Regenerate the module READMEs' inputs/outputs tables and docs/openapi.json
	$(PY) -m smartstack_tooling docs

fmt: bootstrap ## Format Terraform and Python sources
	$$($(PY) -m smartstack_tooling which-terraform | cut -f1) fmt -recursive modules envs state-backend ci-access tests
	$(VENV)/bin/ruff format tooling functions tests benchmarks

lint: bootstrap ## terraform fmt -check and ruff
	$$($(PY) -m smartstack_tooling which-terraform | cut -f1) fmt -check -recursive modules envs state-backend ci-access tests
	$(VENV)/bin/ruff check tooling functions tests benchmarks

clean: ## Remove build outputs and the offline workspace (keeps .venv and .cache)
	rm -rf build

# ---- Operations: guarded apply, state bucket, diagrams, cost --------------------------------
.PHONY: apply state-backend ci-access bootstrap-backend diagrams cost

apply: $(VENV)/.bootstrapped-deploy package ## Guarded plan + apply of ENV=<env> (offline: stops before apply; prod: CONFIRM=prod)
	@test -n "$(ENV)" || { echo "usage: make apply ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling apply $(ENV)

.PHONY: drift
drift: $(VENV)/.bootstrapped-deploy package ## Plan ENV=<env> against its state: exit 0 clean, 2 drift (build/drift/ENV.md), 1 error
	@test -n "$(ENV)" || { echo "usage: make drift ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling drift $(ENV)

.PHONY: deploy-plan deploy-apply review
deploy-plan: $(VENV)/.bootstrapped-deploy package ## make apply's guards and plan, kept in build/deploy/ENV/ for review; applies nothing
	@test -n "$(ENV)" || { echo "usage: make deploy-plan ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling apply $(ENV) --save-plan build/deploy/$(ENV)

deploy-apply: $(VENV)/.bootstrapped-deploy package ## Apply exactly the plan in build/deploy/ENV/ (refused unless it matches this checkout)
	@test -n "$(ENV)" || { echo "usage: make deploy-apply ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling apply $(ENV) --saved-plan build/deploy/$(ENV)

# One plan, every review of it (CI's plan job): the policy verdict, checkov and trivy, cost, the diagram.
# Each runs even when one before it fails; the exit status is 1 when any failed.
review: plan checkov-bootstrap ## Plan ENV=<env> once, then check, scan, cost and diagrams on that plan
	@test -n "$(ENV)" || { echo "usage: make review ENV=<dev|staging|prod>"; exit 2; }
	@status=0; \
	$(PY) -m smartstack_tooling check $(ENV) || status=1; \
	$(PY) -m smartstack_tooling checkov $(ENV) || status=1; \
	$(PY) -m smartstack_tooling trivy $(ENV) || status=1; \
	$(PY) -m smartstack_tooling cost $(ENV) || status=1; \
	$(PY) -m smartstack_tooling diagrams $(ENV) || status=1; \
	exit $$status

.PHONY: lock
LOCKED_ROOTS := envs/dev envs/staging envs/prod state-backend ci-access
# The roots accept >= 5.100, < 7.0 (the offline stand-in serves v6); a temporary override pins the release.
lock: ## Connected machine: pin hashicorp/aws VERSION=<x.y.z> in every real root's lock file, for every platform
	@test -n "$(VERSION)" || { echo "usage: make lock VERSION=<x.y.z> (needs the registry)"; exit 2; }
	@for root in $(LOCKED_ROOTS); do \
	  printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "%s" }\n  }\n}\n' \
	    "$(VERSION)" > $$root/zz_lock_override.tf; \
	  rm -f $$root/.terraform.lock.hcl; \
	  (cd $$root && terraform providers lock -platform=linux_amd64 -platform=linux_arm64 \
	     -platform=darwin_amd64 -platform=darwin_arm64); status=$$?; \
	  rm -f $$root/zz_lock_override.tf; [ $$status -eq 0 ] || exit $$status; \
	done

.PHONY: publish-web migrate
migrate: $(VENV)/.bootstrapped-deploy ## Run ENV=<env>'s pending schema migrations through its migrate function (make apply does it first)
	@test -n "$(ENV)" || { echo "usage: make migrate ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling migrate $(ENV)

publish-web: $(VENV)/.bootstrapped-deploy ## Upload SITE=<dir> (default web/) to ENV=<env>'s web bucket; invalidate what changed
	@test -n "$(ENV)" || { echo "usage: make publish-web ENV=<dev|staging|prod> [SITE=<export directory>]"; exit 2; }
	$(PY) -m smartstack_tooling publish-web $(ENV) $(if $(SITE),--site $(SITE))

state-backend: $(VENV)/.bootstrapped-deploy ## Create the S3 state bucket of ENV=<env> (state-backend/ root, same guards as apply)
	@test -n "$(ENV)" || { echo "usage: make state-backend ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling state-backend $(ENV)

ci-access: $(VENV)/.bootstrapped-deploy ## GitHub OIDC provider, plan and deploy roles of ENV=<env>'s account (ci-access/ root, same guards)
	@test -n "$(ENV)" || { echo "usage: make ci-access ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling ci-access $(ENV)

bootstrap-backend: # renamed: "bootstrap" now means only the venv
	@echo "make bootstrap-backend is now make state-backend ENV=<env> (the root moved to state-backend/)"; exit 2

diagrams: plan ## Draw each plan into build/diagrams/<env>.{dot,png,svg} (needs graphviz)
	@command -v dot >/dev/null || { echo "graphviz is missing: apt-get install -y graphviz"; exit 2; }
	$(PY) -m smartstack_tooling diagrams $(ENV)

# ---- Local apply: the real provider against a local emulator ------------------------------------------
.PHONY: up down smoke

up: bootstrap package ## Apply ENV=<env> with the real provider to a local emulator, print the outputs (make down)
	@test -n "$(ENV)" || { echo "usage: make up ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling local up $(ENV)

smoke: bootstrap ## After make up ENV=<env>: run the functions against what it applied (tests/smoke)
	@test -n "$(ENV)" || { echo "usage: make smoke ENV=<dev|staging|prod>"; exit 2; }
	SMARTSTACK_SMOKE_ENV=$(ENV) $(PY) -m pytest -m smoke tests/smoke -q

down: bootstrap ## Destroy what make up ENV=<env> applied (emulator only) and stop its emulator
	@test -n "$(ENV)" || { echo "usage: make down ENV=<dev|staging|prod>"; exit 2; }
	$(PY) -m smartstack_tooling local down $(ENV)

.PHONY: upgrade-check
upgrade-check: bootstrap package ## Apply release FROM=<version|latest|commit> to an emulator, plan this code on its state, destroy (KEEP=1: keep it for make up)
	@test -n "$(FROM)" || { echo "usage: make upgrade-check FROM=<version in CHANGELOG.md, latest, or commit> [ENV=dev] [KEEP=1]"; exit 2; }
	$(PY) -m smartstack_tooling upgrade-check $(FROM) $(or $(ENV),dev) $(if $(filter 1,$(KEEP)),--keep)

cost: plan ## Monthly cost estimate per environment from its plan (build/reports/cost.md)
	$(PY) -m smartstack_tooling cost $(ENV)
