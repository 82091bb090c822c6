import numpy as np
import pytest

from sparsebook.metrics import (
    ActivityStats,
    active_counts,
    activity_ratio,
    activity_stats,
    avr,
    dead_units,
    firing_rates,
    hoyer_sparseness,
    lifetime_sparseness,
    population_sparseness,
    treves_rolls,
)

# 3 examples x 4 units, computed by hand below
A = np.array([
    [0.0, 2.0, 0.0, 1.0],   # 2 active
    [0.0, 0.5, 0.0, 0.0],   # 1 active
    [0.0, 3.0, 0.0, 4.0],   # 2 active
])


def test_avr_counts_active_units_per_example():
    assert active_counts(A).tolist() == [2, 1, 2]
    assert avr(A) == pytest.approx(5 / 3)  # a COUNT, not a ratio
    assert activity_ratio(A) == pytest.approx(5 / 12)


def test_avr_flattens_feature_maps_into_units():
    maps = np.zeros((2, 14, 14, 200))
    maps[0, 0, 0, :3] = 1.0
    maps[1, 5, 7, 199] = 2.0
    assert avr(maps) == pytest.approx(2.0)
    assert activity_ratio(maps) == pytest.approx(2.0 / 39_200)


def test_threshold_decides_what_is_active():
    assert active_counts(A, threshold=1.0).tolist() == [1, 0, 2]
    with pytest.raises(ValueError, match="threshold"):
        avr(A, threshold=-1)


def test_firing_rates_and_dead_units():
    np.testing.assert_allclose(firing_rates(A), [0, 1, 0, 2 / 3])
    assert dead_units(A).tolist() == [True, False, True, False]


def test_treves_rolls_by_hand():
    # r = (1, 0, 0, 0): mean 1/4, mean square 1/4 -> a = (1/16)/(1/4) = 1/4 = 1/n
    assert treves_rolls([1.0, 0, 0, 0]) == pytest.approx(0.25)
    assert treves_rolls([2.0, 2, 2, 2]) == pytest.approx(1.0)
    # r = (1, 3): mean 2, mean square 5 -> 4/5
    assert treves_rolls([1.0, 3.0]) == pytest.approx(0.8)
    assert np.isnan(treves_rolls([0.0, 0.0]))


def test_population_sparseness_local_is_one_dense_is_zero():
    codes = np.array([[0.0, 0, 5, 0], [1.0, 1, 1, 1], [1.0, 3, 0, 0]])
    # third row: r = (1,3,0,0): mean 1, mean square 2.5 -> a = 0.4 -> (1-0.4)/(1-1/4) = 0.8
    np.testing.assert_allclose(population_sparseness(codes), [1.0, 0.0, 0.8])


def test_lifetime_sparseness_per_unit():
    s = lifetime_sparseness(A)
    assert np.isnan(s[0]) and np.isnan(s[2])  # dead units
    # unit 1: (2, .5, 3): mean 11/6, mean square 13.25/3 -> a = (121/36)/(13.25/3)
    a = (121 / 36) / (13.25 / 3)
    assert s[1] == pytest.approx((1 - a) / (1 - 1 / 3))


def test_hoyer_sparseness_by_hand():
    assert hoyer_sparseness([0.0, 0, 3, 0]) == pytest.approx(1.0)
    assert hoyer_sparseness([1.0, -1, 1, -1]) == pytest.approx(0.0)
    # (1, 1, 0, 0): l1 = 2, l2 = sqrt 2 -> (2 - sqrt 2) / (2 - 1)
    assert hoyer_sparseness([1.0, 1, 0, 0]) == pytest.approx(2 - np.sqrt(2))
    np.testing.assert_allclose(hoyer_sparseness(np.eye(3), axis=1), [1, 1, 1])
    assert np.isnan(hoyer_sparseness([0.0, 0.0]))


def test_batched_stats_equal_whole_array_stats():
    rng = np.random.default_rng(0)
    acts = np.maximum(rng.normal(size=(250, 30)) - 1.0, 0)
    acts[:, 7] = 0  # one dead unit
    stats = activity_stats(acts[i : i + 64] for i in range(0, 250, 64))
    assert stats.n_examples == 250 and stats.units == 30
    assert stats.avr == pytest.approx(avr(acts))
    assert stats.activity_ratio == pytest.approx(activity_ratio(acts))
    np.testing.assert_allclose(stats.firing_rates, firing_rates(acts))
    assert stats.dead_units.tolist() == dead_units(acts).tolist()
    assert stats.dead_fraction == pytest.approx(1 / 30)
    np.testing.assert_allclose(stats.lifetime_sparseness, lifetime_sparseness(acts), equal_nan=True)
    np.testing.assert_allclose(stats.population_sparseness, population_sparseness(acts), equal_nan=True)


def test_bad_activations_are_refused():
    with pytest.raises(ValueError, match="examples, units"):
        avr(np.ones(5))
    with pytest.raises(ValueError, match="NaN"):
        avr(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="at least one example"):
        avr(np.zeros((0, 4)))
    with pytest.raises(TypeError, match="numeric"):
        avr(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match=">= 0"):
        treves_rolls([1.0, -1.0])
    with pytest.raises(ValueError, match="at least 2"):
        hoyer_sparseness([1.0])
    stats = ActivityStats().update(np.ones((2, 3)))
    with pytest.raises(ValueError, match="3"):
        stats.update(np.ones((2, 4)))
    with pytest.raises(ValueError, match="no activations"):
        ActivityStats().avr


def test_linear_probe_reads_labels_a_code_makes_linear():
    from sparsebook.metrics import linear_probe_accuracy

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    one_hot = np.eye(3)[y] + 0.01 * rng.normal(size=(300, 3))  # the label, linearly
    assert linear_probe_accuracy(one_hot[:200], y[:200], one_hot[200:], y[200:]) == 1.0
    noise = rng.normal(size=(300, 3))  # nothing of the label: about chance (1/3)
    assert linear_probe_accuracy(noise[:200], y[:200], noise[200:], y[200:]) < 0.55


def test_linear_probe_refuses_mismatched_codes_and_labels():
    from sparsebook.metrics import linear_probe_accuracy

    codes = np.zeros((10, 4))
    with pytest.raises(ValueError, match="one label per example"):
        linear_probe_accuracy(codes, np.arange(9) % 2, codes, np.arange(10) % 2)
    with pytest.raises(ValueError, match="same units"):
        linear_probe_accuracy(codes, np.arange(10) % 2, np.zeros((10, 5)), np.arange(10) % 2)


def test_relu_thresholds_divide_minus_the_bias_by_the_weights_norm():
    from sparsebook.metrics import relu_thresholds

    weights = np.array([[3.0, 0.0], [4.0, 2.0]])  # columns of norm 5 and 2
    assert relu_thresholds(weights, [-1.0, 0.5]).tolist() == [0.2, -0.25]
    # scaling a unit's weights and bias together leaves its threshold, and its zeros, unchanged
    assert np.allclose(relu_thresholds(7 * weights, [-7.0, 3.5]), [0.2, -0.25])
    with pytest.raises(ValueError, match="bias"):
        relu_thresholds(weights, [1.0])
    with pytest.raises(ValueError, match="non-zero weights"):
        relu_thresholds(np.zeros((2, 2)), [0.0, 0.0])
