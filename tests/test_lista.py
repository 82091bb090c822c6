"""Learned ISTA (sparsebook.models.lista): the unrolled ISTA steps, its weights, its checks and its study."""

import dataclasses

import numpy as np
import pytest

from sparsebook import config, studies, sweep
from sparsebook.models import lista, sparse_coding_encoder
from sparsebook.solvers import ista, lipschitz_constant
from sparsebook.training import train_sparse_encoder


def _unit_atoms(n_features=12, n_atoms=20, seed=0):
    atoms = np.random.default_rng(seed).normal(size=(n_features, n_atoms))
    return atoms / np.linalg.norm(atoms, axis=0)


def _digits(n=30, seed=1):
    return np.random.default_rng(seed).random((n, 12))


def test_depth_one_untrained_is_one_ista_step_by_hand():
    # 2 pixels, 2 orthonormal atoms: L = 2 ||D||^2 = 2, so one step from 0 is max(0, D^T x - lam / 2)
    dictionary = np.eye(2)
    x = np.array([[0.9, 0.1], [0.2, 0.5]], np.float32)
    code = lista(dictionary, lam=0.4, depth=1)(x)["code"].numpy()
    np.testing.assert_allclose(code, [[0.7, 0.0], [0.0, 0.3]], atol=1e-7)


def test_depth_one_is_one_ista_step_and_the_chapters_relu_layer():
    dictionary, x = _unit_atoms(), _digits()
    code = lista(dictionary, lam=0.3, depth=1)(x.astype(np.float32))["code"].numpy()
    expected = ista(x, dictionary, 0.3, max_iter=1, tol=0, nonnegative=True).codes
    np.testing.assert_allclose(code, expected, atol=1e-6)
    layer = sparse_coding_encoder(dictionary, lam=0.3)(x.astype(np.float32))["code"].numpy()
    np.testing.assert_allclose(code, layer, atol=1e-7)
    assert (code == 0).any() and (code > 0).any()


@pytest.mark.parametrize("depth", [2, 3, 8])
def test_untrained_depth_t_is_t_ista_steps_from_zero(depth):
    dictionary, x = _unit_atoms(), _digits()
    code = lista(dictionary, lam=0.3, depth=depth)(x.astype(np.float32))["code"].numpy()
    expected = ista(x, dictionary, 0.3, max_iter=depth, tol=0, nonnegative=True).codes
    np.testing.assert_allclose(code, expected, atol=1e-5)
    fewer = ista(x, dictionary, 0.3, max_iter=depth - 1, tol=0, nonnegative=True).codes
    assert np.abs(code - fewer).max() > 1e-3  # the steps do something: the test can tell depths apart


def test_initial_weights_are_the_ista_step():
    dictionary = _unit_atoms()
    step = 1 / lipschitz_constant(dictionary)
    layer = lista(dictionary, lam=0.5, depth=3).get_layer("code")
    np.testing.assert_allclose(layer.W.numpy(), 2 * step * dictionary, rtol=1e-6)
    np.testing.assert_allclose(layer.S.numpy(), np.eye(20) - 2 * step * dictionary.T @ dictionary, atol=1e-7)
    np.testing.assert_allclose(layer.theta.numpy(), np.full(20, 0.5 * step), rtol=1e-6)


@pytest.mark.parametrize("depth, trainable", [(1, 12 * 20 + 20), (2, 12 * 20 + 20 * 20 + 20),
                                              (16, 12 * 20 + 20 * 20 + 20)])
def test_parameter_counts_shared_across_layers(depth, trainable):
    # W (features x atoms), S (atoms x atoms, none at depth 1) and theta (atoms), shared by all layers;
    # the decoder D (atoms x features) is fixed
    model = lista(_unit_atoms(), lam=0.1, depth=depth)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == trainable
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == 20 * 12
    assert model.name == f"lista_{depth}"


def test_training_lowers_the_objective_and_keeps_the_decoder():
    dictionary, x = _unit_atoms(), _digits(200).astype(np.float32)
    model = lista(dictionary, lam=0.3, depth=4)
    log = train_sparse_encoder(model, x, lam=0.3, steps=200, batch_size=50, learning_rate=1e-2)
    assert log.loss[-10:].mean() < log.loss[:10].mean()
    np.testing.assert_array_equal(model.get_layer("reconstruction").kernel.numpy(), dictionary.T.astype(np.float32))


