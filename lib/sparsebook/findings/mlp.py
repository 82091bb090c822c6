"""What the sparse MLP chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/mlp.json``, several seeds per
λ) next to the source's table; :func:`code_findings` places their codes against the
neural-codes chapter's local, sparse and dense codes and asks what the surviving units code
for; :func:`readout_findings` follows the weights that read the code, and compares the runs
with those whose readout is held at bounded norm (``results/mlp_bounded.json``);
:func:`demo_findings` describes the chapter's small live run. Every sentence whose truth
depends on a comparison is written here, whole, from the numbers.

Seeds: a λ's numbers are the mean over its seeds (``sparsebook.findings.mean_records``).
Two settings differ "beyond the seeds' spread" when the ranges of their seeds do not overlap;
where they overlap, no difference is claimed.
"""

from __future__ import annotations

import math

import numpy as np

from ..codes import dense_active
from ..plots import format_lam
from . import (by_strength, check_records, check_runs, count_text as _count, mean_records, run_at, seed_range as _range,
               seeds_text, spread_text)
from . import trend as _plain_trend
from .cnn import maps_carrying
from ..sweep import READOUT_MAX_NORM

RUN_FIELDS = ("lam", "test_accuracy", "avr_test", "avr_train_batch", "dead_units", "units")
FULL_FIELDS = RUN_FIELDS + ("seed", "n_train", "n_test", "firing_rates_train", "firing_rates_test",
                            "dead_units_test", "lam_convention")
CODE_FIELDS = ("lam", "seed", "units", "avr_test", "activity_ratio_test", "population_sparseness_test",
               "lifetime_sparseness_test", "hoyer_sparseness_test", "class_rates_test", "n_test")
READOUT_FIELDS = ("lam", "seed", "test_accuracy", "avr_test", "readout_norms", "code_l1_test",
                  "mean_active_value_test")
SOURCE_FIELDS = ("lam", "test_accuracy", "avr_train_batch")
HISTOGRAM_LAMS = (0.0, 1e-4, 1e-3)  #: The runs whose firing rates the chapter draws.
REVIVED_LAM = 1e-3  #: The run whose training-only dead units the chapter counts in detail.
SUMMARY_LAMS = (1e-3, 2.7e-3)  #: The two runs the source's summary mixes.
SPARSEST_LAMS = (1e-3, 2.7e-3)  #: The runs whose surviving units the chapter asks what they code for.
AGREE_PERCENT = 10.0  #: Two AVR measurements closer than this (relative, %) "agree closely".
FLOOR_FACTOR = 1.25  #: Runs within this factor of the least AVR sit on the "floor" of the activity.
SELECTIVE_SHARE = 0.9  #: A unit putting at least this share of its firing on one class is "class-selective".
GRANDMOTHER_COVERAGE = 0.5  #: ... and a grandmother cell when it also fires on at least this share of that class.
FIRES_FOR_RATE = 0.1  #: A unit "fires for" a class when it is active on at least this share of its digits.
CARRYING_SHARE = 0.9  #: The share of all firing whose carrying units the chapter counts.
BROAD_CLASSES = 3  #: Busy units that fire for this many classes or more (median) make a code the opposite of local.
CLASSES = 10


# --- how numbers are written -----------------------------------------------------------------

def _lam(lam: float) -> str:
    return f"λ = {format_lam(lam)}"


def _units(avr: float) -> str:
    """An average number of active units: ``216``, ``16.7``, ``6.19``."""
    return f"{avr:,.0f}" if avr >= 100 else f"{avr:.3g}"


def _acc(accuracy: float) -> str:
    return f"{accuracy:.4f}"


def _mean_count(value: float) -> str:
    """A count averaged over seeds: ``481`` when whole, else ``481.3``."""
    return f"{round(value):,}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def _count_range(values) -> str:
    """Whole counts over seeds: ``3`` when every seed agrees, else ``0 to 2``."""
    low, high = min(values), max(values)
    return f"{low:,.0f}" if low == high else f"{low:,.0f} to {high:,.0f}"


def _at_seeds(k: int, n: int) -> str:
    """``at every seed`` / ``at 1 of the 3 seeds`` / ``in this run`` (one seed)."""
    return "in this run" if n == 1 else "at every seed" if k == n else f"at {k} of the {n} seeds"


def _pct(fraction: float, digits: int = 0) -> str:
    return f"{100 * fraction:.{digits}f} %"


def _at_most(percent: float) -> str:
    """An upper bound in whole percent, rounded up so that "at most"/"within" stays true: 11.3 -> ``12``."""
    return f"{math.ceil(percent - 1e-9):.0f}"


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- seeds: ranges and the differences they allow ----------------------------------------------

def _move(before: dict, after: dict, key: str) -> int:
    """+1 if every seed of ``after`` lies above every seed of ``before``, -1 if below, 0 if the ranges overlap."""
    low_before, high_before = _range(before, key)
    low_after, high_after = _range(after, key)
    if low_after > high_before:
        return 1
    if high_after < low_before:
        return -1
    return 0


def _n_seeds(records: list[dict]) -> int:
    return min(len(record.get("seeds", [0])) for record in records)


def _beyond(records: list[dict]) -> str:
    """`` beyond the seeds' spread`` where every record has several seeds, else nothing."""
    return " beyond the seeds' spread" if _n_seeds(records) > 1 else ""


def _spread_trend(records: list[dict], key: str, write) -> tuple[str, list[int]]:
    """How the mean of ``key`` moves along the records, counting only moves beyond the seeds' spread.

    Returns the phrase ("falls at every step of the grid beyond the seeds' spread, from ...",
    or its exceptions) and each step's move (+1, -1 or 0, see :func:`_move`).
    """
    lams = [record["lam"] for record in records]
    means = [record[key] for record in records]
    moves = [_move(records[i - 1], records[i], key) for i in range(1, len(records))]
    span = f"from {write(means[0])} at {_lam(lams[0])} to {write(means[-1])} at {_lam(lams[-1])}"
    if means[-1] == means[0]:
        return f"ends where it starts, at {write(means[0])} at {_lam(lams[0])} and {_lam(lams[-1])}", moves
    direction, opposite, sign = ("falls", "rises", -1) if means[-1] < means[0] else ("rises", "falls", 1)
    against, still = [], []
    for i, move in enumerate(moves, start=1):
        step = f"{_lam(lams[i - 1])} and {format_lam(lams[i])}"
        if move == -sign:
            against.append(f"{opposite} from {write(means[i - 1])} to {write(means[i])} between {step}")
        elif move == 0 and _n_seeds(records) > 1:
            still.append(f"between {step} ({write(means[i - 1])} and {write(means[i])})")
        elif move == 0:
            against.append(f"stays at {write(means[i])} from {_lam(lams[i - 1])} to {format_lam(lams[i])}")
    if still:
        against.append("moves only within the seeds' spread " + " and ".join(still))
    if not against:
        return f"{direction} at every step of the grid{_beyond(records)}, {span}", moves
    return f"{direction} {span}, but not at every step: it " + " and ".join(against), moves


# --- checks ----------------------------------------------------------------------------------

def _check_runs(runs, fields: tuple, what: str, grid: bool = True) -> list[dict]:
    """``runs`` (one per λ) sorted by λ, after checking their fields; ``grid``: λ = 0 and two λ > 0 are required."""
    return check_runs(runs, fields, what, grid=grid,
                      advice="pass the runs of results/mlp.json or of sweep('mlp', ...)")


def _check_seeded(runs, fields: tuple, what: str, grid: bool = True) -> tuple[dict, list[dict]]:
    """``(groups, records)`` of runs that may hold several seeds per λ: ``{λ: [runs]}`` and one
    merged record per λ (:func:`sparsebook.findings.mean_records`), sorted by λ."""
    check_records(runs, fields, what,
                  advice="pass the runs of results/mlp.json (results/mlp_bounded.json for the bounded runs)")
    groups = {lam: sorted(group, key=lambda run: run["seed"]) for lam, group in by_strength(list(runs)).items()}
    lams = list(groups)
    if grid and (lams[0] != 0 or len(lams) < 3):
        raise ValueError(f"{what} must hold the run at λ = 0 and at least two runs with λ > 0, got λ = {lams}")
    return groups, mean_records(list(runs))


def _group_at(groups: dict, lam: float, what: str) -> list[dict]:
    for value, group in groups.items():
        if np.isclose(value, lam, rtol=1e-9, atol=0):
            return group
    raise ValueError(f"{what} has no run at λ = {format_lam(lam)}; the chapter needs it")


# --- the full-size runs ------------------------------------------------------------------------

def findings(runs, source) -> dict:
    """The chapter's conclusions from the full-size ``runs`` and the ``source``'s table.

    Parameters
    ----------
    runs : list of dict
        The records of ``results/mlp.json`` (``load_results(...)["runs"]``), one or more
        seeds per λ.
    source : list of dict
        ``sparsebook.reference.source_runs("mlp")``, at the same λ.

    Returns
    -------
    dict
        Numbers (floats, ints, lists) and whole sentences (str), keyed by the names the page
        glues them under. Numbers of a λ are means over its seeds.
    """
    groups, records = _check_seeded(runs, FULL_FIELDS, "runs")
    source = _check_runs(source, SOURCE_FIELDS, "source")
    lams = [record["lam"] for record in records]
    if lams != [run["lam"] for run in source]:
        raise ValueError(f"runs and source must share their λ grid, got {lams} and {[r['lam'] for r in source]}")
    base, src_base = records[0], source[0]
    units = int(base["units"])
    out = {
        "units": units,
        "n_train": int(base["n_train"]),
        "n_test": int(base["n_test"]),
        "steps": int(base.get("steps", 0)),
        "train_seconds_mean": float(np.mean([run.get("train_seconds", np.nan) for run in runs])),
        "device": str(base.get("device", "an unrecorded device")),
        "lam_convention": str(base["lam_convention"]),
        "acc_0": base["test_accuracy"],
        "avr_0": base["avr_test"],
        "source_acc_0": src_base["test_accuracy"],
        "source_avr_0": src_base["avr_train_batch"],
        "largest_lam": lams[-1],
    }
    out.update(_seeds(groups))
    out.update(_first_step(records))
    out.update(_accuracy_trend(records))
    out.update(_last_step(records))
    out.update(_decades(records))
    out.update(_source_gaps(records, source))
    out.update(_measures_agree(runs))
    out.update(_activity_trend(records, source))
    out.update(_dead_units(records))
    out.update(_selectivity(groups))
    out.update(_revived(groups))
    out.update(_summary_pair(records, source))
    out.update(_lessons(out, records))
    return out


