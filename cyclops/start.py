"""The ``cyclops`` command's entry point (``pyproject.toml``): glibc's malloc set up for huge pages first
(``cyclops.huge_pages``), before the command's own imports, which take 0.6 s and would be made twice."""

from __future__ import annotations


def main() -> None:
    from cyclops.huge_pages import restart_or_exit

    restart_or_exit()
    from cyclops.cli import main as command

    command()
