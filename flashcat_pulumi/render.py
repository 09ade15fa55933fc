"""Who is on call when, rendered for the reviewer of a pull request.

:func:`render_rosters` shows schedules (:class:`~flashcat_pulumi.roster.Roster`), :func:`render_comparisons`
what a change to the program does to them (:class:`~flashcat_pulumi.roster.Comparison`); several
schedules go into one output. Times are shown in the schedule's time zone as ``Mon 12-08 09:00``, windows
as ``Mon 12-08 09:00 → Mon 12-22 09:00``, people as ``alice + bob``, nobody as ``(nobody)``, and every
schedule says where its shifts came from (:attr:`Roster.source`, verbatim). The formats (:data:`FORMATS`):

``text``
    Plain lines for a terminal or a log. Per schedule a header line (name · zone · source · window),
    ``on call now: alice`` when ``now`` falls in the window, then per row (layers and overrides, the
    final row last) its name and one indented line per turn (``Mon 12-08 09:00 → Mon 12-15 09:00  alice``);
    the final row also lists its gaps as ``(nobody)``. A comparison lists one line per change
    (``Mon 12-08 09:00 → Mon 12-15 09:00: bob → carol``) and who is on call now.

``markdown``
    GitHub-flavoured Markdown to paste into a pull request as is: a ``###`` heading per schedule, a line
    with zone · source · window, the final row as a table (From | To | On call), the layers as one table
    each inside a ``<details>`` block. A comparison is a bullet per change and an ``on call now`` line.

``mermaid``
    A fenced ``mermaid`` block per schedule holding a ``gantt`` chart that GitHub renders: a section per
    row (layers, then the final row), a task per turn named after its people, with local start and end
    times. A comparison has two sections, ``live`` and ``program``; the program's changed spans are
    tagged ``crit``.

``svg``
    One standalone SVG 1.1 picture with the schedules stacked: per schedule a title, a row label column,
    a band per row with a coloured bar per turn (one colour per person, the same in every schedule of
    the picture; a turn of several people takes its first person's colour), day grid lines with
    labelled days, a red line at ``now``, and a legend of the people at the bottom. A comparison draws
    the live and the program final rows, highlights the changed spans and lists the changes.

Text and markdown list turns with their own start and end; mermaid and svg draw them cut to the window.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import TypeGuard
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from flashcat_pulumi.roster import Change, Comparison, Roster, Row, Turn

__all__ = ["FORMATS", "oncall_line", "render_comparisons", "render_rosters"]

FORMATS: tuple[str, ...] = ("text", "markdown", "mermaid", "svg")

_NOBODY = "(nobody)"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # not %a: that one follows the locale
_FINAL_TITLE = "final (who is paged)"


def render_rosters(rosters: Sequence[Roster], fmt: str, *, now: int | None = None) -> str:
    """``rosters`` in the format ``fmt`` (one of :data:`FORMATS`); ``now`` (Unix seconds), when inside
    a roster's window, adds who is on call now (text, markdown) or a "now" line (svg)."""
    _check_format(fmt)
    if fmt == "svg":
        return _svg_rosters(rosters, now)
    block: Callable[[Roster, int | None], str] = {
        "text": _text_roster, "markdown": _markdown_roster, "mermaid": _mermaid_roster,
    }[fmt]
    return _join(block(roster, now) for roster in rosters)


def render_comparisons(comparisons: Sequence[Comparison], fmt: str) -> str:
    """``comparisons`` (live schedule against program) in the format ``fmt`` (one of :data:`FORMATS`)."""
    _check_format(fmt)
    if fmt == "svg":
        return _svg_comparisons(comparisons)
    block: Callable[[Comparison], str] = {
        "text": _text_comparison, "markdown": _markdown_comparison, "mermaid": _mermaid_comparison,
    }[fmt]
    return _join(block(comparison) for comparison in comparisons)


def oncall_line(roster: Roster, now: int, *, hand_offs: int = 2) -> str:
    """``sre-primary (Asia/Shanghai, computed locally): now alice until Mon 12-07 09:00; then bob; then
    alice from Mon 12-14 09:00``: who is on call now and at the next ``hand_offs`` hand-offs."""
    tz = ZoneInfo(roster.time_zone)
    turns = _from_now(roster.final.turns, now, roster.end)
    parts = []
    for i, turn in enumerate(turns[:hand_offs + 1]):
        who = turn.label or "nobody"
        until = f" until {_when(turn.end, tz)}" if turn.end < roster.end else ""
        parts.append(f"now {who}{until}" if i == 0 else f"{_when(turn.start, tz)} {who}")
    if not parts:
        parts.append("nobody on call")
    return f"{roster.schedule} ({roster.time_zone}, {roster.source}): " + "; ".join(parts)


