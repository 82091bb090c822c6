"""What each chapter concludes from the committed results: numbers and the sentences that state them."""

from __future__ import annotations

import numpy as np

from ..plots import format_lam


def check_runs(runs, fields: tuple, what: str, *, advice: str, grid: bool = False) -> list[dict]:
    """``runs`` (run records) sorted by λ, after checking that each is a dict holding ``fields``
    and that no λ repeats; ``grid``: λ = 0 and at least two λ > 0 are required too. ``advice``
    ends the message of a missing field (where such runs come from)."""
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError(f"{what} must be a non-empty list of run records (dicts)")
    for i, run in enumerate(runs):
        if not isinstance(run, dict):
            raise TypeError(f"{what}[{i}] must be a dict (a run record), got {type(run).__name__}")
        missing = [field for field in fields if field not in run]
        if missing:
            raise ValueError(f"{what}[{i}] (λ = {run.get('lam')}) lacks {missing}; {advice}")
    runs = sorted(runs, key=lambda run: run["lam"])
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
