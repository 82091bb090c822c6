"""The 2-D Gabor function and its least-squares fit (sparsebook.gabor)."""

import math

import numpy as np
import pytest

from sparsebook import gabor

SHAPE = (12, 12)
# (x0, y0, theta, frequency, phase, sigma_u, sigma_v, amplitude): different directions, phases and shapes
TRUE = [
    (5.3, 6.1, 0.7, 0.18, 1.0, 1.8, 3.0, 2.0),
    (4.0, 7.5, 2.4, 0.25, 4.0, 1.5, 2.5, 0.5),
    (6.5, 5.0, 0.1, 0.12, 0.0, 2.2, 2.2, 1.0),
    (7.0, 4.2, 1.6, 0.30, 3.0, 1.2, 3.5, 3.0),
]


def angle_difference(a, b, period):
    """The distance between two angles on a circle of ``period``."""
    d = (a - b) % period
    return min(d, period - d)


def test_gabor_by_hand():
    g = gabor.gabor((3, 5), x0=2, y0=1, theta=0.0, frequency=0.25, phase=0.0, sigma_u=1.0, sigma_v=1.0)
    # on the centre row: u = x - 2, v = 0, so g = exp(-u^2/2) cos(pi u / 2)
    np.testing.assert_allclose(g[1], [math.exp(-2) * -1, 0, 1, 0, math.exp(-2) * -1], atol=1e-12)
    # one row off: v = +-1 multiplies by exp(-1/2)
    np.testing.assert_allclose(g[0], g[1] * math.exp(-0.5), atol=1e-12)


@pytest.mark.parametrize("true", TRUE)
def test_fit_recovers_a_pure_gabor(true):
    fit = gabor.fit_gabor(gabor.gabor(SHAPE, *true))
    assert fit.r2 == pytest.approx(1.0, abs=1e-6)
    x0, y0, theta, frequency, phase, sigma_u, sigma_v, amplitude = true
    assert (fit.x0, fit.y0) == pytest.approx((x0, y0), abs=1e-3)
    assert angle_difference(fit.theta, theta, math.pi) < 1e-3 or sigma_u == sigma_v and frequency == 0
    assert fit.frequency == pytest.approx(frequency, abs=1e-4)
    assert angle_difference(fit.phase, phase % (2 * math.pi), 2 * math.pi) < 1e-3
    assert (fit.sigma_u, fit.sigma_v, fit.amplitude) == pytest.approx((sigma_u, sigma_v, amplitude), rel=1e-3)
    assert fit.aspect == pytest.approx(sigma_v / sigma_u, rel=1e-3)


@pytest.mark.parametrize("true", TRUE)
def test_fit_recovers_the_parameters_through_noise(true):
    clean = gabor.gabor(SHAPE, *true)
    noisy = clean + 0.05 * true[-1] * np.random.default_rng(0).standard_normal(SHAPE)
    fit = gabor.fit_gabor(noisy)
    x0, y0, theta, frequency, _, sigma_u, sigma_v, _ = true
    assert fit.r2 > 0.8
    assert (fit.x0, fit.y0) == pytest.approx((x0, y0), abs=0.3)
    assert math.degrees(angle_difference(fit.theta, theta, math.pi)) < 5
    assert fit.frequency == pytest.approx(frequency, abs=0.02)
    assert (fit.sigma_u, fit.sigma_v) == pytest.approx((sigma_u, sigma_v), rel=0.2)


def test_the_sign_and_direction_conventions():
    # -g is g with its phase moved by pi; theta + pi is the same Gabor with the phase negated
    true = TRUE[0]
    flipped = gabor.fit_gabor(-gabor.gabor(SHAPE, *true))
    assert flipped.amplitude > 0 and 0 <= flipped.theta < math.pi and 0 <= flipped.phase < 2 * math.pi
    assert angle_difference(flipped.phase, true[4] + math.pi, 2 * math.pi) < 1e-3
    x0, y0, theta, frequency, phase, su, sv, a = true
    np.testing.assert_allclose(gabor.gabor(SHAPE, x0, y0, theta + math.pi, frequency, -phase, su, sv, a),
                               gabor.gabor(SHAPE, *true), atol=1e-12)


def test_noise_is_not_a_gabor():
    fit = gabor.fit_gabor(np.random.default_rng(1).standard_normal(SHAPE))
    assert fit.r2 < gabor.GOOD_FIT_R2


def test_fit_gabors_takes_atoms_as_columns():
    atoms = np.stack([gabor.gabor(SHAPE, *true).ravel() for true in TRUE[:2]], axis=1)
    table = gabor.fit_gabors(atoms, 12)
    assert set(table) == {*gabor.PARAMETERS, "r2", "aspect"}
    np.testing.assert_allclose(table["r2"], 1.0, atol=1e-6)
    np.testing.assert_allclose(table["frequency"], [TRUE[0][3], TRUE[1][3]], atol=1e-4)
    # a flat patch with its shape gives the same fit as the 2-D patch
    assert gabor.fit_gabor(atoms[:, 0], (12, 12)).x0 == pytest.approx(gabor.fit_gabor(atoms[:, 0].reshape(SHAPE)).x0)


@pytest.mark.parametrize("patch, shape, error, match", [
    (np.zeros((6, 6)), None, ValueError, "constant"),
    (np.ones(36), None, ValueError, "2-D"),
    (np.ones(35), (6, 6), ValueError, "flat array"),
    (np.full((6, 6), np.nan), None, ValueError, "NaN"),
    (np.ones((2, 8)), None, ValueError, "at least 3 x 3"),
    (np.array([["a"] * 4] * 4), None, TypeError, "numeric"),
])
def test_fit_refuses_bad_patches(patch, shape, error, match):
    with pytest.raises(error, match=match):
        gabor.fit_gabor(patch, shape)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="widths must be > 0"):
        gabor.gabor(SHAPE, 1, 1, 0, 0.1, 0, 0.0, 1.0)
    with pytest.raises(ValueError, match="frequency must be >= 0"):
        gabor.gabor(SHAPE, 1, 1, 0, -0.1, 0, 1.0, 1.0)
    with pytest.raises(TypeError, match="shape must be"):
        gabor.gabor(12, 1, 1, 0, 0.1, 0, 1.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        gabor.gabor(SHAPE, np.inf, 1, 0, 0.1, 0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"\(144, n\)"):
        gabor.fit_gabors(np.ones((100, 3)), 12)