def _from_now(turns: Sequence[Turn], now: int, end: int) -> list[Turn]:
    """The turns from ``now`` on, with the gaps between them as turns of nobody."""
    out: list[Turn] = []
    cursor = now
    for turn in turns:
        if turn.end <= now:
            continue
        if turn.start > cursor:
            out.append(Turn(cursor, turn.start, ()))
        out.append(Turn(max(turn.start, now), turn.end, turn.people))
        cursor = turn.end
    if cursor < end:
        out.append(Turn(cursor, end, ()))
    return out


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")


def _join(blocks: Iterable[str]) -> str:
    text = "\n\n".join(blocks)
    return text + "\n" if text else ""


# --- shared -----------------------------------------------------------------------------------------


def _when(t: int, tz: ZoneInfo) -> str:
    local = datetime.fromtimestamp(t, tz)
    return f"{_WEEKDAYS[local.weekday()]} {local:%m-%d %H:%M}"


def _span(start: int, end: int, tz: ZoneInfo) -> str:
    return f"{_when(start, tz)} → {_when(end, tz)}"


def _who(label: str | None) -> str:
    return label if label else _NOBODY


def _in_window(now: int | None, start: int, end: int) -> TypeGuard[int]:
    return now is not None and start <= now < end


def _sorted(turns: Iterable[Turn]) -> list[Turn]:
    return sorted(turns, key=lambda turn: (turn.start, turn.end))


def _with_gaps(turns: Iterable[Turn], start: int, end: int) -> list[tuple[int, int, str | None]]:
    """The turns in order with the gaps of ``[start, end)`` between them as ``None``."""
    spans: list[tuple[int, int, str | None]] = []
    cursor = start
    for turn in _sorted(turns):
        if turn.start > cursor and cursor < end:
            spans.append((cursor, min(turn.start, end), None))
        spans.append((turn.start, turn.end, turn.label))
        cursor = max(cursor, turn.end)
    if cursor < end:
        spans.append((cursor, end, None))
    return spans


def _clipped(turns: Iterable[Turn], start: int, end: int) -> list[Turn]:
    """The turns cut to ``[start, end)``, in order; what lies outside is dropped."""
    cut = (Turn(max(turn.start, start), min(turn.end, end), turn.people) for turn in _sorted(turns))
    return [turn for turn in cut if turn.start < turn.end]


def _row_title(row: Row) -> str:
    if row.kind == "final":
        return _FINAL_TITLE
    return f"{row.name} (override)" if row.kind == "override" else row.name


def _comparison_source(comparison: Comparison) -> str:
    planned = comparison.planned.source
    if comparison.live is None or comparison.live.source == planned:
        return planned
    return f"live {comparison.live.source} · program {planned}"


def _now_line(comparison: Comparison) -> str:
    if not comparison.start <= comparison.now < comparison.end:
        when = _when(comparison.now, ZoneInfo(comparison.time_zone))
        return f"now ({when}) is outside this window: who is on call now is not compared"
    before = comparison.live.on_call(comparison.now) if comparison.live is not None else None
    after = comparison.planned.on_call(comparison.now)
    before_label = _who(before.label if before else None)
    after_label = _who(after.label if after else None)
    if comparison.moves_now:
        return f"on call now: {before_label} → {after_label} — this change moves who is on call now"
    return f"on call now: {before_label} (unchanged)"


# --- text -------------------------------------------------------------------------------------------


def _text_roster(roster: Roster, now: int | None) -> str:
    tz = ZoneInfo(roster.time_zone)
    lines = [f"{roster.schedule} · {roster.time_zone} · {roster.source} · {_span(roster.start, roster.end, tz)}"]
    if _in_window(now, roster.start, roster.end):
        turn = roster.on_call(now)
        lines.append(f"on call now: {_who(turn.label if turn else None)}")
    for row in roster.rows:
        lines.append(f"  {_FINAL_TITLE}" if row.kind == "final" else f"  {row.kind} {row.name}")
        if row.kind == "final":
            spans = _with_gaps(row.turns, roster.start, roster.end)
        else:
            spans = [(turn.start, turn.end, turn.label) for turn in _sorted(row.turns)]
        lines.extend(f"    {_span(start, end, tz)}  {_who(label)}" for start, end, label in spans)
        if not spans:
            lines.append("    (no turns in the window)")
    return "\n".join(lines)


