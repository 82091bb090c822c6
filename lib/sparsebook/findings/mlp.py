"""What the sparse MLP chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/mlp.json``) next to the
source's table; :func:`demo_findings` describes the chapter's small live run. Every sentence
whose truth depends on a comparison is written here, whole, from the numbers.
"""

from __future__ import annotations

import math

import numpy as np

from ..plots import format_lam
from . import check_runs, count_text as _count, run_at, trend as _trend

RUN_FIELDS = ("lam", "test_accuracy", "avr_test", "avr_train_batch", "dead_units", "units")
FULL_FIELDS = RUN_FIELDS + ("n_train", "n_test", "firing_rates_train", "firing_rates_test")
SOURCE_FIELDS = ("lam", "test_accuracy", "avr_train_batch")
HISTOGRAM_LAMS = (0.0, 1e-4, 1e-3)  #: The runs whose firing rates the chapter draws.
REVIVED_LAM = 1e-3  #: The run whose training-only dead units the chapter counts in detail.
SUMMARY_LAMS = (1e-3, 2.7e-3)  #: The two runs the source's summary mixes.
AGREE_PERCENT = 10.0  #: Two AVR measurements closer than this (relative, %) "agree closely".


# --- how numbers are written -----------------------------------------------------------------

def _lam(lam: float) -> str:
    return f"λ = {format_lam(lam)}"


def _units(avr: float) -> str:
    """An average number of active units: ``216``, ``16.7``, ``6.19``."""
    return f"{avr:,.0f}" if avr >= 100 else f"{avr:.3g}"


def _at_most(percent: float) -> str:
    """An upper bound in whole percent, rounded up so that "at most"/"within" stays true: 11.3 -> ``12``."""
    return f"{math.ceil(percent - 1e-9):.0f}"


def _steps_against(values, direction: str) -> list[int]:
    """Indices ``i`` where the step ``i - 1 -> i`` does not go in ``direction`` ("falls"/"rises")."""
    return [i for i in range(1, len(values))
            if not (values[i] < values[i - 1] if direction == "falls" else values[i] > values[i - 1])]


# --- checks ----------------------------------------------------------------------------------

def _check_runs(runs, fields: tuple, what: str, grid: bool = True) -> list[dict]:
    """``runs`` sorted by λ, after checking their fields; ``grid``: λ = 0 and two λ > 0 are required."""
    return check_runs(runs, fields, what, grid=grid,
                      advice="pass the runs of results/mlp.json or of sweep('mlp', ...)")


# --- the full-size runs ------------------------------------------------------------------------

def findings(runs, source) -> dict:
    """The chapter's conclusions from the full-size ``runs`` and the ``source``'s table.

    Parameters
    ----------
    runs : list of dict
        The records of ``results/mlp.json`` (``load_results(...)["runs"]``).
    source : list of dict
        ``sparsebook.reference.source_runs("mlp")``, at the same λ.

    Returns
    -------
    dict
        Numbers (floats, ints, lists) and whole sentences (str), keyed by the names the page
        glues them under.
    """
    runs = _check_runs(runs, FULL_FIELDS, "runs")
    source = _check_runs(source, SOURCE_FIELDS, "source")
    lams = [run["lam"] for run in runs]
    if lams != [run["lam"] for run in source]:
        raise ValueError(f"runs and source must share their λ grid, got {lams} and {[r['lam'] for r in source]}")
    base, src_base = runs[0], source[0]
    units = int(base["units"])
    out = {
        "units": units,
        "n_train": int(base["n_train"]),
        "n_test": int(base["n_test"]),
        "n_digits": int(base["n_train"] + base["n_test"]),
        "steps": int(base.get("steps", 0)),
        "train_seconds_mean": float(np.mean([run.get("train_seconds", np.nan) for run in runs])),
        "device": str(base.get("device", "an unrecorded device")),
        "acc_0": base["test_accuracy"],
        "avr_0": base["avr_test"],
        "source_acc_0": src_base["test_accuracy"],
        "source_avr_0": src_base["avr_train_batch"],
    }
    out.update(_first_step(runs))
    out.update(_accuracy_trend(runs))
    out.update(_source_gaps(runs, source))
    out.update(_measures_agree(runs))
    out.update(_activity_trend(runs, source))
    out.update(_dead_units(runs))
    out.update(_selectivity(runs))
    out.update(_revived(runs))
    out.update(_summary_pair(runs, source))
    out.update(_lessons(out, runs))
    out["largest_lam"] = lams[-1]
    return out