def _seeds(groups: dict) -> dict:
    """How many seeds each λ has, in words."""
    per_lam = {lam: [run["seed"] for run in group] for lam, group in groups.items()}
    counts = sorted({len(seeds) for seeds in per_lam.values()})
    if len(counts) == 1 and counts[0] > 1:
        seeds = next(iter(per_lam.values()))
        same = all(s == seeds for s in per_lam.values())
        listed = f" ({_and([str(s) for s in seeds])})" if same else ""
        sentence = (f"Every λ was run with {counts[0]} seeds{listed}; a λ's numbers are the mean of its seeds, "
                    "the figures draw bars from the lowest to the highest seed, and the text gives that range "
                    "as \"(seeds a–b)\". A difference smaller than that range is not claimed as a difference.")
    elif counts == [1]:
        sentence = ("Every λ was run with one seed: differences between runs below are single measurements, "
                    "not checked against the spread of seeds.")
    else:
        sentence = (f"The λ were run with {counts[0]} to {counts[-1]} seeds (the table gives each λ's count); a "
                    "λ's numbers are the mean of its seeds, and a difference smaller than the range of the seeds "
                    "is not claimed as a difference.")
    return {"n_seeds": counts[0], "n_seeds_max": counts[-1], "seeds_sentence": sentence}


def _first_step(records: list[dict]) -> dict:
    """The smallest λ > 0 against λ = 0: how much sparser, for how much accuracy."""
    base, first = records[0], records[1]
    cut = base["avr_test"] / first["avr_test"] if first["avr_test"] > 0 else float("inf")
    points = 100 * (base["test_accuracy"] - first["test_accuracy"])
    if cut >= 1:
        how = f"{cut:.0f} times sparser than without a penalty" if cut >= 2 else "sparser than without a penalty"
    else:
        how = f"denser than without a penalty ({1 / cut:.1f} times as many active units)"
    move = _move(base, first, "test_accuracy")
    if move < 0:
        cost = f"{points:.2f} points below the unpenalised network"
    elif move > 0:
        cost = f"{-points:.2f} points above the unpenalised network"
    elif len(first.get("seeds", [])) > 1:
        cost = "within the seeds' spread of the unpenalised network"
    else:
        cost = "the same as the unpenalised network"
    sentence = (f"At the smallest λ of the grid, {format_lam(first['lam'])}, the code is {how}, "
                f"{spread_text(first, 'avr_test', _units)} active units per test digit, for a test accuracy of "
                f"{spread_text(first, 'test_accuracy', _acc)}, {cost}.")
    if cut >= 2:
        divides = f"At full size, the smallest λ of the grid already divides the activity by {cut:.0f}."
    elif cut >= 1:
        divides = f"At full size, the smallest λ of the grid lowers the activity only slightly, by a factor {cut:.2f}."
    else:
        divides = f"At full size, the smallest λ of the grid does not lower the activity: it multiplies it by {1 / cut:.2f}."
    return {"first_lam": first["lam"], "first_avr_cut": cut, "first_points_lost": points,
            "first_accuracy_move": move, "acc_first": first["test_accuracy"], "avr_first": first["avr_test"],
            "first_step_sentence": sentence, "first_cut_sentence": divides}


def _accuracy_trend(records: list[dict]) -> dict:
    phrase, moves = _spread_trend(records, "test_accuracy", _acc)
    total = 100 * (records[0]["test_accuracy"] - records[-1]["test_accuracy"])
    sentence = f"As λ grows, the test accuracy {phrase}{f' ({total:.1f} points in all)' if total > 0 else ''}."
    return {"accuracy_falls_every_step": all(move < 0 for move in moves), "accuracy_points_lost_total": total,
            "accuracy_trend_sentence": sentence}


def _last_step(records: list[dict]) -> dict:
    """The grid's last step: its accuracy cost against the earlier steps', and whether it buys any sparsity."""
    before, last = records[-2], records[-1]
    drops = [100 * (records[i - 1]["test_accuracy"] - records[i]["test_accuracy"]) for i in range(1, len(records))]
    points, earlier = drops[-1], max(drops[:-1])
    where = int(np.argmax(drops[:-1])) + 1
    step = f"from {_lam(before['lam'])} to {format_lam(last['lam'])}"
    accuracy_move, avr_move = _move(before, last, "test_accuracy"), _move(before, last, "avr_test")
    if accuracy_move < 0:
        cost = (f"The last step of the grid, {step}, costs {points:.1f} points of test accuracy "
                f"({spread_text(before, 'test_accuracy', _acc)} → {spread_text(last, 'test_accuracy', _acc)})")
        cost += (f", more than any earlier step (the largest, from {_lam(records[where - 1]['lam'])} to "
                 f"{format_lam(records[where]['lam'])}, cost {earlier:.1f})" if points > earlier else "")
    elif accuracy_move > 0:
        cost = f"The last step of the grid, {step}, raises the test accuracy by {-points:.1f} points"
    else:
        cost = f"The last step of the grid, {step}, leaves the test accuracy within the seeds' spread"
    avr = f"{spread_text(before, 'avr_test', _units)} → {spread_text(last, 'avr_test', _units)}"
    if avr_move > 0:
        activity = f"and the code does not get sparser: its AVR rises, {avr}"
    elif avr_move == 0:
        activity = f"and the code gets no sparser: its AVR moves within the seeds' spread, {avr}"
    else:
        activity = f"for a sparser code, AVR {avr}"
    if accuracy_move < 0 and avr_move > 0:
        verdict = f"It is worse than {_lam(before['lam'])} on both axes: less accurate and less sparse."
    elif accuracy_move < 0 and avr_move == 0:
        verdict = f"It is less accurate than {_lam(before['lam'])} and no sparser."
    else:
        verdict = f"It is not worse than {_lam(before['lam'])} on both axes."
    # the floor: the longest run of λ at the end of the grid whose mean AVR stays within FLOOR_FACTOR of the least
    positive = records[1:]
    least = min(record["avr_test"] for record in positive)
    start = len(positive)
    while start > 0 and positive[start - 1]["avr_test"] <= FLOOR_FACTOR * least:
        start -= 1
    floor = positive[start:]
    values = [record["avr_test"] for record in floor]
    if len(floor) > 1:
        who = "the mean of the seeds stays" if _n_seeds(floor) > 1 else "every run keeps"
        level = (f"The activity levels off: from {_lam(floor[0]['lam'])} on, {who} between {min(values):.2f} and "
                 f"{max(values):.2f} active units per test digit on average, a floor of about "
                 f"{round(np.mean(values)):.0f}.")
    else:
        level = "The activity does not level off at the end of the grid."
    return {"last_step_points": points, "earlier_largest_points": earlier,
            "last_step_worse_both": accuracy_move < 0 and avr_move > 0,
            "last_step_accuracy_move": accuracy_move, "last_step_avr_move": avr_move,
            "floor_from_lam": floor[0]["lam"] if len(floor) > 1 else None,
            "floor_low": min(values) if len(floor) > 1 else None, "floor_high": max(values) if len(floor) > 1 else None,
            "last_step_sentence": f"{cost}, {activity}. {verdict}", "floor_sentence": level}


def _decades(records: list[dict]) -> dict:
    """What share of the remaining activity each tenfold increase of λ in the grid removes."""
    positive = [record for record in records if record["lam"] > 0]
    pairs = [(low, high) for low in positive for high in positive if np.isclose(high["lam"], 10 * low["lam"])]
    if not pairs:
        return {"decade_removed": [], "decades_remove_most": False,
                "decades_sentence": "The grid holds no two λ a factor 10 apart."}
    removed = [1 - high["avr_test"] / low["avr_test"] for low, high in pairs]
    parts = [f"{_pct(r)} from {_lam(low['lam'])} to {format_lam(high['lam'])}" for r, (low, high) in zip(removed, pairs)]
    if all(r > 0.5 for r in removed):
        sentence = f"Every tenfold increase of λ in the grid removes most of the remaining activity: {_and(parts)}."
    else:
        seeds = " (means of the seeds)" if _n_seeds(positive) > 1 else ""
        sentence = ("A tenfold increase of λ does not always remove most of the remaining activity; it removes "
                    f"{_and(parts)}{seeds}.")
    return {"decade_removed": removed, "decades_remove_most": all(r > 0.5 for r in removed),
            "decades_sentence": sentence}


