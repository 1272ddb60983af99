# Trợ lý Dịch vụ công — every command a developer or CI needs.
# `make run` sets up, trains if needed and starts the assistant; `make test` runs the whole suite.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.10 || ls -d $$HOME/.pyenv/versions/3.10*/bin/python 2>/dev/null | tail -n1)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
CASES ?= ../shared/eval/sample.yml
OUT ?= results/eval.json
# Rasa's usage telemetry stays off in every command the project runs (docs/security.md).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup kb nlu-data train run shell actions test lint validate eval bench retention prod prod-stop clean

help:
	@echo "make run    - cài đặt (nếu cần), huấn luyện (nếu cần), chạy trợ lý và trang minh hoạ"
	@echo "make test   - cài đặt (nếu cần) và chạy toàn bộ kiểm thử"
	@echo "make shell  - trò chuyện trong terminal"
	@echo "make eval CASES=path/to/cases.yml - đánh giá NLU theo hợp đồng"

# One pip call resolves every dependency, pinned by constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Cần Python 3.10 (pyenv install 3.10)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<24.1"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# Knowledge base: migrate the schema and load the bundled records into an empty database
# (a database staff already edit is left as it is; `python -m procedure_kb load` reloads).
kb: $(STAMP)
	$(PY) -m procedure_kb load --if-empty

# Training data generated from other sources (git-ignored): unmarked copies, KB lookup tables.
nlu-data: kb
	$(PY) -m bot.augment
	$(PY) -m bot.kb_lookup

# Retrain only when an input changed (Rasa then reuses cached components); keep two models.
TRAIN_INPUTS := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml) \
	$(wildcard procedure_kb/data/*/*.yml) $(wildcard bot/nlu/*.py) procedure_kb/text.py
models/.trained: $(STAMP) $(TRAIN_INPUTS)
	$(MAKE) --no-print-directory nlu-data
	$(RASA) train --quiet
	ls -t models/*.tar.gz | tail -n +3 | xargs -r rm --
	touch $@

train: models/.trained

run: kb train
	$(PY) -m bot.run

actions: $(STAMP)
	$(RASA) run actions --actions actions

# The production shape on this machine, in the background: PostgreSQL, Redis, two Rasa servers,
# two action servers, nginx in front on 127.0.0.1:$${PROD_PORT:-8080} (docs/deployment.md).
prod: kb train
	$(PY) -m bot.prod start

prod-stop: $(STAMP)
	$(PY) -m bot.prod stop

# Chat in the terminal: starts the sandbox and the action server, then `rasa shell`.
shell: kb train
	$(PY) -m bot.run --shell

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .

validate: nlu-data
	$(RASA) data validate --fail-on-warnings

eval: kb train
	$(PY) -m bot.evaluate $(CASES) --out $(OUT)

# Benchmarks; numbers are reported in docs/. The dossier bench needs `make run` in another terminal.
bench: kb
	$(PY) bench/kb_bench.py
	$(PY) -m bench.nlu_compare
	@echo "Dossier lookup latency (with make run going): $(PY) -m bench.dossier_bench http://127.0.0.1:5005"

# Delete conversations idle for longer than CONVERSATION_RETENTION_DAYS (daily in production).
retention: $(STAMP)
	$(PY) -m bot.retention

clean:
	rm -rf models results var .pytest_cache data/nlu/generated
