# bianmin: two commands on a fresh Debian 12 machine.
#   make demo   the main job (see README)
#   make test   lint, the import layers (lint-imports) and the whole test suite
# Both create .venv when missing and, when run as root, apt-get install the
# system packages that are missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := python3-venv libgl1 libegl1 libmtdev1 fonts-wqy-microhei fonts-hanazono espeak-ng \
	chromium chromium-driver gettext

export KIVY_NO_ARGS := 1
export SDL_AUDIODRIVER ?= dummy

DEB_PACKAGES := python3-venv lintian systemd cage

.PHONY: demo test lint system bench clean deb deb-check mutation

demo: system $(STAMP)
	$(PY) -m kiosk ui demo --out demo-out

test: system $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: system $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The appliance package: dist/bianmin_<version>_<arch>.deb (docs/install.md).
deb: $(STAMP)
	@$(MAKE) --no-print-directory system SYSTEM_PACKAGES="$(DEB_PACKAGES)"
	$(PY) config/debian/build_deb.py

# Build the package, list and check its contents, verify its units, run lintian (CI).
deb-check: $(STAMP)
	@$(MAKE) --no-print-directory system SYSTEM_PACKAGES="$(DEB_PACKAGES)"
	$(PY) config/debian/build_deb.py --check

# Mutation testing of the core rule modules ([tool.mutmut] in pyproject.toml): minutes, so
# not part of make test. Starts afresh, then prints the score per module and the survivors.
mutation: system $(VENV)/.mutation-installed
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2 $(MUTANTS)
	$(PY) tests/mutation_report.py

$(VENV)/.mutation-installed: $(STAMP)
	$(PY) -m pip install -q -e '.[dev,mutation]'
	touch $@

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "missing system packages:$$missing (run make as root, or: sudo apt-get install$$missing)"; \
		fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .import_linter_cache mutants
