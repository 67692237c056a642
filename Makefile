# Translation workflow (pybabel comes with Babel) and the checks CI runs.
PY ?= python
LANGS = en es fr pt

.PHONY: extract update compile test lint

extract:
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _ -k N_ --no-location --sort-output --width=100 \
		--project=sske-bot -o locales/messages.pot .

update: extract
	for l in $(LANGS); do \
		$(PY) -m babel.messages.frontend update -i locales/messages.pot -d locales -l $$l \
			--no-fuzzy-matching --ignore-obsolete --width=100; \
	done

compile:
	$(PY) -m babel.messages.frontend compile -d locales --statistics

test:
	$(PY) -m pytest

lint:
	$(PY) -m ruff check .
	$(PY) -m mypy
