"""What grading produced, for people and files: the gradebook (one row format), the class summary
and the terminal report."""
