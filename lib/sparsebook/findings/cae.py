"""What the convolutional sparse auto-encoder chapter concludes: numbers and sentences from its runs.

:func:`findings` reads the committed full-size runs of both decoders
(``results/cae_transpose.json``, ``results/cae_subpixel.json``), the classifier without a
decoder (``results/cnn.json``), the source's table, and the unpenalised run with the
reconstruction counted 200 times (``results/cae_transpose_weight200.json``). Every sentence
whose truth depends on a comparison is written here, whole, from the numbers. Reconstruction
errors are compared twice: on the test digits at the end of training, and in the median of the
training batches logged over the last quarter of each run (:func:`tail_reconstruction`), since
the error of one run can swing by a factor of two or more from one logged step to the next.

Beside :func:`findings`: :func:`dead_units` (the book's definition: a unit is dead when it is
non-zero on none of the test digits; a map when all its units are), :func:`reconstruction_context`
(the error against the digits' variance and ink, from the ``code_baselines`` study),
:func:`source_pairing` (the source's rows against our runs at twice their λ, its bug 1),
:func:`decoder_overlap` (how the two decoders' contributions overlap on the output) and
:func:`bounded_autoencoder` (the run with bounded readout and decoder atoms against the free one).
Every run is one seed.
"""

from __future__ import annotations

import numpy as np

from ..plots import format_lam
from ..tables import format_value
from . import check_runs, mean_records, run_at, seeds_text
from .cnn import AT_BOUND, compare_bounded, dead_maps, norms_text, phases_sentence, why_sentence

DECODERS = {"transpose": "transposed convolution", "subpixel": "sub-pixel"}  #: Decoder key -> label in tables.
WITH = {"transpose": "the transposed convolution", "subpixel": "the sub-pixel decoder"}  #: Decoder key -> in prose.
GREY_LEVELS_SQUARED = 255**2  #: A squared error per pixel in [0, 1] units times this is in grey levels².
SOURCE_ROUNDED_BOUND = 1.0  #: The bound the source states for the error after rounding to integers (grey levels²).
CURVE_LAM = 1e-4  #: The λ whose training curves compare how fast the two decoders' codes become sparse.
FIRST_LAM = 1e-5  #: The smallest λ > 0 of the grid, where the page shows what the penalty does.
SPARSER_FACTOR = 10.0  #: A code with this many times fewer active units is "made sparse" by the penalty.
TAIL_FRACTION = 0.25  #: The last quarter of a run, whose logged training batches give a second reconstruction error.
PIXELS = 784  #: Pixels per digit, over which the logged reconstruction error is summed.

RUN_FIELDS = ("lam", "test_accuracy", "avr_test", "avr_train_batch", "units", "map_firing_rates_test",
              "reconstruction_mse_test", "reconstruction_mse_train", "reconstruction_mse_quantised_test", "curve",
              "steps", "n_train", "n_test")
CNN_FIELDS = ("lam", "test_accuracy", "avr_test", "steps", "n_train", "n_test")
SOURCE_FIELDS = ("lam", "test_accuracy", "avr_train_batch", "loss_ae")
LAM_NAMES = {0.0: "0", 1e-5: "1e5", 5e-5: "5e5", 1e-4: "1e4", 5e-4: "5e4"}  #: λ -> the suffix of glue names.


# --- how numbers are written -----------------------------------------------------------------

def _lam(lam: float) -> str:
    return f"λ = {format_lam(lam)}"


def _units(avr: float) -> str:
    """An average number of active units: ``18,784``, ``885``, ``42.8``."""
    return f"{avr:,.0f}" if avr >= 100 else f"{avr:.3g}"


def _mse(value: float) -> str:
    return f"{value:.1e}"


