"""Local, dense and sparse binary codes, and the experiments that measure their properties.

A *code* here is a (patterns, units) array of 0/1 (``uint8``): ``N`` binary units, each
pattern with ``d`` of them active. A **local** code has ``d = 1`` (one unit per item), a
**dense** code ``d = N / 2``, a **sparse** code anything in between (Foldiak & Young 1995).

- Generators: :func:`local_code`, :func:`random_code` (random ``d``-subsets),
  :func:`structured_code` (``d``-subsets in lexicographic order), :func:`binary_code`
  (the binary numerals, an unrestricted dense code).
- Counting: :func:`capacity` (how many distinct patterns exist) and :func:`capacity_bits`.
- Interference: :func:`ghost_rate` (exact) and :func:`measure_ghost_rate` (Monte Carlo):
  superpose ``k`` stored patterns with OR; how often does a pattern that was NOT stored
  look present? :func:`max_superposed` turns that into how many items a code can hold at once.
- Fault tolerance: :func:`corrupt`, :func:`nearest_pattern`, :func:`recall_rate`.
- Decoding cost: :func:`reads_to_identify`.
- Associative memory: :func:`willshaw_store`, :func:`willshaw_recall`,
  :func:`willshaw_capacity` (Willshaw, Buneman & Longuet-Higgins 1969).
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np

from .checks import check_count, check_fraction, check_positive_int
from .metrics import activity_ratio

CORRUPTIONS = ("silence", "flip")


# --- checks ----------------------------------------------------------------------------------

def check_code_size(n_units, n_active) -> tuple[int, int]:
    """Return ``(N, d)`` as ints, or raise unless ``N >= 1`` and ``0 <= d <= N``."""
    n_units = check_positive_int(n_units, "n_units")
    n_active = check_count(n_active, "n_active")
    if n_active > n_units:
        raise ValueError(
            f"n_active must be between 0 and n_units = {n_units}, got {n_active}: "
            "a pattern cannot have more active units than the code has units"
        )
    return n_units, n_active


def check_code(codes, name: str = "codes") -> np.ndarray:
    """Return ``codes`` as a (patterns, units) ``uint8`` array of 0/1, or raise."""
    array = np.asarray(codes)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be a numeric array of 0/1, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must have shape (patterns, units) with both >= 1, got {array.shape}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must hold only 0 and 1 (binary units)")
    return array.astype(np.uint8)


def _check_distinct(codes: np.ndarray, name: str) -> None:
    if len(np.unique(codes, axis=0)) < len(codes):
        raise ValueError(f"{name} holds repeated patterns: recall of an item needs distinct patterns")


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


# --- generators ------------------------------------------------------------------------------

def local_code(n_patterns, n_units) -> np.ndarray:
    """The local code: pattern ``i`` activates unit ``i`` alone (needs ``n_patterns <= n_units``)."""
    n_patterns = check_positive_int(n_patterns, "n_patterns")
    n_units = check_positive_int(n_units, "n_units")
    if n_patterns > n_units:
        raise ValueError(f"a local code of {n_units} units has only {n_units} patterns, "
                         f"got n_patterns = {n_patterns}")
    return np.eye(n_patterns, n_units, dtype=np.uint8)


def _random_subsets(rng, n_draws: int, n_units: int, n_active: int) -> np.ndarray:
    """``n_draws`` independent uniformly random ``d``-subsets as rows of 0/1 (repeats allowed)."""
    codes = np.zeros((n_draws, n_units), dtype=np.uint8)
    if n_active:
        chosen = np.argpartition(rng.random((n_draws, n_units)), n_active - 1, axis=1)[:, :n_active]
        np.put_along_axis(codes, chosen, 1, axis=1)
    return codes


def random_code(n_patterns, n_units, n_active, seed=0, distinct: bool = True) -> np.ndarray:
    """``n_patterns`` random patterns, each with exactly ``n_active`` of ``n_units`` units active.

    Each pattern is a uniformly random ``d``-subset of the units. With ``distinct`` (the
    default) no pattern repeats, as for items that must be told apart.
    """
    n_patterns = check_positive_int(n_patterns, "n_patterns")
    n_units, n_active = check_code_size(n_units, n_active)
    rng = _rng(seed)
    if not distinct:
        return _random_subsets(rng, n_patterns, n_units, n_active)
    if n_patterns > capacity(n_units, n_active):
        raise ValueError(f"only {capacity(n_units, n_active)} distinct patterns have {n_active} of "
                         f"{n_units} units active, got n_patterns = {n_patterns}")
    if n_patterns > capacity(n_units, n_active) // 2:  # dense in the set of patterns: sample the list
        every = structured_code(capacity(n_units, n_active), n_units, n_active)
        return every[np.sort(rng.choice(len(every), n_patterns, replace=False))][rng.permutation(n_patterns)]
    codes, seen = [], set()
    while len(codes) < n_patterns:
        for row in _random_subsets(rng, n_patterns, n_units, n_active):
            key = row.tobytes()
            if key not in seen and len(codes) < n_patterns:
                seen.add(key)
                codes.append(row)
    return np.array(codes)


def structured_code(n_patterns, n_units, n_active) -> np.ndarray:
    """The first ``n_patterns`` ``d``-subsets in lexicographic order (consecutive ones mostly differ in one unit)."""
    n_patterns = check_positive_int(n_patterns, "n_patterns")
    n_units, n_active = check_code_size(n_units, n_active)
    if n_patterns > capacity(n_units, n_active):
        raise ValueError(f"only {capacity(n_units, n_active)} distinct patterns have {n_active} of "
                         f"{n_units} units active, got n_patterns = {n_patterns}")
    codes = np.zeros((n_patterns, n_units), dtype=np.uint8)
    for row, units in zip(codes, itertools.combinations(range(n_units), n_active)):
        row[list(units)] = 1
    return codes


def binary_code(n_patterns, n_units) -> np.ndarray:
    """Pattern ``i`` is ``i`` in binary over ``n_units`` bits (unit 0 the least significant): every pattern is used."""
    n_patterns = check_positive_int(n_patterns, "n_patterns")
    n_units = check_positive_int(n_units, "n_units")
    if n_units < 63 and n_patterns > 2**n_units:
        raise ValueError(f"{n_units} binary units have only {2**n_units} patterns, got n_patterns = {n_patterns}")
    bits = np.arange(n_patterns, dtype=np.uint64)[:, None] >> np.arange(n_units, dtype=np.uint64)[None, :]
    return (bits & np.uint64(1)).astype(np.uint8)


def dense_active(n_units) -> int:
    """The number of active units of a dense code: half of ``n_units`` (rounded down)."""
    return check_positive_int(n_units, "n_units") // 2


# --- counting --------------------------------------------------------------------------------

def capacity(n_units, n_active=None) -> int:
    """How many distinct patterns a code can take, counted exactly.

    ``C(N, d)`` patterns have exactly ``d`` of ``N`` units active (``N`` for a local code,
    ``d = 1``); with ``n_active=None`` every one of the ``2**N`` patterns is allowed.
    """
    if n_active is None:
        return 2 ** check_positive_int(n_units, "n_units")
    n_units, n_active = check_code_size(n_units, n_active)
    return math.comb(n_units, n_active)


def capacity_bits(n_units, n_active=None) -> float:
    """``log2`` of :func:`capacity`: how many bits one pattern of the code can carry."""
    count = capacity(n_units, n_active)
    return float(math.log2(count))


# --- interference ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _log_comb(n_units: int) -> np.ndarray:
    """Table ``T[n, r] = log C(n, r)`` for ``0 <= r <= n <= N`` (``-inf`` elsewhere)."""
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n_units + 1)))])
    n = np.arange(n_units + 1)[:, None]
    r = np.arange(n_units + 1)[None, :]
    with np.errstate(invalid="ignore"):
        table = log_factorial[n] - log_factorial[r] - log_factorial[np.clip(n - r, 0, None)]
    table = np.where(r <= n, table, -np.inf)
    table.flags.writeable = False  # cached and shared
    return table


@functools.lru_cache(maxsize=128)  # sliders ask for the same (N, d) again and again
def _union_growth(n_units: int, n_active: int) -> np.ndarray:
    """Transition matrix of the number of active units of an OR as one random pattern is added."""
    log_comb = _log_comb(n_units)
    size = np.arange(n_units + 1)
    new = np.arange(n_active + 1)
    # P(t new units | u already on) is hypergeometric: C(N - u, t) C(u, d - t) / C(N, d)
    log_p = (log_comb[size[:, None], new[None, :]][::-1]  # C(N - u, t): rows reversed puts N - u
             + log_comb[size[:, None], n_active - new[None, :]]
             - log_comb[n_units, n_active])
    growth = np.zeros((n_units + 1, n_units + 1))
    rows, cols = np.nonzero(np.isfinite(log_p))
    np.add.at(growth, (rows, rows + cols), np.exp(log_p[rows, cols]))
    growth.flags.writeable = False  # cached and shared
    return growth


def _ghost_rates(n_units: int, n_active: int, n_stored_max: int, stop_above: float = 1.0) -> np.ndarray:
    """:func:`ghost_rate` for ``k = 0 .. n_stored_max`` at once (or until a rate exceeds ``stop_above``)."""
    log_comb = _log_comb(n_units)
    growth = _union_growth(n_units, n_active)
    covered_given_size = np.exp(log_comb[:, n_active] - log_comb[n_units, n_active])  # C(u, d) / C(N, d)
    size = np.zeros(n_units + 1)
    size[0] = 1.0
    one_pattern = 1.0 / math.comb(n_units, n_active)
    rates = [0.0]
    for k in range(1, n_stored_max + 1):
        size = size @ growth
        covered = float(size @ covered_given_size)
        stored = -math.expm1(k * math.log1p(-one_pattern))  # P(the probe is one of the k stored)
        # one stored pattern covers only itself: exactly 0 (the floats would leave 1e-18)
        rates.append(0.0 if k == 1 else max(covered - stored, 0.0) / (1.0 - stored))
        if rates[-1] > stop_above:
            break
    return np.array(rates)


def _check_interference(n_units, n_active, n_stored) -> tuple[int, int, int]:
    n_units, n_active = check_code_size(n_units, n_active)
    n_stored = check_count(n_stored, "n_stored")
    if n_active in (0, n_units):
        raise ValueError(f"with n_active = {n_active} of {n_units} units the code has a single pattern, "
                         "so no pattern can be 'not stored': use 1 <= n_active <= n_units - 1")
    return n_units, n_active, n_stored


def ghost_rate(n_units, n_active, n_stored) -> float:
    """Probability that a pattern that was NOT stored looks present in a superposition, exactly.

    ``n_stored`` (``k``) random ``d``-of-``N`` patterns, drawn independently, are superposed
    with OR; a probe pattern *looks present* when all its ``d`` units are on. Returned: the
    probability of that for a uniformly random probe, given that the probe is none of the
    stored patterns. A local code (``d = 1``) gives exactly 0. Computed from the distribution
    of the number of units the OR turns on (a Markov chain over ``k``), which avoids the
    cancellations of the inclusion-exclusion formula.
    """
    n_units, n_active, n_stored = _check_interference(n_units, n_active, n_stored)
    if n_active == 1:
        return 0.0  # a probe's single unit is on only if the probe was stored (floats leave 1e-14)
    return float(_ghost_rates(n_units, n_active, n_stored)[-1])


class GhostEstimate(NamedTuple):
    rate: float            # fraction of probes (none of them stored) that looked present
    standard_error: float  # of that fraction
    n_probes: int          # trials whose probe was not one of the stored patterns


def measure_ghost_rate(n_units, n_active, n_stored, n_trials=2000, seed=0) -> GhostEstimate:
    """Monte Carlo estimate of :func:`ghost_rate`: store, superpose with OR, probe, count.

    Each trial draws its own stored patterns and probe; trials whose probe happens to be one
    of the stored patterns are left out, as in the definition of :func:`ghost_rate`.
    """
    n_units, n_active, n_stored = _check_interference(n_units, n_active, n_stored)
    n_trials = check_positive_int(n_trials, "n_trials")
    rng = _rng(seed)
    stored = _random_subsets(rng, n_trials * n_stored, n_units, n_active).reshape(n_trials, n_stored, n_units)
    superposed = stored.max(axis=1) if n_stored else np.zeros((n_trials, n_units), np.uint8)
    probes = _random_subsets(rng, n_trials, n_units, n_active)
    was_stored = (stored == probes[:, None, :]).all(axis=2).any(axis=1)
    looks_present = ((probes & superposed) == probes).all(axis=1)[~was_stored]
    if not len(looks_present):
        raise ValueError("every probe was a stored pattern: use more n_trials (the code has very few patterns)")
    rate = float(looks_present.mean())
    return GhostEstimate(rate, math.sqrt(rate * (1 - rate) / len(looks_present)), len(looks_present))


def max_superposed(n_units, n_active, tolerance=0.01, max_items=10_000) -> int:
    """How many random items a code can superpose before :func:`ghost_rate` exceeds ``tolerance``.

    Capped at the number of distinct patterns (a local code holds all ``N`` items at once
    without a single ghost) and at ``max_items``.
    """
    n_units, n_active, _ = _check_interference(n_units, n_active, 0)
    tolerance = check_fraction(tolerance, "tolerance")
    max_items = check_positive_int(max_items, "max_items")
    cap = min(capacity(n_units, n_active), max_items)
    if n_active == 1:
        return cap
    rates = _ghost_rates(n_units, n_active, cap, stop_above=tolerance)
    over = np.nonzero(rates > tolerance)[0]
    return int(over[0] - 1) if len(over) else cap


# --- fault tolerance and decoding ------------------------------------------------------------

def corrupt(codes, p, kind: str = "silence", seed=0) -> np.ndarray:
    """A copy of ``codes`` in which each unit, independently with probability ``p``, fails.

    ``kind="silence"``: a failing unit reads 0 (a dead neuron). ``kind="flip"``: it reads
    the opposite of its state (noise that can also switch units on).
    """
    codes = check_code(codes)
    p = check_fraction(p, "p")
    if kind not in CORRUPTIONS:
        raise ValueError(f"kind must be one of {CORRUPTIONS}, got {kind!r}")
    fails = _rng(seed).random(codes.shape) < p
    return np.where(fails, 0 if kind == "silence" else 1 - codes, codes).astype(np.uint8)


def hamming_distances(a, b) -> np.ndarray:
    """Number of units on which each pattern of ``a`` differs from each of ``b``, shape (len(a), len(b))."""
    a = check_code(a, "a")
    b = check_code(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"patterns of {a.shape[1]} and {b.shape[1]} units cannot be compared")
    overlap = a.astype(np.float32) @ b.T.astype(np.float32)
    return (a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - overlap * 2).astype(int)


def nearest_pattern(stored, probes, seed=0) -> np.ndarray:
    """Index of the stored pattern nearest (in Hamming distance) to each probe; ties at random."""
    distance = hamming_distances(check_code(probes, "probes"), check_code(stored, "stored"))
    tie_break = _rng(seed).random(distance.shape) * 0.5  # < 1: never beats a real difference
    return np.argmin(distance + tie_break, axis=1)


def recall_rate(stored, p, kind: str = "silence", n_trials=2000, seed=0) -> float:
    """Fraction of corrupted items that the nearest stored pattern still recalls correctly.

    Each trial picks a stored item at random, corrupts it with :func:`corrupt` and decodes it
    with :func:`nearest_pattern`. For a local code under silencing the answer is
    ``1 - p + p / M`` (a silenced unit leaves nothing to go on: a guess among ``M`` items).
    """
    stored = check_code(stored, "stored")
    _check_distinct(stored, "stored")
    n_trials = check_positive_int(n_trials, "n_trials")
    rng = _rng(seed)
    items = rng.integers(len(stored), size=n_trials)
    guesses = nearest_pattern(stored, corrupt(stored[items], p, kind, rng), rng)
    return float(np.mean(guesses == items))


def reads_to_identify(stored, n_trials=500, seed=0) -> np.ndarray:
    """How many units a reader must examine to know which stored item is present, per trial.

    The reader looks at the units one by one in a random order and stops when a single stored
    pattern agrees with everything it has seen. (A detector for ONE known item needs fewer:
    its ``d`` units, since every pattern has exactly ``d`` active.)
    """
    stored = check_code(stored, "stored")
    _check_distinct(stored, "stored")
    n_trials = check_positive_int(n_trials, "n_trials")
    rng = _rng(seed)
    n_patterns, n_units = stored.shape
    reads = np.zeros(n_trials, dtype=int)
    for trial, item in enumerate(rng.integers(n_patterns, size=n_trials)):
        if n_patterns == 1:
            continue  # nothing to tell apart
        position = np.empty(n_units, dtype=int)
        position[rng.permutation(n_units)] = np.arange(n_units)  # when each unit is read
        differs = stored != stored[item]
        first_difference = np.where(differs, position, n_units).min(axis=1)
        first_difference[item] = -1
        reads[trial] = first_difference.max() + 1  # the last rival is ruled out at that read
    return reads


# --- associative memory ----------------------------------------------------------------------

def willshaw_store(cues, targets) -> np.ndarray:
    """Weights of a Willshaw memory: synapse ``(i, j)`` is on if some stored pair has cue unit
    ``i`` and target unit ``j`` both active (clipped Hebbian learning), shape (cue units, target units)."""
    cues = check_code(cues, "cues")
    targets = check_code(targets, "targets")
    if len(cues) != len(targets):
        raise ValueError(f"need one target per cue, got {len(cues)} cues and {len(targets)} targets")
    return (cues.T.astype(np.float32) @ targets.astype(np.float32)) > 0


def willshaw_recall(weights, cues) -> np.ndarray:
    """Targets recalled from ``cues``: a target unit fires when every active cue unit reaches it."""
    weights = np.asarray(weights)
    if weights.ndim != 2 or weights.dtype != bool:
        raise TypeError("weights must be the boolean matrix that willshaw_store returns")
    cues = check_code(cues, "cues")
    if cues.shape[1] != weights.shape[0]:
        raise ValueError(f"cues have {cues.shape[1]} units but the memory expects {weights.shape[0]}")
    sums = cues.astype(np.float32) @ weights.astype(np.float32)
    return (sums >= cues.sum(axis=1, keepdims=True)).astype(np.uint8)


class MemoryCapacity(NamedTuple):
    pairs: int                # stored pairs recalled within the tolerance
    bits: float               # information in the recalled targets: pairs * log2 C(N, d)
    bits_per_synapse: float   # bits / N^2
    fill: float               # fraction of synapses switched on at that load


def _recall_errors(cues: np.ndarray, targets: np.ndarray, n_pairs: int) -> tuple[float, float]:
    weights = willshaw_store(cues[:n_pairs], targets[:n_pairs])
    wrong = (willshaw_recall(weights, cues[:n_pairs]) != targets[:n_pairs]).any(axis=1)
    return float(wrong.mean()), float(weights.mean())


def willshaw_capacity(n_units, n_active, tolerance=0.01, max_pairs=None, seed=0) -> MemoryCapacity:
    """The most random ``d``-of-``N`` pairs a Willshaw memory of ``N x N`` synapses recalls.

    Pairs (distinct random cue, random target) are stored in a growing prefix; the capacity is
    the largest number whose fraction of pairs recalled with any wrong unit stays within
    ``tolerance`` (found by doubling, then bisection). ``max_pairs`` (default: the number of
    distinct cues, at most ``20 * N``) caps the search.
    """
    n_units, n_active = check_code_size(n_units, n_active)
    if n_active == 0:
        raise ValueError("n_active must be >= 1: a pattern with no active unit stores nothing")
    tolerance = check_fraction(tolerance, "tolerance")
    cap = min(capacity(n_units, n_active), 20 * n_units)
    if max_pairs is not None:
        cap = min(cap, check_positive_int(max_pairs, "max_pairs"))
    rng = _rng(seed)
    cues = random_code(cap, n_units, n_active, rng)
    targets = random_code(cap, n_units, n_active, rng, distinct=False)

    def within(n_pairs: int) -> bool:
        return _recall_errors(cues, targets, n_pairs)[0] <= tolerance

    good, bad = 0, None
    n_pairs = 1
    while n_pairs <= cap:
        if not within(n_pairs):
            bad = n_pairs
            break
        good, n_pairs = n_pairs, n_pairs * 2
    if bad is None:
        bad = cap + 1 if within(cap) else cap
        good = cap if bad == cap + 1 else good
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if within(middle) else (good, middle)
    fill = _recall_errors(cues, targets, good)[1] if good else 0.0
    bits = good * capacity_bits(n_units, n_active)
    return MemoryCapacity(good, bits, bits / n_units**2, fill)


# --- the summary table -----------------------------------------------------------------------

def measured_properties(n_units, n_active, n_superposed=5, p=0.2, tolerance=0.01, n_trials=2000,
                        seed=0) -> dict:
    """One column of the chapter's summary table: each claim about a ``d``-of-``N`` code, measured.

    ``N`` random distinct items are stored (for ``d = 1`` that is the local code itself);
    ``n_superposed`` items are superposed for the ghost rate; a fraction ``p`` of the units
    fails for the recall rates.
    """
    n_units, n_active = check_code_size(n_units, n_active)
    stored = random_code(n_units, n_units, n_active, seed)
    memory = willshaw_capacity(n_units, n_active, tolerance, seed=seed)
    return {
        "activity ratio": activity_ratio(stored),
        "bits per pattern": capacity_bits(n_units, n_active),
        "ghost rate": ghost_rate(n_units, n_active, n_superposed),
        "items at once": max_superposed(n_units, n_active, tolerance),
        "recall, silenced": recall_rate(stored, p, "silence", n_trials, seed),
        "recall, flipped": recall_rate(stored, p, "flip", n_trials, seed),
        "detector reads": n_active,
        "reads to identify": float(reads_to_identify(stored, n_trials // 4, seed).mean()),
        "memory pairs": memory.pairs,
        "memory bits per synapse": memory.bits_per_synapse,
    }
