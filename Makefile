# Two commands for a fresh Debian machine: `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: serve test venv chromium axe fonts-subset varnish bench clean

# Debian's python3 lacks ensurepip until python3-venv is installed; as root, install it.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get -o DPkg::Lock::Timeout=600 install -y python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Cannot create a virtual environment: install python3-venv (Debian) and retry." >&2; exit 1; fi; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

serve: $(VENV)/.installed fonts-subset
	$(BIN)/commentariat migrate --noinput
	$(BIN)/commentariat collectstatic --noinput --verbosity 0
	$(BIN)/commentariat load-demo-site
	exec $(BIN)/commentariat serve --port $(PORT)

test: $(VENV)/.installed-test chromium axe fonts-subset
	$(BIN)/pytest

# Browser tests drive Debian's Chromium; without it (and without root to install it) they skip with a message.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get -o DPkg::Lock::Timeout=600 install -y chromium || \
	  { apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y chromium; }; \
	else echo "Chromium is not installed and this is not root: the browser tests will be skipped."; fi

# The accessibility tests inject axe-core (npm registry) into Chromium; without npm they skip with a message.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe:
	@if [ -f $(AXE) ]; then :; \
	elif command -v npm >/dev/null; then \
	  npm install --prefix .cache/axe --no-save --no-audit --no-fund --silent axe-core@4 || \
	  echo "npm could not install axe-core: the accessibility tests will be skipped."; \
	else echo "npm is not installed: the accessibility tests (axe-core) will be skipped."; fi

# The several-machines test (tests/core/test_behind_varnish.py) runs Varnish with vmod xkey in front of
# two app servers. Debian starts a varnishd service when it installs one: stopped, the tests start their own.
varnish:
	@if command -v varnishd >/dev/null && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  { apt-get -o DPkg::Lock::Timeout=600 install -y varnish varnish-modules || \
	    { apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y varnish varnish-modules; }; } && \
	  { systemctl disable --now varnish.service varnishncsa.service >/dev/null 2>&1 || true; }; \
	else echo "Varnish with varnish-modules is not installed and this is not root: the Varnish test will be skipped (failed in CI)."; fi

# PDFs render ~30% faster when WeasyPrint can subset fonts with HarfBuzz; without it, fontTools does it.
fonts-subset:
	@if ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get -o DPkg::Lock::Timeout=600 install -y libharfbuzz-subset0 >/dev/null || echo "libharfbuzz-subset0 not installed: PDFs use the slower fontTools."; \
	fi

bench: $(VENV)/.installed-test
	@if ! command -v wrk >/dev/null || ! [ -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get -o DPkg::Lock::Timeout=600 install -y wrk nginx; \
	  else echo "The benchmark needs wrk and nginx (apt-get install -y wrk nginx)." >&2; exit 1; fi; fi
	$(BIN)/python bench/post_page.py

clean:
	rm -rf $(VENV) var
