# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="tests/articles -x"`.
PYTEST_ARGS ?=
# pytest-xdist workers: one per core. Each has its own test database and browser.
TEST_WORKERS ?= auto
# The moments (UTC) `make test-any-hour` runs the suite at: Friday 17:15 and Saturday 11:30 in
# El Paso, a minute before the spring daylight-saving change, New Year's Eve at 23:59.
ANY_HOUR_MOMENTS ?= 2026-12-05T00:15:00 2026-12-05T18:30:00 2027-03-14T08:59:00 2026-12-31T06:59:30

.PHONY: install install-dev run worker serve test test-any-hour fuzz test-tools deploy-tools lint format migrations-check messages lighthouse bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Serve the site on http://127.0.0.1:8000 with an embedded SQLite database (development),
## with the task worker that sends the e-mails beside it (stopped with the server).
run: install
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) createcachetable
	DEBUG=1 $(MANAGE) db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## The task worker alone (sends every e-mail; production runs it as its own service).
worker: install
	DEBUG=1 $(MANAGE) db_worker

## Production-like: DEBUG off, hashed and compressed static files, gunicorn. Needs SECRET_KEY.
serve: install
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(BIN)/gunicorn clinic_site.wsgi --config gunicorn.conf.py --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2}

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install-dev test-tools deploy-tools
	DEBUG=1 $(MANAGE) check --fail-level WARNING
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## The whole suite at each of ANY_HOUR_MOMENTS, the clock set by Debian's faketime (installed
## if missing): its answer must not depend on when it runs.
test-any-hour: install-dev test-tools deploy-tools
	@command -v faketime >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; } || \
	  { echo "Missing tool: run 'sudo apt-get install faketime' and try again."; exit 1; }
	@for moment in $(ANY_HOUR_MOMENTS); do \
	  echo "== make test at $$moment UTC"; \
	  TZ=UTC faketime "$$(echo $$moment | tr T ' ')" $(MAKE) --no-print-directory test || exit 1; \
	done

## The Hypothesis tests with many random examples (make test draws a fixed, modest set). The seed
## is printed: `make fuzz SEED=<it>` replays a failure.
fuzz: install-dev
	@seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; echo "Hypothesis seed: $$seed"; \
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -n $(TEST_WORKERS) -p no:cacheprovider --hypothesis-seed=$$seed tests/hardening/test_form_fuzzing.py $(PYTEST_ARGS)

## Debian's Chromium, which the browser tests drive (Playwright's own download cannot work
## here), GNU gettext, which checks the Spanish catalogue, and Java and npm for the HTML checker.
test-tools:
	@{ test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" && command -v msgfmt >/dev/null; } || { \
	  echo "Installing Debian's chromium and gettext for the tests (needs root)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext >/dev/null) || \
	  { echo "Missing tools: run 'sudo apt-get install chromium gettext' (or set CHROMIUM_PATH) and try again."; exit 1; }; }
	@command -v java >/dev/null && command -v npm >/dev/null || { \
	  echo "Installing Debian's default-jre-headless and npm for the Nu Html Checker (needs root)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm >/dev/null) || \
	  { echo "Missing tools: run 'sudo apt-get install default-jre-headless npm' and try again."; exit 1; }; }
	@$(MAKE) --no-print-directory --silent $(VNU_INSTALLED)

## The W3C Nu Html Checker (npm vnu-jar, pinned in tests/html_checker), run with the machine's
## Java: --ignore-scripts keeps its postinstall from downloading a Java of its own.
VNU_INSTALLED := tests/html_checker/node_modules/.installed
$(VNU_INSTALLED): tests/html_checker/package-lock.json
	cd tests/html_checker && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## What the deployment tests run (tests/deploy/): Debian's Caddy in front of gunicorn, age for the
## encrypted backups, systemd-analyze for the units, OpenSSH's server as the off-site SFTP account
## and its client (sftp) pushing to it (the tests run their own sshd on a free port; on a machine
## running systemd, apt also starts one on port 22: `systemctl disable --now ssh` if unwanted).
DEPLOY_PACKAGES := caddy age systemd openssh-server openssh-client postgresql-client
deploy-tools:
	@{ command -v caddy && command -v age && command -v systemd-analyze && test -x /usr/sbin/sshd && \
	   command -v sftp && command -v ssh-keyscan && command -v pg_dump; } >/dev/null || { \
	  echo "Installing Debian's $(DEPLOY_PACKAGES) for the deployment tests (needs root)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPLOY_PACKAGES) >/dev/null) || \
	  { echo "Missing tools: run 'apt-get install $(DEPLOY_PACKAGES)' as root and try again."; exit 1; }; }

## Refresh the Spanish catalogue after changing English strings, then translate and compile.
messages: install
	DEBUG=1 $(MANAGE) makemessages -l es --no-obsolete --ignore='tests/*' --ignore='.venv/*' --ignore='bench/*'
	DEBUG=1 $(MANAGE) compilemessages -l es --ignore='.venv'

## ruff, and the import contracts in pyproject.toml (layers, independence, no circle).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

## Lighthouse 12 (mobile) on the production-like server: four scores and bytes per page. Needs npm.
lighthouse: install
	bench/lighthouse.sh

## In-process render time per page (cache off), throughput (wrk on gunicorn + PostgreSQL) and admin
## timings at 100,000 requests, then the mail queue (submit to redirect with a silent mail server,
## worker messages per second), then the packet's uploads; see bench/RESULTS.md.
bench: install-dev
	$(BIN)/python bench/render.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/mail_queue.py
	$(BIN)/python bench/packet.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache tests/html_checker/node_modules

## Screenshots of home, an article, an office, the form (empty, with errors) and the confirmation,
## English and Spanish, at 390 x 844 and 1280 x 800, into bench/out/screenshots/ (not in git).
screenshots: install-dev test-tools
	$(BIN)/python bench/screenshots.py
