"""The report's sections in reading order and in one language, as plain blocks (headings, sentences, tables,
pictures) that the HTML and PDF writers both draw: the two files never say different things.

Verdict and flag summary come first, because that is what the inspector files; the evidence follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cyclops.render import FIELD_COLOURS
from cyclops.report.content import Report, SideList
from cyclops.report.words import amount, colon, flag_title, say, value_word, when


@dataclass
class Picture:
    data: bytes  # JPEG
    caption: str = ""
    width: float = 0.45  # share of the page width


Cell = str | Picture | list[Picture]  # a table cell: words, or pictures one above the other


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Legend:
    """What each box colour on the photos means: (colour, words)."""

    keys: list[tuple[str, str]]


@dataclass
class Para:
    text: str
    tone: str = ""  # "", "bad", "good", "warn", "small"


@dataclass
class Table:
    head: list[str]
    rows: list[list[Cell]]
    tones: list[str] = field(default_factory=list)  # per row, as Para.tone
    widths: list[float] = field(default_factory=list)  # shares of the page width


Block = Heading | Para | Table | Picture | Legend

_VERDICT_TONE = {"non_compliant": "bad", "unfinished": "warn", "compliant": "good"}
_STATE_TONE = {"mismatch": "bad", "label_only": "bad", "licence_only": "bad", "not_compared": "warn", "matched": "good"}


def _flag_name(code: str, message: str, lang: str) -> str:
    """A flag's plain title, its code kept only beside its label ("code QUANTITY_MISMATCH")."""
    title = flag_title(code, lang)
    return f"{title} ({say('code', lang)} {code})" if title else message


def _head(report: Report, lang: str) -> list[Block]:
    verdict, n = report.verdict
    state = report.review
    if state.final:
        standing = say("final", lang)
    elif state.status != "signed_off":
        standing = say("draft_unsigned", lang)
    else:
        standing = say("draft_second", lang, n=len(state.waiting_for_second))
    blocks: list[Block] = [
        Heading(f"{say('title', lang)} — {report.identity[0].label or report.licence_number or ''}".rstrip(" —"), 1),
        Heading(say("verdict", lang)),
        Para(say(f"verdict_{verdict}", lang, n=n), _VERDICT_TONE[verdict]),
        Para(standing, "" if state.final else "warn"),
    ]
    if report.licence_doubt:
        blocks.append(Para(say("licence_doubt", lang, number=report.licence_number or "?"), "warn"))
    rows: list[list[Cell]] = []
    for severity in ("high", "medium", "low"):
        flags = [f for f in report.flags if f.severity == severity]
        if flags:
            rows.append([value_word("severity", severity, lang), str(len(flags)),
                         str(sum(f.decision == "confirmed" for f in flags)), str(sum(f.decision == "dismissed" for f in flags)),
                         str(sum(f.decision is None for f in flags))])
    blocks.append(Heading(say("flag_summary", lang)))
    if rows:
        blocks.append(Table([say("severity", lang), say("total", lang), say("confirmed_n", lang), say("dismissed_n", lang),
                             say("open", lang)], rows))
    else:
        blocks.append(Para(say("none", lang)))
    return blocks


def _side(title: str, items: SideList, lang: str, label: list[str] | None = None) -> list[Block]:
    left = label if label is not None else items.label
    right = items.licence.get(lang, [])
    rows: list[list[Cell]] = [[left[i] if i < len(left) else "", right[i] if i < len(right) else ""]
                                       for i in range(max(len(left), len(right)))]
    return [Heading(title, 3), Table([say("on_label", lang), say("in_licence", lang)], rows or [[say("none", lang), ""]],
                                     widths=[0.5, 0.5])]


def _comparison(report: Report, lang: str) -> list[Block]:
    licence_status = "" if report.licence_active is None else say("active" if report.licence_active else "inactive", lang)
    identity: list[list[Cell]] = [[say(r.key, lang), r.label, r.licence.get(lang, "")] for r in report.identity]
    identity.append([say("licence_status", lang), "", licence_status or say("no_licence", lang)])
    identity.append([say("match_method", lang), "", value_word("method", report.match_method, lang)])
    ingredients = [[i.name, amount(i.quantity, i.unit, lang), i.licence_name_fr if lang == "fr" else i.licence_name,
                    amount(i.licence_quantity, i.licence_unit, lang), value_word("state", i.state, lang)]
                   for i in report.ingredients]
    uses = [c.text + f" — {value_word('claim', c.compliant, lang)}" for c in report.claims]
    return [
        Heading(say("side_by_side", lang)),
        Table([say("what", lang), say("on_label", lang), say("in_licence", lang)], identity, widths=[0.24, 0.38, 0.38]),
        Heading(say("medicinal", lang), 3),
        Table([say("on_label", lang), say("amount", lang), say("in_licence", lang), say("amount", lang), say("result", lang)],
              ingredients or [[say("none", lang), "", "", "", ""]], tones=[_STATE_TONE.get(i.state, "") for i in report.ingredients],
              widths=[0.27, 0.12, 0.27, 0.12, 0.22]),
        *_side(say("non_medicinal", lang), report.non_medicinal, lang),
        *_side(say("uses", lang), report.uses, lang, label=uses),
        *_side(say("dose", lang), report.dose, lang),
        *_side(say("cautions", lang), report.cautions, lang),
    ]


