"""What the sparse auto-encoder chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/sae_l1.json``,
``sae_kl.json``, ``sae_topk.json``); :func:`weight_penalty` and :func:`bottleneck` add the
pitfalls' single runs (``sae_l1_weights.json``, ``sae_bottleneck.json``), :func:`kl_weak_code`
and :func:`atom_rates` read more of the grids, :func:`training_cost` their recorded training times:
every conclusion of the chapter comes from them. :func:`beta_sweep`, :func:`ng_model`,
:func:`thresholded` and :func:`baselines` add the KL weight's sweep, Ng's model, the reconstruction
without sub-threshold activations and what a code must beat (``results/code_baselines.json``).
Several seeds at one strength are merged into one record, their mean (``findings.mean_records``);
a difference counts only if it exceeds the widest range the seeds of one point span
(:func:`levels`), and never less than :data:`PROBE_LEVEL` for probe accuracies.
The ``demo_*`` functions describe the chapter's small live runs, in sentences about those
runs only. Every sentence whose truth depends on a comparison is written here, whole.
"""

from __future__ import annotations

import math

import numpy as np

from . import by_strength, mean_records, seeds_text, spread_text
from ..plots import LAM_CONVENTIONS, format_lam

MECHANISMS = {"sae_l1": "L1", "sae_kl": "KL", "sae_topk": "TopK"}  #: Experiment -> how the page names it.
STRENGTHS = {"sae_l1": "lam", "sae_kl": "rho", "sae_topk": "k"}
SYMBOLS = {"lam": "λ", "rho": "ρ", "k": "k"}  #: A strength's name -> its symbol.
SPARSITY_NAMES = {"l1": "L1", "kl": "KL", "topk": "TopK"}  #: ``sparse_autoencoder``'s sparsity -> its name.
RUN_FIELDS = ("strength_name", "units", "l0_test", "avr_test", "reconstruction_mse_test", "test_accuracy",
              "dead_units", "firing_rates_test", "train_seconds", "curve")
MIDDLE = {"sae_l1": 0.1, "sae_kl": 0.05, "sae_topk": 40}  #: The run of each mechanism whose firing rates are drawn.
KL_DETAIL_RHO = 0.05  #: The target rate the source quotes; the page looks at its code in detail.
KL_CLOSE_FACTOR = 1.5  #: A mean activation within this factor of ρ is "close to" it.
#: Probe accuracies (fractions) closer than this count as level. With 10,000 test digits an
#: accuracy near 0.9 has a sampling error of about 0.3 points, and one seed says nothing finer.
PROBE_LEVEL = 0.005


# --- how numbers are written -----------------------------------------------------------------

def _units(n: float) -> str:
    """An average number of units: ``441``, ``46.7``, ``8.42``."""
    return f"{n:,.0f}" if n >= 100 else f"{n:.3g}"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _strength(run: dict) -> str:
    """``λ = 0.1``, ``ρ = 0.05``, ``k = 40``."""
    name = run["strength_name"]
    return f"{SYMBOLS.get(name, name)} = {run[name]:g}"


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _count(k: int, n: int, what: str) -> str:
    """``at all 5 comparable points`` / ``at none of the 2 ...`` / ``at 4 of the 5 ...``."""
    if n == 0:
        return f"at no {what} (none falls within L1's range of L0)"
    if n == 1:
        return f"at the one {what}" if k else f"not at the one {what}"
    if n == 2 and k in (0, 2):
        return f"at both {what}s" if k else f"at neither of the 2 {what}s"
    if k == n:
        return f"at all {n} {what}s"
    if k == 0:
        return f"at none of the {n} {what}s"
    return f"at {k} of the {n} {what}s"


def _direction(values) -> str | None:
    """``"rises"`` or ``"falls"`` if ``values`` move that way at every step, else ``None``."""
    steps = np.diff(np.asarray(values, dtype=float))
    if len(steps) and np.all(steps > 0):
        return "rises"
    if len(steps) and np.all(steps < 0):
        return "falls"
    return None


# --- checks ----------------------------------------------------------------------------------

def _with_dead(run: dict) -> dict:
    """``run`` with ``dead_units_test``: the units active (above the threshold) on none of the test digits.

    The book's one definition of a dead unit; runs made before the field existed get it from
    their ``firing_rates_test``.
    """
    if "dead_units_test" in run or "firing_rates_test" not in run:
        return run
    return dict(run, dead_units_test=int((np.asarray(run["firing_rates_test"]) == 0).sum()))


def merge_seeds(runs, strength: str) -> list[dict]:
    """One record per strength: the mean over its seeds (``findings.mean_records``), sorted by strength.

    Each record keeps ``seeds`` and ``spread``; a field equal in every seed keeps its value
    (an int stays an int); lists (``firing_rates_test``, ``curve``) are the first seed's. A number
    field only some seeds measured is their mean, and ``partial[field]`` lists those seeds.
    """
    runs = [_with_dead(run) for run in runs]
    merged = mean_records(runs, strength)
    for record, group in zip(merged, by_strength(runs, strength).values()):
        first = min(group, key=lambda run: run.get("seed", 0))
        for key, spread in record["spread"].items():
            if spread["min"] == spread["max"]:
                record[key] = first[key]
        record["partial"] = {}
        for key in sorted({key for run in group for key in run} - set(record)):
            having = [run for run in group if isinstance(run.get(key), (int, float))
                      and not isinstance(run.get(key), bool)]
            if having:
                record[key] = float(np.mean([run[key] for run in having]))
                record["partial"][key] = sorted(run.get("seed", 0) for run in having)
    return merged


def _check_runs(runs, name: str, merge: bool = True) -> list[dict]:
    """The runs of experiment ``name`` after checking their fields, merged over seeds (one record per
    strength, :func:`merge_seeds`) and sorted by strength; ``merge=False``: every run, sorted."""
    if not isinstance(runs, (list, tuple)) or len(runs) < 2:
        raise ValueError(f"the runs of {name} must be a list of at least two run records (dicts)")
    for i, run in enumerate(runs):
        if not isinstance(run, dict):
            raise TypeError(f"run {i} of {name} must be a dict (a run record), got {type(run).__name__}")
        missing = [field for field in RUN_FIELDS if field not in run]
        if missing:
            raise ValueError(f"run {i} of {name} lacks {missing}; pass load_results(results_path({name!r}))['runs']")
        if run["strength_name"] != STRENGTHS[name] or STRENGTHS[name] not in run:
            raise ValueError(f"run {i} of {name} must be swept over {STRENGTHS[name]!r}, "
                             f"got strength_name={run['strength_name']!r}")
    runs = sorted(runs, key=lambda run: (run[STRENGTHS[name]], run.get("seed", 0)))
    pairs = [(run[STRENGTHS[name]], run.get("seed", 0)) for run in runs]
    if len(set(pairs)) != len(pairs):
        raise ValueError(f"the runs of {name} hold two runs at the same {STRENGTHS[name]} and seed: {pairs}")
    if len({value for value, _ in pairs}) < 2:
        raise ValueError(f"the runs of {name} must span at least two values of {STRENGTHS[name]}")
    return merge_seeds(runs, STRENGTHS[name]) if merge else [_with_dead(run) for run in runs]


def _check_experiments(runs_by_experiment, merge: bool = True) -> dict[str, list[dict]]:
    if not isinstance(runs_by_experiment, dict):
        raise TypeError("runs_by_experiment must be a dict {experiment name: list of run records}, "
                        f"got {type(runs_by_experiment).__name__}")
    if set(runs_by_experiment) != set(MECHANISMS):
        raise ValueError(f"runs_by_experiment must hold exactly {sorted(MECHANISMS)}, got {sorted(runs_by_experiment)}")
    return {name: _check_runs(runs_by_experiment[name], name, merge) for name in MECHANISMS}


def _by_strength(runs: list[dict], value, what: str) -> dict:
    for run in runs:
        if math.isclose(run[run["strength_name"]], value, rel_tol=1e-9):
            return run
    raise ValueError(f"{what} has no run at {value}; the chapter needs it")


# --- reading one mechanism's line at another's L0 --------------------------------------------

def log_interpolate(runs, key: str, l0: float) -> float | None:
    """``key`` read off the line of ``runs`` at ``l0`` active units (log-log), or None outside its range.

    The line joins the runs' measured points ``(l0_test, key)`` in log-log coordinates.
    """
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError("runs must be a non-empty list of run records")
    if any(key not in run or "l0_test" not in run for run in runs):
        raise ValueError(f"every run needs 'l0_test' and {key!r}")
    if not (isinstance(l0, (int, float, np.integer, np.floating)) and l0 > 0):
        raise ValueError(f"l0 must be a number > 0, got {l0!r}")
    points = sorted((run["l0_test"], run[key]) for run in runs)
    x = np.log([p[0] for p in points])
    if not x[0] <= np.log(l0) <= x[-1]:
        return None
    return float(np.exp(np.interp(np.log(l0), x, np.log([p[1] for p in points]))))


def at_equal_l0(runs, reference, key: str) -> list[tuple[dict, float]]:
    """``(run, reference's key at run's L0)`` for each run of ``runs`` inside ``reference``'s range of L0."""
    pairs = [(run, log_interpolate(reference, key, run["l0_test"])) for run in runs]
    return [(run, value) for run, value in pairs if value is not None]


# --- the full-size runs ----------------------------------------------------------------------

def findings(runs_by_experiment) -> dict:
    """The chapter's conclusions from the committed full-size runs.

    Parameters
    ----------
    runs_by_experiment : dict
        ``{"sae_l1": runs, "sae_kl": runs, "sae_topk": runs}``, each the ``"runs"`` of
        :func:`sparsebook.sweep.load_results`; several seeds at one strength are merged.

    Returns
    -------
    dict
        Numbers and whole sentences (str), keyed by the names the page glues them under.
    """
    raw = _check_experiments(runs_by_experiment, merge=False)
    runs = _check_experiments(runs_by_experiment)
    first = runs["sae_l1"][0]
    out = {
        "units": int(first["units"]),
        "n_train": int(first.get("n_train", 0)),
        "n_test": int(first.get("n_test", 0)),
        "steps": int(first.get("steps", 0)),
        "probe_train_examples": int(first.get("probe_train_examples", 0)),
        "n_runs": sum(len(r) for r in raw.values()),
        "n_points": sum(len(r) for r in runs.values()),
    }
    level = _levels(runs)
    out.update(_seeds(runs, level))
    out.update(_threshold(runs))
    out.update(_frontier(runs, level))
    out.update(_l1_range(runs["sae_l1"]))
    out.update(_kl_code(runs["sae_kl"]))
    out.update(_probe(runs, level))
    out.update(_dead(runs, level))
    out.update(_firing(runs))
    out.update(_time(raw))
    out.update(_lam_convention(runs["sae_l1"]))
    out.update(_advice(out, runs))
    return out


def _relative(own: float, other: float) -> str:
    """How ``own`` compares with ``other``: ``25% lower``, ``7% higher``, ``8.9 times as high``."""
    ratio = own / other
    if ratio >= 2:
        return f"{ratio:.1f} times as high"
    return f"{abs(ratio - 1):.0%} {'lower' if ratio < 1 else 'higher'}"


def _level(level: float = PROBE_LEVEL) -> str:
    """A difference of probe accuracies in words: ``0.5 points``, ``0.62 points``."""
    return f"{100 * level:.2g} points"


def _points(difference: float) -> str:
    """A difference of accuracies in percentage points, signed: ``+4.90``, ``−5.83``."""
    return f"{100 * difference:+.2f}".replace("-", "−")


def _range(record: dict, key: str) -> float:
    """How far apart the seeds of a merged record are on ``key`` (max − min; 0 for one seed)."""
    spread = record.get("spread", {}).get(key)
    return spread["max"] - spread["min"] if spread and len(record.get("seeds", [])) > 1 else 0.0


def _levels(runs: dict) -> dict:
    """The smallest differences the page counts, from the points that have several seeds.

    ``probe``: the widest range of probe accuracy over the seeds of one point, and never less
    than :data:`PROBE_LEVEL`; ``mse`` and ``l0``: the widest range of the reconstruction error and
    of L0 relative to their mean; ``dead``: the widest range of dead units (units).
    """
    seeded = [(name, run) for name in MECHANISMS for run in runs[name] if len(run.get("seeds", [])) > 1]
    widest = {key: max([_range(run, key) / (run[key] if relative and run[key] else 1) for _, run in seeded],
                       default=0.0)
              for key, relative in (("test_accuracy", False), ("reconstruction_mse_test", True),
                                    ("l0_test", True), ("dead_units_test", False))}
    return {"probe": max(PROBE_LEVEL, widest["test_accuracy"]), "probe_seeds": widest["test_accuracy"],
            "mse": widest["reconstruction_mse_test"], "l0": widest["l0_test"], "dead": widest["dead_units_test"],
            "seeded": seeded}


def levels(runs_by_experiment) -> dict:
    """The smallest differences the page counts, from the grids' points that have several seeds.

    ``probe``: the widest range of probe accuracy over one point's seeds, never less than
    :data:`PROBE_LEVEL` (``probe_seeds``: that range itself); ``mse`` and ``l0``: the widest
    range of the reconstruction error and of L0 relative to their mean; ``dead``: the widest
    range of dead units.
    """
    level = _levels(_check_experiments(runs_by_experiment))
    return {key: value for key, value in level.items() if key != "seeded"}


