# Two commands that work on a fresh machine with nothing but Python:
#   make run    set up .venv from requirements.txt and serve the app on http://localhost:8501
#   make test   set up .venv with the test requirements too, lint, and run every test (real browser included)
# More:
#   make screenshots   refresh docs/screenshots/*.png (one per page) for the README
#   make bench         run every bench/bench_*.py and print its figures
#   make load-test     a class of 30 browser sessions against one local server (bench/load_test.py)
#   make docker        build the container image optimizer-lab (needs a Docker engine)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
IMAGE  ?= optimizer-lab
BENCHMARKS := $(sort $(wildcard bench/bench_*.py))

.PHONY: run test lint format bench load-test screenshots docker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(BIN)/python -m serve --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

# Every test, the real-browser suite included (it skips with a message where Chromium is missing, and
# fails instead under CI=true).
test: lint
	$(BIN)/python -m pytest

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The repository root goes on the path so a benchmark run as a file imports optim_core, surfaces, ...
bench: $(VENV)/.dev-installed
	@test -n "$(BENCHMARKS)" || { echo "no bench/bench_*.py to run"; exit 1; }
	@set -e; for script in $(BENCHMARKS); do \
		echo "== $$script"; PYTHONPATH=$(CURDIR) $(BIN)/python $$script; \
	done

load-test: $(VENV)/.dev-installed
	$(BIN)/python -m bench.load_test

screenshots: $(VENV)/.dev-installed
	$(BIN)/python -m scripts.screenshots

docker:
	docker build -t $(IMAGE) .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts
