import numpy as np
import pytest

from sparsebook.models import cnn, conv_autoencoder, mlp, sparse_coding_encoder
from sparsebook.solvers import ista


def test_mlp_is_the_source_architecture():
    model = mlp(seed=0)
    out = model(np.zeros((3, 784), np.float32))
    assert tuple(out["code"].shape) == (3, 784) and tuple(out["logits"].shape) == (3, 10)
    assert model.count_params() == 784 * 784 + 784 + 784 * 10 + 10


def test_mlp_uses_the_source_initialisation():
    model = mlp(seed=0)
    kernel = model.get_layer("code").kernel.numpy()
    assert kernel.std() == pytest.approx(0.1, rel=0.02)
    assert abs(kernel.mean()) < 0.005
    np.testing.assert_allclose(model.get_layer("code").bias.numpy(), 0.1)
    np.testing.assert_allclose(model.get_layer("logits").bias.numpy(), 0.1)


def test_mlp_code_is_a_relu_layer():
    model = mlp(hidden_units=16, seed=1)
    code = model(np.random.default_rng(0).normal(size=(50, 784)).astype(np.float32))["code"].numpy()
    assert code.min() == 0.0 and (code > 0).any()


def test_seed_fixes_the_weights():
    a, b, c = mlp(seed=3), mlp(seed=3), mlp(seed=4)
    np.testing.assert_array_equal(a.get_layer("code").kernel.numpy(), b.get_layer("code").kernel.numpy())
    assert not np.array_equal(a.get_layer("code").kernel.numpy(), c.get_layer("code").kernel.numpy())


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match=">= 1"):
        mlp(hidden_units=0)
    with pytest.raises(TypeError, match="int"):
        mlp(hidden_units=7.5)


def _unit_atoms(n_features=12, n_atoms=20, seed=0):
    atoms = np.random.default_rng(seed).normal(size=(n_features, n_atoms))
    return atoms / np.linalg.norm(atoms, axis=0)


def test_untrained_encoder_is_one_ista_step_from_zero():
    dictionary = _unit_atoms()
    x = np.random.default_rng(1).random((30, 12))
    code = sparse_coding_encoder(dictionary, lam=0.3)(x.astype(np.float32))["code"].numpy()
    expected = ista(x, dictionary, 0.3, max_iter=1, tol=0, nonnegative=True).codes
    np.testing.assert_allclose(code, expected, atol=1e-6)
    assert (code == 0).any() and (code > 0).any()


def test_encoder_decodes_with_the_fixed_dictionary():
    dictionary = _unit_atoms()
    model = sparse_coding_encoder(dictionary, lam=0.1)
    out = model(np.random.default_rng(2).random((5, 12)).astype(np.float32))
    np.testing.assert_allclose(out["reconstruction"].numpy(), out["code"].numpy() @ dictionary.T, atol=1e-5)
    assert [v.path for v in model.trainable_variables] == ["code/kernel", "code/bias"]


@pytest.mark.parametrize("dictionary, lam, error, message", [
    (_unit_atoms(), -0.1, ValueError, "lam"),
    (_unit_atoms(), "0.1", TypeError, "lam"),
    (2 * _unit_atoms(), 0.1, ValueError, "norm > 1"),
    (np.zeros((12, 3)), 0.1, ValueError, "zero atoms"),
    (np.ones(12) / 4, 0.1, ValueError, "must be 2-D"),
    (np.full((12, 3), np.nan), 0.1, ValueError, "NaN"),
    (np.array([["a"]]), 0.1, TypeError, "numeric"),
], ids=["negative lam", "string lam", "long atoms", "zero atoms", "1-D", "NaN", "strings"])
def test_encoder_refuses_bad_dictionary_or_lam(dictionary, lam, error, message):
    with pytest.raises(error, match=message):
        sparse_coding_encoder(dictionary, lam)


# -- the convolutional models -------------------------------------------------------------

def test_cnn_is_the_source_architecture():
    model = cnn(seed=0)
    out = model(np.zeros((2, 784), np.float32))
    assert tuple(out["code"].shape) == (2, 14, 14, 200) and tuple(out["logits"].shape) == (2, 10)
    # 3 x 3 x 1 x 200 kernel + 200 biases; 39,200 x 10 dense + 10 biases
    assert model.count_params() == 9 * 200 + 200 + 14 * 14 * 200 * 10 + 10
    np.testing.assert_allclose(model.get_layer("code").bias.numpy(), 0.1)
    assert model.get_layer("code").kernel.numpy().std() == pytest.approx(0.1, rel=0.1)


def test_cnn_code_is_a_stride_2_relu_convolution():
    model = cnn(filters=3, seed=1)
    x = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    code = model(x)["code"].numpy()
    kernel = model.get_layer("code").kernel.numpy()  # (3, 3, 1, filters)
    bias = model.get_layer("code").bias.numpy()
    images = np.pad(x.reshape(4, 28, 28), ((0, 0), (0, 1), (0, 1)))  # SAME, stride 2: pad below and right
    for r, c in [(0, 0), (5, 9), (13, 13)]:
        patch = images[:, 2 * r : 2 * r + 3, 2 * c : 2 * c + 3]
        expected = np.maximum(np.einsum("nij,ijf->nf", patch, kernel[:, :, 0, :]) + bias, 0)
        np.testing.assert_allclose(code[:, r, c, :], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("decoder, decoder_params", [("transpose", 9 * 200 + 1), ("subpixel", 9 * 200 * 4 + 4)])
def test_conv_autoencoder_adds_a_decoder_with_its_own_bias(decoder, decoder_params):
    model = conv_autoencoder(decoder, seed=0)
    out = model(np.zeros((2, 784), np.float32))
    assert tuple(out["reconstruction"].shape) == (2, 784) and tuple(out["code"].shape) == (2, 14, 14, 200)
    assert model.count_params() == cnn(seed=0).count_params() + decoder_params
    assert model.get_layer("decoder").bias.shape == (1 if decoder == "transpose" else 4,)


def test_subpixel_decoder_is_depth_to_space():
    import keras
    import tensorflow as tf

    model = conv_autoencoder("subpixel", filters=8, seed=2)
    x = np.random.default_rng(1).random((3, 784)).astype(np.float32)
    inner = keras.Model(model.input, [model.get_layer("decoder").output, model.get_layer("reconstruction").output])
    phases, reconstruction = (t.numpy() for t in inner(x))
    expected = tf.nn.depth_to_space(phases, 2).numpy().reshape(3, 784)
    np.testing.assert_array_equal(reconstruction, expected)


def test_conv_models_refuse_bad_arguments():
    with pytest.raises(ValueError, match="decoder must be one of"):
        conv_autoencoder("deconv")
    with pytest.raises(ValueError, match="filters must be >= 1"):
        cnn(filters=0)
    with pytest.raises(TypeError, match="filters must be an int"):
        conv_autoencoder("subpixel", filters=2.5)


# -- sparse auto-encoders -------------------------------------------------------------------

from sparsebook.models import SPARSITY_MECHANISMS, TopK, sparse_autoencoder  # noqa: E402


def test_topk_keeps_exactly_k_values_per_example_unchanged():
    x = np.random.default_rng(0).normal(size=(20, 50)).astype(np.float32)
    kept = TopK(7)(x).numpy()
    assert ((kept != 0).sum(axis=1) == 7).all()
    for row, original in zip(kept, x):  # the 7 largest, as they were
        np.testing.assert_array_equal(np.sort(row[row != 0]), np.sort(original)[-7:])


@pytest.mark.parametrize("k, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), (51, ValueError)])
def test_topk_refuses_k_outside_one_to_units(k, error):
    with pytest.raises(error, match="k must"):
        TopK(k)(np.zeros((2, 50), np.float32))


@pytest.mark.parametrize("sparsity", SPARSITY_MECHANISMS)
def test_sparse_autoencoder_maps_784_pixels_through_the_code_and_back(sparsity):
    model = sparse_autoencoder(64, sparsity, k=5 if sparsity == "topk" else None, lam=0.0 if sparsity in ("none", "topk") else 0.1)
    out = model(np.random.default_rng(0).random((3, 784)).astype(np.float32))
    assert tuple(out["code"].shape) == (3, 64) and tuple(out["reconstruction"].shape) == (3, 784)
    code = out["code"].numpy()
    if sparsity == "kl":
        assert ((code > 0) & (code < 1)).all()  # sigmoid: a rate, never exactly 0
    elif sparsity == "topk":
        assert ((code != 0).sum(axis=1) == 5).all()
    else:
        assert code.min() == 0.0  # ReLU


def test_kl_on_relu_units_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="sigmoid.*undefined"):
        sparse_autoencoder(64, "kl", activation="relu")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(sparsity="kl", rho=0.0), ValueError, "rho must be strictly between 0 and 1"),
    (dict(sparsity="kl", rho=1.5), ValueError, "rho must be strictly between 0 and 1"),
    (dict(sparsity="kl", beta=-1.0), ValueError, "beta must be a finite number >= 0"),
    (dict(sparsity="l1", lam=-0.1), ValueError, "lam must be a finite number >= 0"),
    (dict(sparsity="topk"), ValueError, "needs k"),
    (dict(sparsity="topk", k=0), ValueError, "k must be >= 1"),
    (dict(sparsity="topk", k=65), ValueError, "k must be at most hidden_units"),
    (dict(sparsity="l1", k=5), ValueError, "only used by sparsity='topk'"),
    (dict(sparsity="topk", k=5, lam=0.1), ValueError, "lam is not used"),
    (dict(sparsity="l2"), ValueError, "sparsity must be one of"),
    (dict(sparsity="l1", lam="0.1"), TypeError, "lam must be a number"),
])
def test_sparse_autoencoder_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        sparse_autoencoder(64, **kwargs)


def test_decoder_atoms_have_unit_norm_after_a_step():
    from sparsebook.training import train_autoencoder

    model = sparse_autoencoder(32, "l1", lam=0.1)
    x = np.random.default_rng(0).random((200, 784)).astype(np.float32)
    train_autoencoder(model, x, steps=1, batch_size=100)
    np.testing.assert_allclose(np.linalg.norm(model.get_layer("decoder").kernel.numpy(), axis=1), 1.0, rtol=1e-5)


def test_l1_on_weights_is_a_loss_on_the_encoder_kernel():
    model = sparse_autoencoder(16, "l1_weights", lam=0.01)
    kernel = model.get_layer("encoder").kernel.numpy()
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(0.01 * np.abs(kernel).sum(), rel=1e-5)


# -- bounded readouts (issue 16: an L1 penalty on a code needs the weights that read it bounded) --

def _train_readout_far(model, layer: str):
    """Set a reader's weights far above the bound and let one constrained update bring them back."""
    kernel = model.get_layer(layer).kernel
    kernel.assign(kernel.numpy() * 50.0)
    return model.get_layer(layer).kernel_constraint(kernel).numpy()


@pytest.mark.parametrize("build, units", [(lambda **kw: mlp(hidden_units=12, **kw), 12),
                                          (lambda **kw: cnn(filters=3, **kw), 14 * 14 * 3)])
def test_bounded_readout_keeps_each_code_units_weights_within_the_norm(build, units):
    free = build(seed=0)
    assert free.get_layer("logits").kernel_constraint is None  # the source's: unbounded
    bounded = build(seed=0, readout_max_norm=1.0)
    constrained = _train_readout_far(bounded, "logits")
    norms = np.linalg.norm(constrained, axis=1)  # kernel (units, 10): row i reads code unit i
    assert constrained.shape == (units, 10) and norms.max() == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("decoder, atom_axes", [("transpose", (0, 1, 2)), ("subpixel", (0, 1, 3))])
def test_bounded_conv_autoencoder_bounds_each_maps_decoder_atom(decoder, atom_axes):
    model = conv_autoencoder(decoder, filters=5, seed=0, readout_max_norm=0.5)
    constrained = _train_readout_far(model, "decoder")
    norms = np.sqrt((constrained ** 2).sum(axis=atom_axes))
    assert norms.shape == (5,) and np.allclose(norms, 0.5, atol=1e-5)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "1", True])
def test_bad_readout_bounds_are_refused(bad):
    with pytest.raises(ValueError, match="readout_max_norm"):
        mlp(hidden_units=4, readout_max_norm=bad)


def test_ng_style_sparse_autoencoder_has_free_atoms_and_weight_decay():
    from sparsebook.models import sparse_autoencoder

    ng = sparse_autoencoder(8, "kl", rho=0.05, beta=6.0, unit_norm_atoms=False, weight_decay=1e-4, seed=0)
    assert ng.get_layer("decoder").kernel_constraint is None
    x = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    ng(x)
    weights = sum(float((ng.get_layer(n).kernel.numpy() ** 2).sum()) for n in ("encoder", "decoder"))
    decay = sum(float(loss) for loss in ng.losses if loss.shape == ())
    kl = [float(loss) for loss in ng.losses]
    assert any(np.isclose(v, 1e-4 * (ng.get_layer("encoder").kernel.numpy() ** 2).sum(), rtol=1e-4) for v in kl)
    assert decay > 1e-4 * weights * 0.99  # both decays are among the model's losses (with the KL term)
    constrained = sparse_autoencoder(8, "kl", seed=0)
    assert constrained.get_layer("decoder").kernel_constraint is not None  # unit-norm atoms by default
    with pytest.raises(ValueError, match="weight_decay"):
        sparse_autoencoder(8, "kl", weight_decay=-1.0)
    with pytest.raises(TypeError, match="unit_norm_atoms"):
        sparse_autoencoder(8, "kl", unit_norm_atoms="no")


# -- issue 17: sparse by construction ------------------------------------------------------------

def test_topk_breaks_ties_so_that_at_most_k_units_are_active():
    x = np.array([[0.5, 0.5, 0.5, 0.5, 0.1, 0.0]], np.float32)  # four units tied above the rest
    kept = TopK(2)(x).numpy()
    assert (kept != 0).sum() == 2 and set(kept[kept != 0]) == {0.5}


def test_topk_lowers_its_winners_from_start_k_to_k_over_the_training_calls():
    layer = TopK(2, start_k=10, anneal_steps=4)
    x = np.random.default_rng(1).random((3, 20)).astype(np.float32) + 0.1
    layer(x)  # builds
    counts = []
    for _ in range(6):
        counts.append(int(layer.winners_now(training=True)))
        layer(x, training=True)
    assert counts == [10, 8, 6, 4, 2, 2]  # 10 - 8 * calls / 4, then k
    assert ((layer(x).numpy() != 0).sum(axis=1) == 2).all()  # outside training: exactly k


@pytest.mark.parametrize("kwargs, message", [(dict(k=5, start_k=3), "start_k must be at least k"),
                                             (dict(k=2, anneal_steps=-1), "anneal_steps must be"),
                                             (dict(k=2, anneal_steps=1.5), "anneal_steps must be")])
def test_topk_refuses_a_bad_schedule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TopK(**kwargs)


def test_topk_classifiers_keep_k_units_and_add_no_weights():
    x = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    model = mlp(seed=0, k=5)
    assert model.count_params() == mlp(seed=0).count_params() + 1  # + the layer's call counter
    assert ((model(x)["code"].numpy() > 0).sum(axis=1) <= 5).all()
    conv = cnn(filters=8, seed=0, k=30)
    code = conv(x)["code"].numpy()
    assert code.shape == (4, 14, 14, 8) and ((code > 0).reshape(4, -1).sum(axis=1) <= 30).all()


def test_feature_layers_put_dense_relu_layers_before_the_code():
    model = mlp(hidden_units=32, seed=0, feature_layers=2)
    assert model.count_params() == (784 * 32 + 32) + 2 * (32 * 32 + 32) + (32 * 10 + 10)
    assert [layer.name for layer in model.layers if layer.name.startswith("features")] == ["features_1", "features_2"]
    with pytest.raises(ValueError, match="feature_layers must be an integer >= 0"):
        mlp(feature_layers=-1)