def _source_gaps(records: list[dict], source: list[dict]) -> dict:
    """Our mean test accuracies and training-batch AVRs against the source's, at λ > 0 and λ = 0."""
    ours, theirs = records[1:], source[1:]
    gaps = [100 * (a["test_accuracy"] - b["test_accuracy"]) for a, b in zip(ours, theirs)]
    avr_gaps = [100 * abs(a["avr_train_batch"] / b["avr_train_batch"] - 1) for a, b in zip(ours, theirs)]
    n, above, below = len(gaps), sum(g > 0 for g in gaps), sum(g < 0 for g in gaps)
    largest = max(abs(g) for g in gaps)
    sentence = (f"At every λ > 0 our test accuracies ({seeds_text(ours[0])}) lie within {largest:.2f} percentage "
                f"points of the source's (above it {_count(above, n, 'λ')}, below it {_count(below, n, 'λ')}), and "
                f"our training-batch AVRs within {_at_most(max(avr_gaps))} % of its.")
    ours0, theirs0 = records[0]["avr_train_batch"], source[0]["avr_train_batch"]
    ratio = ours0 / theirs0
    if abs(ratio - 1) * 100 < AGREE_PERCENT:
        baseline = (f"Without a penalty our network keeps about as many units active as the source's "
                    f"({_units(ours0)} against {_units(theirs0)} on a training batch).")
    else:
        more = "more" if ratio > 1 else "fewer"
        baseline = (f"Without a penalty our network keeps {more} units active than the source's "
                    f"({spread_text(records[0], 'avr_train_batch', _units)} against {_units(theirs0)} on a "
                    "training batch): nothing in the loss pins the activity down at λ = 0, so it moves with "
                    "details we do not share (the random initial weights, the framework's numerics); we have "
                    "not traced it further.")
    return {"max_accuracy_gap_points": largest, "accuracy_above_source": above, "accuracy_below_source": below,
            "max_avr_gap_percent": max(avr_gaps), "source_gap_sentence": sentence,
            "baseline_avr_ratio": ratio, "source_baseline_sentence": baseline}


def _measures_agree(runs: list[dict]) -> dict:
    """AVR on the test digits against AVR on the last training batch, run by run (every seed)."""
    diffs = [100 * abs(run["avr_train_batch"] / run["avr_test"] - 1) for run in runs if run["avr_test"] > 0]
    largest = max(diffs)
    if largest < AGREE_PERCENT:
        sentence = f"In our runs the two agree closely: at most {_at_most(largest)} % apart at any λ and seed."
    else:
        sentence = f"In our runs the two differ by up to {largest:.0f} % at some λ, so we show both."
    return {"max_avr_measure_gap_percent": largest, "avr_measures_sentence": sentence}


def _activity_trend(records: list[dict], source: list[dict]) -> dict:
    """How the activity moves over λ > 0, ours (test digits, seed means) and the source's (training batch)."""
    ours, theirs = records[1:], [dict(run, avr_test=run["avr_train_batch"]) for run in source[1:]]
    lams = [record["lam"] for record in ours]
    phrase, moves = _spread_trend(ours, "avr_test", _units)
    source_phrase, source_moves = _spread_trend(theirs, "avr_test", _units)
    trend = (f"Beyond it, the activity on the test digits {phrase}. "
             f"In the source's table (one run per λ) the training-batch AVR {source_phrase}.")
    wasted = [i for i, move in enumerate(moves, start=1)
              if move >= 0 and _move(ours[i - 1], ours[i], "test_accuracy") < 0]
    if wasted:
        steps = " and ".join(f"from {_lam(lams[i - 1])} to {format_lam(lams[i])} (test accuracy "
                             f"{_acc(ours[i - 1]['test_accuracy'])} → {_acc(ours[i]['test_accuracy'])})" for i in wasted)
        verdict = f"A stronger penalty bought no sparser code, only a lower accuracy, {steps}."
    elif any(move >= 0 for move in moves):
        verdict = "Where the activity does not fall, the accuracy does not fall either."
    else:
        verdict = "Every stronger penalty of the grid bought a sparser code."
    sparsest = int(np.argmin([record["avr_test"] for record in ours]))
    return {"avr_falls_every_step": all(move < 0 for move in moves),
            "avr_not_falling_at": [lams[i] for i, move in enumerate(moves, start=1) if move >= 0],
            "source_avr_rises_at": [lams[i] for i, move in enumerate(source_moves, start=1) if move > 0],
            "sparsest_lam": lams[sparsest], "avr_sparsest": ours[sparsest]["avr_test"],
            "avr_largest_lam": ours[-1]["avr_test"],
            "activity_trend_sentence": trend, "activity_verdict_sentence": verdict}


def _dead_units(records: list[dict]) -> dict:
    """Dead units by the book's definition: active on none of the test digits, against λ = 0's count."""
    lams = [record["lam"] for record in records]
    dead = [record["dead_units_test"] for record in records]
    units, n_test = int(records[0]["units"]), int(records[0]["n_test"])
    base = records[0]
    low0, high0 = _range(base, "dead_units_test")
    if high0 == 0:
        opening = (f"Without a penalty, yes: every one of the {units} units fires on at least one of the "
                   f"{n_test:,} test digits.")
    else:
        verb = "fires" if low0 == high0 == 1 else "fire"
        seeds = " (depending on the seed)" if low0 != high0 else ""
        opening = (f"{'Without a penalty, almost' if high0 <= 0.01 * units else 'Not even without a penalty'}: "
                   f"{_count_range((low0, high0))} of the {units} units{seeds} {verb} on none of the "
                   f"{n_test:,} test digits.")
    above = [record for record in records[1:] if _move(base, record, "dead_units_test") > 0]
    n = len(records) - 1
    if len(above) == n:
        penalty = (f"With a penalty, no: at every λ > 0 of the grid far more units are dead than at λ = 0"
                   f"{_beyond(records)}, from {_mean_count(dead[1])} at {_lam(lams[1])} to "
                   f"{_mean_count(dead[-1])} at {_lam(lams[-1])} ({_pct(dead[-1] / units)} of the layer); the "
                   "penalty silences units entirely rather than spreading a little activity over all of them.")
    elif above:
        penalty = f"With a penalty, not always: more units die than at λ = 0 {_count(len(above), n, 'λ > 0')} of the grid."
    else:
        penalty = "With a penalty, too: at no λ of the grid do more units die than at λ = 0."
    phrase, moves = _spread_trend(records, "dead_units_test", _mean_count)
    at = run_at(records, REVIVED_LAM, "runs")
    return {"dead_0": dead[0], "dead_0_min": low0, "dead_0_max": high0, "dead_largest_lam": dead[-1],
            "dead_rise_every_step": all(move > 0 for move in moves), "dead_above_baseline_runs": len(above),
            "dead_at_detail": at["dead_units_test"], "dead_pct_at_detail": 100 * at["dead_units_test"] / units,
            "dead_answer_sentence": f"{opening} {penalty}", "dead_trend_sentence": f"The number of dead units {phrase}."}


def _median_alive_rate(run: dict, key: str) -> float:
    rates = np.asarray(run[key], dtype=float)
    alive = rates[rates > 0]
    return float(np.median(alive)) if alive.size else 0.0


def _selectivity(groups: dict) -> dict:
    """How often the median living unit fires on the test digits, in the histograms' runs, over seeds."""
    n_test = int(next(iter(groups.values()))[0]["n_test"])
    medians = {lam: [_median_alive_rate(run, "firing_rates_test") for run in _group_at(groups, lam, "runs")]
               for lam in HISTOGRAM_LAMS}
    base, *penalised = HISTOGRAM_LAMS

    def digits(rates):  # "about 2,670 (27 %)", with the seeds' range where there are several
        count = float(np.mean(rates)) * n_test
        text = f"about {count:,.0f}" if count >= 10 else f"about {count:.2g}"
        if len(rates) > 1 and min(rates) != max(rates):
            low, high = (f"{v * n_test:,.0f}" if v * n_test >= 10 else f"{v * n_test:.2g}" for v in (min(rates), max(rates)))
            text += f" (seeds {low}–{high})"
        return text

    parts = " and ".join(f"on {digits(medians[lam])} at {_lam(lam)}" for lam in penalised)
    rarer = all(0 < max(medians[lam]) < min(medians[base]) for lam in penalised)
    # "rarer", not "selective": how often a unit fires says nothing yet of which digits it fires for
    verdict = ("the surviving units fire far more rarely. Firing rarely is not yet firing for a class: which digits "
               "they fire for is measured in the section on what the surviving units code for" if rarer else
               "the surviving units do not fire more rarely at every λ shown, at every seed")
    sentence = (f"Without a penalty the median living unit fires on {digits(medians[base])} of the {n_test:,} test "
                f"digits; with the penalty the median living unit fires {parts}: {verdict}.")
    return {"median_firing_rates": [float(np.mean(medians[lam])) for lam in HISTOGRAM_LAMS],
            "survivors_rarer": rarer, "selectivity_sentence": sentence}


