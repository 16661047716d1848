# Vigie — everything a newcomer needs:  make run  ·  make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-packages run test test-fast lint messages clean

install: system-packages $(STAMP) messages

# Debian packages the project needs: gettext (translations), chromium (browser tests), poppler (PDF checks).
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian packages:$$missing (sudo apt-get install$$missing)"; \
	  fi; \
	fi

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

messages: $(STAMP)
	@cd vigie && ../$(BIN)/vigie compilemessages --ignore '.venv' -v 0

run: install
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