def _first_step(runs: list[dict]) -> dict:
    """The smallest λ > 0 against λ = 0: how much sparser, for how much accuracy."""
    base, first = runs[0], runs[1]
    cut = base["avr_test"] / first["avr_test"] if first["avr_test"] > 0 else float("inf")
    points = 100 * (base["test_accuracy"] - first["test_accuracy"])
    if cut >= 1:
        how = f"{cut:.0f} times sparser than without a penalty" if cut >= 2 else "sparser than without a penalty"
    else:
        how = f"denser than without a penalty ({1 / cut:.1f} times as many active units)"
    cost = (f"{abs(points):.2f} points below the unpenalised network" if points > 0 else
            f"{abs(points):.2f} points above the unpenalised network" if points < 0 else
            "the same as the unpenalised network")
    sentence = (f"At the smallest λ of the grid, {format_lam(first['lam'])}, the code is {how}, "
                f"{_units(first['avr_test'])} active units per test digit, for a test accuracy of "
                f"{first['test_accuracy']:.4f}, {cost}.")
    if cut >= 2:
        divides = f"At full size, the smallest λ of the grid already divides the activity by {cut:.0f}."
    elif cut >= 1:
        divides = f"At full size, the smallest λ of the grid lowers the activity only slightly, by a factor {cut:.2f}."
    else:
        divides = f"At full size, the smallest λ of the grid does not lower the activity: it multiplies it by {1 / cut:.2f}."
    return {"first_lam": first["lam"], "first_avr_cut": cut, "first_points_lost": points,
            "acc_first": first["test_accuracy"], "avr_first": first["avr_test"],
            "first_step_sentence": sentence, "first_cut_sentence": divides}


def _accuracy_trend(runs: list[dict]) -> dict:
    lams = [run["lam"] for run in runs]
    acc = [run["test_accuracy"] for run in runs]
    against = _steps_against(acc, "falls")
    total = 100 * (acc[0] - acc[-1])
    sentence = (f"As λ grows, test accuracy {_trend(lams, acc, lambda a: f'{a:.4f}')}"
                f"{f' ({total:.1f} points in all)' if total > 0 else ''}.")
    return {"accuracy_falls_every_step": not against, "accuracy_points_lost_total": total,
            "accuracy_trend_sentence": sentence}


def _source_gaps(runs: list[dict], source: list[dict]) -> dict:
    """Our test accuracies and training-batch AVRs against the source's, at λ > 0 and λ = 0."""
    ours, theirs = runs[1:], source[1:]
    gaps = [100 * (a["test_accuracy"] - b["test_accuracy"]) for a, b in zip(ours, theirs)]
    avr_gaps = [100 * abs(a["avr_train_batch"] / b["avr_train_batch"] - 1) for a, b in zip(ours, theirs)]
    n, above, below = len(gaps), sum(g > 0 for g in gaps), sum(g < 0 for g in gaps)
    largest = max(abs(g) for g in gaps)
    sentence = (f"At every λ > 0 our test accuracies lie within {largest:.2f} percentage points of the "
                f"source's (above it {_count(above, n, 'λ')}, below it {_count(below, n, 'λ')}), and "
                f"our training-batch AVRs within {_at_most(max(avr_gaps))} % of its.")
    ours0, theirs0 = runs[0]["avr_train_batch"], source[0]["avr_train_batch"]
    ratio = ours0 / theirs0
    if abs(ratio - 1) * 100 < AGREE_PERCENT:
        baseline = (f"Without a penalty our network keeps about as many units active as the source's "
                    f"({_units(ours0)} against {_units(theirs0)} on a training batch).")
    else:
        more = "more" if ratio > 1 else "fewer"
        baseline = (f"Without a penalty our network keeps {more} units active than the source's "
                    f"({_units(ours0)} against {_units(theirs0)} on a training batch): nothing in the "
                    "loss pins the activity down at λ = 0, so it moves with details we do not share "
                    "(the random initial weights, the framework's numerics); we have not traced it further.")
    return {"max_accuracy_gap_points": largest, "accuracy_above_source": above, "accuracy_below_source": below,
            "max_avr_gap_percent": max(avr_gaps), "source_gap_sentence": sentence,
            "baseline_avr_ratio": ratio, "source_baseline_sentence": baseline}


def _measures_agree(runs: list[dict]) -> dict:
    """AVR on the test digits against AVR on the last training batch, our like-for-like check."""
    diffs = [100 * abs(run["avr_train_batch"] / run["avr_test"] - 1) for run in runs if run["avr_test"] > 0]
    largest = max(diffs)
    if largest < AGREE_PERCENT:
        sentence = f"In our runs the two agree closely: at most {_at_most(largest)} % apart at any λ."
    else:
        sentence = f"In our runs the two differ by up to {largest:.0f} % at some λ, so we show both."
    return {"max_avr_measure_gap_percent": largest, "avr_measures_sentence": sentence}


