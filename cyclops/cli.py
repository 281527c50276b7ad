"""The ``cyclops`` command line. Each area registers its own commands, so this file stays a table of contents."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="Cyclops: inspect Natural Health Product labels against their licence.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

#: modules that expose ``register(app)``; each adds its commands or sub-groups
_COMMAND_MODULES = [
    "cyclops.lnhpd.cli",
    "cyclops.synth.cli",
    "cyclops.analyze_cli",
    "cyclops.evaluate.cli",
    "cyclops.services_cli",
    "cyclops.demo_cli",
    "cyclops.retrain.cli",
    "cyclops.schema_cli",
    "cyclops.settings_cli",
    "cyclops.audit",
]


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
