"""The ``cyclops`` command line. Each area registers its own commands, so this file stays a table of contents;
the commands that belong to no one area (analyze, serve, demo, schema, settings) live beside it in ``cyclops/cli/``."""

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
    "cyclops.cli.analyze",
    "cyclops.evaluate.cli",
    "cyclops.cli.serve",
    "cyclops.cli.demo",
    "cyclops.retrain.cli",
    "cyclops.cli.schema",
    "cyclops.cli.settings",
    "cyclops.audit",
]


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()

