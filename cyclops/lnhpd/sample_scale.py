"""A SYNTHETIC reference database at the real LNHPD's size, for measuring search and matching at scale.

The real LNHPD holds on the order of 150,000 licences from thousands of licence holders, a few of
whom hold thousands of near-identical licences (one product in several strengths, forms and counts).
This module keeps the 2,000-licence sample that the synthetic benchmark's labels are printed from,
unchanged and inside the larger set, and adds licences from a generated market: a few thousand
fictional companies whose sizes follow a Zipf law, each selling the sample's kinds of products under
its own brand. Every added licence differs from the sample's in lnhpd_id and licence number.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from cyclops.lnhpd.records import LicenceBundle
from cyclops.lnhpd.sample import Market, generate

#: words fictional brands are made of (none is meant to be a real company)
_FIRST = ("Aurora Boreal Cedar Maple Tundra Prairie Glacier Harbour Summit Willow Birch Aspen Juniper Spruce Lupine "
          "Fjord Meadow Coastal Northern Golden Silver Emerald Sapphire Crimson Verdant Pure True Wild Vital Prime "
          "Sage Clover Thistle Heron Loon Otter Beaver Falcon Raven Orca Bison Elk Caribou Lynx Moose Puffin "
          "Sunrise Twilight Horizon Riverbend Stonebridge Oakridge Pinecrest Lakeview Bayfield Ashgrove Redwood "
          "Evergreen Highland Lowland Brookside Fernhill Kingsway Queenston Westgate Eastwood").split()
_SECOND = ("Naturals Health Botanicals Nutrition Wellness Labs Vitality Herbals Organics Essentials Remedies Life "
           "Pharma Sciences Balance Harmony Origins Path Source Roots Harvest Garden Grove Valley Ridge Peak Bay "
           "Creek Field Leaf").split()
_LEGAL = ("Inc.", "Ltd.", "Corp.", "Inc.", "Ltée", "LLC", "GmbH", "Pty Ltd")


def market(companies: int = 1800, zipf: float = 0.8, seed: int = 0) -> Market:
    """``companies`` fictional licence holders; the k-th largest holds about 1/k**zipf as many licences as the largest."""
    rng = random.Random(seed)
    roots = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    if companies > len(roots):
        raise ValueError(f"at most {len(roots)} companies, asked for {companies}")
    chosen = rng.sample(roots, companies)
    return Market(
        companies=[(f"{root} {rng.choice(_LEGAL)}", root.split()[0] if rng.random() < 0.6 else root) for root in chosen],
        weights=[1.0 / (k + 1) ** zipf for k in range(companies)],
    )


def scale_chunks(n: int, seed: int = 1, base_size: int = 2000, base_seed: int = 0, chunk: int = 5000,
                 companies: int = 1800) -> Iterator[list[tuple[LicenceBundle, LicenceBundle]]]:
    """``n`` licences, a list at a time: the sample ``generate(base_size, base_seed)`` first, then market licences.

    Added licences are drawn ``chunk`` at a time (the sample's DIN-HM range holds 100,000 numbers, and
    150,000 licences as objects would take gigabytes) and any whose lnhpd_id or licence number is already
    taken is dropped. Deterministic for the arguments.
    """
    base = generate(min(base_size, n), base_seed)
    ids = {en.licence.lnhpd_id for en, _ in base}
    numbers = {en.licence.licence_number for en, _ in base}
    yield base
    left = n - len(base)
    buyers = market(companies, seed=seed)
    round_ = 0
    while left > 0:
        round_ += 1
        fresh = []
        for en, fr in generate(min(chunk, left + left // 50 + 10), seed * 1_000_003 + round_, market=buyers):
            if len(fresh) >= left:
                break
            if en.licence.lnhpd_id in ids or en.licence.licence_number in numbers:
                continue
            ids.add(en.licence.lnhpd_id)
            numbers.add(en.licence.licence_number)
            fresh.append((en, fr))
        left -= len(fresh)
        yield fresh


def generate_scale(n: int, **options: int) -> list[tuple[LicenceBundle, LicenceBundle]]:
    """All of ``scale_chunks(n, ...)`` in one list (for sizes that fit in memory)."""
    return [pair for part in scale_chunks(n, **options) for pair in part]