def _seeds(runs: dict, level: dict) -> dict:
    """Which points have several seeds, how far apart their seeds are, and the bands that follow."""
    seeded = level["seeded"]
    n_points = sum(len(r) for r in runs.values())
    if not seeded:
        sentence = (f"Every one of the {n_points} points is one seed, so a difference between two points says "
                    f"nothing finer than a 10,000-digit test's sampling error; the page counts a difference in "
                    f"probe accuracy only above {_level(level['probe'])}.")
        return {"seeded_points": 0, "seeds_sentence": sentence, "seed_spread_sentence": "",
                "seeded_text": "each of them one seed",
                "probe_level": level["probe"], "mse_level": level["mse"], "seeds_of": {}}
    counts = sorted({len(run["seeds"]) for _, run in seeded})
    seeds = sorted({seed for _, run in seeded for seed in run["seeds"]})
    numbers = {2: "two", 3: "three", 4: "four", 5: "five"}
    how_many = (f"{numbers.get(counts[0], counts[0])} seeds" if len(counts) == 1 else
                f"{counts[0]} to {counts[-1]} seeds")
    which = _and([f"{MECHANISMS[name]} at {_strength(run)}" for name, run in seeded])
    others = n_points - len(seeded)
    verb = "has" if len(seeded) == 1 else "have"
    each = " each" if len(seeded) > 1 else ""
    head = (f"{len(seeded)} of the {n_points} points {verb} {how_many}{each} ({_and([str(s) for s in seeds])}): "
            f"{which}; {'every other point is' if others > 1 else 'the other point is'} one seed (seed 0)."
            if others else f"Every one of the {n_points} points has {how_many}.")
    band = (f" Over the seeds of one point, the probe accuracy spans at most {_level(level['probe_seeds'])} and "
            f"the reconstruction error at most {level['mse']:.1%} of its mean, so the page counts a difference in "
            f"probe accuracy only above {_level(level['probe'])}"
            + (f" (never below {_level()}, a 10,000-digit test's sampling error)"
               if level["probe"] == PROBE_LEVEL else "")
            + f" and one in reconstruction error only above {level['mse']:.1%}; the same bands apply to the "
              "one-seed points, whose own spread is not measured.")
    parts = []
    for name, run in seeded:
        parts.append(f"{MECHANISMS[name]} at {_strength(run)}: L0 {spread_text(run, 'l0_test', _units)}, "
                     f"MSE per pixel {spread_text(run, 'reconstruction_mse_test', lambda v: f'{v:.2e}')}, "
                     f"probe {spread_text(run, 'test_accuracy', lambda v: f'{v:.4f}')}, dead units "
                     f"{spread_text(run, 'dead_units_test', lambda v: f'{v:,.0f}')}")
    spread = "Mean and range over the seeds: " + "; ".join(parts) + "."
    seeded_text = f"{len(seeded)} of them with {how_many}{each}"
    return {"seeded_points": len(seeded), "seeds_sentence": head + band, "seed_spread_sentence": spread,
            "seeded_text": seeded_text,
            "probe_level": level["probe"], "mse_level": level["mse"],
            "seeds_of": {(name, _strength(run)): run["seeds"] for name, run in seeded}}


def _seed_note(run: dict) -> str:
    """`` (mean of 3 seeds)`` for a point with several seeds, else nothing (the page says which are one seed)."""
    return f" ({seeds_text(run)})" if len(run.get("seeds", [])) > 1 else ""


def _compare(own: float, other: float, band: float) -> int:
    """-1 if ``own`` is lower than ``other`` by more than ``band`` (relative), +1 if higher, 0 if level."""
    ratio = own / other
    return -1 if ratio < 1 - band else 1 if ratio > 1 + band else 0


def _frontier(runs: dict, level: dict) -> dict:
    """TopK and KL against L1, reconstruction error at equal L0; within the seeds' band counts as level."""
    l1 = runs["sae_l1"]
    out = {}
    for name, verb in (("sae_topk", "topk"), ("sae_kl", "kl")):
        label = MECHANISMS[name]
        pairs = sorted(at_equal_l0(runs[name], l1, "reconstruction_mse_test"), key=lambda p: p[0]["l0_test"])
        outside = [run for run in runs[name] if run not in [p[0] for p in pairs]]
        verdicts = [_compare(run["reconstruction_mse_test"], ref, level["mse"]) for run, ref in pairs]
        wins, losses, even = verdicts.count(-1), verdicts.count(1), verdicts.count(0)
        n = len(pairs)
        if n == 0:
            sentence = (f"No {label} run has an L0 within L1's range, so the two cannot be compared at equal L0.")
        else:
            points = f"{label} point{'s' if n > 1 else ''} within L1's range of L0"
            detail = "; ".join(f"{_strength(run)}{_seed_note(run)}: {run['reconstruction_mse_test']:.2e} against "
                               f"L1's {ref:.2e}, {_relative(run['reconstruction_mse_test'], ref)}"
                               for run, ref in pairs)
            every = "both" if n == 2 else f"all {n}" if n > 2 else "the one"
            if wins == n:
                head = f"{label} reconstructs better than L1 at {every} {points}"
            elif losses == n:
                head = f"{label} reconstructs worse than L1 at {every} {points}"
            elif even == n:
                head = f"{label} reconstructs as well as L1, within the seeds' spread, at {every} {points}"
            else:
                head = (f"{label} reconstructs better than L1 at {wins} of the {n} {points}"
                        + (f", worse at {losses}" if losses else "")
                        + (f", and level within the seeds' spread ({level['mse']:.1%}) at {even}" if even else ""))
            sentence = f"{head} ({detail})."
        if outside:
            symbol = SYMBOLS[STRENGTHS[name]]
            values = _and([f"{run[STRENGTHS[name]]:g}" for run in outside])
            l0 = [run["l0_test"] for run in outside]
            span = _units(l0[0]) if len(l0) == 1 else f"{_units(min(l0))} to {_units(max(l0))}"
            sentence += (f" At {symbol} = {values}, {label}'s L0 ({span} units) lies outside L1's range "
                         f"({_units(min(r['l0_test'] for r in l1))} to {_units(max(r['l0_test'] for r in l1))}), "
                         "so there is no L1 run to compare with at equal L0.")
        out.update({f"{verb}_wins": wins, f"{verb}_losses": losses, f"{verb}_level": even,
                    f"{verb}_comparable": n, f"{verb}_frontier_sentence": sentence})
    return out


def _threshold(runs: dict) -> dict:
    """How many of the L1 and TopK codes' non-zero activations the threshold counts as active."""
    shares = [run["l0_test"] / run["avr_test"] if run["avr_test"] > 0 else 1.0
              for name in ("sae_l1", "sae_topk") for run in runs[name]]
    least = math.floor(1000 * min(shares)) / 10  # rounded down: "at least" stays true
    sentence = (f"In each full-size L1 or TopK run, at least {least:g}% of the non-zero activations exceed the "
                "threshold.")
    return {"threshold_share_min": min(shares), "threshold_sentence": sentence}


def _l1_range(l1: list[dict]) -> dict:
    """How far L1's one knob moves L0."""
    l0 = [run["l0_test"] for run in l1]
    direction = _direction(l0)
    span = (f"from {_units(l0[0])} active units per digit at {_strength(l1[0])} to {_units(l0[-1])} at "
            f"{_strength(l1[-1])}")
    if direction == "falls":
        sentence = f"L1's L0 falls at every step of λ, {span}."
    else:
        sentence = f"L1's L0 goes {span}, but not down at every step of λ."
    return {"l1_l0_falls_every_step": direction == "falls", "l1_l0_max": max(l0), "l1_l0_min": min(l0),
            "l1_range_sentence": sentence}


def _kl_code(kl: list[dict]) -> dict:
    """KL's L0 against what a code with a fraction ρ of its units on would have."""
    units = int(kl[0]["units"])
    lowest = min(kl, key=lambda run: run["l0_test"])
    smallest_rho = kl[0]  # sorted by rho
    ratios = [run["l0_test"] / (run["rho"] * units) for run in kl]
    where = "at the smallest target rate" if lowest is smallest_rho else f"at {_strength(lowest)}"
    floor = (f"Even the sparsest KL run of the ρ grid (β = {kl[0].get('beta', 3):g}) keeps "
             f"{_units(lowest['l0_test'])} active units per digit ({_pct(lowest['l0_test'] / units)} of the layer); "
             f"the fewest are {where}, {_strength(lowest)}.")
    detail = _by_strength(kl, KL_DETAIL_RHO, "the KL runs")
    expected = KL_DETAIL_RHO * units
    if min(ratios) > 1:
        many = (f"At full size, at every ρ of the grid KL's code has more units above the threshold than a code "
                f"with a fraction ρ of its units on would have, at least {min(ratios):.1f} times as many: at "
                f"ρ = {KL_DETAIL_RHO:g}, "
                f"{_units(detail['l0_test'])} units per digit ({_pct(detail['l0_test'] / units)} of the layer) "
                f"against {_units(expected)} for a code with {_pct(KL_DETAIL_RHO)} of its units on.")
    else:
        many = (f"At full size, at ρ = {KL_DETAIL_RHO:g} KL's code has {_units(detail['l0_test'])} units per "
                f"digit above the threshold ({_pct(detail['l0_test'] / units)} of the layer), against the "
                f"{_units(expected)} of a "
                f"code with a fraction ρ of its units on; not every ρ of the grid has more.")
    threshold = kl[0].get("active_threshold")
    above = f"above {threshold:g}" if threshold is not None else "active"
    at_detail = (f"at ρ = {KL_DETAIL_RHO:g}, {_pct(detail['l0_test'] / units)} of the layer was {above} on a "
                 "typical digit")
    if lowest is detail:
        at_detail += ", the fewest of the grid"
    else:
        at_detail += f", and {'even ' if min(ratios) > 1 else ''}its sparsest run ({_strength(lowest)}) had " \
                     f"{_pct(lowest['l0_test'] / units)}"
    if min(ratios) > 1:
        lesson = (f"On sigmoids it pulls the mean activation towards ρ, but its code keeps more than a fraction ρ "
                  f"of the layer active: at full size, {at_detail}.")
    else:
        lesson = f"On sigmoids it pulls the mean activation towards ρ; at full size, {at_detail}."
    return {"kl_min_l0": lowest["l0_test"], "kl_min_l0_pct": 100 * lowest["l0_test"] / units,
            "kl_min_l0_at_smallest_rho": lowest is smallest_rho, "kl_min_ratio": min(ratios),
            "kl_detail_l0": detail["l0_test"], "kl_detail_expected": expected,
            "kl_floor_sentence": floor, "kl_many_sentence": many, "kl_lesson_sentence": lesson}


def _best(runs: list[dict]) -> dict:
    return max(runs, key=lambda run: run["test_accuracy"])


def _steps_text(values, labels, band: float, write, relative: bool = False,
                within: str = "within the seeds' spread") -> dict:
    """How ``values`` (along ``labels``) move, counting a step within ``band`` as level.

    Returns ``direction`` ("rises", "falls" or None when first and last are level), ``every``
    (every step goes that way by more than the band), ``clause`` (``"falls at every step, from
    92% at k = 10 to 70% at k = 160"`` or the same with the steps that do not) and ``level``,
    the labels of the steps within the band.
    """
    values = [float(v) for v in values]

    def sign(a, b):
        change = (b / a - 1) if relative and a else (b - a)
        return 0 if abs(change) <= band else (1 if change > 0 else -1)

    overall = sign(values[0], values[-1])
    steps = [sign(a, b) for a, b in zip(values, values[1:])]
    pairs = [f"between {labels[i]} and {labels[i + 1].split(' = ')[-1]}" for i in range(len(steps))]
    span = f"from {write(values[0])} at {labels[0]} to {write(values[-1])} at {labels[-1]}"
    level = [pair for pair, step in zip(pairs, steps) if step == 0]
    against = [pair for pair, step in zip(pairs, steps) if step == -overall and overall]
    if overall == 0:
        return {"direction": None, "every": False, "level": level,
                "clause": f"stays level {within}, {span}"}
    direction = "rises" if overall > 0 else "falls"
    if not level and not against:
        return {"direction": direction, "every": True, "level": [],
                "clause": f"{direction} at every step, {span}"}
    exceptions = []
    if level:
        exceptions.append(f"stays level {within} {_and(level)}")
    if against:
        exceptions.append(f"{'falls' if overall > 0 else 'rises'} {_and(against)}")
    return {"direction": direction, "every": False, "level": level,
            "clause": f"{direction} {span}, but not at every step: it " + " and ".join(exceptions)}


def _probe(runs: dict, level: dict) -> dict:
    """Linear readability: the best run of each mechanism, the plain auto-encoder, equal L0."""
    band = level["probe"]
    plain = _by_strength(runs["sae_l1"], 0.0, "the L1 runs")
    best = {name: _best(r) for name, r in runs.items()}
    order = sorted(MECHANISMS, key=lambda name: -best[name]["test_accuracy"])
    top, *others = order
    everyone = [run for r in runs.values() for run in r]
    clear = best[top]["test_accuracy"] - best[others[0]]["test_accuracy"] > band
    lead = (f"At full size {MECHANISMS[top]}'s codes are the most linearly readable" if clear else
            f"At full size {MECHANISMS[top]}'s and {MECHANISMS[others[0]]}'s best codes are level within "
            f"{_level(band)}")
    ranked = (f"{lead}: {MECHANISMS[top]}'s best point ({_strength(best[top])}, {seeds_text(best[top])}) reaches a "
              f"probe accuracy of {best[top]['test_accuracy']:.4f}, the highest of the {len(everyone)} points, "
              "against "
              + _and([f"{best[n]['test_accuracy']:.4f} for {MECHANISMS[n]}'s best ({_strength(best[n])}, "
                      f"{seeds_text(best[n])})" for n in others])
              + f"; the plain auto-encoder's code (L1 at λ = 0) gives {plain['test_accuracy']:.4f}.")
    sparse = [run for run in everyone if run is not plain]
    margins = [run["test_accuracy"] - plain["test_accuracy"] for run in sparse]
    above = sum(margin > band for margin in margins)
    if above == len(sparse):
        versus_plain = (f"Every one of the {len(sparse)} points with a sparsity mechanism at work has a more "
                        f"linearly readable code than the plain auto-encoder, by {100 * min(margins):.2f} to "
                        f"{100 * max(margins):.2f} points, whichever the mechanism and its strength.")
    elif above == 0:
        versus_plain = (f"None of the {len(sparse)} points with a sparsity mechanism at work beats the plain "
                        f"auto-encoder's probe accuracy by more than {_level(band)}.")
    else:
        names = {id(run): name for name in MECHANISMS for run in runs[name]}
        close = [f"{MECHANISMS[names[id(run)]]} at {_strength(run)}, {_points(margin)} points"
                 for run, margin in zip(sparse, margins) if margin <= band]
        versus_plain = (f"{above} of the {len(sparse)} points with a sparsity mechanism at work have a code more "
                        f"linearly readable than the plain auto-encoder's by more than {_level(band)} (not "
                        f"{_and(close)}).")
    equal = []
    counts = {}
    for name in ("sae_kl", "sae_topk"):
        pairs = at_equal_l0(runs[name], runs["sae_l1"], "test_accuracy")
        wins = sum(run["test_accuracy"] - ref > band for run, ref in pairs)
        even = sum(abs(run["test_accuracy"] - ref) <= band for run, ref in pairs)
        below = len(pairs) - wins - even
        counts[name] = (wins, even, len(pairs))
        if pairs:
            detail = ", ".join(f"{_points(run['test_accuracy'] - ref)} points at {_strength(run)}"
                               for run, ref in pairs)
            equal.append(f"{MECHANISMS[name]}'s probe beats L1's {_count(wins, len(pairs), 'comparable point')}"
                         + (f", is level with it at {even}" if even and below else
                            f" and is level with it at {even}" if even else "")
                         + (f" and falls below it by more than that at {below}" if below and wins + even else "")
                         + f" ({detail})")
    equal_sentence = (f"At equal L0 (L1's accuracy read off its line; a difference of {_level(band)} or less "
                      "counts as level), " + "; ".join(equal) + "."
                      if equal else "No run falls within L1's range of L0 to compare probes at equal L0.")
    by_falling_rho = sorted(runs["sae_kl"], key=lambda run: -run["rho"])
    kl_acc = [run["test_accuracy"] for run in by_falling_rho]
    moves = _steps_text(kl_acc, [_strength(run) for run in by_falling_rho], band, lambda v: f"{v:.4f}",
                        within=f"(within {_level(band)})")
    sparser = _direction([run["l0_test"] for run in by_falling_rho]) == "falls"
    if moves["direction"] == "rises":
        kl_trend = (f"As ρ falls, KL's probe accuracy {moves['clause']}"
                    + (", while its L0 falls at every step: over the grid, the sparser its code, the more "
                       "readable" if sparser and moves["every"] else
                       ", while its L0 falls at every step" if sparser else "") + ".")
    else:
        kl_trend = f"As ρ falls, KL's probe accuracy {moves['clause']}."
    return {"best_probe_mechanism": MECHANISMS[top], "best_probe": best[top]["test_accuracy"],
            "best_probe_clear": clear, "second_probe_mechanism": MECHANISMS[others[0]],
            "best_probe_strength": _strength(best[top]), "plain_probe": plain["test_accuracy"],
            "probe_above_plain": above, "probe_sparse_runs": len(sparse),
            "kl_probe_wins": counts["sae_kl"][0], "kl_probe_level": counts["sae_kl"][1],
            "kl_probe_comparable": counts["sae_kl"][2],
            "topk_probe_wins": counts["sae_topk"][0], "topk_probe_level": counts["sae_topk"][1],
            "topk_probe_comparable": counts["sae_topk"][2],
            "kl_probe_rises_as_rho_falls": moves["direction"] == "rises",
            "kl_probe_rises_every_step": moves["every"],
            "probe_ranked_sentence": ranked, "probe_plain_sentence": versus_plain,
            "probe_equal_l0_sentence": equal_sentence, "kl_probe_trend_sentence": kl_trend}


