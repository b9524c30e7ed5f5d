# The entry points: `make run` and `make test` (CI runs `make test` via .ci/run).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-requirements

.PHONY: run run-centraal-gelderland test lint warehouse demo clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	cp requirements.txt $(INSTALLED)

## Build data/warehouse.duckdb from data/raw when it is missing or older than its inputs.
warehouse: $(INSTALLED)
	$(PY) -m etl build --if-needed

## Start the dashboard on the shipped data (local mode without login unless
## .streamlit/secrets.toml has [auth]; see README "Inloggen en rollen"). A refused delivery is reported and the dashboard
## starts on the warehouse as it was (nothing of a refused file reaches it).
run: $(INSTALLED)
	@$(PY) -m etl build --if-needed || { [ -f data/warehouse.duckdb ] && \
		echo "Let op: de warehouse is NIET bijgewerkt (zie hierboven); het dashboard toont de vorige stand."; }
	@$(PY) -m monitor.toegang  # refuses to start without login where config/toegang.toml asks for it
	$(VENV)/bin/streamlit run dashboard.py

## The second region (README "Een andere regio"): build it aside and start the dashboard on
## it, with its own raw folder (for deliveries), reference, logboek, refusals and snapshots.
CG := data/regions/centraal-gelderland
CG_UIT ?= /tmp/flevomonitor-centraal-gelderland
CG_OMGEVING := FLEVOMONITOR_RAW=$(CG)/raw FLEVOMONITOR_REFERENCE=$(CG) \
	FLEVOMONITOR_WAREHOUSE=$(CG_UIT)/warehouse.duckdb FLEVOMONITOR_LOGBOEK=$(CG_UIT)/logboek.jsonl \
	FLEVOMONITOR_REJECTED=$(CG_UIT)/rejected FLEVOMONITOR_SNAPSHOTS=$(CG_UIT)/snapshots
run-centraal-gelderland: $(INSTALLED)
	$(CG_OMGEVING) $(PY) -m etl build --raw $(CG)/raw --reference $(CG) \
		--warehouse $(CG_UIT)/warehouse.duckdb
	@$(PY) -m monitor.toegang
	$(CG_OMGEVING) $(VENV)/bin/streamlit run dashboard.py

## Lint and run every test.
test: warehouse lint
	$(PY) -m pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

## Regenerate the demo files in data/raw (deterministic).
demo: $(INSTALLED)
	$(PY) -m etl.demo

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/intern .pytest_cache .ruff_cache
