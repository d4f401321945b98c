"""Grading a class: finding the submissions (run.py), grading them in parallel workers that survive
a dead one (workers.py), and the verdicts each submission gets."""