def _dead(runs: dict, level: dict) -> dict:
    """Dead units (active on no test digit), against the plain auto-encoder's; the seeds' band counts as level."""
    units = int(runs["sae_l1"][0]["units"])
    band = level["dead"]
    l1, topk, kl = runs["sae_l1"], runs["sae_topk"], runs["sae_kl"]
    dead = {name: [run["dead_units_test"] for run in r] for name, r in runs.items()}
    plain = _by_strength(l1, 0.0, "the L1 runs")
    threshold = plain.get("active_threshold")
    above = f"above {threshold:g}" if threshold is not None else "active"
    definition = (f"A unit is dead when it is {above} on none of the {int(plain.get('n_test', 0)):,} test digits; "
                  f"by that count the plain auto-encoder (L1 at λ = 0, no penalty at all) already has "
                  f"{plain['dead_units_test']:,.0f} dead units of {units:,} "
                  f"({_pct(plain['dead_units_test'] / units)}).")
    l1_dead = [d / units for d in dead["sae_l1"]]
    worst = l1[int(np.argmax(l1_dead))]
    l1_sentence = (f"With L1, {_pct(min(l1_dead))} to {_pct(max(l1_dead))} of the layer is dead, the most at "
                   f"{_strength(worst)}; already {_pct(l1_dead[0])} without a penalty ({_strength(l1[0])}).")
    more = [run["dead_units_test"] - plain["dead_units_test"] > band for run in l1[1:]]
    if all(more):
        l1_sentence += " At every λ > 0 more units are dead than without a penalty."
    elif not any(more):
        l1_sentence += (" At no λ are more units dead than without a penalty by more than the seeds' spread "
                        f"({band:,.0f} units).")
    elif more == sorted(more):  # False ... False, True ... True: from some λ on
        first = l1[1 + more.index(True)]
        l1_sentence += (f" Below {_strength(first)} the count stays within the seeds' spread ({band:,.0f} units) of "
                        f"the plain auto-encoder's or under it; from {_strength(first)} on the penalty kills more.")
    else:
        values = [f"{run['lam']:g}" for run, m in zip(l1[1:], more) if m]
        others = [f"{run['lam']:g}" for run, m in zip(l1[1:], more) if not m]
        l1_sentence += (f" More units are dead than without a penalty, by more than the seeds' spread ({band:,.0f} "
                        f"units), at λ = {_and(values)}; at λ = {_and(others)} the count is not above the plain "
                        "auto-encoder's by more than that.")
    topk_dead = [d / units for d in dead["sae_topk"]]
    topk_moves = _steps_text(dead["sae_topk"], [_strength(run) for run in topk], band,
                             lambda v: _pct(v / units), within=f"(within the seeds' spread, {band:,.0f} units)")
    if topk_moves["direction"] == "falls":
        topk_sentence = (f"As k grows, TopK's share of dead units {topk_moves['clause']}: a unit that never makes "
                         "the top k receives no gradient, so training does nothing to bring it back.")
    else:
        topk_sentence = (f"TopK leaves {_pct(min(topk_dead))} to {_pct(max(topk_dead))} of its units dead, "
                         f"{_pct(topk_dead[0])} at {_strength(topk[0])}.")
    kl_dead = [d / units for d in dead["sae_kl"]]
    if max(kl_dead) == 0:
        kl_sentence = ("No KL unit is dead at any ρ: a sigmoid always carries some gradient, and every unit "
                       "exceeds the threshold on some digit.")
    else:
        kl_sentence = f"KL's dead units never pass {_pct(max(kl_dead))} of the layer."
    return {"l1_dead_min_pct": 100 * min(l1_dead), "l1_dead_max_pct": 100 * max(l1_dead),
            "l1_dead_plain_pct": 100 * l1_dead[0], "l1_dead_plain": plain["dead_units_test"],
            "l1_dead_more_than_plain": sum(more),
            "topk_dead_min_pct": 100 * min(topk_dead), "topk_dead_max_pct": 100 * max(topk_dead),
            "topk_dead_falls_every_step": topk_moves["direction"] == "falls" and topk_moves["every"],
            "kl_dead_max_pct": 100 * max(kl_dead), "dead_definition_sentence": definition,
            "dead_l1_sentence": l1_sentence, "dead_topk_sentence": topk_sentence, "dead_kl_sentence": kl_sentence}


def _firing(runs: dict) -> dict:
    """How often the median living unit fires, in the runs whose histograms the page draws (their first seed)."""
    medians = {}
    for name, value in MIDDLE.items():
        rates = np.asarray(_by_strength(runs[name], value, f"the {name} runs")["firing_rates_test"], dtype=float)
        alive = rates[rates > 0]
        medians[name] = float(np.median(alive)) if alive.size else 0.0
    busiest = max(medians, key=medians.get)
    parts = [f"{_pct(medians[name])} with {MECHANISMS[name]} ({SYMBOLS[STRENGTHS[name]]} = {MIDDLE[name]:g})"
             for name in MECHANISMS]
    parts[0] = parts[0].replace(" with ", " of the test digits with ", 1)
    sentence = (f"In these runs (seed 0), the median living unit is active on {_and(parts)}: "
                f"{MECHANISMS[busiest]}'s units are the least selective.")
    return {"median_firing": {MECHANISMS[n]: m for n, m in medians.items()}, "least_selective": MECHANISMS[busiest],
            "firing_sentence": sentence}


def _time(raw: dict) -> dict:
    """Training time of the full-size runs of seed 0 (the grids as first trained, one run after another), by
    mechanism; later seeds ran at other times, beside other sweeps, so their times compare nothing."""
    raw = {name: [run for run in r if run.get("seed", 0) == 0] or r for name, r in raw.items()}
    seconds = {name: [float(run["train_seconds"]) for run in r] for name, r in raw.items()}
    means = {name: float(np.mean(s)) for name, s in seconds.items()}
    spreads = {name: max(s) - min(s) for name, s in seconds.items()}
    between = max(means.values()) - min(means.values())
    devices = sorted({str(run.get("device", "an unrecorded device")) for r in raw.values() for run in r})
    device = _and(devices)
    by = _and([f"{MECHANISMS[n]}'s {means[n]:,.0f} s" for n in MECHANISMS])
    if between < min(spreads.values()):
        verdict = (f"the mechanisms' means differ by {between:,.0f} s, less than the runs of any one mechanism "
                   f"differ among themselves ({min(spreads.values()):,.0f} to {max(spreads.values()):,.0f} s)")
    else:
        steady = min(spreads, key=spreads.get)
        verdict = (f"the mechanisms' means differ by {between:,.0f} s, at least as much as the runs of "
                   f"{MECHANISMS[steady]} differ among themselves ({spreads[steady]:,.0f} s)")
    mean = float(np.mean([s for v in seconds.values() for s in v]))
    first = raw["sae_l1"][0]
    steps = int(first.get("steps", 0))
    per_100 = f" ({100 * mean / steps:.1f} s per 100 steps)" if steps else ""
    n = sum(len(s) for s in seconds.values())
    sentence = (f"A full-size run ({steps:,} steps, {first['units']:,} units) trained for {mean:,.0f} s on average "
                f"over the {n} runs of seed 0{per_100} on {device}; by mechanism, {by} "
                f"on average: {verdict}.")
    return {"train_seconds_mean": mean, "device": device,
            "time_between_mechanisms": between, "time_within_min": min(spreads.values()),
            "time_sentence": sentence}


def _lam_convention(l1: list[dict]) -> dict:
    """How λ is scaled in the L1 runs (their ``lam_convention``), in words."""
    conventions = {run.get("lam_convention") for run in l1}
    if len(conventions) != 1:
        raise ValueError(f"the L1 runs mix λ conventions {sorted(map(str, conventions))}")
    convention = conventions.pop()
    if convention == "example_mean":
        sentence = ("Here λ weighs the code's L1 norm per digit, averaged over the batch, against the squared "
                    "error summed over the 784 pixels (the convention the records call \"example_mean\"); the "
                    "MLP, CNN and convolutional auto-encoder chapters follow the source and sum the penalty over "
                    "the batch of 100 (\"batch_sum\"), so their λ is not on this page's scale.")
    else:
        sentence = (f"Here λ follows the convention the records call \"{convention}\": "
                    f"{LAM_CONVENTIONS.get(convention, 'λ')}.")
    return {"lam_convention": str(convention), "lam_axis_label": LAM_CONVENTIONS.get(convention, "λ"),
            "lam_convention_sentence": sentence}


def _advice(out: dict, runs: dict) -> dict:
    """The sentences of "Choosing the penalty" and "What we learned" that the grids alone decide."""
    topk_level = out["topk_level"]
    topk_below = out["topk_probe_comparable"] - out["topk_probe_wins"] - out["topk_probe_level"]
    topk = (f"At full size it reconstructed better than L1 "
            f"{_count(out['topk_wins'], out['topk_comparable'], 'comparable point')}"
            + (f" (level within the seeds' spread at {topk_level}, worse at {out['topk_losses']})"
               if topk_level and out["topk_losses"] else
               f" (level within the seeds' spread at {topk_level})" if topk_level else
               f" (worse at {out['topk_losses']})" if out["topk_losses"] and out["topk_wins"] else "")
            + f", but left {out['topk_dead_min_pct']:.0f}% to {out['topk_dead_max_pct']:.0f}% of its units dead "
            f"(the plain auto-encoder: {out['l1_dead_plain_pct']:.0f}%), and its probe beat L1's by more than "
            f"{_level(out['probe_level'])} "
            f"{_count(out['topk_probe_wins'], out['topk_probe_comparable'], 'comparable point')}"
            + (f" (level at {out['topk_probe_level']}, below at {topk_below})"
               if out["topk_probe_level"] and topk_below else
               f" (level at {out['topk_probe_level']})" if out["topk_probe_level"] else
               f" (below at {topk_below})" if topk_below and out["topk_probe_wins"] else "") + ".")
    falling = ", falling at every step of λ," if out["l1_l0_falls_every_step"] else ""
    l1 = (f"At full size its L0 went from {_units(out['l1_l0_max'])} active units per digit down to "
          f"{_units(out['l1_l0_min'])}{falling} with {out['l1_dead_min_pct']:.0f}% to {out['l1_dead_max_pct']:.0f}% "
          f"of the layer dead ({out['l1_dead_plain_pct']:.0f}% already at λ = 0).")
    top, second = out["best_probe_mechanism"], out["second_probe_mechanism"]
    if top == "KL" and out["best_probe_clear"]:
        readable = (f"its best code was the most linearly readable of the {out['n_points']} points of the grids "
                    f"({out['best_probe']:.4f} at {out['best_probe_strength']})")
    elif "KL" in (top, second) and not out["best_probe_clear"]:
        other = second if top == "KL" else top
        readable = f"its best code was as linearly readable as {other}'s best, within the seeds' spread"
    else:
        readable = f"its codes were less linearly readable than {top}'s best"
    no_dead = ("no unit died" if out["kl_dead_max_pct"] == 0 else
               f"at most {out['kl_dead_max_pct']:.0f}% of its units died")
    kl = (f"At full size, at β = {runs['sae_kl'][0].get('beta', 3):g}, {readable} and {no_dead}, but even its "
          f"fewest active units were {_units(out['kl_min_l0'])} per digit ({out['kl_min_l0_pct']:.0f}% of the "
          f"layer), and it reconstructed worse than L1 "
          f"{_count(out['kl_losses'], out['kl_comparable'], 'comparable point')}.")
    readable_lesson = (f"the most linearly readable codes are {out['best_probe_mechanism']}'s"
                       if out["best_probe_clear"] else
                       "the most linearly readable codes are level between the two best mechanisms")
    lesson = (f"At equal L0 in the full-size runs, TopK reconstructs better than L1 "
              f"{_count(out['topk_wins'], out['topk_comparable'], 'comparable point')} and KL worse "
              f"{_count(out['kl_losses'], out['kl_comparable'], 'comparable point')}; {readable_lesson}.")
    return {"advice_topk_sentence": topk, "advice_l1_sentence": l1, "advice_kl_sentence": kl,
            "lesson_frontier_sentence": lesson}


