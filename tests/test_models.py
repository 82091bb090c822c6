import numpy as np
import pytest

from sparsebook.models import mlp


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
