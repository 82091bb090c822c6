"""What the trade-off chapter concludes: how accurate a code can be at a given sparsity.

The chapter sets a target for each of the source's classifiers (:data:`TARGETS`: a test
accuracy at no more than a number of active units per digit) and asks which of the book's
full-size runs reach it, **seed by seed**: a setting meets the target when every one of its
seeds (at least :data:`MIN_SEEDS`) has at least the accuracy and at most the AVR. Runs come
from several experiments (the source's λ grid, a bounded readout, TopK codes, ...); each is a
*family*, a label and its run records, merged over seeds by
:func:`~sparsebook.findings.mean_records` along the family's strength (λ or k).
"""

from __future__ import annotations

from . import by_strength, check_records, mean_records, seed_range as _range, seeds_text, spread_text
from ..plots import format_strength

#: For each network, (the test accuracy to reach at least, the AVR to stay at or below).
TARGETS = {
    "mlp": (0.980, 5.0),
    "cnn": (0.985, 100.0),
}
MIN_SEEDS = 3  #: A target counts as met only on at least this many seeds.
SOURCE_LAM = 1e-5  #: The source's run each target is set against (its sparse, accurate point).
RUN_FIELDS = ("test_accuracy", "train_accuracy", "avr_test", "seed", "dead_units_test", "units")


def _acc(value: float) -> str:
    return f"{value:.4f}"


