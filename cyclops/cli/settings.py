"""``cyclops settings``: show the configuration in force."""

from __future__ import annotations

import typer

from cyclops.settings import Settings, get_settings, settings_table


def register(app: typer.Typer) -> None:
    @app.command("settings")
    def settings_command(markdown: bool = typer.Option(False, "--markdown", help="Print the README table of variables.")) -> None:
        """Show the configuration in force (CYCLOPS_* variables)."""
        if markdown:
            typer.echo(settings_table())
            return
        s: Settings = get_settings()
        for name in Settings.model_fields:
            typer.echo(f"CYCLOPS_{name.upper()}={getattr(s, name)}")
