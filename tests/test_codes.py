"""Tests of sparsebook.codes: local / sparse / dense binary codes and their experiments.

Expected values come from hand computation, from exhaustive enumeration of tiny codes, or
from closed forms written here with exact rational arithmetic; never from the function
under test. Monte Carlo checks use fixed seeds and a tolerance of 4 standard errors.
"""

import itertools
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from sparsebook.codes import (
    GhostEstimate,
    MemoryCapacity,
    binary_code,
    capacity,
    capacity_bits,
    check_code,
    corrupt,
    dense_active,
    ghost_rate,
    hamming_distances,
    local_code,
    max_superposed,
    measure_ghost_rate,
    measured_properties,
    nearest_pattern,
    random_code,
    reads_to_identify,
    recall_rate,
    structured_code,
    willshaw_capacity,
    willshaw_recall,
    willshaw_store,
)
from sparsebook.metrics import activity_ratio


# --- independent references ------------------------------------------------------------------

def all_subsets(n_units, n_active):
    """Every d-subset of range(N), as frozensets, in itertools.combinations order."""
    return [frozenset(units) for units in itertools.combinations(range(n_units), n_active)]


def ghost_rate_closed_form(n_units, n_active, n_stored) -> Fraction:
    """Exact ghost rate by inclusion-exclusion over the probe's units left uncovered.

    P(covered) = sum_j (-1)^j C(d, j) (C(N - j, d) / C(N, d))^k,
    P(stored)  = 1 - (1 - 1 / C(N, d))^k,
    ghost      = (P(covered) - P(stored)) / (1 - P(stored)).
    """
    total = math.comb(n_units, n_active)
    covered = sum((-1) ** j * math.comb(n_active, j) * Fraction(math.comb(n_units - j, n_active), total) ** n_stored
                  for j in range(n_active + 1))
    stored = 1 - (1 - Fraction(1, total)) ** n_stored
    return (covered - stored) / (1 - stored)


def ghost_rate_by_enumeration(n_units, n_active, n_stored) -> Fraction:
    """Exact ghost rate by listing every ordered tuple of stored patterns and every probe.

    Over the joint space (stored tuple, probe), all equally likely: the fraction of the
    pairs whose probe is not stored that have the probe covered by the OR.
    """
    patterns = all_subsets(n_units, n_active)
    ghosts = not_stored = 0
    for stored in itertools.product(patterns, repeat=n_stored):
        union = frozenset().union(*stored)
        for probe in patterns:
            if probe not in stored:
                not_stored += 1
                ghosts += probe <= union
    return Fraction(ghosts, not_stored)


def mean_reads_by_enumeration(stored) -> Fraction:
    """Exact mean of reads_to_identify: every item, every order of reading the units.

    The reader keeps the stored patterns consistent with the units read so far and stops
    when one is left.
    """
    stored = np.asarray(stored)
    n_patterns, n_units = stored.shape
    total = count = 0
    for order in itertools.permutations(range(n_units)):
        for item in range(n_patterns):
            candidates = set(range(n_patterns))
            reads = 0
            while len(candidates) > 1:
                unit = order[reads]
                reads += 1
                candidates = {c for c in candidates if stored[c, unit] == stored[item, unit]}
            total += reads
            count += 1
    return Fraction(total, count)


def willshaw_by_sets(cues, targets):
    """Synapses (cue unit, target unit) switched on by clipped Hebbian learning, as a set."""
    on = set()
    for cue, target in zip(cues, targets):
        on.update(itertools.product(np.flatnonzero(cue).tolist(), np.flatnonzero(target).tolist()))
    return on


def recall_by_sets(synapses, cues, n_targets):
    """A target unit fires when every active cue unit has a synapse onto it."""
    return np.array([[int(all((i, j) in synapses for i in np.flatnonzero(cue))) for j in range(n_targets)]
                     for cue in cues], dtype=np.uint8)


def within_4_se(measured, expected_p, n, floor=0.0):
    """|measured - p| <= 4 standard errors of a proportion p over n draws (at least ``floor``)."""
    se = math.sqrt(expected_p * (1 - expected_p) / n)
    return abs(measured - expected_p) <= max(4 * se, floor)


# --- capacity --------------------------------------------------------------------------------

def test_capacity_by_hand():
    assert capacity(4, 2) == 6           # {01, 02, 03, 12, 13, 23}
    assert capacity(5, 1) == 5           # local: one pattern per unit
    assert capacity(5, 0) == 1 and capacity(5, 5) == 1
    assert capacity(3) == 8              # every one of 2**3 patterns


@pytest.mark.parametrize("n_units", [1, 2, 5, 10, 20, 64, 100])
def test_capacity_counts_match_math_comb(n_units):
    for n_active in range(n_units + 1):
        assert capacity(n_units, n_active) == math.comb(n_units, n_active)


def test_capacity_is_an_exact_int_beyond_float_precision():
    count = capacity(100, 50)
    assert isinstance(count, int)
    assert count == 100891344545564193334812497256  # C(100, 50)
    assert capacity(np.int64(64), np.int64(32)) == 1832624140942590534


@pytest.mark.parametrize("n_units", range(1, 11))
def test_capacity_matches_brute_force_count_of_binary_vectors(n_units):
    ones = Counter(sum(vector) for vector in itertools.product((0, 1), repeat=n_units))
    for n_active in range(n_units + 1):
        assert capacity(n_units, n_active) == ones[n_active]
    assert capacity(n_units) == 2 ** n_units == sum(ones.values())


@pytest.mark.parametrize("n_units", [1, 2, 7, 50, 1000])
def test_local_code_capacity_is_number_of_units(n_units):
    assert capacity(n_units, 1) == n_units


def test_capacity_bits_is_log2_of_the_count():
    assert capacity_bits(8, 1) == 3.0
    assert capacity_bits(4, 2) == pytest.approx(math.log2(6))
    assert capacity_bits(10) == 10.0
    assert capacity_bits(10, 0) == 0.0
    assert capacity_bits(100, 50) == pytest.approx(math.log2(math.comb(100, 50)), rel=1e-12)
    assert isinstance(capacity_bits(8, 1), float)


def test_dense_code_carries_most_bits_per_pattern():
    bits = [capacity_bits(20, d) for d in range(21)]
    assert int(np.argmax(bits)) == 10 == dense_active(20)


# --- generators ------------------------------------------------------------------------------

def test_local_code_is_the_identity_rows():
    np.testing.assert_array_equal(local_code(3, 5), [[1, 0, 0, 0, 0],
                                                     [0, 1, 0, 0, 0],
                                                     [0, 0, 1, 0, 0]])
    np.testing.assert_array_equal(local_code(6, 6), np.eye(6))
    assert local_code(2, 2).dtype == np.uint8


@pytest.mark.parametrize("n_patterns, n_units, n_active", [
    (30, 20, 3),    # few patterns of many: rejection branch
    (9, 6, 3),      # 9 <= C(6, 3) / 2 = 10: rejection branch
    (11, 6, 3),     # 11 > 10: sampled from the list of all patterns
    (20, 6, 3),     # all C(6, 3) = 20 patterns
    (5, 5, 1),      # a whole local code
    (1, 4, 0),      # the single empty pattern
    (1, 4, 4),      # the single full pattern
])
def test_random_code_rows_have_d_ones_and_are_distinct(n_patterns, n_units, n_active):
    codes = random_code(n_patterns, n_units, n_active, seed=3)
    assert codes.shape == (n_patterns, n_units)
    assert codes.dtype == np.uint8
    assert set(np.unique(codes).tolist()) <= {0, 1}
    assert (codes.sum(axis=1) == n_active).all()
    assert len({row.tobytes() for row in codes}) == n_patterns


def test_random_code_asking_for_every_pattern_returns_all_combinations():
    codes = random_code(20, 6, 3, seed=1)
    assert {frozenset(np.flatnonzero(row).tolist()) for row in codes} == set(all_subsets(6, 3))


@pytest.mark.parametrize("n_patterns", [5, 11])  # rejection branch, sampling branch
def test_random_code_picks_every_pattern_equally_often(n_patterns):
    # each of the C(6, 3) = 20 patterns is in the code with probability n_patterns / 20
    n_seeds = 300
    counts = Counter(frozenset(np.flatnonzero(row).tolist())
                     for seed in range(n_seeds) for row in random_code(n_patterns, 6, 3, seed=seed))
    assert set(counts) == set(all_subsets(6, 3))
    p = n_patterns / 20
    for count in counts.values():
        assert within_4_se(count / n_seeds, p, n_seeds)


