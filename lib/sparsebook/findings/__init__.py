"""What each chapter concludes from the committed results: numbers and the sentences that state them."""

from __future__ import annotations

import numpy as np

from ..plots import format_lam


def check_records(runs, fields: tuple, what: str, *, advice: str) -> list[dict]:
    """``runs`` as a list, after checking that it is a non-empty list of dicts each holding ``fields``;
    ``advice`` ends the message of a missing field (where such runs come from)."""
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError(f"{what} must be a non-empty list of run records (dicts)")
    for i, run in enumerate(runs):
        if not isinstance(run, dict):
            raise TypeError(f"{what}[{i}] must be a dict (a run record), got {type(run).__name__}")
        missing = [field for field in fields if field not in run]
        if missing:
            raise ValueError(f"{what}[{i}] (λ = {run.get('lam')}) lacks {missing}; {advice}")
    return list(runs)


def check_runs(runs, fields: tuple, what: str, *, advice: str, grid: bool = False) -> list[dict]:
    """``runs`` (run records) sorted by λ, after checking that each is a dict holding ``fields``
    and that no λ repeats; ``grid``: λ = 0 and at least two λ > 0 are required too. ``advice``
    ends the message of a missing field (where such runs come from)."""
    runs = sorted(check_records(runs, fields, what, advice=advice), key=lambda run: run["lam"])
    lams = [run["lam"] for run in runs]
    if len(set(lams)) != len(lams):
        raise ValueError(f"{what} holds two runs with the same λ: {lams}")
    if grid and (lams[0] != 0 or len(lams) < 3):
        raise ValueError(f"{what} must hold the run at λ = 0 and at least two runs with λ > 0, got λ = {lams}")
    return runs


def run_at(runs: list[dict], lam: float, what: str) -> dict:
    """The run of ``runs`` at ``lam``; ``ValueError`` if there is none."""
    for run in runs:
        if np.isclose(run["lam"], lam, rtol=1e-9, atol=0):
            return run
    raise ValueError(f"{what} has no run at λ = {format_lam(lam)}; the chapter needs it")


def lam_text(lam: float) -> str:
    """``λ = 1e-4``: a λ as the sentences write it."""
    return f"λ = {format_lam(lam)}"


def count_text(k: int, n: int, what: str) -> str:
    """``at every λ`` / ``at none of the 6 λ`` / ``at 4 of the 6 λ``."""
    if k == n:
        return f"at every {what}"
    if k == 0:
        return f"at none of the {n} {what}"
    return f"at {k} of the {n} {what}"


def trend(lams, values, write) -> str:
    """How ``values`` move along ``lams``: "falls at every step of the grid, from ..." or its exceptions.

    The overall direction (first to last value) is stated, then every step that goes the
    other way or stays put. The subject is singular ("the activity falls").
    """
    lams, values = list(lams), list(values)
    first, last = values[0], values[-1]
    if last == first:
        return f"ends where it starts, at {write(first)} at {lam_text(lams[0])} and {lam_text(lams[-1])}"
    direction, opposite = ("falls", "rises") if last < first else ("rises", "falls")
    against = []
    for i in range(1, len(values)):
        before, after = values[i - 1], values[i]
        if before == after:
            against.append(f"stays at {write(after)} from {lam_text(lams[i - 1])} to {format_lam(lams[i])}")
        elif (after > before) == (direction == "falls"):
            against.append(f"{opposite} from {write(before)} to {write(after)} between "
                           f"{lam_text(lams[i - 1])} and {format_lam(lams[i])}")
    span = f"from {write(first)} at {lam_text(lams[0])} to {write(last)} at {lam_text(lams[-1])}"
    if not against:
        return f"{direction} at every step of the grid, {span}"
    return f"{direction} {span}, but not at every step: it " + " and ".join(against)


def by_strength(runs, strength: str = "lam") -> dict:
    """``runs`` grouped by their swept strength (one group per λ, ρ, β or k): ``{value: [runs]}``, sorted."""
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError("runs must be a non-empty list of run records (dicts)")
    groups: dict = {}
    for i, run in enumerate(runs):
        if not isinstance(run, dict) or strength not in run:
            raise ValueError(f"runs[{i}] must be a run record holding {strength!r}")
        groups.setdefault(float(run[strength]), []).append(run)
    for value, group in groups.items():
        seeds = [run.get("seed") for run in group]
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"two runs at {strength} = {value:g} have the same seed: {seeds}")
    return dict(sorted(groups.items()))


def mean_records(runs, strength: str = "lam") -> list[dict]:
    """One record per strength: every number field averaged over its seeds, the rest from the first seed.

    Each record also holds ``seeds`` (the seeds averaged) and ``spread``: for every number
    field, ``{"min", "max", "std"}`` over the seeds (std is 0 for a single seed).
    """
    merged = []
    for value, group in by_strength(runs, strength).items():
        record = dict(sorted(group, key=lambda run: run.get("seed", 0))[0])
        record["seeds"] = sorted(run.get("seed", 0) for run in group)
        record["spread"] = {}
        for key, first in list(record.items()):
            if isinstance(first, bool) or not isinstance(first, (int, float)) or key in ("seed", strength):
                continue
            values = [run.get(key) for run in group]
            if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
                continue
            values = np.asarray(values, dtype=float)
            record[key] = float(values.mean())
            record["spread"][key] = {"min": float(values.min()), "max": float(values.max()),
                                     "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0}
        merged.append(record)
    return merged


def seeds_text(record: dict) -> str:
    """``mean of 3 seeds`` / ``one seed``: how many runs a merged record (``mean_records``) stands for."""
    n = len(record.get("seeds", [record.get("seed", 0)]))
    return "one seed" if n == 1 else f"mean of {n} seeds"


def seed_range(record: dict, key: str) -> tuple[float, float]:
    """The lowest and highest seed's value of ``key`` in a merged record (``mean_records``); the value
    itself for one seed."""
    spread = record.get("spread", {}).get(key)
    return (spread["min"], spread["max"]) if spread else (record[key], record[key])


def spread_text(record: dict, key: str, write) -> str:
    """``0.966 (seeds 0.962–0.970)`` or ``0.966 (one seed)``: a merged value with its range over seeds."""
    if key not in record:
        raise ValueError(f"the record has no {key!r}")
    spread = record.get("spread", {}).get(key)
    if not spread or len(record.get("seeds", [])) < 2:
        return f"{write(record[key])} (one seed)"
    return f"{write(record[key])} (seeds {write(spread['min'])}–{write(spread['max'])})"


def glue_all(values) -> list[str]:
    """Glue each text or number of ``values`` (a dict) under its name for the page's prose.

    myst-nb's ``glue`` stores them without displaying anything; numpy scalars are glued as plain
    numbers (not ``np.float64(...)``). Values of other types (lists, ``None``, booleans) are
    skipped. Returns the names glued.
    """
    from myst_nb import glue

    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict of name -> text or number, got {type(values).__name__}")
    glued = []
    for name, value in values.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            glue(name, value, display=False)
            glued.append(name)
    return glued