def _text_comparison(comparison: Comparison) -> str:
    tz = ZoneInfo(comparison.time_zone)
    window = _span(comparison.start, comparison.end, tz)
    lines = [f"{comparison.schedule} · {comparison.time_zone} · {_comparison_source(comparison)} · {window}"]
    if comparison.live is None:
        lines.append("new schedule, not in Flashduty yet; planned final turns:")
        spans = _with_gaps(comparison.planned.final.turns, comparison.start, comparison.end)
        lines.extend(f"  {_span(start, end, tz)}  {_who(label)}" for start, end, label in spans)
        return "\n".join(lines)
    lines.extend(f"  {_change_line(change, tz, str)}" for change in comparison.changes)
    if not comparison.changes:
        lines.append("no change: who is on call stays the same in the window")
    lines.append(_now_line(comparison))
    return "\n".join(lines)


def _change_line(change: Change, tz: ZoneInfo, quote: Callable[[str], str]) -> str:
    return f"{_span(change.start, change.end, tz)}: {quote(_who(change.before))} → {quote(_who(change.after))}"


# --- markdown ---------------------------------------------------------------------------------------

# Backslash escapes work for any ASCII punctuation; these are the ones that would start markup on GitHub
# (links, emphasis, tables, HTML, entities, emoji shortcodes, math).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#:$!])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_table(spans: Iterable[tuple[int, int, str | None]], tz: ZoneInfo) -> list[str]:
    lines = ["| From | To | On call |", "| --- | --- | --- |"]
    lines.extend(f"| {_when(start, tz)} | {_when(end, tz)} | {_md(_who(label))} |" for start, end, label in spans)
    return lines


def _md_header(name: str, time_zone: str, source: str, window: str) -> list[str]:
    return [f"### {_md(name)}", "", f"{_md(time_zone)} · {_md(source)} · {window}"]


def _markdown_roster(roster: Roster, now: int | None) -> str:
    tz = ZoneInfo(roster.time_zone)
    lines = _md_header(roster.schedule, roster.time_zone, roster.source, _span(roster.start, roster.end, tz))
    if _in_window(now, roster.start, roster.end):
        turn = roster.on_call(now)
        lines += ["", f"On call now: **{_md(_who(turn.label if turn else None))}**"]
    lines += ["", f"**{_FINAL_TITLE.capitalize()}**", ""]
    lines += _md_table(_with_gaps(roster.final.turns, roster.start, roster.end), tz)
    layers = [row for row in roster.rows if row.kind != "final"]
    if layers:
        # The blank lines around the tables let GitHub render Markdown inside the HTML block.
        lines += ["", f"<details><summary>Layers ({len(layers)})</summary>"]
        for row in layers:
            kind = "override" if row.kind == "override" else "layer"
            lines += ["", f"**{_md(row.name)}** ({kind})", ""]
            if row.turns:
                lines += _md_table(((t.start, t.end, t.label) for t in _sorted(row.turns)), tz)
            else:
                lines.append("Nobody on call in the window.")
        lines += ["", "</details>"]
    return "\n".join(lines)


def _markdown_comparison(comparison: Comparison) -> str:
    tz = ZoneInfo(comparison.time_zone)
    window = _span(comparison.start, comparison.end, tz)
    lines = _md_header(comparison.schedule, comparison.time_zone, _comparison_source(comparison), window)
    lines.append("")
    if comparison.live is None:
        lines += ["**New schedule**, not in Flashduty yet. Planned final turns:", ""]
        lines += _md_table(_with_gaps(comparison.planned.final.turns, comparison.start, comparison.end), tz)
        return "\n".join(lines)
    if comparison.changes:
        lines += [f"- {_change_line(change, tz, _md)}" for change in comparison.changes]
        lines.append("")
    else:
        lines += ["No change: who is on call stays the same in the window.", ""]
    now_line = _md(_now_line(comparison))
    lines.append(f"**{now_line}**" if comparison.moves_now else now_line)
    return "\n".join(lines)


