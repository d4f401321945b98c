"""The course: its manifest (course.toml), the cells of its notebooks, and a submitted notebook read
once. Everything else takes a Course value from here; nothing is loaded when a module is imported."""