def full_progress(runs_by_experiment, step: int) -> dict:
    """How far the full-size runs had got by ``step``: their batch reconstruction error then against at the end.

    Uses the logged step nearest to ``step`` (the curves are logged every 100 steps).
    """
    runs = _check_experiments(runs_by_experiment)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
        raise ValueError(f"step must be an int >= 1, got {step!r}")
    ratios, logged = [], None
    for run in (run for r in runs.values() for run in r):
        steps, errors = run["curve"]["step"], run["curve"]["reconstruction"]
        i = int(np.argmin(np.abs(np.asarray(steps) - step)))
        logged = steps[i]
        ratios.append(errors[i] / errors[-1])
    median = float(np.median(ratios))
    if median > 1.1:
        sentence = (f"In the full-size runs, the reconstruction error of a training batch at step {logged:,} was "
                    f"still {median:.1f} times its final value (the median over the {len(ratios)} runs): a run "
                    "this short shows a mechanism at work, not where it ends.")
    else:
        sentence = (f"In the full-size runs, the reconstruction error of a training batch at step {logged:,} was "
                    f"already within {max(median - 1, 0):.0%} of its final value (the median over the "
                    f"{len(ratios)} runs).")
    return {"progress_step": int(logged), "progress_ratio": median, "progress_sentence": sentence}


# --- the small live runs -----------------------------------------------------------------------