# --- mermaid ----------------------------------------------------------------------------------------

# Characters that end a name in mermaid's gantt lexer (or start a comment) take their full-width twins;
# < and > would be taken for HTML by the renderer's sanitizer.
_MERMAID_SWAP = str.maketrans({":": "：", ";": "；", "#": "＃", "%": "％", "<": "‹", ">": "›"})
# The lexer tries its keywords before a task name at the start of a line (case-insensitive).
_MERMAID_KEYWORD = re.compile(
    r"gantt|inclusiveenddates|topaxis|acctitle|accdescr|\d{4}-\d\d-\d\d"
    r"|(dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|displaymode"
    r"|title|accdescription|section|href|call|click)\s",
    re.IGNORECASE,
)
_WORD_JOINER = "\u2060"


def _mermaid_text(text: str) -> str:
    clean = " ".join(text.translate(_MERMAID_SWAP).split()) or "(unnamed)"
    # An invisible first character keeps a name like "Section 8" from being read as a keyword.
    return _WORD_JOINER + clean if _MERMAID_KEYWORD.match(clean) else clean


def _mermaid_time(t: int, tz: ZoneInfo) -> str:
    return f"{datetime.fromtimestamp(t, tz):%Y-%m-%d %H:%M}"


@dataclass
class _Gantt:
    """One gantt chart being written; task ids count up within it."""

    tz: ZoneInfo
    lines: list[str]
    tasks: int = 0

    def section(self, name: str) -> None:
        self.lines.append(f"    section {_mermaid_text(name)}")

    def task(self, name: str, start: int, end: int, *, crit: bool = False) -> None:
        self.tasks += 1
        tags = "crit, " if crit else ""
        self.lines.append(f"    {_mermaid_text(name)} :{tags}t{self.tasks}, "
                          f"{_mermaid_time(start, self.tz)}, {_mermaid_time(end, self.tz)}")

    def comment(self, text: str) -> None:
        self.lines.append(f"    %% {' '.join(text.split())}")

    def text(self) -> str:
        return "\n".join(["```mermaid", *self.lines, "```"])


def _gantt(title: str, tz: ZoneInfo) -> _Gantt:
    return _Gantt(tz, [
        "gantt",
        f"    title {_mermaid_text(title)}",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %m-%d",
        "    todayMarker off",
    ])


def _mermaid_roster(roster: Roster, now: int | None) -> str:
    del now  # GitHub's mermaid can only mark the real today
    tz = ZoneInfo(roster.time_zone)
    chart = _gantt(f"{roster.schedule} · {roster.time_zone} · {roster.source}", tz)
    for row in roster.rows:
        title = _row_title(row)
        chart.section(title)
        turns = _clipped(row.turns, roster.start, roster.end)
        for turn in turns:
            chart.task(turn.label, turn.start, turn.end)
        if not turns and row.kind == "final":
            # A chart without any task does not render; an empty final row means nobody is paged.
            chart.task(_NOBODY, roster.start, roster.end)
        elif not turns:
            chart.comment(f"{title}: nobody in the window")
    return chart.text()


def _mermaid_comparison(comparison: Comparison) -> str:
    tz = ZoneInfo(comparison.time_zone)
    start, end = comparison.start, comparison.end
    title = f"{comparison.schedule} · {comparison.time_zone} · {_comparison_source(comparison)}"
    if comparison.live is None:
        title += " · new, not in Flashduty yet"
    chart = _gantt(title, tz)
    chart.section("live")
    if comparison.live is None:
        chart.comment("not in Flashduty yet")
    else:
        for turn in _clipped(comparison.live.final.turns, start, end):
            chart.task(turn.label, turn.start, turn.end)
    chart.section("program")
    changed = [(max(c.start, start), min(c.end, end)) for c in comparison.changes]
    pieces = _marked(comparison.planned.final.turns, changed, start, end)
    # A change to nobody has no program turn to tag: show the empty span as a task of its own.
    pieces += [(s, e, _NOBODY, True) for (s, e), c in zip(changed, comparison.changes, strict=True)
               if c.after is None and s < e]
    if not pieces and not chart.tasks:
        pieces.append((start, end, _NOBODY, False))  # a chart without any task does not render
    for s, e, label, crit in sorted(pieces, key=lambda piece: piece[:2]):
        chart.task(label, s, e, crit=crit)
    return chart.text()