def _revived(groups: dict) -> dict:
    """Which digits a dead-unit count asks about: units silent on every training digit that fire on a test digit."""
    revived, train_dead, test_only_dead, test_alive = {}, {}, {}, {}
    for lam, group in list(groups.items())[1:]:
        counts = []
        for run in group:
            train = np.asarray(run["firing_rates_train"], dtype=float)
            test = np.asarray(run["firing_rates_test"], dtype=float)
            counts.append((int((train == 0).sum()), int(((train == 0) & (test > 0)).sum()),
                           int(((train > 0) & (test == 0)).sum()), int((test > 0).sum())))
        train_dead[lam], revived[lam], test_only_dead[lam], test_alive[lam] = (
            [c[k] for c in counts] for k in range(4))
    at = next(lam for lam in revived if np.isclose(lam, REVIVED_LAM, rtol=1e-9, atol=0)) \
        if any(np.isclose(lam, REVIVED_LAM, rtol=1e-9, atol=0) for lam in revived) else None
    if at is None:
        raise ValueError(f"runs has no run at λ = {format_lam(REVIVED_LAM)}; the chapter needs it")
    mean = lambda values: _mean_count(float(np.mean(values)))  # noqa: E731
    n_back, n_dead, n_only = revived[at], train_dead[at], test_only_dead[at]
    seeds = "" if len(n_back) == 1 else f" (means of {len(n_back)} seeds)"
    if max(n_back):
        detail = (f"Which digits you ask about matters. Counted on the training digits instead, at {_lam(at)}, "
                  f"{mean(n_dead)} units never fire on a training digit, yet {mean(n_back)} of them fire on at "
                  f"least one test digit{seeds}: {_pct(float(np.mean(n_back)) / float(np.mean(test_alive[at])))} of the "
                  f"{mean(test_alive[at])} units that fire on some test digit. The penalty only ever saw the training digits: it keeps a unit "
                  "below zero on those, and an unusual new digit can still tip it over. A unit that is silent on "
                  "the data it learned from is not guaranteed to be silent on new data.")
    else:
        detail = (f"Counted on the training digits instead, the count is the same: at {_lam(at)}, none of the "
                  f"{mean(n_dead)} units that never fire on a training digit fires on a test digit{seeds}.")
    if max(n_only):
        detail += (f" The other way round, {mean(n_only)} units that fire on some training digit fire on no "
                   "test digit: they count as dead by the book's definition.")
    lams = list(revived)
    k = sum(min(revived[lam]) > 0 for lam in lams)
    if k:
        spread = (f"Units silent on the training digits that fire on a test digit appear at every seed "
                  f"{_count(k, len(lams), 'λ > 0')} of the grid (from {mean(revived[lams[0]])} at {_lam(lams[0])} "
                  f"to {mean(revived[lams[-1]])} at {_lam(lams[-1])}).")
    else:
        spread = "Not every λ > 0 of the grid has such a unit at every seed."
    return {"train_dead_at_detail": float(np.mean(n_dead)), "revived_at_detail": float(np.mean(n_back)),
            "test_only_dead_at_detail": float(np.mean(n_only)), "revived_runs": k,
            "revived_by_lam": [float(np.mean(revived[lam])) for lam in lams],
            "revived_sentence": f"{detail} {spread}"}


def _summary_pair(records: list[dict], source: list[dict]) -> dict:
    """The two runs the source's headline mixes, ours and the source's."""
    low, high = (run_at(records, lam, "runs") for lam in SUMMARY_LAMS)
    src_low, src_high = (run_at(source, lam, "source") for lam in SUMMARY_LAMS)
    move = _move(low, high, "avr_train_batch")
    ours_sparser = move < 0
    theirs_sparser = src_high["avr_train_batch"] < src_low["avr_train_batch"]
    head = (f"Our runs at the same two λ ({seeds_text(low)}) give {low['test_accuracy']:.2%} at a training-batch "
            f"AVR of {spread_text(low, 'avr_train_batch', lambda v: f'{v:.2f}')}, and {high['test_accuracy']:.2%} at "
            f"{spread_text(high, 'avr_train_batch', lambda v: f'{v:.2f}')}")
    if move == 0:
        tail = ("our less accurate run is no sparser, the two AVRs lying within the seeds' spread"
                if len(low.get("seeds", [])) > 1 else "our less accurate run is no sparser")
        tail += (", and in the source it was not sparser either" if not theirs_sparser else
                 ", while in the source it was the sparser one")
    elif ours_sparser == theirs_sparser:
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


def _lessons(out: dict, records: list[dict]) -> dict:
    """The "What we learned" bullets that state measured comparisons."""
    first, detail = records[1], run_at(records, REVIVED_LAM, "runs")
    points_detail = 100 * (records[0]["test_accuracy"] - detail["test_accuracy"])

    def cost(points):
        return f"for {points:.1f} points of test accuracy" if points >= 0 else f"gaining {-points:.1f} points of test accuracy"

    if out["first_avr_cut"] > 1 and detail["avr_test"] < records[0]["avr_test"]:
        sparse = (f"An L1 penalty on ReLU activations makes the hidden layer far sparser: from "
                  f"{_units(records[0]['avr_test'])} to {_units(first['avr_test'])} active units per test digit at "
                  f"{_lam(first['lam'])} {cost(out['first_points_lost'])}, and to {_units(detail['avr_test'])} at "
                  f"{_lam(detail['lam'])} {cost(points_detail)} ({seeds_text(detail)}).")
    else:
        sparse = ("In our full runs the L1 penalty did not make the hidden layer steadily sparser: see the table "
                  "above.")
    survivors = ", and the survivors fire far more rarely" if out["survivors_rarer"] else ""
    base_dead = _count_range((out["dead_0_min"], out["dead_0_max"]))
    baseline = f"against {base_dead} {'unit' if base_dead == '1' else 'units'} at λ = 0"
    if out["dead_rise_every_step"]:
        dead = (f"Not every neuron gets activated: the stronger the penalty, the more units die, silent on every "
                f"test digit ({out['dead_pct_at_detail']:.0f} % at {_lam(detail['lam'])}, {baseline}){survivors}.")
    else:
        dead = (f"Not every neuron gets activated: with a penalty many units die, silent on every test digit "
                f"({out['dead_pct_at_detail']:.0f} % at {_lam(detail['lam'])}, {baseline}), though not more at every step "
                f"of λ{survivors}.")
    largest = records[-1]
    if any(_move(records[i - 1], records[i], "test_accuracy") > 0 for i in range(1, len(records))):
        trade = "Measured over the seeds, a stronger penalty does not always cost accuracy."
    elif out["avr_falls_every_step"]:
        trade = "Measured over the seeds, every stronger penalty of the grid buys a sparser code for some accuracy."
    elif out["last_step_accuracy_move"] < 0 and out["last_step_avr_move"] >= 0:
        level = (f"the activity levels off at about {round((out['floor_low'] + out['floor_high']) / 2):.0f} active "
                 "units per test digit, and " if out["floor_low"] is not None else "")
        trade = (f"Accuracy and sparsity do not trade off smoothly to the end: {level}the last step, to "
                 f"{_lam(largest['lam'])}, costs {out['last_step_points']:.1f} points of accuracy for no sparser code.")
    else:
        trade = "Not every stronger penalty of the grid buys a sparser code beyond the seeds' spread."
    return {"lesson_sparse_sentence": sparse, "lesson_dead_sentence": dead, "lesson_trade_sentence": trade}


# --- the code: local, sparse or dense? what do its units code for? ------------------------------

def carrying_units(firing_rates, share: float = CARRYING_SHARE) -> np.ndarray:
    """Indices of the fewest units that together carry ``share`` of all firing, busiest first."""
    rates = np.asarray(firing_rates, dtype=float)
    k = maps_carrying(rates, share)  # the count; the same rule as the CNN chapter's feature maps
    return np.argsort(rates, kind="stable")[::-1][:k]


def unit_selectivity(class_rates) -> dict:
    """Per-unit class selectivity from ``class_rates_test`` (unit index -> its firing rate on each class).

    Returns arrays over the listed units (sorted by index): ``units``, ``preferred`` (the class
    it fires on most often), ``coverage`` (its firing rate on that class: the share of that
    class's digits that switch it on), ``share`` (that rate over the sum of its 10 rates: the
    share of its firing on the preferred class, each class weighted equally; 1 = one class
    only, 0.1 = all alike) and ``classes`` (how many classes it fires for, active on at least
    :data:`FIRES_FOR_RATE` of their digits).
    """
    if not isinstance(class_rates, dict) or not class_rates:
        raise ValueError("class_rates must be a non-empty dict: unit index -> its 10 firing rates (class_rates_test)")
    units = np.array(sorted(int(unit) for unit in class_rates))
    rates = np.asarray([class_rates[str(unit)] if str(unit) in class_rates else class_rates[unit]
                        for unit in units], dtype=float)
    if rates.ndim != 2 or rates.shape[1] != CLASSES or np.any(rates < 0) or np.any(rates > 1):
        raise ValueError(f"each unit needs {CLASSES} firing rates in [0, 1], got shape {rates.shape}")
    totals = rates.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, rates.max(axis=1) / np.where(totals > 0, totals, 1), 0.0)
    return {"units": units, "preferred": rates.argmax(axis=1), "coverage": rates.max(axis=1), "share": share,
            "classes": (rates >= FIRES_FOR_RATE).sum(axis=1), "rates": rates}


def _effective_units(population_sparseness: float, n: int) -> float:
    """The number of equally active units whose Treves-Rolls sparseness is ``population_sparseness``."""
    return n * (1 - population_sparseness * (1 - 1 / n))


def _hoyer_of_equal(active: float, n: int) -> float:
    """The Hoyer sparseness of ``active`` equal non-zero values among ``n``."""
    return (math.sqrt(n) - math.sqrt(active)) / (math.sqrt(n) - 1)


