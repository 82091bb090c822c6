# The two commands of the README: `make book` (set up + build) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# `make book` builds in $SPARSEBOOK_MODE (quick unless set: SPARSEBOOK_MODE=full make book renders
# the same committed results with demonstrations on the whole MNIST); `make test` always runs in
# quick mode. Pages carry no TensorFlow start-up noise, and their sliders are the static control
# (SPARSEBOOK_WIDGETS=static: no reader moves them; `make lab` gets live ipywidgets). (No MPLBACKEND=Agg:
# kernels draw with the inline backend, and Agg would silently drop every figure.)
SPARSEBOOK_MODE ?= quick
QUIET := TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore::DeprecationWarning SPARSEBOOK_WIDGETS=static
BOOK_ENV := SPARSEBOOK_MODE=$(SPARSEBOOK_MODE) $(QUIET)
TEST_ENV := SPARSEBOOK_MODE=quick $(QUIET)

# `make test` executes each notebook once: nbmake runs copies of the book's sources in
# $(EXECUTED) and writes their outputs there (--overwrite); the -W -n build then renders those
# executed copies without executing them again (execute_notebooks: off in the copy's config).
# (not under _build/: nbmake skips every path with a _build part)
EXECUTED := _executed
BOOK_SOURCES := _config.yml _toc.yml references.bib _ext _static book

.PHONY: setup book test unit notebooks build-book build-executed browser lab sweep clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: setup build-book  ## set up, then build the book into _build/html

build-book:
	$(BOOK_ENV) $(BIN)/jupyter-book build . --all -W -n --keep-going
	@echo "The book is in _build/html/index.html"

test: setup browser  ## unit tests, every notebook once through nbmake, the book built from them (-W), the built book in Chromium
	$(TEST_ENV) $(BIN)/python -m pytest tests
	$(MAKE) notebooks
	$(MAKE) build-executed
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -m site tests/site

# Every chapter executed once, by nbmake, into $(EXECUTED)/book (a cell error fails here).
notebooks:
	rm -rf $(EXECUTED) && mkdir -p $(EXECUTED) && cp -r $(BOOK_SOURCES) $(EXECUTED)/
	$(TEST_ENV) $(BIN)/python -m pytest $(EXECUTED)/book --nbmake --nbmake-timeout=300 --overwrite \
	  -p no:cacheprovider

# The book from the notebooks nbmake executed: nothing is executed again.
build-executed:
	sed -i 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' $(EXECUTED)/_config.yml
	grep -q '^  execute_notebooks: "off"$$' $(EXECUTED)/_config.yml
	$(TEST_ENV) $(BIN)/jupyter-book build $(EXECUTED) --path-output . --all -W -n --keep-going
	@echo "The book is in _build/html/index.html"

# The browser check (tests/site) drives Debian's Chromium; as root on Debian it is installed here.
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  { echo "make test opens the built book in Chromium: install it (Debian: apt-get install chromium)" \
	    "or point CHROMIUM at one" >&2; exit 1; }

unit: setup
	$(BIN)/python -m pytest tests

lab: setup  ## open the chapters in JupyterLab
	$(BIN)/jupyter lab book/

sweep: setup  ## the full-size sweeps (results/*.json); resumes if interrupted
	$(BIN)/python -m sparsebook.sweep all --mode full

clean:
	rm -rf _build $(EXECUTED)
