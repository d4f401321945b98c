"""The site's build hooks, one module per job; `events.py` is what mkdocs.yml names.

- `figures`: the plots and expression graphs, drawn from the reference code;
- `graphs`: sizing the draw_dot graphs a page prints or shows;
- `mathjax`: TeX typeset to SVG at build time;
- `answers`: the solution page and the lessons' answer blocks, left out of graded builds;
- `exercises`: what the exercise pages share (points, download, table, how to check);
- `workspace`: the files the exercise pages' workspace runs on;
- `search`: the search index's last touches;
- `lang`: which edition (English, Chinese) is being built, and its words.
"""
