"""The judge: the checks that grade each exercise and the verdicts they return, against the truth
(PyTorch in float64 and central differences). It never runs student code: it hands cases to a
runner (the sandbox, or a notebook's own kernel) and judges the plain numbers that come back."""