def code_findings(runs) -> dict:
    """The codes of the full-size runs against the local, sparse and dense codes, and what their units code for.

    Parameters
    ----------
    runs : list of dict
        The records of ``results/mlp.json`` (one or more seeds per λ); they need
        ``activity_ratio_test``, the three sparseness measures and ``class_rates_test``.

    Returns
    -------
    dict
        Numbers and whole sentences: where each λ's activity ratio lies against the
        neural-codes chapter's definitions (local: one active unit of ``N``; dense: ``N/2``;
        sparse: in between), what the units of :data:`SPARSEST_LAMS` code for (per-unit class
        selectivity), and what the population, lifetime and Hoyer sparseness add to the count.
    """
    groups, records = _check_seeded(runs, CODE_FIELDS + ("firing_rates_test",), "runs")
    n = int(records[0]["units"])
    out = {"local_ratio": 1 / n, "dense_ratio": dense_active(n) / n,
           "activity_ratios": [record["activity_ratio_test"] for record in records]}
    out.update(_code_kinds(records, n))
    out.update(_grandmother(groups, n))
    out.update(_sparseness_measures(groups, records, n))
    reach = ("reaches a local code on average" if out["reaches_local"] else
             f"reaches a local code: the sparsest λ still averages {_units(out['min_avr'])} active units per "
             "test digit")
    if out["grandmother_cells_max"] == 0:
        cells = "and none of the units of the sparsest runs is a grandmother cell"
    elif out["grandmother_classes_max"] < CLASSES:
        cells = (f"and the sparsest runs are not codes of grandmother cells (at most {out['grandmother_cells_max']} of "
                 f"a run's units {'counts' if out['grandmother_cells_max'] == 1 else 'count'} as one, for at most "
                 f"{out['grandmother_classes_max']} of the {CLASSES} classes)")
    else:
        cells = "and the sparsest runs have a grandmother cell for every class"
    dense = ("sparse, not dense, by the neural-codes chapter's definition" if out["code_kinds"][0] == "sparse" else
             f"{out['code_kinds'][0]} by the neural-codes chapter's definition")
    out["lesson_local_sentence"] = (
        f"{'A' if out['reaches_local'] else 'No'} λ of the grid {reach}, {cells}; even without a penalty the code "
        f"({_pct(records[0]['activity_ratio_test'])} of the units active) is {dense}.")
    return out


def _code_kinds(records: list[dict], n: int) -> dict:
    dense = dense_active(n)
    kinds = ["local" if r["avr_test"] <= 1 else "dense" if r["avr_test"] >= dense else "sparse" for r in records]
    base = records[0]
    definitions = (f"For N = {n} units, a local code has one active unit per "
                   f"item (an activity ratio of 1/{n} = {_pct(1 / n, 2)}), a dense code half of them ({dense}, "
                   f"{_pct(dense / n)}), and a sparse code anything in between; as there, the definitions are applied to "
                   "the mean number of active units per test digit, the AVR.")
    if all(kind == "sparse" for kind in kinds):
        where = (f"Every run of the grid holds a sparse code by that definition, λ = 0 included: without a penalty "
                 f"{spread_text(base, 'activity_ratio_test', lambda v: _pct(v, 1))} of the units are active per test "
                 f"digit, {_units(base['avr_test'])} of {n}: about {_pct(base['avr_test'] / dense)} of a dense "
                 f"code's {dense}.")
    else:
        named = [f"{_lam(r['lam'])} ({kind})" for r, kind in zip(records, kinds) if kind != "sparse"]
        where = f"Not every run holds a sparse code by that definition: {_and(named)}."
    sparsest = min(records[1:], key=lambda r: r["avr_test"])
    near = [r for r in records[1:] if r["avr_test"] <= FLOOR_FACTOR * sparsest["avr_test"]]
    if sparsest["avr_test"] <= 1:
        answer = (f"Can we reach a local code? On average, yes: at {_lam(sparsest['lam'])} a test digit switches on "
                  f"{spread_text(sparsest, 'avr_test', _units)} units.")
    else:
        listed = _and([f"{_units(r['avr_test'])} at {_lam(r['lam'])}" for r in near])
        lower = _move(records[-2], records[-1], "avr_test") < 0
        answer = (f"Can we reach a local code? Not in this grid: the sparsest runs keep on average {listed} active "
                  f"units per test digit (activity ratios down to {_pct(sparsest['activity_ratio_test'], 2)}), "
                  f"{sparsest['avr_test']:.1f} times a local code's one unit, and "
                  + ("the strongest penalty of the grid brings it no lower." if not lower else
                     "only the strongest penalty of the grid brings it that low."))
    return {"code_kinds": kinds, "min_avr": sparsest["avr_test"], "reaches_local": sparsest["avr_test"] <= 1,
            "code_kind_sentence": f"{definitions} {where}", "local_answer_sentence": answer}


def _grandmother(groups: dict, n: int) -> dict:
    """What the units of the sparsest runs code for, per seed then averaged: carriers, selectivity, grandmother cells."""
    per_lam = {}
    for lam in SPARSEST_LAMS:
        stats = []
        for run in _group_at(groups, lam, "runs"):
            units = unit_selectivity(run["class_rates_test"])
            rates = np.asarray(run["firing_rates_test"], dtype=float)
            carriers = np.isin(units["units"], carrying_units(rates))
            grandmother = (units["share"] >= SELECTIVE_SHARE) & (units["coverage"] >= GRANDMOTHER_COVERAGE)
            best_cover = units["rates"].max(axis=0)  # per class: the rate of the unit that fires most on it
            stats.append({
                "alive": int((rates > 0).sum()), "carriers": int(carriers.sum()),
                "carrier_coverage": float(np.median(units["coverage"][carriers])),
                "carrier_share": float(np.median(units["share"][carriers])),
                "carrier_classes": float(np.median(units["classes"][carriers])),
                "grandmother": int(grandmother.sum()),
                "grandmother_classes": len(set(units["preferred"][grandmother].tolist())),
                "best_cover_min": float(best_cover.min()),
                "classes_unserved": int((best_cover < FIRES_FOR_RATE).sum()),
                "classes_uncovered": int((best_cover < GRANDMOTHER_COVERAGE).sum()),
                "avr": float(run["avr_test"]),
            })
        per_lam[lam] = {key: [s[key] for s in stats] for key in stats[0]}

    def write(values, form=_mean_count):
        text = form(float(np.mean(values)))
        return text if len(values) == 1 or min(values) == max(values) else \
            f"{text} (seeds {form(min(values))}–{form(max(values))})"

    def plural(values, one, many):
        return one if min(values) == max(values) == 1 else many

    parts = []
    for lam, s in per_lam.items():
        head = (f"At {_lam(lam)}, {_count_range(s['alive'])} units fire on some test digit, but "
                f"{_count_range(s['carriers'])} of them carry {_pct(CARRYING_SHARE)} of all firing. These busy units "
                f"fire for a median of {write(s['carrier_classes'])} "
                f"{plural(s['carrier_classes'], 'class', 'classes')}, cover a median "
                f"{write(s['carrier_coverage'], _pct)} of the digits of their preferred class and put a median "
                f"{write(s['carrier_share'], _pct)} of their firing on it")
        n_runs = len(s["classes_uncovered"])
        if max(s["classes_uncovered"]) == 0:
            tail = f"; every class has a unit that fires on at least {_pct(min(s['best_cover_min']))} of its digits."
        elif max(s["classes_unserved"]) > 0:
            k = sum(c > 0 for c in s["classes_unserved"])
            tail = (f"; {_at_seeds(k, n_runs)}, {_count_range([c for c in s['classes_unserved'] if c > 0])} "
                    f"{plural([c for c in s['classes_unserved'] if c > 0], 'class has', 'classes have')} no unit "
                    f"that fires for it at all (on {_pct(FIRES_FOR_RATE)} of its digits).")
        else:
            k = sum(c > 0 for c in s["classes_uncovered"])
            tail = (f"; {_at_seeds(k, n_runs)}, {_count_range([c for c in s['classes_uncovered'] if c > 0])} "
                    f"{plural([c for c in s['classes_uncovered'] if c > 0], 'class has', 'classes have')} no unit "
                    "that fires on even half of its digits.")
        parts.append(head + tail)
    strict = (f"Read literally, a grandmother cell fires on every digit of its class and on no other; we count a unit "
              f"as one more leniently, when it fires on at least {_pct(GRANDMOTHER_COVERAGE)} of one class's digits "
              f"and puts at least {_pct(SELECTIVE_SHARE)} of its firing there. A run has "
              + _and([f"none at {_lam(lam)}" if max(s["grandmother"]) == 0 else
                      f"{_count_range(s['grandmother'])} such "
                      f"{'cell' if max(s['grandmother']) == 1 else 'cells'} at {_lam(lam)} (for "
                      f"{_count_range(s['grandmother_classes'])} of the {CLASSES} classes)"
                      for lam, s in per_lam.items()]) + ".")
    closest = [lam for lam, s in per_lam.items()
               if max(s["classes_uncovered"]) == 0 and max(s["carrier_classes"]) < BROAD_CLASSES]
    broad = [lam for lam, s in per_lam.items() if min(s["carrier_classes"]) >= BROAD_CLASSES]
    if all(min(s["grandmother_classes"]) == CLASSES for s in per_lam.values()):
        verdict = "So the sparsest codes are codes of grandmother cells: every class has one, at every seed."
    else:
        verdict = "So the sparsest codes are not codes of grandmother cells."
        for lam in closest:
            s = per_lam[lam]
            verdict += (f" {_lam(lam)} comes closest: every class has a unit that fires on at least half of its "
                        f"digits, but the busy units put a median {_pct(float(np.mean(s['carrier_share'])))} of their "
                        f"firing on their class, not all of it, and a digit switches on "
                        f"{_units(float(np.mean(s['avr'])))} units on average, not one.")
        if broad:
            verdict += (f" At {_and([_lam(lam) for lam in broad])} the firing has collapsed onto a few units, the "
                        f"median one firing for {BROAD_CLASSES} classes or more: far from grandmother cells, no one of "
                        "these units names a class, so a class can only be read from several of them at once.")
    mean = lambda key: {lam: float(np.mean(s[key])) for lam, s in per_lam.items()}  # noqa: E731
    return {"carriers": mean("carriers"), "alive_units": mean("alive"), "carrier_share_median": mean("carrier_share"),
            "carrier_coverage_median": mean("carrier_coverage"), "carrier_classes_median": mean("carrier_classes"),
            "grandmother_cells": mean("grandmother"), "classes_uncovered": mean("classes_uncovered"),
            "grandmother_classes_max": max(max(s["grandmother_classes"]) for s in per_lam.values()),
            "grandmother_cells_max": max(max(s["grandmother"]) for s in per_lam.values()),
            "closest_to_grandmother": closest, "broad_carriers": broad,
            "selectivity_definitions_sentence": (
                f"For each unit that fires on some test digit we read its firing rate on each of the {CLASSES} "
                f"classes. Its preferred class is the one it fires on most often; its coverage, the share of that "
                f"class's digits that switch it on; its selectivity, the share of its firing that falls on that "
                f"class (its rate there over the sum of its {CLASSES} rates, each class weighted equally: 1 for a "
                f"unit that fires for one class only, 0.1 for one that fires for all alike). A unit fires for a "
                f"class when it is active on at least {_pct(FIRES_FOR_RATE)} of the class's digits."),
            "grandmother_sentence": " ".join(parts) + " " + strict,
            "grandmother_verdict_sentence": verdict}


