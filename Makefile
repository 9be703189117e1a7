# KAPdesk: make run | make test | make lint | make bench | make build
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench build selftest demo clean compile

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Bytecode as an installed app has it (this environment may set PYTHONDONTWRITEBYTECODE).
compile: $(STAMP)
	@$(PY) -m compileall -q kapdesk

run: compile
	$(PY) main.py $(ARGS)

demo: compile
	$(PY) main.py --demo

# The whole suite, offscreen. pytest exits 5 when no test ran: that is a failure too.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: compile
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

selftest: $(STAMP)
	$(PY) main.py --self-test

build: $(STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	du -sh dist/kapdesk

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache
