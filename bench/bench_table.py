"""Rows, verdicts and the one table of ``make bench`` (no Django, no third-party imports).

Every bench module exposes ``rows()`` returning a list of dicts with the keys of ``KEYS``:

* ``measure`` - what is measured (text);
* ``ours`` / ``baseline`` - our figure and the baseline's, measured in the same run (numbers,
  or text for a few composite figures such as query counts at three sizes);
* ``unit`` - of both figures ("s", "ms", "requests/s", "rows/s", "MB", "queries", ...);
* ``ratio`` - ours / baseline (None when either is not a number);
* ``target`` - the target as text ("<= 1.15x", "< 0.5 s"), or None for a figure shown for
  information;
* ``ok`` - True (pass), False (falls short) or None (no target).

``make_row`` builds one and judges it; ``growth_rows`` turns figures measured at 1x, 10x and
100x of the data into "growth" rows, so that cost growing worse than linearly shows.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Sequence
from numbers import Real

KEYS = ("measure", "ours", "baseline", "unit", "ratio", "target", "ok")
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
PASS, SHORT, INFO = "pass", "FALLS SHORT", "-"
# Ten times the data should cost at most ten times as much; 20 % on top absorbs timing noise
# (other work on the machine), so that only growth clearly worse than linear falls short.
LINEAR = 10.0
GROWTH_LIMIT = 12.0


def _number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def ratio_of(ours, baseline) -> float | None:
    if _number(ours) and _number(baseline) and baseline:
        return ours / baseline
    return None


def make_row(
    measure: str,
    ours,
    baseline,
    unit: str,
    *,
    target: tuple[str, float] | None = None,
    on: str = "ours",
    ok: bool | None = None,
    target_text: str | None = None,
    ratio: float | None = None,
) -> dict:
    """One row. ``target`` is ``(operator, limit)`` checked against ``ours`` (``on="ours"``) or
    against the ratio ours / baseline (``on="ratio"``); a figure that cannot be checked (not
    measured, not a number) falls short. ``ok`` and ``target_text`` judge rows by other rules.
    ``ratio`` is given when it is not ours / baseline (a median of paired ratios)."""
    if ratio is None:
        ratio = ratio_of(ours, baseline)
    text = target_text
    if target is not None:
        op, limit = target
        value = ratio if on == "ratio" else ours
        ok = bool(_number(value) and OPS[op](value, limit))
        if text is None:
            text = f"{op} {limit:g}x" if on == "ratio" else f"{op} {limit:g} {unit}"
    return {
        "measure": measure,
        "ours": ours,
        "baseline": baseline,
        "unit": unit,
        "ratio": ratio,
        "target": text,
        "ok": ok,
    }


def growth_rows(
    measure: str,
    sizes: Sequence[str],
    ours: Sequence[float],
    baseline: Sequence[float],
    *,
    n_log_n: Sequence[int] | None = None,
) -> list[dict]:
    """``ours`` and ``baseline`` measured at 1x, 10x (and 100x) of the data, labelled by
    ``sizes``: one row per step, the cost at 10x over the cost at 1x, which falls short when it
    is worse than linear (over ``GROWTH_LIMIT``). A measure that must sort its data (ranking)
    cannot be linear: given its sizes as numbers (``n_log_n``), it is judged against n log n,
    10 x log(10n) / log(n), with the same 20 % for noise."""
    rows = []
    for step in range(1, len(sizes)):
        before, after = ours[step - 1], ours[step]
        base_before, base_after = baseline[step - 1], baseline[step]
        expected, name = LINEAR, "linear"
        if n_log_n is not None:
            small, large = n_log_n[step - 1], n_log_n[step]
            expected, name = large / small * math.log(large) / math.log(small), "n log n"
        limit = expected * GROWTH_LIMIT / LINEAR
        rows.append(
            make_row(
                f"growth {sizes[step - 1]} -> {sizes[step]}: {measure}",
                ratio_of(after, before),
                ratio_of(base_after, base_before),
                "x cost",
                target=("<=", round(limit, 1)),
                target_text=f"<= {limit:.3g} ({name} {expected:.3g})",
            )
        )
    return rows


def error_row(group: str, reason: str) -> dict:
    """A part that did not run: it falls short, visibly, rather than vanishing from the table."""
    return {
        "measure": f"{group}: not measured ({reason})",
        "ours": None,
        "baseline": None,
        "unit": "",
        "ratio": None,
        "target": "runs",
        "ok": False,
    }


def check_rows(rows) -> list[dict]:
    """The rows as plain dicts with exactly ``KEYS`` (plus an optional ``group``); raises
    ValueError naming what is wrong, so that a module breaking the contract is caught."""
    checked = []
    for index, row in enumerate(rows):
        missing = [key for key in KEYS if key not in row]
        if missing:
            raise ValueError(f"row {index} ({row.get('measure')!r}) lacks {', '.join(missing)}")
        if row["ok"] not in (True, False, None):
            raise ValueError(f"row {index}: ok must be True, False or None, not {row['ok']!r}")
        checked.append({key: row[key] for key in (*KEYS, "group") if key in row})
    return checked


def verdict(row: dict) -> str:
    return INFO if row["ok"] is None else (PASS if row["ok"] else SHORT)


def figure(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, Real):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "-"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def ratio_text(ratio) -> str:
    if not _number(ratio):
        return "-"
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:,.0f}x"


def summary(rows) -> str:
    judged = [row for row in rows if row["ok"] is not None]
    short = [row["measure"] for row in judged if not row["ok"]]
    text = f"{len(rows)} rows, {len(judged)} with a target: {len(judged) - len(short)} pass"
    if short:
        return f"{text}, {len(short)} FALL SHORT: " + "; ".join(short)
    return f"{text}, none falls short"


def render(rows, heading: Sequence[str] = ()) -> str:
    """The table: a section line per group, one line per row, and a summary line."""
    header = ("measure", "ours", "baseline", "unit", "ratio", "target", "result")
    lines: list[tuple[str, ...] | str] = []
    group = None
    for row in rows:
        if row.get("group") and row["group"] != group:
            group = row["group"]
            lines.append(f"[{group}]")
        lines.append(
            (
                row["measure"],
                figure(row["ours"]),
                figure(row["baseline"]),
                row["unit"] or "",
                ratio_text(row["ratio"]),
                row["target"] or "-",
                verdict(row),
            )
        )
    cells = [header, *(line for line in lines if isinstance(line, tuple))]
    widths = [max(len(cell[i]) for cell in cells) for i in range(len(header))]

    def fmt(cell_row):
        return "  ".join(
            cell.ljust(width) if i in (0, 3) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cell_row, widths, strict=True))
        ).rstrip()

    out = [*heading, fmt(header), "  ".join("-" * width for width in widths)]
    out += [line if isinstance(line, str) else fmt(line) for line in lines]
    out += ["", summary(rows)]
    return "\n".join(out) + "\n"


def to_json(rows, meta: dict | None = None) -> str:
    judged = [row for row in rows if row["ok"] is not None]
    return json.dumps(
        {
            **(meta or {}),
            "summary": {
                "rows": len(rows),
                "with_target": len(judged),
                "pass": sum(1 for row in judged if row["ok"]),
                "falls_short": [row["measure"] for row in judged if not row["ok"]],
            },
            "rows": [{**row, "result": verdict(row)} for row in rows],
        },
        indent=2,
        ensure_ascii=False,
        default=str,
    )
