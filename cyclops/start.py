"""The ``cyclops`` command's entry point (``pyproject.toml``): glibc's malloc set up for huge pages first
(``cyclops.huge_pages``), before the command's own imports, which take 0.6 s and would be made twice."""

from __future__ import annotations


def main() -> None:
    import sys

    from cyclops.huge_pages import restart_with_huge_pages

    try:
        restart_with_huge_pages()
    except ValueError as exc:
        sys.exit(f"error: {exc}")
    from cyclops.cli import main as command

    command()
