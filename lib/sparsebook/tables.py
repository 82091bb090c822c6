"""Result tables as the book prints them: readable names, sensible digits, no index row.

:func:`table` turns run records (a list of dicts, or a DataFrame) into a styled table whose
columns are named for a reader and whose numbers are written by :func:`format_value`:
significant digits per quantity, thousands separators, λ in one piece (``2.7e-3``, never
broken across lines), percentages with a ``%``.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

from .plots import format_lam

#: How :func:`format_value` writes each kind of quantity.
KINDS = (
    "text",  # as it is
    "int",  # a count: 12,345
    "number",  # 3 significant digits, thousands separators: 4,867  0.0123  12.3
    "lam",  # a penalty strength as the book writes it: 0, 1e-5, 2.7e-3, 0.25
    "accuracy",  # a fraction as a percentage with two decimals: 97.88 %
    "percent",  # a fraction as a percentage with one decimal: 12.5 %
    "sci",  # scientific, 2 significant digits: 1.2e-4 (gaps, tolerances)
    "seconds",  # 3 significant digits and " s": 12.3 s, 1,234 s
)
MISSING = "–"  #: What a table shows where a run has no value.


def format_number(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, with thousands separators; tiny values in e-notation."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -3:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    if magnitude >= digits - 1:
        return f"{round(value):,}"
    return f"{value:,.{digits - 1 - magnitude}f}"


def format_value(value, kind: str | Callable = "number") -> str:
    """One cell of a table: ``value`` written as ``kind`` (one of :data:`KINDS`, or a function)."""
    if callable(kind):
        return kind(value)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or a function, got {kind!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == "text":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"a {kind!r} cell needs a number, got {value!r}")
    value = float(value)
    if kind == "int":
        return f"{round(value):,}"
    if kind == "lam":
        return format_lam(value)
    if kind == "accuracy":
        return f"{100 * value:.2f} %"
    if kind == "percent":
        return f"{100 * value:.1f} %"
    if kind == "sci":
        mantissa, exponent = f"{value:.1e}".split("e")
        return "0" if value == 0 else f"{mantissa}e{int(exponent)}"
    if kind == "seconds":
        return f"{format_number(value)} s"
    return format_number(value)


def table(rows, columns: Mapping[str, tuple[str, str | Callable]], caption: str | None = None):
    """A styled table of ``rows`` (dicts or a DataFrame), one column per entry of ``columns``.

    ``columns`` maps a key of the rows to ``(name shown, kind)``, in the order shown; ``kind``
    is one of :data:`KINDS` or a function that writes a value. Returns a pandas ``Styler``
    (shown as HTML), without the index, with every cell on one line.
    """
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not all(isinstance(r, Mapping) for r in rows):
        raise TypeError("rows must be a list of dicts (one per row) or a DataFrame")
    if not isinstance(columns, Mapping) or not columns:
        raise ValueError("columns must map at least one key to its (name shown, kind)")
    for key, spec in columns.items():
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str)):
            raise TypeError(f"columns[{key!r}] must be a (name shown, kind) pair, got {spec!r}")
        if not callable(spec[1]) and spec[1] not in KINDS:
            raise ValueError(f"columns[{key!r}]: kind must be one of {KINDS} or a function, got {spec[1]!r}")
    missing = sorted({key for key in columns for row in rows if key not in row})
    if missing:
        raise ValueError(f"rows lack the columns {missing}; they hold {sorted(rows[0]) if rows else []}")
    frame = pd.DataFrame([{name: format_value(row[key], kind) for key, (name, kind) in columns.items()}
                          for row in rows], columns=[name for name, _ in columns.values()])
    styler = frame.style.hide(axis="index").set_table_styles([
        {"selector": "td, th", "props": "white-space: nowrap; padding: 0.2em 0.6em;"},
        {"selector": "td", "props": "font-variant-numeric: tabular-nums;"},
        {"selector": "caption", "props": "caption-side: top; text-align: left; font-style: italic;"},
    ])
    # words read from the left, numbers line up on the right (per cell: it outranks the table's rules)
    for side, names in (("left", [n for n, kind in columns.values() if kind == "text"]),
                        ("right", [n for n, kind in columns.values() if kind != "text"])):
        if names:
            styler = styler.set_properties(subset=names, **{"text-align": side})
    return styler.set_caption(caption) if caption else styler
