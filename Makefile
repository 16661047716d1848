# Vigie — everything a newcomer needs:  make run  ·  make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: install install-run run-packages test-packages run test test-fast lint messages clean

# Everything: what running needs, plus the test and lint tools and the browser (CI, `make test`).
install: test-packages $(STAMP) messages

# Only what running Vigie needs (`make run`): no browser, no test tools.
install-run: run-packages $(RUN_STAMP) messages

# Debian packages. Running needs gettext (translations); the tests also chromium and poppler (PDF checks).
run-packages:
	@$(call debian_packages,msgfmt:gettext)

test-packages:
	@$(call debian_packages,msgfmt:gettext chromium:chromium pdftoppm:poppler-utils)

# $(call debian_packages,command:package ...): install the packages whose command is missing (as root), or name them.
define debian_packages
missing=""; \
for pair in $(1); do command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "Installing Debian packages:$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
  else \
    echo "Please install these Debian packages:$$missing (sudo apt-get install$$missing)"; \
  fi; \
fi
endef

$(RUN_STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

messages: $(RUN_STAMP)
	@cd vigie && ../$(BIN)/vigie compilemessages --ignore '.venv' -v 0

# PORT=9000 make run, VIGIE_DATA_DIR=/srv/vigie make run: `vigie serve` and `vigie demo` read both.
run: install-run
	$(BIN)/vigie migrate --no-input -v 0
	$(BIN)/vigie demo
	$(BIN)/vigie serve

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy
	$(BIN)/vigie makemigrations --check --dry-run -v 0

test: install lint
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser"

clean:
	rm -rf $(VENV) var