def _activity_trend(runs: list[dict], source: list[dict]) -> dict:
    """How the activity moves over λ > 0, ours (test digits) and the source's (training batch)."""
    ours, theirs = runs[1:], source[1:]
    lams = [run["lam"] for run in ours]
    avr = [run["avr_test"] for run in ours]
    acc = [run["test_accuracy"] for run in ours]
    source_avr = [run["avr_train_batch"] for run in theirs]
    rises = [lams[i] for i in _steps_against(avr, "falls")]
    source_rises = [lams[i] for i in _steps_against(source_avr, "falls")]
    trend = (f"Beyond it, the activity on the test digits {_trend(lams, avr, _units)}. "
             f"In the source's table the training-batch AVR {_trend(lams, source_avr, _units)}.")
    wasted = [i for i in _steps_against(avr, "falls") if acc[i] < acc[i - 1]]
    if wasted:
        steps = " and ".join(f"from {_lam(lams[i - 1])} to {format_lam(lams[i])} "
                             f"(test accuracy {acc[i - 1]:.4f} → {acc[i]:.4f})" for i in wasted)
        verdict = f"A stronger penalty bought no sparser code, only a lower accuracy, {steps}."
    elif rises:
        verdict = "Where the activity does not fall, the accuracy does not fall either."
    else:
        verdict = "Every stronger penalty of the grid bought a sparser code."
    sparsest = int(np.argmin(avr))
    return {"avr_falls_every_step": not rises, "avr_rises_at": rises, "source_avr_rises_at": source_rises,
            "sparsest_lam": lams[sparsest], "avr_sparsest": avr[sparsest], "avr_largest_lam": avr[-1],
            "activity_trend_sentence": trend, "activity_verdict_sentence": verdict}


def _dead_units(runs: list[dict]) -> dict:
    """Units active on no digit of the whole data set (training and test)."""
    lams = [run["lam"] for run in runs]
    dead = [int(run["dead_units"]) for run in runs]
    units, n_digits = int(runs[0]["units"]), int(runs[0]["n_train"] + runs[0]["n_test"])
    dead_penalised = dead[1:]
    if dead[0] == 0:
        opening = f"Without a penalty, yes: every one of the {units} units fires on at least one of the {n_digits:,} digits."
    else:
        opening = f"Not even without a penalty: {dead[0]} of the {units} units never fire on any of the {n_digits:,} digits."
    k = sum(d > 0 for d in dead_penalised)
    if k == len(dead_penalised):
        penalty = ("With a penalty, no: at every λ > 0 of the grid some units never fire; the penalty "
                   "silences units entirely rather than spreading a little activity over all of them.")
    elif k:
        penalty = f"With a penalty, not always: units die {_count(k, len(dead_penalised), 'λ > 0')} of the grid."
    else:
        penalty = "With a penalty, too: at no λ of the grid does a unit stay silent on every digit."
    trend = f"The number of dead units {_trend(lams, dead, lambda d: f'{d:,}')}."
    rising = not _steps_against(dead, "rises")
    at = run_at(runs, REVIVED_LAM, "runs")
    return {"dead_0": dead[0], "dead_largest_lam": dead[-1], "dead_rise_every_step": rising,
            "dead_penalised_runs": k, "dead_at_detail": int(at["dead_units"]),
            "dead_pct_at_detail": 100 * at["dead_units"] / units,
            "dead_answer_sentence": f"{opening} {penalty}", "dead_trend_sentence": trend}


def _selectivity(runs: list[dict]) -> dict:
    """How often the median living unit fires on the training digits, in the histograms' runs."""
    medians, n_train = {}, int(runs[0]["n_train"])
    for lam in HISTOGRAM_LAMS:
        rates = np.asarray(run_at(runs, lam, "runs")["firing_rates_train"], dtype=float)
        alive = rates[rates > 0]
        medians[lam] = float(np.median(alive)) if alive.size else 0.0
    base, *penalised = HISTOGRAM_LAMS

    def digits(rate):  # "30 (0.05 %)"; the rates are stored to 6 decimals, so a count may be approximate
        count = rate * n_train
        whole = math.floor(count + 0.5)
        if abs(count - whole) < 0.1:
            return f"{whole:,} ({100 * rate:.2g} %)"
        if whole >= 1000:  # three significant digits: "about 16,000", not "about 16,031"
            whole = round(whole, 2 - int(math.log10(whole)))
        return f"about {whole:,} ({100 * rate:.2g} %)"

    parts = " and ".join(f"on {digits(medians[lam])} at {_lam(lam)}" for lam in penalised)
    selective = all(0 < medians[lam] < medians[base] for lam in penalised)
    if selective:
        verdict = "the surviving units have become selective"
    else:
        verdict = "the surviving units have not become more selective at every λ shown"
    base_rates = np.asarray(run_at(runs, base, "runs")["firing_rates_train"], dtype=float)
    unit = "unit" if (base_rates > 0).all() else "unit among those that fire on some training digit"
    sentence = (f"Without a penalty the median {unit} fires on {digits(medians[base])} of the "
                f"{n_train:,} training digits; with the penalty, of the units that fire on some training digit "
                f"the median one fires {parts}: {verdict}.")
    return {"median_firing_rates": [medians[lam] for lam in HISTOGRAM_LAMS], "survivors_selective": selective,
            "selectivity_sentence": sentence}


