# Every target runs inside .venv, created from the pinned requirements.txt; `make lab`'s JupyterLab
# has its own .venv-lab (requirements-lab.txt), so the build does not import Lab's dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_VENV := .venv-lab
LAB_BIN := $(LAB_VENV)/bin
# Strict build: warnings (broken refs, missing citations or glue keys) are errors.
STRICT := --warningiserror --nitpick --keep-going

.PHONY: book html pdf test check lab bench bib anchors refresh refresh-apply clean help editions editions-translated pdf-editions catalogs gettext check-catalogs

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Localhost only; root is allowed (CI and these machines run as root); no extension manager (it asks PyPI);
# no kernel of Lab's own Python, which lacks the book's packages: only the book's kernel (below) is offered.
LAB_OPTIONS := --ServerApp.ip=127.0.0.1 --allow-root --LabApp.extension_manager=readonly --KernelSpecManager.ensure_native_kernel=False
# JupyterLab for `make lab`: pinned, with the book's settings (chapters open as notebooks, no update checks),
# and a kernel named python3 (the chapters' kernelspec) that runs the book's .venv Python.
$(LAB_VENV)/.installed: requirements-lab.txt lab/overrides.json $(VENV)/.installed
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_BIN)/pip install --quiet --upgrade pip
	$(LAB_BIN)/pip install --quiet -r requirements-lab.txt
	mkdir -p $(LAB_VENV)/share/jupyter/lab/settings
	cp lab/overrides.json $(LAB_VENV)/share/jupyter/lab/settings/overrides.json
	# (ipykernel warns that .venv's own Jupyter would not look there; .venv-lab's does.)
	$(BIN)/python -m ipykernel install --prefix $(LAB_VENV) --name python3 --display-name "Python 3 (the book's .venv)"
	touch $@

# cffconvert, which validates CITATION.cff (tests/test_citation_import.py), in its own environment:
# it requires jsonschema<4, which the build's .venv must not get.
CITE_VENV := .venv-cite
$(CITE_VENV)/.installed: requirements-cite.txt
	$(PYTHON) -m venv $(CITE_VENV)
	$(CITE_VENV)/bin/pip install --quiet -r requirements-cite.txt
	touch $@

book: html  ## Set up .venv and build the HTML book into _build/html

html: $(VENV)/.installed
	$(BIN)/jupyter-book build . --builder html $(STRICT)

# Reproducible PDF: its dates come from the last commit, not the day of the build.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

pdf: $(VENV)/.installed  ## Build the whole book as one PDF into _build/latex (needs TeX: see .ci/run)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) FORCE_SOURCE_DATE=1 $(BIN)/jupyter-book build . --builder pdflatex $(STRICT)

# The Chinese and Japanese editions (booklib/build/editions.py): each its own process with BOOK_LANGUAGE,
# execution cache (_build/.jupyter_cache-<lang>) and doctrees (_build/editions/<lang>/); HTML copied
# under _build/html/<lang>/. A page is published translated only when its catalog is complete.
EDITIONS ?= zh ja

# English and the two editions side by side (they share no file): three builds on two cores, each
# edition executing its pages while the others render.
editions: $(VENV)/.installed  ## English at _build/html, Chinese and Japanese under _build/html/zh/ and _build/html/ja/
	@$(MAKE) --no-print-directory -j3 html editions-translated

editions-translated: $(VENV)/.installed
	$(BIN)/python -m booklib.build.editions html $(EDITIONS)

pdf-editions: $(VENV)/.installed  ## The PDF of each edition: _build/editions/<lang>/latex/book-<lang>.pdf (XeLaTeX, CJK fonts)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) FORCE_SOURCE_DATE=1 $(BIN)/python -m booklib.build.editions latex $(EDITIONS)

catalogs: $(VENV)/.installed  ## Extract the page catalogs (_build/gettext/*.pot) and update locales/<lang>/LC_MESSAGES/<page>.po (sphinx-intl)
	$(BIN)/python -m booklib.build.editions gettext $(EDITIONS)

gettext: catalogs

check-catalogs: $(VENV)/.installed  ## List every untranslated or fuzzy message and every changed role of the page catalogs
	$(BIN)/python -m booklib.build.editions check $(EDITIONS)

# CI builds the editions' PDFs and HTML too (make pdf-editions, make editions): each edition executes its
# translated pages once in its own language (pages not yet translated are notices and execute nothing).
test: pdf html pdf-editions editions $(LAB_VENV)/.installed $(CITE_VENV)/.installed  ## Build the PDFs and the HTML book and editions (which link the PDFs), then run every test
	$(BIN)/python -m pytest -q

lab: $(LAB_VENV)/.installed  ## Open the chapters as notebooks in JupyterLab, on localhost (run `make book` first for the data cache)
	$(LAB_BIN)/jupyter lab $(LAB_OPTIONS) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/chapters/tariffs.md

check: $(VENV)/.installed  ## Fast tier, no book build: library, data, chapter-code tests (seconds)
	$(BIN)/python -m pytest -q -m "not book and not pdf and not browser and not lab"

bench: $(VENV)/.installed  ## Measure build times (English, and make editions: clean, no-op, one .po edited), page weights and chart render times into bench/results/
	$(BIN)/python scripts/bench.py

bib: $(VENV)/.installed  ## Regenerate references.bib from data/sources.csv
	$(BIN)/python -m booklib.build.bib

# Refresh the official series (README, "Refresh the data"): REFRESH_FIXTURES=1 replays the test
# fixtures, SNAPSHOTS=<dir> a snapshot set, FEED=<name> [FILE=<path>] one feed; FORCE=1 applies
# although a guard fails.
refresh: $(VENV)/.installed  ## Fetch the official feeds, stage them in _build/refresh, print the diff and the failing sentences
	$(BIN)/python -m booklib.refresh stage $(if $(REFRESH_FIXTURES),--fixtures) $(if $(SNAPSHOTS),--snapshots $(SNAPSHOTS)) $(if $(FEED),--feed $(FEED)) $(if $(FILE),--file $(FILE))

refresh-apply: $(VENV)/.installed  ## Move the staged refresh into data/, add its sources rows, regenerate references.bib
	$(BIN)/python -m booklib.refresh apply $(if $(FORCE),--force)

anchors: $(VENV)/.installed  ## Rewrite anchors.yml (the anchors a reader may cite) from the last HTML build
	$(BIN)/python -m booklib.build.anchors

clean:  ## Remove the build and its execution cache (keeps .venv and .venv-lab)
	rm -rf _build
