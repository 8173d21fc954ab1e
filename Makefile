# Rapport: `make run` starts the app, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test typecheck bench lint clean package package-check install-desktop uninstall-desktop screenshots

# The pinned dependencies only: Rapport runs from this folder (packaging/requirements.py says why).
$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) with the pinned dependencies (first run only, a minute or two)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) packaging/requirements.py test | $(PY) -m pip install --progress-bar on -r /dev/stdin
	touch $(STAMP)

# Qt's system libraries are checked first: what is missing is named with the command that
# installs it (run as root, it is installed, with a line that says so).
run: $(STAMP)
	@$(PY) packaging/system_libraries.py --install
	$(PY) main.py

# The second reader the tests check Rapport's files with (ical.js, pinned in its lock file).
READERS := tests/readers/node_modules/.package-lock.json
$(READERS): tests/readers/package.json tests/readers/package-lock.json
	npm ci --prefix tests/readers --no-audit --no-fund --loglevel=error

test: $(STAMP)
	@$(PY) packaging/system_libraries.py --platform offscreen --tests --install
	@$(MAKE) --no-print-directory $(READERS)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The type checker over model/ and gui/ (modules not clean yet are listed in pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

# Every view in light and dark at 1024x700 and 1920x1080 (docs/screenshots/all/), the README's
# own, and a list of any label whose text does not fit (exit 1 if there is one).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py

# QUICK=1: every section on a tenth of its workload (a few minutes, not half an hour).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen QUICK=$(QUICK) $(PY) tests/benchmarks/run.py

# A one-folder bundle in dist/Rapport (PyInstaller; see packaging/README.md).
PACKAGE_STAMP := $(VENV)/.packaging
$(PACKAGE_STAMP): $(STAMP) pyproject.toml
	$(PY) packaging/requirements.py test package | $(PY) -m pip install --quiet -r /dev/stdin
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build packaging/rapport.spec

package-check: package
	$(PY) packaging/check_bundle.py

# Installs the bundle, icon and .desktop file for the current user (Linux).
install-desktop: package
	sh packaging/linux/install.sh install

uninstall-desktop:
	sh packaging/linux/install.sh uninstall

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache tests/readers/node_modules
