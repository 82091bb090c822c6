"""What the sparse CNN chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/cnn.json``) next to the
source's table and the fully connected network's runs (``results/mlp.json``);
:func:`demo_findings` describes the chapter's small live run, built with :func:`demo_record`.
Every sentence whose truth depends on a comparison is written here, whole, from the numbers.
"""

from __future__ import annotations

import numpy as np

from ..plots import format_lam
from . import check_runs, count_text as _count, run_at, trend as _trend
from ..reference import SOURCE_2016_SETUP

RUN_FIELDS = ("lam", "test_accuracy", "avr_test", "avr_train_batch", "units", "dead_maps",
              "map_firing_rates_train", "n_train", "n_test")
SOURCE_FIELDS = ("lam", "test_accuracy", "avr_train_batch")
MLP_FIELDS = ("lam", "test_accuracy", "avr_test")
DEMO_FIELDS = ("lam", "steps", "n_train", "n_test", "test_accuracy", "avr_test", "units", "silent_maps")

CLOSE_TO_SOURCE_POINTS = 1.0  #: Test accuracies this close (percentage points) to the source's "lie close".
SAME_ACCURACY_POINTS = 0.5  #: Two networks this close in test accuracy are "about equally accurate".
SAME_ACTIVITY_PERCENT = 10.0  #: Two AVRs closer than this (relative, %) are "about as many" units.
SAME_CUT_RATIO = 1.25  #: Two reductions of activity within this factor of each other are "about as large".
EXAMPLE_LAM = 1e-4  #: The λ whose numbers illustrate the comparison with the fully connected network.
ACTIVITY_SHARE = 0.9  #: The share of the activity whose carrying maps the chapter counts.


# --- how numbers are written -----------------------------------------------------------------

def _lam(lam: float) -> str:
    return f"λ = {format_lam(lam)}"


def _units(avr: float) -> str:
    """An average number of active units: ``4,867``, ``140``, ``42.8``, ``2.83``."""
    return f"{avr:,.0f}" if avr >= 100 else f"{avr:.3g}"


def _monotone(values, direction: str) -> bool:
    """Whether every step of ``values`` goes strictly in ``direction`` ("rises" or "falls")."""
    steps = np.diff(np.asarray(values, dtype=float))
    return bool(np.all(steps > 0) if direction == "rises" else np.all(steps < 0))


def maps_carrying(map_rates, share: float = ACTIVITY_SHARE) -> int:
    """The fewest feature maps that together carry ``share`` of the activity (maps sorted by rate)."""
    rates = np.sort(np.asarray(map_rates, dtype=float))[::-1]
    if rates.ndim != 1 or rates.size == 0 or np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise ValueError("map_rates must be a non-empty 1-D list of firing rates >= 0 (one per map)")
    if not 0 < share <= 1:
        raise ValueError(f"share must lie in (0, 1], got {share}")
    if rates.sum() == 0:
        return 0
    cumulative = np.cumsum(rates) / rates.sum()
    return int(np.searchsorted(cumulative, share - 1e-12) + 1)


# --- checks ----------------------------------------------------------------------------------

def _check_runs(runs, fields: tuple, what: str, need_zero: bool = True) -> list[dict]:
    return check_runs(runs, fields, what, grid=need_zero,
                      advice="pass the runs of load_results(...)['runs'] or of source_runs(...)")


# --- the full-size runs ------------------------------------------------------------------------

