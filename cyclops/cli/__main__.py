"""``python -m cyclops.cli``: the same command as ``cyclops`` (``cyclops.start``)."""

from cyclops.huge_pages import restart_or_exit

restart_or_exit()

from cyclops.cli import main  # noqa: E402

main()
