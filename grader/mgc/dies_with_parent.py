"""Imported first by the workers' fork server (mgc.grading.PRELOAD): from then on the kernel kills it
when `mgc grade` dies, even while it is still importing torch. Its workers watch `mgc grade` too
(mgc.workers.die_with_parent)."""

from mgc.workers import die_with_parent

die_with_parent()