def findings(runs, source, mlp_runs) -> dict:
    """The chapter's conclusions from the full-size CNN ``runs``, the ``source``'s table and the
    fully connected network's full-size ``mlp_runs``.

    Parameters
    ----------
    runs : list of dict
        The records of ``results/cnn.json`` (``load_results(...)["runs"]``).
    source : list of dict
        ``sparsebook.reference.source_runs("cnn")``, at the same λ.
    mlp_runs : list of dict
        The records of ``results/mlp.json``, with at least the CNN's λ.

    Returns
    -------
    dict
        Numbers and whole sentences (str), keyed by the names the page glues them under.
    """
    runs = _check_runs(runs, RUN_FIELDS, "runs")
    source = _check_runs(source, SOURCE_FIELDS, "source")
    mlp_runs = _check_runs(mlp_runs, MLP_FIELDS, "mlp_runs")
    lams = [run["lam"] for run in runs]
    if lams != [run["lam"] for run in source]:
        raise ValueError(f"runs and source must share their λ grid, got {lams} and {[r['lam'] for r in source]}")
    for lam in lams:
        run_at(mlp_runs, lam, "mlp_runs")
    run_at(runs, EXAMPLE_LAM, "runs")
    base, first, largest = runs[0], runs[1], runs[-1]
    units, maps = int(base["units"]), len(base["map_firing_rates_train"])
    positions = units // maps
    out = {
        "units": units, "maps": maps, "positions": positions,
        "n_train": int(base["n_train"]), "n_test": int(base["n_test"]),
        "n_digits": int(base["n_train"] + base["n_test"]), "steps": int(base.get("steps", 0)),
        "train_seconds_mean": float(np.mean([run.get("train_seconds", np.nan) for run in runs])),
        "device": str(base.get("device", "an unrecorded device")),
        "first_lam": format_lam(first["lam"]), "largest_lam": format_lam(largest["lam"]),
        "example_lam": format_lam(EXAMPLE_LAM),
    }
    for name, run, src in (("0", base, source[0]), ("first", first, source[1]),
                           ("largest", largest, source[-1])):
        out.update({f"acc_{name}": run["test_accuracy"], f"avr_{name}": run["avr_test"],
                    f"batch_avr_{name}": run["avr_train_batch"], f"pct_{name}": 100 * run["avr_test"] / units,
                    f"per_position_{name}": run["avr_test"] / positions,
                    f"dead_maps_{name}": int(run["dead_maps"]),
                    f"maps_90_{name}": maps_carrying(run["map_firing_rates_train"]),
                    f"source_acc_{name}": src["test_accuracy"], f"source_avr_{name}": src["avr_train_batch"],
                    f"source_pct_{name}": 100 * src["avr_train_batch"] / units})
    out.update(_source_gaps(runs, source))
    out.update(_source_baseline(runs, source))
    out.update(_largest_lam(runs, source))
    out.update(_first_cut(runs, mlp_runs))
    out.update(_unpenalised(runs, mlp_runs))
    out.update(_same_lam(runs, mlp_runs))
    out.update(_layer_share(runs, mlp_runs))
    out.update(_dominated(runs, mlp_runs))
    out.update(_maps(runs, positions, maps))
    out.update(_lessons(out, runs))
    return out


def _source_gaps(runs: list[dict], source: list[dict]) -> dict:
    """Our test accuracies against the source's, λ by λ."""
    gaps = [100 * (a["test_accuracy"] - b["test_accuracy"]) for a, b in zip(runs, source)]
    n = len(gaps)
    close = [i for i, g in enumerate(gaps) if abs(g) <= CLOSE_TO_SOURCE_POINTS]
    far = [i for i in range(n) if i not in close]
    if close:
        below = sum(gaps[i] < 0 for i in close)
        where = "at every λ of the grid" if not far else _count(len(close), n, "λ")
        which = ("at each of them" if below == len(close) else "at none of them" if below == 0
                 else f"at {below} of them")
        head = (f"Our test accuracies lie within {CLOSE_TO_SOURCE_POINTS:g} percentage point of the source's "
                f"{where} (at most {max(abs(gaps[i]) for i in close):.2f} points apart; ours below the "
                f"source's {which})")
    else:
        head = (f"Our test accuracies differ from the source's by more than {CLOSE_TO_SOURCE_POINTS:g} percentage "
                "point at every λ of the grid")
    details = [f"at {_lam(runs[i]['lam'])} ours is {abs(gaps[i]):.2f} points "
               f"{'higher' if gaps[i] > 0 else 'lower'} ({runs[i]['test_accuracy']:.4f} against "
               f"{source[i]['test_accuracy']:.4f})" for i in far]
    sentence = head + ("; " + " and ".join(details) if details else "") + "."
    return {"accuracy_close_to_source": len(close), "accuracy_far_from_source_lams": [runs[i]["lam"] for i in far],
            "max_close_gap_points": max((abs(gaps[i]) for i in close), default=float("nan")),
            "source_gap_sentence": sentence}


