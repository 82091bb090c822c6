"""What the sparse auto-encoder chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/sae_l1.json``,
``sae_kl.json``, ``sae_topk.json``); :func:`weight_penalty` and :func:`bottleneck` add the
pitfalls' single runs (``sae_l1_weights.json``, ``sae_bottleneck.json``), :func:`kl_weak_code`
and :func:`atom_rates` read more of the grids, :func:`training_cost` their recorded training times:
every conclusion of the chapter comes from them. Probe accuracies within :data:`PROBE_LEVEL`
of each other count as level.
The ``demo_*`` functions describe the chapter's small live runs, in sentences about those
runs only. Every sentence whose truth depends on a comparison is written here, whole.
"""

from __future__ import annotations

import math

import numpy as np

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

def _check_runs(runs, name: str) -> list[dict]:
    """The runs of experiment ``name``, sorted by their strength, after checking their fields."""
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
    runs = sorted(runs, key=lambda run: run[STRENGTHS[name]])
    values = [run[STRENGTHS[name]] for run in runs]
    if len(set(values)) != len(values):
        raise ValueError(f"the runs of {name} hold two runs at the same {STRENGTHS[name]}: {values}")
    return runs


def _check_experiments(runs_by_experiment) -> dict[str, list[dict]]:
    if not isinstance(runs_by_experiment, dict):
        raise TypeError("runs_by_experiment must be a dict {experiment name: list of run records}, "
                        f"got {type(runs_by_experiment).__name__}")
    if set(runs_by_experiment) != set(MECHANISMS):
        raise ValueError(f"runs_by_experiment must hold exactly {sorted(MECHANISMS)}, got {sorted(runs_by_experiment)}")
    return {name: _check_runs(runs_by_experiment[name], name) for name in MECHANISMS}


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
        :func:`sparsebook.sweep.load_results`.

    Returns
    -------
    dict
        Numbers and whole sentences (str), keyed by the names the page glues them under.
    """
    runs = _check_experiments(runs_by_experiment)
    first = runs["sae_l1"][0]
    out = {
        "units": int(first["units"]),
        "n_train": int(first.get("n_train", 0)),
        "n_test": int(first.get("n_test", 0)),
        "steps": int(first.get("steps", 0)),
        "probe_train_examples": int(first.get("probe_train_examples", 0)),
        "n_runs": sum(len(r) for r in runs.values()),
    }
    out.update(_threshold(runs))
    out.update(_frontier(runs))
    out.update(_l1_range(runs["sae_l1"]))
    out.update(_kl_code(runs["sae_kl"]))
    out.update(_probe(runs))
    out.update(_dead(runs))
    out.update(_firing(runs))
    out.update(_time(runs))
    out.update(_advice(out, runs))
    return out


def _relative(own: float, other: float) -> str:
    """How ``own`` compares with ``other``: ``25% lower``, ``7% higher``, ``8.9 times as high``."""
    ratio = own / other
    if ratio >= 2:
        return f"{ratio:.1f} times as high"
    return f"{abs(ratio - 1):.0%} {'lower' if ratio < 1 else 'higher'}"


def _level() -> str:
    """:data:`PROBE_LEVEL` in words: ``0.5 points``."""
    return f"{100 * PROBE_LEVEL:g} points"


def _points(difference: float) -> str:
    """A difference of accuracies in percentage points, signed: ``+4.90``, ``−5.83``."""
    return f"{100 * difference:+.2f}".replace("-", "−")


def _frontier(runs: dict) -> dict:
    """TopK and KL against L1, reconstruction error at equal L0."""
    l1 = runs["sae_l1"]
    out = {}
    for name, verb in (("sae_topk", "topk"), ("sae_kl", "kl")):
        label = MECHANISMS[name]
        pairs = sorted(at_equal_l0(runs[name], l1, "reconstruction_mse_test"), key=lambda p: p[0]["l0_test"])
        outside = [run for run in runs[name] if run not in [p[0] for p in pairs]]
        wins = [(run, ref) for run, ref in pairs if run["reconstruction_mse_test"] < ref]
        losses = [(run, ref) for run, ref in pairs if run["reconstruction_mse_test"] >= ref]
        n = len(pairs)
        if n == 0:
            sentence = (f"No {label} run has an L0 within L1's range, so the two cannot be compared at equal L0.")
        else:
            points = f"{label} point{'s' if n > 1 else ''} within L1's range of L0"
            detail = "; ".join(f"{_strength(run)}: {run['reconstruction_mse_test']:.2e} against L1's {ref:.2e}, "
                               f"{_relative(run['reconstruction_mse_test'], ref)}" for run, ref in pairs)
            every = "both" if n == 2 else f"all {n}" if n > 2 else "the one"
            if len(wins) == n:
                head = f"{label} reconstructs better than L1 at {every} {points}"
            elif not wins:
                head = f"{label} reconstructs worse than L1 at {every} {points}"
            else:
                head = f"{label} reconstructs better than L1 at {len(wins)} of the {n} {points}"
            sentence = f"{head} ({detail})."
        if outside:
            symbol = SYMBOLS[STRENGTHS[name]]
            values = _and([f"{run[STRENGTHS[name]]:g}" for run in outside])
            l0 = [run["l0_test"] for run in outside]
            span = _units(l0[0]) if len(l0) == 1 else f"{_units(min(l0))} to {_units(max(l0))}"
            sentence += (f" At {symbol} = {values}, {label}'s L0 ({span} units) lies outside L1's range "
                         f"({_units(min(r['l0_test'] for r in l1))} to {_units(max(r['l0_test'] for r in l1))}), "
                         "so there is no L1 run to compare with at equal L0.")
        out.update({f"{verb}_wins": len(wins), f"{verb}_losses": len(losses), f"{verb}_comparable": n,
                    f"{verb}_frontier_sentence": sentence})
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
    floor = (f"No KL run of the grid has fewer than {_units(lowest['l0_test'])} active units per digit "
             f"({_pct(lowest['l0_test'] / units)} of the layer); the fewest are {where}, {_strength(lowest)}.")
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


def _probe(runs: dict) -> dict:
    """Linear readability: the best run of each mechanism, the plain auto-encoder, equal L0."""
    plain = _by_strength(runs["sae_l1"], 0.0, "the L1 runs")
    best = {name: _best(r) for name, r in runs.items()}
    order = sorted(MECHANISMS, key=lambda name: -best[name]["test_accuracy"])
    top, *others = order
    everyone = [run for r in runs.values() for run in r]
    ranked = (f"At full size {MECHANISMS[top]}'s codes are the most linearly readable: its best run "
              f"({_strength(best[top])}) reaches a probe accuracy of {best[top]['test_accuracy']:.4f}, the highest "
              f"of the {len(everyone)} runs, against "
              + _and([f"{best[n]['test_accuracy']:.4f} for {MECHANISMS[n]}'s best ({_strength(best[n])})"
                      for n in others])
              + f"; the plain auto-encoder's code (L1 at λ = 0) gives {plain['test_accuracy']:.4f}.")
    sparse = [run for run in everyone if run is not plain]
    margins = [run["test_accuracy"] - plain["test_accuracy"] for run in sparse]
    above = sum(margin > PROBE_LEVEL for margin in margins)
    if above == len(sparse):
        versus_plain = (f"Every one of the {len(sparse)} runs with a sparsity mechanism at work has a more "
                        f"linearly readable code than the plain auto-encoder, by {100 * min(margins):.2f} to "
                        f"{100 * max(margins):.2f} points, whichever the mechanism and its strength.")
    elif above == 0:
        versus_plain = (f"None of the {len(sparse)} runs with a sparsity mechanism at work beats the plain "
                        f"auto-encoder's probe accuracy by more than {_level()}.")
    else:
        versus_plain = (f"{above} of the {len(sparse)} runs with a sparsity mechanism at work have a code more "
                        f"linearly readable than the plain auto-encoder's by more than {_level()}.")
    equal = []
    counts = {}
    for name in ("sae_kl", "sae_topk"):
        pairs = at_equal_l0(runs[name], runs["sae_l1"], "test_accuracy")
        wins = sum(run["test_accuracy"] - ref > PROBE_LEVEL for run, ref in pairs)
        level = sum(abs(run["test_accuracy"] - ref) <= PROBE_LEVEL for run, ref in pairs)
        counts[name] = (wins, level, len(pairs))
        if pairs:
            detail = ", ".join(f"{_points(run['test_accuracy'] - ref)} points at {_strength(run)}"
                               for run, ref in pairs)
            equal.append(f"{MECHANISMS[name]}'s probe beats L1's {_count(wins, len(pairs), 'comparable point')}"
                         + (f" and is level with it at {level}" if level else "") + f" ({detail})")
    equal_sentence = (f"At equal L0 (L1's accuracy read off its line; a difference of {_level()} or less counts "
                      "as level), " + "; ".join(equal) + "."
                      if equal else "No run falls within L1's range of L0 to compare probes at equal L0.")
    by_falling_rho = sorted(runs["sae_kl"], key=lambda run: -run["rho"])
    kl_acc = [run["test_accuracy"] for run in by_falling_rho]
    kl_direction = _direction(kl_acc)
    if kl_direction == "rises":
        sparser = _direction([run["l0_test"] for run in by_falling_rho]) == "falls"
        small = sum(step <= PROBE_LEVEL for step in np.diff(kl_acc))
        kl_trend = ("KL's probe accuracy rises at every step as ρ falls, from "
                    f"{kl_acc[0]:.4f} at {_strength(by_falling_rho[0])} to {kl_acc[-1]:.4f} at "
                    f"{_strength(by_falling_rho[-1])}"
                    + (", while its L0 falls: the sparser its code, the more readable" if sparser else "")
                    + (f", though {small} of the {len(kl_acc) - 1} steps add{'s' if small == 1 else ''} no more "
                       f"than {_level()}" if small else "") + ".")
    else:
        kl_trend = (f"KL's probe accuracy goes from {kl_acc[0]:.4f} at the largest ρ to {kl_acc[-1]:.4f} at the "
                    "smallest, not rising at every step.")
    return {"best_probe_mechanism": MECHANISMS[top], "best_probe": best[top]["test_accuracy"],
            "best_probe_strength": _strength(best[top]), "plain_probe": plain["test_accuracy"],
            "probe_above_plain": above, "probe_sparse_runs": len(sparse),
            "kl_probe_wins": counts["sae_kl"][0], "kl_probe_level": counts["sae_kl"][1],
            "kl_probe_comparable": counts["sae_kl"][2],
            "topk_probe_wins": counts["sae_topk"][0], "topk_probe_level": counts["sae_topk"][1],
            "topk_probe_comparable": counts["sae_topk"][2],
            "kl_probe_rises_as_rho_falls": kl_direction == "rises",
            "probe_ranked_sentence": ranked, "probe_plain_sentence": versus_plain,
            "probe_equal_l0_sentence": equal_sentence, "kl_probe_trend_sentence": kl_trend}


def _dead(runs: dict) -> dict:
    """Units active on no test digit and no probe training digit."""
    units = int(runs["sae_l1"][0]["units"])
    frac = {name: [run["dead_units"] / units for run in r] for name, r in runs.items()}
    l1, topk, kl = runs["sae_l1"], runs["sae_topk"], runs["sae_kl"]
    l1_dead = frac["sae_l1"]
    worst = l1[int(np.argmax(l1_dead))]
    l1_direction = _direction(l1_dead)
    l1_sentence = (f"With L1, {_pct(min(l1_dead))} to {_pct(max(l1_dead))} of the layer is dead, the most at "
                   f"{_strength(worst)}; already {_pct(l1_dead[0])} without a penalty ({_strength(l1[0])}).")
    if l1_direction == "rises":
        l1_sentence += " The share rises at every step of λ."
    elif worst is l1[-1]:
        l1_sentence += " The share does not rise at every step of λ, but the strongest penalty kills the most units."
    else:
        l1_sentence += " The share does not rise with λ at every step."
    topk_dead = frac["sae_topk"]
    if _direction(topk_dead) == "falls":
        topk_sentence = (f"TopK's dead units fall at every step as k grows, from {_pct(topk_dead[0])} at "
                         f"{_strength(topk[0])} to {_pct(topk_dead[-1])} at {_strength(topk[-1])}: a unit that never "
                         "makes the top k receives no gradient, so training does nothing to bring it back.")
    else:
        topk_sentence = (f"TopK leaves {_pct(min(topk_dead))} to {_pct(max(topk_dead))} of its units dead, "
                         f"{_pct(topk_dead[0])} at {_strength(topk[0])}.")
    kl_dead = frac["sae_kl"]
    if max(kl_dead) == 0:
        kl_sentence = ("No KL unit is dead at any ρ: a sigmoid always carries some gradient, and every unit "
                       "exceeds the threshold on some digit.")
    else:
        kl_sentence = f"KL's dead units never pass {_pct(max(kl_dead))} of the layer."
    return {"l1_dead_min_pct": 100 * min(l1_dead), "l1_dead_max_pct": 100 * max(l1_dead),
            "l1_dead_plain_pct": 100 * l1_dead[0], "l1_dead_rises_every_step": l1_direction == "rises",
            "topk_dead_min_pct": 100 * min(topk_dead), "topk_dead_max_pct": 100 * max(topk_dead),
            "topk_dead_falls_every_step": _direction(topk_dead) == "falls", "kl_dead_max_pct": 100 * max(kl_dead),
            "dead_l1_sentence": l1_sentence, "dead_topk_sentence": topk_sentence, "dead_kl_sentence": kl_sentence}


def _firing(runs: dict) -> dict:
    """How often the median living unit fires, in the runs whose histograms the page draws."""
    medians = {}
    for name, value in MIDDLE.items():
        rates = np.asarray(_by_strength(runs[name], value, f"the {name} runs")["firing_rates_test"], dtype=float)
        alive = rates[rates > 0]
        medians[name] = float(np.median(alive)) if alive.size else 0.0
    busiest = max(medians, key=medians.get)
    parts = [f"{_pct(medians[name])} with {MECHANISMS[name]} ({SYMBOLS[STRENGTHS[name]]} = {MIDDLE[name]:g})"
             for name in MECHANISMS]
    parts[0] = parts[0].replace(" with ", " of the test digits with ", 1)
    sentence = (f"The median living unit is active on {_and(parts)}: {MECHANISMS[busiest]}'s units "
                "are the least selective.")
    return {"median_firing": {MECHANISMS[n]: m for n, m in medians.items()}, "least_selective": MECHANISMS[busiest],
            "firing_sentence": sentence}


def _time(runs: dict) -> dict:
    """Training time of the full runs, by mechanism."""
    seconds = {name: [float(run["train_seconds"]) for run in r] for name, r in runs.items()}
    means = {name: float(np.mean(s)) for name, s in seconds.items()}
    spreads = {name: max(s) - min(s) for name, s in seconds.items()}
    between = max(means.values()) - min(means.values())
    device = runs["sae_l1"][0].get("device", "an unrecorded device")
    by = _and([f"{MECHANISMS[n]}'s {means[n]:,.0f} s" for n in MECHANISMS])
    if between < min(spreads.values()):
        verdict = (f"the mechanisms' means differ by {between:,.0f} s, less than the runs of any one mechanism "
                   f"differ among themselves ({min(spreads.values()):,.0f} to {max(spreads.values()):,.0f} s)")
    else:
        steady = min(spreads, key=spreads.get)
        verdict = (f"the mechanisms' means differ by {between:,.0f} s, at least as much as the runs of "
                   f"{MECHANISMS[steady]} differ among themselves ({spreads[steady]:,.0f} s)")
    mean = float(np.mean([s for v in seconds.values() for s in v]))
    steps = int(runs["sae_l1"][0].get("steps", 0))
    per_100 = f" ({100 * mean / steps:.1f} s per 100 steps)" if steps else ""
    sentence = (f"A full-size run ({steps:,} steps, {runs['sae_l1'][0]['units']:,} units) trained for "
                f"{mean:,.0f} s on average{per_100} on {device}; by mechanism, {by} on average: {verdict}.")
    return {"train_seconds_mean": mean, "device": device,
            "time_between_mechanisms": between, "time_within_min": min(spreads.values()),
            "time_sentence": sentence}


def _advice(out: dict, runs: dict) -> dict:
    """The sentences of "Choosing the penalty" and "What we learned" that state measured comparisons."""
    topk = (f"At full size it reconstructed better than L1 "
            f"{_count(out['topk_wins'], out['topk_comparable'], 'comparable point')}, "
            f"but left {out['topk_dead_min_pct']:.0f}% to {out['topk_dead_max_pct']:.0f}% of its units dead, and its "
            f"probe beat L1's by more than {_level()} "
            f"{_count(out['topk_probe_wins'], out['topk_probe_comparable'], 'comparable point')}"
            + (f" (level at {out['topk_probe_level']})" if out["topk_probe_level"] else "") + ".")
    falling = ", falling at every step of λ," if out["l1_l0_falls_every_step"] else ""
    l1 = (f"At full size its L0 went from {_units(out['l1_l0_max'])} active units per digit down to "
          f"{_units(out['l1_l0_min'])}{falling} with {out['l1_dead_min_pct']:.0f}% to {out['l1_dead_max_pct']:.0f}% "
          "of the layer dead.")
    readable = (f"its codes were the most linearly readable of the {out['n_runs']} runs "
                f"({out['best_probe']:.4f} at {out['best_probe_strength']})"
                if out["best_probe_mechanism"] == "KL" else
                f"its codes were less linearly readable than {out['best_probe_mechanism']}'s best")
    no_dead = ("no unit died" if out["kl_dead_max_pct"] == 0 else
               f"at most {out['kl_dead_max_pct']:.0f}% of its units died")
    kl = (f"At full size {readable} and {no_dead}, but even its fewest active units were "
          f"{_units(out['kl_min_l0'])} per digit ({out['kl_min_l0_pct']:.0f}% of the layer), and it reconstructed "
          f"worse than L1 {_count(out['kl_losses'], out['kl_comparable'], 'comparable point')}.")
    lesson = (f"At equal L0 in the full-size runs, TopK reconstructs better than L1 "
              f"{_count(out['topk_wins'], out['topk_comparable'], 'comparable point')} and KL worse "
              f"{_count(out['kl_losses'], out['kl_comparable'], 'comparable point')}; the most linearly readable "
              f"codes are {out['best_probe_mechanism']}'s.")
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
    return run


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
    dead, dead_plain = weights["dead_units"] / units, plain["dead_units"] / units
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
        worse = weights["reconstruction_mse_test"] > mse_ref
        cost = (f"At the same L0, read off L1's line (between {pair}), L1 on the code reconstructs "
                f"{'better' if worse else 'worse'}: {mse_ref:.2e} per pixel against the weight penalty's "
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
    narrow = _check_single(bottleneck_run, "sae_bottleneck")
    units, l0 = int(narrow["units"]), narrow["l0_test"]
    share = l0 / units
    rates = np.asarray(narrow["firing_rates_test"], dtype=float)
    alive = rates[rates > 0]
    least = float(alive.min()) if alive.size else 0.0
    every = ("every unit is active on" if narrow["dead_units"] == 0 else
             f"{narrow['dead_units']} units are dead and every other one is active on")
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
        better = sum(r["mse"] < narrow["reconstruction_mse_test"] for r in reached)
        readable = sum(r["probe"] - narrow["test_accuracy"] > PROBE_LEVEL for r in reached)
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
    kl = _check_runs(kl_runs, "sae_kl")
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
    sentence = (f"At full size (ρ = {run['rho']:g}, β = {beta:g}) the KL term on the last training batch was "
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
    sentence = f"In the full-size runs, the {top} most used units are active on " + _and(parts) + "."
    return {"atom_rate_spans": spans, "atom_rates_sentence": sentence}


def training_cost(runs_by_experiment, weights_run, bottleneck_run) -> dict:
    """Training time against the width of the layer, from the full-size runs' recorded seconds.

    The two pitfall runs were trained in one session on one recorded device, so their times compare
    widths; the grids' runs give the range of the wide layer's times over every mechanism.
    """
    runs = _check_experiments(runs_by_experiment)
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
