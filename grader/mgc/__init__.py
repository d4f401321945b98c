"""mgc: the instructor and student command of micrograd-course."""