def _sparseness_measures(groups: dict, records: list[dict], n: int) -> dict:
    """What the graded sparseness measures (Treves-Rolls population and lifetime, Hoyer) add to the count."""
    base = records[0]
    effective = _effective_units(base["population_sparseness_test"], n)
    equal_hoyer = _hoyer_of_equal(base["avr_test"], n)
    graded = (f"Without a penalty the count and the graded measures disagree: {_units(base['avr_test'])} units are "
              f"non-zero per test digit, but their values are so unequal that the Treves–Rolls population "
              f"sparseness, {base['population_sparseness_test']:.3f}, is that of {_units(effective)} equally active "
              f"units, and the Hoyer sparseness, {base['hoyer_sparseness_test']:.2f}, "
              + (f"exceeds the {equal_hoyer:.2f} that {_units(base['avr_test'])} equal values would score."
                 if base["hoyer_sparseness_test"] > equal_hoyer else
                 f"does not exceed the {equal_hoyer:.2f} that {_units(base['avr_test'])} equal values would score."))
    penalised = records[1:]
    lows = {key: min(r[key] for r in penalised) for key in ("population_sparseness_test", "hoyer_sparseness_test")}
    highs = {key: max(r[key] for r in penalised) for key in lows}
    avr_span = max(r["avr_test"] for r in penalised) / min(r["avr_test"] for r in penalised)
    crowd = all(v >= 0.95 for v in lows.values())
    if crowd:
        saturate = (f"With a penalty both crowd against 1 (population sparseness {lows['population_sparseness_test']:.4f} "
                    f"to {highs['population_sparseness_test']:.4f}, Hoyer {lows['hoyer_sparseness_test']:.3f} to "
                    f"{highs['hoyer_sparseness_test']:.3f}, over the λ > 0 of the grid) while the count of "
                    f"active units still varies {avr_span:.1f}-fold across the same runs: near the local end, the "
                    "count separates the runs by a factor, the graded measures by "
                    f"{highs['population_sparseness_test'] - lows['population_sparseness_test']:.4f} and "
                    f"{highs['hoyer_sparseness_test'] - lows['hoyer_sparseness_test']:.3f} on their scale of 0 to 1.")
    else:
        saturate = (f"With a penalty they rise (population sparseness from {lows['population_sparseness_test']:.3f}, "
                    f"Hoyer from {lows['hoyer_sparseness_test']:.3f}) and still separate the runs.")
    lam = SPARSEST_LAMS[0]
    record = run_at(records, lam, "runs")
    lifetime = record["lifetime_sparseness_test"]
    n_digits = int(record["n_test"])
    class_lifetime = (1 - 1 / CLASSES) / (1 - 1 / int(record["n_test"]))  # a unit firing, equally, on a tenth of the digits
    carrier_rates = [float(np.median(np.asarray(run["firing_rates_test"])[carrying_units(run["firing_rates_test"])]))
                     for run in _group_at(groups, lam, "runs")]
    alive_rates = [_median_alive_rate(run, "firing_rates_test") for run in _group_at(groups, lam, "runs")]
    lifetime_sentence = (
        f"Population sparseness asks how few units one digit uses; lifetime sparseness asks to how few digits one "
        f"unit answers. A code of grandmother cells, one per class, would be as sparse as can be across the "
        f"population, but a unit answering to one class of ten fires on a tenth of the digits: a lifetime sparseness "
        f"of about {class_lifetime:.2f}. At {_lam(lam)} the mean living unit scores "
        f"{spread_text(record, 'lifetime_sparseness_test', lambda v: f'{v:.3f}')}, "
        + (f"sparser than a class detector. It is an average over the living units, and most of them fire on "
           f"only a handful of digits (the median one on about {float(np.mean(alive_rates)) * n_digits:.2g} of the "
           f"{n_digits:,}), while the units that carry {_pct(CARRYING_SHARE)} of the firing fire on a median "
           f"{_pct(float(np.mean(carrier_rates)), 1)} of the digits"
           + (", close to a class's tenth." if abs(math.log(float(np.mean(carrier_rates)) * CLASSES)) <= math.log(1.5)
              else ".")
           if lifetime > class_lifetime else
           "no sparser than a class detector."))
    return {"effective_units_0": effective, "hoyer_equal_0": equal_hoyer, "graded_saturate": crowd,
            "class_detector_lifetime": class_lifetime, "lifetime_at_sparsest": lifetime,
            "carrier_rate_at_sparsest": float(np.mean(carrier_rates)),
            "graded_sentence": graded, "saturate_sentence": saturate, "lifetime_sentence": lifetime_sentence}


# --- the weights that read the code --------------------------------------------------------------

def busy_readout_norm(run: dict) -> float:
    """The readout norm of ``run``'s units weighted by how often each fires on the test digits.

    Each hidden unit's readout norm is the norm of its 10 outgoing weights
    (``readout_unit_norms``); weighting by ``firing_rates_test`` gives the norm through
    which the code is read, digit by digit.
    """
    norms = np.asarray(run["readout_unit_norms"], dtype=float)
    rates = np.asarray(run["firing_rates_test"], dtype=float)
    if norms.shape != rates.shape or norms.ndim != 1:
        raise ValueError(f"readout_unit_norms and firing_rates_test must list the same units, got {norms.shape} "
                         f"and {rates.shape}")
    return float((norms * rates).sum() / rates.sum()) if rates.sum() > 0 else float("nan")


def _with_busy_norm(runs: list[dict]) -> list[dict]:
    """Run records with ``busy_readout_norm`` and ``readout_norm_max`` as number fields (for mean_records)."""
    return [dict(run, busy_readout_norm=busy_readout_norm(run), readout_norm_max=run["readout_norms"]["max"])
            for run in runs]


def readout_findings(runs, bounded, bound: float = READOUT_MAX_NORM) -> dict:
    """The readout weights against λ, and the runs whose readout is held at bounded norm.

    Parameters
    ----------
    runs : list of dict
        The records of ``results/mlp.json`` (one or more seeds per λ), with
        ``readout_unit_norms`` and ``firing_rates_test``.
    bounded : list of dict
        The records of ``results/mlp_bounded.json``: the same network with each hidden unit's
        readout held at norm <= ``bound``, at one λ that ``runs`` also holds.
    bound : float
        The bound those runs were trained with (``sweep.READOUT_MAX_NORM``).

    Returns
    -------
    dict
        Numbers and whole sentences: how the readout norms, the value of an active unit and
        the code's L1 norm move with λ, and how the bounded runs compare with the free ones.
    """
    fields = READOUT_FIELDS + ("readout_unit_norms", "firing_rates_test")
    _check_seeded(runs, fields, "runs")
    _check_seeded(bounded, fields, "bounded", grid=False)
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not bound > 0:
        raise ValueError(f"bound must be a number > 0, got {bound!r}")
    over = [run["readout_norms"]["max"] for run in bounded if run["readout_norms"]["max"] > bound * (1 + 1e-4)]
    if over:
        raise ValueError(f"bounded runs must keep every readout norm <= bound = {bound:g}, got a largest of {max(over):g}")
    _, records = _check_seeded(_with_busy_norm(runs), fields, "runs")
    _, bounded_records = _check_seeded(_with_busy_norm(bounded), fields, "bounded", grid=False)
    if len(bounded_records) != 1:
        raise ValueError(f"bounded must hold runs at one λ, got λ = {[r['lam'] for r in bounded_records]}")
    free = run_at(records, bounded_records[0]["lam"], "runs")
    out = {"bounded_lam": free["lam"], "bounded_lam_text": format_lam(free["lam"]), "bound": float(bound),
           "bound_text": f"{bound:g}"}
    out.update(_readout_trend(records))
    out.update(_bounded(free, bounded_records[0], float(bound)))
    out.update(_bounded_on_the_plane(records, bounded_records[0]))
    effect = {-1: "sparser", 1: "denser", 0: "as sparse (within the seeds' spread)"}[out["bounded_avr_move"]]
    cost = {-1: "less accurate", 1: "more accurate", 0: "as accurate (within the seeds' spread)"}[out["bounded_accuracy_move"]]
    out["lesson_readout_sentence"] = (
        "An L1 penalty on activations means something only when the weights that read them are bounded: left free, "
        + (f"the readout norms of the busy units grow {out['readout_growth']:.0f}-fold with λ while the active values "
           "shrink" if out["readout_grows"] else "the readout norms could grow, although in our runs they did not")
        + f"; with them held at norm ≤ {bound:g}, the network at {_lam(free['lam'])} is {cost} and its code {effect}.")
    return out