@pytest.mark.parametrize("dictionary, lam, depth, error, message", [
    (_unit_atoms(), 0.1, 0, ValueError, "depth must be >= 1"),
    (_unit_atoms(), 0.1, 2.0, TypeError, "depth must be an int"),
    (_unit_atoms(), 0.1, True, TypeError, "depth must be an int"),
    (_unit_atoms(), -0.1, 2, ValueError, "lam"),
    (_unit_atoms(), "0.1", 2, TypeError, "lam"),
    (2 * _unit_atoms(), 0.1, 2, ValueError, "norm > 1"),
    (np.zeros((12, 3)), 0.1, 2, ValueError, "zero atoms"),
    (np.ones(12) / 4, 0.1, 2, ValueError, "must be 2-D"),
    (np.full((12, 3), np.nan), 0.1, 2, ValueError, "NaN"),
], ids=["zero depth", "float depth", "bool depth", "negative lam", "string lam", "long atoms", "zero atoms",
        "1-D", "NaN"])
def test_lista_refuses_bad_arguments(dictionary, lam, depth, error, message):
    with pytest.raises(error, match=message):
        lista(dictionary, lam, depth)


# -- the study, on a tiny problem -----------------------------------------------------------------

@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Quick mode shrunk to 7 x 7 digits, 60 atoms and 100 training digits, with short runs."""
    from sparsebook.data import load_subset

    digits = load_subset()
    few = digits._replace(x_train=digits.x_train[:300], y_train=digits.y_train[:300],
                          x_test=digits.x_test[:100], y_test=digits.y_test[:100])
    monkeypatch.setenv(sweep.RESULTS_VARIABLE, str(tmp_path))
    monkeypatch.setattr(studies, "load_mnist", lambda mode=None: few)
    monkeypatch.setitem(config.SETTINGS, "quick", dataclasses.replace(
        config.SETTINGS["quick"], coding_downsample=4, coding_atoms=60, coding_examples=100))
    for name, value in {"ENCODER_DICTIONARY_EPOCHS": {"quick": 1}, "LISTA_DEPTHS": (1, 2, 4),
                        "LISTA_STEPS": {"quick": 20}, "LISTA_TEST_DIGITS": 40, "LISTA_TRACKED_ITERATIONS": 30,
                        "LISTA_CURVE_POINTS": 5}.items():
        monkeypatch.setattr(studies, name, value)
    return tmp_path / "quick"


def test_lista_study_scores_every_depth_against_ista_and_fista(tiny):
    summary, arrays = sweep.run_study("coding_lista", "quick")  # runs coding_encoder_dictionary first
    assert (tiny / "coding_encoder_dictionary.json").is_file() and (tiny / "coding_lista.npz").is_file()
    assert summary["depths"] == [1, 2, 4] and summary["n_test"] == 40 and summary["steps"] == 20
    assert [row["depth"] for row in summary["rows"]] == [1, 2, 4]
    ista_curve, fista_curve = arrays["ista_objectives"], arrays["fista_objectives"]
    assert len(ista_curve) == 4 and len(fista_curve) == 30
    for row in summary["rows"]:
        assert row["untrained_difference"] < 1e-4  # untrained: exactly T ISTA steps
        assert row["untrained_objective"] == pytest.approx(row["ista"], rel=1e-5)
        assert row["ista"] == ista_curve[row["depth"] - 1] and row["fista"] == fista_curve[row["depth"] - 1]
        assert min(row["gap_pct"].values()) >= -0.2  # FISTA's certified codes are within 0.1 % of the minimum
        assert len(arrays[f"training_loss_{row['depth']}"]) == 5
    assert summary["rows"][0]["parameters"] == 49 * 60 + 60 and summary["rows"][1]["parameters"] == 49 * 60 + 3660
    loaded, _ = sweep.load_study("coding_lista", "quick")
    assert loaded["rows"][2]["depth"] == 4
