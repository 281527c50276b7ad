"""``cyclops analyze`` on a fresh install: no LNHPD database, yet the label is read and its label-only flags raised."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cyclops.settings import get_settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _label(path: Path) -> Path:
    img = Image.new("RGB", (1400, 700), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    for i, text in enumerate(("Vitamin D3 1000 IU", "Acme Naturals Inc.", "Helps maintain healthy bones.")):
        draw.text((60, 60 + i * 110), text, font=font, fill="black")
    img.save(path)
    return path


def test_analyze_without_a_database_reads_the_label_and_says_licence_checks_were_skipped(tmp_path):
    settings = get_settings()
    assert not settings.lnhpd_path.exists()  # the isolated data dir is empty: a fresh install
    photo = _label(tmp_path / "label.png")
    out = subprocess.run([sys.executable, "-m", "cyclops.cli", "analyze", str(photo)], capture_output=True, text=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=120)
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning: licence checks skipped")]
    assert len(warnings) == 1 and "no LNHPD database" in warnings[0]
    analysis = json.loads(out.stdout)
    assert analysis["match"]["skipped_reason"].startswith("licence checks skipped")
    assert analysis["match"]["lnhpd_id"] is None and analysis["match"]["method"] == "none"
    assert analysis["analysis_id"]  # stored like any other analysis
    assert analysis["fields"]["product_name"]["value"] == "Vitamin D3 1000 IU"
    codes = {flag["code"] for flag in analysis["flags"]}
    assert "NPN_MISSING" in codes  # a label-only flag is still raised
    assert "NPN_NOT_FOUND" not in codes and "PRODUCT_NAME_MISMATCH" not in codes  # nothing that needs the database


def test_old_analysis_json_without_the_field_still_loads():
    from cyclops.model.analysis import Analysis

    old = {"match": {"lnhpd_id": 3, "licence_number": "80000003", "method": "npn_exact", "score": 1.0, "candidates": []}}
    assert Analysis.model_validate(old).match.skipped_reason is None