def _marked(turns: Iterable[Turn], changed: Sequence[tuple[int, int]], start: int,
            end: int) -> list[tuple[int, int, str, bool]]:
    """The turns within ``[start, end)`` cut at the edges of ``changed``, each piece saying if it is changed."""
    pieces: list[tuple[int, int, str, bool]] = []
    for turn in _clipped(turns, start, end):
        edges = sorted({turn.start, turn.end, *(t for span in changed for t in span if turn.start < t < turn.end)})
        own: list[tuple[int, int, str, bool]] = []
        for s, e in pairwise(edges):
            crit = any(cs < e and s < ce for cs, ce in changed)
            if own and own[-1][3] == crit:  # changes that touch make one changed piece
                own[-1] = (own[-1][0], e, turn.label, crit)
            else:
                own.append((s, e, turn.label, crit))
        pieces += own
    return pieces


# --- svg --------------------------------------------------------------------------------------------

# Clearly distinct hues (Tableau 10 without its red, which marks "now" and changes); repeats past ten.
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#8c6753", "#ff9da7",
            "#bab0ac", "#2f4b7c")
_INK = "#1f2328"
_MUTED = "#57606a"
_BAND = "#f3f4f6"
_GRID = "#d8dce1"
_GRID_WEEK = "#aab1ba"
_NOW = "#d62728"
_CHANGED_FILL = "#fde2e1"
_CHANGED_EDGE = "#b42318"

_PAD = 16
_PLOT_W = 900
_ROW_H = 30
_BAR_H = 22
_BAR_FONT = 11
_LABEL_FONT = 12
_TITLE_FONT = 15
_MAX_CHANGE_LINES = 10


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width: DejaVu Sans (the widest usual sans-serif) character classes."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.0
        elif ch in "ijl'|":
            em += 0.28
        elif ch in " .,:;!()[]·":
            em += 0.36
        elif ch in "frt":
            em += 0.42
        elif ch in "mwMW&%@":
            em += 0.98
        elif ch in "+<>=~→":
            em += 0.84
        elif ch.isupper():
            em += 0.74
        elif ch.isdigit():
            em += 0.66
        else:
            em += 0.62
    return em * size * (1.12 if bold else 1.0)


