# ressol-analysis — la porte d'entrée. `make help` liste les cibles.
# Sur une machine neuve avec Python 3.11 : `make report` puis `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TERRITOIRE ?= centre-manche
STAMP := $(VENV)/.installe
# Processes that share the tests (pytest-xdist): one per core of a 2-core machine. A test file
# goes whole to one process, so that its module fixtures are made once; files are taken in the
# order tests/conftest.py gives (those that need no shared report first).
PROCESSUS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install data report kit test test-rapide lint format lab chromium clean

help: ## Liste les cibles disponibles
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 introuvable ($(PYTHON)). Installez-le ou lancez : make PYTHON=/chemin/vers/python3.11 report"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Crée l'environnement .venv et installe le paquet

data: $(STAMP) ## Vérifie data/raw (sha256) et reconstruit data/processed
	$(BIN)/ressol data check
	$(BIN)/ressol data build

report: $(STAMP) ## Produit le rapport HTML, PDF et le kit du territoire (TERRITOIRE=…, ADHERENTS=fichier)
	$(BIN)/ressol data check
	$(BIN)/ressol data build
	$(BIN)/ressol report --territory $(TERRITOIRE) $(if $(ADHERENTS),--adherents $(ADHERENTS))

kit: $(STAMP) ## Kit de communication du territoire : page A4 et carte 1080 px (TERRITOIRE=…)
	$(BIN)/ressol kit --territory $(TERRITOIRE)

test: $(STAMP) ## Lance tous les tests, lents compris (PROCESSUS=2 processus en parallèle)
	$(BIN)/python -m pytest -n $(PROCESSUS) --dist loadfile --no-loadscope-reorder

test-rapide: $(STAMP) ## Les tests sans les lents (notebooks, constructions des données) : la boucle courte
	$(BIN)/python -m pytest -n $(PROCESSUS) --dist loadfile --no-loadscope-reorder -m "not slow"

lint: $(STAMP) ## Vérifie le style du code (ruff) et les couches du paquet (import-linter)
	$(BIN)/ruff check ressol_analysis tests benchmarks notebooks adherents
	$(BIN)/ruff format --check ressol_analysis tests benchmarks notebooks adherents
	$(BIN)/lint-imports --no-cache --no-logo

format: $(STAMP) ## Met en forme le code (ruff)
	$(BIN)/ruff format ressol_analysis tests benchmarks notebooks adherents
	$(BIN)/ruff check --fix ressol_analysis tests benchmarks notebooks adherents

lab: $(STAMP) ## Ouvre JupyterLab sur notebooks/ avec le noyau du projet
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ressol-analysis)"
	$(BIN)/jupyter lab notebooks/

chromium: ## Installe Chromium (paquet Debian) pour le PDF et les tests navigateur
	@if command -v chromium >/dev/null 2>&1; then \
		echo "Chromium est déjà installé : $$(command -v chromium)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			&& echo "Chromium installé : $$(command -v chromium)"; \
	else \
		echo "Chromium est absent. Installez le paquet Debian « chromium » en administrateur" \
			"(sudo apt-get install chromium), ou nommez un Chromium dans RESSOL_CHROMIUM."; \
		exit 1; \
	fi

clean: ## Supprime data/processed et les rapports produits (pas data/raw)
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
