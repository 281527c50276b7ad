"""``cyclops synth``: render synthetic label photos with exact ground truth.

The command imports the renderer when it runs: ``cyclops`` imports every command module to list its
commands, and the renderer and its preview (matplotlib) add a sixth of a second to ``cyclops --help``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyclops.synth.config import FAMILIES, SIZES, Realism, SynthConfig


def parse_size(text: str) -> tuple[int, int]:
    """ "12mp" -> (4000, 3000); "2000x1500" -> (2000, 1500)."""
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    parts = key.split("x")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        w, h = int(parts[0]), int(parts[1])
        if 400 <= w <= 6000 and 300 <= h <= 6000:
            return w, h
    raise ValueError(f"unknown size {text!r}: use {', '.join(SIZES)} or WIDTHxHEIGHT (400-6000 x 300-6000)")


def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of products (licences) to render.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same bytes.")] = 0,
    clean: Annotated[bool, typer.Option("--clean", help="No degradations; lossless PNG.")] = False,
    violation_rate: Annotated[
        float, typer.Option("--violation-rate", min=0.0, max=1.0, help="Share of products with one injected compliance problem.")
    ] = 0.0,
    family: Annotated[str, typer.Option("--family", help=f"Layout family: {', '.join(FAMILIES)}.")] = "base",
    realistic: Annotated[
        bool,
        typer.Option(
            "--realistic",
            help="Photos closer to inspectors' phone photos: package in a hand or on a shelf among other products, "
            "glare spots, fingers over the label, US Supplement Facts panels (with blends), stylised product names.",
        ),
    ] = False,
    size: Annotated[
        str, typer.Option("--size", help=f"Photo size: {', '.join(SIZES)} or WIDTHxHEIGHT (12mp = 4000x3000).")
    ] = "default",
    preview: Annotated[bool, typer.Option("--preview", help="Also write DIR/preview.png with the truth boxes.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
) -> None:
    """Render N synthetic products (front, back, sides) with ground truth in DIR."""
    from cyclops.synth.dataset import DatasetError, load_dataset, write_dataset
    from cyclops.synth.preview import contact_sheet
    from cyclops.synth.product import SynthError

    if family not in FAMILIES:
        raise typer.BadParameter(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}", param_hint="--family")
    try:
        width, height = parse_size(size)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--size") from exc
    config = SynthConfig(
        clean=clean,
        violation_rate=violation_rate,
        family=family,
        width=width,
        height=height,
        realism=Realism.preset() if realistic else Realism(),
    )
    try:
        truths = write_dataset(out, n, seed, config=config, progress=progress)
    except ModuleNotFoundError as exc:
        typer.echo(f"error: the LNHPD sample generator is not available ({exc})", err=True)
        raise typer.Exit(2) from exc
    except (SynthError, DatasetError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    images = sum(len(t.images) for t in truths)
    violations = sum(len(t.violations) for t in truths)
    typer.echo(f"wrote {len(truths)} products, {images} images, {violations} violations to {out}")
    if preview:
        path = contact_sheet(load_dataset(out), out / "preview.png")
        typer.echo(f"preview: {path}")


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
