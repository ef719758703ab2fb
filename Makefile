# Gongkai: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: run test bench ui lint export report clean

# Debian packages, installed only when missing: a CJK font for the charts' Chinese labels, and
# Chromium for the real-browser test of the report (Playwright drives it; it never downloads one).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
CHROMIUM := /usr/bin/chromium
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

$(CJK_FONT):
	$(APT_INSTALL) fonts-noto-cjk || (apt-get update -q && $(APT_INSTALL) fonts-noto-cjk)

$(CHROMIUM):
	$(APT_INSTALL) chromium || (apt-get update -q && $(APT_INSTALL) chromium)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) $(CJK_FONT)
	$(PY) -m assets.run

test: lint $(CJK_FONT) $(CHROMIUM)
	$(PY) -m pytest -q

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The bundled registry points at the sample portals: serve them beside the UI so the nightly
# schedule and manual crawls reach them (a registry of real portals ignores the server).
# Settings and registry are checked first: a bad value stops here with one line each.
ui: $(STAMP)
	$(PY) -m pipeline settings
	mkdir -p $(DAGSTER_HOME)
	$(PY) -m pipeline serve-sample & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/dagster dev -w workspace.yaml

# ruff (line length enforced) and mypy over pipeline/ and assets/ (config in pyproject.toml).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

export: $(STAMP)
	$(PY) -m pipeline warehouse export

# The comparison report (HTML pages with charts) from the analyst copy; `make run` builds it too.
report: $(STAMP) $(CJK_FONT)
	$(PY) -m pipeline report

# Generated output and the Dagster instance's history (its dagster.yaml stays).
clean:
	rm -rf data/out data/sample_portals/site
	find $(DAGSTER_HOME) -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