def _readout_trend(records: list[dict]) -> dict:
    """From λ = 0 to the largest λ: the readout norms, the value of an active unit, and the code's L1 norm split."""
    base, last = records[0], records[-1]
    phrase, moves = _spread_trend(records, "busy_readout_norm", lambda v: f"{v:.2f}")
    grows = _move(base, last, "busy_readout_norm") > 0
    norms = (f"Weighted by how often each unit fires, the readout norm {phrase} ({seeds_text(last)}); the largest "
             f"readout norm of any unit goes from {base['readout_norm_max']:.2f} at λ = 0 to "
             f"{last['readout_norm_max']:.1f} at {_lam(last['lam'])}.")
    shrinks = _move(base, last, "mean_active_value_test") < 0
    two = lambda v: f"{v:.2f}"  # noqa: E731
    values = (f"Meanwhile the mean value of an active unit goes from {spread_text(base, 'mean_active_value_test', two)} "
              f"to {spread_text(last, 'mean_active_value_test', two)}")
    values += (": the penalised networks read smaller activations through larger weights, the rescaling that a norm "
               "bound forbids, taken part of the way." if grows and shrinks else ".")
    l1_cut = base["code_l1_test"] / last["code_l1_test"]
    count_cut = base["avr_test"] / last["avr_test"]
    value_cut = base["mean_active_value_test"] / last["mean_active_value_test"]
    split = (f"The code's L1 norm per test digit, which the penalty charges, falls from {base['code_l1_test']:.0f} at "
             f"λ = 0 to {last['code_l1_test']:.2f} at {_lam(last['lam'])}, a factor {l1_cut:.0f}. It is the number "
             f"of active units times the mean value of one: the count falls by a factor {count_cut:.0f}, the value "
             f"by {value_cut:.1f}.")
    split += (" Most of the penalty is paid by switching units off, not by shrinking their values."
              if count_cut > value_cut else " Most of the penalty is paid by shrinking values, not by switching units off.")
    return {"busy_readout_norm_0": base["busy_readout_norm"], "busy_readout_norm_last": last["busy_readout_norm"],
            "readout_growth": last["busy_readout_norm"] / base["busy_readout_norm"], "readout_grows": grows,
            "active_value_shrinks": shrinks, "readout_rises_every_step": all(m > 0 for m in moves),
            "l1_cut": l1_cut, "count_cut": count_cut, "value_cut": value_cut, "off_pays_most": count_cut > value_cut,
            "readout_trend_sentence": norms, "active_value_sentence": values, "l1_split_sentence": split}


def _bounded(free: dict, bounded: dict, bound: float) -> dict:
    """The bounded-readout runs against the free ones at the same λ."""
    def compare(key, write, what):
        move = _move(free, bounded, key)
        pair = f"{spread_text(bounded, key, write)} against {spread_text(free, key, write)}"
        word = {1: "higher", -1: "lower", 0: "the same within the seeds' spread"}[move]
        return move, f"{what} {pair}, {word}"

    accuracy_move, accuracy = compare("test_accuracy", _acc, "a test accuracy of")
    avr_move, avr = compare("avr_test", _units, "an AVR of")
    l1_move, l1 = compare("code_l1_test", lambda v: f"{v:.2f}", "a code L1 norm of")
    value_move, value = compare("mean_active_value_test", lambda v: f"{v:.2f}", "a mean active value of")
    sentence = (f"Against the free network at the same λ ({seeds_text(bounded)} each), the bounded one has {accuracy}; "
                f"{avr}; {l1}; and {value}. Its largest readout norm is {max(_range(bounded, 'readout_norm_max')):.3f} "
                f"(the bound is {bound:g}), against {free['readout_norm_max']:.1f} in the free runs.")
    if avr_move < 0:
        verdict = ("Bounding the readout makes the code sparser at the same λ: without the escape of larger readout "
                   "weights, the penalty is paid by switching more units off.")
    elif avr_move > 0:
        verdict = (f"Bounding the readout does not make the penalty bite harder: at the same λ the code is "
                   f"{bounded['avr_test'] / free['avr_test']:.1f} times denser. Where the readout is free, the same "
                   f"λ leaves {_units(free['avr_test'])} active units, read through weights of norm "
                   f"{free['busy_readout_norm']:.1f} on average (weighted by firing), "
                   f"{free['busy_readout_norm'] / bound:.1f} times the bound: the value of λ alone does not say how "
                   "much the penalty costs a network whose readout can grow.")
    else:
        verdict = ("Bounding the readout leaves the number of active units where it was, within the seeds' spread: "
                   "at this λ the sparsity of the free runs does not rest on their growing readout weights.")
    return {"bounded_accuracy_move": accuracy_move, "bounded_avr_move": avr_move, "bounded_l1_move": l1_move,
            "bounded_value_move": value_move, "bounded_accuracy": bounded["test_accuracy"],
            "bounded_avr": bounded["avr_test"], "bounded_code_l1": bounded["code_l1_test"],
            "bounded_readout_max": max(_range(bounded, "readout_norm_max")),
            "bounded_sentence": sentence, "bounded_verdict_sentence": verdict}


def _bounded_on_the_plane(records: list[dict], bounded: dict) -> dict:
    """Where the bounded runs sit among the free ones on the accuracy-against-activity plane."""
    def beats(a, b):  # a more accurate and sparser than b, beyond the seeds' spread
        return _move(b, a, "test_accuracy") > 0 and _move(b, a, "avr_test") < 0

    beaten_by = [r["lam"] for r in records if beats(r, bounded)]
    beats_free = [r["lam"] for r in records if beats(bounded, r)]
    base = records[0]
    if beaten_by:
        place = (f"On the plane of accuracy against activity, the free network at "
                 f"{_and([_lam(lam) for lam in beaten_by])} is both more accurate and sparser than the bounded one.")
    elif beats_free:
        place = (f"On the plane of accuracy against activity, the bounded network is both more accurate and sparser "
                 f"than the free one at {_and([_lam(lam) for lam in beats_free])}.")
    else:
        place = ("On the plane of accuracy against activity, no free run is both more accurate and sparser than the "
                 "bounded one, nor both less accurate and denser.")
    # the free runs on either side of the bounded AVR, and their segment (straight on the figure's log axis)
    by_avr = sorted(records, key=lambda r: r["avr_test"])
    sides = [(low, high) for low, high in zip(by_avr, by_avr[1:]) if low["avr_test"] <= bounded["avr_test"] <= high["avr_test"]]
    segment = None
    if sides:
        low, high = sides[0]
        t = math.log(bounded["avr_test"] / low["avr_test"]) / math.log(high["avr_test"] / low["avr_test"])
        segment = low["test_accuracy"] + t * (high["test_accuracy"] - low["test_accuracy"])
        lowest, highest = _range(bounded, "test_accuracy")
        where = "above" if lowest > segment else "below" if highest < segment else "on"
        place += (f" In the figure it lies {where} the segment joining the free runs on either side of its activity, "
                  f"{_lam(low['lam'])} and {format_lam(high['lam'])}, which passes at {_acc(segment)} there; no free "
                  "run was trained at that activity.")
    if _move(base, bounded, "test_accuracy") == 0 and bounded["avr_test"] < base["avr_test"]:
        place += (f" Its accuracy lies within the seeds' spread of the unpenalised network's "
                  f"({spread_text(base, 'test_accuracy', _acc)}), with {base['avr_test'] / bounded['avr_test']:.0f} "
                  "times fewer active units.")
    return {"bounded_beaten_by": beaten_by, "bounded_beats": beats_free, "free_segment_accuracy": segment,
            "bounded_as_accurate_as_unpenalised": _move(base, bounded, "test_accuracy") == 0,
            "bounded_plane_sentence": place}


# --- the small live run ------------------------------------------------------------------------

def weight_change(initial, trained) -> float:
    """How far trained weights moved from their random start: ``‖trained − initial‖ / ‖initial‖``."""
    initial, trained = np.asarray(initial, dtype=float), np.asarray(trained, dtype=float)
    if initial.shape != trained.shape or initial.size == 0:
        raise ValueError(f"initial and trained must be weights of the same non-empty shape, got {initial.shape} "
                         f"and {trained.shape}")
    norm = np.linalg.norm(initial)
    if norm == 0:
        raise ValueError("initial weights are all zero: a change relative to them is undefined")
    return float(np.linalg.norm(trained - initial) / norm)


def demo_findings(runs, weight_changes=None) -> dict:
    """What the chapter's small live run shows, in sentences about that run only.

    ``runs``: the records returned by ``sweep("mlp", ..., grid=..., steps=..., digits=...)``,
    any λ (one run or more). ``weight_changes``: optional ``{λ: change}`` of the input weights
    the slider draws (:func:`weight_change`), described in ``demo_weights_sentence``.
    """
    runs = _check_runs(runs, RUN_FIELDS + ("n_train", "steps"), "runs", grid=False)
    lams = [run["lam"] for run in runs]
    avr = [run["avr_test"] for run in runs]
    acc = [run["test_accuracy"] for run in runs]
    dead = [int(run["dead_units_test"] if "dead_units_test" in run else run["dead_units"]) for run in runs]
    setting = f"{runs[0]['steps']:,} steps on {runs[0]['n_train']:,} digits"
    out = {}
    if weight_changes is not None:
        if not isinstance(weight_changes, dict) or set(weight_changes) != set(lams):
            raise ValueError(f"weight_changes must map each λ of the runs {lams} to a change, got {weight_changes!r}")
        changes = [weight_changes[lam] for lam in lams]
        moved = _and([f"{_pct(c)} at {_lam(lam)}" for lam, c in zip(lams, changes)])
        larger = changes[-1] > changes[0]
        out = {"demo_weight_changes": changes,
               "demo_weights_sentence": (
                   f"In this small run the input weights drawn moved from their random start by {moved} (the norm of "
                   "the change over the norm of the start)"
                   + (": the penalised units moved further, so look for stroke-like shapes at the largest λ and for "
                      "speckle, the random start, without a penalty." if larger and len(lams) > 1 else
                      ": look for how much of the random start's speckle is left at each λ."))}
    if len(runs) == 1:
        sentence = (f"In this small run ({setting}), at {_lam(lams[0])}, {_units(avr[0])} units are active per "
                    f"test digit on average, the test accuracy is {acc[0]:.4f}, and {dead[0]:,} of its "
                    f"{int(runs[0]['units'])} units never fire on any of its test digits.")
        return {**out, "demo_avr_falls": False, "demo_accuracy_change_points": 0.0, "demo_dead_largest_lam": dead[0],
                "demo_sentence": sentence}
    activity = (f"In this small run ({setting}), the average number of active units per test digit "
                f"{_plain_trend(lams, avr, _units)}.")
    accuracy = f"Its test accuracy {_plain_trend(lams, acc, lambda a: f'{a:.4f}')}."
    if dead[-1] > 0:
        silent = (f"At {_lam(lams[-1])}, {dead[-1]:,} of its {int(runs[-1]['units'])} units never fire on any of "
                  f"its test digits ({dead[0]:,} at {_lam(lams[0])}).")
    else:
        silent = f"Even at {_lam(lams[-1])}, every unit fires on some of its test digits."
    return {**out, "demo_avr_falls": avr[-1] < avr[0], "demo_accuracy_change_points": 100 * (acc[-1] - acc[0]),
            "demo_dead_largest_lam": dead[-1], "demo_sentence": f"{activity} {accuracy} {silent}"}


