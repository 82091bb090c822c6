import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sparsebook.pictures import atom_sum, norm_balls  # noqa: E402


def _error(codes):
    return np.sum((np.array([1.3, 1.6]) - codes) ** 2, axis=-1)


def test_norm_balls_draws_both_balls_and_marks_the_two_best_codes():
    ax = norm_balls(_error, 1.0, [0.0, 1.0], [0.6, 0.8])
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(label.startswith("ℓ1 ball") for label in labels)
    assert any(label.startswith("ℓ2 ball") for label in labels)
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose([line.get_xydata()[0] for line in dots], [[0, 1], [0.6, 0.8]])
    assert ax.get_xlim() == ax.get_ylim()
    plt.close("all")


def test_norm_balls_rejects_bad_input():
    with pytest.raises(TypeError, match="callable"):
        norm_balls(None, 1.0, [0, 1], [0, 1])
    with pytest.raises(ValueError, match="radius"):
        norm_balls(_error, 0, [0, 1], [0, 1])
    with pytest.raises(ValueError, match="best_l2"):
        norm_balls(_error, 1.0, [0, 1], [0, 1, 2])


def test_atom_sum_shows_each_term_and_its_running_sum():
    rng = np.random.default_rng(0)
    atoms, weights = rng.normal(size=(3, 16)), np.array([2.0, -0.5, 0.25])
    digit = np.abs(weights @ atoms)
    fig = atom_sum(digit, atoms, weights, weights @ atoms, n_active=7, side=4)
    top, bottom = fig.axes[:4], fig.axes[4:]
    assert [ax.get_title() for ax in top] == ["digit x", "≈ 2.00 ×", "− 0.50 ×", "+ 0.25 ×"]
    assert bottom[0].get_xlabel() == "Dh: all 7"
    last = bottom[-1].get_images()[0].get_array()  # the sum of the three terms shown
    np.testing.assert_allclose(last, (weights @ atoms).reshape(4, 4))
    assert fig.get_size_inches()[0] <= 6.8
    plt.close("all")


def test_atom_sum_writes_a_negative_first_weight_with_a_minus_sign():
    atoms = np.eye(4)[:2]
    fig = atom_sum(np.ones(4), atoms, [-1.5, 0.5], np.ones(4), n_active=2, side=2)
    assert [ax.get_title() for ax in fig.axes[1:3]] == ["≈ −1.50 ×", "+ 0.50 ×"]
    plt.close("all")


def test_atom_sum_rejects_bad_input():
    atoms = np.ones((2, 16))
    with pytest.raises(ValueError, match="digit must hold 16"):
        atom_sum(np.ones(15), atoms, [1, 1], np.ones(16), n_active=2, side=4)
    with pytest.raises(ValueError, match="one weight each"):
        atom_sum(np.ones(16), atoms, [1], np.ones(16), n_active=2, side=4)
    with pytest.raises(ValueError, match="n_active"):
        atom_sum(np.ones(16), atoms, [1, 1], np.ones(16), n_active=1, side=4)
