"""One synthetic product: label content from the licence, optional violation, faces, photos and exact truth."""

from __future__ import annotations

import random

from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.truth import ProductTruth, TruthImage
from cyclops.synth.config import SynthConfig
from cyclops.synth.content import build_content
from cyclops.synth.faces import compose_faces
from cyclops.synth.photo import _happens, encode, photograph
from cyclops.synth.violations import inject


class SynthError(ValueError):
    """A licence that cannot be turned into a label (e.g. far too much text for the package)."""


def synthesize_product(
    en: LicenceBundle, fr: LicenceBundle, seed: int, config: SynthConfig
) -> tuple[ProductTruth, dict[str, bytes]]:
    """Render the photos of one product; returns its truth and image_id -> encoded bytes. Same arguments, same bytes."""
    if en.licence.lnhpd_id != fr.licence.lnhpd_id:
        raise SynthError(f"English and French bundles are different licences ({en.licence.lnhpd_id} != {fr.licence.lnhpd_id})")
    rng = random.Random(seed)
    content = build_content(en, fr, rng)
    violations = inject(content, rng) if rng.random() < config.violation_rate else []
    cut_npn = bool(content.npn) and _happens("npn_cut", config, rng)
    vertical = not cut_npn and rng.random() < config.vertical_npn
    try:
        faces = compose_faces(content, rng, config.family, vertical)
    except OverflowError as exc:
        raise SynthError(f"licence {en.licence.licence_number}: label text does not fit on the package ({exc})") from exc

    groups = [[f] for f in faces]
    if len(faces) >= 2 and _happens("multi_face", config, rng):
        # two panels in one shot: the back and a side when there are both, else the front and the back
        pair = (1, 2) if len(faces) >= 3 else (0, 1)
        groups = [[f] for f in faces[: pair[0]]] + [faces[pair[0] : pair[1] + 1]] + [[f] for f in faces[pair[1] + 1 :]]

    images: list[TruthImage] = []
    files: dict[str, bytes] = {}
    npn_legible = True
    for group in groups:
        image_id = "_".join(f.id for f in group)
        shot = photograph(group, config, rng, cut_npn=cut_npn and any(f.has_npn for f in group))
        if "npn_cut" in shot.degradations:
            npn_legible = False
        data, ext = encode(shot, config, rng)
        w, h = shot.size
        images.append(
            TruthImage(
                id=image_id,
                file=f"{image_id}.{ext}",
                width=w,
                height=h,
                rotation=shot.rotation,
                degradations=shot.degradations,
                lines=shot.lines,
            )
        )
        files[image_id] = data
    truth = ProductTruth(
        product_id=f"npn{content.npn or 'none'}_s{seed}",
        seed=seed,
        family=config.family,
        licence=en,
        licence_fr=fr,
        printed=content.printed(npn_legible),
        violations=violations,
        images=images,
    )
    return truth, files
