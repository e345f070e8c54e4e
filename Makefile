# Two commands matter: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export QT_QPA_PLATFORM ?=

.PHONY: run test lint bench fuzz package interop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.package-deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[package]'
	touch $@ $(VENV)/.run-deps

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/annotator

test: $(VENV)/.test-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(MAKE) lint

lint: $(VENV)/.test-deps
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy

# Benchmarks: medians and targets per figure, JSON in bench/results/. QUICK=1 for a fast run.
bench: $(VENV)/.test-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py $(if $(QUICK),--quick)

# Coverage-guided fuzzing of every importer in turn (atheris; Linux/macOS wheels).
# FUZZ_SECONDS is the total, split evenly between the importers (600 for a full run).
fuzz: $(VENV)/.test-deps
	$(BIN)/python -m pip install -e '.[fuzz]'
	$(BIN)/python tests/fuzzing/atheris_importers.py -each -max_total_time=$(or $(FUZZ_SECONDS),110)

# The real doccano 1.8.4 and Label Studio 1.23.2 (cached virtualenvs, 127.0.0.1 only):
# exports uploaded and read back through their APIs, their exports imported back.
interop: $(VENV)/.test-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python interop/run.py

# Linux bundle (dist/annotator), tarball and .deb; see packaging/README.md for Windows/macOS.
package: $(VENV)/.package-deps
	$(BIN)/python packaging/make_icons.py build/icons
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/annotator.spec
	env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen dist/annotator/annotator --smoke-test
	packaging/linux/build_deb.sh dist/annotator build/icons dist

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