def _lams(lams: list) -> str:
    """``λ = 0``, ``λ = 0 and 5e-4``, ``λ = 0, 1e-5 and 5e-4``."""
    names = [format_lam(lam) for lam in lams]
    return "λ = " + (" and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0])


def _of(k: int, n: int) -> str:
    """``at every value of λ`` / ``at none of the 5 values of λ`` / ``at 3 of the 5 values of λ``."""
    if k == n:
        return "at every value of λ"
    if k == 0:
        return f"at none of the {n} values of λ"
    return f"at {k} of the {n} values of λ"


# --- checks ----------------------------------------------------------------------------------

def _check_runs(runs, fields: tuple, what: str) -> list[dict]:
    return check_runs(runs, fields, what, advice="pass the runs of load_results(...)['runs'] or of source_runs(...)")


# --- the full-size runs ------------------------------------------------------------------------

def _cnn_runs(cnn) -> list[dict]:
    """The classifier's runs, one record per λ: ``results/cnn.json`` holds several seeds at some λ
    (seed 1 at the bounded-readout run's λ), merged by :func:`~sparsebook.findings.mean_records`; the
    same seed twice at one λ is refused."""
    if not isinstance(cnn, (list, tuple)) or not cnn:
        raise ValueError("cnn must be a non-empty list of run records (dicts)")
    for i, run in enumerate(cnn):
        if not isinstance(run, dict):
            raise TypeError(f"cnn[{i}] must be a dict (a run record), got {type(run).__name__}")
        missing = [field for field in CNN_FIELDS if field not in run]
        if missing:
            raise ValueError(f"cnn[{i}] (λ = {run.get('lam')}) lacks {missing}; pass the runs of "
                             "load_results(...)['runs']")
    keys = [(run["lam"], run.get("seed", 0)) for run in cnn]
    if len(set(keys)) != len(keys):
        raise ValueError(f"cnn holds two runs with the same λ and seed: {sorted(keys)}")
    return _check_runs(mean_records(cnn), CNN_FIELDS, "cnn")


def findings(transpose, subpixel, cnn, source, weight200) -> dict:
    """The chapter's conclusions from the full-size runs.

    Parameters
    ----------
    transpose, subpixel : list of dict
        The records of ``results/cae_transpose.json`` and ``results/cae_subpixel.json``, on
        the same λ grid (0, 1e-5, ..., with 1e-4 among them).
    cnn : list of dict
        The records of ``results/cnn.json`` (the encoder and classifier without a decoder); several
        seeds at one λ are merged (their mean), the page uses its runs at λ = 0 and 1e-5.
    source : list of dict
        ``sparsebook.reference.source_runs("cae_transpose")``, on the same grid.
    weight200 : list of dict
        The records of ``results/cae_transpose_weight200.json``: one run at λ = 0 with
        ``reconstruction_weight`` 200.

    Returns
    -------
    dict
        Numbers and whole sentences (str), keyed by the names the page glues them under.
    """
    runs = {"transpose": _check_runs(transpose, RUN_FIELDS, "transpose"),
            "subpixel": _check_runs(subpixel, RUN_FIELDS, "subpixel")}
    cnn = _cnn_runs(cnn)
    source = _check_runs(source, SOURCE_FIELDS, "source")
    weight200 = _check_runs(weight200, RUN_FIELDS + ("reconstruction_weight",), "weight200")
    lams = [run["lam"] for run in runs["transpose"]]
    for what, other in (("subpixel", runs["subpixel"]), ("source", source)):
        if [run["lam"] for run in other] != lams:
            raise ValueError(f"transpose and {what} must share their λ grid, got {lams} and "
                             f"{[run['lam'] for run in other]}")
    if lams[0] != 0 or len(lams) < 3:
        raise ValueError(f"the runs must hold λ = 0 and at least two λ > 0, got {lams}")
    for lam in (FIRST_LAM, CURVE_LAM):
        run_at(runs["transpose"], lam, "transpose")
    run_at(cnn, 0.0, "cnn")
    run_at(cnn, FIRST_LAM, "cnn")
    weighted = run_at(weight200, 0.0, "weight200")
    if weighted["reconstruction_weight"] == 1:
        raise ValueError("weight200 holds a run with the reconstruction counted once; pass the records of "
                         "results/cae_transpose_weight200.json")
    sizes = {(run["steps"], run["n_train"], run["n_test"])
             for group in (runs["transpose"], runs["subpixel"], cnn, weight200) for run in group}
    if len(sizes) != 1:
        raise ValueError(f"the runs must share their steps and data sizes (steps, training digits, test digits) "
                         f"to be compared, got {sorted(sizes)}")
    (steps, n_train, n_test), = sizes

    out = {"largest_lam": format_lam(lams[-1]), "curve_lam": format_lam(CURVE_LAM),
           "first_lam": format_lam(FIRST_LAM), "units": int(runs["transpose"][0]["units"]),
           "reconstruction_weight": float(weighted["reconstruction_weight"]), "grid_size": len(lams),
           "full_steps": int(steps), "full_train_digits": int(n_train), "full_test_digits": int(n_test)}
    for decoder, decoder_runs in runs.items():
        for run in decoder_runs:
            name = LAM_NAMES.get(run["lam"], format_lam(run["lam"]))
            out.update({f"{decoder}_acc_{name}": run["test_accuracy"], f"{decoder}_avr_{name}": run["avr_test"],
                        f"{decoder}_mse_{name}": run["reconstruction_mse_test"],
                        f"{decoder}_levels_{name}": run["reconstruction_mse_quantised_test"] * GREY_LEVELS_SQUARED,
                        f"{decoder}_dead_maps_{name}": dead_maps(run),
                        f"{decoder}_pct_{name}": 100 * run["avr_test"] / run["units"]})
    for run in source:
        name = LAM_NAMES.get(run["lam"], format_lam(run["lam"]))
        out.update({f"source_acc_{name}": run["test_accuracy"], f"source_avr_{name}": run["avr_train_batch"],
                    f"source_loss_ae_{name}": run["loss_ae"]})
    cnn0 = run_at(cnn, 0.0, "cnn")
    out.update({"cnn_acc_0": cnn0["test_accuracy"], "cnn_avr_0": cnn0["avr_test"],
                "weight200_acc": weighted["test_accuracy"], "weight200_avr": weighted["avr_test"],
                "weight200_mse": weighted["reconstruction_mse_test"],
                "source_loss_ae_per_value": source[0]["loss_ae"] / (PIXELS * 200)})
    out.update(activity_without_penalty({d: r[0] for d, r in runs.items()}, cnn0))
    out.update(penalty_makes_sparse({d: r[0] for d, r in runs.items()},
                                    {d: run_at(r, FIRST_LAM, d) for d, r in runs.items()}))
    out.update(source_activity(runs["transpose"], source))
    out.update(bug_direction(runs["transpose"][0], weighted, source[0]))
    for decoder, decoder_runs in runs.items():
        out.update(reconstruction_trend(decoder, decoder_runs))
    out.update(rounded_errors(runs))
    out.update(sparse_code_redraws(runs["transpose"][-1]))
    out.update(sparsity_speed({d: run_at(r, CURVE_LAM, d) for d, r in runs.items()}))
    out.update(sparsity_speed_grid(runs))
    out.update(reconstruction_comparison(runs))
    out.update(reconstruction_measures(runs))
    out.update(source_loss_trend(source))
    out.update(weight200_effect(runs["transpose"][0], weighted))
    out.update(accuracy_gain(runs["transpose"][0], run_at(runs["transpose"], FIRST_LAM, "transpose"),
                             source[0], run_at(source, FIRST_LAM, "source"), weighted))
    out.update(lessons(out))
    return out


def activity_without_penalty(unpenalised: dict, cnn0: dict) -> dict:
    """Do the auto-encoders' codes keep more units active than the classifier alone, at λ = 0?"""
    denser = [decoder for decoder, run in unpenalised.items() if run["avr_test"] > cnn0["avr_test"]]
    if len(denser) == len(unpenalised):
        sentence = "Both keep more units active than the classifier alone."
    elif not denser:
        sentence = "Neither keeps more units active than the classifier alone."
    else:
        sentence = f"Only the code of {WITH[denser[0]]} keeps more units active than the classifier alone."
    return {"denser_than_cnn_0": len(denser), "activity_vs_cnn_sentence": sentence}


def penalty_makes_sparse(unpenalised: dict, first: dict) -> dict:
    """How many times fewer active units the smallest λ > 0 leaves, for each decoder."""
    factors = {d: unpenalised[d]["avr_test"] / max(first[d]["avr_test"], 1e-12) for d in unpenalised}
    parts = [f"{_units(first[d]['avr_test'])} with {WITH[d]} ({factors[d]:.0f} times fewer, for "
             f"{first[d]['test_accuracy']:.4f})" for d in first]
    parts[0] = (f"{_units(first['transpose']['avr_test'])} active units per digit with {WITH['transpose']} "
                f"({factors['transpose']:.0f} times fewer than without a penalty, for "
                f"{first['transpose']['test_accuracy']:.4f} test accuracy)")
    lam = _lam(next(iter(first.values()))["lam"])
    sparse = [d for d in factors if factors[d] >= SPARSER_FACTOR]
    if len(sparse) == len(factors):
        head = f"The penalty makes the code sparse all the same: at {lam}, "
    elif not sparse:
        head = (f"The penalty does not make the code much sparser (not {SPARSER_FACTOR:.0f} times) at the "
                f"smallest λ: at {lam}, ")
    else:
        head = f"The penalty makes only the code of {WITH[sparse[0]]} sparse at the smallest λ: at {lam}, "
    return {"first_lam_sparser_factor_min": min(factors.values()),
            "penalty_sparse_sentence": head + " and ".join(parts) + "."}


def source_activity(transpose: list[dict], source: list[dict]) -> dict:
    """The source's codes against ours, both counted on a training batch, and its unpenalised accuracy."""
    n = len(source)
    denser = sum(s["avr_train_batch"] > o["avr_train_batch"] for o, s in zip(transpose, source))
    first_ours, first_source = run_at(transpose, FIRST_LAM, "transpose"), run_at(source, FIRST_LAM, "source")
    if denser == n:
        head = "The source's codes are denser than ours at every λ of the grid"
    elif denser == 0:
        head = "The source's codes are no denser than ours at any λ of the grid"
    else:
        head = f"The source's codes are denser than ours at {denser} of the {n} λ of the grid"
    acc, src_acc = transpose[0]["test_accuracy"], source[0]["test_accuracy"]
    accuracy = "lower" if src_acc < acc else "higher" if src_acc > acc else "the same"
    although = (", although each of its penalised runs trained with twice the λ of its row (bug 1, below)"
                if denser == n else "")
    sentence = (f"{head} (counted the same way, on a training batch: {_units(first_source['avr_train_batch'])} "
                f"active units at {_lam(FIRST_LAM)} against our {_units(first_ours['avr_train_batch'])}){although}; "
                f"its accuracy without a penalty is {accuracy} ({src_acc:.4f} against our {acc:.4f}).")
    return {"source_denser_lams": denser, "source_acc_0_lower": src_acc < acc, "source_activity_sentence": sentence}


def bug_direction(plain: dict, weighted: dict, source0: dict) -> dict:
    """Does counting the reconstruction 200 times push the unpenalised network towards the source's
    numbers (more active units, lower accuracy)? ``source0`` is the source's run at λ = 0."""
    more_units = weighted["avr_train_batch"] > plain["avr_train_batch"]
    less_accurate = weighted["test_accuracy"] < plain["test_accuracy"]
    numbers = (f"{_units(weighted['avr_train_batch'])} active units on a training batch against our "
               f"{_units(plain['avr_train_batch'])} and the source's {_units(source0['avr_train_batch'])}, and "
               f"{weighted['test_accuracy']:.4f} test accuracy against our {plain['test_accuracy']:.4f} and the "
               f"source's {source0['test_accuracy']:.4f}")
    weight = f"{weighted['reconstruction_weight']:g}"
    head = "The source's decoder bug, described below,"
    if more_units and less_accurate:
        verdict = f"{head} pushes towards both"
    elif more_units:
        verdict = f"{head} explains the denser code but not the lower accuracy"
    elif less_accurate:
        verdict = f"{head} explains the lower accuracy but not the denser code"
    else:
        verdict = f"{head} explains neither"
    sentence = (f"{verdict}: our unpenalised network trained with the reconstruction counted {weight} times, as "
                f"the bug did, ends with {numbers}.")
    return {"bug_more_units": more_units, "bug_less_accurate": less_accurate, "bug_direction_sentence": sentence}


def reconstruction_trend(decoder: str, runs: list[dict]) -> dict:
    """How one decoder's test reconstruction error moves along the λ grid."""
    values = [run["reconstruction_mse_test"] for run in runs]
    rises = all(b > a for a, b in zip(values, values[1:]))
    lowest = runs[int(np.argmin(values))]
    sentence = (f"With {WITH.get(decoder, decoder)} the reconstruction error goes from {_mse(values[0])} "
                f"per pixel without a penalty to {_mse(values[-1])} at {_lam(runs[-1]['lam'])}")
    if rises:
        sentence += ", and it rises at every step of the grid."
    else:
        sentence += (f", but it does not rise at every step of the grid: it is lowest at {_lam(lowest['lam'])} "
                     f"({_mse(lowest['reconstruction_mse_test'])}).")
    return {f"mse_rises_every_step_{decoder}": rises, f"mse_lowest_lam_{decoder}": lowest["lam"],
            f"mse_trend_{decoder}_sentence": sentence}


def rounded_errors(runs: dict) -> dict:
    """The rounded reconstructions of both grids against the source's bound of 1 grey level²."""
    levels = [(run["reconstruction_mse_quantised_test"] * GREY_LEVELS_SQUARED, decoder, run["lam"])
              for decoder, decoder_runs in runs.items() for run in decoder_runs]
    n = len(levels)
    worst, worst_decoder, worst_lam = max(levels)
    below = sum(value < SOURCE_ROUNDED_BOUND for value, _, _ in levels)
    head = ("Rounded to the 256 grey levels of an 8-bit image, the reconstructions are off by a squared error "
            "of")
    remark = "the source's remark that after rounding to integers the error stays below 1"
    if below == n:
        sentence = (f"{head} at most {worst:.2f} grey levels² per pixel on average in all {n} runs, in line with "
                    f"{remark}.")
    elif below == 0:
        sentence = f"{head} at least 1 grey level² per pixel on average in all {n} runs, unlike {remark}."
    else:
        above = [(value, decoder, lam) for value, decoder, lam in levels if value >= SOURCE_ROUNDED_BOUND]
        where = " and ".join(f"{WITH[decoder]} at {_lam(lam)} ({value:.2f})" for value, decoder, lam in above)
        sentence = (f"{head} less than 1 grey level² per pixel on average in {below} of the {n} runs, in line "
                    f"with {remark}, except for {where}.")
    return {"worst_levels": worst, "worst_levels_decoder": worst_decoder, "worst_levels_lam": worst_lam,
            "rounded_below_bound_runs": below, "rounded_runs": n, "rounded_sentence": sentence}


def sparse_code_redraws(run: dict) -> dict:
    """The sparsest transposed-convolution code (largest λ): how much of the layer, how close its redraw."""
    levels = run["reconstruction_mse_quantised_test"] * GREY_LEVELS_SQUARED
    pct = 100 * run["avr_test"] / run["units"]
    maps = len(run["map_firing_rates_test"])
    sentence = (f"At {_lam(run['lam'])} the transposed convolution's code has {dead_maps(run)} dead maps out of "
                f"{maps} and {_units(run['avr_test'])} active units per digit, {pct:.1f} % of the layer, and its "
                f"rounded reconstruction is off by {levels:.2f} grey levels² per pixel")
    if levels < SOURCE_ROUNDED_BOUND:
        sentence += ", less than one: a sparse code can describe a digit almost exactly."
    else:
        sentence += ", more than one: at this sparsity the code loses detail a decoder needs."
    return {"sparsest_levels": levels, "sparsest_pct": pct, "sparse_code_sentence": sentence}


def steps_to_reach(curve: dict, key: str, target: float):
    """The first logged step at which ``curve[key]`` is at most ``target`` (None if never)."""
    if "step" not in curve or key not in curve or len(curve["step"]) != len(curve[key]):
        raise ValueError(f"curve must hold 'step' and {key!r}, of the same length")
    hits = np.flatnonzero(np.asarray(curve[key], dtype=float) <= target)
    return int(curve["step"][hits[0]]) if hits.size else None


def sparsity_speed(at_curve_lam: dict) -> dict:
    """Which decoder's code gets sparse sooner: the step its training-batch AVR first falls below
    twice the final AVR of the slower of the two."""
    target = 2 * max(run["avr_train_batch"] for run in at_curve_lam.values())
    steps = {d: steps_to_reach(run["curve"], "avr_train_batch", target) for d, run in at_curve_lam.items()}
    lam = _lam(next(iter(at_curve_lam.values()))["lam"])
    sub, tra = steps["subpixel"], steps["transpose"]
    head = (f"At {lam} the sub-pixel decoder's code falls below {_units(target)} active units (twice the final "
            f"value of the denser of the two) at step {sub:,}, the transposed convolution's at step {tra:,}")
    if sub < tra:
        sentence = f"{head}: the sub-pixel code becomes sparse sooner, {tra - sub:,} steps ahead."
    elif sub > tra:
        sentence = f"{head}: the sub-pixel code becomes sparse later, {sub - tra:,} steps behind."
    else:
        sentence = f"{head}: both codes become sparse at the same logged step."
    return {"avr_target": target, "steps_to_avr_subpixel": sub, "steps_to_avr_transpose": tra,
            "subpixel_sparse_sooner": sub < tra, "sparsity_speed_sentence": sentence}


def reconstruction_comparison(runs: dict) -> dict:
    """At how many λ of the grid the sub-pixel decoder reconstructs the test digits better."""
    pairs = list(zip(runs["transpose"], runs["subpixel"]))
    better = [s["lam"] for t, s in pairs if s["reconstruction_mse_test"] < t["reconstruction_mse_test"]]
    n = len(pairs)
    worse = [format_lam(t["lam"]) for t, s in pairs if s["lam"] not in better]
    worse = " and ".join([", ".join(worse[:-1]), worse[-1]] if len(worse) > 1 else worse)
    sentence = f"The sub-pixel decoder reconstructs the test digits better {_of(len(better), n)}"
    if worse and better:
        sentence += f"; the transposed convolution does better at λ = {worse}"
    curve_pair = [(t, s) for t, s in pairs if np.isclose(t["lam"], CURVE_LAM, rtol=1e-9, atol=0)]
    if curve_pair:
        t, s = curve_pair[0]
        sentence += (f" (at {_lam(CURVE_LAM)}: {_mse(s['reconstruction_mse_test'])} per pixel against "
                     f"{_mse(t['reconstruction_mse_test'])})")
    return {"subpixel_better_lams": better, "subpixel_better_count": len(better),
            "reconstruction_comparison_sentence": sentence + "."}


def sparsity_speed_grid(runs: dict) -> dict:
    """:func:`sparsity_speed` at every λ > 0 of the grid: at how many the sub-pixel code gets sparse later."""
    behind = [sparsity_speed({"transpose": t, "subpixel": s})
              for t, s in zip(runs["transpose"], runs["subpixel"]) if t["lam"] > 0]
    gaps = [speed["steps_to_avr_subpixel"] - speed["steps_to_avr_transpose"] for speed in behind]
    m = len(gaps)
    later, sooner, same = sum(g > 0 for g in gaps), sum(g < 0 for g in gaps), sum(g == 0 for g in gaps)
    head = f"Measured the same way at each of the {m} values of λ > 0, the sub-pixel code becomes sparse"
    lo, hi = min(abs(g) for g in gaps), max(abs(g) for g in gaps)
    by = f"by {lo:,} steps" if lo == hi else f"by {lo:,} to {hi:,} steps"
    if later == m:
        sentence = f"{head} later every time, {by}."
    elif sooner == m:
        sentence = f"{head} sooner every time, {by}."
    else:
        sentence = f"{head} later at {later} of them, sooner at {sooner}"
        sentence += f" and at the same logged step at {same}." if same else "."
    return {"subpixel_sparse_later_lams": later, "positive_lams": m, "sparsity_speed_grid_sentence": sentence}


def tail_reconstruction(run: dict) -> tuple[float, int, int]:
    """The median reconstruction error per pixel of the training batches logged in the last
    :data:`TAIL_FRACTION` of a run's steps, how many batches that is, and how many steps it spans."""
    curve = run.get("curve")
    if (not isinstance(curve, dict) or "step" not in curve or "reconstruction" not in curve
            or len(curve["step"]) != len(curve["reconstruction"]) or not curve["step"]):
        raise ValueError(f"the run at λ = {run.get('lam')} needs a curve with 'step' and 'reconstruction', of the "
                         "same non-zero length (the records of results/cae_*.json have them)")
    steps = np.asarray(curve["step"], dtype=float)
    values = np.asarray(curve["reconstruction"], dtype=float) / PIXELS
    start = steps[-1] * (1 - TAIL_FRACTION)
    window = steps > start
    return float(np.median(values[window])), int(window.sum()), int(steps[-1] - start)


def reconstruction_measures(runs: dict) -> dict:
    """The decoders ranked by a second measure of the reconstruction, :func:`tail_reconstruction`,
    against the test digits at the end of training; the curves' order at :data:`CURVE_LAM`."""
    pairs = list(zip(runs["transpose"], runs["subpixel"]))
    n = len(pairs)
    tails = [(tail_reconstruction(t)[0], tail_reconstruction(s)[0]) for t, s in pairs]
    _, batches, span = tail_reconstruction(runs["transpose"][0])
    test_better = [s["reconstruction_mse_test"] < t["reconstruction_mse_test"] for t, s in pairs]
    tail_better = [s_tail < t_tail for t_tail, s_tail in tails]
    better_lams = [t["lam"] for (t, _), better in zip(pairs, tail_better) if better]
    agree = [(t["lam"], "subpixel" if tail else "transpose")
             for (t, _), test, tail in zip(pairs, test_better, tail_better) if test == tail]
    gap = max(abs(run["reconstruction_mse_train"] / run["reconstruction_mse_test"] - 1)
              for decoder_runs in runs.values() for run in decoder_runs)

    where = f" ({_lams(better_lams)})" if 0 < len(better_lams) < n else ""
    sentence = (f"A second measure is the median error of the {batches} training batches logged over the last "
                f"{span:,} steps of each run (at the end of training the error on the training digits is within "
                f"{100 * gap:.0f} % of the test digits' in every run); by it the sub-pixel decoder reconstructs "
                f"better {_of(len(better_lams), n)}{where}.")
    if len(agree) == n:
        sentence += " The two measures agree at every value of λ."
    elif not agree:
        sentence += (" The two measures disagree at every value of λ: one run of each decoder does not say which "
                     "reconstructs better.")
    else:
        listed = " and ".join(f"{_lam(lam)} (better with {WITH[winner]})" for lam, winner in agree)
        sentence += (f" The two measures agree only at {listed}; at the other {n - len(agree)} values of λ which "
                     "decoder reconstructs better depends on where the error is measured, and one run of each does "
                     "not settle it.")

    t, s = next((t, s) for t, s in pairs if np.isclose(t["lam"], CURVE_LAM, rtol=1e-9, atol=0))
    above = int(np.sum(np.asarray(s["curve"]["reconstruction"]) > np.asarray(t["curve"]["reconstruction"])))
    logged = len(t["curve"]["reconstruction"])
    panel = (f"On the training batches of the top panel, the sub-pixel decoder's error at {_lam(CURVE_LAM)} is "
             f"above the transposed convolution's at {above:,} of the {logged:,} logged steps")
    sub_better_at_test = s["reconstruction_mse_test"] < t["reconstruction_mse_test"]
    if 2 * above == logged:
        panel += ", neither above nor below it for most of training."
    elif (2 * above > logged) == sub_better_at_test:
        panel += ", the reverse of the order the test digits give at the end of training."
    else:
        panel += ", the order the test digits give at the end of training."
    return {"subpixel_better_tail_lams": better_lams, "measures_agree_lams": [lam for lam, _ in agree],
            "measures_agree_winners": [winner for _, winner in agree], "tail_batches": batches, "tail_steps": span,
            "train_test_mse_gap": gap, "curve_panel_above_steps": above,
            "curve_panel_sentence": panel, "reconstruction_measures_sentence": sentence}


def source_loss_trend(source: list[dict]) -> dict:
    """How the source's logged ``loss_ae`` (reconstruction plus penalty) moves along its grid."""
    values = [run["loss_ae"] for run in source]
    rises = all(b > a for a, b in zip(values, values[1:]))
    span = f"from {values[0]:g} at {_lam(source[0]['lam'])} to {values[-1]:g} at {_lam(source[-1]['lam'])}"
    if rises:
        sentence = f"it rises at every step of the grid, {span}"
    else:
        sentence = f"it does not rise at every step of the grid; it goes {span}"
    return {"source_loss_rises": rises, "source_loss_clause": sentence}


def weight200_effect(plain: dict, weighted: dict) -> dict:
    """What the factor 200 does to the unpenalised transposed-convolution network, at full size."""
    weight = f"{weighted['reconstruction_weight']:g}"
    acc, w_acc = plain["test_accuracy"], weighted["test_accuracy"]
    avr, w_avr = plain["avr_test"], weighted["avr_test"]
    mse, w_mse = plain["reconstruction_mse_test"], weighted["reconstruction_mse_test"]
    (tail, _, span), (w_tail, _, _) = tail_reconstruction(plain), tail_reconstruction(weighted)
    accuracy = "lowers" if w_acc < acc else "raises" if w_acc > acc else "leaves unchanged"
    units = "more" if w_avr > avr else "fewer" if w_avr < avr else "as many"

    def error(ours, theirs):
        return "a lower" if theirs < ours else "a higher" if theirs > ours else "the same"

    at_end = f"({_mse(mse)}, then {_mse(w_mse)} per pixel)"
    in_tail = (f"in the median of the training batches logged over the last {span:,} steps ({_mse(tail)}, then "
               f"{_mse(w_tail)})")
    if error(mse, w_mse) == error(tail, w_tail):
        recon = f"gives {error(mse, w_mse)} reconstruction error, at the end of training {at_end} and {in_tail}"
    else:
        recon = (f"gives {error(mse, w_mse)} reconstruction error at the end of training {at_end} but "
                 f"{error(tail, w_tail)} one {in_tail}")
    sentence = (f"At full size, counting the reconstruction {weight} times {accuracy} the unpenalised network's "
                f"test accuracy (from {acc:.4f} to {w_acc:.4f}), leaves {units} units active per test digit "
                f"({_units(avr)}, then {_units(w_avr)}) and {recon}")
    lower_both, higher_both = w_mse < mse and w_tail < tail, w_mse > mse and w_tail > tail
    if w_acc < acc and lower_both:
        sentence += ": the decoder gains what the classifier loses."
    elif w_acc < acc and higher_both:
        sentence += ": the factor costs accuracy without buying a better reconstruction."
    elif w_acc < acc:
        sentence += ": the factor costs accuracy, and one run does not say whether it buys a better reconstruction."
    else:
        sentence += "."
    out = {"weight200_lowers_accuracy": w_acc < acc, "weight200_more_units": w_avr > avr,
           "weight200_lowers_mse": w_mse < mse, "weight200_lowers_tail_mse": w_tail < tail,
           "weight200_points": 100 * (w_acc - acc)}
    if "train_accuracy" in plain and "train_accuracy" in weighted:
        train, w_train = plain["train_accuracy"], weighted["train_accuracy"]
        if w_train < train:
            sentence += (f" Its training accuracy falls too, from {train:.4f} to {w_train:.4f}: the network "
                         "classifies even the digits it trains on less well.")
        else:
            sentence += f" Its training accuracy does not fall ({train:.4f}, then {w_train:.4f})."
        out["weight200_lowers_train_accuracy"] = w_train < train
    out["weight200_sentence"] = sentence
    return out


def accuracy_gain(plain: dict, first: dict, source0: dict, source_first: dict, weighted: dict) -> dict:
    """The accuracy gained from λ = 0 to the smallest λ, ours against the source's, and how much of
    the gap between the two unpenalised accuracies the factor 200 accounts for."""
    ours = 100 * (first["test_accuracy"] - plain["test_accuracy"])
    theirs = 100 * (source_first["test_accuracy"] - source0["test_accuracy"])
    lam = _lam(first["lam"])
    if theirs > 0 and ours < theirs / 2:
        size = "much smaller than"
    elif ours < theirs:
        size = "smaller than"
    elif ours > theirs:
        size = "larger than"
    else:
        size = "the same as"
    moved = "rose" if theirs > 0 else "fell" if theirs < 0 else "stayed"
    source_clause = (f"its accuracy {moved} from {source0['test_accuracy']:.4f} without a penalty to "
                     f"{source_first['test_accuracy']:.4f} at its row's {lam} (a run with "
                     f"{format_lam(SOURCE_LAM_FACTOR * source_first['lam'])}, bug 1)")
    gain = (f"With the reconstruction counted once, ours goes from {plain['test_accuracy']:.4f} to "
            f"{first['test_accuracy']:.4f} at {lam}, a change of {ours:+.2f} points, {size} the source's "
            f"{theirs:+.2f}.")
    gap = plain["test_accuracy"] - source0["test_accuracy"]
    drop = plain["test_accuracy"] - weighted["test_accuracy"]
    share = drop / gap if gap > 0 else float("nan")
    weight = f"{weighted['reconstruction_weight']:g}"
    if gap <= 0:
        why = "Our unpenalised network is not more accurate than the source's, so there is no gap to explain."
    elif drop <= 0:
        why = (f"The full run with the reconstruction counted {weight} times does not explain it: its accuracy "
               f"without a penalty, {weighted['test_accuracy']:.4f}, is not below ours.")
    else:
        part = ("all" if share >= 1 else "most" if share >= 0.75 else "part" if share >= 0.25
                else "a small part")
        why = (f"Counting the reconstruction {weight} times accounts for {part} of the difference between the "
               f"two unpenalised networks: it lowers our accuracy by {100 * drop:.2f} points, to "
               f"{weighted['test_accuracy']:.4f}, where the source's is {100 * gap:.2f} points below ours; "
               "the gain the source credited to sparsity is measured from a starting point the factor lowers.")
    return {"our_change_points": ours, "source_change_points": theirs, "weight200_share_of_gap": share,
            "weight200_drop_points": 100 * drop, "source_gap_points": 100 * gap,
            "source_gain_clause": source_clause, "accuracy_gain_sentence": gain, "accuracy_gap_sentence": why}


def lessons(out: dict) -> dict:
    """The "What we learned" bullets, from the numbers and verdicts :func:`findings` computed."""
    first = f"λ = {out['first_lam']}"
    avr0 = (f"{_units(out['transpose_avr_0'])} active units with the transposed convolution and "
            f"{_units(out['subpixel_avr_0'])} with the sub-pixel decoder, against {_units(out['cnn_avr_0'])} for "
            "the classifier alone")
    keeps = {2: "the convolutional code keeps more", 0: "the convolutional code keeps no more"}.get(
        out["denser_than_cnn_0"], "one of the two codes keeps more")
    activity = f"Asked to redraw the digit as well, {keeps} units active without a penalty ({avr0})"
    first_avr = (f"{_units(out['transpose_avr_1e5'])} and {_units(out['subpixel_avr_1e5'])} active units at {first} "
                 "for the two decoders")
    if out["first_lam_sparser_factor_min"] >= SPARSER_FACTOR:
        activity += f", and the penalty makes it sparse all the same: {first_avr}."
    else:
        activity += f"; the smallest penalty leaves {first_avr}."
    below, runs, worst = out["rounded_below_bound_runs"], out["rounded_runs"], out["worst_levels"]
    where = ("in every full run of the grid" if below == runs else f"in {below} of the {runs} full runs of the grid")
    rounded = (f"Rounded to 8 bits, the reconstruction is off by less than 1 grey level² of squared error per "
               f"pixel {where}, and by at most {worst:.2f}")
    if worst < 2 * SOURCE_ROUNDED_BOUND:
        rounded += ": even the sparsest codes redraw the digit closely."
    else:
        rounded += "."
    n, m, later = out["grid_size"], out["positive_lams"], out["subpixel_sparse_later_lams"]
    if later == m:
        speed = "later than the transposed convolution's at every λ > 0 of the grid, not sooner as the source reported"
    elif later == 0:
        speed = "no later than the transposed convolution's at any λ > 0 of the grid"
    else:
        speed = f"later than the transposed convolution's at {later} of the {m} values of λ > 0"
    agree = list(zip(out["measures_agree_lams"], out["measures_agree_winners"]))
    if len(agree) == n:
        ahead = [lam for lam, winner in agree if winner == "subpixel"]
        recon = f"both measures of the reconstruction find it better {_of(len(ahead), n)}"
    elif not agree:
        recon = "the two measures of the reconstruction disagree at every λ"
    else:
        listed = " and ".join(f"{_lam(lam)} (better with {WITH[winner]})" for lam, winner in agree)
        recon = (f"the two measures of the reconstruction agree on a ranking only at {listed}, and disagree at "
                 f"the other {n - len(agree)}")
    subpixel = f"The sub-pixel decoder's code becomes sparse {speed}; {recon} (one seed of each decoder at each λ)."
    weight = f"{out['reconstruction_weight']:g}"
    if out["weight200_lowers_accuracy"]:
        bug = (f"The source's decoder counted the reconstruction {weight} times, which lowers the accuracy of the "
               f"unpenalised network by {-out['weight200_points']:.2f} points at full size; with the loss as "
               f"written, the accuracy gained at {first} is {out['our_change_points']:+.2f} points, against the "
               f"{out['source_change_points']:+.2f} of the source's row at {first} (a run with twice that λ).")
    else:
        bug = (f"The source's decoder counted the reconstruction {weight} times; at full size that does not lower "
               f"the accuracy of the unpenalised network, so it does not explain the source's low starting point.")
    return {"lesson_activity_sentence": activity, "lesson_rounded_sentence": rounded,
            "lesson_subpixel_sentence": subpixel, "lesson_bug_sentence": bug}


# --- dead units, the reconstruction in context, the source's rows, the decoders' overlap -----------

FVU_ALMOST_EXACT = 0.01  #: A fraction of variance unexplained below this (1 %) is an "almost exact" redraw.


def _write_pct(fraction: float) -> str:
    """A small fraction as a percentage with two significant digits: ``0.0021 %``, ``0.02 %``, ``1.3 %``."""
    return f"{100 * fraction:.2g} %"


def dead_units(runs: dict) -> dict:
    """Dead units (non-zero on none of the test digits) for each decoder, from λ = 0 (the baseline) to the
    largest λ; ``runs``: decoder -> its records (with ``dead_units_test``)."""
    parts, out = [], {}
    for decoder, decoder_runs in runs.items():
        decoder_runs = _check_runs(decoder_runs, ("lam", "units", "dead_units_test", "n_test"), decoder)
        base, largest = decoder_runs[0], decoder_runs[-1]
        if base["lam"] != 0:
            raise ValueError(f"{decoder} needs its run at λ = 0, the baseline of the dead-unit count")
        units = int(base["units"])
        d0, dl = int(base["dead_units_test"]), int(largest["dead_units_test"])
        out.update({f"{decoder}_dead_units_0": d0, f"{decoder}_dead_units_largest": dl})
        parts.append(f"{d0:,} ({100 * d0 / units:.1f} %) with {WITH.get(decoder, decoder)} without a penalty and "
                     f"{dl:,} ({100 * dl / units:.1f} %) at {_lam(largest['lam'])}")
        n_test, all_units = int(base["n_test"]), units
    sentence = (f"A unit is dead when it is non-zero on none of the {n_test:,} test digits (the book's definition; a "
                f"map is dead when all its units are). Of the {all_units:,} units, " + "; ".join(parts) + ".")
    out["dead_units_sentence"] = sentence
    return out


def reconstruction_context(runs: dict, baselines: dict) -> dict:
    """The reconstruction errors of ``runs`` (decoder -> records) in context: as a fraction of the
    test digits' variance, and the code's active values against the digit's ink.

    ``baselines`` is the summary of the ``code_baselines`` study (``sweep.load_study(...)[0]``):
    ``pixel_variance_test``, ``ink_pixels_test``, ``nonzero_pixels_test``.
    """
    for key in ("pixel_variance_test", "ink_pixels_test", "nonzero_pixels_test"):
        if not isinstance(baselines, dict) or key not in baselines:
            raise ValueError(f"baselines must be the code_baselines study's summary, with {key!r}; pass "
                             "sweep.load_study('code_baselines')[0]")
    variance, ink, nonzero = (float(baselines[k]) for k in ("pixel_variance_test", "ink_pixels_test",
                                                           "nonzero_pixels_test"))
    if not variance > 0:
        raise ValueError(f"pixel_variance_test must be > 0, got {variance}")
    fvu = {d: [run["reconstruction_mse_test"] / variance for run in r] for d, r in runs.items()}
    worst = max((value, d, run["lam"]) for d, r in runs.items() for value, run in zip(fvu[d], r))
    base = {d: r[0] for d, r in runs.items()}
    units = int(next(iter(base.values()))["units"])
    ratio = units / PIXELS
    head = (f"Measured against how much the test digits vary (a pixel's variance, {variance:.4f} on average over the "
            f"{PIXELS} pixels), the reconstruction leaves "
            + " and ".join(f"{_write_pct(fvu[d][0])} ({DECODERS.get(d, d)})" for d in runs)
            + f" of the variance unexplained without a penalty, and at most {_write_pct(worst[0])} "
              f"({WITH[worst[1]]} at {_lam(worst[2])})")
    if worst[0] < FVU_ALMOST_EXACT:
        fvu_sentence = head + ": at every λ of the grid the digits are redrawn almost exactly."
    else:
        fvu_sentence = head + "."
    sparsest = min(((run["avr_test"], d, run["lam"]) for d, r in runs.items() for run in r))
    per_pixel = sparsest[0] / nonzero
    ink_sentence = (f"A test digit has {ink:.0f} pixels brighter than 0.5 on average and {nonzero:.0f} non-zero "
                    f"pixels; the sparsest code of the grid ({WITH[sparsest[1]]} at {_lam(sparsest[2])}) has "
                    f"{_units(sparsest[0])} active units per digit, {per_pixel:.1f} per non-zero pixel")
    if sparsest[0] > nonzero:
        ink_sentence += (": every code of the grid keeps more non-zero numbers than the digit itself has, so none "
                         "is a compression of the digit.")
    else:
        ink_sentence += ": the sparsest codes keep fewer non-zero numbers than the digit itself has."
    sparsest_fvu = fvu[sparsest[1]][[run["lam"] for run in runs[sparsest[1]]].index(sparsest[2])]
    overcomplete_sentence = (f"The code has {units:,} units for {PIXELS} pixels, {ratio:.0f} times over-complete: "
                             "with that many numbers to draw a digit from, a near-perfect reconstruction is "
                             "expected and says little about the code by itself; what the penalty shows is that "
                             f"{_units(sparsest[0])} active units per digit still redraw it with "
                             f"{_write_pct(sparsest_fvu)} "
                             "of the variance unexplained.")
    out = {"pixel_variance": variance, "ink_pixels": ink, "nonzero_pixels": nonzero, "overcomplete_ratio": ratio,
           "worst_fvu": worst[0], "sparsest_avr_per_nonzero_pixel": per_pixel, "fvu_sentence": fvu_sentence,
           "ink_sentence": ink_sentence, "overcomplete_sentence": overcomplete_sentence}
    for d, values in fvu.items():
        for run, value in zip(runs[d], values):
            out[f"{d}_fvu_{LAM_NAMES.get(run['lam'], format_lam(run['lam']))}"] = value
    return out


SOURCE_LAM_FACTOR = 2.0  #: The source added its penalty twice (bug 1), so its row at λ trained with 2λ.


def source_pairing(transpose: list[dict], source: list[dict]) -> dict:
    """The source's rows paired with our runs at the λ they trained with (twice their λ, bug 1)."""
    transpose = _check_runs(transpose, ("lam", "test_accuracy", "avr_train_batch"), "transpose")
    source = _check_runs(source, SOURCE_FIELDS, "source")
    ours = {run["lam"]: run for run in transpose}
    effective = [SOURCE_LAM_FACTOR * run["lam"] for run in source]
    pairs = []
    for run, lam in zip(source, effective):
        match = next((o for l, o in ours.items() if np.isclose(l, lam, rtol=1e-9, atol=0)), None)
        if run["lam"] > 0 and match is not None:
            pairs.append((run, match))
    penalised = sum(run["lam"] > 0 for run in source)
    times = "twice" if SOURCE_LAM_FACTOR == 2 else f"{SOURCE_LAM_FACTOR:g} times"
    head = (f"Paired instead by the λ each of the source's runs trained with ({times} its row's, bug 1), λ = 0 is "
            "unaffected, and")
    if not pairs:
        sentence = f"{head} none of its other {penalised} rows has a run of ours at that λ."
    else:
        listed = "; ".join(
            f"its row at {_lam(s['lam'])} (trained with {format_lam(o['lam'])}) reaches {s['test_accuracy']:.4f} with "
            f"{_units(s['avr_train_batch'])} active units on a training batch, our run at {_lam(o['lam'])} "
            f"{o['test_accuracy']:.4f} with {_units(o['avr_train_batch'])}" for s, o in pairs)
        which = "only " if len(pairs) < penalised else ""
        sentence = (f"{head} of its other {penalised} rows {which}{len(pairs)} {'has' if len(pairs) == 1 else 'have'} "
                    f"a run of ours at that λ: {listed}.")
    denser = sum(s["avr_train_batch"] > o["avr_train_batch"] for s, o in pairs)
    if pairs:
        example = (f"its row for {_lam(pairs[0][0]['lam'])} is a run at our {_lam(pairs[0][1]['lam'])}, the only row "
                   "of its grid that lands on ours" if len(pairs) == 1 else
                   "; ".join(f"its row for {_lam(s['lam'])} is a run at our {_lam(o['lam'])}" for s, o in pairs))
    else:
        example = "none of its penalised rows lands on a λ of our grid"
    return {"source_bug1_example": example, "source_effective_lams": effective, "source_paired_lams": [s["lam"] for s, _ in pairs],
            "source_denser_paired": denser, "source_pairing_sentence": sentence}


def _box(mask: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def decoder_overlap(footprints: dict, margin: int = 4) -> dict:
    """How each decoder's code units overlap on the output image.

    ``footprints``: decoder -> a boolean array (positions, height, width), the output pixels that
    one code position of one map changes (one row per position of the code grid). Pixels closer
    than ``margin`` to the border are left out of the overlap count.
    """
    out, parts = {}, {}
    for decoder, mask in footprints.items():
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim != 3 or not mask.any(axis=(1, 2)).all() or min(mask.shape[1:]) <= 2 * margin:
            raise ValueError(f"footprints[{decoder!r}] must be a boolean array (positions, height, width) with a "
                             f"non-empty footprint for every position, larger than twice the margin ({margin})")
        sizes = mask.sum(axis=(1, 2))
        middle = int(np.argmax(sizes))  # a unit away from the border has the full footprint
        rows, cols = _box(mask[middle])
        coverage = mask.sum(axis=0)[margin:-margin, margin:-margin]
        counts = sorted({int(c) for c in np.unique(coverage)})
        even = len(counts) == 1
        out.update({f"{decoder}_footprint_pixels": int(sizes.max()), f"{decoder}_footprint_box": f"{rows} × {cols}",
                    f"{decoder}_overlap_counts": counts, f"{decoder}_overlap_even": even})
        if even:
            overlap = (f"every pixel away from the border sums the contributions of the same {counts[0]} code "
                       "positions of each map")
        else:
            listed = ", ".join(map(str, counts[:-1])) + f" or {counts[-1]}"
            overlap = (f"a pixel away from the border sums the contributions of {listed} code positions of each map, "
                       "depending on where it lies")
        parts[decoder] = (f"each code unit changes a {rows} × {cols} block of the output ({int(sizes.max())} "
                          f"pixels), and {overlap}")
    sentence = ""
    if "transpose" in parts:
        sentence += f"With the transposed convolution {parts['transpose']}"
        sentence += (": the overlap is uneven, the pattern behind the checkerboard artefacts transposed convolutions "
                     "are known for." if not out["transpose_overlap_even"] else ": the overlap is even.")
    if "subpixel" in parts:
        sentence += (" " if sentence else "") + f"With the sub-pixel decoder {parts['subpixel']}"
        if out["subpixel_overlap_even"]:
            sentence += (": its 3 × 3 convolution sums overlapping neighbourhoods of the code too, but evenly, and "
                         "each of the four pixels of a 2 × 2 output block has its own weights (its own channel).")
        else:
            sentence += ": its overlap is uneven too."
    out["overlap_sentence"] = sentence
    return out


def bounded_autoencoder(free_runs, bounded_runs, bound: float = 1.0) -> dict:
    """The transposed-convolution auto-encoder with each code unit's readout and each map's decoder atom held
    at norm <= ``bound`` (``results/cae_transpose_bounded.json``) against the free run at the same λ.

    Returns numbers and the sentences ``bounded_sentence``, ``bounded_norms_sentence``,
    ``free_phases_sentence``, ``bounded_phases_sentence`` and ``bounded_why_sentence``.
    """
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not bound > 0:
        raise ValueError(f"bound must be a number > 0 (the max-norm of the bounded runs), got {bound!r}")
    fields = ("lam", "test_accuracy", "avr_test", "units", "dead_units_test", "map_firing_rates_test",
              "reconstruction_mse_test", "curve")
    free = _check_runs(free_runs, fields, "free_runs")
    if isinstance(bounded_runs, (list, tuple)) and bounded_runs and all(isinstance(r, dict) and "lam" in r
                                                                        for r in bounded_runs):
        bounded_runs = mean_records(bounded_runs)
    bounded = _check_runs(bounded_runs, fields + ("readout_norms", "decoder_atom_norms"), "bounded_runs")
    if len(bounded) != 1:
        raise ValueError(f"bounded_runs must hold one λ, got {[run['lam'] for run in bounded]}")
    b = bounded[0]
    f = run_at(free, b["lam"], "free_runs")
    verdict, kind, ratio, points = compare_bounded(f, b)
    mse_b, mse_f = b["reconstruction_mse_test"], f["reconstruction_mse_test"]
    recon = ("a lower" if mse_b < mse_f else "a higher" if mse_b > mse_f else "the same")
    times = (f", {mse_b / mse_f:.1f} times the free run's" if mse_f > 0 and mse_b >= 2 * mse_f else
             f", {mse_f / mse_b:.1f} times below the free run's" if mse_b > 0 and mse_f >= 2 * mse_b else "")
    sentence = (f"With each code unit's readout and each map's decoder atom held at norm ≤ {bound:g} "
                f"({seeds_text(b)}), the auto-encoder at {_lam(b['lam'])} reaches {b['test_accuracy']:.4f} test "
                f"accuracy with {_units(b['avr_test'])} active units per test digit ({int(b['dead_units_test']):,} "
                f"dead) and {recon} reconstruction error ({_mse(mse_b)} per pixel{times}), against "
                f"{f['test_accuracy']:.4f}, {_units(f['avr_test'])} ({int(f['dead_units_test']):,} dead) and "
                f"{_mse(mse_f)} for the free run at the same λ (one seed): {verdict}.")
    readout, readouts_at_bound = norms_text(b["readout_norms"], bound, "readout")
    atoms = np.asarray(b["decoder_atom_norms"], dtype=float)
    rates = np.asarray(b["map_firing_rates_test"], dtype=float)
    if atoms.shape != rates.shape:
        raise ValueError(f"decoder_atom_norms must hold one norm per map ({rates.size}), got {atoms.size}")
    live = rates > 0
    atom_summary = {"mean": float(atoms.mean()), "max": float(atoms.max()), "min": float(atoms.min())}
    if live.any():
        atom_summary["active_mean"] = float(atoms[live].mean())
    atom_text, atoms_at_bound = norms_text(atom_summary, bound, "decoder atom", "maps")
    at_bound = int((atoms[live] >= AT_BOUND * bound).sum())
    most = (": most live maps' atoms sit at the bound, and the mean is pulled down by the rest"
            if not atoms_at_bound and 2 * at_bound > live.sum() else "")
    norms_sentence = (f"In the bounded run {readout}; {atom_text} ({at_bound} of the {int(live.sum())} maps active "
                      f"on some test digit within {100 * (1 - AT_BOUND):.0f} % of it{most}).")
    if "readout_norms" in f or "decoder_atom_norms" in f:
        norms_sentence += " The free run's record carries norms too; the table gives them."
    else:
        norms_sentence += (" The free run's record carries neither readout nor decoder norms (it was made before the "
                           "sweep recorded them), so how far its weights grew is not measured here.")
    free_phases = phases_sentence(f, f"In the free run at {_lam(f['lam'])}")
    bounded_phases = phases_sentence(b, "In the bounded run")
    lesson = (f"Holding the readout and the decoder atoms at norm ≤ {bound:g} at {_lam(b['lam'])} ({seeds_text(b)} "
              f"against one free seed): {verdict} ({_units(b['avr_test'])} active units against "
              f"{_units(f['avr_test'])}), with {recon} reconstruction error ({_mse(mse_b)} against {_mse(mse_f)} per "
              "pixel); " + {"same": "the free code's sparsity is not an artefact of its unbounded readers.",
                            "sparser": "closing the dodge makes the code sparser.",
                            "denser": "the free readers did not make the code less sparse; with them the code "
                                      "became sparser."}[kind])
    return {"bounded_lam": format_lam(b["lam"]), "bound": float(bound), "bounded_acc": b["test_accuracy"],
            "bounded_avr": b["avr_test"], "bounded_mse": mse_b, "free_acc": f["test_accuracy"],
            "free_avr": f["avr_test"], "free_mse": mse_f, "bounded_avr_ratio": ratio, "bounded_points": points,
            "bounded_kind": kind, "bounded_readouts_at_bound": readouts_at_bound,
            "bounded_atoms_at_bound": atoms_at_bound, "bounded_live_maps_at_bound": at_bound,
            "free_has_norms": "readout_norms" in f, "free_climbs_back": free_phases["climbs_back"],
            "bounded_climbs_back": bounded_phases["climbs_back"], "bounded_sentence": sentence,
            "bounded_norms_sentence": norms_sentence, "free_phases_sentence": free_phases["sentence"],
            "bounded_phases_sentence": bounded_phases["sentence"],
            "bounded_why_sentence": why_sentence(kind, free_phases, bounded_phases, "readout and decoder"),
            "lesson_bounded_sentence": lesson}


def seed_scale(cnn, lam: float, avr_ratio: float, points: float) -> dict:
    """The classifier's seeds at ``lam`` (``results/cnn.json``) as a yardstick for a one-seed comparison of the
    auto-encoder at that λ: ``avr_ratio`` (bounded / free active units) and ``points`` (accuracy difference)."""
    runs = [run for run in cnn if np.isclose(run["lam"], lam, rtol=1e-9, atol=0)]
    if len(runs) < 2:
        return {"seed_scale_seeds": len(runs), "seed_scale_sentence": (
            "The auto-encoder has one seed at each setting and the classifier without a decoder has no second seed "
            f"at {_lam(lam)}, so the seeds' spread is not measured here.")}
    avr = [run["avr_test"] for run in runs]
    acc = [run["test_accuracy"] for run in runs]
    spread_ratio, spread_points = max(avr) / min(avr), 100 * (max(acc) - min(acc))
    seeds = len(runs)
    ratio = max(avr_ratio, 1 / avr_ratio)
    sparsity = ("larger than" if ratio > spread_ratio else "within")
    accuracy = ("larger than" if abs(points) > spread_points else "within")
    sentence = (f"For the scale of seed-to-seed variation, which one seed of each auto-encoder cannot show: the "
                f"classifier without a decoder has {seeds} seeds at {_lam(lam)}, whose counts of active units differ "
                f"by a factor {spread_ratio:.2f} ({', '.join(_units(a) for a in sorted(avr))}) and whose test "
                f"accuracies by {spread_points:.2f} points ({', '.join(f'{a:.4f}' for a in sorted(acc))}); the "
                f"bounded and free auto-encoders differ by a factor {ratio:.2f} in active units, {sparsity} that "
                f"spread, and by {abs(points):.2f} points in accuracy, {accuracy} it.")
    return {"seed_scale_seeds": seeds, "seed_scale_avr_ratio": spread_ratio, "seed_scale_points": spread_points,
            "seed_scale_sparsity_beyond": ratio > spread_ratio, "seed_scale_accuracy_beyond": abs(points) > spread_points,
            "seed_scale_sentence": sentence}


# --- the tables the page shows (rows and columns for sparsebook.tables.table) ------------------

SHORT = {"transpose": "transposed", "subpixel": "sub-pixel"}  #: Decoder key -> label in narrow tables.
LAYER_COLUMNS = {"decoder": ("decoder", "text"), "layer": ("layer", "text"), "shape": ("output shape", "text"),
                 "parameters": ("parameters", "int")}  #: Columns of :func:`layer_rows`.
ACTIVITY_COLUMNS = {"decoder": ("decoder", "text"), "lam": ("λ", "lam"), "test_accuracy": ("accuracy", "accuracy"),
                    "avr_test": ("AVR", "number"), "dead_units_test": ("dead units", "int"),
                    "dead_maps": ("dead maps", "int")}  #: Columns of :func:`run_rows` on the code.
RECONSTRUCTION_COLUMNS = {"decoder": ("decoder", "text"), "lam": ("λ", "lam"),
                          "reconstruction_mse_test": ("MSE per pixel", "sci"), "fvu": ("FVU", "sci"),
                          "reconstruction_mse_quantised_test": ("MSE, 8-bit", "sci")}  #: ... on the redraw.
SOURCE_ACCURACY_COLUMNS = {"lam": ("λ", "lam"), "test_accuracy": ("accuracy (ours)", "accuracy"),
                           "source_accuracy": ("accuracy (source)", "accuracy"),
                           "loss_ae": ("loss_ae (source)", "number")}  #: Columns of :func:`source_rows`: accuracy.
SOURCE_AVR_COLUMNS = {"lam": ("λ", "lam"), "avr_test": ("AVR, test digits (ours)", "number"),
                      "source_avr": ("AVR, training batch (source)", "number")}  #: ... and activity.
DEMO_COLUMNS = {"decoder": ("decoder", "text"), "lam": ("λ", "lam"), "test_accuracy": ("accuracy", "accuracy"),
                "avr_test": ("AVR", "number"),
                "mse": ("MSE per pixel", "sci")}  #: Columns of the small live run's rows.


def layer_rows(models: dict) -> list[dict]:
    """The layers of each decoder's Keras model (``{decoder key: model}``) as rows of :data:`LAYER_COLUMNS`."""
    from .cnn import layer_rows as rows_of

    return [{"decoder": SHORT[decoder], **row} for decoder, model in models.items() for row in rows_of(model)]


def run_rows(runs_by_decoder: dict, baselines: dict) -> list[dict]:
    """Both decoders' full-size runs as rows of :data:`ACTIVITY_COLUMNS` and :data:`RECONSTRUCTION_COLUMNS`.

    ``baselines`` holds the test digits' ``pixel_variance_test``, which turns an error per pixel
    into a fraction of variance unexplained (FVU).
    """
    variance = float(baselines["pixel_variance_test"])
    rows = []
    for decoder, runs in runs_by_decoder.items():
        if decoder not in SHORT:
            raise ValueError(f"decoders must be among {sorted(SHORT)}, got {decoder!r}")
        for run in _check_runs(runs, RUN_FIELDS, f"runs_by_decoder[{decoder!r}]"):
            rows.append({**run, "decoder": SHORT[decoder], "dead_maps": dead_maps(run),
                         "fvu": run["reconstruction_mse_test"] / variance})
    return rows


def source_rows(transpose, source) -> list[dict]:
    """The source's rows next to our transposed-convolution runs at the λ it wrote.

    The rows hold the columns of :data:`SOURCE_ACCURACY_COLUMNS` and :data:`SOURCE_AVR_COLUMNS`.
    """
    ours = {run["lam"]: run for run in _check_runs(transpose, RUN_FIELDS, "transpose")}
    return [{"lam": row["lam"], "source_accuracy": row["test_accuracy"], "source_avr": row["avr_train_batch"],
             "loss_ae": row["loss_ae"],
             "test_accuracy": ours[row["lam"]]["test_accuracy"] if row["lam"] in ours else None,
             "avr_test": ours[row["lam"]]["avr_test"] if row["lam"] in ours else None}
            for row in _check_runs(source, SOURCE_FIELDS, "source")]


def side_by_side(runs: dict, quantities: dict) -> tuple[list[dict], dict]:
    """Rows (one per quantity) and columns for ``table``: one column per run of ``runs`` ({header: record}).

    ``quantities`` maps a name shown to ``(record key, format)``, or to a function of the record
    that returns the cell's text; a missing key reads "not recorded".
    """
    columns = {"quantity": ("", "text"), **{f"run_{i}": (header, str) for i, header in enumerate(runs)}}
    rows = []
    for name, how in quantities.items():
        row = {"quantity": name}
        for i, run in enumerate(runs.values()):
            if callable(how):
                row[f"run_{i}"] = how(run)
            else:
                key, form = how
                row[f"run_{i}"] = form.format(run[key]) if key in run else "not recorded"
        rows.append(row)
    return rows, columns


def _norm(field: str, part: str):
    """A cell writer for a norm summary: ``part`` of ``run[field]``; one norm per map is summarised over live maps."""
    def write(run):
        norms = run.get(field)
        if isinstance(norms, list):
            live = np.asarray(run["map_firing_rates_test"]) > 0
            norms = {"max": max(norms), "active_mean": float(np.mean(np.asarray(norms)[live]))}
        return f"{norms[part]:.3f}" if norms and part in norms else "not recorded"
    return write


BOUNDED_QUANTITIES = {  #: The rows of the bounded run's table (see :func:`side_by_side`).
    "test accuracy": lambda run: f"{100 * run['test_accuracy']:.2f} %",
    "AVR": ("avr_test", "{:,.1f}"),
    "dead units": ("dead_units_test", "{:,d}"),
    "MSE per pixel": lambda run: format_value(run.get("reconstruction_mse_test"), "sci"),
    "readout norm: largest": _norm("readout_norms", "max"),
    "readout norm: mean, active units": _norm("readout_norms", "active_mean"),
    "decoder atom norm: largest": _norm("decoder_atom_norms", "max"),
    "decoder atom norm: mean, live maps": _norm("decoder_atom_norms", "active_mean"),
}
WEIGHT200_QUANTITIES = {  #: The rows of the table of the run with the reconstruction counted 200 times.
    "test accuracy": lambda run: f"{100 * run['test_accuracy']:.2f} %",
    "training accuracy": lambda run: f"{100 * run['train_accuracy']:.2f} %",
    "AVR (test)": ("avr_test", "{:,.0f}"),
    "AVR (training batch)": ("avr_train_batch", "{:,.0f}"),
    "dead units": ("dead_units_test", "{:,d}"),
    "MSE per pixel": lambda run: format_value(run.get("reconstruction_mse_test"), "sci"),
}