def _source_baseline(runs: list[dict], source: list[dict]) -> dict:
    """The unpenalised network's activity, ours against the source's, both on a training batch."""
    ours, theirs = runs[0]["avr_train_batch"], source[0]["avr_train_batch"]
    ratio = ours / theirs
    numbers = f"{_units(ours)} against {_units(theirs)} active units on a training batch"
    if abs(ratio - 1) * 100 < SAME_ACTIVITY_PERCENT:
        sentence = f"Without a penalty our network keeps about as many units active as the source's ({numbers})."
    else:
        how = (f"{1 / ratio:.1f} times fewer" if ratio < 1 else f"{ratio:.1f} times more")
        held_out = int(runs[0]["n_train"]) - SOURCE_2016_SETUP["n_train"]
        held = f", the {held_out:,} digits the source held out for validation" if held_out > 0 else ""
        sentence = (f"Without a penalty our network keeps {'fewer' if ratio < 1 else 'more'} units active than the "
                    f"source's ({numbers}, {how}): nothing in the loss pins the activity down at λ = 0, so it "
                    f"moves with details we do not share (the random initial weights{held}, the framework's "
                    "numerics).")
    return {"baseline_avr_ratio": ratio, "source_baseline_sentence": sentence}


def _largest_lam(runs: list[dict], source: list[dict]) -> dict:
    """Our run at the largest λ against the source's: accuracy and training-batch activity."""
    ours, theirs = runs[-1], source[-1]
    acc, src_acc = ours["test_accuracy"], theirs["test_accuracy"]
    avr, src_avr = ours["avr_train_batch"], theirs["avr_train_batch"]
    accurate = "more accurate" if acc > src_acc else "less accurate" if acc < src_acc else "as accurate"
    sparse = "sparser" if avr < src_avr else "less sparse" if avr > src_avr else "as sparse"
    if (acc > src_acc and avr > src_avr) or (acc < src_acc and avr < src_avr):
        verdict = ("neither run is better on both counts: ours stops at a "
                   f"{'denser, more accurate' if acc > src_acc else 'sparser, less accurate'} point of the trade-off")
    elif acc > src_acc and avr < src_avr:
        verdict = "ours is better on both counts"
    elif acc < src_acc and avr > src_avr:
        verdict = "ours is worse on both counts"
    else:
        verdict = "the two runs differ on one count only"
    sentence = (f"At the largest λ, {format_lam(ours['lam'])}, our run is {accurate} than the source's "
                f"({acc:.4f} against {src_acc:.4f}) and {sparse} ({_units(avr)} against {_units(src_avr)} active "
                f"units on a training batch); {verdict}.")
    return {"largest_more_accurate_than_source": acc > src_acc, "largest_sparser_than_source": avr < src_avr,
            "largest_lam_sentence": sentence}