def _revived(runs: list[dict]) -> dict:
    """Units silent on every training digit that still fire on a test digit."""
    revived, train_dead = {}, {}
    for run in runs[1:]:
        train = np.asarray(run["firing_rates_train"], dtype=float)
        test = np.asarray(run["firing_rates_test"], dtype=float)
        train_dead[run["lam"]] = int((train == 0).sum())
        revived[run["lam"]] = int(((train == 0) & (test > 0)).sum())
    at = run_at(runs, REVIVED_LAM, "runs")["lam"]
    n_dead, n_back = train_dead[at], revived[at]
    if n_back:
        detail = (f"Which data set you ask about matters. Counted on the training digits alone, more units look dead: at {_lam(at)}, {n_dead:,} units "
                  f"never fire on a training digit, yet {n_back:,} of them fire on at least one test digit. "
                  "The penalty only ever saw the training digits: it keeps a unit below zero on those, and an "
                  "unusual new digit can still tip it over. A unit that is silent on the data it learned from "
                  "is not guaranteed to be silent on new data.")
    else:
        detail = (f"Counted on the training digits alone, the count is the same: at {_lam(at)}, none of the "
                  f"{n_dead:,} units that never fire on a training digit fires on a test digit.")
    lams = list(revived)
    k = sum(revived[lam] > 0 for lam in lams)
    if k:
        spread = (f"Such units appear {_count(k, len(lams), 'λ > 0')} of the grid (from {revived[lams[0]]:,} "
                  f"at {_lam(lams[0])} to {revived[lams[-1]]:,} at {_lam(lams[-1])}).")
    else:
        spread = "No run of the grid has such a unit."
    return {"train_dead_at_detail": n_dead, "revived_at_detail": n_back, "revived_runs": k,
            "revived_by_lam": [revived[lam] for lam in lams], "revived_sentence": f"{detail} {spread}"}


def _summary_pair(runs: list[dict], source: list[dict]) -> dict:
    """The two runs the source's headline mixes, ours and the source's."""
    low, high = (run_at(runs, lam, "runs") for lam in SUMMARY_LAMS)
    src_low, src_high = (run_at(source, lam, "source") for lam in SUMMARY_LAMS)
    ours_sparser = high["avr_train_batch"] < low["avr_train_batch"]
    theirs_sparser = src_high["avr_train_batch"] < src_low["avr_train_batch"]
    head = (f"Our runs at the same two λ give {low['test_accuracy']:.2%} at a training-batch AVR of "
            f"{low['avr_train_batch']:.2f}, and {high['test_accuracy']:.2%} at {high['avr_train_batch']:.2f}")
    if ours_sparser == theirs_sparser:
        tail = ("as in the source, the less accurate run is also the sparser one" if ours_sparser else
                "as in the source, the less accurate run is not even the sparser one")
    else:
        tail = ("unlike the source, our less accurate run is the sparser one" if ours_sparser else
                "unlike the source, our less accurate run is not the sparser one")
    return {"summary_high_is_sparser": ours_sparser, "source_summary_high_is_sparser": theirs_sparser,
            "acc_low": low["test_accuracy"], "acc_high": high["test_accuracy"],
            "batch_avr_low": low["avr_train_batch"], "batch_avr_high": high["avr_train_batch"],
            "source_acc_low": src_low["test_accuracy"], "source_acc_high": src_high["test_accuracy"],
            "source_batch_avr_low": src_low["avr_train_batch"], "source_batch_avr_high": src_high["avr_train_batch"],
            "summary_sentence": f"{head}: {tail}."}


