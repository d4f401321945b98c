# The two commands: `make course` runs the course end to end, `make test` runs every test.
# Both create .venv on first use and reuse it afterwards.

VENV   ?= .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: course test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	# the CPU build of PyTorch first: an open range could pull a multi-GB CUDA build
	$(PYTHON) -m pip install -q torch==2.13.0
	$(PYTHON) -m pip install -q -e '.[grading,nbgrader,docs,dev]'
	touch $(STAMP)

course: $(STAMP)
	$(PYTHON) -m micrograd.examples --out build/graphs
	$(PYTHON) -m micrograd.demo --out build/demo

test: $(STAMP)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest

bench: $(STAMP)
	$(PYTHON) bench/engine.py

clean:
	rm -rf build site .pytest_cache .hypothesis
