# Two commands do everything on a fresh machine:
#   make site   create .venv (pinned) and build the whole edition into site/
#   make test   create .venv (pinned) and run the test suite
# Also: make check (validate sources, write nothing), make serve (live preview),
#       make bench (HTML build time against a plain mkdocs build; also bench-scale, bench-serve,
#       bench-search: search latency in Chromium), make zensical-check (non-blocking), make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: testdeps all site test check serve bench bench-scale bench-serve bench-search zensical-check venv clean sysdeps

all: site

venv: $(STAMP)

# Re-runs only when a requirements file changes (the stamp records the install).
$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@$(MAKE) --no-print-directory sysdeps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet \
		-c constraints.txt -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# System libraries from Debian, installed only when missing: Pango for WeasyPrint (PDFs).
sysdeps:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so' || { \
	  echo "installing Pango from Debian (WeasyPrint needs it)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libpango-1.0-0 libpangoft2-1.0-0 </dev/null; }

# What the tests drive, from Debian, only when missing: Chromium (browser tests; Playwright never
# downloads a browser), poppler-utils (PDF pages as PNG), Node.js and npm (citeproc-js comparison).
testdeps:
	@need=""; [ -x /usr/bin/chromium ] || need="$$need chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || need="$$need poppler-utils"; \
	command -v node >/dev/null 2>&1 || need="$$need nodejs"; \
	command -v npm >/dev/null 2>&1 || need="$$need npm"; \
	if [ -n "$$need" ]; then echo "installing from Debian:$$need"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need </dev/null; fi

site: $(STAMP)
	$(PY) build_edition.py build

check: $(STAMP)
	$(PY) build_edition.py check

serve: $(STAMP)
	$(PY) build_edition.py serve

test: $(STAMP) testdeps
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_build.py

# How the build grows with a text's size (Getty at 1x, 5x, 20x), and edit-to-preview latency of serve.
bench-scale: $(STAMP)
	$(PY) benchmarks/bench_scale.py

bench-serve: $(STAMP)
	$(PY) benchmarks/bench_serve.py

bench-search: $(STAMP)
	$(PY) benchmarks/bench_search.py

# Builds the generated pages with Zensical in a throwaway venv under build/; never fails.
zensical-check: $(STAMP)
	-$(PY) tools/zensical_check.py

clean:
	rm -rf build site.new-* site.old-*
