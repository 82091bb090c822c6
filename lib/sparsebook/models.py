"""Keras models of the book's experiments.

Every classifier returns a dict of two outputs: ``"logits"`` (before the softmax)
and ``"code"``, the activations of the layer whose sparsity we study. The
initialisation is the source's: weights drawn from N(0, 0.1^2), every bias 0.1.
"""

from __future__ import annotations

from .backend import keras
from .checks import check_positive_int
from .data import N_CLASSES, N_PIXELS

SOURCE_WEIGHT_STDDEV = 0.1
SOURCE_BIAS = 0.1


def _dense(units: int, seed: int, name: str, activation=None) -> keras.layers.Dense:
    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=keras.initializers.RandomNormal(0.0, SOURCE_WEIGHT_STDDEV, seed=seed),
        bias_initializer=keras.initializers.Constant(SOURCE_BIAS),
        name=name,
    )


def mlp(hidden_units: int = N_PIXELS, seed: int = 0) -> keras.Model:
    """The source's fully connected net: 784 -> ``hidden_units`` ReLU -> 10.

    The ReLU layer is the ``"code"`` output: the layer the L1 penalty makes sparse.
    """
    check_positive_int(hidden_units, "hidden_units")
    pixels = keras.Input(shape=(N_PIXELS,), name="pixels")
    code = _dense(hidden_units, seed, "code", activation="relu")(pixels)
    logits = _dense(N_CLASSES, seed + 1, "logits")(code)
    return keras.Model(pixels, {"logits": logits, "code": code}, name="mlp")
