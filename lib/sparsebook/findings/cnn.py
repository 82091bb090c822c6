"""What the sparse CNN chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs (``results/cnn.json``) next to the
source's table and the fully connected network's runs (``results/mlp.json``, several seeds per λ,
merged by :func:`~sparsebook.findings.mean_records`); :func:`bounded_readout` compares the run with
each unit's readout held at bounded norm (``results/cnn_bounded.json``) with the free run at the
same λ; :func:`demo_findings` describes the chapter's small live run, built with :func:`demo_record`.
Every sentence whose truth depends on a comparison is written here, whole, from the numbers.

A unit is *dead* when it is non-zero on none of the test digits (the book's definition); a map
is dead when every one of its units is. Where a λ has several seeds (``cnn`` has two at λ = 1e-4),
the maps are counted seed by seed before the seeds are averaged (two seeds' maps are not the same maps).
"""

from __future__ import annotations

import numpy as np

from ..plots import format_lam
from . import check_records, check_runs, count_text as _count, mean_records, run_at, seeds_text, spread_text, trend as _trend
from ..reference import SOURCE_2016_SETUP

RUN_FIELDS = ("lam", "test_accuracy", "avr_test", "avr_train_batch", "units", "dead_units_test",
              "map_firing_rates_test", "n_train", "n_test")
BOUNDED_FIELDS = RUN_FIELDS + ("readout_norms",)
SOURCE_FIELDS = ("lam", "test_accuracy", "avr_train_batch")
MLP_FIELDS = ("lam", "test_accuracy", "avr_test")
DEMO_FIELDS = ("lam", "steps", "n_train", "n_test", "test_accuracy", "avr_test", "units", "silent_maps")

CLOSE_TO_SOURCE_POINTS = 1.0  #: Test accuracies this close (percentage points) to the source's "lie close".
SAME_ACCURACY_POINTS = 0.5  #: Two networks this close in test accuracy are "about equally accurate".
SAME_ACTIVITY_PERCENT = 10.0  #: Two AVRs closer than this (relative, %) are "about as many" units.
SAME_CUT_RATIO = 1.25  #: Two reductions of activity within this factor of each other are "about as large".
EXAMPLE_LAM = 1e-4  #: The λ whose numbers illustrate the comparison with the fully connected network.
ACTIVITY_SHARE = 0.9  #: The share of the activity whose carrying maps the chapter counts.
SAME_SPARSITY_RATIO = 1.25  #: Two AVRs within this factor of each other count as "about as sparse" (one seed each).
AT_BOUND = 0.95  #: A readout norm at least this share of its bound "sits at the bound".


# --- how numbers are written -----------------------------------------------------------------

def _lam(lam: float) -> str:
    return f"λ = {format_lam(lam)}"


def _units(avr: float) -> str:
    """An average number of active units: ``4,867``, ``140``, ``42.8``, ``2.83``."""
    return f"{avr:,.0f}" if avr >= 100 else f"{avr:#.3g}"


def _monotone(values, direction: str) -> bool:
    """Whether every step of ``values`` goes strictly in ``direction`` ("rises" or "falls")."""
    steps = np.diff(np.asarray(values, dtype=float))
    return bool(np.all(steps > 0) if direction == "rises" else np.all(steps < 0))


def dead_maps(run: dict) -> int:
    """The maps of ``run`` none of whose units is non-zero on any test digit (``map_firing_rates_test`` == 0)."""
    rates = np.asarray(run["map_firing_rates_test"], dtype=float)
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError("the run's map_firing_rates_test must be a non-empty list (one rate per map)")
    return int((rates == 0).sum())


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


def _merged(runs):
    """Runs of several seeds per λ merged into one record per λ (mean, with ``seeds`` and ``spread``)."""
    if isinstance(runs, (list, tuple)) and runs and all(isinstance(r, dict) and "lam" in r for r in runs):
        return mean_records(runs)
    return runs  # check_runs says what is wrong with them


def merged_cnn(runs):
    """CNN runs merged to one record per λ (:func:`~sparsebook.findings.mean_records`), with the dead maps
    (``dead_maps_test``) and the maps carrying :data:`ACTIVITY_SHARE` of the activity (``maps_90_test``)
    counted in each seed first, so that their mean and range are over seeds."""
    if not (isinstance(runs, (list, tuple)) and runs and all(isinstance(r, dict) and "lam" in r for r in runs)):
        return runs  # check_runs says what is wrong with them
    counted = [dict(run, dead_maps_test=dead_maps(run), maps_90_test=maps_carrying(run["map_firing_rates_test"]))
               if "map_firing_rates_test" in run else run for run in runs]
    return mean_records(counted)


def _num(value: float):
    """A count as an int, a mean of counts over seeds as it is (``37190``, ``37110.5``)."""
    return int(value) if float(value).is_integer() else float(value)


