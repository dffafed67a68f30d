# Two commands for a fresh machine: `make run` (install, migrate, demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
BIN := .venv/bin
export UV_PYTHON_DOWNLOADS := never

# uv comes from PATH, or is bootstrapped with pip into .tools (no system site-packages touched).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: run test install serve demo lint format typecheck layers migrations-check messages \
	translations-check check

# -qq: pip's warnings too (a machine's pip.conf may name index folders that do not exist).
.tools/bin/uv:
	@echo "Installing uv into .tools ..."
	@$(PYTHON) -m pip install -qq --disable-pip-version-check --no-warn-script-location \
		--target .tools uv

$(BIN)/xiangcun: pyproject.toml uv.lock | $(UV)
	@echo "Installing Python packages into .venv ..."
	@$(UV) sync --frozen --quiet --python $(PYTHON)
	@touch $@

install: $(BIN)/xiangcun

# Quiet: a line per stage, the demo's short tables, then the server (the URL to open is the
# demo's last line).
run: install
	@echo "Preparing the database ..."
	@$(BIN)/xiangcun migrate --noinput --verbosity 0
	@PORT=$(PORT) $(BIN)/xiangcun demo
	@PORT=$(PORT) $(BIN)/xiangcun serve

test: install
	$(BIN)/pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/check_module_size.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

layers: install
	PYTHONPATH=. $(BIN)/lint-imports

migrations-check: install
	$(BIN)/xiangcun makemigrations --check --dry-run

# Extract every translatable string and compile; translate new zh-Hans entries before committing.
messages: install
	cd src/xiangcun && ../../$(BIN)/xiangcun makemessages -l zh_Hans -l en --no-obsolete \
		--ignore '*/migrations/*'
	cd src/xiangcun && ../../$(BIN)/xiangcun compilemessages

translations-check: install
	$(BIN)/python tools/check_translations.py

check: lint typecheck layers migrations-check translations-check
