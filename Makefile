# One command builds the report, one runs the tests. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Overrides: make report PARTNER=Australia START_YEAR=2010 END_YEAR=2026 KINDS=exercise,summit FORCE=1 PDF=0 WORKERS=2
BUILD_ARGS := $(if $(PARTNER),--partner "$(PARTNER)") $(if $(START_YEAR),--start-year $(START_YEAR)) \
              $(if $(END_YEAR),--end-year $(END_YEAR)) $(if $(KINDS),--kinds "$(KINDS)") \
              $(if $(filter 1 yes true,$(FORCE)),--force) $(if $(filter 0 no false,$(PDF)),--no-pdf) \
              $(if $(WORKERS),--workers $(WORKERS))

.PHONY: report test test-fast lab validate bench clean venv system-deps

report: $(STAMP)
	@$(PY) -m logistics_pacts build --root . $(BUILD_ARGS)

test: $(STAMP)
	@scripts/system-deps.sh --test
	$(PY) -m pytest $(PYTEST_ARGS)

# The fast unit tests of the package's pure functions (no notebook runs, no browser).
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -q $(PYTEST_ARGS)

validate: $(STAMP)
	@$(PY) -m logistics_pacts validate --root .

# JupyterLab on notebooks/, on 127.0.0.1 with a token, with the project kernel.
lab: $(STAMP)
	$(PY) -m logistics_pacts lab --root .

bench: $(STAMP)
	$(PY) bench/bench.py

clean:
	rm -rf .cache .scratch build-failed report.staging-* figures.staging-* report.old-* figures.old-* .pytest_cache
	find report -mindepth 1 ! -name README.md -exec rm -rf {} + 2>/dev/null || true
	find figures -mindepth 1 ! -name README.md -exec rm -rf {} + 2>/dev/null || true

venv: $(STAMP)

system-deps:
	@scripts/system-deps.sh

$(STAMP): requirements.txt pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned requirements into $(VENV) (first run takes a few minutes)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(PY) -m ipykernel install --sys-prefix --name logistics-pacts --display-name "Python (logistics-pacts)" >/dev/null
	@# `make lab` saves notebooks without outputs; for notebooks edited elsewhere, the git filter (nbstripout,
	@# stripping the same keys) keeps outputs and the metadata Lab rewrites out of commits.
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then $(PY) -m logistics_pacts.build.lab --install-git-filter; fi
	@touch $(STAMP)
