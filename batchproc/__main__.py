"""``python -m batchproc``."""

from batchproc._cli import console_main

console_main()
