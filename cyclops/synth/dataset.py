"""Write and read a synthetic dataset in the layout documented in ``cyclops/model/truth.py``."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.truth import ProductTruth
from cyclops.synth.config import SynthConfig
from cyclops.synth.product import synthesize_product


class DatasetError(ValueError):
    """A dataset folder that is missing, incomplete or not in the documented format."""


def product_seed(seed: int, index: int) -> int:
    """Each product's own seed, so product i is the same whatever n is."""
    return (seed * 1_000_003 + index * 7919) % (2**63)


def licence_pairs(n: int, seed: int) -> list[tuple[LicenceBundle, LicenceBundle]]:
    """(English, French) licences from the LNHPD sample generator."""
    from cyclops.lnhpd.sample import generate  # another area's module: imported late so synth imports without it

    return generate(n, seed)


def write_products(
    out_dir: Path,
    pairs: list[tuple[LicenceBundle, LicenceBundle]],
    seed: int,
    *,
    config: SynthConfig | None = None,
    progress: bool = True,
) -> list[ProductTruth]:
    """Render one product per licence pair into ``out_dir`` and write ``manifest.json``."""
    config = config or SynthConfig()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truths: list[ProductTruth] = []
    for i, (en, fr) in enumerate(tqdm(pairs, desc="synth", unit="product", disable=not progress)):
        truth, files = synthesize_product(en, fr, product_seed(seed, i), config)
        truth.product_id = f"p{i:05d}_{truth.printed.get('npn') or en.licence.lnhpd_id}"
        folder = out_dir / truth.product_id
        folder.mkdir(exist_ok=True)
        for image in truth.images:
            (folder / image.file).write_bytes(files[image.id])
        (folder / "truth.json").write_text(truth.model_dump_json(indent=1), encoding="utf-8")
        truths.append(truth)
    manifest = {
        "seed": seed,
        "n": len(truths),
        "family": config.family,
        "config": config.model_dump(mode="json"),
        "products": [t.product_id for t in truths],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return truths


def write_dataset(
    out_dir: Path, n: int, seed: int, *, config: SynthConfig | None = None, progress: bool = True
) -> list[ProductTruth]:
    """Sample ``n`` licences with ``seed`` and write their photos and truth (same arguments, same bytes)."""
    if n < 1:
        raise DatasetError(f"n must be at least 1, got {n}")
    return write_products(out_dir, licence_pairs(n, seed), seed, config=config, progress=progress)


def load_dataset(dir: Path) -> list[tuple[ProductTruth, dict[str, Path]]]:
    """Every product of a dataset folder: its truth and image_id -> image path (checked to exist)."""
    dir = Path(dir)
    manifest_path = dir / "manifest.json"
    if not manifest_path.is_file():
        raise DatasetError(f"{manifest_path} not found: not a dataset written by `cyclops synth`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        ids = list(manifest["products"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DatasetError(f"{manifest_path} is malformed: {exc}") from exc
    out = []
    for pid in ids:
        truth_path = dir / pid / "truth.json"
        try:
            truth = ProductTruth.model_validate_json(truth_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise DatasetError(f"{truth_path} is missing") from exc
        except ValidationError as exc:
            raise DatasetError(f"{truth_path} does not match the ProductTruth model: {exc}") from exc
        paths = {img.id: dir / pid / img.file for img in truth.images}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise DatasetError(f"image file(s) missing for {pid}: {', '.join(missing)}")
        out.append((truth, paths))
    return out