def _n(value: float) -> str:
    """A count, or a mean of counts over seeds: ``37,190``, ``37,110.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _at(runs: list[dict], lam: float) -> list[dict]:
    """The raw runs (one per seed) at ``lam``, sorted by seed."""
    return sorted((run for run in runs if np.isclose(run["lam"], lam, rtol=1e-9, atol=0)),
                  key=lambda run: run.get("seed", 0))


def _spread(record: dict, key: str, write) -> str:
    """A CNN value: as it is for one seed (the page says the CNN's runs are one seed each), with its
    range for several (:func:`~sparsebook.findings.spread_text`)."""
    return spread_text(record, key, write) if _seeds_of(record) > 1 else write(record[key])


def _seeds_of(record: dict) -> int:
    return len(record.get("seeds", [record.get("seed", 0)]))


def _low(record: dict, key: str) -> float:
    """The lowest seed's value of ``key`` (the value itself for one seed)."""
    return record.get("spread", {}).get(key, {}).get("min", record[key])


def _high(record: dict, key: str) -> float:
    """The highest seed's value of ``key`` (the value itself for one seed)."""
    return record.get("spread", {}).get(key, {}).get("max", record[key])


def _parts(counts: list[tuple[int, str]], n: int, what: str) -> str:
    """``higher at 2, lower at 1 and within ... at 1 of the 4 λ``: the non-zero counts of a split of ``n``."""
    shown = [(k, text) for k, text in counts if k]
    if len(shown) == 1:
        k, text = shown[0]
        return f"{text} {_count(k, n, what)}"
    items = [f"{text} at {k}" for k, text in shown]
    return ", ".join(items[:-1]) + f" and {items[-1]} of the {n} {what}"


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
        The records of ``results/mlp.json``, with at least the CNN's λ; several seeds per λ are
        merged by :func:`~sparsebook.findings.mean_records` (the sentences give their range).

    Returns
    -------
    dict
        Numbers and whole sentences (str), keyed by the names the page glues them under.
    """
    raw = runs
    runs = _check_runs(merged_cnn(runs), RUN_FIELDS, "runs")
    source = _check_runs(source, SOURCE_FIELDS, "source")
    mlp_runs = _check_runs(_merged(mlp_runs), MLP_FIELDS, "mlp_runs")
    lams = [run["lam"] for run in runs]
    if lams != [run["lam"] for run in source]:
        raise ValueError(f"runs and source must share their λ grid, got {lams} and {[r['lam'] for r in source]}")
    for lam in lams:
        run_at(mlp_runs, lam, "mlp_runs")
    run_at(runs, EXAMPLE_LAM, "runs")
    base, first, largest = runs[0], runs[1], runs[-1]
    units, maps = int(base["units"]), len(base["map_firing_rates_test"])
    positions = units // maps
    out = {
        "units": units, "maps": maps, "positions": positions,
        "n_train": int(base["n_train"]), "n_test": int(base["n_test"]),
        "n_digits": int(base["n_train"] + base["n_test"]), "steps": int(base.get("steps", 0)),
        "train_seconds_mean": float(np.mean([run.get("train_seconds", np.nan) for run in raw])),
        "train_runs": len(raw),
        "device": " and ".join(sorted({str(run.get("device", "an unrecorded device")) for run in raw})),
        "first_lam": format_lam(first["lam"]), "largest_lam": format_lam(largest["lam"]),
        "example_lam": format_lam(EXAMPLE_LAM), "mlp_seeds": len(mlp_runs[0].get("seeds", [0])),
        "lam_convention": str(base.get("lam_convention", "batch_sum")),
    }
    for name, run, src in (("0", base, source[0]), ("first", first, source[1]),
                           ("largest", largest, source[-1])):
        out.update({f"acc_{name}": run["test_accuracy"], f"avr_{name}": run["avr_test"],
                    f"batch_avr_{name}": run["avr_train_batch"], f"pct_{name}": 100 * run["avr_test"] / units,
                    f"per_position_{name}": run["avr_test"] / positions,
                    f"dead_maps_{name}": _num(run["dead_maps_test"]),
                    f"dead_units_{name}": _num(run["dead_units_test"]), f"maps_90_{name}": _num(run["maps_90_test"]),
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
    out.update(_dead_units(runs))
    out.update(_seeds(runs, mlp_runs))
    out.update(_lessons(out, runs))
    return out


def _source_gaps(runs: list[dict], source: list[dict]) -> dict:
    """Our test accuracies against the source's, λ by λ."""
    gaps = [100 * (a["test_accuracy"] - b["test_accuracy"]) for a, b in zip(runs, source)]
    # where a λ has several seeds, each seed is held to the same test: its farthest seed sets the gap
    lows = [100 * (_low(a, "test_accuracy") - b["test_accuracy"]) for a, b in zip(runs, source)]
    highs = [100 * (_high(a, "test_accuracy") - b["test_accuracy"]) for a, b in zip(runs, source)]
    widest = [max(abs(lo), abs(hi)) for lo, hi in zip(lows, highs)]
    n = len(gaps)
    close = [i for i, g in enumerate(widest) if g <= CLOSE_TO_SOURCE_POINTS]
    far = [i for i in range(n) if i not in close]
    if close:
        below = sum(highs[i] < 0 for i in close)
        straddle = sum(lows[i] < 0 < highs[i] for i in close)  # one seed below the source's, another above
        where = "at every λ of the grid" if not far else _count(len(close), n, "λ")
        which = ("at each of them" if below == len(close) else "at none of them" if below == 0
                 else f"at {below} of them")
        seeds = "every seed counted; " if any(_seeds_of(runs[i]) > 1 for i in close) else ""
        head = (f"Our test accuracies lie within {CLOSE_TO_SOURCE_POINTS:g} percentage point of the source's "
                f"{where} ({seeds}at most {max(widest[i] for i in close):.2f} points apart; ours below the "
                f"source's {which})")
        if straddle:
            head = head[:-1] + f", on both sides of it at {straddle})"
    else:
        head = (f"Our test accuracies differ from the source's by more than {CLOSE_TO_SOURCE_POINTS:g} percentage "
                "point at every λ of the grid")
    details = [f"at {_lam(runs[i]['lam'])} ours is {abs(gaps[i]):.2f} points "
               f"{'higher' if gaps[i] > 0 else 'lower'}{' on average' if _seeds_of(runs[i]) > 1 else ''} "
               f"({_spread(runs[i], 'test_accuracy', lambda v: f'{v:.4f}')} against "
               f"{source[i]['test_accuracy']:.4f})" for i in far]
    sentence = head + ("; " + " and ".join(details) if details else "") + "."
    return {"accuracy_close_to_source": len(close), "accuracy_far_from_source_lams": [runs[i]["lam"] for i in far],
            "max_close_gap_points": max((widest[i] for i in close), default=float("nan")),
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
        verdict = ("neither run is better on both counts: ours is the "
                   f"{'more accurate and the denser' if acc > src_acc else 'sparser and the less accurate'}")
    elif acc > src_acc and avr < src_avr:
        verdict = "ours is better on both counts"
    elif acc < src_acc and avr > src_avr:
        verdict = "ours is worse on both counts"
    else:
        verdict = "the two runs differ on one count only"
    sentence = (f"At the largest λ, {format_lam(ours['lam'])}, our run (one seed) is {accurate} than the source's "
                f"({acc:.4f} against {src_acc:.4f}) and {sparse} ({_units(avr)} against {_units(src_avr)} active "
                f"units on a training batch); {verdict}.")
    return {"largest_more_accurate_than_source": acc > src_acc, "largest_sparser_than_source": avr < src_avr,
            "largest_lam_sentence": sentence}


def _first_cut(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """How much the smallest λ > 0 lowers the activity, in the CNN and in the fully connected network."""
    cnn0, cnn1 = runs[0], runs[1]
    mlp0, mlp1 = mlp_runs[0], run_at(mlp_runs, cnn1["lam"], "mlp_runs")
    denser = cnn0["avr_test"] > mlp0["avr_test"]
    size = (f"; it has {cnn0['units'] / mlp0['units']:.0f} times more units"
            if mlp0.get("units") and cnn0["units"] > mlp0["units"] else "")
    start = (f"Without a penalty the convolutional code is the {'denser' if denser else 'sparser'} of the two, "
             f"{_units(cnn0['avr_test'])} active units per test digit against "
             f"{spread_text(mlp0, 'avr_test', _units)}{size}.")
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
    numbers = (f"{cnn:.4f} for the CNN (one seed), "
               f"{spread_text(mlp_runs[0], 'test_accuracy', lambda v: f'{v:.4f}')} fully connected")
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
    # fewer units, higher or lower accuracy: only where the CNN's run lies outside the seeds' range
    # (and outside the CNN's own seeds' range where it has several)
    fewer = sum(_low(c, "avr_test") > _high(m, "avr_test") for c, m in pairs)
    higher = sum(_low(m, "test_accuracy") > _high(c, "test_accuracy") for c, m in pairs)
    lower = sum(_high(m, "test_accuracy") < _low(c, "test_accuracy") for c, m in pairs)
    example_cnn, example_mlp = (run_at(runs, EXAMPLE_LAM, "runs"), run_at(mlp_runs, EXAMPLE_LAM, "mlp_runs"))
    example = (f"{spread_text(example_mlp, 'avr_test', _units)} active units for "
               f"{spread_text(example_mlp, 'test_accuracy', lambda v: f'{v:.4f}')} at {_lam(EXAMPLE_LAM)}, where "
               f"the CNN has {_spread(example_cnn, 'avr_test', _units)} for "
               f"{_spread(example_cnn, 'test_accuracy', lambda v: f'{v:.4f}')}")
    within = ("within the seeds' range" if any(_seeds_of(m) > 1 or _seeds_of(c) > 1 for c, m in pairs)
              else "the same")
    sides = _parts([(higher, "higher"), (lower, "lower"), (n - higher - lower, within)], n, "λ")
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
            "mlp_higher_accuracy_lams": higher, "mlp_lower_accuracy_lams": lower,
            "same_lam_max_accuracy_gap_points": max(abs(g) for g in gaps), "same_lam_sentence": sentence}


def _layer_share(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """The two networks at each λ > 0 of the CNN's grid, activity counted as a share of each one's layer."""
    pairs = [(run, run_at(mlp_runs, run["lam"], "mlp_runs")) for run in runs[1:]]
    n = len(pairs)
    shares = [(100 * c["avr_test"] / c["units"], 100 * m["avr_test"] / m["units"]) for c, m in pairs]
    # the CNN is the sparser where its share lies below every seed's share of the fully connected network
    cnn_sparser = sum(_high(c, "avr_test") / c["units"] < _low(m, "avr_test") / m["units"] for c, m in pairs)
    example = next(i for i, (c, _) in enumerate(pairs) if np.isclose(c["lam"], EXAMPLE_LAM, rtol=1e-9, atol=0))
    example_mlp = pairs[example][1]
    mlp_share = spread_text(example_mlp, "avr_test", lambda v: f"{100 * v / example_mlp['units']:.2f} %")
    example_cnn = pairs[example][0]
    cnn_share = _spread(example_cnn, "avr_test", lambda v: f"{100 * v / example_cnn['units']:.2f} %")
    numbers = (f"at {_lam(EXAMPLE_LAM)}, {cnn_share} of the CNN's {int(example_cnn['units']):,} "
               f"units against {mlp_share} of the fully connected network's {int(example_mlp['units']):,}")
    if cnn_sparser == n:
        sentence = (f"Counted as a share of its layer, though, the CNN's code is the sparser at every λ > 0 ({numbers}): "
                    "which of the two codes is the sparser depends on what one counts, active units per digit or "
                    "their share of the layer.")
    elif cnn_sparser == 0:
        sentence = f"Counted as a share of its layer too, the fully connected code is the sparser at every λ > 0 ({numbers})."
    else:
        sentence = (f"Counted as a share of its layer, the CNN's code is the sparser {_count(cnn_sparser, n, 'λ > 0')} "
                    f"({numbers}).")
    return {"cnn_sparser_share_lams": cnn_sparser, "cnn_share_example": shares[example][0],
            "mlp_share_example": shares[example][1], "layer_share_sentence": sentence}


def _dominated(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """CNN runs for which some fully connected run is at least as accurate with fewer active units."""
    beaten, free = [], []
    for run in runs:
        rivals = [m for m in mlp_runs if m["test_accuracy"] >= run["test_accuracy"] and m["avr_test"] < run["avr_test"]]
        (beaten if rivals else free).append(run)
    n, k = len(runs), len(beaten)
    seeds = max(_seeds_of(m) for m in mlp_runs)
    point = "run" if seeds == 1 else f"point (mean of {seeds} seeds)"
    what = f"a fully connected {point} at least as accurate with fewer active units per test digit"
    if k == n:
        sentence = f"Every one of the {n} CNN points has {what}."
    elif k == 0:
        sentence = f"None of the {n} CNN points has {what}."
    else:
        exceptions = " and ".join(f"{_lam(run['lam'])} ({run['test_accuracy']:.4f} with "
                                  f"{_units(run['avr_test'])} units)" for run in free)
        sentence = (f"{k} of the {n} CNN points {'has' if k == 1 else 'have'} {what}; the "
                    f"exception{'s are' if len(free) > 1 else ' is'} "
                    f"{exceptions}.")
    return {"cnn_runs_beaten": k, "cnn_runs_not_beaten_lams": [run["lam"] for run in free],
            "dominated_sentence": sentence}


def _maps(runs: list[dict], positions: int, maps: int) -> dict:
    """Dead maps along λ, and how many maps are active at one position of the grid."""
    lams = [run["lam"] for run in runs]
    dead = [_num(run["dead_maps_test"]) if "dead_maps_test" in run else dead_maps(run) for run in runs]
    ranges = "".join(f" (at {_lam(run['lam'])} the {seeds_text(run)}, {_n(_low(run, 'dead_maps_test'))} to "
                     f"{_n(_high(run, 'dead_maps_test'))})" for run in runs if _seeds_of(run) > 1)
    dead_trend = f"The number of dead maps {_trend(lams, dead, _n)}{ranges}."
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


def _dead_units(runs: list[dict]) -> dict:
    """Dead units (non-zero on no test digit) along λ, with the unpenalised network's count as baseline."""
    lams = [run["lam"] for run in runs]
    dead = [_num(run["dead_units_test"]) for run in runs]
    units, n_test = int(runs[0]["units"]), int(runs[0]["n_test"])
    ranges = "".join(f" (at {_lam(run['lam'])} the {seeds_text(run)}, {_n(_low(run, 'dead_units_test'))} to "
                     f"{_n(_high(run, 'dead_units_test'))})" for run in runs if _seeds_of(run) > 1)
    sentence = (f"A unit is dead when it is non-zero on none of the {n_test:,} test digits (the book's definition; "
                f"a map is dead when all its units are). Without a penalty {_n(dead[0])} of the {units:,} units "
                f"({100 * dead[0] / units:.1f} %) are already dead, the baseline for the penalised runs; the count "
                f"{_trend(lams, dead, _n)} ({100 * dead[-1] / units:.1f} % of the layer{'; ' + ranges[2:-1] if ranges else ''}).")
    return {"dead_units": dead, "dead_units_pct_0": 100 * dead[0] / units,
            "dead_units_pct_largest": 100 * dead[-1] / units, "dead_units_sentence": sentence}


def _seeds(runs: list[dict], mlp_runs: list[dict]) -> dict:
    """How many seeds each network's numbers stand for."""
    counts = sorted({_seeds_of(m) for m in mlp_runs})
    several = [run for run in runs if _seeds_of(run) > 1]
    if several:
        where = " and ".join(f"{_lam(run['lam'])}, the {seeds_text(run)}" for run in several)
        cnn = (f"Each CNN value is one seed except at {where} (given with its range over the seeds and drawn "
               "with bars from the lowest seed to the highest)")
    else:
        cnn = "Each CNN run is one seed"
    if counts == [1]:
        sentence = f"{cnn}, and {'so is each' if not several else 'each'} fully connected run{'' if not several else ' is one seed'}."
    else:
        mlp = f"the {seeds_text(mlp_runs[0])}" if len(counts) == 1 else f"the mean of {counts[0]} to {counts[-1]} seeds"
        sentence = (f"{cnn}; each fully connected value is {mlp} at its λ, given with its range "
                    "over the seeds and drawn with bars from the lowest seed to the highest.")
    many = f"{counts[-1]} seeds" if counts[-1] > 1 else "one seed"
    cnn_many = max(_seeds_of(run) for run in runs)
    return {"cnn_seeds": cnn_many, "mlp_seeds_text": f"{many} per λ" if len(counts) == 1 else f"up to {many} per λ",
            "cnn_seeds_text": ("one seed per λ" if not several else "one seed per λ, " + " and ".join(
                f"{_seeds_of(run)} at {_lam(run['lam'])}" for run in several)),
            "seeds_sentence": sentence}


# --- the bounded readout -------------------------------------------------------------------------

SETTLE_BLOCK = 10  #: Logged steps per block when the training curve is read in blocks (medians, against batch noise).
CLIMBS_BACK = 1.1  #: Activity at the end at least this factor above its sparsest block "climbs back".
SHRINKS = 0.8  #: A mean active value at the end at most this factor of the sparsest block's "shrinks".


def curve_values(run: dict) -> dict:
    """A run's training curve per logged step: ``step``, ``avr`` (active units per digit on the batch),
    ``l1`` (the code's L1 norm per digit: the logged penalty divided by λ and, for the batch-sum
    convention, by the batch size) and ``value`` (the mean value of an active unit, ``l1 / avr``)."""
    curve = run.get("curve")
    if not isinstance(curve, dict) or not all(k in curve for k in ("step", "penalty", "avr_train_batch")):
        raise ValueError(f"the run at λ = {run.get('lam')} needs a curve with 'step', 'penalty' and "
                         "'avr_train_batch' (the records of results/cnn*.json and cae_*.json have them)")
    if not run.get("lam", 0) > 0:
        raise ValueError("the curve's L1 norm is read from the penalty, so it needs a run with λ > 0")
    steps, penalty, avr = (np.asarray(curve[k], dtype=float) for k in ("step", "penalty", "avr_train_batch"))
    if not len(steps) == len(penalty) == len(avr) > 0:
        raise ValueError("the curve's step, penalty and avr_train_batch must have the same non-zero length")
    per_digit = run["lam"] * (run.get("batch_size", 100) if run.get("lam_convention", "batch_sum") == "batch_sum"
                              else 1)
    l1 = penalty / per_digit
    value = np.divide(l1, avr, out=np.zeros_like(l1), where=avr > 0)
    return {"step": steps, "avr": avr, "l1": l1, "value": value}


def training_phases(run: dict, block: int = SETTLE_BLOCK) -> dict:
    """The run's training curve (:func:`curve_values`) read in blocks of ``block`` logged steps
    (medians): its sparsest block (fewest active units per digit on the training batch) against its
    last block. For each: ``avr``, ``l1``, ``value`` and the ``step`` it ends at."""
    values = curve_values(run)
    steps, avr, l1, value = values["step"], values["avr"], values["l1"], values["value"]
    if len(steps) < max(block, 2):
        raise ValueError(f"the curve must hold at least {max(block, 2)} logged steps")
    starts = range(0, len(steps) - block + 1, block)
    blocks = [{"avr": float(np.median(avr[i:i + block])), "l1": float(np.median(l1[i:i + block])),
               "value": float(np.median(value[i:i + block])), "step": int(steps[i + block - 1])} for i in starts]
    sparsest = min(blocks, key=lambda b: b["avr"])
    interval = int(steps[1] - steps[0])
    return {"sparsest": sparsest, "last": blocks[-1], "block_steps": block * interval}


def phases_sentence(run: dict, subject: str) -> dict:
    """How ``run``'s activity, the size of its active values and its L1 norm move after its sparsest phase."""
    phases = training_phases(run)
    low, last = phases["sparsest"], phases["last"]
    climbs = last["avr"] >= CLIMBS_BACK * low["avr"]
    shrinks = last["value"] <= SHRINKS * low["value"]
    l1_falls = last["l1"] <= SHRINKS * low["l1"]
    head = (f"{subject}, the training batches are sparsest in the {phases['block_steps']:,} steps up to step "
            f"{low['step']:,} ({_units(low['avr'])} active units per digit, the median of {SETTLE_BLOCK} logged "
            "batches)")
    if low["step"] == last["step"]:
        sentence = (f"{head}, at the end of training, where an active unit's value is {low['value']:.3f} on "
                    "average: the activity is still falling when training stops.")
    else:
        values = (f"the mean value of an active unit goes from {low['value']:.3f} to {last['value']:.3f} and the L1 "
                  f"norm per digit from {low['l1']:#.3g} to {last['l1']:#.3g}")
        if climbs:
            sentence = (f"{head}; by step {last['step']:,} the activity has climbed back to {_units(last['avr'])} "
                        f"while {values}")
            if l1_falls:
                sentence += ": the code pays less penalty with more units active, each with a smaller value."
            elif shrinks:
                sentence += ": about the same L1 norm is spread over more units, each with a smaller value."
            else:
                sentence += "."
        else:
            sentence = f"{head}; by step {last['step']:,} it is at {_units(last['avr'])}, while {values}"
            if l1_falls:
                sentence += ": the count of active units stays while the values, and the penalty, shrink."
            else:
                sentence += ": neither the count nor the size of the code moves much after the sparsest phase."
    return {"climbs_back": climbs, "values_shrink": shrinks, "l1_falls": l1_falls, "sparsest_step": low["step"],
            "sparsest_avr": low["avr"], "last_avr": last["avr"], "sparsest_value": low["value"],
            "last_value": last["value"], "sparsest_l1": low["l1"], "last_l1": last["l1"], "sentence": sentence}


def norms_text(norms: dict, bound: float, reader: str, members: str = "units") -> tuple[str, bool]:
    """``norms`` (a record's {mean, max, min, active_mean}) in words, and whether the active ``members``
    (units, maps) have their ``reader`` weights at the bound on average."""
    active = norms.get("active_mean")
    at_bound = active is not None and active >= AT_BOUND * bound
    text = (f"the largest {reader} norm is {norms['max']:.3f}, the mean over all {members} {norms['mean']:.3f}"
            + (f" and over the {members} active on some test digit {active:.3f}" if active is not None else ""))
    if at_bound:
        text += f": the active {members}' {reader}s sit at the bound, held there by the constraint"
    elif norms["max"] >= AT_BOUND * bound:
        text += f": some {reader}s reach the bound, but the active {members}' stay below it on average"
    else:
        text += f": no {reader} is at the bound at the end of training"
    return text, at_bound


def compare_bounded(free: dict, bounded: dict) -> tuple[str, str, float, float]:
    """The bounded run against the free one at the same λ: a verdict on sparsity and accuracy, and the two
    ratios (bounded AVR / free AVR, accuracy difference in points)."""
    ratio = bounded["avr_test"] / free["avr_test"] if free["avr_test"] > 0 else float("inf")
    points = 100 * (bounded["test_accuracy"] - free["test_accuracy"])
    if 1 / SAME_SPARSITY_RATIO <= ratio <= SAME_SPARSITY_RATIO:
        sparse, kind = "about as sparse", "same"
    elif ratio < 1:
        sparse, kind = f"{1 / ratio:.1f} times sparser (fewer active units)", "sparser"
    else:
        sparse, kind = f"{ratio:.1f} times denser (more active units)", "denser"
    accurate = ("about as accurate" if abs(points) <= SAME_ACCURACY_POINTS else
                f"{abs(points):.2f} points {'more' if points > 0 else 'less'} accurate")
    return f"the bounded code is {sparse} and {accurate}", kind, ratio, points


def _in_seeds(values: list[str], phases: list[dict]) -> str:
    """``20.0`` for one run; ``20.0 in seed 0 and 25.0 in seed 1`` for several (each phases dict's ``label``)."""
    if len(values) == 1:
        return values[0]
    parts = [f"{value} in {p.get('label', f'run {i + 1}')}" for i, (value, p) in enumerate(zip(values, phases))]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def why_sentence(kind: str, free_phases, bounded_phases: dict, readers: str = "readout", *,
                 free_norms: str | None = None, seeds: str = "one seed of each") -> str:
    """What the bounded run says about the free one's sparsity, from the comparison ``kind``
    ("same", "sparser", "denser") and the runs' :func:`phases_sentence` results; ``readers``
    names the weights that read the code ("readout", "readout and decoder").

    ``free_phases`` is one free run's phases, or a list of them (one per seed, each with a ``label``
    such as "seed 1"): a statement about the free code is made only where it holds for every seed.
    ``free_norms`` (words, such as "seed 1's active units: norm 2.1 on average, against 0.85 here")
    is the measured size of the free readout; without it the sentence says it is not measured.
    ``seeds`` says how many runs the comparison rests on.
    """
    frees = [free_phases] if isinstance(free_phases, dict) else list(free_phases)
    outputs = "logits" if readers == "readout" else "logits and the redrawn digit"
    late = ""
    free_dodges = all(p["climbs_back"] and p["l1_falls"] for p in frees)
    if free_dodges and not bounded_phases["l1_falls"]:
        falls = _in_seeds([f"from {p['sparsest_l1']:#.3g} to {p['last_l1']:#.3g}" for p in frees], frees)
        late = (f" Late in training the free code pays less penalty (its L1 norm per digit falls {falls}) and the "
                f"bounded one does not ({bounded_phases['sparsest_l1']:#.3g}, then {bounded_phases['last_l1']:#.3g}): "
                "that part of the free run is the dodge at work, and the bound closes it.")
    elif free_dodges:
        late = (f" Both codes pay less penalty late in training, so that late fall is not the growth of the {readers} "
                "alone.")
    if kind == "same":
        return ("Closing the dodge changes the count of active units by less than a factor "
                f"{SAME_SPARSITY_RATIO:g}: the free network's sparsity does not come from an unbounded {readers}."
                + late)
    if kind == "sparser":
        return (f"Closing the dodge makes the penalty bite harder: without room to grow its {readers}, the network "
                "silences more units." + late)
    ratios = [bounded_phases["last_l1"] / p["last_l1"] if p["last_l1"] > 0 else float("inf") for p in frees]
    larger = all(bounded_phases["last_value"] > p["last_value"] for p in frees)
    if min(ratios) > 1:
        times = f"{ratios[0]:.1f}" if len(ratios) == 1 else f"{min(ratios):.1f} to {max(ratios):.1f}"
        against = _in_seeds([f"{p['last_l1']:#.3g}" for p in frees], frees)
        weights = (f" larger {readers} weights ({free_norms})" if free_norms else
                   f", presumably (its record does not say), larger {readers} weights")
        return (f"The bounded code is the denser, and on the last training batches it carries {times} times the "
                f"free code's L1 norm per digit ({bounded_phases['last_l1']:#.3g} against {against}): with each "
                f"unit's {readers} weights capped, a unit moves the {outputs} by at most its own value, so the "
                f"network keeps a larger code ({'more units, with larger values' if larger else 'more units'}) and "
                f"pays more penalty for it, where the free network manages with fewer units"
                f"{', smaller values' if larger else ''} and{weights}. The free code is not sparse thanks to a "
                f"loophole: if anything, its unbounded {readers} let it become sparser ({seeds})." + late)
    return (f"The bounded code is the denser, which the dodge does not predict; {seeds} cannot say why." + late)


def _accuracy_class(points: float) -> str:
    return "same" if abs(points) <= SAME_ACCURACY_POINTS else "more" if points > 0 else "less"


def seeded_l1(free_phases: list[dict], bounded_phases: dict) -> tuple[float, float]:
    """The bounded code's L1 norm per digit on its last training batches, as a multiple of each free seed's: (min, max)."""
    ratios = [bounded_phases["last_l1"] / p["last_l1"] if p["last_l1"] > 0 else float("inf") for p in free_phases]
    return min(ratios), max(ratios)


def _seeds_verdict(free_seeds: list[dict], b: dict) -> dict:
    """The bounded run against several free seeds: its count of active units against each seed and against
    the seeds' own spread, its accuracy against their range."""
    avrs = [run["avr_test"] for run in free_seeds]
    accs = [run["test_accuracy"] for run in free_seeds]
    low, high = min(avrs), max(avrs)
    spread_ratio = high / low if low > 0 else float("inf")
    ratios = [b["avr_test"] / a if a > 0 else float("inf") for a in avrs]
    labels = [{"label": f"seed {run.get('seed', 0)}"} for run in free_seeds]
    times = ", ".join(f"{r:.1f} times {label['label']}'s" for r, label in zip(ratios, labels))
    if b["avr_test"] > high:
        kind, beyond = "denser", min(ratios) > spread_ratio
        count = f"the bounded code has more active units than either free seed ({times})"
    elif b["avr_test"] < low:
        kind, beyond = "sparser", 1 / max(ratios) > spread_ratio
        count = f"the bounded code has fewer active units than either free seed ({times})"
    else:
        kind, beyond = "same", False
        count = "the bounded code's count of active units lies within the free seeds' range"
    if kind != "same":
        count += (f", a gap larger than the free seeds' own spread ({spread_ratio:.2f} times from one to the other)"
                  if beyond else
                  f", a gap no larger than the free seeds' own spread ({spread_ratio:.2f} times from one to the "
                  "other), so with one bounded seed it is not shown to be a difference")
    acc_within = min(accs) <= b["test_accuracy"] <= max(accs)
    if acc_within:
        accuracy = "its test accuracy lies within the free seeds' range"
    else:
        side = "above" if b["test_accuracy"] > max(accs) else "below"
        gap = 100 * min(abs(b["test_accuracy"] - a) for a in accs)
        accuracy = f"its test accuracy lies {side} the free seeds' range ({gap:.2f} points from the nearest)"
    if kind == "same":
        count_lesson = f"as many active units as the free code ({_units(b['avr_test'])}, within the free seeds' range)"
    else:
        count_lesson = (f"{min(ratios):.1f} to {max(ratios):.1f} times the free code's active units "
                        f"({_units(b['avr_test'])} against {_units(low)} and {_units(high)}), a gap "
                        f"{'larger' if beyond else 'no larger'} than between the free seeds")
    accuracy_lesson = (f"a test accuracy {'within' if acc_within else 'outside'} their range "
                       f"({b['test_accuracy']:.4f} against {min(accs):.4f} and {max(accs):.4f})")
    if kind == "same" or not beyond:
        settled = "the unbounded readout is not shown to change how many units the free code keeps active"
    elif kind == "denser":
        settled = "the free readout did not make the code less sparse; with it the code became sparser"
    else:
        settled = "closing the dodge makes the code sparser"
    return {"kind": kind, "beyond": beyond, "spread_ratio": spread_ratio, "ratio_min": min(ratios),
            "ratio_max": max(ratios), "acc_within": acc_within, "text": f"{count}; {accuracy}",
            "count_lesson": count_lesson, "accuracy_lesson": accuracy_lesson, "settled": settled}


def _why_seeds(seeded: dict, free_phases: list[dict], bounded_phases: dict, free_norms: str | None) -> str:
    """What the bounded run says about the free code, against several free seeds: the count of active
    units against the size of the code (L1 norm per digit, mean active value), late in training."""
    lo, hi = seeded_l1(free_phases, bounded_phases)
    times = f"{lo:.1f}" if np.isclose(lo, hi, rtol=0.05) else f"{lo:.1f} to {hi:.1f}"
    l1s = _in_seeds([f"{p['last_l1']:#.3g}" for p in free_phases], free_phases)
    values = _in_seeds([f"{p['last_value']:.3f}" for p in free_phases], free_phases)
    larger = all(bounded_phases["last_value"] > p["last_value"] for p in free_phases)
    if lo > 1 and larger:
        size = (f"On the last training batches the bounded code carries {times} times the free code's L1 norm per "
                f"digit ({bounded_phases['last_l1']:#.3g} against {l1s}), its active units with larger values "
                f"({bounded_phases['last_value']:.3f} against {values})")
    else:
        size = (f"On the last training batches the bounded code's L1 norm per digit is {bounded_phases['last_l1']:#.3g} "
                f"against {l1s} for the free code, and the mean value of an active unit "
                f"{bounded_phases['last_value']:.3f} against {values}")
    big_size = lo > seeded["spread_ratio"] if seeded["kind"] != "same" else lo > 1
    if lo > 1 and larger and (big_size and not seeded["beyond"]):
        verdict = (": capping the readout changes the size of the code more than its count of active units. With "
                   "each unit's readout capped, a unit moves the logits by at most its own value, so the network "
                   "keeps larger values and pays more penalty; the free network, whose readout can grow"
                   + (f" ({free_norms})" if free_norms else "") + ", keeps its code at smaller values. "
                   "That is the dodge, and it shows in the values, not clearly in which units are active.")
    else:
        verdict = "."
    late = ""
    if all(p["l1_falls"] for p in free_phases) and not bounded_phases["l1_falls"]:
        falls = _in_seeds([f"from {p['sparsest_l1']:#.3g} to {p['last_l1']:#.3g}" for p in free_phases], free_phases)
        late = (f" Late in training both free seeds pay less penalty (the L1 norm per digit falls {falls}) while "
                f"the bounded run does not ({bounded_phases['sparsest_l1']:#.3g}, then "
                f"{bounded_phases['last_l1']:#.3g}): shrinking values behind a growing readout is what the dodge "
                "does, and the bound stops it.")
    return size + verdict + late


def bounded_readout(free_runs, bounded_runs, bound: float = 1.0) -> dict:
    """The CNN with each code unit's readout held at norm <= ``bound`` (``results/cnn_bounded.json``)
    against the free run at the same λ (``results/cnn.json``; several seeds there are merged, and a
    verdict is checked against each seed alone).

    Returns numbers and the sentences ``bounded_sentence`` (accuracy and activity, both runs),
    ``bounded_norms_sentence`` (the bounded readout's norms; the free seeds' norms where their
    records carry them), ``free_phases_sentence`` / ``bounded_phases_sentence`` (their training
    curves after the sparsest phase, one sentence per free seed) and ``bounded_why_sentence``.
    """
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not bound > 0:
        raise ValueError(f"bound must be a number > 0 (the max-norm of the bounded runs), got {bound!r}")
    free = _check_runs(merged_cnn(free_runs), RUN_FIELDS, "free_runs", need_zero=False)
    bounded = _check_runs(_merged(bounded_runs), BOUNDED_FIELDS + ("curve",), "bounded_runs", need_zero=False)
    if len(bounded) != 1:
        raise ValueError(f"bounded_runs must hold one λ, got {[run['lam'] for run in bounded]}")
    b = bounded[0]
    f = run_at(free, b["lam"], "free_runs")
    free_seeds = _at(free_runs, b["lam"])
    several = len(free_seeds) > 1
    label = (lambda run: f"seed {run.get('seed', 0)}") if several else (lambda run: "the free run")
    verdict, kind, ratio, points = compare_bounded(f, b)
    alone = [compare_bounded(run, b) for run in free_seeds]
    holds = all(k == kind and _accuracy_class(p) == _accuracy_class(points) for _, k, _, p in alone)
    seeds = seeds_text(b)
    free_seeds_text = seeds_text(f)
    units = f"{int(b['units']):,}"
    acc = lambda v: f"{v:.4f}"  # noqa: E731
    pct = lambda v: f"{100 * v / f['units']:.2f} %"  # noqa: E731
    sentence = (f"With each code unit's readout held at norm ≤ {bound:g} ({seeds}), the CNN at {_lam(b['lam'])} "
                f"reaches {b['test_accuracy']:.4f} test accuracy with {_units(b['avr_test'])} of its {units} units "
                f"active per test digit ({100 * b['avr_test'] / b['units']:.2f} %; {int(b['dead_units_test']):,} "
                f"dead), against {_spread(f, 'test_accuracy', acc)} and {_spread(f, 'avr_test', _units)} "
                f"({_spread(f, 'avr_test', pct)}; {_spread(f, 'dead_units_test', _n)} dead) for the free run at the "
                f"same λ ({free_seeds_text}): {verdict}")
    if several:
        sentence = sentence[:sentence.rindex(": ")] + f": {_seeds_verdict(free_seeds, b)['text']}."
    else:
        sentence += "."
    norms, at_bound = norms_text(b["readout_norms"], bound, "readout")
    norms_sentence = f"In the bounded run {norms}."
    measured = [run for run in free_seeds if "readout_norms" in run]
    unmeasured = [run for run in free_seeds if "readout_norms" not in run]
    free_norms, grew = None, False
    for run in measured:
        n = run["readout_norms"]
        who = label(run) if several else "the free run"
        missing = (f"; {' and '.join(label(r) for r in unmeasured)}'s record, made before the sweep recorded them, "
                   "carries none" if unmeasured else "")
        text = (f" In the free run{f' ({who}{missing})' if several else ''} the largest readout norm is {n['max']:.3f} ({n['max'] / bound:.1f} "
                f"times the bound), the mean over all units {n['mean']:.3f}")
        if "active_mean" in n and "active_mean" in b["readout_norms"]:
            ba = b["readout_norms"]["active_mean"]
            grew = n["active_mean"] > ba
            text += (f" and over the units active on some test digit {n['active_mean']:.3f}, "
                     f"{n['active_mean'] / ba:.1f} times the bounded run's {ba:.3f}: the free readout of the "
                     f"active units {'did grow past the bounded one' if grew else 'did not grow past the bounded one'}")
            if grew:
                free_norms = (f"measured in {who}: its active units' readout norm is {n['active_mean']:.3f} on "
                              f"average, against {ba:.3f} with the bound")
        norms_sentence += text + "."
    if not measured:
        norms_sentence += (" The free run's record carries no readout norms (it was made before the sweep "
                           "recorded them), so how far its readout grew is not measured here.")
    free_phases = []
    for run in free_seeds:
        subject = f"In the free run at {_lam(f['lam'])}" + (f" ({label(run)})" if several else "")
        free_phases.append(dict(phases_sentence(run, subject), label=label(run)))
    bounded_phases = phases_sentence(b, "In the bounded run")
    common = {"bounded_lam": format_lam(b["lam"]), "bound": float(bound), "free_seeds": len(free_seeds),
              "free_seeds_text": free_seeds_text, "bounded_seeds_text": seeds, "bounded_acc": b["test_accuracy"],
              "bounded_avr": b["avr_test"], "free_acc": f["test_accuracy"], "free_avr": f["avr_test"],
              "bounded_avr_ratio": ratio, "bounded_points": points, "bounded_readouts_at_bound": at_bound,
              "free_has_norms": bool(measured), "free_readout_longer": grew,
              "free_climbs_back": all(p["climbs_back"] for p in free_phases),
              "bounded_climbs_back": bounded_phases["climbs_back"], "bounded_sentence": sentence,
              "bounded_norms_sentence": norms_sentence,
              "free_phases_sentence": " ".join(p["sentence"] for p in free_phases),
              "bounded_phases_sentence": bounded_phases["sentence"]}
    if several:
        seeded = _seeds_verdict(free_seeds, b)
        why = _why_seeds(seeded, free_phases, bounded_phases, free_norms)
        lo, hi = seeded_l1(free_phases, bounded_phases)
        size = (f"the code carries {lo:.1f} to {hi:.1f} times the free code's L1 norm per digit late in training "
                if lo > 1 else "")
        lesson = (f"Holding each unit's readout at norm ≤ {bound:g} at {_lam(b['lam'])} ({'one bounded seed' if seeds == 'one seed' else seeds + ' bounded'}, "
                  f"{len(free_seeds)} free seeds): {size}{'but has only ' if size and not seeded['beyond'] else 'with ' if size else 'the code has '}"
                  f"{seeded['count_lesson']}, for {seeded['accuracy_lesson']}: {seeded['settled']}.")
        return {**common, "bounded_seeds": _seeds_of(b), "bounded_kind": seeded["kind"],
                "bounded_count_beyond_spread": seeded["beyond"], "bounded_ratio_min": seeded["ratio_min"],
                "bounded_ratio_max": seeded["ratio_max"], "free_spread_ratio": seeded["spread_ratio"],
                "bounded_acc_within_free": seeded["acc_within"], "bounded_l1_ratio_min": lo,
                "bounded_l1_ratio_max": hi,
                "free_l1_falls": all(p["l1_falls"] for p in free_phases), "bounded_l1_falls": bounded_phases["l1_falls"],
                "bounded_why_sentence": why, "lesson_bounded_sentence": lesson}
    compared = f"{seeds} against one free seed"
    why_seeds = (f"one bounded seed against {len(free_seeds)} free seeds" if several and seeds == "one seed"
                 else f"{seeds} bounded against {len(free_seeds)} free" if several else "one seed of each")
    why = why_sentence(kind, free_phases, bounded_phases, free_norms=free_norms,
                       seeds=why_seeds) if holds else (
        "The free seeds disagree on how the bounded code compares with theirs, so these runs cannot say what "
        "the bound does to the code's sparsity.")
    if kind == "denser" and holds and measured and not free_norms:
        why += (" The free readout was measured, though, and it is not the longer: these runs do not show the "
                "network trading a smaller code for a longer readout.")
    lesson = (f"Holding each unit's readout at norm ≤ {bound:g} at {_lam(b['lam'])} ({compared}): "
              f"{verdict} ({_units(b['avr_test'])} active units against {_spread(f, 'avr_test', _units)}, "
              f"{b['test_accuracy']:.4f} against {_spread(f, 'test_accuracy', acc)}); "
              + ({"same": "the free code's sparsity is not an artefact of its unbounded readout.",
                  "sparser": "closing the dodge makes the code sparser.",
                  "denser": "the free readout did not make the code less sparse; with it the code became "
                            "sparser."}[kind] if holds else "the free seeds do not agree on the verdict."))
    return {**common, "bounded_seeds": len(b.get("seeds", [0])), "bounded_kind": kind,
            "bounded_verdict_holds_per_seed": holds, "bounded_why_sentence": why, "lesson_bounded_sentence": lesson}


# --- the small live run ------------------------------------------------------------------------

SHOWN_FILTERS = 16  #: The busiest maps whose filters the demonstration's figure shows.
FILTERS_MOVED = 0.5  #: Filters that moved by less than this share of their initial norm are "near their random start".


def demo_record(lam: float, evaluation, *, steps: int, n_train: int, maps: int, kernels=None,
                initial_kernels=None) -> dict:
    """One run of the chapter's small live demonstration as a record :func:`demo_findings` reads.

    ``evaluation`` is what :func:`sparsebook.training.evaluate_classifier` returned on the
    demonstration's test digits; ``maps`` is the number of feature maps of the code.
    ``kernels`` and ``initial_kernels`` (the code layer's kernel after and before training, any
    shape whose last axis is the maps) add ``filter_change``: for each map, the norm of what its
    filter moved, as a share of its initial norm.
    """
    activity = evaluation.activity
    rates = np.asarray(activity.firing_rates, dtype=float)
    if not isinstance(maps, (int, np.integer)) or maps < 1 or rates.size % maps:
        raise ValueError(f"maps must be a positive int dividing the {rates.size} units, got {maps!r}")
    per_map = rates.reshape(-1, maps)
    record = {"lam": float(lam), "steps": int(steps), "n_train": int(n_train), "n_test": int(activity.n_examples),
              "test_accuracy": float(evaluation.accuracy), "avr_test": float(activity.avr), "units": int(rates.size),
              "map_firing_rates_test": per_map.mean(axis=0), "silent_maps": int((per_map == 0).all(axis=0).sum())}
    if (kernels is None) != (initial_kernels is None):
        raise ValueError("pass both kernels and initial_kernels (the code layer's kernel after and before training), "
                         "or neither")
    if kernels is not None:
        after, before = np.asarray(kernels, dtype=float), np.asarray(initial_kernels, dtype=float)
        if after.shape != before.shape or after.shape[-1] != maps:
            raise ValueError(f"kernels and initial_kernels must have the same shape, with the {maps} maps last; got "
                             f"{after.shape} and {before.shape}")
        after, before = after.reshape(-1, maps), before.reshape(-1, maps)
        record["filter_change"] = np.linalg.norm(after - before, axis=0) / np.linalg.norm(before, axis=0)
    return record


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
    out = {"demo_pct_0": pct[0], "demo_fewer_units": top["avr_test"] < base["avr_test"],
           "demo_accuracy_change_points": points, "demo_sentence": sentence}
    if "filter_change" in top:
        out.update(_filters_moved(top))
    return out


def _filters_moved(run: dict) -> dict:
    """How far the filters the figure shows (the busiest maps') moved from their random start."""
    rates = np.asarray(run["map_firing_rates_test"], dtype=float)
    busiest = np.argsort(rates)[::-1][:SHOWN_FILTERS]
    moved = np.asarray(run["filter_change"], dtype=float)[busiest]
    median = float(np.median(moved))
    sentence = (f"In this small run at {_lam(run['lam'])}, the filters of the {len(busiest)} busiest maps moved from "
                f"their random start by {100 * median:.0f} % of their initial norm (median; "
                f"{100 * moved.min():.0f} to {100 * moved.max():.0f} %)")
    if median < FILTERS_MOVED:
        sentence += (": each is still mostly its random start, so look for the first tilt away from noise (a "
                     "redder side, a bluer side) rather than for finished shapes.")
    else:
        sentence += (": most have moved well away from their random start; look for filters with a red (positive) "
                     "side and a blue (negative) side (an edge at some orientation) or a single strong weight, and "
                     "for those that still look like speckle.")
    return {"demo_filter_change_median": median, "demo_filters_sentence": sentence}


# --- the tables the page shows (rows and columns for sparsebook.tables.table) ------------------

LAYER_COLUMNS = {"layer": ("layer", "text"), "shape": ("output shape", "text"),
                 "parameters": ("parameters", "int")}  #: Columns of :func:`layer_rows`.
RUN_COLUMNS = {"lam": ("λ", "lam"), "seed": ("seed", "int"), "test_accuracy": ("accuracy", "accuracy"),
               "avr_test": ("AVR", "number"), "active_percent": ("active (%)", "number"),
               "dead_units_test": ("dead units", "int"),
               "dead_maps": ("dead maps", "int")}  #: Columns of :func:`run_rows`.
SOURCE_COLUMNS = {"lam": ("λ", "lam"), "test_accuracy": ("accuracy (ours)", "accuracy"),
                  "source_accuracy": ("accuracy (source)", "accuracy"),
                  "avr_train_batch": ("AVR (ours)", "number"),
                  "source_avr": ("AVR (source)", "number")}  #: Columns of :func:`source_rows`.
DEMO_COLUMNS = {"lam": ("λ", "lam"), "test_accuracy": ("accuracy", "accuracy"),
                "avr_test": ("AVR", "number"), "active_percent": ("active (%)", "number"),
                "silent_maps": ("silent maps", "int")}  #: Columns of :func:`demo_rows`.


def layer_rows(model) -> list[dict]:
    """One row per layer of a Keras ``model`` after its input: name, output shape (``14 × 14 × 200``), parameters."""
    return [{"layer": layer.name, "shape": " × ".join(f"{size:,}" for size in layer.output.shape[1:]),
             "parameters": layer.count_params()} for layer in model.layers[1:]]


def run_rows(runs) -> list[dict]:
    """The full-size runs as rows of :data:`RUN_COLUMNS`, by λ then seed (dead units and maps on the test digits)."""
    runs = check_records(runs, RUN_FIELDS, "runs", advice="pass the runs of load_results(...)['runs']")
    return [{**run, "seed": run.get("seed", 0), "active_percent": 100 * run["avr_test"] / run["units"],
             "dead_maps": dead_maps(run)} for run in sorted(runs, key=lambda run: (run["lam"], run.get("seed", 0)))]


def source_rows(runs, source) -> list[dict]:
    """Our runs (seeds averaged) next to the source's table at each of its λ, as rows of :data:`SOURCE_COLUMNS`."""
    runs = check_records(runs, RUN_FIELDS, "runs", advice="pass the runs of load_results(...)['runs']")
    source = _check_runs(source, SOURCE_FIELDS, "source", need_zero=False)
    ours = {run["lam"]: run for run in mean_records(runs)}
    return [{"lam": row["lam"], "source_accuracy": row["test_accuracy"], "source_avr": row["avr_train_batch"],
             "test_accuracy": ours[row["lam"]]["test_accuracy"] if row["lam"] in ours else None,
             "avr_train_batch": ours[row["lam"]]["avr_train_batch"] if row["lam"] in ours else None}
            for row in sorted(source, key=lambda row: row["lam"])]


def _fixed(form: str):
    """A cell writer: ``form`` (a percentage form takes a fraction), "not recorded" for a missing value."""
    def write(value):
        if value is None:
            return "not recorded"
        return form.format(100 * value) if form.endswith("%") else form.format(value)
    return write


#: The quantities of :func:`bounded_rows`: name shown -> (record key, how it is written).
BOUNDED_QUANTITIES = {
    "test accuracy": ("test_accuracy", "{:.2f} %"),
    "AVR": ("avr_test", "{:,.1f}"),
    "active (% of layer)": ("activity_ratio_test", "{:.2f} %"),
    "dead units": ("dead_units_test", "{:,d}"),
    "mean active value": ("mean_active_value_test", "{:.3f}"),
    "L1 norm of a code": ("code_l1_test", "{:.1f}"),
}


def bounded_rows(free_runs, bounded_run: dict, bound: float) -> tuple[list[dict], dict]:
    """The bounded run next to the free seeds at its λ: rows (one per quantity) and columns for ``table``.

    Older records lack the newer fields; their cells say "not recorded".
    """
    free = sorted((run for run in free_runs if np.isclose(run["lam"], bounded_run["lam"], rtol=1e-9, atol=0)),
                  key=lambda run: run.get("seed", 0))
    if not free:
        raise ValueError(f"no free run at the bounded run's λ = {bounded_run['lam']}")
    columns = {"quantity": ("", "text")}
    runs = {}
    for run in free:
        runs[f"free_{run.get('seed', 0)}"] = run
        columns[f"free_{run.get('seed', 0)}"] = (f"free, seed {run.get('seed', 0)}", str)
    runs["bounded"] = bounded_run
    columns["bounded"] = (f"norm ≤ {bound:g}, seed {bounded_run.get('seed', 0)}", str)
    rows = [{"quantity": name, **{key: _fixed(form)(run.get(field)) for key, run in runs.items()}}
            for name, (field, form) in BOUNDED_QUANTITIES.items()]
    for part, name in (("max", "readout norm: largest"), ("mean", "readout norm: mean"),
                       ("active_mean", "readout norm: active units")):
        rows.append({"quantity": name, **{key: _fixed("{:.3f}")((run.get("readout_norms") or {}).get(part))
                                          for key, run in runs.items()}})
    return rows, columns


def demo_rows(demo) -> list[dict]:
    """The small live run's records (:func:`demo_record`) as rows of :data:`DEMO_COLUMNS`."""
    demo = check_records(demo, DEMO_FIELDS, "demo", advice="build each record with demo_record(...)")
    return [{**run, "active_percent": 100 * run["avr_test"] / run["units"]} for run in demo]
