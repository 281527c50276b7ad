"""``python -m cyclops.cli``: the same command as ``cyclops`` (``cyclops.start``)."""

from cyclops.huge_pages import restart_with_huge_pages

restart_with_huge_pages()

from cyclops.cli import main  # noqa: E402

main()
