# Quick start: `make demo` and `make test`. Both make their own virtualenv in .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SOURCES := pyproject.toml $(shell find batchproc schemas templates -type f -not -name '*.pyc' 2>/dev/null)

.PHONY: demo test examples benchmarks clean

# A plain (non-editable) install, so tests exercise what users get from a wheel.
$(VENV)/.installed: $(SOURCES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps . && $(BIN)/python -m pip install --quiet '.[test]'
	@touch $@

# Applies the example manifest to a scratch repository made for the purpose (never this checkout).
demo: $(VENV)/.installed
	@repo=$$(mktemp -d "$${TMPDIR:-/tmp}/batchproc-demo.XXXXXX") && \
	git -C "$$repo" init --quiet --initial-branch=main && \
	git -C "$$repo" config user.name "batchproc demo" && \
	git -C "$$repo" config user.email "demo@batchproc.invalid" && \
	$(BIN)/batchproc apply manifests/theatrical.yaml --repo "$$repo" && \
	echo && git -C "$$repo" log --stat --format='commit %H%nAuthor: %an <%ae>%n%n    %s%n' && \
	echo "Scratch repository: $$repo"

# Style Dictionary and Terrazzo for tests/test_token_tools.py, from the lock file; without npm
# those tests skip and say why.
JS_TOOLS := tests/js/node_modules/.installed
$(JS_TOOLS): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --prefix tests/js && touch $@; \
	else echo "npm not found: the token-tool tests will be skipped"; fi

test: $(VENV)/.installed $(JS_TOOLS)
	$(BIN)/pytest

examples: $(VENV)/.installed
	$(BIN)/python scripts/make_examples.py manifests/images

benchmarks: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet '.[bench]'  # the palette benchmark's peers and numpy
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache
