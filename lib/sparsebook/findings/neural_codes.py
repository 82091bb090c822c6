"""What the neural-codes chapter concludes: sentences written whole from the numbers its experiments compute.

The chapter's evidence is its own exact counts and simulations of random binary codes (fixed
seeds, computed on the page in seconds). Each function takes one section's numbers and returns
them with the sentences that compare them, so that when the numbers move, the words move too.
Monte Carlo rates are compared with their standard errors: closer than :data:`TIE_SE` standard
errors of their difference counts as "the same".
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from ..tables import format_value

TIE_SE = 3.0  #: Two Monte Carlo rates closer than this many standard errors of their difference are "the same".
MEMORY_SE = 3.0  #: A memory whose seed mean is within this many standard errors of the best one is on the plateau.
SEVERAL = 3.0  #: The least ratio the page calls "several times more".
CLOSE_FACTOR = 1.5  #: A number within this factor of a prediction is "close to" it.
RULE_CLOSE = 0.25  #: The least-ghost d is "near" the Bloom-filter rule when within this relative distance.
CODES = ("local", "sparse", "dense")  #: The three codes of the summary table, as the findings name them.


# --- how numbers and lists are written -------------------------------------------------------

def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _span(values: Sequence[int], grid: Sequence[int]) -> str:
    """``d = 8`` / ``d = 6 to 16`` (consecutive in ``grid``) / ``d = 2, 8 and 32``."""
    values = sorted(values)
    if len(values) == 1:
        return f"d = {values[0]}"
    positions = [list(grid).index(v) for v in values]
    if positions == list(range(positions[0], positions[-1] + 1)):
        return f"d = {values[0]} to {values[-1]}"
    return "d = " + _and([str(v) for v in values])


def _pct(fraction: float, digits: int = 0) -> str:
    """``0.2`` -> ``20 %`` (the book writes a space before %)."""
    return f"{100 * fraction:.{digits}f} %"


def _merge(phrases: list[str]) -> list[str]:
    """Join phrases that differ only in their last word: "... units silenced" and "... units flipped"."""
    merged: list[str] = []
    for phrase in phrases:
        head, _, last = phrase.rpartition(" ")
        if merged and "(" not in phrase and "(" not in merged[-1] and merged[-1].rpartition(" ")[0] == head:
            merged[-1] = f"{merged[-1]} or {last}"
        else:
            merged.append(phrase)
    return merged


def _rate_se(rate: float, n_trials: int) -> float:
    return math.sqrt(max(rate * (1 - rate), 1.0 / n_trials) / n_trials)  # never 0: one trial's share


def _same(a: float, b: float, n_trials: int) -> bool:
    """Two recall rates of ``n_trials`` trials each that chance alone could tell apart no better."""
    return abs(a - b) <= TIE_SE * math.hypot(_rate_se(a, n_trials), _rate_se(b, n_trials))


def _below(a: float, b: float, n_trials: int) -> bool:
    """Rate ``a`` is below rate ``b`` by more than chance."""
    return a < b and not _same(a, b, n_trials)


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_mapping(value, name: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty dict, got {type(value).__name__}")
    return value


# --- memory capacity: counting patterns ------------------------------------------------------

def counting(n_units) -> dict:
    """Where the source's ``2**d`` shortcut falls short of the exact count ``C(N, d)``, and the sentence.

    Exact integer arithmetic: ``short_until`` is the largest ``d`` with ``2**d < C(N, d)``;
    ``exceeds_every_sparse`` says whether ``C(N, d) > 2**d`` for every ``1 < d <= N/2``.
    """
    n_units = _check_positive_int(n_units, "n_units")
    short = [d for d in range(2, n_units + 1) if 2**d < math.comb(n_units, d)]
    over = [d for d in range(2, n_units + 1) if 2**d > math.comb(n_units, d)]
    exceeds_every_sparse = all(math.comb(n_units, d) > 2**d for d in range(2, n_units // 2 + 1))
    if not short:
        sentence = f"With N = {n_units} units the 2ᵈ shortcut never falls short of the true count."
        return {"short_until": 1, "exceeds_every_sparse": exceeds_every_sparse, "shortcut_sentence": sentence}
    last = max(short)
    clean = short == list(range(2, last + 1)) and over == list(range(last + 1, n_units + 1))
    if clean and last > n_units // 2:
        sentence = (f"The 2ᵈ shortcut falls short of the true count for every d from 2 to {last} (with "
                    f"N = {n_units}), far beyond any sparse code; it overstates only when more than "
                    f"{last} of the {n_units} units are on, where the true count, symmetric about "
                    f"N/2, has fallen back while 2ᵈ keeps growing.")
    elif clean:
        sentence = (f"The 2ᵈ shortcut falls short of the true count for every d from 2 to {last} (with "
                    f"N = {n_units}) and overstates it from d = {last + 1} on.")
    else:
        sentence = (f"With N = {n_units}, the 2ᵈ shortcut falls short of the true count for {len(short)} "
                    f"values of d from 2 to {n_units} and overstates it for {len(over)}.")
    return {"short_until": last, "exceeds_every_sparse": exceeds_every_sparse, "shortcut_sentence": sentence}


# --- interference ----------------------------------------------------------------------------

def ghost_check(exact: Mapping, measured: Mapping, n_superposed) -> dict:
    """How far the Monte Carlo ghost rates lie from the exact ones, in standard errors, and the sentence.

    ``exact`` maps ``d`` to :func:`sparsebook.codes.ghost_rate`, ``measured`` maps ``d`` to the
    :class:`sparsebook.codes.GhostEstimate` of the same setting. Where every probe agreed (standard
    error 0), one probe's share of the trials stands in for the standard error.
    """
    exact, measured = _check_mapping(exact, "exact"), _check_mapping(measured, "measured")
    if set(exact) != set(measured):
        raise ValueError(f"exact and measured must cover the same d, got {sorted(exact)} and {sorted(measured)}")
    n_superposed = _check_positive_int(n_superposed, "n_superposed")
    distances = {}
    for d, estimate in measured.items():
        error = estimate.standard_error or 1.0 / estimate.n_probes
        distances[d] = abs(estimate.rate - exact[d]) / error
    worst = max(distances, key=distances.get)
    if distances[worst] <= TIE_SE:
        sentence = (f"Every measurement lies within {distances[worst]:.1f} standard errors of the exact rate "
                    f"(the check superposes {n_superposed} items, so that ghosts are common enough to count).")
    else:
        sentence = (f"The measurement at d = {worst} lies {distances[worst]:.1f} standard errors from the exact "
                    f"rate, more than chance explains (the check superposes {n_superposed} items): the "
                    "simulation and the formula disagree there.")
    return {"ghost_check_se": distances[worst], "ghost_check_agrees": distances[worst] <= TIE_SE,
            "ghost_check_sentence": sentence}


def ghost_optimum(n_units, n_superposed, rates: Mapping, sparse_d, dense_d) -> dict:
    """Where the exact ghost rate is least (``d >= 2``), against the Bloom-filter rule ``(N/k) ln 2``.

    ``rates`` maps every ``d`` from 2 to ``N - 1`` to the exact ghost rate with ``k`` =
    ``n_superposed`` items superposed. Returns the least-ghost ``d``, the rule's value, and two
    sentences: the section's and the closing summary's.
    """
    n_units = _check_positive_int(n_units, "n_units")
    n_superposed = _check_positive_int(n_superposed, "n_superposed")
    rates = _check_mapping(rates, "rates")
    least = min(rates, key=rates.get)
    rule = n_units / n_superposed * math.log(2)
    near = abs(least - rule) <= RULE_CLOSE * rule
    dense, sparse = rates[dense_d], rates[sparse_d]
    if near:
        sentence = (f"For d ≥ 2 the ghost rate is smallest near d ≈ (N/k) ln 2, the same optimum as a Bloom "
                    f"filter's number of hash functions: with k = {n_superposed} items it is smallest at "
                    f"d = {least}, where (N/k) ln 2 = {rule:.1f}.")
    else:
        sentence = (f"For d ≥ 2 and k = {n_superposed} items the ghost rate is smallest at d = {least}, away "
                    f"from the Bloom filter's optimum (N/k) ln 2 = {rule:.1f}, a rule for large codes.")
    where = ("among codes with d ≥ 2 they are rarest near d ≈ (N/k) ln 2" if near else
             f"among codes with d ≥ 2 they are rarest at d = {least} (not near (N/k) ln 2 here)")
    commoner = "far commoner" if dense > 100 * sparse else ("commoner" if dense > sparse else "no commoner")
    bullet = (f"Superposed items create ghosts; {where}, {commoner} in a dense code "
              f"({_pct(dense, 1)} of unstored patterns with {n_superposed} items, against "
              f"{format_value(sparse, 'sci')} for d = {sparse_d}), while a local code never has them.")
    return {"least_ghosts_d": least, "bloom_d": rule, "least_near_rule": near,
            "ghost_optimum_sentence": sentence, "ghost_bullet": bullet}


def parallelism(held: Mapping, sparse_d, dense_d) -> dict:
    """How many items each ``d`` holds at once (``held``: ``d`` -> :func:`~sparsebook.codes.max_superposed`)."""
    held = _check_mapping(held, "held")
    best = max(held.values())
    best_ds = sorted(d for d, n in held.items() if n == best)
    where = _span(best_ds, sorted(held))
    sparse, dense = held[sparse_d], held[dense_d]
    if sparse == best:
        sentence = (f"The dense code holds {dense}, the sparse code with d = {sparse_d} holds {sparse}, the "
                    f"most that any d ≥ 2 allows (reached for {where}).")
    else:
        sentence = (f"The dense code holds {dense}, the sparse code with d = {sparse_d} holds {sparse}; the most "
                    f"that any d ≥ 2 allows is {best} (for {where}).")
    return {"at_once_best": best, "at_once_best_ds": best_ds, "parallelism_sentence": sentence}


# --- fault tolerance -------------------------------------------------------------------------

def fault_tolerance(recall: Mapping, p_grid: Sequence[float], closest: Mapping, n_items, n_trials,
                    p_silenced: float = 0.2, p_flipped: float = 0.05) -> dict:
    """The fault-tolerance verdicts and sentences.

    ``recall`` maps ``(code, kind)`` to the recall rates over ``p_grid`` (kinds ``"silence"`` and
    ``"flip"``; codes ``"local"``, ``"sparse"``, ``"dense"`` (random), ``"structured"`` and
    ``"binary"``), each of ``n_trials`` trials; ``closest`` maps each code to the distance between
    its two closest stored patterns; ``n_items`` items are stored in each code.
    """
    recall, closest = _check_mapping(recall, "recall"), _check_mapping(closest, "closest")
    n_items, n_trials = _check_positive_int(n_items, "n_items"), _check_positive_int(n_trials, "n_trials")
    p_grid = list(p_grid)
    for p in (p_silenced, p_flipped, 0.5):
        if p not in p_grid:
            raise ValueError(f"p = {p} must be in p_grid {p_grid}")
    names = ("local", "sparse", "dense", "structured", "binary")
    missing = [(c, k) for c in names for k in ("silence", "flip") if (c, k) not in recall]
    if missing or set(closest) != set(names):
        raise ValueError(f"recall and closest must cover the codes {names}; missing {missing or sorted(closest)}")

    def at(code, kind, p):
        return recall[code, kind][p_grid.index(p)]

    same, below = (lambda a, b: _same(a, b, n_trials)), (lambda a, b: _below(a, b, n_trials))
    ls, lf = at("local", "silence", p_silenced), at("local", "flip", p_flipped)
    ss, sf = at("sparse", "silence", p_silenced), at("sparse", "flip", p_flipped)
    ds, df = at("dense", "silence", p_silenced), at("dense", "flip", p_flipped)
    predicted = 1 - p_silenced + p_silenced / n_items
    local_fragile = all(below(lo, min(at("sparse", kind, p), at("dense", kind, p)))
                        for lo, kind, p in ((ls, "silence", p_silenced), (lf, "flip", p_flipped)))
    as_predicted = same(ls, predicted)
    silenced, flipped = f"{_pct(p_silenced)} of units silenced", f"{_pct(p_flipped)} of units flipped"
    prediction = (f"as the dotted line 1 − p + p/M predicts for M = {n_items} items" if as_predicted else
                  f"where the dotted line 1 − p + p/M predicts {predicted:.2f} for M = {n_items} items")
    local_numbers = (f"with {silenced} the local code recalls {ls:.2f} of its items, {prediction} (a silenced "
                     f"item leaves no trace and the reader can only guess), and with {flipped} it recalls only {lf:.2f}, "
                     "because every stray unit that switches on points at another item")
    others = (f"The random sparse code recalls {ss:.2f} of its items at {_pct(p_silenced)} silenced and "
              f"{sf:.2f} at {_pct(p_flipped)} flipped, the random dense code {ds:.2f} and {df:.2f}.")
    if local_fragile:
        local_sentence = f"The first half holds: {local_numbers}. {others}"
    else:
        local_sentence = f"The first half does not hold everywhere here: {local_numbers}. {others}"

    half, chance = at("dense", "flip", 0.5), 1.0 / n_items
    at_chance = same(half, chance)
    chance_sentence = (f"Even the dense code recalls only {half:.3f} of its items at p = 0.5, chance level "
                       f"(1/{n_items} = {chance:.3f})." if at_chance else
                       f"The dense code recalls {half:.3f} of its items at p = 0.5, where chance is 1/{n_items} "
                       f"= {chance:.3f}: more than chance explains, so the simulation deserves a look.")

    bf, st = at("binary", "flip", p_flipped), at("structured", "silence", p_silenced)
    if same(st, ls):
        structured = f"does as badly as the local one ({st:.2f} against {ls:.2f} at {_pct(p_silenced)} silenced)"
    elif st < ls:
        structured = f"does even worse than the local one ({st:.2f} against {ls:.2f} at {_pct(p_silenced)} silenced)"
    else:
        structured = (f"recalls {st:.2f} at {_pct(p_silenced)} silenced, between the local code's {ls:.2f} and "
                      f"the random sparse code's {ss:.2f}")
    choice_matters = below(bf, sf) and below(st, ss)
    binary = (f"the binary code, which uses all of its patterns, falls to {bf:.2f} at {_pct(p_flipped)} flipped, "
              f"where the random sparse code still recalls {sf:.2f}")
    density_sentence = (f"And density is not what protects a code: {binary}, and the structured sparse code "
                        f"{structured}." if choice_matters else
                        f"Here the choice of patterns matters less than expected: {binary}, and the structured "
                        f"sparse code {structured}.")

    far = [c for c in names if closest[c] >= 3]  # can tell a pattern from its one-unit neighbours
    near = [c for c in names if closest[c] < 3]
    separated = bool(far and near) and below(max(at(c, "flip", p_flipped) for c in near),
                                             min(at(c, "flip", p_flipped) for c in far))
    label = {"local": "the local code", "sparse": "the random sparse code", "dense": "the random dense code",
             "structured": "the structured sparse code", "binary": "the binary code"}
    ordered = sorted(names, key=lambda c: -closest[c])
    listed = _and([f"{closest[ordered[0]]} units apart in {label[ordered[0]]}"]
                  + [f"{closest[c]} in {label[c]}" for c in ordered[1:]])
    # the structured code leaves as many patterns unused as the random sparse one (it stores as many
    # items, with the same d): what it lacks is room between its items
    packed = ("; the structured sparse code leaves as many patterns unused as the random sparse code, but "
              "packs its items next to each other" if "structured" in near and "sparse" in far else "")
    distance_sentence = (f"What protects a code is the distance between its stored patterns: its closest two "
                         f"patterns are {listed}. Fault tolerance is bought with patterns left unused between "
                         f"the stored ones{packed}."
                         if separated else
                         f"The closest two stored patterns are {listed}; here that distance alone does not "
                         f"sort the codes by how many items they recall at {_pct(p_flipped)} flipped.")
    if separated and at_chance and local_fragile:
        def bound(codes_, words):  # "1.00" when they all read the same, else "at least 0.95"
            values = [at(c, "flip", p_flipped) for c in codes_]
            low_or_high = min(values) if words == "at least" else max(values)
            return f"{values[0]:.2f}" if len({f"{v:.2f}" for v in values}) == 1 else f"{words} {low_or_high:.2f}"

        bullet = (f"Fault tolerance comes from distance between the stored patterns: at {_pct(p_flipped)} of units "
                  f"flipped, {_and([label[c] for c in far])} (closest patterns "
                  f"{_and([str(closest[c]) for c in far])} units apart) still recall {bound(far, 'at least')} "
                  f"of their items, {_and([label[c] for c in near])} ({_and([str(closest[c]) for c in near])} "
                  f"apart) {bound(near, 'at most')}; nothing recovers from p = 0.5 flips.")
    else:
        bullet = (f"Fault tolerance, measured: at {_pct(p_flipped)} flipped the codes recall "
                  + _and([f"{at(c, 'flip', p_flipped):.2f} ({label[c]})" for c in names]) + ".")
    return {"recall_local_silence": ls, "recall_local_predicted": predicted, "local_fragile": local_fragile,
            "local_as_predicted": as_predicted, "recall_dense_flip_half": half, "half_at_chance": at_chance,
            "choice_matters": choice_matters, "distance_separates": separated, "far_codes": far,
            "near_codes": near, "fault_local_sentence": local_sentence, "fault_chance_sentence": chance_sentence,
            "fault_density_sentence": density_sentence, "fault_distance_sentence": distance_sentence,
            "fault_bullet": bullet}


# --- decoding --------------------------------------------------------------------------------

def decoding(reads: Mapping, n_items, sparse_d, dense_d) -> dict:
    """Units read to identify one of ``n_items`` stored items.

    ``reads`` maps ``d`` to the reads of every trial (:func:`sparsebook.codes.reads_to_identify`);
    a step of ``d`` changes the count only if the means differ by more than :data:`TIE_SE`
    standard errors.
    """
    reads = _check_mapping(reads, "reads")
    n_items = _check_positive_int(n_items, "n_items")
    grid = sorted(reads)
    trials = {d: np.asarray(reads[d], dtype=float) for d in grid}
    if any(t.ndim != 1 or len(t) < 2 for t in trials.values()):
        raise ValueError("reads must map each d to the reads of its trials (at least 2)")
    mean = {d: float(t.mean()) for d, t in trials.items()}
    se = {d: float(t.std(ddof=1) / math.sqrt(len(t))) for d, t in trials.items()}
    steps = list(zip(grid, grid[1:]))
    falling = all(mean[b] < mean[a] for a, b in steps)
    unclear = [(a, b) for a, b in steps if abs(mean[a] - mean[b]) <= TIE_SE * math.hypot(se[a], se[b])]
    local, sparse, dense = mean[grid[0]], mean[sparse_d], mean[dense_d]
    bits = math.log2(n_items)
    close = dense <= CLOSE_FACTOR * bits
    if falling and not unclear:
        trend = "; the more units are active, the fewer it reads, at every step of the grid"
    elif falling:
        trend = ("; the more units are active, the fewer it reads, except from "
                 + _and([f"d = {a} to {b}" for a, b in unclear]) + ", where the difference is within the trials' noise")
    else:
        trend = "; the count does not fall at every step of the grid"
    sentence = (f"To identify an item, a reader of the local code looks at {local:.0f} units on average, of the "
                f"sparse code {sparse:.0f}, of the dense code {dense:.1f} ({'close to' if close else 'against'} "
                f"the log₂ {n_items} = {bits:.0f} bits an item carries){trend}.")
    cheaper = sparse < local / 2
    claim = ("The source's claim is true of a detector wired to one item, which is how a downstream neuron "
             f"listens; a sparse code keeps that cost small (d units) and identifies an item in {sparse:.0f} "
             f"reads, {'far fewer than' if cheaper else 'not far from'} the local code's {local:.0f}.")
    cheapest = min(mean, key=mean.get)
    bullet = ("A detector for one item reads d units, but identifying an item is cheapest in a dense code." if
              cheapest == dense_d else
              f"A detector for one item reads d units; identifying an item is cheapest at d = {cheapest} here.")
    return {"reads_mean": mean, "reads_se": se, "reads_fall": falling, "reads_unclear_steps": unclear,
            "reads_close_to_bits": close, "sparse_far_cheaper": cheaper, "cheapest_d": cheapest,
            "decoding_sentence": sentence, "decoding_claim_sentence": claim, "decoding_bullet": bullet}


# --- associative memory ----------------------------------------------------------------------

def memory(pairs: Mapping, bits: Mapping, n_units, dense_d, theory_bits: float = math.log(2)) -> dict:
    """The Willshaw memory's optimum over ``d``, from several seeds, and its sentences.

    ``pairs`` and ``bits`` map ``d`` to one value per seed (pairs recalled within the tolerance;
    bits per synapse). The plateau is every ``d`` whose seed mean lies within :data:`MEMORY_SE`
    standard errors (of the difference) of the best mean: the seeds cannot order those. (A few
    seeds estimate their standard errors roughly, hence as high a bar as for the Monte Carlo rates.)
    The plateau of bits per synapse and that of pairs are found separately: they differ.
    """
    pairs, bits = _check_mapping(pairs, "pairs"), _check_mapping(bits, "bits")
    n_units = _check_positive_int(n_units, "n_units")
    grid = sorted(bits)
    if sorted(pairs) != grid or 1 not in grid or dense_d not in grid:
        raise ValueError(f"pairs and bits must cover the same d, including 1 and {dense_d}")
    seeds = {len(bits[d]) for d in grid}
    if len(seeds) != 1 or seeds.pop() < 2:
        raise ValueError("bits must hold the same number (at least 2) of seeds for every d")
    mean = {d: float(np.mean(bits[d])) for d in grid}
    se = {d: float(np.std(bits[d], ddof=1) / math.sqrt(len(bits[d]))) for d in grid}
    mean_pairs = {d: float(np.mean(pairs[d])) for d in grid}
    se_pairs = {d: float(np.std(pairs[d], ddof=1) / math.sqrt(len(pairs[d]))) for d in grid}
    best, best_pairs = max(mean, key=mean.get), max(mean_pairs, key=mean_pairs.get)
    plateau = [d for d in grid if mean[best] - mean[d] <= MEMORY_SE * math.hypot(se[best], se[d])]
    plateau_pairs = [d for d in grid if mean_pairs[best_pairs] - mean_pairs[d]
                     <= MEMORY_SE * math.hypot(se_pairs[best_pairs], se_pairs[d])]
    n_seeds = len(bits[best])
    ratio_local, ratio_dense = mean[best] / mean[1], mean[best] / mean[dense_d]
    all_cues = all(p == n_units for p in pairs[1])
    fill = (dense_d / n_units) ** 2
    share = "a quarter" if fill == 0.25 else f"{fill:.0%}"
    local = (f"The local code stores all {n_units} pairs it has cues for (one per cue unit)" if all_cues else
             f"The local code stores {mean_pairs[1]:.0f} pairs on average, of the {n_units} it has cues for")
    pairs_sentence = (f"{local}, and the dense code only {mean_pairs[dense_d]:.1f}, because each of its pairs "
                      f"switches on {share} of all synapses.")
    numbers = (f"{mean[best]:.2f} bits per synapse (from {mean_pairs[best]:.0f} pairs), {ratio_local:.0f} times "
               f"the local code's {mean[1]:.3f} and {ratio_dense:.0f} times the dense code's {mean[dense_d]:.3f}")
    where = "In between" if 1 < min(plateau) and max(plateau) < dense_d else "Here"
    peak = _span(plateau, grid)
    if len(plateau) == 1:
        peak_sentence = f"{where}, the bits stored per synapse peak at d = {best}: {numbers}."
    else:
        peak_sentence = (f"{where}, the bits stored per synapse peak on a plateau, {peak}, whose means over the "
                         f"{n_seeds} seeds lie within {MEMORY_SE:.0f} standard errors of the best; the highest, "
                         f"at d = {best}, is {numbers}.")
    lower = max(plateau_pairs) < max(plateau) and min(plateau_pairs) <= min(plateau)
    peak_sentence += (f" Counted in pairs, the plateau is {_span(plateau_pairs, grid)} ({mean_pairs[best_pairs]:.0f} "
                      f"pairs at best, at d = {best_pairs})"
                      + ("; it lies lower because a pattern with more active units carries more bits."
                         if lower else "."))
    order = math.log2(n_units)
    same_order = min(plateau) / 2 <= order <= 2 * max(plateau)
    level = ("well below" if mean[best] < theory_bits / 2 else "below" if mean[best] < theory_bits else "at")
    theory_sentence = (f"Our small network with a strict criterion stays {level} that ({mean[best]:.2f} bits per "
                       f"synapse at best), and its optimum, {peak}, is "
                       f"{'of the order of' if same_order else 'not of the order of'} log₂ {n_units} = "
                       f"{order:.0f}.")
    least_ratio = min(mean[d] for d in plateau) / max(mean[1], mean[dense_d])  # the plateau's worst, against
    clear = least_ratio >= SEVERAL                                              # the better extreme
    bullet = (f"In an associative memory the sparse optimum is clear: {peak} active units of {n_units} store "
              f"several times more bits per synapse than either extreme (at least {math.floor(least_ratio)} times)."
              if clear else
              f"In an associative memory the best codes ({peak} active units of {n_units}) store "
              f"{ratio_local:.1f} times the local code's bits per synapse and {ratio_dense:.1f} times the dense "
              "code's.")
    return {"memory_best_d": best, "memory_plateau": plateau, "memory_mean_bits": mean, "memory_se_bits": se,
            "memory_mean_pairs": mean_pairs, "memory_se_pairs": se_pairs,
            "memory_ratio_local": ratio_local, "memory_ratio_dense": ratio_dense, "memory_least_ratio": least_ratio,
            "memory_best_pairs_d": best_pairs, "memory_plateau_pairs": plateau_pairs,
            "memory_local_all_cues": all_cues, "memory_optimum_near_log2": same_order, "memory_clear": clear,
            "memory_pairs_sentence": pairs_sentence, "memory_peak_sentence": peak_sentence,
            "memory_theory_sentence": theory_sentence, "memory_bullet": bullet}


# --- the summary table -----------------------------------------------------------------------

#: The rows the summary reads, each (higher is better, what the best code does, what the worst does).
SUMMARY_ROWS = {
    "bits per pattern": (True, "carries the most bits per pattern", "carries the fewest bits per pattern"),
    "ghost rate": (False, "has the fewest ghosts", "has the most ghosts"),
    "items at once": (True, "holds the most items at once", "holds the fewest items at once"),
    "recall, silenced": (True, "recalls the most items with units silenced",
                         "recalls the fewest items with units silenced"),
    "recall, flipped": (True, "recalls the most items with units flipped",
                        "recalls the fewest items with units flipped"),
    "detector reads": (False, "needs the fewest units for a one-item detector",
                       "needs the most units for a one-item detector"),
    "reads to identify": (False, "needs the fewest reads to identify an item",
                          "needs the most reads to identify an item"),
    "memory pairs": (True, "stores the most pairs in an associative memory",
                     "stores the fewest pairs in an associative memory"),
    "memory bits per synapse": (True, "stores the most bits per synapse", "stores the fewest bits per synapse"),
}


def summary(table: Mapping, active: Mapping, memory_found: Mapping, n_trials, robust_from_distance: bool = True,
            reads_tolerance: float = 0.1) -> dict:
    """Which code is best and worst on each row of the summary table, and the paragraph that says it.

    ``table`` maps each of :data:`CODES` to its column (``codes.measured_properties`` keys) and
    ``active`` to its ``d``. Recall rates come from ``n_trials`` trials; the memory rows are the
    seed means of :func:`memory` (``memory_found``), compared with their standard errors; mean
    reads within ``reads_tolerance`` (relative) count as tied; exact rows tie only when equal.
    ``robust_from_distance`` is :func:`fault_tolerance`'s ``distance_separates`` verdict.
    """
    table, active = _check_mapping(table, "table"), _check_mapping(active, "active")
    n_trials = _check_positive_int(n_trials, "n_trials")
    if set(table) != set(CODES) or set(active) != set(CODES) or any(set(SUMMARY_ROWS) - set(table[c]) for c in CODES):
        raise ValueError(f"table and active must map {CODES} to columns holding the rows {list(SUMMARY_ROWS)}")
    memory_se = {c: {"memory pairs": memory_found["memory_se_pairs"][active[c]],
                     "memory bits per synapse": memory_found["memory_se_bits"][active[c]]} for c in CODES}

    def tied(row, a, b):
        x, y = table[a][row], table[b][row]
        if row.startswith("recall"):
            return _same(x, y, n_trials)
        if row.startswith("memory"):
            return abs(x - y) <= MEMORY_SE * math.hypot(memory_se[a][row], memory_se[b][row])
        if row == "reads to identify":
            return abs(x - y) <= reads_tolerance * max(x, y)
        return x == y

    best, worst = {c: [] for c in CODES}, {c: [] for c in CODES}
    for row, (higher, best_words, worst_words) in SUMMARY_ROWS.items():
        def key(c):
            return table[c][row] if higher else -table[c][row]
        top, bottom = max(CODES, key=key), min(CODES, key=key)
        if tied(row, top, bottom):
            continue  # all three the same: nobody is best or worst
        for ends, words, out in ((top, best_words, best), (bottom, worst_words, worst)):
            group = [c for c in CODES if tied(row, c, ends)]
            for c in group:
                others = [o for o in group if o != c]
                out[c].append(words + (f" (tied with the {_and(others)} code)" if others else ""))
    ratio = None
    bits = {c: table[c]["memory bits per synapse"] for c in CODES}
    runner_up = sorted(bits.values())[-2]
    if max(bits, key=bits.get) == "sparse" and runner_up > 0:
        ratio = bits["sparse"] / runner_up
        best["sparse"] = [w + (f" ({ratio:.0f} times the next code's)" if w.startswith("stores the most bits")
                               else "") for w in best["sparse"]]

    best, worst = {c: _merge(best[c]) for c in CODES}, {c: _merge(worst[c]) for c in CODES}

    def clause(code):
        good, bad = best[code], worst[code]
        if good and bad:
            return f"the {code} code {_and(good)}, but it {_and(bad)}"
        return f"the {code} code " + (_and(good) if good else _and(bad) if bad else "is never best nor worst")

    if worst["sparse"]:
        sparse_part = f"the sparse code {_and(worst['sparse'])}" + (
            f", and it {_and(best['sparse'])}" if best["sparse"] else "")
        verdict = ("The source's compromise holds only in part: the sparse code is the worst of the three "
                   f"on {len(worst['sparse'])} of these rows.")
    else:
        sparse_part = "the sparse code is never the worst of the three" + (
            f", and it {_and(best['sparse'])}" if best["sparse"] else "")
        verdict = ("The source's compromise holds, with two corrections: the sparse count is C(N, d), not 2ᵈ, "
                   "and robustness comes from the distance between the stored patterns, not from density."
                   if robust_from_distance else
                   "The source's compromise holds, with one correction: the sparse count is C(N, d), not 2ᵈ.")
    paragraph = f"Read down the columns: {clause('local')}; {clause('dense')}; {sparse_part}. {verdict}"
    return {"best": best, "worst": worst, "sparse_never_worst": not worst["sparse"], "sparse_bits_ratio": ratio,
            "summary_paragraph": paragraph}


# --- the summary table as the page prints it ---------------------------------------------------

#: Each row of the summary table is (what the row measures, how its numbers are written, what the
#: source says). ``{k}``, ``{p}`` and ``{n}`` stand for the page's settings.
TABLE_ROWS = {
    "activity ratio": ("activity ratio", "number", "local: 1 unit; dense: 1/2"),
    "bits per pattern": ("bits per pattern", "number", "N, 2ᵈ and 2ᴺ patterns"),
    "ghost rate": ("ghost rate, {k} items superposed", "sci",
                   "local: no interference; sparse: unlikely"),
    "items at once": ("items at once (≤ 1 % ghosts)", "int", "sparse codes can work in parallel"),
    "recall, silenced": ("recall, {p} of units silenced", "number", "local: especially sensitive"),
    "recall, flipped": ("recall, {p} of units flipped", "number", "dense: can always recover"),
    "detector reads": ("units a one-item detector reads", "int",
                       "more units observed: harder to decode"),
    "reads to identify": ("units read to identify an item", "number", "(the same claim)"),
    "memory pairs": ("memory: pairs stored", "number", "(not discussed)"),
    "memory bits per synapse": ("memory: bits per synapse", "number", "(not discussed)"),
}


def summary_tables(table: Mapping, active: Mapping, n_superposed, p: float, caption: str | None = None):
    """The summary table in two parts that fit the page's column: the measured numbers, and the source's words.

    ``table`` maps each of :data:`CODES` to its column (``codes.measured_properties`` keys, the
    memory rows included) and ``active`` to its ``d``; ``n_superposed`` and ``p`` are the
    settings the ghost and recall rows were measured at. Returns two styled tables
    (:func:`sparsebook.tables.table`): one row per property with a column per code, then one
    row per property with what the source says about it.
    """
    from ..tables import table as styled

    table, active = _check_mapping(table, "table"), _check_mapping(active, "active")
    if set(table) != set(CODES) or set(active) != set(CODES) or any(set(TABLE_ROWS) - set(table[c]) for c in CODES):
        raise ValueError(f"table and active must map {CODES} to columns holding the rows {list(TABLE_ROWS)}")
    n_superposed = _check_positive_int(n_superposed, "n_superposed")
    settings = {"k": n_superposed, "p": _pct(p)}
    names = {code: f"{code}, d = {active[code]}" for code in CODES}
    measured = [{"property": label.format(**settings),
                 **{names[code]: format_value(table[code][key], kind) for code in CODES}}
                for key, (label, kind, _) in TABLE_ROWS.items()]
    shown = {"property": ("property", "text"), **{name: (name, str) for name in names.values()}}
    words = [{"property": label.format(**settings), "source": says}
             for label, _, says in TABLE_ROWS.values()]
    return (styled(measured, shown, caption=caption),
            styled(words, {"property": ("property", "text"), "source": ("the source says", "text")}))
