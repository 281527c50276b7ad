"""``cyclops audit verify``: check that the stored record of every analysis is an unbroken hash chain.

Each analysis starts with ``base.json`` (the pipeline's result, version 0). Every edit record
``edits/{seq:06d}.json`` carries ``prev_hash`` (the hash of the edit before it, or of ``base.json`` for the
first), ``result_hash`` (the hash of the analysis it produced) and ``hash`` (of itself, without that field).
Hashes are SHA-256 of canonical JSON (``cyclops.edits.canonical_hash``). Changing, removing, reordering or
inserting any edit, or changing the base, breaks a link that this module names. A chain proves the record
consistent with itself: record the heads it prints elsewhere (a ticket, a log) to notice a rewrite of a whole
chain. See docs/storage.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import typer

from cyclops.edits import analysis_hash, apply_edit, canonical_hash, record_hash
from cyclops.errors import MapiError, NotFound
from cyclops.model.analysis import Analysis, Edit
from cyclops.storage import _EDIT_NAME, Store, open_store


@dataclass
class Broken:
    """The first broken link of one analysis: the object at fault and what is wrong with it."""

    analysis_id: str
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.analysis_id}: {self.key}: {self.problem}"


@dataclass
class AuditReport:
    analyses: int = 0
    edits: int = 0
    broken: list[Broken] = field(default_factory=list)
    unchained: list[str] = field(default_factory=list)  # stored before chaining: no base.json and no hashes
    heads: dict[str, str] = field(default_factory=dict)  # analysis id -> hash of its last link

    def ok(self, allow_unchained: bool = False) -> bool:
        return not self.broken and (allow_unchained or not self.unchained)


def _load(store: Store, key: str) -> tuple[bytes | None, Any]:
    try:
        data = store.get(key)
    except NotFound:
        return None, None
    try:
        return data, json.loads(data)
    except ValueError:
        return data, None


def verify_analysis(store: Store, analysis_id: str) -> tuple[Broken | None, int, str | None, bool]:
    """(first broken link or None, edits checked, head hash, unchained) of one analysis."""
    prefix = f"analyses/{analysis_id}"
    names = store.list(f"{prefix}/edits")
    strays = [n for n in names if not _EDIT_NAME.match(n)]
    seqs = sorted(int(m.group(1)) for m in map(_EDIT_NAME.match, names) if m)
    raw_base, base_obj = _load(store, f"{prefix}/base.json")
    records: list[tuple[str, Any]] = []
    for seq in seqs:
        key = f"{prefix}/edits/{seq:06d}.json"
        records.append((key, _load(store, key)[1]))

    def broken(key: str, problem: str) -> tuple[Broken, int, None, bool]:
        return Broken(analysis_id, key, problem), len(records), None, False

    chained = any(isinstance(r, dict) and r.get("hash") for _, r in records)
    if raw_base is None:
        if chained:
            return broken(f"{prefix}/base.json", "missing, but the edits are chained to it")
        if not records and not strays:  # stored before bases existed and never edited: nothing to chain yet
            snap = _load(store, f"{prefix}/analysis.json")[1]
            if isinstance(snap, dict) and snap.get("version") == 0:
                return None, 0, None, False
        return None, len(records), None, True
    if base_obj is None:
        return broken(f"{prefix}/base.json", "not JSON")
    try:
        state = Analysis.model_validate(base_obj)
    except ValueError as exc:
        return broken(f"{prefix}/base.json", f"not a valid analysis ({type(exc).__name__})")
    if state.version != 0:
        return broken(f"{prefix}/base.json", f"has version {state.version}, not 0")
    head = canonical_hash(base_obj)
    results = [analysis_hash(state)]  # the hash of the analysis at each version
    for expected, (key, record) in enumerate(records, start=1):
        if seqs[expected - 1] != expected:
            return broken(f"{prefix}/edits/{expected:06d}.json", f"missing (the log jumps to {seqs[expected - 1]:06d}.json)")
        if not isinstance(record, dict):
            return broken(key, "not a JSON object")
        if record.get("hash") != record_hash(record):
            return broken(key, "altered: its content does not match its hash" if record.get("hash") else "has no hash")
        if record.get("prev_hash") != head:
            return broken(key, "does not follow the previous link (prev_hash is not the hash of "
                          + ("base.json" if expected == 1 else f"{expected - 1:06d}.json") + ")")
        if record.get("seq") != expected or record.get("base_version") != expected - 1:
            return broken(key, f"numbered seq {record.get('seq')}, base_version {record.get('base_version')} in slot {expected}")
        try:
            state = apply_edit(state, Edit.model_validate(record))
        except (MapiError, ValueError) as exc:
            return broken(key, f"does not apply to version {expected - 1}: {exc}")
        if analysis_hash(state) != record.get("result_hash"):
            return broken(key, "replaying it does not give the analysis it recorded (result_hash)")
        head = record["hash"]
        results.append(record["result_hash"])
    if strays:
        return broken(f"{prefix}/edits/{strays[0]}", "not an edit record name (NNNNNN.json)")
    raw_snap, snap_obj = _load(store, f"{prefix}/analysis.json")
    if raw_snap is not None:
        version = snap_obj.get("version") if isinstance(snap_obj, dict) else None
        if not isinstance(version, int) or not 0 <= version < len(results):
            return broken(f"{prefix}/analysis.json", f"claims version {version!r}, but the log has {len(records)} edits")
        try:
            snapshot_hash = analysis_hash(Analysis.model_validate(snap_obj))
        except ValueError:
            snapshot_hash = None
        if snapshot_hash != results[version]:
            return broken(f"{prefix}/analysis.json", f"altered: it is not the analysis at version {version}")
    return None, len(records), head, False


def verify(store: Store, analysis_ids: list[str] | None = None) -> AuditReport:
    """Check every analysis of a store (or the ones named); each broken analysis is reported at its first broken link."""
    report = AuditReport()
    for analysis_id in analysis_ids or store.analysis_ids():
        found, n, head, unchained = verify_analysis(store, analysis_id)
        report.analyses += 1
        report.edits += n
        if found is not None:
            report.broken.append(found)
        elif unchained:
            report.unchained.append(analysis_id)
        elif head is not None:
            report.heads[analysis_id] = head
    return report


audit_app = typer.Typer(help="The tamper-evident record of analyses and edits.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(
    store: str | None = typer.Option(None, help="Store URL (default CYCLOPS_STORE)."),
    analysis: list[str] = typer.Option([], "--analysis", help="Check only this analysis (repeatable)."),
    heads: bool = typer.Option(False, "--heads", help="Print each analysis' head hash (record them to anchor the chains)."),
    allow_unchained: bool = typer.Option(False, "--allow-unchained", help="Accept analyses stored before edits were chained."),
) -> None:
    """Check every stored edit chain; name the first broken link of each analysis and exit 1 if any."""
    report = verify(open_store(store), analysis or None)
    for item in report.broken:
        typer.echo(f"BROKEN {item}")
    for analysis_id in report.unchained:
        typer.echo(f"{'unchained' if allow_unchained else 'UNCHAINED'} {analysis_id}: no base.json (stored before edits were chained)")
    if heads:
        for analysis_id, head in sorted(report.heads.items()):
            typer.echo(f"head {analysis_id} {head}")
    verdict = "ok" if report.ok(allow_unchained) else "FAILED"
    typer.echo(f"{verdict}: {report.analyses} analyses, {report.edits} edits, {len(report.broken)} broken, {len(report.unchained)} unchained")
    if not report.ok(allow_unchained):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