def _flags(report: Report, lang: str) -> list[Block]:
    rows: list[list[Cell]] = []
    tones = []
    for f in report.flags:
        message = f.message_fr if lang == "fr" and f.message_fr else f.message
        what = f"{_flag_name(f.code, message, lang)}\n{message}\n{value_word('source', f.source, lang)}"
        decided = value_word("decision", f.decision, lang) + (f"\n{say('reason', lang)}{colon(lang)}{f.reason}" if f.reason else "")
        for d in f.decisions:
            decided += f"\n{d.analyst}, {when(d.at, lang)}{colon(lang)}{value_word('decision', d.decision, lang)}"
        if f.disagreement:
            decided += "\n" + say("disagreement", lang)
        crop: str | list[Picture] = [Picture(c, width=0.4) for c in f.crops] or say("no_evidence", lang)
        rows.append([value_word("severity", f.severity, lang), what, crop, decided])
        tones.append("bad" if f.decision == "confirmed" else "warn" if f.decision is None else "")
    blocks: list[Block] = [Heading(say("flags", lang))]
    if rows:
        blocks.append(Table([say("severity", lang), say("flag", lang), say("evidence", lang), say("decision", lang)], rows, tones,
                            widths=[0.1, 0.32, 0.36, 0.22]))
    else:
        blocks.append(Para(say("none", lang)))
    return blocks


def _corrections(report: Report, lang: str) -> list[Block]:
    rows: list[list[Cell]] = [
        [str(c.number), c.analyst, when(c.at, lang), c.what[lang] + (f"\n{say('reason', lang)}{colon(lang)}{c.reason}" if c.reason else ""),
         c.before[lang], c.after[lang]] for c in report.corrections]
    table = Table(["#", say("analyst", lang), say("when", lang), say("change", lang), say("before", lang), say("after", lang)],
                  rows, widths=[0.05, 0.12, 0.17, 0.34, 0.16, 0.16])
    return [Heading(say("corrections", lang)), table if rows else Para(say("none", lang))]


def _photos(report: Report, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(say("photos", lang))]
    for n, (image_id, data) in enumerate(report.photos.items(), 1):
        name = report.photo_names.get(image_id)
        blocks.append(Picture(data, caption=say("photo", lang, n=n) + (f" ({name})" if name else ""), width=0.9))
    if report.photos:
        blocks.append(Legend([(colour, value_word("field", label, lang)) for label, colour in FIELD_COLOURS.items()]))
    else:
        blocks.append(Para(say("no_photo", lang)))
    return blocks


def _signoff(report: Report, lang: str) -> list[Block]:
    state = report.review
    rows: list[list[Cell]] = [
        [say("status", lang), value_word("status", state.status, lang)],
        [say("assigned_to", lang), state.assigned_to or ""],
        [say("analysts", lang), ", ".join(report.analysts)],
        [say("signed_off_by", lang), state.signed_off_by or say("not_signed", lang)],
        [say("signed_off_at", lang), when(state.signed_off_at, lang)],
        [say("created_at", lang), when(report.created_at, lang)],
        [say("generated_at", lang), when(report.generated_at, lang)],
        [say("generated_by", lang), report.generated_by],
    ]
    blocks: list[Block] = [Heading(say("signoff", lang)), Table(["", ""], rows, widths=[0.3, 0.7])]
    for flag in state.high_flags:
        line = _flag_name(flag.code, flag.message, lang) + colon(lang) + ("; ".join(
            f"{d.analyst} ({when(d.at, lang)}) {value_word('decision', d.decision, lang)}" for d in flag.decisions)
            or value_word("decision", None, lang))
        if not flag.second_done:
            line += " — " + say("waiting_second", lang)
        blocks.append(Para(line, "warn" if flag.disagreement or not flag.second_done else "small"))
    return blocks


def sections(report: Report, lang: str = "en") -> list[Block]:
    """The whole report in ``lang``: verdict, flag summary, label and licence, flags with evidence, corrections,
    photos, sign-off."""
    lang = "fr" if lang == "fr" else "en"
    return [*_head(report, lang), *_comparison(report, lang), *_flags(report, lang), *_corrections(report, lang),
            *_photos(report, lang), *_signoff(report, lang)]