def _first_cut(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """How much the smallest λ > 0 lowers the activity, in the CNN and in the fully connected network."""
    cnn0, cnn1 = runs[0], runs[1]
    mlp0, mlp1 = mlp_runs[0], run_at(mlp_runs, cnn1["lam"], "mlp_runs")
    denser = cnn0["avr_test"] > mlp0["avr_test"]
    size = (f" (it has {cnn0['units'] / mlp0['units']:.0f} times more units)"
            if mlp0.get("units") and cnn0["units"] > mlp0["units"] else "")
    start = (f"Without a penalty the convolutional code is the {'denser' if denser else 'sparser'} of the two, "
             f"{_units(cnn0['avr_test'])} active units per test digit against {_units(mlp0['avr_test'])}{size}.")
    cnn_cut, mlp_cut = cnn0["avr_test"] / cnn1["avr_test"], mlp0["avr_test"] / mlp1["avr_test"]
    lam = _lam(cnn1["lam"])
    if cnn_cut > 1 and mlp_cut > 1:
        ratio = cnn_cut / mlp_cut
        if 1 / SAME_CUT_RATIO <= ratio <= SAME_CUT_RATIO:
            how = "about as readily as"
        elif ratio > SAME_CUT_RATIO:
            how = "more readily than"
        else:
            how = "less readily than"
        verdict = f"the penalty removes activity from the convolutional code {how} from the fully connected one"
        cut = (f"At {lam} the activity falls by a factor of {cnn_cut:.0f} in the CNN (to {_units(cnn1['avr_test'])}) "
               f"and of {mlp_cut:.0f} in the fully connected network (to {_units(mlp1['avr_test'])}): {verdict}.")
    else:
        cut = (f"At {lam} the activity does not fall in both networks: the CNN goes to {_units(cnn1['avr_test'])}, "
               f"the fully connected network to {_units(mlp1['avr_test'])}.")
    return {"cnn_first_cut": cnn_cut, "mlp_first_cut": mlp_cut, "cnn_denser_unpenalised": denser,
            "first_cut_sentence": f"{start} {cut}"}


def _unpenalised(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """The source expected the convolution to beat the fully connected network: without a penalty, does it?"""
    cnn, mlp = runs[0]["test_accuracy"], mlp_runs[0]["test_accuracy"]
    points = 100 * (cnn - mlp)
    numbers = f"{cnn:.4f} for the CNN, {mlp:.4f} fully connected"
    if abs(points) <= SAME_ACCURACY_POINTS:
        sentence = (f"Without a penalty our two networks are about equally accurate ({numbers}, "
                    f"{abs(points):.2f} points apart).")
    elif points > 0:
        sentence = f"Without a penalty it does: the CNN is {points:.2f} points more accurate ({numbers})."
    else:
        sentence = (f"Without a penalty it does not: the fully connected network is {-points:.2f} points more "
                    f"accurate ({numbers}).")
    return {"cnn_minus_mlp_points_0": points, "unpenalised_sentence": sentence}


def _same_lam(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """The two networks at each λ > 0 of the CNN's grid: active units and accuracy."""
    pairs = [(run, run_at(mlp_runs, run["lam"], "mlp_runs")) for run in runs[1:]]
    n = len(pairs)
    ratios = [c["avr_test"] / m["avr_test"] if m["avr_test"] > 0 else float("inf") for c, m in pairs]
    gaps = [100 * (m["test_accuracy"] - c["test_accuracy"]) for c, m in pairs]
    fewer = sum(r > 1 for r in ratios)
    higher, lower = sum(g > 0 for g in gaps), sum(g < 0 for g in gaps)
    example_cnn, example_mlp = (run_at(runs, EXAMPLE_LAM, "runs"), run_at(mlp_runs, EXAMPLE_LAM, "mlp_runs"))
    example = (f"{_units(example_mlp['avr_test'])} active units for {example_mlp['test_accuracy']:.4f} at "
               f"{_lam(EXAMPLE_LAM)}, where the CNN has {_units(example_cnn['avr_test'])} for "
               f"{example_cnn['test_accuracy']:.4f}")
    if higher and lower and higher + lower == n:
        sides = f"higher at {higher} of the {n} λ, lower at the other {lower}"
    else:
        sides = f"higher {_count(higher, n, 'λ')}, lower {_count(lower, n, 'λ')}"
    accuracy = f"for a test accuracy within {max(abs(g) for g in gaps):.2f} points of the CNN's ({sides})"
    close = max(abs(g) for g in gaps) <= SAME_ACCURACY_POINTS
    if fewer == n:
        how = (f"{min(ratios):.0f} to {max(ratios):.0f} times fewer" if min(ratios) >= 2 else "fewer")
        sentence = (f"At every λ > 0 of the CNN's grid the fully connected network has {how} active units per "
                    f"test digit, {accuracy}: {example}.")
        if close and min(ratios) >= 2:
            sentence += (" A likely reason, which these runs do not test: a convolutional unit sees a 3 × 3 patch "
                         "at one place, a fully connected unit the whole digit, so a convolutional code needs more "
                         "units to describe a digit.")
    else:
        sentence = (f"The fully connected network has fewer active units per test digit than the CNN "
                    f"{_count(fewer, n, 'λ > 0')} of the CNN's grid, {accuracy}: {example}.")
    return {"mlp_fewer_units_lams": fewer, "mlp_units_ratio_min": min(ratios), "mlp_units_ratio_max": max(ratios),
            "same_lam_max_accuracy_gap_points": max(abs(g) for g in gaps), "same_lam_sentence": sentence}


def _layer_share(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """The two networks at each λ > 0 of the CNN's grid, activity counted as a share of each one's layer."""
    pairs = [(run, run_at(mlp_runs, run["lam"], "mlp_runs")) for run in runs[1:]]
    n = len(pairs)
    shares = [(100 * c["avr_test"] / c["units"], 100 * m["avr_test"] / m["units"]) for c, m in pairs]
    cnn_sparser = sum(c < m for c, m in shares)
    example = next(i for i, (c, _) in enumerate(pairs) if np.isclose(c["lam"], EXAMPLE_LAM, rtol=1e-9, atol=0))
    numbers = (f"at {_lam(EXAMPLE_LAM)}, {shares[example][0]:.2f} % of the CNN's units against "
               f"{shares[example][1]:.2f} % of the fully connected network's")
    if cnn_sparser == n:
        sentence = (f"Counted as a share of its layer, though, the CNN's code is the sparser at every λ > 0 ({numbers}): "
                    "which of the two codes is the sparser depends on what one counts, active units per digit or "
                    "their share of the layer.")
    elif cnn_sparser == 0:
        sentence = f"Counted as a share of its layer too, the fully connected code is the sparser at every λ > 0 ({numbers})."
    else:
        sentence = (f"Counted as a share of its layer, the CNN's code is the sparser {_count(cnn_sparser, n, 'λ > 0')} "
                    f"({numbers}).")
    return {"cnn_sparser_share_lams": cnn_sparser, "layer_share_sentence": sentence}


def _dominated(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """CNN runs for which some fully connected run is at least as accurate with fewer active units."""
    beaten, free = [], []
    for run in runs:
        rivals = [m for m in mlp_runs if m["test_accuracy"] >= run["test_accuracy"] and m["avr_test"] < run["avr_test"]]
        (beaten if rivals else free).append(run)
    n, k = len(runs), len(beaten)
    what = "a fully connected run at least as accurate with fewer active units per test digit"
    if k == n:
        sentence = f"Every one of the {n} CNN runs has {what}."
    elif k == 0:
        sentence = f"None of the {n} CNN runs has {what}."
    else:
        exceptions = " and ".join(f"{_lam(run['lam'])} ({run['test_accuracy']:.4f} with "
                                  f"{_units(run['avr_test'])} units)" for run in free)
        sentence = (f"{k} of the {n} CNN runs {'has' if k == 1 else 'have'} {what}; the "
                    f"exception{'s are' if len(free) > 1 else ' is'} "
                    f"{exceptions}.")
    return {"cnn_runs_beaten": k, "cnn_runs_not_beaten_lams": [run["lam"] for run in free],
            "dominated_sentence": sentence}


def _maps(runs: list[dict], positions: int, maps: int) -> dict:
    """Dead maps along λ, and how many maps are active at one position of the grid."""
    lams = [run["lam"] for run in runs]
    dead = [int(run["dead_maps"]) for run in runs]
    dead_trend = f"The number of dead maps {_trend(lams, dead, lambda d: f'{d:,}')}."
    base, first, largest = runs[0], runs[1], runs[-1]
    per = [run["avr_test"] / positions for run in (base, first, largest)]
    below_one = all(run["avr_test"] / positions < 1 for run in runs[1:])
    sentence = (f"Averaged over the {positions} positions of the grid and the test digits, {per[0]:.1f} of the "
                f"{maps} maps are active at a position without a penalty, {per[1]:.2f} at {_lam(first['lam'])} "
                f"and {per[2]:.2f} at {_lam(largest['lam'])}")
    if below_one:
        sentence += f": from {_lam(first['lam'])} on, fewer than one map per position on average."
    else:
        sentence += "."
    return {"dead_maps": dead, "dead_maps_rise_every_step": _monotone(dead, "rises"),
            "dead_maps_trend_sentence": dead_trend, "per_position_sentence": sentence,
            "below_one_map_per_position_with_penalty": below_one}


def _lessons(out: dict, runs: list[dict]) -> dict:
    """The "What we learned" bullets that state measured comparisons."""
    base, first, largest = runs[0], runs[1], runs[-1]
    points = 100 * (base["test_accuracy"] - first["test_accuracy"])
    cost = f"for {points:.2f} points of test accuracy" if points >= 0 else f"gaining {-points:.2f} points of test accuracy"
    if first["avr_test"] < base["avr_test"]:
        sparse = (f"At full size our rebuild of the source's CNN reaches {base['test_accuracy']:.4f} test accuracy with "
                  f"{_units(base['avr_test'])} of its {out['units']:,} units active per digit; {_lam(first['lam'])} "
                  f"cuts that to {_units(first['avr_test'])} ({out['pct_first']:.2f} % of the layer) {cost}.")
    else:
        sparse = (f"At full size the smallest λ did not make the CNN's code sparser: {_units(first['avr_test'])} "
                  f"active units against {_units(base['avr_test'])} without a penalty.")
    maps = out["maps"]
    if out["dead_maps_rise_every_step"]:
        dead = (f"The penalty kills whole feature maps, more at every step of λ: from {out['dead_maps_0']} of "
                f"{maps} without a penalty to {out['dead_maps_largest']} at {_lam(largest['lam'])}.")
    elif out["dead_maps_largest"] > out["dead_maps_0"]:
        dead = (f"The penalty kills whole feature maps, though not more at every step of λ: "
                f"{out['dead_maps_0']} of {maps} without a penalty, {out['dead_maps_largest']} at "
                f"{_lam(largest['lam'])}.")
    else:
        dead = (f"In our full runs the penalty did not kill more feature maps than training without it: "
                f"{out['dead_maps_0']} of {maps} without a penalty, {out['dead_maps_largest']} at "
                f"{_lam(largest['lam'])}.")
    fewer_everywhere = out["mlp_fewer_units_lams"] == len(runs) - 1 and out["mlp_units_ratio_min"] >= 2
    gap = out["same_lam_max_accuracy_gap_points"]
    if fewer_everywhere and gap <= SAME_ACCURACY_POINTS:
        mlp = (f"Counted in active units per digit, the convolution does not pay here: at every λ > 0 the fully "
               f"connected network needs {out['mlp_units_ratio_min']:.0f} to {out['mlp_units_ratio_max']:.0f} times "
               f"fewer, for a test accuracy within {gap:.2f} points.")
    elif fewer_everywhere:
        mlp = (f"At every λ > 0 the fully connected network needs {out['mlp_units_ratio_min']:.0f} to "
               f"{out['mlp_units_ratio_max']:.0f} times fewer active units than the CNN, but the two test "
               f"accuracies differ by up to {gap:.2f} points.")
    else:
        mlp = (f"Against the fully connected network the picture is mixed: it has fewer active units at "
               f"{out['mlp_fewer_units_lams']} of the {len(runs) - 1} λ > 0.")
    n = len(runs) - 1
    if out["cnn_sparser_share_lams"] == n:
        mlp += " As a share of its layer, the CNN's code is the sparser at every λ > 0."
    elif out["cnn_sparser_share_lams"]:
        mlp += (f" As a share of its layer, the CNN's code is the sparser "
                f"{_count(out['cnn_sparser_share_lams'], n, 'λ > 0')}.")
    per_position = first["avr_test"] / out["positions"]
    if per_position < 1:
        position = (f"At {_lam(first['lam'])} a position of the grid has {per_position:.2f} active maps on average, "
                    f"out of {maps}: a code of many detectors at many places, of which a digit uses a small share "
                    f"({out['pct_first']:.2f} %).")
    else:
        position = (f"At {_lam(first['lam'])} a position of the grid still has {per_position:.1f} active maps on "
                    f"average, out of {maps}.")
    return {"lesson_sparse_sentence": sparse, "lesson_dead_sentence": dead, "lesson_mlp_sentence": mlp,
            "lesson_position_sentence": position}


# --- the small live run ------------------------------------------------------------------------

def demo_record(lam: float, evaluation, *, steps: int, n_train: int, maps: int) -> dict:
    """One run of the chapter's small live demonstration as a record :func:`demo_findings` reads.

    ``evaluation`` is what :func:`sparsebook.training.evaluate_classifier` returned on the
    demonstration's test digits; ``maps`` is the number of feature maps of the code.
    """
    activity = evaluation.activity
    rates = np.asarray(activity.firing_rates, dtype=float)
    if not isinstance(maps, (int, np.integer)) or maps < 1 or rates.size % maps:
        raise ValueError(f"maps must be a positive int dividing the {rates.size} units, got {maps!r}")
    per_map = rates.reshape(-1, maps)
    return {"lam": float(lam), "steps": int(steps), "n_train": int(n_train), "n_test": int(activity.n_examples),
            "test_accuracy": float(evaluation.accuracy), "avr_test": float(activity.avr), "units": int(rates.size),
            "map_firing_rates_test": per_map.mean(axis=0), "silent_maps": int((per_map == 0).all(axis=0).sum())}


def demo_findings(runs) -> dict:
    """What the chapter's small live run shows, in sentences about that run only.

    ``runs``: records of :func:`demo_record`, one per λ, λ = 0 among them, at least two.
    """
    runs = _check_runs(runs, DEMO_FIELDS, "runs", need_zero=False)
    if runs[0]["lam"] != 0 or len(runs) < 2:
        raise ValueError(f"the demonstration needs λ = 0 and at least one λ > 0, got λ = {[r['lam'] for r in runs]}")
    base, top = runs[0], runs[-1]
    pct = [100 * run["avr_test"] / run["units"] for run in runs]
    setting = (f"{base['steps']:,} steps on {base['n_train']:,} digits, tested on {base['n_test']:,} others")
    parts = [f"{p:.3g} % at {_lam(run['lam'])}" for p, run in zip(pct, runs)]
    shares = ", ".join(parts[:-1]) + f" and {parts[-1]}"
    if top["avr_test"] < base["avr_test"]:
        activity = (f"the penalty leaves {base['avr_test'] / max(top['avr_test'], 1e-12):.0f} times fewer active "
                    f"units at {_lam(top['lam'])} than without it")
    else:
        activity = f"the penalty leaves no fewer active units at {_lam(top['lam'])} than without it"
    points = 100 * (top["test_accuracy"] - base["test_accuracy"])
    accuracy = (f"{abs(points):.1f} points {'lower' if points < 0 else 'higher'}" if points else "the same")
    sentence = (f"In this small run ({setting}), the share of units active per test digit is {shares}: {activity}, "
                f"and the test accuracy at {_lam(top['lam'])} is {accuracy} ({top['test_accuracy']:.4f} against "
                f"{base['test_accuracy']:.4f} without a penalty). At {_lam(top['lam'])}, {top['silent_maps']} of the "
                f"{len(top['map_firing_rates_test'])} maps fire on none of its test digits.")
    if pct[0] > 50:
        sentence += (f" Without a penalty most units are still on after {base['steps']:,} steps: the biases start at "
                     "0.1, so every unit over the blank background starts switched on.")
    return {"demo_pct_0": pct[0], "demo_fewer_units": top["avr_test"] < base["avr_test"],
            "demo_accuracy_change_points": points, "demo_sentence": sentence}
