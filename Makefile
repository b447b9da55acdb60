# shuangbai: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export SHUANGBAI_HOME ?= $(CURDIR)/var

.PHONY: demo serve test test-browser lint format bench clean install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/shuangbai demo
	@echo "在浏览器打开 http://$(HOST):$(PORT)/ ，用上面的演示账号登录。按 Ctrl+C 停止。"
	$(VENV)/bin/shuangbai serve --host $(HOST) --port $(PORT)

serve: install
	$(VENV)/bin/shuangbai serve --host $(HOST) --port $(PORT)

# Unit and integration tests; DATABASE_URL=postgres://... runs them on PostgreSQL. TEST_WORKERS processes
# (pytest-xdist, each with its own test database; a test module stays on one worker); TEST_WORKERS=0 runs them
# in this process.
TEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -q --ignore=tests/browser -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Playwright driving the system's Chromium (/usr/bin/chromium; Debian package `chromium`).
test-browser: install
	$(PY) -m pytest -q tests/browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build src/*.egg-info
