"""Grades and graders for other places: Gradescope, GitHub Classroom and the LMS gradebooks."""