def _check_number(value, name: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < minimum:
        raise ValueError(f"{name} must be a finite number >= {minimum:g}, got {value}")
    return float(value)


def demo_relu_rates(silent: int, units: int, max_activation: float, max_rate: float, undefined: int) -> dict:
    """The source's KL on ReLU codes, in the small run.

    ``silent``: units whose batch mean ρ̂ is 0 (an infinite KL term); ``max_activation`` and
    ``max_rate``: the largest activation and ρ̂; ``undefined``: KL terms that are not a number.
    """
    silent, units = int(_check_number(silent, "silent")), int(_check_number(units, "units", 1))
    max_activation, max_rate = _check_number(max_activation, "max_activation"), _check_number(max_rate, "max_rate")
    undefined = int(_check_number(undefined, "undefined"))
    if silent:
        zero = (f"In this small run, {silent:,} of the {units:,} units of the plain ReLU auto-encoder are silent "
                "on the whole batch: their ρ̂ is 0, so log(ρ/ρ̂) is infinite for them, and so is the loss.")
    else:
        zero = (f"In this small run, none of the {units:,} units is silent on the whole batch, but nothing prevents "
                "it: a ReLU unit that is 0 on every digit of a batch has ρ̂ = 0, and an infinite log(ρ/ρ̂).")
    if max_rate > 1:
        top = (f"Nothing keeps ρ̂ below 1 either: single activations reach {max_activation:.2f} on this batch, "
               f"and the largest ρ̂ is {max_rate:.2f}, above 1.")
    else:
        top = (f"Nothing keeps ρ̂ below 1 either: single activations reach {max_activation:.2f} on this batch; "
               f"the largest ρ̂ is {max_rate:.2f}, below 1 here, but only by chance.")
    where = "in the small run, on one batch of test digits"
    if silent and undefined:
        lesson = f"{where}, {silent:,} of the {units:,} terms were infinite and {undefined:,} not a number"
    elif silent or undefined:
        lesson = (f"{where}, {silent or undefined:,} of the {units:,} terms were "
                  f"{'infinite' if silent else 'not a number'}")
    else:
        lesson = (f"{where}, every term happened to be finite, but nothing keeps a ReLU unit's ρ̂ above 0 "
                  "or below 1")
    return {"relu_silent": silent, "relu_max_rate": max_rate, "relu_sentence": f"{zero} {top}",
            "relu_lesson_sentence": lesson}


def demo_weight_penalty(plain_small: float, penalised_small: float, plain_l0: float, penalised_l0: float) -> dict:
    """L1 on the encoder's weights against no penalty, in the small run (fractions of small weights, L0)."""
    plain_small, penalised_small = (_check_number(v, n) for v, n in ((plain_small, "plain_small"),
                                                                      (penalised_small, "penalised_small")))
    plain_l0, penalised_l0 = _check_number(plain_l0, "plain_l0"), _check_number(penalised_l0, "penalised_l0")
    if penalised_small > plain_small:
        weights = (f"In this small run the weight penalty does what it says: {_share(penalised_small)} of the "
                   f"encoder's weights end below 0.001 in magnitude, against {_share(plain_small)} without it.")
    else:
        weights = (f"In this small run the weight penalty did not even make more weights small: "
                   f"{_share(penalised_small)} of the encoder's weights are below 0.001, against "
                   f"{_share(plain_small)} without it.")
    if penalised_l0 >= 0.8 * plain_l0:
        if penalised_l0 == plain_l0:
            code = (f"The code does not follow: {_units(penalised_l0)} units are active per digit, as many as the "
                    "plain auto-encoder's.")
        else:
            more = "more" if penalised_l0 > plain_l0 else "not much fewer"
            code = (f"The code does not follow: {_units(penalised_l0)} units are active per digit, {more} than the "
                    f"plain auto-encoder's {_units(plain_l0)}.")
    else:
        code = (f"Here the code got sparser too, {_units(penalised_l0)} units per digit against {_units(plain_l0)}: "
                "a side effect of smaller weights, which nothing in the loss asks for or controls.")
    return {"weights_code_follows": penalised_l0 < 0.8 * plain_l0, "weights_sentence": f"{weights} {code}"}


def demo_kl_code(mean_activation: float, rho: float, units: int, above: dict) -> dict:
    """The small KL run's code: its mean activation against ρ, and units above two thresholds.

    ``above`` maps a threshold to the mean number of units per digit above it; it must hold a
    small threshold (the smallest key) and 0.5.
    """
    mean_activation, rho = _check_number(mean_activation, "mean_activation"), _check_number(rho, "rho")
    units = int(_check_number(units, "units", 1))
    if not isinstance(above, dict) or 0.5 not in above or len(above) < 2:
        raise ValueError("above must map at least two thresholds, 0.5 among them, to units per digit")
    low = min(above)
    close = rho / KL_CLOSE_FACTOR <= mean_activation <= rho * KL_CLOSE_FACTOR
    mean = (f"In this small run (ρ = {rho:g}) the mean activation is {mean_activation:.3f}, "
            + (f"close to the target of {rho:g}." if close else
               "still far from the target after so short a training."))
    if above[low] > 2 * rho * units:
        spread = (f"Yet {_units(above[low])} of the {units:,} units per digit are above {low:g}, and only "
                  f"{_units(above[0.5])} above 0.5: many units weakly on, not a few strongly on.")
    else:
        spread = (f"{_units(above[low])} of the {units:,} units per digit are above {low:g} and {_units(above[0.5])} "
                  "above 0.5: here the code is not much denser than its mean suggests.")
    return {"kl_demo_close": close, "kl_demo_sentence": f"{mean} {spread}"}


def demo_size(units: int, steps: int, full_units: int, full_steps: int, pixels: int = 784) -> dict:
    """How the small runs compare in size with the full-size ones."""
    units, steps = int(_check_number(units, "units", 1)), int(_check_number(steps, "steps", 1))
    full_units = int(_check_number(full_units, "full_units", 1))
    full_steps = int(_check_number(full_steps, "full_steps", 1))
    head = f"The small runs train {steps:,} steps instead of {full_steps:,}"
    if units == full_units:
        width = f", with the full-size runs' {units:,} hidden units."
    else:
        width = f", with {units:,} hidden units instead of {full_units:,}."
    if units < pixels:
        complete = (f" That saves time, at a price: with fewer units than the {pixels} pixels, these small "
                    "codes are not over-complete.")
    else:
        complete = f" With at least as many units as the {pixels} pixels, these small codes are over-complete too."
    return {"size_sentence": head + width + complete}


def demo_knobs(l0_by_sparsity: dict, units: int) -> dict:
    """What each knob did to L0 in the small runs.

    ``l0_by_sparsity`` maps a sparsity (``"l1"``, ``"kl"``, ``"topk"``) to ``{strength: L0}``,
    the weaker strength first.
    """
    if not isinstance(l0_by_sparsity, dict) or not l0_by_sparsity:
        raise ValueError("l0_by_sparsity must map a sparsity ('l1', 'kl', 'topk') to {strength: L0}")
    symbols = {"l1": "λ", "kl": "ρ", "topk": "k"}
    parts = []
    for sparsity, by_value in l0_by_sparsity.items():
        if sparsity not in symbols:
            raise ValueError(f"unknown sparsity {sparsity!r}; expected one of {list(symbols)}")
        if not isinstance(by_value, dict) or len(by_value) < 2:
            raise ValueError(f"{sparsity} must map at least two strengths to L0, the weaker first")
        (weak, l0_weak), (strong, l0_strong) = list(by_value.items())[0], list(by_value.items())[-1]
        name, symbol = SPARSITY_NAMES[sparsity], symbols[sparsity]
        if l0_strong == l0_weak:
            parts.append(f"{symbol} = {strong:g} leaves {name}'s active units per digit at {_units(l0_strong)}")
        else:
            change = "cuts" if l0_strong < l0_weak else "raises"
            parts.append(f"{symbol} = {strong:g} {change} {name}'s active units per digit from {_units(l0_weak)} "
                         f"({symbol} = {weak:g}) to {_units(l0_strong)}")
    return {"knobs_sentence": f"In these small runs ({units:,} hidden units), " + "; ".join(parts) + "."}


def demo_timing(seconds_by_width: dict) -> dict:
    """Seconds per 100 training steps against the width of the hidden layer, on this machine."""
    if not isinstance(seconds_by_width, dict) or len(seconds_by_width) < 2:
        raise ValueError("seconds_by_width must map at least two widths to seconds per 100 steps")
    widths = sorted(seconds_by_width)
    seconds = [_check_number(seconds_by_width[w], f"seconds at width {w}") for w in widths]
    listed = _and([f"{s:.2f} s with {w:,} units" for w, s in zip(widths, seconds)])
    grows = _direction(seconds) == "rises"
    ratio = seconds[-1] / seconds[0] if seconds[0] > 0 else float("inf")
    if grows:
        verdict = (f"the time grows at every step of width, {ratio:.0f} times from the narrowest to the widest "
                   f"layer ({widths[-1] / widths[0]:.0f} times the units).")
    else:
        verdict = "the time does not grow at every step of width here (timings on a busy machine are noisy)."
    return {"timing_grows": grows, "timing_ratio": ratio,
            "timing_sentence": f"On this machine, 100 training steps take {listed}: {verdict}"}


# --- the two pitfalls at full size: one run each (results/sae_l1_weights.json, sae_bottleneck.json) ---

PITFALL_PENALTIES = {"sae_l1_weights": "l1_weights", "sae_bottleneck": "none"}  #: Experiment -> its penalty.
PITFALL_FIELDS = ("units", "l0_test", "avr_test", "reconstruction_mse_test", "test_accuracy", "dead_units",
                  "firing_rates_test", "penalty", "lam")
THRESHOLDED = "reconstruction_mse_thresholded_test"  #: The error with every sub-threshold activation set to 0.
WEAK_ACTIVATION = 0.1  #: An active sigmoid unit whose activation averages at most this is "weakly on".
#: The full-size runs whose most used units are described (the small runs' stronger settings).
ATOM_STRENGTHS = {"sae_l1": 0.3, "sae_kl": 0.01, "sae_topk": 10}


def _check_single(run, name: str) -> dict:
    """The one run of pitfall experiment ``name``, after checking it."""
    if not isinstance(run, dict):
        raise TypeError(f"the {name} run must be a dict (a run record), got {type(run).__name__}; "
                        f"pass load_results(results_path({name!r}))['runs'][0]")
    missing = [field for field in PITFALL_FIELDS if field not in run]
    if missing:
        raise ValueError(f"the {name} run lacks {missing}; pass load_results(results_path({name!r}))['runs'][0]")
    if run["penalty"] != PITFALL_PENALTIES[name]:
        raise ValueError(f"the {name} run must have penalty {PITFALL_PENALTIES[name]!r}, got {run['penalty']!r}")
    return _with_dead(run)


def _median_living(run: dict) -> float:
    """How often the median living unit of ``run`` fires on the test digits (0 if every unit is dead)."""
    rates = np.asarray(run["firing_rates_test"], dtype=float)
    alive = rates[rates > 0]
    return float(np.median(alive)) if alive.size else 0.0


def _bracket(runs: list[dict], l0: float) -> list[dict]:
    """The two runs of ``runs`` whose L0 lies on either side of ``l0``, weaker first (empty outside their range)."""
    points = sorted(runs, key=lambda run: run["l0_test"])
    for low, high in zip(points, points[1:]):
        if low["l0_test"] <= l0 <= high["l0_test"]:
            return sorted([high, low], key=lambda run: run[run["strength_name"]])
    return []


def _share(fraction: float) -> str:
    """A share of a layer: ``43%``, ``4.6%``, ``0.8%``."""
    return _pct(fraction) if fraction >= 0.1 else f"{100 * fraction:.1f}%"


def _grouped(named_runs: list[tuple[str, dict]]) -> str:
    """``KL at ρ = 0.05, 0.1 and 0.2``: runs named by mechanism, their strengths grouped."""
    groups: dict[str, list[dict]] = {}
    for name, run in named_runs:
        groups.setdefault(name, []).append(run)
    parts = []
    for name, runs in groups.items():
        symbol = SYMBOLS[runs[0]["strength_name"]]
        values = [f"{run[run['strength_name']]:g}" for run in runs]
        listed = _and(values) if len(groups) == 1 else ", ".join(values)
        parts.append(f"{MECHANISMS[name]} at {symbol} = {listed}")
    return _and(parts)


def weight_penalty(runs_by_experiment, weights_run) -> dict:
    """Pitfall 2 at full size: L1 on the encoder's weights against no penalty and against L1 on the code.

    Parameters
    ----------
    runs_by_experiment : dict
        The grids, as for :func:`findings`.
    weights_run : dict
        The one run of ``results/sae_l1_weights.json``.

    Returns
    -------
    dict
        Numbers, sentences, and ``weights_rows``: ``(mechanism, strength, run)`` for the page's table.
    """
    runs = _check_experiments(runs_by_experiment)
    level = _levels(runs)
    weights = _check_single(weights_run, "sae_l1_weights")
    l1 = runs["sae_l1"]
    plain = _by_strength(l1, 0.0, "the L1 runs")
    units = int(weights["units"])
    l0, l0_plain = weights["l0_test"], plain["l0_test"]
    on_code = [(name, run) for name in MECHANISMS for run in runs[name] if run is not plain]
    sparser = [(name, run) for name, run in on_code if run["l0_test"] < l0]
    denser = [(name, run) for name, run in on_code if run["l0_test"] >= l0]
    change = l0 / l0_plain - 1
    versus = (f"{_pct(-change)} fewer" if change < 0 else f"{_pct(change)} more" if change > 0 else "as many")
    head = (f"At full size, λ = {weights['lam']:g} on the encoder's weights leaves {_units(l0)} units active per "
            f"digit ({_share(l0 / units)} of the layer), against {_units(l0_plain)} ({_share(l0_plain / units)}) "
            f"with no penalty at all: {versus}.")
    n = len(on_code)
    if not denser:
        rank = f"Every one of the {n} runs that penalise or limit the code itself is sparser."
    elif not sparser:
        rank = f"None of the {n} runs that penalise or limit the code itself is sparser."
    else:
        rank = (f"{len(sparser)} of the {n} runs that penalise or limit the code itself are sparser; only "
                + _grouped(denser) + (" has" if len(denser) == 1 else " have") + " as many active units or more.")
    median, median_plain = _median_living(weights), _median_living(plain)
    dead, dead_plain = weights["dead_units_test"] / units, plain["dead_units_test"] / units
    selective = "Nor are its living units selective" if median > 0.5 else "Its living units are selective"
    living = (f"{selective}: {_pct(dead)} of the layer is dead, and the median living unit is active on "
              f"{_pct(median)} of the test digits (with no penalty: {_pct(dead_plain)} dead, {_pct(median_plain)}).")
    mse_ref = log_interpolate(l1, "reconstruction_mse_test", l0)
    probe_ref = log_interpolate(l1, "test_accuracy", l0)
    if mse_ref is None:
        cost = (f"L1 on the code has no run with as many as {_units(l0)} active units per digit, so the two cannot "
                "be compared at equal L0.")
        worse = None
    else:
        pair = _and([_strength(run) for run in _bracket(l1, l0)])
        verdict = _compare(weights["reconstruction_mse_test"], mse_ref, level["mse"])
        worse = {1: True, -1: False, 0: None}[verdict]
        how_well = {1: "better", -1: "worse", 0: "as well, within the seeds' spread"}[verdict]
        cost = (f"At the same L0, read off L1's line (between {pair}), L1 on the code reconstructs "
                f"{how_well}: {mse_ref:.2e} per pixel against the weight penalty's "
                f"{weights['reconstruction_mse_test']:.2e} ({_relative(weights['reconstruction_mse_test'], mse_ref)}); "
                f"the probe reads {probe_ref:.4f} on L1's line against {weights['test_accuracy']:.4f} "
                f"({_points(weights['test_accuracy'] - probe_ref)} points for the weight penalty).")
    how = ("" if worse is None else
           f", and it reconstructed {'worse' if worse else 'better'} than L1 on the code at the same L0")
    advice = (f"At full size (λ = {weights['lam']:g}) it left {_units(l0)} of {units:,} units active per digit "
              f"(no penalty: {_units(l0_plain)}), a denser code than {len(sparser)} of the {n} runs that act on "
              f"the code{how}.")
    lesson = (f"A penalty on the weights does not make the code sparse: at full size it left {_units(l0)} units "
              f"active per digit, against {_units(l0_plain)} with no penalty.")
    if l0 < 0.5 * l0_plain:
        lesson = (f"A penalty on the weights is no control of the code: at full size it cut the active units per "
                  f"digit from {_units(l0_plain)} to {_units(l0)}, a side effect nothing in the loss asks for.")
    rows = [("L1 on the weights", f"λ = {weights['lam']:g}", weights),
            ("L1 on the code", "λ = 0 (no penalty)", plain)]
    rows += [("L1 on the code", _strength(run), run) for run in _bracket(l1, l0) if run is not plain]
    return {"weights_lam": float(weights["lam"]), "weights_l0": l0, "weights_l0_plain": l0_plain,
            "weights_sparser_runs": len(sparser),
            "weights_code_runs": n, "weights_median_living": median, "weights_dead_pct": 100 * dead,
            "weights_mse": weights["reconstruction_mse_test"], "weights_mse_at_l1": mse_ref,
            "weights_probe_at_l1": probe_ref, "weights_worse_than_l1": worse,
            "weights_full_sentence": f"{head} {rank}", "weights_living_sentence": living,
            "weights_cost_sentence": cost, "weights_advice_sentence": advice,
            "weights_lesson_sentence": lesson, "weights_rows": rows}


def bottleneck(runs_by_experiment, bottleneck_run) -> dict:
    """Pitfall 3 at full size: the narrow plain auto-encoder against the wide sparse codes at its L0.

    Parameters
    ----------
    runs_by_experiment : dict
        The grids, as for :func:`findings`.
    bottleneck_run : dict
        The one run of ``results/sae_bottleneck.json``.

    Returns
    -------
    dict
        Numbers, sentences, and ``bottleneck_rows``: ``(mechanism, strength, run)`` for the page's table.
    """
    runs = _check_experiments(runs_by_experiment)
    level = _levels(runs)
    narrow = _check_single(bottleneck_run, "sae_bottleneck")
    units, l0 = int(narrow["units"]), narrow["l0_test"]
    share = l0 / units
    rates = np.asarray(narrow["firing_rates_test"], dtype=float)
    alive = rates[rates > 0]
    least = float(alive.min()) if alive.size else 0.0
    every = ("every unit is active on" if narrow["dead_units_test"] == 0 else
             f"{narrow['dead_units_test']} units are dead and every other one is active on")
    head = (f"At full size the {units}-unit bottleneck's code is dense: {_units(l0)} of its {units} units are "
            f"active on a typical digit ({_pct(share)}), and {every} at least {_pct(least)} of the test digits."
            if share > 0.5 else
            f"At full size {_units(l0)} of the bottleneck's {units} units are active on a typical digit "
            f"({_pct(share)}); its least used living unit is active on {_pct(least)} of the test digits.")
    plain = _by_strength(runs["sae_l1"], 0.0, "the L1 runs")
    reached, missed = [], []
    rows = [("none (bottleneck)", "–", narrow), ("none (plain)", "–", plain)]
    for name in MECHANISMS:
        pair = _bracket(runs[name], l0)
        if not pair:
            l0s = [run["l0_test"] for run in runs[name]]
            missed.append(f"{MECHANISMS[name]}'s runs ({_units(min(l0s))} to {_units(max(l0s))} active units) "
                          "do not reach it")
            continue
        rows += [(MECHANISMS[name], _strength(run), run) for run in pair]
        mse = log_interpolate(runs[name], "reconstruction_mse_test", l0)
        probe = log_interpolate(runs[name], "test_accuracy", l0)
        shares = _and([_share(run["l0_test"] / run["units"]) for run in pair])
        reached.append({"name": MECHANISMS[name], "mse": mse, "probe": probe, "shares": shares,
                        "pair": _and([_strength(run) for run in pair])})
    if reached:
        read = "; ".join(f"{r['name']}'s line (between {r['pair']}, whose codes use {r['shares']} of their "
                         f"{int(runs['sae_l1'][0]['units']):,} units) gives {r['mse']:.2e} per pixel, "
                         f"{_relative(r['mse'], narrow['reconstruction_mse_test'])} than the bottleneck's, and a probe "
                         f"accuracy of {r['probe']:.4f} ({_points(r['probe'] - narrow['test_accuracy'])} points)"
                         for r in reached)
        better = sum(_compare(r["mse"], narrow["reconstruction_mse_test"], level["mse"]) < 0 for r in reached)
        readable = sum(r["probe"] - narrow["test_accuracy"] > level["probe"] for r in reached)
        n = len(reached)
        if better == n and readable == n:
            verdict = ("At the same number of active units per digit, the wide sparse codes reconstruct better and "
                       "are more linearly readable than the narrow dense one.")
        else:
            def of_n(k):
                return f"all {n}" if k == n else f"{k} of the {n}"
            verdict = (f"At the same number of active units per digit, {of_n(better)} sparse lines reconstruct "
                       f"better than the narrow dense code and {of_n(readable)} are more linearly readable.")
        equal = (f"Read at the bottleneck's L0 of {_units(l0)}: {read}."
                 + (f" {_and(missed)}." if missed else "") + f" {verdict}")
    else:
        better = readable = n = 0
        equal = f"No sparse run has an L0 near the bottleneck's {_units(l0)}: " + _and(missed) + "."
    ratio = narrow["reconstruction_mse_test"] / plain["reconstruction_mse_test"]
    wide = (f"The plain {int(plain['units']):,}-unit auto-encoder, with no mechanism either, is the other extreme: "
            + (f"its reconstruction error is {ratio:.0f} times lower ({plain['reconstruction_mse_test']:.2e} per "
               "pixel)" if ratio >= 2 else
               f"its reconstruction error is {plain['reconstruction_mse_test']:.2e} per pixel (the bottleneck's: "
               f"{narrow['reconstruction_mse_test']:.2e})")
            + f", with {_units(plain['l0_test'])} units active per digit.")
    if reached and better == n and readable == n:
        tail = "and the wide sparse codes with as few active units reconstruct and read better"
    else:
        tail = "a code that is small because its layer is small"
    lesson = (f"A narrow bottleneck makes the code small, not sparse: at full size {_pct(share)} of its {units} units "
              f"are active on a typical digit, {tail}.")
    return {"bottleneck_units": units, "bottleneck_l0": l0, "bottleneck_share": share, "bottleneck_dense": share > 0.5,
            "bottleneck_least_rate": least, "bottleneck_better": better, "bottleneck_readable": readable,
            "bottleneck_lines": n, "bottleneck_full_sentence": head, "bottleneck_equal_sentence": equal,
            "bottleneck_plain_sentence": wide, "bottleneck_lesson_sentence": lesson, "bottleneck_rows": rows}


def kl_weak_code(kl_runs, rho: float = KL_DETAIL_RHO) -> dict:
    """How strongly KL's active units are on at full size, bounded from the KL term at the end of training.

    The last logged batch's penalty ``P = β Σ_j KL(ρ ‖ ρ̂_j)`` (its loss less its reconstruction)
    bounds the mean activation ``q̄`` over the batch and the ``n`` units: KL(ρ ‖ q) is convex in q,
    so ``KL(ρ ‖ q̄) ≤ P / (β n)``. At most ``n q̄`` is spread over the L0 active units of a digit.
    """
    kl = [r for r in _check_runs(kl_runs, "sae_kl", merge=False) if r.get("seed", 0) == 0]
    run = _by_strength(kl, rho, "the KL runs")
    curve = run.get("curve", {})
    if "beta" not in run or not {"loss", "reconstruction"} <= set(curve):
        raise ValueError("the KL run needs 'beta' and a curve with 'loss' and 'reconstruction'; "
                         "pass load_results(results_path('sae_kl'))['runs']")
    units, beta = int(run["units"]), float(run["beta"])
    penalty = max(float(curve["loss"][-1]) - float(curve["reconstruction"][-1]), 0.0)
    per_unit = penalty / (beta * units)
    low, high = run["rho"], 1.0  # bisect KL(ρ ‖ q) = per_unit for q > ρ

    def kl(q):
        return run["rho"] * math.log(run["rho"] / q) + (1 - run["rho"]) * math.log((1 - run["rho"]) / (1 - q))

    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if kl(middle) < per_unit else (low, middle)
    q_max = low
    total = q_max * units
    per_active = total / run["l0_test"]
    weak = per_active <= WEAK_ACTIVATION
    sentence = (f"At full size (ρ = {run['rho']:g}, β = {beta:g}, seed 0) the KL term on the last training batch was "
                f"{penalty:.2f}. Because KL(ρ ‖ q) is convex in q, that caps the batch's mean activation, over all "
                f"{units:,} units, at {q_max:.3f} (where β · {units:,} · KL(ρ ‖ q) = {penalty:.2f}): on average, "
                f"a digit's activations sum to at most about {total:.0f}. Yet {_units(run['l0_test'])} units are "
                "above the threshold on a typical test digit, so an active unit's activation averages at most about "
                f"{per_active:.2g} (the cap is from a training batch, the count from the test digits), on a scale "
                "that goes up to 1: "
                + ("many units weakly on, not a few strongly on." if weak else
                   "this bound is too loose to say whether they are weakly or strongly on."))
    return {"kl_weak_penalty": penalty, "kl_weak_mean_max": q_max, "kl_weak_per_active": per_active,
            "kl_weak": weak, "kl_weak_sentence": sentence}


def atom_rates(runs_by_experiment, top: int = 10) -> dict:
    """How often the ``top`` most used units fire in the full-size runs at :data:`ATOM_STRENGTHS`."""
    runs = _check_experiments(runs_by_experiment)
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be an int >= 1, got {top!r}")
    parts, spans = [], {}
    for name, value in ATOM_STRENGTHS.items():
        run = _by_strength(runs[name], value, f"the {name} runs")
        rates = np.sort(np.asarray(run["firing_rates_test"], dtype=float))[::-1][:top]
        spans[MECHANISMS[name]] = (float(rates.min()), float(rates.max()))
        parts.append(f"{_pct(rates.min())} to {_pct(rates.max())} with {MECHANISMS[name]} at {_strength(run)}")
    parts[0] = parts[0].replace(" with ", " of the test digits with ", 1)
    sentence = f"In the full-size runs (seed 0), the {top} most used units are active on " + _and(parts) + "."
    return {"atom_rate_spans": spans, "atom_rates_sentence": sentence}


def training_cost(runs_by_experiment, weights_run, bottleneck_run) -> dict:
    """Training time against the width of the layer, from the full-size runs' recorded seconds.

    The two pitfall runs were trained in one session on one recorded device, so their times compare
    widths; the grids' runs give the range of the wide layer's times over every mechanism.
    """
    runs = _check_experiments(runs_by_experiment, merge=False)
    weights = _check_single(weights_run, "sae_l1_weights")
    narrow = _check_single(bottleneck_run, "sae_bottleneck")
    for name, run in (("sae_l1_weights", weights), ("sae_bottleneck", narrow)):
        if "train_seconds" not in run or "steps" not in run:
            raise ValueError(f"the {name} run needs 'train_seconds' and 'steps'; "
                             f"pass load_results(results_path({name!r}))['runs'][0]")
    wide = [run for r in runs.values() for run in r] + [weights]
    steps = {int(run["steps"]) for run in wide + [narrow]}
    if len(steps) != 1:
        raise ValueError("the runs must all train the same number of steps to compare their times, "
                         f"got {sorted(steps)}")
    steps = steps.pop()
    units, narrow_units = int(weights["units"]), int(narrow["units"])
    t_weights, t_narrow = float(weights["train_seconds"]), float(narrow["train_seconds"])
    t_wide = [float(run["train_seconds"]) for run in wide]
    devices = {weights.get("device"), narrow.get("device")}
    where = (f", both trained on {devices.pop()}," if len(devices) == 1 and None not in devices else "")
    ratio = t_weights / t_narrow if t_narrow > 0 else float("inf")
    head = (f"The two pitfall runs{where} show the width at work: for the same {steps:,} steps the "
            f"{units:,}-unit weight-penalty run took {t_weights:,.0f} s and the {narrow_units}-unit bottleneck "
            f"{t_narrow:,.0f} s")
    if ratio >= 2:
        sentence = f"{head}, {ratio:.0f} times less for {units / narrow_units:.0f} times fewer units."
    else:
        sentence = f"{head}: here the narrower layer was not much faster ({ratio:.1f} times)."
    follows = 2 * t_narrow <= min(t_wide)
    span = f"{min(t_wide):,.0f} to {max(t_wide):,.0f} s"
    if follows:
        lesson = (f"The cost of training follows the width of the layer: at full size the {narrow_units}-unit "
                  f"bottleneck trained its {steps:,} steps in {t_narrow:,.0f} s, every {units:,}-unit run, whatever "
                  f"its mechanism, in {span}.")
    else:
        lesson = (f"At full size the width of the layer did not clearly set the cost of training: the "
                  f"{narrow_units}-unit bottleneck took {t_narrow:,.0f} s, the {units:,}-unit runs {span}.")
    return {"cost_narrow_seconds": t_narrow, "cost_weights_seconds": t_weights, "cost_ratio": ratio,
            "cost_follows_width": follows, "cost_width_sentence": sentence, "lesson_cost_sentence": lesson}


def demo_versus_full(small_mse: dict, runs_by_experiment, units: int, steps: int) -> dict:
    """The small runs' reconstruction errors against the full-size runs' at the same settings.

    ``small_mse`` maps a sparsity (``"l1"``, ``"kl"``, ``"topk"``) to ``(strength, MSE per pixel)``
    of one small run; a strength no full-size run has is left out of the comparison.
    """
    runs = _check_experiments(runs_by_experiment)
    units, steps = int(_check_number(units, "units", 1)), int(_check_number(steps, "steps", 1))
    experiments = {"l1": "sae_l1", "kl": "sae_kl", "topk": "sae_topk"}
    if not isinstance(small_mse, dict) or not small_mse:
        raise ValueError("small_mse must map a sparsity ('l1', 'kl', 'topk') to (strength, MSE per pixel)")
    rows = []
    for sparsity, pair in small_mse.items():
        if sparsity not in experiments:
            raise ValueError(f"unknown sparsity {sparsity!r}; expected one of {list(experiments)}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"small_mse[{sparsity!r}] must be (strength, MSE per pixel), got {pair!r}")
        value, mse = pair
        mse = _check_number(mse, f"the MSE of the small {sparsity} run")
        name = experiments[sparsity]
        matching = [run for run in runs[name] if math.isclose(run[STRENGTHS[name]], value, rel_tol=1e-9)]
        if matching:
            rows.append((MECHANISMS[name], _strength(matching[0]), mse, matching[0]["reconstruction_mse_test"]))
    if not rows:
        return {"demo_full_ratios": {}, "demo_full_sentence": "No full-size run shares the small runs' settings, "
                                                              "so their errors have nothing to be compared with."}
    full_steps = int(runs["sae_l1"][0].get("steps", 0))
    small = _and([f"{mse:.2e} for {label} at {strength}" for label, strength, mse, _ in rows])
    full = _and([f"{full_mse:.2e}" for _, _, _, full_mse in rows])
    sentence = (f"In these small runs ({units:,} units, {steps:,} steps) the reconstruction error per pixel is "
                f"{small}; the full-size runs at the same settings reach {full}"
                + (f" after {full_steps:,} steps." if full_steps else "."))
    ratios = {label: mse / full_mse for label, _, mse, full_mse in rows}
    furthest = max(ratios, key=ratios.get)
    if ratios[furthest] > 1.1:
        sentence += (" The small runs show what each knob does, not how well a mechanism ends up reconstructing: "
                     f"the furthest from its full-size error is {furthest}'s, at {ratios[furthest]:.1f} times it.")
    else:
        sentence += " Here the small runs are already within 10% of the full-size errors."
    return {"demo_full_ratios": ratios, "demo_full_sentence": sentence}


# --- a fair KL comparison: the weight β, Ng's model, the silent activations; baselines --------

def beta_scale(beta: float, betas, pixels: int = 784) -> dict:
    """β on our loss's scale against the source's snippet and Ng's notes, in one sentence.

    Our reconstruction error is summed over the ``pixels`` (and averaged over the batch); the
    source's snippet averages it over the pixels (Keras's ``mean_squared_error``), so its β is
    ``pixels`` times ours; Ng's notes halve the sum, so his β is 2 times ours. ``betas`` (the
    sweep's values) must hold both translations of ``beta``.
    """
    beta = _check_number(beta, "beta")
    pixels = int(_check_number(pixels, "pixels", 1))
    if not isinstance(betas, (list, tuple)) or not betas:
        raise ValueError("betas must be the β sweep's values, a non-empty list or tuple")
    source, ng = beta * pixels, 2 * beta
    missing = [value for value in (source, ng) if not any(math.isclose(value, b) for b in betas)]
    if missing:
        raise ValueError(f"the β sweep {list(betas)} lacks {missing}, the source's and Ng's β = {beta:g} "
                         "on our scale")
    sentence = (f"Our loss sums the squared error over the {pixels} pixels (and averages it over the batch), so β "
                f"weighs the KL term against a sum: the source's snippet averages the error over the pixels "
                f"(Keras's mean_squared_error), so its β = {beta:g} is {beta:g} × {pixels} = {source:,.0f} on our "
                f"scale, and Ng's notes halve the summed error, so his β = {beta:g} is {ng:g} here; the ρ grid's "
                f"β = {beta:g} is {pixels} times weaker than the source's and half Ng's.")
    middle = [b for b in betas if not any(math.isclose(b, v) for v in (source, ng))]
    values = _and([f"{b:,g}" for b in sorted(betas)])
    grid = f"β = {values}"
    if middle:
        grid += (f" ({_and([f'{b:,g}' for b in middle])} near {math.sqrt(source * ng):,.0f}, the geometric mean of "
                 f"Ng's scale and the source's)")
    return {"beta_source": source, "beta_ng": ng, "beta_scale_sentence": sentence, "beta_grid_text": grid}


def normalised_mse(mse: float, baselines: dict) -> float:
    """A reconstruction error per pixel as the fraction of the test digits' pixel variance it leaves unexplained."""
    if not isinstance(baselines, dict) or "pixel_variance_test" not in baselines:
        raise ValueError("baselines must be the code_baselines study's summary: "
                         "sweep.load_study('code_baselines')[0]")
    return _check_number(mse, "mse") / float(baselines["pixel_variance_test"])


def _fvu(run: dict, baselines: dict) -> str:
    """``8.4%``: a run's reconstruction error as the fraction of variance unexplained."""
    return _share(normalised_mse(run["reconstruction_mse_test"], baselines))


def _as_beta(run: dict) -> dict:
    """A KL run (of the ρ grid or the β sweep) relabelled by its β, for a line of β at one ρ."""
    return dict(run, strength_name="beta")


def _median_rate(run: dict) -> float:
    """The median unit's share of the test digits on which it is active (dead units included)."""
    return float(np.median(np.asarray(run["firing_rates_test"], dtype=float)))


def beta_sweep(runs_by_experiment, beta_runs: dict, baselines: dict) -> dict:
    """What the KL weight β does at full size, at each ρ it was swept at.

    Parameters
    ----------
    runs_by_experiment : dict
        The grids, as for :func:`findings` (β = ``SAE_KL_BETA`` comes from ``sae_kl``).
    beta_runs : dict
        ``{rho: runs}``: the runs of ``sae_kl_beta_rho05`` / ``sae_kl_beta_rho01`` that exist
        (a ρ whose file has not landed may be left out or given an empty list).
    baselines : dict
        The ``code_baselines`` study's summary (for the fraction of variance unexplained).

    Returns
    -------
    dict
        Sentences, ``beta_series`` ({label: records by β}, for a figure) and ``beta_rows``
        ``(ρ, β, record)`` for a table.
    """
    runs = _check_experiments(runs_by_experiment)
    level = _levels(runs)
    if not isinstance(beta_runs, dict):
        raise TypeError(f"beta_runs must be a dict {{rho: runs}}, got {type(beta_runs).__name__}")
    kl = runs["sae_kl"]
    units = int(kl[0]["units"])
    series, rows = {}, []
    for rho in sorted(beta_runs, reverse=True):
        swept = list(beta_runs[rho] or [])
        for i, run in enumerate(swept):
            if not isinstance(run, dict) or "beta" not in run or not math.isclose(run.get("rho", -1), rho):
                raise ValueError(f"beta_runs[{rho:g}][{i}] must be a run record of the β sweep at ρ = {rho:g}")
        base = _as_beta(_by_strength(kl, rho, "the KL runs"))
        merged = merge_seeds([_with_dead(run) for run in swept], "beta") if swept else []
        line = sorted([base] + [run for run in merged if not math.isclose(run["beta"], base["beta"])],
                      key=lambda run: run["beta"])
        series[f"KL, ρ = {rho:g}"] = line
        rows += [(rho, run["beta"], run) for run in line]
    if not series:
        raise ValueError("beta_runs holds no ρ; pass {rho: load_results(...)['runs']} for each β sweep that exists")

    def beta_label(run):
        return f"β = {run['beta']:,g}"

    l0_parts, mse_parts, probe_parts, rate_parts, directions, mse_directions = [], [], [], [], [], []
    for label, line in series.items():
        rho = line[0]["rho"]
        labels = [beta_label(run) for run in line]
        if len(line) < 2:
            l0_parts.append(f"at ρ = {rho:g} only β = {line[0]['beta']:g} has been measured")
            continue
        l0 = _steps_text([run["l0_test"] for run in line], labels, level["l0"], _units, relative=True,
                         within=f"(within the seeds' spread, {level['l0']:.0%})")
        directions.append(l0["direction"])
        l0_parts.append(f"at ρ = {rho:g} its L0 {l0['clause']}")
        mse = _steps_text([run["reconstruction_mse_test"] for run in line], labels, level["mse"],
                          lambda v: _share(normalised_mse(v, baselines)), relative=True,
                          within=f"(within the seeds' spread, {level['mse']:.0%})")
        mse_parts.append(f"at ρ = {rho:g} it {mse['clause']}")
        mse_directions.append(mse["direction"])
        probe = _steps_text([run["test_accuracy"] for run in line], labels, level["probe"], lambda v: f"{v:.4f}",
                            within=f"(within {_level(level['probe'])})")
        probe_parts.append(f"at ρ = {rho:g} it {probe['clause']}")
        rate_parts.append(f"from {_pct(_median_rate(line[0]))} at {labels[0]} to {_pct(_median_rate(line[-1]))} at "
                          f"{labels[-1]} (ρ = {rho:g})")
    first_beta = min(run["beta"] for line in series.values() for run in line)
    last_beta = max(run["beta"] for line in series.values() for run in line)
    if directions and all(d == "rises" for d in directions):
        head = (f"Raising β from {first_beta:g} to {last_beta:,g} makes KL's code denser by the count, not "
                "sparser: ")
    elif directions and all(d == "falls" for d in directions):
        head = f"Raising β from {first_beta:g} to {last_beta:,g} makes KL's code sparser by the count: "
    else:
        head = f"Raising β from {first_beta:g} to {last_beta:,g} does not move KL's L0 one way at every ρ: "
    l0_sentence = head + "; ".join(l0_parts) + "."
    why = ""
    if rate_parts and directions and all(d == "rises" for d in directions):
        why = ("The KL term pulls every unit's mean activation towards ρ from both sides, lifting the units that "
               "are rarely on as it lowers the busy ones, and a sigmoid can meet a small mean by being weakly on "
               "for every digit: the share of the test digits on which the median unit is active goes "
               + _and(rate_parts) + ".")
    mse_sentence = ("Its reconstruction, as the fraction of the test digits' variance it leaves unexplained: "
                    + "; ".join(mse_parts) + "." if mse_parts else "")
    probe_sentence = ("Its linear probe accuracy: " + "; ".join(probe_parts) + "." if probe_parts else "")
    dead = [run["dead_units_test"] for line in series.values() for run in line]
    dead_sentence = ("No unit is dead at any β or ρ of the sweep (the plain auto-encoder: "
                     f"{_by_strength(runs['sae_l1'], 0.0, 'the L1 runs')['dead_units_test']:,.0f})."
                     if max(dead) == 0 else
                     f"At most {max(dead):,.0f} of the {units:,} units are dead at any β or ρ of the sweep.")
    # the fair comparison: KL at any β against L1's line at equal L0
    l1 = runs["sae_l1"]
    everyone = [run for line in series.values() for run in line]
    inside = [run for run in everyone if log_interpolate(l1, "reconstruction_mse_test", run["l0_test"]) is not None]
    l1_span = f"{_units(min(r['l0_test'] for r in l1))} to {_units(max(r['l0_test'] for r in l1))}"
    if not inside:
        fewest = min(everyone, key=lambda run: run["l0_test"])
        equal = (f"No β at either ρ brings KL's L0 into L1's range ({l1_span} active units per digit): the fewest "
                 f"are {_units(fewest['l0_test'])} at ρ = {fewest['rho']:g}, {beta_label(fewest)}, "
                 f"{fewest['l0_test'] / (fewest['rho'] * units):.1f} times the {_units(fewest['rho'] * units)} "
                 "units of a code with a fraction ρ of its units on. So no weight of the KL term, on either "
                 "reference's scale, gives a KL point to set against L1 at equal L0.")
        kl_better = kl_readable = 0
    else:
        parts, kl_better, kl_readable, kl_unreadable = [], 0, 0, 0
        for run in inside:
            mse = log_interpolate(l1, "reconstruction_mse_test", run["l0_test"])
            probe = log_interpolate(l1, "test_accuracy", run["l0_test"])
            kl_better += _compare(run["reconstruction_mse_test"], mse, level["mse"]) < 0
            kl_readable += run["test_accuracy"] - probe > level["probe"]
            kl_unreadable += probe - run["test_accuracy"] > level["probe"]
            parts.append(f"ρ = {run['rho']:g} and {beta_label(run)}, at L0 {_units(run['l0_test'])}: MSE per pixel "
                         f"{run['reconstruction_mse_test']:.2e} against L1's {mse:.2e}, probe "
                         f"{run['test_accuracy']:.4f} against {probe:.4f}")
        n = len(inside)
        equal = (f"Within L1's range of L0 ({l1_span}), KL reconstructs better than L1 "
                 f"{_count(kl_better, n, 'such point')} and reads better by more than {_level(level['probe'])} "
                 f"{_count(kl_readable, n, 'such point')}"
                 + (f", worse by more than that at {kl_unreadable}" if kl_unreadable and kl_readable else "")
                 + " (" + "; ".join(parts) + ").")
    ends = {label: (line[0], line[-1]) for label, line in series.items() if len(line) > 1}
    seeded = [f"ρ = {run['rho']:g}, β = {run['beta']:g} ({seeds_text(run)})"
              for line in series.values() for run in line if len(run.get("seeds", [])) > 1]
    seeds_sentence = ("Each point is one seed" + (" except " + _and(seeded) if seeded else "") + ".")
    partial = [f"at ρ = {run['rho']:g}, β = {run['beta']:g} it is the mean of seed"
               f"{'s' if len(run['partial'][THRESHOLDED]) > 1 else ''} "
               f"{_and([str(x) for x in run['partial'][THRESHOLDED]])} only"
               for line in series.values() for run in line if THRESHOLDED in run.get("partial", {})]
    measured = [run for line in series.values() for run in line if THRESHOLDED in run]
    column = SILENT_COLUMNS["mse_silent"][0]  # the tables' column, by its name (it is not the last)
    silent = (f"The column “{column}” decodes each code with every activation at or below the threshold set "
              "to 0, the ones L0 calls silent; only the runs made for this sweep and after it measured that"
              + (f" ({_and(partial)})" if partial else "") + "." if measured else "")
    lesson = ""
    if directions and all(d == "rises" for d in directions):
        lesson = (f"KL's weight β only means something against the scale of the reconstruction error, and a "
                  f"stronger KL term did not make the code sparser: from β = {first_beta:g} to {last_beta:,g} its "
                  "L0 rose at " + ("both target rates" if len(directions) == 2 else
                                   f"every one of the {len(directions)} target rates") + ".")
    elif directions:
        lesson = (f"KL's weight β only means something against the scale of the reconstruction error; from "
                  f"β = {first_beta:g} to {last_beta:,g} its L0 did not move one way at every target rate.")
    return {"beta_series": series, "beta_rows": rows, "beta_l0_directions": directions,
            "beta_mse_directions": mse_directions, "beta_ends": ends, "beta_seeds_sentence": seeds_sentence,
            "beta_silent_sentence": silent,
            "lesson_beta_sentence": lesson,
            "beta_inside_l1_range": len(inside), "beta_kl_better": kl_better, "beta_kl_readable": kl_readable,
            "beta_dead_max": max(dead), "beta_l0_sentence": l0_sentence, "beta_why_sentence": why,
            "beta_mse_sentence": mse_sentence, "beta_probe_sentence": probe_sentence,
            "beta_dead_sentence": dead_sentence, "beta_equal_l0_sentence": equal}


def unit_norm_cap(baselines: dict, pixels: int = 784) -> dict:
    """Why unit-norm atoms cap a sigmoid code: ‖Dh‖ ≤ Σ h_j, and each h_j ≤ 1.

    The test digits' root-mean-square distance from the mean digit, ``sqrt(pixels ×
    pixel_variance_test)``, is the least length a code must draw on average (whatever the
    decoder's bias), so it takes at least that many sigmoid units fully on.
    """
    if not isinstance(baselines, dict) or "pixel_variance_test" not in baselines:
        raise ValueError("baselines must be the code_baselines study's summary: "
                         "sweep.load_study('code_baselines')[0]")
    pixels = int(_check_number(pixels, "pixels", 1))
    distance = math.sqrt(pixels * float(baselines["pixel_variance_test"]))
    sentence = (f"With every atom at norm 1, the picture a code of non-negative activations draws is never longer "
                f"than the sum of its activations (‖Dh‖ ≤ Σⱼ hⱼ), and a sigmoid activation is at most 1, so "
                f"drawing a test digit, which lies on average (root mean square) {distance:.1f} from the mean "
                f"digit, takes at least {math.ceil(distance)} units fully on or many more weakly on; a ReLU "
                "activation has no ceiling, and Ng's free atoms may grow instead.")
    return {"digit_distance": distance, "cap_units": math.ceil(distance), "cap_sentence": sentence}


def ng_model(runs_by_experiment, ng_runs, beta_runs: dict, baselines: dict) -> dict:
    """Ng's sparse auto-encoder (free atoms, weight decay) against the unit-norm model at the same β and ρ.

    ``runs_by_experiment``: the grids (for the seeds' bands); ``ng_runs``: the runs of
    ``sae_kl_ng`` that exist; ``beta_runs``: as for :func:`beta_sweep` (the counterpart of each
    Ng run is the β sweep's run at its β and ρ).
    """
    level = _levels(_check_experiments(runs_by_experiment))
    if not isinstance(ng_runs, (list, tuple)) or not ng_runs:
        raise ValueError("ng_runs must be a non-empty list of the sae_kl_ng runs")
    for i, run in enumerate(ng_runs):
        missing = [field for field in ("rho", "beta", "l0_test", "reconstruction_mse_test", "test_accuracy",
                                       "decoder_atom_norms") if field not in (run if isinstance(run, dict) else {})]
        if missing:
            raise ValueError(f"ng_runs[{i}] lacks {missing}; pass load_results(results_path('sae_kl_ng'))['runs']")
    ng = merge_seeds(ng_runs, "rho")
    rows, parts, sparser, compared = [], [], 0, 0
    decay = ng[0].get("weight_decay")
    for run in sorted(ng, key=lambda r: -r["rho"]):
        rho, beta = run["rho"], run["beta"]
        twins = [r for r in (beta_runs.get(rho) or []) if math.isclose(r["beta"], beta)]
        rows.append(("Ng's model: free atoms, weight decay", rho, beta, run))
        if not twins:
            parts.append(f"at ρ = {rho:g} it keeps {_units(run['l0_test'])} units active per digit, leaves "
                         f"{_fvu(run, baselines)} of the variance unexplained and reads {run['test_accuracy']:.4f} "
                         f"(the unit-norm model at β = {beta:g} has not been measured at this ρ)")
            continue
        twin = merge_seeds([_with_dead(r) for r in twins], "beta")[0]
        rows.append(("unit-norm atoms", rho, beta, twin))
        compared += 1
        sparser += _compare(run["l0_test"], twin["l0_test"], level["l0"]) < 0
        parts.append(f"at ρ = {rho:g} it keeps {_units(run['l0_test'])} units active per digit against "
                     f"{_units(twin['l0_test'])} with unit-norm atoms, leaves {_fvu(run, baselines)} of the variance "
                     f"unexplained against {_fvu(twin, baselines)}, and reads {run['test_accuracy']:.4f} against "
                     f"{twin['test_accuracy']:.4f}")
    verdicts = {"reconstruction": [], "l0": [], "probe": []}
    for _, rho, _, twin in [row for row in rows if row[0] == "unit-norm atoms"]:
        own = next(run for run in ng if math.isclose(run["rho"], rho))
        gap = own["test_accuracy"] - twin["test_accuracy"]
        verdicts["reconstruction"].append(
            (rho, _compare(own["reconstruction_mse_test"], twin["reconstruction_mse_test"], level["mse"])))
        verdicts["l0"].append((rho, _compare(own["l0_test"], twin["l0_test"], level["l0"])))
        verdicts["probe"].append((rho, 0 if abs(gap) <= level["probe"] else (1 if gap > 0 else -1)))
    subjects = {"reconstruction": "reconstructs ", "l0": "its code is ", "probe": "it is "}
    words = {"reconstruction": {-1: "better", 1: "worse", 0: "as well, within the seeds' spread,"},
             "l0": {-1: "sparser by the count", 1: "denser by the count", 0: "as sparse by the count"},
             "probe": {1: "more linearly readable", -1: "less linearly readable",
                       0: f"as linearly readable, within {_level(level['probe'])},"}}

    def said(aspect):
        pairs = verdicts[aspect]
        if len({v for _, v in pairs}) == 1:
            where = ("at both target rates" if len(pairs) == 2 else
                     f"at ρ = {pairs[0][0]:g}" if len(pairs) == 1 else f"at all {len(pairs)} target rates")
            return f"{subjects[aspect]}{words[aspect][pairs[0][1]]} {where}"
        return subjects[aspect] + _and([f"{words[aspect][v]} at ρ = {rho:g}" for rho, v in pairs])
    sparser = sum(v < 0 for _, v in verdicts["l0"])
    denser = sum(v > 0 for _, v in verdicts["l0"])
    better = sum(v < 0 for _, v in verdicts["reconstruction"])
    readable = sum(v > 0 for _, v in verdicts["probe"])
    unanimous = all(len({v for _, v in pairs}) == 1 for pairs in verdicts.values())
    if compared and unanimous:
        rhos = _and([f"{rho:g}" for rho, _ in verdicts["l0"]])
        first = {aspect: subjects[aspect] + words[aspect][pairs[0][1]] for aspect, pairs in verdicts.items()}
        link = "but" if better == compared and denser == compared else "and"
        lesson = (f"At {'each target rate' if compared > 1 else 'its target rate'} (ρ = {rhos}), against the "
                  f"unit-norm model at the same β and ρ, Ng's model (free atoms and weight decay together) "
                  f"{first['reconstruction']}, {link} {first['l0']}, and {first['probe']}.")
    elif compared:
        lesson = ("Against the unit-norm model at the same β and ρ, Ng's model (free atoms and weight decay "
                  f"together) {said('reconstruction')}, but {said('l0')}, and {said('probe')}."
                  if better == compared and denser == compared else
                  "Against the unit-norm model at the same β and ρ, Ng's model (free atoms and weight decay "
                  f"together) {said('reconstruction')}; {said('l0')}; and {said('probe')}.")
    else:
        lesson = "The unit-norm model at Ng's β has not been measured at his runs' target rates yet."
    ng = sorted(ng, key=lambda r: -r["rho"])
    norms = [run["decoder_atom_norms"] for run in ng]
    atoms = _and([f"{n['min']:.2f} to {n['max']:.2f} (mean {n['mean']:.2f}) at ρ = {run['rho']:g}"
                  for n, run in zip(norms, ng)])
    decay_text = f", weight decay {format_lam(decay)} · ΣW²" if decay else ", weight decay"
    head = (f"Ng's model (no unit-norm constraint{decay_text}, β = {ng[0]['beta']:g} on our scale; one seed "
            "each): " + "; ".join(parts) + ".")
    atom_sentence = f"Free to grow, its atoms end with norms of {atoms}, against 1 for every atom of the other runs."
    return {"ng_rows": rows, "ng_compared": compared, "ng_sparser": sparser, "ng_denser": denser,
            "ng_better": better, "ng_readable": readable, "ng_lesson_sentence": lesson, "ng_sentence": head,
            "ng_atoms_sentence": atom_sentence,
            "ng_atom_norm_mean": {run["rho"]: n["mean"] for n, run in zip(norms, ng)}}


def thresholded(runs_by_name: dict) -> dict:
    """The KL runs' reconstruction when every activation at or below the threshold is set to 0.

    ``runs_by_name``: ``{experiment: runs}`` (``sae_kl``, the β sweeps, ``sae_kl_ng``); only runs
    made after the measurement was added hold ``reconstruction_mse_thresholded_test``.
    """
    if not isinstance(runs_by_name, dict) or not runs_by_name:
        raise ValueError("runs_by_name must map an experiment to its runs")
    measured, missing = [], []
    for name, runs in runs_by_name.items():
        for run in runs or []:
            (measured if "reconstruction_mse_thresholded_test" in run else missing).append((name, run))
    if not measured:
        return {"thresholded_runs": 0, "thresholded_worst": None,
                "thresholded_sentence": "No KL run has been measured with its sub-threshold activations set to 0 "
                                        "yet."}
    threshold = measured[0][1].get("active_threshold", 0.01)

    def describe(name, runs):
        if name == "sae_kl_ng":
            return "ρ = " + _and([f"{r['rho']:g}" for r in runs])
        if name == "sae_kl" and len(runs) > 2 and len({r.get("seed", 0) for r in runs}) == 1:
            return f"seed {runs[0].get('seed', 0)} of the ρ grid"
        if name == "sae_kl":
            rhos = sorted({r["rho"] for r in runs}, reverse=True)
            return _and([f"seed{'s' if len(seeds) > 1 else ''} {_and([str(x) for x in seeds])} of the ρ grid at "
                         f"ρ = {rho:g}" for rho in rhos
                         for seeds in [sorted(r.get("seed", 0) for r in runs if r["rho"] == rho)]])
        betas = _and([f"{r['beta']:,g}" for r in runs])
        return f"β = {betas} at ρ = {runs[0]['rho']:g}"

    def verdict(group):
        ratios = [run[THRESHOLDED] / run["reconstruction_mse_test"] for _, run in group]
        span = (f"{100 * (min(ratios) - 1):+.1f}%" if len(ratios) == 1 else
                f"{100 * (min(ratios) - 1):+.1f}% to {100 * (max(ratios) - 1):+.1f}%").replace("-", "−")
        if max(ratios) <= 1:
            tail = ("zeroing them never makes the reconstruction worse, so L0 at this threshold counts every unit "
                    "the reconstruction needs")
        elif max(ratios) <= 1.1:
            tail = "the silent activations draw almost none of the digit"
        else:
            tail = (f"at worst the error grows {max(ratios):.2f} times, so its silent activations carry part of the "
                    "digit and L0 undercounts the code")
        groups: dict[str, list[dict]] = {}
        for name, run in group:
            groups.setdefault(name, []).append(run)
        described = [describe(name, runs) for name, runs in groups.items()]
        which = "; ".join(described) if any(" and " in d for d in described) else _and(described)
        return ratios, f"by {span} ({which}): {tail}"
    constrained = [(name, run) for name, run in measured if name != "sae_kl_ng"]
    free = [(name, run) for name, run in measured if name == "sae_kl_ng"]
    parts, ratios = [], []
    for label, group in (("the unit-norm KL model's", constrained), ("Ng's model's", free)):
        if group:
            own, text = verdict(group)
            ratios += own
            parts.append(f"{label} reconstruction error {text}")
    worst = max(ratios)
    sentence = (f"Setting every activation at or below {threshold:g} to 0 before decoding (the ones L0 calls silent) "
                f"changes {parts[0]}." + (f" It changes {parts[1]}." if len(parts) > 1 else ""))
    if missing:
        groups: dict[str, list[dict]] = {}
        for name, run in missing:
            groups.setdefault(name, []).append(run)
        which = _and([describe(n, r) for n, r in groups.items()])
        sentence += (f" The other {len(missing)} KL runs ({which}) were made before this measurement existed."
                     if len(missing) > 1 else
                     f" The other KL run ({which}) was made before this measurement existed.")
    return {"thresholded_runs": len(measured), "thresholded_worst": worst, "thresholded_best": min(ratios),
            "thresholded_worst_unit_norm": max([run[THRESHOLDED] / run["reconstruction_mse_test"]
                                                for _, run in constrained], default=None),
            "thresholded_sentence": sentence}


def baselines(runs_by_experiment, summary: dict) -> dict:
    """What a code must beat: the probe on raw pixels and on a random ReLU projection of the same width,
    and the reconstruction errors as fractions of the pixel variance."""
    runs = _check_experiments(runs_by_experiment)
    level = _levels(runs)
    if not isinstance(summary, dict) or not {"probe_pixels", "random_relu", "pixel_variance_test"} <= set(summary):
        raise ValueError("summary must be the code_baselines study's: sweep.load_study('code_baselines')[0]")
    units = int(runs["sae_l1"][0]["units"])
    random = summary["random_relu"].get(str(units))
    if random is None:
        raise ValueError(f"the code_baselines study has no random ReLU projection of width {units}")
    accuracies = [float(a) for a in random["accuracy"]]
    random_mean = float(np.mean(accuracies))
    random_range = max(accuracies) - min(accuracies)
    pixels = float(summary["probe_pixels"])
    plain = _by_strength(runs["sae_l1"], 0.0, "the L1 runs")
    band = max(level["probe"], random_range)
    random_text = (f"{random_mean:.4f} (seeds {min(accuracies):.4f}–{max(accuracies):.4f})" if len(accuracies) > 1
                   else f"{random_mean:.4f}")
    plain_gap = plain["test_accuracy"] - pixels
    plain_text = (f"is level with the pixels, within {_level(band)}" if abs(plain_gap) <= band else
                  f"reads {abs(100 * plain_gap):.2f} points {'above' if plain_gap > 0 else 'below'} the pixels")
    head = (f"For scale, the same probe reads {pixels:.4f} on the raw pixels and {random_text} on a random ReLU "
            f"projection of the pixels to {units:,} units, an encoder that was never trained. The plain "
            f"auto-encoder's code ({plain['test_accuracy']:.4f}, {seeds_text(plain)}) {plain_text}.")
    parts, above_total, points = [], 0, 0
    for name in MECHANISMS:
        groups = {"above": [], "level with": [], "below": []}
        for run in runs[name]:
            gap = run["test_accuracy"] - random_mean
            groups["above" if gap > band else "below" if gap < -band else "level with"].append(run)
        above_total += len(groups["above"])
        points += len(runs[name])
        symbol = SYMBOLS[STRENGTHS[name]]
        said = [f"{where} it at {symbol} = {_and([f'{r[STRENGTHS[name]]:g}' for r in rs])}"
                for where, rs in groups.items() if rs]
        if len(groups["below"]) == len(runs[name]):
            said = [f"below it at every {symbol}"]
        elif len(groups["above"]) == len(runs[name]):
            said = [f"above it at every {symbol}"]
        parts.append(f"{MECHANISMS[name]} is " + _and(said))
    best_vs_random, gaps = {}, {}
    for name in MECHANISMS:
        top = _best(runs[name])
        gap = top["test_accuracy"] - random_mean
        where = ("above" if gap > band else "below" if gap < -band else "level with")
        gaps[MECHANISMS[name]] = (gap, where)
        best_vs_random[MECHANISMS[name]] = (
            f"Its most readable code ({_strength(top)}, {seeds_text(top)}) reads {top['test_accuracy']:.4f}, "
            + (f"{abs(100 * gap):.2f} points {where} a random ReLU projection of the same width ({random_mean:.4f})"
               if where != "level with" else
               f"level with a random ReLU projection of the same width ({random_mean:.4f}) within {_level(band)}"))
    versus = (f"Against the random projection (a difference of {_level(band)} or less counting as level): "
              + "; ".join(parts) + f". {above_total} of the {points} points beat it.")
    fvu = {(name, run[STRENGTHS[name]]): normalised_mse(run["reconstruction_mse_test"], summary)
           for name in MECHANISMS for run in runs[name]}
    low, high = min(fvu, key=fvu.get), max(fvu, key=fvu.get)

    def point(key):
        name, value = key
        return f"{MECHANISMS[name]} at {SYMBOLS[STRENGTHS[name]]} = {value:g}"
    variance = (f"As a fraction of the test digits' pixel variance ({float(summary['pixel_variance_test']):.4f} "
                f"per pixel), the reconstruction errors leave from {_share(fvu[low])} unexplained ({point(low)}) "
                f"to {_share(fvu[high])} ({point(high)}).")
    return {"probe_pixels": pixels, "probe_random": random_mean,
            "pixel_variance": float(summary["pixel_variance_test"]), "probe_random_range": random_range,
            "random_band": band, "probe_above_random": above_total, "probe_points": points,
            "best_vs_random": best_vs_random, "best_gap_random": gaps,
            "baseline_sentence": head, "baseline_random_sentence": versus, "fvu_sentence": variance,
            "fvu_min": fvu[low], "fvu_max": fvu[high]}


def choosing(found: dict, sweep: dict, ng: dict, base: dict) -> dict:
    """The advice of "Choosing the penalty", from :func:`findings`, :func:`beta_sweep`, :func:`ng_model`
    (``{}`` if Ng's runs have not landed) and :func:`baselines`."""
    for name, part, key in (("found", found, "advice_kl_sentence"), ("sweep", sweep, "beta_ends"),
                            ("base", base, "best_vs_random")):
        if not isinstance(part, dict) or key not in part:
            raise ValueError(f"{name} must be the dict its findings function returns (it lacks {key!r})")
    vs = base["best_vs_random"]
    topk = f"{found['advice_topk_sentence']} {vs['TopK']}."
    l1 = f"{found['advice_l1_sentence']} {vs['L1']}."
    gap, where = base["best_gap_random"]["KL"]
    kl = (f"{found['advice_kl_sentence']} Its most readable code is "
          + (f"{abs(100 * gap):.2f} points {where} " if where != "level with" else "level with ")
          + f"a random ReLU projection of the same width ({base['probe_random']:.4f}).")
    parts = []
    for label, (first, last) in sweep["beta_ends"].items():
        parts.append(f"at {label[len('KL, '):]} L0 goes from {_units(first['l0_test'])} at β = {first['beta']:g} to "
                     f"{_units(last['l0_test'])} at β = {last['beta']:,g}, and the unexplained variance from "
                     f"{_share(first['reconstruction_mse_test'] / base['pixel_variance'])} to "
                     f"{_share(last['reconstruction_mse_test'] / base['pixel_variance'])}")
    directions, mse = sweep["beta_l0_directions"], sweep["beta_mse_directions"]
    if directions and all(d == "rises" for d in directions) and all(d == "rises" for d in mse):
        beta = ("A stronger KL term, up to the source's scale, does not help: it makes the code denser by the count "
                "and the reconstruction worse (" + "; ".join(parts) + ").")
    elif parts:
        beta = "A stronger KL term moves the code as follows: " + "; ".join(parts) + "."
    else:
        beta = "The β sweep has not been measured yet."
    if not ng.get("ng_compared"):
        ng_advice = "Ng's own model has not been set against the unit-norm one yet."
    elif ng["ng_sparser"] == 0:
        ng_advice = ("Ng's own formulation, with free atoms and weight decay, does not make the code sparser either "
                     f"(at {'either' if ng['ng_compared'] == 2 else 'any'} target rate measured; see above).")
    else:
        ng_advice = (f"Ng's own formulation, with free atoms and weight decay, makes the code sparser "
                     f"{_count(ng['ng_sparser'], ng['ng_compared'], 'target rate')} measured (see above).")
    return {"choose_topk_sentence": topk, "choose_l1_sentence": l1, "choose_kl_sentence": kl,
            "choose_beta_sentence": beta, "choose_ng_sentence": ng_advice}


# --- the page's tables ---------------------------------------------------------------------------

def _sci(value: float) -> str:
    """An error in e-notation with 3 significant digits, ``6.80e-3``; ``–`` where not measured."""
    if value is None or not math.isfinite(value):
        return "–"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


#: The columns of a full-size run's table, in two parts that each fit the book's column (what
#: the code uses, and what it buys). ``layer`` and ``silent`` columns are added on request.
USE_COLUMNS = {"run": ("run", "text"), "seeds": ("seeds", "int")}
LAYER_COLUMNS = {"units": ("units", "int"), "active_share": ("share active", "percent")}
CODE_COLUMNS = {"l0": ("L0", "number"), "nonzero": ("non-zero", "number"),
                "dead": ("dead", "percent")}
QUALITY_COLUMNS = {"mse": ("MSE per pixel", _sci),
                   "unexplained": ("unexplained variance", "percent")}
SILENT_COLUMNS = {"mse_silent": ("MSE, silent units set to 0", _sci)}
PROBE_COLUMNS = {"probe": ("probe accuracy", "accuracy")}


def _fitted(styler):
    """``styler`` with headers that may wrap (cells never do) and its first column flush left."""
    return styler.set_table_styles([
        {"selector": "td, th", "props": "padding: 0.2em 0.5em;"},
        {"selector": "th", "props": "white-space: normal; vertical-align: bottom;"},
        {"selector": "td.col0, th.col_heading.col0", "props": "text-align: left;"},
    ], overwrite=False)


def run_row(mechanism: str, strength: str, run: dict, baselines: dict) -> dict:
    """One full-size run (or the mean of a point's seeds) as a row of the page's tables.

    The run is named ``"mechanism, strength"`` (just the mechanism where ``strength`` is ``–``).
    """
    run = _with_dead(run)
    return {"run": mechanism if strength in ("", "–") else f"{mechanism}, {strength}",
            "seeds": len(run.get("seeds", [run.get("seed", 0)])),
            "units": run["units"], "active_share": run["l0_test"] / run["units"],
            "l0": run["l0_test"], "nonzero": run["avr_test"],
            "dead": run["dead_units_test"] / run["units"],
            "mse": run["reconstruction_mse_test"],
            "unexplained": normalised_mse(run["reconstruction_mse_test"], baselines),
            "mse_silent": run.get(THRESHOLDED, math.nan),
            "probe": run["test_accuracy"]}


def runs_tables(rows, baselines: dict, layer: bool = False, silent: bool = False) -> list:
    """Full-size runs as two tables: what each code uses, and what it buys.

    Parameters
    ----------
    rows
        list of (mechanism, strength, run) triples, as the findings return them
        (``weights_rows``, ``bottleneck_rows``; ``beta_rows`` and ``ng_rows`` reshaped).
    baselines
        the ``code_baselines`` summary (its test pixel variance scales the error).
    layer
        add the layer's units and the share of them active per digit.
    silent
        add the error with every activation at or below the threshold set to 0
        (``–`` for runs that did not measure it).

    Returns
    -------
    list
        Two pandas Stylers (see :func:`sparsebook.tables.table`), displayed one after the other.
    """
    from ..tables import table

    rows = [run_row(mechanism, strength, run, baselines) for mechanism, strength, run in rows]
    if not rows:
        raise ValueError("rows must hold at least one (mechanism, strength, run) triple")
    uses = {**USE_COLUMNS, **(LAYER_COLUMNS if layer else {}), **CODE_COLUMNS}
    buys = {"run": USE_COLUMNS["run"], **QUALITY_COLUMNS, **(SILENT_COLUMNS if silent else {}),
            **PROBE_COLUMNS}
    return [_fitted(table(rows, uses, caption="What each code uses: units active per test digit "
                                                "(L0: above the threshold), dead units")),
            _fitted(table(rows, buys, caption="What it buys: reconstruction and a linear probe"))]


def frontier_tables(runs_by_experiment, baselines: dict) -> list:
    """The full-size points of the three grids, one row each (several seeds: their mean)."""
    runs = _check_experiments(runs_by_experiment, merge=False)
    return runs_tables([(MECHANISMS[name], _strength(run), run)
                        for name, records in runs.items()
                        for run in merge_seeds(records, STRENGTHS[name])], baselines)


def small_runs_table(tests: dict, strengths: dict):
    """The small live runs: L0, error and silent units of each, one row per (sparsity, value).

    ``tests`` maps ``(sparsity, value)`` to what ``evaluate_autoencoder`` returned;
    ``strengths`` maps a sparsity to ``(knob, values)`` as the page sets them.
    """
    from ..tables import table

    unknown = sorted({sparsity for sparsity, _ in tests} - set(strengths))
    if unknown:
        raise ValueError(f"tests name sparsities that strengths lack: {unknown}")
    rows = [{"run": f"{SPARSITY_NAMES[sparsity]}, {SYMBOLS[strengths[sparsity][0]]} = {value:g}",
             "l0": test.activity.avr, "mse": float(test.reconstruction_mse),
             "silent": int(np.sum(test.activity.dead_units))}
            for (sparsity, value), test in tests.items()]
    return _fitted(table(rows, {"run": ("small run", "text"), "l0": ("L0", "number"),
                                "mse": ("MSE per pixel", _sci),
                                "silent": ("silent on every test digit", "int")},
                         caption="Small live runs (demonstration, not evidence)"))