def _units(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:#.3g}"


def _strength(record: dict) -> str:
    return format_strength(record).replace("=", " = ")


def _spread(record: dict, key: str, write) -> str:
    """``0.9718 (seeds 0.9705–0.9731)`` or ``0.9718 (one seed)`` (:func:`~sparsebook.findings.spread_text`),
    or ``5.00 (all 3 seeds)`` where every seed is written the same."""
    spread = record["spread"].get(key)
    if spread and len(record["seeds"]) > 1 and write(spread["min"]) == write(spread["max"]):
        return f"{write(record[key])} (all {len(record['seeds'])} seeds)"
    return spread_text(record, key, write)


def _point(record: dict) -> str:
    """``accuracy 0.9788 (seeds 0.9776–0.9796) at an AVR of 5.00 (all 3 seeds)``, or for one seed
    ``accuracy 0.9731 at an AVR of 59.1 (one seed)``."""
    if len(record["seeds"]) < 2:
        return f"accuracy {_acc(record['test_accuracy'])} at an AVR of {_units(record['avr_test'])} (one seed)"
    return (f"accuracy {_spread(record, 'test_accuracy', _acc)} at an AVR of "
            f"{_spread(record, 'avr_test', _units)}")


def _count(value: float) -> str:
    """A count, or a mean of counts over seeds: ``189``, ``1,498.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _name(record: dict) -> str:
    """``“TopK, k lowered” at k = 5``: a setting as the sentences name it."""
    return f"“{record['family']}” at {_strength(record)}"


def check_target(target) -> tuple[float, float]:
    """``target`` as ``(accuracy, avr)``, after checking it is a pair with accuracy in (0, 1] and AVR > 0."""
    try:
        accuracy, avr = (float(value) for value in target)
    except (TypeError, ValueError):
        raise TypeError(f"target must be a pair (accuracy, avr), got {target!r}") from None
    if not 0 < accuracy <= 1 or not avr > 0:
        raise ValueError(f"target must be (accuracy in (0, 1], avr > 0), got {target!r}")
    return accuracy, avr


def settings(families: dict) -> list[dict]:
    """One record per setting (family and strength), merged over its seeds.

    ``families`` maps a label to run records of one experiment (several seeds per strength).
    Each record gains ``family`` (its label) and ``per_seed``: ``(accuracy, avr)`` of every seed.
    """
    if not isinstance(families, dict) or not families:
        raise ValueError("families must be a non-empty dict: label -> list of run records")
    merged = []
    for label, runs in families.items():
        runs = check_records(runs, RUN_FIELDS, f"the runs of {label!r}",
                             advice="run `python -m sparsebook.sweep <experiment> --mode full`")
        strength = runs[0].get("strength_name", "lam")
        groups = by_strength(runs, strength)
        for record in mean_records(runs, strength):
            group = groups[float(record[strength])]
            record["family"] = label
            record["per_seed"] = [(run["test_accuracy"], run["avr_test"]) for run in group]
            merged.append(record)
    return merged


def meets(record: dict, target) -> int:
    """How many of ``record``'s seeds reach ``target``: accuracy at least, AVR at most."""
    accuracy, avr = check_target(target)
    return sum(1 for acc, active in record["per_seed"] if acc >= accuracy and active <= avr)


def best_within(records: list[dict], avr: float) -> dict | None:
    """The most accurate setting (mean over seeds) whose every seed uses at most ``avr`` units; None if none."""
    within = [r for r in records if max(active for _, active in r["per_seed"]) <= avr]
    return max(within, key=lambda r: r["test_accuracy"]) if within else None


def findings(families: dict, target, source_run: dict, dense: dict | None = None,
             network: str = "network") -> dict:
    """Numbers and sentences of one network's trade-off against ``target``.

    ``source_run`` is the source's row the target is set against (``test_accuracy``,
    ``avr_train_batch``); ``dense`` (optional) is the merged record of the same network with
    no sparsity mechanism and the best training found, whose accuracy bounds what any code of
    this network can reach.
    """
    accuracy, avr = check_target(target)
    records = settings(families)
    met = [r for r in records if len(r["seeds"]) >= MIN_SEEDS and meets(r, target) == len(r["seeds"])]
    best = best_within(records, avr)
    found = {"target_accuracy": _acc(accuracy), "target_avr": _units(avr), "min_seeds": MIN_SEEDS,
             "source_accuracy": _acc(source_run["test_accuracy"]),
             "source_avr": _units(source_run["avr_train_batch"])}
    goal = f"a test accuracy of at least {_acc(accuracy)} with at most {_units(avr)} active units per digit"
    if met:
        winner = max(met, key=lambda r: r["test_accuracy"])
        found["target_sentence"] = (
            f"The target, {goal} on each of {MIN_SEEDS} or more seeds, is met by {len(met)} of the "
            f"{len(records)} settings; the most accurate is {_name(winner)}: {_point(winner)}.")
    else:
        close = [r for r in records if meets(r, target)]
        partly = ""
        if close:
            r = max(close, key=lambda r: meets(r, target))
            partly = (f" ({_name(r)} reaches it on {meets(r, target)} of its "
                      f"{len(r['seeds'])} seeds)")
        found["target_sentence"] = (f"No setting of the {network} meets the target, {goal} on each of "
                                    f"{MIN_SEEDS} or more seeds{partly}.")
    found["met"] = len(met)
    if best is None:
        found["best_sentence"] = f"No setting keeps every seed at or below {_units(avr)} active units."
    else:
        gap = 100 * (best["test_accuracy"] - source_run["test_accuracy"])
        than = (f"{abs(gap):.2f} points {'above' if gap > 0 else 'below'}" if round(gap, 2) else "level with")
        found["best_sentence"] = (
            f"The most accurate code with at most {_units(avr)} active units per digit is "
            f"{_name(best)}: {_point(best)}, {than} the source's {_acc(source_run['test_accuracy'])} at "
            f"{_units(source_run['avr_train_batch'])} (its AVR measured on a training batch).")
        found["best_accuracy"] = _acc(best["test_accuracy"])
        found["best_train_sentence"] = ""
        if best["test_accuracy"] < accuracy:
            train = _spread(best, "train_accuracy", _acc) if len(best["seeds"]) > 1 \
                else f"{_acc(best['train_accuracy'])} (one seed)"
            if best["spread"].get("train_accuracy", {}).get("min", best["train_accuracy"]) >= accuracy:
                found["best_train_sentence"] = (
                    f"On its own training digits the same code is {train} accurate, above the target: "
                    f"the accuracy it lacks is lost in generalising to new digits, not in fitting the "
                    f"training set.")
            else:
                found["best_train_sentence"] = (
                    f"Even on its own training digits the same code is only {train} accurate, below the "
                    f"target: it does not fit the digits it was trained on well enough.")
    if dense is not None:
        short = accuracy - dense["test_accuracy"]
        seeds = len(dense.get("seeds", [dense.get("seed")]))
        reach = (f"Trained with no sparsity mechanism at all, this {network} reaches "
                 f"{_acc(dense['test_accuracy'])} ({seeds_text(dense)}) with {_units(dense['avr_test'])} active "
                 f"units per digit")
        sparse = [r for r in records if r.get("strength_name", "lam") != "lam" or r["lam"] > 0]  # a mechanism on
        top = max(sparse, key=lambda r: r["test_accuracy"]) if sparse else None
        if short > 0 and top is not None and top["test_accuracy"] < dense["test_accuracy"]:
            found["dense_sentence"] = (
                f"{reach}: {100 * short:.2f} points short of the target before any unit is silenced, and "
                f"every code made sparse here is less accurate than that (the most accurate, {_name(top)}, "
                f"by {100 * (dense['test_accuracy'] - top['test_accuracy']):.2f} points"
                f"{', one seed' if len(top['seeds']) < 2 else ''}). "
                + ("Reaching the target takes a more accurate network, not only a better sparsity mechanism."
                   if seeds >= MIN_SEEDS and len(top["seeds"]) >= MIN_SEEDS else
                   "With so few seeds this is an indication, not a measured bound: reaching the target looks "
                   "like it takes a more accurate network, not only a better sparsity mechanism."))
        elif short > 0:
            found["dense_sentence"] = (
                f"{reach}: {100 * short:.2f} points short of the target, though a sparser code can do "
                f"better than the dense one: {_name(top)} reaches {_acc(top['test_accuracy'])}.")
        else:
            found["dense_sentence"] = (
                f"{reach}, at or above the target's accuracy: what is lost on the way to "
                f"{_units(avr)} units is lost to the sparsity mechanism.")
        found["dense_accuracy"] = _acc(dense["test_accuracy"])
    return found


def dead_units_sentence(plain: dict, annealed: dict, what: str = "TopK code") -> str:
    """How many units a TopK code leaves dead, with and without lowering k during training.

    ``plain`` and ``annealed`` are merged records (:func:`settings`) at the same k.
    """
    units = plain["units"]
    return (f"At {_strength(plain)}, the {what} leaves {_spread(plain, 'dead_units_test', _count)} of its "
            f"{int(units):,} units dead (active on no test digit). Starting with more winners and lowering "
            f"their number during training leaves {_compare(annealed, plain, 'dead_units_test', 'fewer', 'more')} "
            f"dead units, {_spread(annealed, 'dead_units_test', _count)}, and reaches "
            f"{_compare(annealed, plain, 'test_accuracy', 'a lower', 'a higher')} accuracy, "
            f"{_spread(annealed, 'test_accuracy', _acc)} against {_spread(plain, 'test_accuracy', _acc)}.")


def _compare(a: dict, b: dict, key: str, lower: str, higher: str) -> str:
    """``lower``/``higher`` when ``a``'s seeds all lie below/above ``b``'s; else "about as many"/"about the same"."""
    (a_low, a_high), (b_low, b_high) = _range(a, key), _range(b, key)
    if a_high < b_low:
        return lower
    if a_low > b_high:
        return higher
    return "about as many" if lower == "fewer" else "about the same"


def _setting(records: list[dict], family: str, strength: float) -> dict:
    for record in records:
        name = record.get("strength_name", "lam")
        if record["family"] == family and float(record[name]) == float(strength):
            return record
    raise ValueError(f"no setting {family!r} at strength {strength:g}; the chapter needs it")


def _one(families: dict, label: str) -> list[dict]:
    if label not in families:
        raise ValueError(f"the chapter needs the runs of {label!r}; got {sorted(families)}")
    return settings({label: families[label]})


TOPK_K = {"mlp": 5, "cnn": 100}  #: The k at which the chapter compares TopK variants.
BOUNDED_LAM = 1e-4  #: The bounded-readout run with the source's constant learning rate.


def method_findings(mlp_families: dict, cnn_families: dict) -> dict:
    """The sentences comparing mechanisms: TopK with and without lowering k, a second layer, the schedule.

    The families' labels are the chapter's: "TopK", "TopK, k lowered", "TopK, k lowered, 2 layers",
    "L1, bounded readout", "L1, bounded readout, cosine" (fully connected) and "TopK",
    "TopK, k lowered" (CNN).
    """
    k = TOPK_K["mlp"]
    plain = _one(mlp_families, "TopK")
    lowered = _one(mlp_families, "TopK, k lowered")
    deep = _one(mlp_families, "TopK, k lowered, 2 layers")
    plain_k, lowered_k = (_setting(r, r[0]["family"], k) for r in (plain, lowered))
    deep_k = _setting(deep, deep[0]["family"], k)
    found = {"mlp_dead_sentence": dead_units_sentence(plain_k, lowered_k, "TopK layer")}
    more = _compare(deep_k, lowered_k, "test_accuracy", "lower", "higher")
    verdict = {"higher": "With the same number of winners, a deeper encoder does better, beyond the seeds' "
                         "spread; it also has about twice the weights, so these runs do not tell depth "
                         "from size.",
               "lower": "A deeper encoder does not help here.",
               "about the same": "The extra layer does not move the accuracy beyond the seeds' spread."}[more]
    found["mlp_depth_sentence"] = (
        f"One more dense ReLU layer in front of the code (784 units, neither penalised nor counted in "
        f"the AVR) gives {more if more != 'about the same' else 'about the same'} accuracy at "
        f"{_strength(deep_k)}: {_spread(deep_k, 'test_accuracy', _acc)} against "
        f"{_spread(lowered_k, 'test_accuracy', _acc)} with one layer. {verdict}")
    cosine = _one(mlp_families, "L1, bounded readout, cosine")
    constant = _setting(_one(mlp_families, "L1, bounded readout"), "L1, bounded readout", BOUNDED_LAM)
    points = "; ".join(f"at {_strength(r)}, {_point(r)}" for r in cosine)
    lowest = min(min(active for _, active in r["per_seed"]) for r in cosine)
    floor = (f" None of them gets down to {_units(TARGETS['mlp'][1])} active units: the lowest AVR is "
             f"{_units(lowest)}." if lowest > TARGETS["mlp"][1] else "")
    found["mlp_cosine_sentence"] = (
        f"With the bounded readout and the cosine schedule: {points}. With the constant rate, at "
        f"{_strength(constant)}: {_point(constant)}.{floor}")
    cnn_k = _setting(_one(cnn_families, "TopK"), "TopK", TOPK_K["cnn"])
    cnn_lowered = _setting(_one(cnn_families, "TopK, k lowered"), "TopK, k lowered", TOPK_K["cnn"])
    if len(cnn_lowered["seeds"]) < 2:  # one seed: say so once, not after every number
        lowered_text = (f"{cnn_lowered.get('start_k', 0):,.0f} (one seed), leaves "
                        f"{_count(cnn_lowered['dead_units_test'])} units and "
                        f"{_count(cnn_lowered['dead_maps'])} maps dead and reaches "
                        f"{_acc(cnn_lowered['test_accuracy'])}.")
    else:
        lowered_text = (f"{cnn_lowered.get('start_k', 0):,.0f}, leaves "
                        f"{_spread(cnn_lowered, 'dead_units_test', _count)} units and "
                        f"{_spread(cnn_lowered, 'dead_maps', _count)} maps dead and reaches "
                        f"{_spread(cnn_lowered, 'test_accuracy', _acc)}.")
    found["cnn_topk_sentence"] = (
        f"The TopK CNN at {_strength(cnn_k)} reaches {_spread(cnn_k, 'test_accuracy', _acc)} and leaves "
        f"{_spread(cnn_k, 'dead_units_test', _count)} of its {int(cnn_k['units']):,} units dead, "
        f"{_spread(cnn_k, 'dead_maps', _count)} of its {len(cnn_k['map_firing_rates_test'])} feature "
        f"maps never active: all its winners come from the few maps left. Lowering k during training, from "
        + lowered_text)
    shares = [100 * r["dead_units_test"] / r["units"] for r in (plain_k, cnn_k)]
    found["lesson_topk_sentence"] = (
        f"A TopK layer fixes the number of active units instead of asking for it, with no λ to tune; "
        f"its weakness is the units that never win: {shares[0]:.0f} % of the fully connected layer and "
        f"{shares[1]:.0f} % of the CNN's units with a fixed k.")
    for net, families in (("mlp", mlp_families), ("cnn", cnn_families)):
        accuracy, avr = TARGETS[net]
        best = best_within(settings(families), avr)
        name = "fully connected network" if net == "mlp" else "CNN"
        if best is None:
            found[f"{net}_lesson_sentence"] = f"No {name} code stays within {_units(avr)} active units."
            continue
        reached = "meets" if (len(best["seeds"]) >= MIN_SEEDS and meets(best, TARGETS[net]) == len(best["seeds"])) \
            else "does not meet"
        found[f"{net}_lesson_sentence"] = (
            f"The best {name} code with at most {_units(avr)} active units per digit, {_name(best)}, is "
            f"{_spread(best, 'test_accuracy', _acc)} accurate and {reached} the target of {_acc(accuracy)}.")
    return found


#: The two parts of the settings table (each fits the page's column), mapping key to name shown.
TABLE_PARTS = (
    {"seeds": "seeds", "test_accuracy": "test accuracy"},
    {"avr_test": "AVR (test)", "dead_units_test": "dead units (test)"},
)


def _with_range(record: dict, key: str) -> str:
    """``0.9824 (0.9811–0.9840)``: the mean over seeds and, where they differ, the lowest and highest."""
    write = {"test_accuracy": _acc, "avr_test": _units}.get(key, _count)
    low, high = _range(record, key)
    return write(record[key]) + (f" ({write(low)}–{write(high)})" if low != high else "")


def tables(families: dict, network: str | None = None):
    """The settings side by side, in two tables that fit the page's column: accuracy, then the code.

    One row per setting (family and strength, merged over seeds by :func:`settings`); each
    value is the mean over seeds, with the range over seeds where there are several. Returns
    two styled tables (:func:`sparsebook.tables.table`), captioned with ``network``'s name if given.
    """
    from ..tables import table

    rows = []
    for record in settings(families):
        row = {"mechanism": record["family"], "strength": _strength(record),
               "seeds": len(record["seeds"])}
        row.update({key: _with_range(record, key) for part in TABLE_PARTS for key in part
                    if key != "seeds"})
        rows.append(row)
    named = {"mechanism": ("mechanism", "text"), "strength": ("λ or k", "text")}
    parts = []
    for part, what in zip(TABLE_PARTS, ("test accuracy", "code")):
        columns = {**named, **{key: (name, "int" if key == "seeds" else str) for key, name in part.items()}}
        caption = (f"{network}: the {what} of each setting, mean over seeds (in brackets, the lowest "
                   f"and the highest seed)") if network else None
        parts.append(table(rows, columns, caption=caption))
    return tuple(parts)


def demo_sentence(plain: dict, lowered: dict) -> str:
    """What the page's small run shows: dead units and accuracy with a fixed and a lowered k."""
    for run in (plain, lowered):
        check_records([run], ("test_accuracy", "dead_units_test", "units", "k"), "the demo run",
                      advice="it comes from sparsebook.sweep.sweep")
    fewer = ("fewer" if lowered["dead_units_test"] < plain["dead_units_test"] else
             "as many" if lowered["dead_units_test"] == plain["dead_units_test"] else "more")
    return (f"In this small run, lowering k during training leaves {fewer} dead units "
            f"({lowered['dead_units_test']} against {plain['dead_units_test']} of {plain['units']}) at "
            f"an accuracy of {_acc(lowered['test_accuracy'])} against {_acc(plain['test_accuracy'])}: "
            f"one seed of a short run, an illustration of the full-size comparison above, not evidence.")


def schedule_sentence(cosine: dict, constant: dict) -> str:
    """The dense network with the cosine schedule against the same network with the constant rate.

    Both are merged records (:func:`settings`) of the same network with no sparsity mechanism;
    with one seed each the sentence states the numbers and claims no difference.
    """
    return (f"What the schedule alone does, on the CNN with no sparsity mechanism: with the cosine "
            f"schedule, {_point(cosine)}; with the constant rate, {_point(constant)}.")
