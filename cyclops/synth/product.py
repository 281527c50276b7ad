"""One synthetic product: label content from the licence, optional violation, faces, photos and exact truth."""

from __future__ import annotations

import random

from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.truth import ProductTruth, TruthImage
from cyclops.synth.config import SynthConfig
from cyclops.synth.content import add_label_extras, build_content
from cyclops.synth.faces import compose_faces
from cyclops.synth.facts import make_facts
from cyclops.synth.photo import _happens, encode, photograph
from cyclops.synth.scenes import distractor_record, photograph_scene
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
    # realism (hand/shelf scenes, US panels, stylised fronts) draws from a stream of its own, and only when on,
    # so the default generator gives the same bytes as before it existed
    real = config.realism if config.realism.enabled else None
    real_rng = random.Random(f"realism:{seed}") if real else None
    stylised = None
    if real and real_rng:
        if real_rng.random() < real.supplement_facts:
            mismatch = any(v.code == "QUANTITY_MISMATCH" for v in violations)  # keep an edited amount visible
            content.facts = make_facts(content, real_rng, blend=not mismatch and real_rng.random() < real.blend)
        if real_rng.random() < real.stylised_front:
            stylised = random.Random(real_rng.getrandbits(64))
        if content.facts is None and real_rng.random() < real.bilingual_tables:
            content.split_tables = True
        if real_rng.random() < real.label_extras:
            add_label_extras(content, real_rng)
    try:
        faces = compose_faces(content, rng, config.family, vertical, stylised=stylised)
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
        group_cut = cut_npn and any(f.has_npn for f in group)
        if real_rng is not None:
            shot = photograph_scene(group, config, rng, real_rng, cut_npn=group_cut)
            if shot.background:
                shot.degradations["scene"]["distractor_lines"] = distractor_record(shot.background)
        else:
            shot = photograph(group, config, rng, cut_npn=group_cut)
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
