# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint mutation model demo bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

# What running needs (`make run`), and on top of it what testing needs (`make test`, `make lint`).
RUN_STAMP := $(VENV)/.installed-run
MUTATION_STAMP := $(VENV)/.installed-mutation
PIP_QUIET = 2>&1 | grep -v '^WARNING: Location' || true

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing the bot and what running it needs into $(VENV) (takes a minute the first time)"
	@$(BIN)/python -m pip install --quiet --upgrade pip $(PIP_QUIET)
	@$(BIN)/python -m pip install --quiet -e . $(PIP_QUIET)
	@$(BIN)/python -c 'import botbuilder.core, sqlalchemy, aiosqlite, asyncpg, alembic'
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]' $(PIP_QUIET)
	$(BIN)/python -c 'import botbuilder.core, sqlalchemy, aiosqlite, asyncpg, alembic, pytest, hypothesis'
	touch $(STAMP)

MODEL_STAMP := $(VENV)/.installed-model
$(MODEL_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,model]' $(PIP_QUIET)
	touch $(MODEL_STAMP)

$(MUTATION_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]' $(PIP_QUIET)
	touch $(MUTATION_STAMP)

## Run the bot on the embedded default (SQLite) with the demo data loaded, on http://127.0.0.1:3978.
run: $(RUN_STAMP)
	@$(BIN)/competency-bot db upgrade
	@$(BIN)/competency-bot demo
	@$(BIN)/competency-bot serve

## Lint and type-check first (a finding fails the run, as on CI), then the whole test suite (and,
## when TEST_DATABASE_URL is set, on that database too).
test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Mutation testing (not part of `make test`: it takes minutes): mutmut over services/domain/ and the
## alert sender and throttle, running the unit tests; prints the score per module and the survivors.
mutation: $(MUTATION_STAMP)
	rm -rf mutants
	$(BIN)/python tools/mutation.py --max-children $(or $(MUTATION_JOBS),2)

## The recogniser's labelled sets and learned model, after editing tests/data/utterance-families.txt:
## splits the families (held-out ones are never trained on) and trains (numpy, the `model` extra; about
## a minute). `make model CV=1` cross-validates first and prints the figures the thresholds come from.
model: $(MODEL_STAMP)
	$(BIN)/python tools/split_utterances.py
	$(if $(CV),$(BIN)/python tools/build_intent_model.py --cv)
	$(BIN)/python tools/build_intent_model.py

## Lint and types: ruff, then mypy with the pydantic plugin (configured in pyproject.toml); both
## keep their caches (.ruff_cache, .mypy_cache), so a second run takes seconds.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## Benchmarks (not tests): they print timings and ratios.
bench: $(STAMP)
	$(BIN)/python bench/evaluation_bench.py
	$(BIN)/python bench/bot_bench.py
	$(BIN)/python bench/alert_bench.py
	$(BIN)/python bench/nlu_bench.py
	$(BIN)/python bench/partner_center_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis competency-bot.db* mutants

# --- Real clients (issue "Real clients") ---------------------------------------------------------------
# npm packages pinned in clients/package-lock.json: the Teams manifest schema, the Adaptive Cards
# renderer, Web Chat, offline-directline, the Agents Playground. Debian's Chromium for the browser test
# (never a browser download); apt-get needs root, as on CI, else sudo.
CLIENTS_STAMP := clients/node_modules/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PLAYGROUND_PORT ?= 56150

.PHONY: clients chromium playground package

$(CLIENTS_STAMP): clients/package.json clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver)

clients: $(CLIENTS_STAMP) chromium

# `make test` also needs the clients (tests/clients/).
test: clients

## Chat with the bot in Microsoft 365 Agents Playground (a Teams-like UI) on http://localhost:56150,
## as Contoso's admin; the bot runs on SQLite with the demo data. Ctrl-C stops both.
playground: $(RUN_STAMP) $(CLIENTS_STAMP)
	$(BIN)/competency-bot db upgrade
	$(BIN)/competency-bot demo
	$(BIN)/python tools/playground.py --port $(PLAYGROUND_PORT)

## The Teams app package for upload: build/appPackage.zip (needs MicrosoftAppId, or APP_ID=…).
package: $(RUN_STAMP)
	$(BIN)/competency-bot package $(if $(APP_ID),--app-id $(APP_ID))
