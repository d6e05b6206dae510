# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint types contracts pytest screenshots gui-smoke bench bench-cluster torture package clean fuzz audit wheels-check catalogs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/likeness-guard $(ARGS)

test: lint types contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check likeness_guard tests benchmarks packaging
	$(BIN)/ruff format --check likeness_guard tests benchmarks packaging

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m likeness_guard.gui.screenshots docs/screenshots

# A real X11 window under Xvfb (needs xvfb-run and the xcb libraries; .ci/run installs them).
gui-smoke: $(STAMP)
	xvfb-run -a env QT_QPA_PLATFORM=xcb $(BIN)/python -m pytest -m xvfb tests/gui

# Fuzz targets (tests/fuzz/targets.py: image input, HTML extraction, metadata parsers), each
# for FUZZ_SECONDS. atheris comes from the package index; where it cannot be installed the
# same targets run in a seeded mutation loop (tests/fuzz/run.py says which ran).
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet 'atheris>=2.3' || echo "atheris could not be installed here: the seeded mutation loop runs instead"
	for target in image html metadata; do \
		$(BIN)/python -m tests.fuzz.run $$target $(FUZZ_SECONDS) || exit 1; \
	done

# Known vulnerabilities in the installed packages (asks the Python package index's advisory
# service, so it needs the network: not part of `make test`). Findings and what was done
# about them: docs/security.md.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet 'pip-audit>=2.7'
	$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off $(AUDIT_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/scan_at_scale.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/speed_round_three.py $(BENCH3_ARGS)

# Collections: the Ray engine (a local cluster, 1 and 2 workers) against the local engine on
# the same images, and the vector index at 1 million faces (benchmarks/collections_bench.py;
# CLUSTER_ARGS: --images N --faces N ...). Writes benchmarks/results/collections.json.
bench-cluster: $(STAMP)
	$(BIN)/python benchmarks/collections_bench.py $(CLUSTER_ARGS)

# Many processes on one data folder (a window-like writer, commands in a loop, SIGKILLs at
# random), a plain folder and then a protected one; prints what ran and what was checked.
# Takes minutes: not part of `make test` (tests/integration/test_torture.py is its short
# version). TORTURE_ARGS: --operations N --kills N --commands N --seed N (see --help).
torture: $(STAMP)
	$(BIN)/python -m benchmarks.torture $(TORTURE_ARGS)
	$(BIN)/python -m benchmarks.torture --protected $(TORTURE_ARGS)

# The Linux bundle: dist/likeness-guard-VERSION/ and its .tar.gz (see packaging/README.md).
# The translation catalogs: extract the marked sentences, merge them into each language's
# .po, compile the .mo files the app reads (packaging/catalogs.py).
catalogs: $(STAMP)
	$(BIN)/python packaging/catalogs.py extract
	$(BIN)/python packaging/catalogs.py update
	$(BIN)/python packaging/catalogs.py compile

# Whether every runtime dependency has wheels for Windows, macOS and Linux (asks the index).
wheels-check: $(STAMP)
	$(BIN)/python packaging/check_wheels.py

package: $(STAMP)
	PYTHON=$(BIN)/python packaging/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