def _fit(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width``."""
    if _text_width(text, size, bold=bold) <= width:
        return text
    text = text[:int(width / (0.28 * size)) + 1]  # no more characters than the narrowest could fit
    while text and _text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _ink_on(fill: str) -> str:
    """Dark or white text, whichever contrasts more with ``fill`` (WCAG contrast ratios)."""
    light = _luminance(fill) + 0.05
    return "#ffffff" if 1.05 / light > light / (_luminance(_INK) + 0.05) else _INK


# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return xml_escape(_NOT_XML.sub("\ufffd", text))


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = _num(value) if isinstance(value, float) else str(value)
        parts.append(f" {key.rstrip('_').replace('_', '-')}={quoteattr(_NOT_XML.sub('', text))}")
    return "".join(parts)


class _Canvas:
    """SVG elements written as text, in drawing order."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, *, tip: str | None = None, **attrs: object) -> None:
        attrs = {"x": float(x), "y": float(y), "width": float(w), "height": float(h), **attrs}
        if tip is None:
            self.parts.append(f"<rect{_attrs(attrs)}/>")
        else:
            self.parts.append(f"<rect{_attrs(attrs)}><title>{_xml(tip)}</title></rect>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **attrs: object) -> None:
        attrs = {"x1": float(x1), "y1": float(y1), "x2": float(x2), "y2": float(y2), **attrs}
        self.parts.append(f"<line{_attrs(attrs)}/>")

    def text(self, x: float, y: float, text: str, *, size: float = _LABEL_FONT, fill: str = _INK,
             tip: str | None = None, **attrs: object) -> None:
        attrs = {"x": float(x), "y": float(y), "font-size": size, "fill": fill, **attrs}
        title = f"<title>{_xml(tip)}</title>" if tip is not None else ""
        self.parts.append(f"<text{_attrs(attrs)}>{title}{_xml(text)}</text>")

    def document(self, width: float, height: float) -> str:
        size = f'width="{_num(width)}" height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}"'
        return "\n".join([
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" {size} font-family="sans-serif">',
            f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
            *self.parts,
            "</svg>",
            "",
        ])


@dataclass(frozen=True)
class _Band:
    """A row of a picture: its label and its turns (already cut to the window)."""

    label: str
    turns: Sequence[Turn]
    final: bool = False
    note: str = ""
    """Shown in the band when it has no turns."""


@dataclass(frozen=True)
class _Block:
    """One schedule of a picture."""

    title: str
    subtitle: str
    tz: ZoneInfo
    start: int
    end: int
    bands: Sequence[_Band]
    now: int | None = None
    changed: Sequence[tuple[int, int]] = ()
    """Spans to highlight across the bands, outlined on the last band."""
    notes: Sequence[str] = ()
    """Lines under the bands."""


def _colours(bands: Iterable[_Band]) -> dict[str, str]:
    # Sorted rather than by first appearance so that a person keeps a colour between pictures; numbers in
    # names sort as numbers (p2 before p10).
    people = {turn.people[0] for band in bands for turn in band.turns if turn.people}
    ordered = sorted(people, key=lambda person: ([int(part) if part.isdecimal() else part.casefold()
                                                  for part in re.split(r"(\d+)", person)], person))
    return {person: _PALETTE[i % len(_PALETTE)] for i, person in enumerate(ordered)}


def _picture(blocks: Sequence[_Block], *, compare: bool) -> str:
    colours = _colours(band for block in blocks for band in block.bands)
    labels = [band.label for block in blocks for band in block.bands]
    label_w = min(220.0, max([110.0, *(_text_width(label, _LABEL_FONT, bold=True) + 16 for label in labels)]))
    width = _PAD + label_w + _PLOT_W + _PAD
    canvas = _Canvas()
    y = float(_PAD)
    if not blocks:
        canvas.text(_PAD, y + 14, "No schedules.", fill=_MUTED)
        y += 24
    for block in blocks:
        y = _draw_block(canvas, block, y, label_w, width, colours)
    y = _draw_legend(canvas, y, width, colours, compare=compare,
                     now=any(_in_window(block.now, block.start, block.end) for block in blocks))
    return canvas.document(width, y + _PAD)


def _draw_block(canvas: _Canvas, block: _Block, top: float, label_w: float, width: float,
                colours: dict[str, str]) -> float:
    plot_x = _PAD + label_w
    span = max(block.end - block.start, 1)

    def x_of(t: int) -> float:
        return plot_x + (min(max(t, block.start), block.end) - block.start) / span * _PLOT_W

    canvas.text(_PAD, top + 16, _fit(block.title, _TITLE_FONT, width - 2 * _PAD, bold=True), size=_TITLE_FONT,
                font_weight="bold", class_="title")
    canvas.text(_PAD, top + 34, _fit(block.subtitle, _LABEL_FONT, width - 2 * _PAD), fill=_MUTED)
    axis_y = top + 42
    bands_y = top + 62
    bottom = bands_y + _ROW_H * len(block.bands)

    for i, band in enumerate(block.bands):
        band_y = bands_y + i * _ROW_H
        canvas.rect(plot_x, band_y + 1, _PLOT_W, _ROW_H - 2, fill=_BAND)
        label = _fit(band.label, _LABEL_FONT, label_w - 12, bold=band.final)
        canvas.text(_PAD, band_y + _ROW_H / 2 + 4, label, tip=band.label if label != band.label else None,
                    font_weight="bold" if band.final else None, class_="row-label")
        if band.final and i:
            canvas.line(_PAD, band_y, plot_x + _PLOT_W, band_y, stroke=_GRID_WEEK)

    for s, e in block.changed:
        canvas.rect(x_of(s), axis_y + 18, max(x_of(e) - x_of(s), 2.0), bottom - axis_y - 18, fill=_CHANGED_FILL,
                    class_="changed")

    _draw_days(canvas, block, axis_y, bands_y, bottom, plot_x, x_of)

    for i, band in enumerate(block.bands):
        band_y = bands_y + i * _ROW_H
        _draw_band(canvas, band, band_y, block, colours, x_of)

    # Changed spans: solid on the last band (what the program makes of them), dashed on the bands above
    # (what they were).
    for i, band in enumerate(block.bands):
        last = i == len(block.bands) - 1
        if not (last or band.turns):
            continue
        for s, e in block.changed:
            canvas.rect(x_of(s), bands_y + i * _ROW_H + 1, max(x_of(e) - x_of(s), 2.0), _ROW_H - 2, fill="none",
                        stroke=_CHANGED_EDGE, stroke_width=2.0 if last else 1.5,
                        stroke_dasharray=None if last else "5 3", class_="changed-edge" if last else "changed-was")

    if _in_window(block.now, block.start, block.end):
        x = x_of(block.now)
        canvas.line(x, bands_y - 4, x, bottom + 4, stroke=_NOW, stroke_width=2.0, class_="now")
        anchor = "end" if x > plot_x + _PLOT_W - 60 else "start" if x < plot_x + 60 else "middle"
        canvas.text(x, bottom + 16, f"now {_when(block.now, block.tz)}", size=10, fill=_NOW, font_weight="bold",
                    text_anchor=anchor)
        bottom += 8

    y = bottom + 8
    for note in block.notes:
        y += 16
        canvas.text(_PAD, y, _fit(note, _LABEL_FONT, width - 2 * _PAD), class_="note")
    return y + 28


def _draw_band(canvas: _Canvas, band: _Band, band_y: float, block: _Block, colours: dict[str, str],
               x_of: Callable[[int], float]) -> None:
    bar_y = band_y + (_ROW_H - _BAR_H) / 2
    text_y = band_y + _ROW_H / 2 + 4
    for turn in band.turns:
        x, w = x_of(turn.start), max(x_of(turn.end) - x_of(turn.start), 1.0)
        fill = colours.get(turn.people[0], _PALETTE[0]) if turn.people else _GRID_WEEK
        tip = f"{turn.label} · {_span(turn.start, turn.end, block.tz)}"
        canvas.rect(x, bar_y, w, _BAR_H, tip=tip, fill=fill, stroke="#ffffff", rx=3, class_="bar")
        if _text_width(turn.label, _BAR_FONT) + 10 <= w:
            canvas.text(x + 5, text_y, turn.label, size=_BAR_FONT, fill=_ink_on(fill), class_="bar-label")
    if band.final:
        # Nobody is paged in a gap of the final row: say so where there is room.
        for s, e, label in _with_gaps(band.turns, block.start, block.end):
            if label is None and _text_width(_NOBODY, _BAR_FONT) + 10 <= x_of(e) - x_of(s):
                canvas.text(x_of(s) + 5, text_y, _NOBODY, size=_BAR_FONT, fill=_MUTED, font_style="italic")
    if not band.turns and band.note:
        canvas.text(x_of(block.start) + 5, text_y, band.note, size=_BAR_FONT, fill=_MUTED, font_style="italic")


def _draw_days(canvas: _Canvas, block: _Block, axis_y: float, bands_y: float, bottom: float, plot_x: float,
               x_of: Callable[[int], float]) -> None:
    first = datetime.fromtimestamp(block.start, block.tz).date()
    last = datetime.fromtimestamp(block.end, block.tz).date()
    midnights: list[tuple[date, int]] = []
    day = first
    while day <= last:
        t = int(datetime(day.year, day.month, day.day, tzinfo=block.tz).timestamp())
        if block.start <= t < block.end:
            midnights.append((day, t))
        day += timedelta(days=1)
    day_w = _PLOT_W * 86400 / max(block.end - block.start, 1)
    label_w = _text_width("Mon 12-08", _BAR_FONT) + 8
    step = next(n for n in (1, 2, 7, 14, 28, 56, 112, 224, 448, 10**9) if n * day_w >= label_w)
    labelled = 0
    for day, t in midnights:
        ordinal = day.toordinal()  # ordinal 1 (0001-01-01) is a Monday
        show = ordinal % step == 0 if step < 7 else (ordinal - 1) % step == 0
        if not show and day_w < 6:
            continue
        x = x_of(t)
        labelled_here = show and x + label_w <= plot_x + _PLOT_W + 4
        # Only a labelled day's line reaches up to its label: the others would cross the labels before them.
        canvas.line(x, axis_y + 2 if labelled_here else bands_y, x, bottom,
                    stroke=_GRID_WEEK if day.weekday() == 0 else _GRID, stroke_width=1.0)
        if labelled_here:
            canvas.text(x + 3, axis_y + 14, f"{_WEEKDAYS[day.weekday()]} {day:%m-%d}", size=_BAR_FONT,
                        fill=_MUTED, class_="day")
            labelled += 1
    if not labelled:
        canvas.text(plot_x + 3, axis_y + 14, _when(block.start, block.tz), size=_BAR_FONT, fill=_MUTED,
                    class_="day")


def _draw_legend(canvas: _Canvas, top: float, width: float, colours: dict[str, str], *, compare: bool,
                 now: bool) -> float:
    y = top + 4
    x = float(_PAD)
    canvas.text(x, y + 11, "On call:", font_weight="bold")
    x += _text_width("On call:", _LABEL_FONT, bold=True) + 12
    items: list[tuple[str, str]] = [(person, "person") for person in colours]
    if compare:
        items.append(("changed by the program", "changed"))
    if now:
        items.append(("now", "now"))
    for name, kind in items:
        label = _fit(name, _LABEL_FONT, 260)
        item_w = 18 + _text_width(label, _LABEL_FONT) + 18
        if x + item_w > width - _PAD and x > _PAD + 80:
            x, y = _PAD + 80.0, y + 22
        parts = _Canvas()
        if kind == "person":
            parts.rect(x, y + 1, 12, 12, fill=colours[name], rx=2)
        elif kind == "changed":
            parts.rect(x, y + 1, 12, 12, fill=_CHANGED_FILL, stroke=_CHANGED_EDGE, stroke_width=2.0)
        else:
            parts.line(x + 6, y - 1, x + 6, y + 15, stroke=_NOW, stroke_width=2.0)
        parts.text(x + 18, y + 11, label, tip=name if label != name else None)
        group = "legend-item" if kind == "person" else "legend-mark"
        canvas.parts.append(f'<g class="{group}">' + "".join(parts.parts) + "</g>")
        x += item_w
    return y + 18


def _svg_rosters(rosters: Sequence[Roster], now: int | None) -> str:
    blocks = []
    for roster in rosters:
        tz = ZoneInfo(roster.time_zone)
        subtitle = _span(roster.start, roster.end, tz)
        if _in_window(now, roster.start, roster.end):
            turn = roster.on_call(now)
            subtitle += f" · on call now: {_who(turn.label if turn else None)}"
        bands = [_Band("Final (who is paged)" if row.kind == "final" else _row_title(row),
                       _clipped(row.turns, roster.start, roster.end), final=row.kind == "final",
                       note="nobody in the window") for row in roster.rows]
        blocks.append(_Block(f"{roster.schedule} · {roster.time_zone} · {roster.source}", subtitle, tz,
                             roster.start, roster.end, bands, now=now))
    return _picture(blocks, compare=False)


def _svg_comparisons(comparisons: Sequence[Comparison]) -> str:
    blocks = []
    for comparison in comparisons:
        tz = ZoneInfo(comparison.time_zone)
        start, end = comparison.start, comparison.end
        window = _span(start, end, tz)
        live = comparison.live
        program = _Band("program", _clipped(comparison.planned.final.turns, start, end), final=True,
                        note="nobody in the window")
        if live is None:
            live_band = _Band("live (Flashduty)", (), note="not in Flashduty yet")
            subtitle = f"{window} · new schedule, not in Flashduty yet"
            notes: list[str] = []
        else:
            live_band = _Band("live (Flashduty)", _clipped(live.final.turns, start, end), final=True,
                              note="nobody in the window")
            count = len(comparison.changes)
            summary = f"{count} change{'s' if count != 1 else ''}" if count else "no change in who is on call"
            subtitle = f"{window} · {summary} · {_now_line(comparison)}"
            notes = [_change_line(change, tz, str) for change in comparison.changes[:_MAX_CHANGE_LINES]]
            if count > _MAX_CHANGE_LINES:
                notes.append(f"… and {count - _MAX_CHANGE_LINES} more")
        changed = [(max(c.start, start), min(c.end, end)) for c in comparison.changes]
        title = f"{comparison.schedule} · {comparison.time_zone} · {_comparison_source(comparison)}"
        blocks.append(_Block(title, subtitle, tz, start, end, [live_band, program], now=comparison.now,
                             changed=[(s, e) for s, e in changed if s < e], notes=notes))
    return _picture(blocks, compare=True)
