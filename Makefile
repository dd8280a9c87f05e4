# Two commands on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xxgk-installed

.PHONY: report test bench lock clean bytecode

# The venv is rebuilt when the pins or the package metadata change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The kit's bytecode, written once: an editable install writes none, and where PYTHONDONTWRITEBYTECODE
# is set (as on the machines the kit is built and tested on) every process that imports the kit would
# compile its modules again (up to 0.17 CPU s per batch or command). compileall skips what is up to
# date; a module edited since is compiled in memory as before: never stale, only slower until next make.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q lib

report: bytecode
	$(BIN)/xxgk batch

test: bytecode
	$(BIN)/python -m pytest

bench: bytecode
	$(BIN)/python bench/batch_vs_cli.py
	$(BIN)/python bench/large_input.py

lock: $(STAMP)
	( echo "# Pinned versions of every Python package the kit and its tests install (pip freeze)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf output
