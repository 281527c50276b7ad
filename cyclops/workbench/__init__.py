"""The analyst workbench: Voila dashboard widgets (one module per page) and its server launcher."""

from __future__ import annotations

__all__ = ["Workbench"]


def __getattr__(name: str) -> object:
    # imported lazily so ``cyclops.report`` and the CLI can use the pure helpers without ipywidgets start-up
    if name == "Workbench":
        from cyclops.workbench.app import Workbench

        return Workbench
    raise AttributeError(name)