def test_random_code_same_seed_gives_same_codes():
    for args in [(30, 20, 3), (11, 6, 3)]:
        np.testing.assert_array_equal(random_code(*args, seed=7), random_code(*args, seed=7))
        assert not np.array_equal(random_code(*args, seed=7), random_code(*args, seed=8))
    a = random_code(30, 20, 3, seed=np.random.default_rng(5))
    b = random_code(30, 20, 3, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_random_code_without_distinct_repeats_and_may_exceed_capacity():
    codes = random_code(50, 3, 1, seed=0, distinct=False)  # only 3 local patterns exist
    assert codes.shape == (50, 3)
    assert (codes.sum(axis=1) == 1).all()
    assert len({row.tobytes() for row in codes}) == 3


def test_random_code_units_are_used_evenly():
    codes = random_code(4000, 10, 3, seed=2, distinct=False)
    for rate in codes.mean(axis=0):
        assert within_4_se(rate, 0.3, 4000)


@pytest.mark.parametrize("n_patterns, n_units, n_active", [(20, 20, 3), (64, 64, 32), (50, 100, 1), (10, 8, 4)])
def test_random_code_activity_ratio_is_d_over_n(n_patterns, n_units, n_active):
    codes = random_code(n_patterns, n_units, n_active, seed=0)
    assert activity_ratio(codes) == pytest.approx(n_active / n_units)


def test_structured_code_by_hand():
    np.testing.assert_array_equal(structured_code(4, 4, 2), [[1, 1, 0, 0],    # {0, 1}
                                                             [1, 0, 1, 0],    # {0, 2}
                                                             [1, 0, 0, 1],    # {0, 3}
                                                             [0, 1, 1, 0]])   # {1, 2}


@pytest.mark.parametrize("n_patterns, n_units, n_active", [(10, 5, 2), (7, 5, 2), (35, 7, 3), (1, 3, 0), (6, 6, 1)])
def test_structured_code_follows_itertools_combinations_order(n_patterns, n_units, n_active):
    expected = np.zeros((n_patterns, n_units), dtype=np.uint8)
    for row, units in zip(expected, itertools.combinations(range(n_units), n_active)):
        row[list(units)] = 1
    np.testing.assert_array_equal(structured_code(n_patterns, n_units, n_active), expected)


def test_binary_code_by_hand():
    # unit j holds bit j of the pattern's index (unit 0 is the least significant bit)
    np.testing.assert_array_equal(binary_code(6, 3), [[0, 0, 0],
                                                      [1, 0, 0],
                                                      [0, 1, 0],
                                                      [1, 1, 0],
                                                      [0, 0, 1],
                                                      [1, 0, 1]])


def test_binary_code_rows_are_the_binary_numerals():
    codes = binary_code(64, 6)
    np.testing.assert_array_equal(codes @ (2 ** np.arange(6)), np.arange(64))
    assert len({row.tobytes() for row in codes}) == 64  # every pattern of 6 units, once
    assert activity_ratio(codes) == pytest.approx(0.5)  # the full binary code is dense


def test_binary_code_with_more_than_64_units_keeps_high_units_off():
    codes = binary_code(5, 70)
    assert codes.shape == (5, 70)
    np.testing.assert_array_equal(codes[:, :3], binary_code(5, 3))
    assert not codes[:, 3:].any()


@pytest.mark.parametrize("n_units, expected", [(1, 0), (2, 1), (7, 3), (64, 32), (101, 50)])
def test_dense_active_is_half_the_units(n_units, expected):
    assert dense_active(n_units) == expected


def test_check_code_accepts_bool_and_float_0_1():
    np.testing.assert_array_equal(check_code(np.array([[True, False]])), [[1, 0]])
    assert check_code([[1.0, 0.0]]).dtype == np.uint8


# --- interference ----------------------------------------------------------------------------

def test_ghost_rate_by_hand_one_stored_pair_covers_only_itself():
    # N = 3, d = 2, k = 1: the stored pair turns on 2 units, which hold no other pair
    assert ghost_rate(3, 2, 1) == pytest.approx(0.0, abs=1e-12)


def test_ghost_rate_by_hand_four_units_two_stored_pairs():
    # 36 ordered stored pairs x 6 probes:
    #   same pattern twice (6):  5 probes not stored each, 0 covered
    #   disjoint patterns (6):   4 not stored, all 4 covered (every unit is on)
    #   sharing one unit (24):   4 not stored, 1 covered (the 3rd pair of the 3 units on)
    # ghosts / not stored = (0 + 24 + 24) / (30 + 24 + 96) = 48 / 150 = 8 / 25
    assert ghost_rate(4, 2, 2) == pytest.approx(8 / 25, abs=1e-12)
    assert ghost_rate_closed_form(4, 2, 2) == Fraction(8, 25)
    assert ghost_rate_by_enumeration(4, 2, 2) == Fraction(8, 25)


def test_ghost_rate_by_hand_three_units_three_stored_pairs():
    # 27 ordered triples of the 3 pairs: 3 repeat one pair (2 probes not stored, 0 covered),
    # 18 use two pairs (1 not stored, covered: all 3 units on), 6 use all three (none left)
    assert ghost_rate(3, 2, 3) == pytest.approx(18 / 24, abs=1e-12)


@pytest.mark.parametrize("n_units, n_active, n_stored", [
    (3, 2, 2), (4, 2, 3), (5, 2, 3), (5, 3, 2), (6, 3, 2), (6, 2, 4), (6, 4, 2), (5, 4, 3),
])
def test_ghost_rate_matches_enumeration_of_every_stored_tuple(n_units, n_active, n_stored):
    expected = ghost_rate_by_enumeration(n_units, n_active, n_stored)
    assert ghost_rate_closed_form(n_units, n_active, n_stored) == expected  # the reference itself
    assert ghost_rate(n_units, n_active, n_stored) == pytest.approx(float(expected), abs=1e-12)


@pytest.mark.parametrize("n_units, n_active, n_stored", [
    (10, 2, 5), (20, 3, 10), (30, 5, 8), (16, 4, 5), (100, 10, 20), (12, 6, 2), (200, 20, 40),
    (64, 32, 1), (64, 32, 2), (64, 32, 3), (64, 32, 6), (40, 20, 10), (50, 49, 3),
])
def test_ghost_rate_matches_inclusion_exclusion_closed_form(n_units, n_active, n_stored):
    expected = float(ghost_rate_closed_form(n_units, n_active, n_stored))
    assert ghost_rate(n_units, n_active, n_stored) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("n_units", [2, 5, 100])
def test_ghost_rate_of_a_local_code_is_zero(n_units):
    for n_stored in [0, 1, 3, 50, 1000]:
        assert ghost_rate(n_units, 1, n_stored) == 0.0


@pytest.mark.parametrize("n_units, n_active", [(10, 2), (20, 3), (64, 32), (6, 5), (100, 10)])
def test_ghost_rate_is_zero_with_nothing_stored_and_grows_with_k(n_units, n_active):
    rates = np.array([ghost_rate(n_units, n_active, k) for k in range(40)])
    assert rates[0] == 0.0
    assert rates[1] == pytest.approx(0.0, abs=1e-12)  # one pattern covers only itself
    assert (np.diff(rates) >= -1e-12).all()
    assert ((0 <= rates) & (rates <= 1)).all()


def test_ghost_rate_tends_to_one_as_everything_is_on():
    assert ghost_rate(10, 3, 200) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("n_units, n_active, n_stored", [
    (20, 3, 10), (30, 5, 8), (16, 4, 5), (100, 10, 20), (64, 32, 3), (64, 32, 2),
])
def test_measure_ghost_rate_agrees_with_exact_rate(n_units, n_active, n_stored):
    n_trials = 3000
    estimate = measure_ghost_rate(n_units, n_active, n_stored, n_trials=n_trials, seed=11)
    assert isinstance(estimate, GhostEstimate)
    exact = float(ghost_rate_closed_form(n_units, n_active, n_stored))
    assert within_4_se(estimate.rate, exact, n_trials, floor=4 / n_trials)
    assert 0 < estimate.n_probes <= n_trials  # trials whose probe was stored are left out
    assert estimate.standard_error == pytest.approx(
        math.sqrt(estimate.rate * (1 - estimate.rate) / estimate.n_probes))


def test_measure_ghost_rate_is_zero_for_local_code_and_for_nothing_stored():
    assert measure_ghost_rate(10, 1, 5, n_trials=500).rate == 0.0
    assert measure_ghost_rate(10, 3, 0, n_trials=500) == GhostEstimate(0.0, 0.0, 500)


def test_measure_ghost_rate_same_seed_same_estimate():
    assert measure_ghost_rate(20, 3, 10, n_trials=300, seed=4) == measure_ghost_rate(20, 3, 10, n_trials=300, seed=4)


def test_measure_ghost_rate_agrees_with_exact_rate_on_a_tiny_code():
    # 6 patterns only, so a stored pair often repeats a pattern. ghost_rate conditions on
    # "the probe is not stored" over the joint draw (exact 8/25, see the hand test above).
    n_trials = 100_000
    estimate = measure_ghost_rate(4, 2, 2, n_trials=n_trials, seed=0)
    assert within_4_se(estimate.rate, 8 / 25, n_trials)


def test_measure_ghost_rate_leaves_out_trials_that_stored_every_pattern():
    # N = 3, d = 2 has 3 patterns; 3 stored draws are all of them in 2/9 of trials, leaving
    # no probe that is "not stored" (an earlier version redrew the probe forever).
    # ghost_rate(3, 2, 3) = 3/4 is well defined all the same.
    estimate = measure_ghost_rate(3, 2, 3, n_trials=2000, seed=0)
    assert estimate.n_probes < 2000
    assert within_4_se(estimate.rate, 0.75, estimate.n_probes)


@pytest.mark.parametrize("n_units, n_active, tolerance", [
    (20, 3, 0.01), (64, 32, 0.01), (100, 5, 0.01), (30, 4, 0.1), (64, 8, 0.05), (12, 6, 0.5), (40, 2, 1e-6),
])
def test_max_superposed_is_the_last_load_within_tolerance(n_units, n_active, tolerance):
    k = max_superposed(n_units, n_active, tolerance=tolerance)
    assert 1 <= k < capacity(n_units, n_active)
    assert ghost_rate_closed_form(n_units, n_active, k) <= tolerance
    assert ghost_rate_closed_form(n_units, n_active, k + 1) > tolerance


def test_max_superposed_by_hand():
    # 20 units, 3 active: two disjoint stored triples cover C(6, 3) - 2 = 18 other triples of
    # the 1139 not stored, so at k = 2 the ghost rate is already above 1 %
    assert max_superposed(20, 3, tolerance=0.01) == 1
    assert max_superposed(4, 2, tolerance=0.321) == 2   # ghost_rate(4, 2, 2) = 0.32 exactly
    assert max_superposed(4, 2, tolerance=0.319) == 1


@pytest.mark.parametrize("n_units, n_active", [(40, 2), (20, 3), (4, 2), (64, 32), (10, 2)])
def test_max_superposed_with_zero_tolerance_still_holds_one_item(n_units, n_active):
    # one stored pattern covers only itself: ghost rate exactly 0 at k = 1, > 0 at k = 2
    assert ghost_rate_closed_form(n_units, n_active, 1) == 0
    assert ghost_rate_closed_form(n_units, n_active, 2) > 0
    assert max_superposed(n_units, n_active, tolerance=0.0) == 1


@pytest.mark.parametrize("n_units", [2, 10, 300])
def test_max_superposed_of_a_local_code_is_every_unit(n_units):
    assert max_superposed(n_units, 1) == n_units
    assert max_superposed(n_units, 1, tolerance=0.0) == n_units


def test_max_superposed_is_capped():
    assert max_superposed(6, 3, tolerance=1.0) == 20           # all C(6, 3) patterns
    assert max_superposed(300, 1, max_items=7) == 7
    assert max_superposed(100, 5, max_items=3) == 3            # ghost rate still tiny at k = 3
    assert max_superposed(4, 3, tolerance=1.0) == 4


def test_sparse_code_superposes_more_items_than_dense():
    assert max_superposed(100, 5) > max_superposed(100, 50)


# --- fault tolerance -------------------------------------------------------------------------

CODES = random_code(100, 40, 10, seed=0)


def test_corrupt_with_p_zero_returns_the_same_codes():
    for kind in ["silence", "flip"]:
        out = corrupt(CODES, 0.0, kind)
        np.testing.assert_array_equal(out, CODES)
        assert out.dtype == np.uint8
        assert out is not CODES


def test_corrupt_with_p_one_silences_or_flips_every_unit():
    np.testing.assert_array_equal(corrupt(CODES, 1.0, "silence"), np.zeros_like(CODES))
    np.testing.assert_array_equal(corrupt(CODES, 1.0, "flip"), 1 - CODES)


def test_corrupt_does_not_modify_its_input():
    before = CODES.copy()
    corrupt(CODES, 0.5, "flip")
    np.testing.assert_array_equal(CODES, before)


def test_silence_never_switches_a_unit_on():
    out = corrupt(CODES, 0.3, "silence", seed=1)
    assert (out <= CODES).all()
    assert (out < CODES).any()


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_fraction_of_failed_units_is_close_to_p(p):
    flipped = corrupt(CODES, p, "flip", seed=2)
    assert within_4_se((flipped != CODES).mean(), p, CODES.size)
    silenced = corrupt(CODES, p, "silence", seed=3)
    n_on = int(CODES.sum())
    assert within_4_se((silenced != CODES).sum() / n_on, p, n_on)  # only active units can change


def test_corrupt_same_seed_same_result():
    np.testing.assert_array_equal(corrupt(CODES, 0.3, "flip", seed=9), corrupt(CODES, 0.3, "flip", seed=9))
    assert not np.array_equal(corrupt(CODES, 0.3, "flip", seed=9), corrupt(CODES, 0.3, "flip", seed=10))


def test_nearest_pattern_by_hand():
    stored = [[1, 1, 0, 0],
              [0, 0, 1, 1]]
    probes = [[1, 0, 0, 0],    # distance 1 to pattern 0, 3 to pattern 1
              [0, 0, 1, 0],    # 3, 1
              [1, 1, 1, 0],    # 1, 3
              [0, 1, 1, 1]]    # 3, 1
    assert nearest_pattern(stored, probes).tolist() == [0, 1, 0, 1]


def test_nearest_pattern_of_an_uncorrupted_probe_is_itself():
    for codes in [CODES, local_code(8, 8), binary_code(32, 5), random_code(30, 64, 32, seed=1)]:
        np.testing.assert_array_equal(nearest_pattern(codes, codes), np.arange(len(codes)))


def test_nearest_pattern_breaks_ties_at_random():
    # an all-zero probe is at distance 1 from every pattern of a local code
    n_probes = 4000
    guesses = nearest_pattern(local_code(4, 4), np.zeros((n_probes, 4)), seed=0)
    counts = np.bincount(guesses, minlength=4)
    assert len(counts) == 4
    for count in counts:
        assert within_4_se(count / n_probes, 0.25, n_probes)


def test_nearest_pattern_tie_break_never_beats_a_real_difference():
    stored = [[1, 1, 0, 0], [1, 0, 1, 1]]
    probes = np.tile([[1, 1, 1, 0]], (500, 1))  # distance 1 and 2
    for seed in range(5):
        assert (nearest_pattern(stored, probes, seed=seed) == 0).all()


def test_hamming_distances_by_hand():
    a = [[1, 1, 0, 0],
         [0, 0, 0, 0]]
    b = [[1, 1, 0, 0],
         [0, 0, 1, 1],
         [1, 0, 1, 0]]
    distances = hamming_distances(a, b)
    np.testing.assert_array_equal(distances, [[0, 4, 2],
                                              [2, 2, 2]])
    assert np.issubdtype(distances.dtype, np.integer)


def test_hamming_distances_match_counting_differing_units():
    a = random_code(12, 30, 7, seed=0)
    b = binary_code(20, 30)
    expected = [[sum(x != y for x, y in zip(row_a, row_b)) for row_b in b] for row_a in a]
    np.testing.assert_array_equal(hamming_distances(a, b), expected)


def test_recall_rate_without_noise_is_one():
    for kind in ["silence", "flip"]:
        assert recall_rate(CODES, 0.0, kind, n_trials=300) == 1.0
        assert recall_rate(local_code(5, 5), 0.0, kind, n_trials=300) == 1.0


@pytest.mark.parametrize("n_items, p", [(8, 0.3), (2, 0.5), (20, 0.1), (5, 1.0)])
def test_recall_rate_of_local_code_under_silencing(n_items, p):
    # a silenced local pattern is all zero: a guess among the M items
    n_trials = 4000
    expected = 1 - p + p / n_items
    assert within_4_se(recall_rate(local_code(n_items, n_items), p, n_trials=n_trials, seed=1), expected, n_trials)


def test_dense_code_recalls_better_than_local_code_under_silencing():
    local = recall_rate(local_code(64, 64), 0.1, n_trials=2000, seed=0)
    dense = recall_rate(random_code(64, 64, 32, seed=0), 0.1, n_trials=2000, seed=0)
    assert local == pytest.approx(0.9 + 0.1 / 64, abs=4 * math.sqrt(0.1 * 0.9 / 2000))
    assert dense > 0.99 > local


def test_recall_rate_falls_as_noise_grows():
    rates = [recall_rate(random_code(30, 20, 5, seed=0), p, "flip", n_trials=1000, seed=2) for p in (0.0, 0.1, 0.3)]
    assert rates[0] == 1.0 > rates[1] > rates[2]


# --- decoding cost ---------------------------------------------------------------------------

def test_single_pattern_needs_no_reads():
    reads = reads_to_identify([[1, 0, 1]], n_trials=20)
    assert reads.shape == (20,)
    assert (reads == 0).all()


def test_complementary_patterns_need_one_read():
    # two patterns that differ in every unit: whichever unit is read first tells them apart
    assert (reads_to_identify([[1, 0, 1, 0], [0, 1, 0, 1]], n_trials=200) == 1).all()
    assert (reads_to_identify(local_code(2, 2), n_trials=200) == 1).all()


def test_local_code_reads_by_hand_three_units():
    # item i is known once unit i is read (if on), or once both other units are read
    # (when i is read last it reads as the 2nd unit): reads = min(pos_i + 1, N - 1) = 1 or 2
    reads = reads_to_identify(local_code(3, 3), n_trials=3000, seed=0)
    assert set(reads.tolist()) == {1, 2}
    assert within_4_se((reads == 1).mean(), 1 / 3, 3000)


@pytest.mark.parametrize("n_units", [4, 7, 12])
def test_local_code_reads_have_the_derived_distribution(n_units):
    # For the local code with M = N, item i is identified after min(pos_i + 1, N - 1) reads
    # (pos_i = when unit i is read, uniform on 0..N-1): P(r) = 1/N for r < N - 1, 2/N for
    # r = N - 1; always 1 <= reads <= N - 1; mean (N - 1)(N + 2) / (2N).
    n_trials = 3000
    reads = reads_to_identify(local_code(n_units, n_units), n_trials=n_trials, seed=1)
    assert reads.min() >= 1 and reads.max() <= n_units - 1
    for r in range(1, n_units):
        expected = 2 / n_units if r == n_units - 1 else 1 / n_units
        assert within_4_se((reads == r).mean(), expected, n_trials)
    mean = (n_units - 1) * (n_units + 2) / (2 * n_units)
    assert abs(reads.mean() - mean) <= 4 * reads.std() / math.sqrt(n_trials)


def test_local_code_with_fewer_items_than_units_stays_within_n_minus_1_reads():
    reads = reads_to_identify(local_code(3, 8), n_trials=2000, seed=0)
    assert reads.min() >= 1 and reads.max() <= 8 - 1


@pytest.mark.parametrize("stored", [
    local_code(4, 5),
    structured_code(6, 5, 2),
    binary_code(8, 5),
    random_code(7, 6, 3, seed=2),
    [[1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [0, 0, 0, 1, 1]],
])
def test_mean_reads_matches_enumeration_of_every_reading_order(stored):
    n_trials = 3000
    reads = reads_to_identify(stored, n_trials=n_trials, seed=3)
    exact = float(mean_reads_by_enumeration(stored))
    assert abs(reads.mean() - exact) <= 4 * max(reads.std(), 0.1) / math.sqrt(n_trials)
    assert reads.min() >= 1 and reads.max() <= np.asarray(stored).shape[1]


def test_dense_code_needs_fewer_reads_than_local_code():
    local = reads_to_identify(local_code(16, 16), n_trials=1000, seed=0)
    dense = reads_to_identify(random_code(16, 16, 8, seed=0), n_trials=1000, seed=0)
    assert dense.mean() < local.mean() - 2


def test_reads_to_identify_same_seed_same_reads():
    np.testing.assert_array_equal(reads_to_identify(CODES, n_trials=50, seed=5),
                                  reads_to_identify(CODES, n_trials=50, seed=5))


# --- associative memory ----------------------------------------------------------------------

def test_willshaw_one_pair_by_hand():
    cue = [[1, 1, 0, 0, 0]]
    target = [[0, 0, 1, 0, 1]]
    weights = willshaw_store(cue, target)
    expected = np.zeros((5, 5), dtype=bool)
    expected[np.ix_([0, 1], [2, 4])] = True
    np.testing.assert_array_equal(weights, expected)
    assert weights.dtype == bool
    np.testing.assert_array_equal(willshaw_recall(weights, cue), target)


def test_willshaw_spurious_unit_by_hand():
    # cue {0,1} -> {0}, cue {1,2} -> {1}, cue {0,2} -> {1}: cue {0,1} reaches target unit 1
    # through synapses (0,1) (3rd pair) and (1,1) (2nd pair), so unit 1 fires as well
    cues = [[1, 1, 0], [0, 1, 1], [1, 0, 1]]
    targets = [[1, 0, 0], [0, 1, 0], [0, 1, 0]]
    recalled = willshaw_recall(willshaw_store(cues, targets), cues)
    np.testing.assert_array_equal(recalled, [[1, 1, 0], [0, 1, 0], [0, 1, 0]])


def test_willshaw_store_and_recall_match_set_reference():
    for seed in range(3):
        cues = random_code(15, 12, 3, seed=seed)
        targets = random_code(15, 10, 4, seed=seed + 100, distinct=False)  # cue and target sizes differ
        weights = willshaw_store(cues, targets)
        assert weights.shape == (12, 10)
        synapses = willshaw_by_sets(cues, targets)
        assert set(zip(*np.nonzero(weights))) == synapses
        probes = random_code(20, 12, 3, seed=seed + 200, distinct=False)
        np.testing.assert_array_equal(willshaw_recall(weights, probes), recall_by_sets(synapses, probes, 10))


def test_willshaw_recall_after_one_pair_is_exact():
    for seed in range(5):
        cue, target = random_code(1, 30, 4, seed=seed), random_code(1, 30, 4, seed=seed + 50)
        np.testing.assert_array_equal(willshaw_recall(willshaw_store(cue, target), cue), target)


@pytest.mark.parametrize("n_pairs", [1, 10, 50, 200])
def test_willshaw_recall_never_misses_a_target_unit(n_pairs):
    cues = random_code(n_pairs, 32, 4, seed=n_pairs)
    targets = random_code(n_pairs, 32, 4, seed=n_pairs + 1, distinct=False)
    recalled = willshaw_recall(willshaw_store(cues, targets), cues)
    assert (recalled >= targets).all()
    if n_pairs == 200:
        assert (recalled > targets).any()  # overloaded: spurious units appear


def test_willshaw_fill_matches_expected_fraction_of_synapses():
    # for independent random pairs, synapse (i, j) stays off with probability (1 - (d/N)^2)^M
    n_units, n_active, n_pairs = 32, 4, 40
    fills = [willshaw_store(random_code(n_pairs, n_units, n_active, seed=s, distinct=False),
                            random_code(n_pairs, n_units, n_active, seed=s + 1000, distinct=False)).mean()
             for s in range(20)]
    expected = 1 - (1 - (n_active / n_units) ** 2) ** n_pairs
    assert np.mean(fills) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("n_units", [2, 16, 50])
def test_willshaw_capacity_of_local_code_is_n_pairs(n_units):
    result = willshaw_capacity(n_units, 1)
    assert isinstance(result, MemoryCapacity)
    assert result.pairs == n_units
    assert result.bits == pytest.approx(n_units * math.log2(n_units))
    assert result.bits_per_synapse == pytest.approx(math.log2(n_units) / n_units)
    assert result.fill == pytest.approx(1 / n_units)  # one synapse per cue unit


def recall_error_fraction(n_units, n_active, n_pairs, cap, seed):
    """Rebuild the pairs willshaw_capacity draws and measure recall with the set reference."""
    rng = np.random.default_rng(seed)
    cues = random_code(cap, n_units, n_active, rng)
    targets = random_code(cap, n_units, n_active, rng, distinct=False)
    synapses = willshaw_by_sets(cues[:n_pairs], targets[:n_pairs])
    recalled = recall_by_sets(synapses, cues[:n_pairs], n_units)
    return float((recalled != targets[:n_pairs]).any(axis=1).mean()), len(synapses) / n_units ** 2


@pytest.mark.parametrize("n_units, n_active, tolerance, seed", [
    (64, 4, 0.01, 0), (64, 6, 0.05, 1), (32, 3, 0.1, 2), (40, 20, 0.2, 3),
])
def test_willshaw_capacity_is_the_last_load_within_tolerance(n_units, n_active, tolerance, seed):
    result = willshaw_capacity(n_units, n_active, tolerance=tolerance, seed=seed)
    cap = min(math.comb(n_units, n_active), 20 * n_units)
    assert 1 <= result.pairs < cap
    error, fill = recall_error_fraction(n_units, n_active, result.pairs, cap, seed)
    assert error <= tolerance
    assert recall_error_fraction(n_units, n_active, result.pairs + 1, cap, seed)[0] > tolerance
    assert result.fill == pytest.approx(fill)
    assert result.bits == pytest.approx(result.pairs * math.log2(math.comb(n_units, n_active)))
    assert result.bits_per_synapse == pytest.approx(result.bits / n_units ** 2)


def test_willshaw_capacity_is_capped():
    assert willshaw_capacity(16, 1, max_pairs=5).pairs == 5
    assert willshaw_capacity(6, 3, tolerance=1.0).pairs == 20            # C(6, 3) distinct cues
    assert willshaw_capacity(10, 2, tolerance=1.0).pairs == 45           # C(10, 2) < 20 * 10
    assert willshaw_capacity(20, 5, tolerance=1.0).pairs == 400          # 20 * N < C(20, 5)


def test_willshaw_capacity_same_seed_same_result():
    assert willshaw_capacity(32, 3, seed=4) == willshaw_capacity(32, 3, seed=4)


def test_sparse_willshaw_memory_beats_local_and_dense():
    local = willshaw_capacity(128, 1).bits_per_synapse
    sparse = willshaw_capacity(128, 7).bits_per_synapse   # d ~ log2 N
    dense = willshaw_capacity(128, 64).bits_per_synapse
    assert local == pytest.approx(7 / 128)
    assert sparse > local and sparse > dense


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    # code sizes
    (lambda: capacity(3, 4), ValueError, "n_active must be between 0 and n_units = 3, got 4"),
    (lambda: capacity(5, -1), ValueError, "n_active must be >= 0, got -1"),
    (lambda: capacity(0, 0), ValueError, "n_units must be >= 1, got 0"),
    (lambda: capacity(-3), ValueError, "n_units must be >= 1, got -3"),
    (lambda: capacity_bits(0), ValueError, "n_units must be >= 1"),
    (lambda: capacity(2.5, 1), TypeError, "n_units must be an int, got float"),
    (lambda: capacity(5, 1.0), TypeError, "n_active must be an int, got float"),
    (lambda: capacity(True, 1), TypeError, "n_units must be an int, got bool"),
    (lambda: capacity(5, True), TypeError, "n_active must be an int, got bool"),
    (lambda: dense_active(0), ValueError, "n_units must be >= 1"),
    (lambda: random_code(3, 5, 6), ValueError, "n_active must be between 0 and n_units = 5"),
    (lambda: random_code(0, 5, 2), ValueError, "n_patterns must be >= 1, got 0"),
    (lambda: random_code(21, 6, 3), ValueError, "only 20 distinct patterns have 3 of 6 units active"),
    (lambda: structured_code(11, 5, 2), ValueError, "only 10 distinct patterns"),
    (lambda: local_code(4, 3), ValueError, "a local code of 3 units has only 3 patterns, got n_patterns = 4"),
    (lambda: local_code(2, 0), ValueError, "n_units must be >= 1"),
    (lambda: binary_code(9, 3), ValueError, "3 binary units have only 8 patterns, got n_patterns = 9"),
    (lambda: binary_code(2.0, 3), TypeError, "n_patterns must be an int"),
    # interference
    (lambda: ghost_rate(10, 2, -1), ValueError, "n_stored must be >= 0, got -1"),
    (lambda: ghost_rate(10, 2, 1.5), TypeError, "n_stored must be an int"),
    (lambda: ghost_rate(10, 0, 3), ValueError, "single pattern"),
    (lambda: ghost_rate(10, 10, 3), ValueError, "single pattern"),
    (lambda: ghost_rate(10, 11, 3), ValueError, "n_active must be between 0 and n_units = 10"),
    (lambda: ghost_rate(0, 0, 3), ValueError, "n_units must be >= 1"),
    (lambda: measure_ghost_rate(10, 5, 5, n_trials=0), ValueError, "n_trials must be >= 1"),
    (lambda: measure_ghost_rate(10, 10, 5), ValueError, "single pattern"),
    (lambda: max_superposed(10, 2, tolerance=1.5), ValueError, r"tolerance must be in \[0, 1\], got 1.5"),
    (lambda: max_superposed(10, 2, tolerance=-0.1), ValueError, r"tolerance must be in \[0, 1\]"),
    (lambda: max_superposed(10, 2, tolerance=float("nan")), ValueError, "tolerance must be in"),
    (lambda: max_superposed(10, 2, tolerance="0.1"), TypeError, "tolerance must be a number"),
    (lambda: max_superposed(10, 2, max_items=0), ValueError, "max_items must be >= 1"),
    (lambda: max_superposed(10, 0), ValueError, "single pattern"),
    # codes
    (lambda: corrupt([[0, 2, 1]], 0.1), ValueError, "codes must hold only 0 and 1"),
    (lambda: corrupt([0, 1, 1], 0.1), ValueError, r"codes must have shape \(patterns, units\)"),
    (lambda: corrupt(np.zeros((2, 3, 4)), 0.1), ValueError, "must have shape"),
    (lambda: corrupt(np.zeros((0, 3)), 0.1), ValueError, "must have shape"),
    (lambda: corrupt([[0.5, 1.0]], 0.1), ValueError, "only 0 and 1"),
    (lambda: corrupt([[np.nan, 1.0]], 0.1), ValueError, "only 0 and 1"),
    (lambda: corrupt([["0", "1"]], 0.1), TypeError, "codes must be a numeric array"),
    (lambda: corrupt(CODES, -0.1), ValueError, r"p must be in \[0, 1\], got -0.1"),
    (lambda: corrupt(CODES, 1.2), ValueError, r"p must be in \[0, 1\], got 1.2"),
    (lambda: corrupt(CODES, float("nan")), ValueError, r"p must be in \[0, 1\], got nan"),
    (lambda: corrupt(CODES, True), TypeError, "p must be a number, got bool"),
    (lambda: corrupt(CODES, 0.1, kind="noise"), ValueError, "kind must be one of .*got 'noise'"),
    # decoding
    (lambda: nearest_pattern(local_code(4, 4), [[0, 1, 0]]), ValueError, "patterns of 3 and 4 units cannot be compared"),
    (lambda: nearest_pattern([[0, 3]], [[0, 1]]), ValueError, "must hold only 0 and 1"),
    (lambda: nearest_pattern([[0, 1]], [[0, 1, 1, 0]]), ValueError, "cannot be compared"),
    (lambda: hamming_distances([[0, 1]], [[0, 1, 1]]), ValueError, "patterns of 2 and 3 units cannot be compared"),
    (lambda: hamming_distances([0, 1], [[0, 1]]), ValueError, "must have shape"),
    (lambda: recall_rate([[1, 0], [1, 0]], 0.1), ValueError, "stored holds repeated patterns"),
    (lambda: recall_rate(local_code(3, 3), 1.5), ValueError, r"p must be in \[0, 1\]"),
    (lambda: recall_rate(local_code(3, 3), 0.1, kind="erase"), ValueError, "kind must be one of"),
    (lambda: recall_rate(local_code(3, 3), 0.1, n_trials=0), ValueError, "n_trials must be >= 1"),
    (lambda: reads_to_identify([[1, 0], [1, 0]]), ValueError, "stored holds repeated patterns"),
    (lambda: reads_to_identify([[1, 0, 2]]), ValueError, "only 0 and 1"),
    # associative memory
    (lambda: willshaw_store(local_code(3, 3), local_code(2, 3)), ValueError,
     "need one target per cue, got 3 cues and 2 targets"),
    (lambda: willshaw_store([[1, 2]], [[1, 0]]), ValueError, "cues must hold only 0 and 1"),
    (lambda: willshaw_store([[1, 0]], [1, 0]), ValueError, "targets must have shape"),
    (lambda: willshaw_recall(np.ones((3, 3), dtype=np.uint8), local_code(3, 3)), TypeError,
     "weights must be the boolean matrix"),
    (lambda: willshaw_recall(np.ones(3, dtype=bool), local_code(3, 3)), TypeError, "boolean matrix"),
    (lambda: willshaw_recall(np.ones((4, 3), dtype=bool), local_code(3, 3)), ValueError,
     "cues have 3 units but the memory expects 4"),
    (lambda: willshaw_capacity(10, 0), ValueError, "n_active must be >= 1"),
    (lambda: willshaw_capacity(10, 11), ValueError, "n_active must be between 0 and n_units = 10"),
    (lambda: willshaw_capacity(10, 2, tolerance=1.5), ValueError, r"tolerance must be in \[0, 1\]"),
    (lambda: willshaw_capacity(10, 2, tolerance=-0.01), ValueError, r"tolerance must be in \[0, 1\]"),
    (lambda: willshaw_capacity(10, 2, max_pairs=0), ValueError, "max_pairs must be >= 1"),
    (lambda: willshaw_capacity(2.5, 1), TypeError, "n_units must be an int"),
    # summary table
    (lambda: measured_properties(8, 9), ValueError, "n_active must be between 0 and n_units = 8"),
    (lambda: measured_properties(8, 2, p=2.0), ValueError, r"p must be in \[0, 1\]"),
])
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- the summary table -----------------------------------------------------------------------