def _lessons(out: dict, runs: list[dict]) -> dict:
    """The "What we learned" bullets that state measured comparisons."""
    first, detail = runs[1], run_at(runs, REVIVED_LAM, "runs")
    points_detail = 100 * (runs[0]["test_accuracy"] - detail["test_accuracy"])

    def cost(points):
        return f"for {points:.1f} points of test accuracy" if points >= 0 else f"gaining {-points:.1f} points of test accuracy"

    if out["first_avr_cut"] > 1 and detail["avr_test"] < runs[0]["avr_test"]:
        sparse = (f"An L1 penalty on ReLU activations turns a dense hidden layer into a sparse one: from "
                  f"{_units(runs[0]['avr_test'])} to {_units(first['avr_test'])} active units per test digit at "
                  f"{_lam(first['lam'])} {cost(out['first_points_lost'])}, and to {_units(detail['avr_test'])} at "
                  f"{_lam(detail['lam'])} {cost(points_detail)}.")
    else:
        sparse = ("In our full runs the L1 penalty did not make the hidden layer steadily sparser: see the table "
                  "above.")
    survivors = (", and the survivors become selective" if out["survivors_selective"] else "")
    if out["dead_rise_every_step"]:
        dead = (f"Not every neuron gets activated: the stronger the penalty, the more units die for the whole "
                f"data set ({out['dead_pct_at_detail']:.0f} % at {_lam(detail['lam'])}){survivors}.")
    else:
        dead = (f"Not every neuron gets activated: with a penalty units die for the whole data set "
                f"({out['dead_pct_at_detail']:.0f} % at {_lam(detail['lam'])}), though not more at every step "
                f"of λ{survivors}.")
    largest, sparsest = runs[-1], run_at(runs, out["sparsest_lam"], "runs")
    if not out["accuracy_falls_every_step"]:
        trade = "Measured one run at a time, a stronger penalty does not always cost accuracy."
    elif out["avr_falls_every_step"]:
        trade = "Measured one run at a time, every stronger penalty of the grid buys a sparser code for some accuracy."
    elif largest is not sparsest:
        trade = (f"Measured one run at a time, every stronger penalty costs accuracy, but the code gets sparser "
                 f"only up to {_lam(sparsest['lam'])} ({_units(sparsest['avr_test'])} active units): at "
                 f"{_lam(largest['lam'])} it is both less sparse ({_units(largest['avr_test'])}) and less accurate.")
    else:
        trade = ("Measured one run at a time, every stronger penalty costs accuracy, but not every one buys a "
                 "sparser code.")
    return {"lesson_sparse_sentence": sparse, "lesson_dead_sentence": dead, "lesson_trade_sentence": trade}


# --- the small live run ------------------------------------------------------------------------

def demo_findings(runs) -> dict:
    """What the chapter's small live run shows, in sentences about that run only.

    ``runs``: the records returned by ``sweep("mlp", ..., grid=..., steps=..., digits=...)``,
    any λ (one run or more).
    """
    runs = _check_runs(runs, RUN_FIELDS + ("n_train", "steps"), "runs", grid=False)
    lams = [run["lam"] for run in runs]
    avr = [run["avr_test"] for run in runs]
    acc = [run["test_accuracy"] for run in runs]
    dead = [int(run["dead_units"]) for run in runs]
    setting = f"{runs[0]['steps']:,} steps on {runs[0]['n_train']:,} digits"
    if len(runs) == 1:
        sentence = (f"In this small run ({setting}), at {_lam(lams[0])}, {_units(avr[0])} units are active per "
                    f"test digit on average, the test accuracy is {acc[0]:.4f}, and {dead[0]:,} of its "
                    f"{int(runs[0]['units'])} units never fire on any of its digits.")
        return {"demo_avr_falls": False, "demo_accuracy_change_points": 0.0, "demo_dead_largest_lam": dead[0],
                "demo_sentence": sentence}
    activity = (f"In this small run ({setting}), the average number of active units per test digit "
                f"{_trend(lams, avr, _units)}.")
    accuracy = f"Its test accuracy {_trend(lams, acc, lambda a: f'{a:.4f}')}."
    if dead[-1] > 0:
        silent = (f"At {_lam(lams[-1])}, {dead[-1]:,} of its {int(runs[-1]['units'])} units never fire on any of "
                  f"its digits ({dead[0]:,} at {_lam(lams[0])}).")
    else:
        silent = f"Even at {_lam(lams[-1])}, every unit fires on some of its digits."
    return {"demo_avr_falls": avr[-1] < avr[0], "demo_accuracy_change_points": 100 * (acc[-1] - acc[0]),
            "demo_dead_largest_lam": dead[-1], "demo_sentence": f"{activity} {accuracy} {silent}"}
