# The two commands of the README: `make book` (set up + build) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# Pages are always built in quick mode, with no TensorFlow start-up noise. (No MPLBACKEND=Agg:
# kernels draw with the inline backend, and Agg would silently drop every figure.)
BOOK_ENV := SPARSEBOOK_MODE=quick TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore::DeprecationWarning

.PHONY: setup book test unit build-book browser lab sweep clean

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

test: setup browser  ## unit tests, every notebook through nbmake, the book build (-W), the built book in Chromium
	$(BOOK_ENV) $(BIN)/python -m pytest tests book --nbmake --nbmake-timeout=900
	$(MAKE) build-book
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -m site tests/site

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
	rm -rf _build
