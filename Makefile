# Two commands on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xxgk-installed

.PHONY: report test bench lock clean

# The venv is rebuilt when the pins or the package metadata change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/xxgk batch

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/batch_vs_cli.py
	$(BIN)/python bench/large_input.py

lock: $(STAMP)
	( echo "# Pinned versions of every Python package the kit and its tests install (pip freeze)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf output
