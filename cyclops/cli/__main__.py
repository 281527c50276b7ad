"""``python -m cyclops.cli``: the same command as ``cyclops``."""

from cyclops.cli import main

main()