def test_measured_properties_of_a_local_code():
    n_units, p, n_trials = 16, 0.2, 2000
    table = measured_properties(n_units, 1, p=p, n_trials=n_trials)
    assert table["activity ratio"] == pytest.approx(1 / 16)
    assert table["bits per pattern"] == pytest.approx(4.0)
    assert table["ghost rate"] == 0.0
    assert table["items at once"] == 16
    assert within_4_se(table["recall, silenced"], 1 - p + p / n_units, n_trials)
    assert table["detector reads"] == 1
    mean_reads = (n_units - 1) * (n_units + 2) / (2 * n_units)  # see the local-code reads test
    spread = math.sqrt(sum((min(pos + 1, n_units - 1) - mean_reads) ** 2 for pos in range(n_units)) / n_units)
    assert abs(table["reads to identify"] - mean_reads) <= 4 * spread / math.sqrt(n_trials // 4)
    assert table["memory pairs"] == 16
    assert table["memory bits per synapse"] == pytest.approx(16 * 4 / 16 ** 2)


def test_measured_properties_of_a_sparse_code():
    table = measured_properties(64, 6)
    assert table["activity ratio"] == pytest.approx(6 / 64)
    assert table["bits per pattern"] == pytest.approx(math.log2(math.comb(64, 6)))
    assert table["ghost rate"] == pytest.approx(float(ghost_rate_closed_form(64, 6, 5)), abs=1e-9)
    assert table["detector reads"] == 6
    assert 0 <= table["recall, flipped"] <= table["recall, silenced"] <= 1
