# Axın: `make run` sets up and starts the bot (the sandbox when no BOT_TOKEN is set);
# `make test` sets up and runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run sandbox test lint browser nginx locales fonts

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) fonts
	$(BIN)/pybabel compile -d locales -D messages

run: setup
	@if [ -n "$$BOT_TOKEN" ] || grep -qs '^BOT_TOKEN=.' .env; then \
		$(BIN)/python -m bot run; \
	else \
		echo "No BOT_TOKEN: starting the sandbox instead."; \
		$(BIN)/python -m bot sandbox --demo; \
	fi

sandbox: setup
	$(BIN)/python -m bot sandbox --demo

# Quotes and invoices are laid out by Pango (WeasyPrint) in DejaVu Sans, which has every
# Azerbaijani and Cyrillic letter.
fonts:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -q DejaVuSans.ttf; } || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core; }

browser:
	@command -v chromium >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v firefox-esr >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr; }

# tests/deploy runs deploy/nginx/axin.conf in Debian's nginx.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

test: setup browser nginx
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers presentation services emulator sandbox
	$(BIN)/lint-imports

locales: setup
	$(BIN)/pybabel extract -F babel.cfg -k __ -k _ -k ngettext:1,2 -k lazy_gettext \
		--no-location --omit-header -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching \
		--ignore-obsolete
