"""mgc: the instructor and student command of micrograd-course."""

import sys

# nbformat validates with jsonschema, which builds an IRI grammar at import when the optional
# rfc3987_syntax is installed (Jupyter pulls it in): 1.2 s per process, for a format no notebook
# schema uses. jsonschema skips that checker when the import fails.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