# --- the page's tables ------------------------------------------------------------------------

_ADVICE = "pass the runs of results/mlp.json or of sweep('mlp', ...)"


def _seed_range(record: dict, key: str, kind: str) -> str:
    """``lowest–highest`` of ``key`` over a merged record's seeds: ``98.11–98.40 %``, ``6.18–6.19``."""
    from ..tables import format_number

    low, high = _range(record, key)
    if kind == "accuracy":
        return f"{100 * low:.2f}–{100 * high:.2f} %"
    return f"{format_number(low)}–{format_number(high)}"


def grid_table(runs, caption: str | None = None):
    """The runs, one row per λ (the mean of its seeds): test accuracy, AVR and dead units (test digits).

    Where a λ has several seeds, two columns give the range of the seeds (lowest–highest).
    Returns a :func:`sparsebook.tables.table`.
    """
    from ..tables import table

    records = mean_records(check_records(runs, RUN_FIELDS, "runs", advice=_ADVICE))
    several = any(len(record["seeds"]) > 1 for record in records)
    rows = [{**record, "dead": record.get("dead_units_test", record["dead_units"]),
             "accuracy_range": _seed_range(record, "test_accuracy", "accuracy"),
             "avr_range": _seed_range(record, "avr_test", "number")} for record in records]
    columns = {"lam": ("λ", "lam"), "test_accuracy": ("accuracy", "accuracy"),
               "accuracy_range": ("accuracy range", "text"),
               "avr_test": ("AVR", "number"), "avr_range": ("AVR range", "text"),
               "dead": ("dead units", _mean_count)}
    if not several:
        columns = {key: spec for key, spec in columns.items() if not key.endswith("_range")}
    return table(rows, columns, caption)


def source_table(runs, source, caption: str | None = None):
    """The source's published table next to ours, one row per λ, AVR on a training batch in both."""
    from ..tables import table

    ours = {record["lam"]: record
            for record in mean_records(check_records(runs, RUN_FIELDS, "runs", advice=_ADVICE))}
    rows = []
    for run in _check_runs(source, SOURCE_FIELDS, "source"):
        mine = ours.get(run["lam"], {})
        rows.append({"lam": run["lam"], "source_accuracy": run["test_accuracy"],
                     "source_avr": run["avr_train_batch"],
                     "accuracy": mine.get("test_accuracy"), "avr": mine.get("avr_train_batch")})
    return table(rows, {"lam": ("λ", "lam"), "source_accuracy": ("accuracy, source", "accuracy"),
                        "accuracy": ("accuracy, ours", "accuracy"),
                        "source_avr": ("AVR, source", "number"),
                        "avr": ("AVR, ours", "number")}, caption)


SPARSENESS_FIELDS = ("lam", "avr_test", "activity_ratio_test", "population_sparseness_test",
                     "lifetime_sparseness_test", "hoyer_sparseness_test")


def sparseness_table(runs, caption: str | None = None):
    """Counting and graded sparseness, one row per λ (the mean of its seeds)."""
    from ..tables import table

    records = mean_records(check_records(runs, SPARSENESS_FIELDS, "runs", advice=_ADVICE))
    return table(records, {"lam": ("λ", "lam"), "avr_test": ("AVR (test)", "number"),
                           "activity_ratio_test": ("activity ratio", "number"),
                           "population_sparseness_test": ("population", "number"),
                           "lifetime_sparseness_test": ("lifetime", "number"),
                           "hoyer_sparseness_test": ("Hoyer", "number")}, caption)


# --- the receptive fields of the full-size runs (study mlp_receptive_fields) --------------------

FIELDS_SHOWN = 18  #: The busiest units whose input weights the chapter draws, per λ.


def receptive_field_findings(study: dict, runs, weight_changes=None, weights=None) -> dict:
    """What the input weights of the runs trained again for them show, and how those runs
    compare with the committed ones of seed 0.

    ``study``: the summary of study ``mlp_receptive_fields``; ``runs``: ``results/mlp.json``.
    ``rf_runs_sentence`` says how close the two trainings of each λ came (they share code,
    data, seed and steps). ``weight_changes``: optional ``{λ: change}`` of the weights drawn
    from their random start (:func:`weight_change`), described in ``rf_change_sentence``.
    ``weights``: optional (λ, unit, pixel) input weights of the units drawn, in the study's
    order of λ; ``rf_sign_sentence`` says how much of their absolute sum is negative.
    """
    committed = {run["lam"]: run for run in runs if run.get("seed", 0) == 0}
    rows = []
    for run in study["runs"]:
        if run["lam"] not in committed:
            raise ValueError(f"results/mlp.json has no run of seed 0 at λ = {run['lam']:g}")
        rows.append((run, committed[run["lam"]]))
    lams = [run["lam"] for run, _ in rows]
    keys = ("test_accuracy", "avr_test", "dead_units_test")
    accuracy_gap = max(abs(a["test_accuracy"] - b["test_accuracy"]) for a, b in rows)
    avr_gap = max(abs(a["avr_test"] - b["avr_test"]) / b["avr_test"] for a, b in rows)
    trained = (f"The weights come from runs trained again for them by the same sweep code, seed "
               f"and {rows[0][0]['steps']:,} steps as the committed runs of seed 0")
    if all(a[key] == b[key] for a, b in rows for key in keys):
        trained += (": they reproduce those runs exactly, with the same test accuracy, AVR and "
                    "dead units at every λ.")
    else:
        trained += "; they reached " + _and([
            f"{_acc(a['test_accuracy'])} and AVR {a['avr_test']:.2f} at {_lam(a['lam'])} "
            f"(committed: {_acc(b['test_accuracy'])}, {b['avr_test']:.2f})" for a, b in rows]) + "."
    out = {"rf_lams": lams, "rf_units": int(study["n_units_kept"]), "rf_shown": FIELDS_SHOWN,
           "rf_accuracy_gap_points": 100 * accuracy_gap, "rf_avr_gap_pct": 100 * avr_gap,
           "rf_lams_text": _and([format_lam(lam) for lam in lams]), "rf_runs_sentence": trained}
    if weight_changes is not None:
        if not isinstance(weight_changes, dict) or set(weight_changes) != set(lams):
            raise ValueError(f"weight_changes must map each λ of the study {lams} to a change, "
                             f"got {weight_changes!r}")
        changes = [weight_changes[lam] for lam in lams]
        out.update(rf_weight_changes=changes, rf_change_sentence=(
            "From their random start (the same at every λ), the weights drawn moved by "
            + _and([f"{_pct(c)} at {_lam(lam)}" for lam, c in zip(lams, changes)])
            + " (the norm of the change over the norm of the start)."))
    if weights is not None:
        out.update(_signs(lams, weights))
    return out


def _signs(lams: list, weights) -> dict:
    """How much of the absolute sum of each λ's weights is negative, in a sentence."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 3 or len(weights) != len(lams):
        raise ValueError(f"weights must be (λ, unit, pixel) for the {len(lams)} λ of the study, "
                         f"got shape {weights.shape}")
    shares = [float(np.clip(-w, 0, None).sum() / np.abs(w).sum()) for w in weights]

    def sign(share):
        return ("about as much negative as positive" if 0.4 <= share <= 0.6
                else "mostly negative" if share > 0.6 else "mostly positive")

    first = (f"At {_lam(lams[0])} the weights drawn are {sign(shares[0])} ({_pct(shares[0])} of "
             "their absolute sum is negative)")
    rest = [f"at {_lam(lam)} {sign(share)} ({_pct(share)})" for lam, share in zip(lams[1:], shares[1:])]
    penalised = [share for lam, share in zip(lams, shares) if lam > 0]
    if penalised and all(share > 0.6 for share in penalised):
        verdict = ("The penalised units are no templates of a digit drawn in red: most of their "
                   "weight is negative, so ink on their blue frame and strokes pushes them towards "
                   "silence.")
    else:
        verdict = ("The penalised units' weights are not mostly negative at every λ: where their red "
                   "pixels lie says what switches them on.")
    return {"rf_negative_shares": shares,
            "rf_sign_sentence": first + ("; " + _and(rest) if rest else "") + ".",
            "rf_sign_verdict_sentence": verdict}
