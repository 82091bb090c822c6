import numpy as np
import pytest

from sparsebook import data
from sparsebook.data import MnistUnavailableError, load_full, load_mnist, load_subset, read_mnist_npz


def test_quick_subset_is_real_balanced_and_shuffled():
    digits = load_mnist("quick")
    assert digits.x_train.shape == (4000, 784) and digits.x_test.shape == (1000, 784)
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    assert 0.0 <= digits.x_train.min() and digits.x_train.max() <= 1.0
    assert np.bincount(digits.y_train).tolist() == [400] * 10
    assert np.bincount(digits.y_test).tolist() == [100] * 10
    # the file is sorted by label: after shuffling, the first 100 digits hold every class
    assert len(set(digits.y_train[:100])) == 10
    # pixels of real digits: mostly background, some ink
    assert 0.1 < (digits.x_train > 0).mean() < 0.3


def test_quick_split_is_deterministic_and_disjoint():
    a, b = load_subset(), load_subset()
    np.testing.assert_array_equal(a.x_train, b.x_train)
    train = {row.tobytes() for row in a.x_train}
    assert not any(row.tobytes() in train for row in a.x_test)
    assert not np.array_equal(load_subset(seed=1).y_train, a.y_train)


def _fake_mnist(path, **changes):
    arrays = {
        "x_train": np.zeros((60_000, 28, 28), np.uint8),
        "y_train": np.arange(60_000, dtype=np.uint8) % 10,
        "x_test": np.full((10_000, 28, 28), 255, np.uint8),
        "y_test": np.arange(10_000, dtype=np.uint8) % 10,
    }
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


def test_full_loader_reads_a_keras_format_file(tmp_path):
    digits = load_full(_fake_mnist(tmp_path / "mnist.npz"))
    assert digits.name == "full"
    assert digits.x_train.shape == (60_000, 784) and digits.x_test.shape == (10_000, 784)
    assert digits.x_test.max() == 1.0 and digits.x_train.max() == 0.0
    assert digits.y_train[:3].tolist() == [0, 1, 2]


def test_full_loader_takes_the_path_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_MNIST", str(_fake_mnist(tmp_path / "m.npz")))
    assert load_mnist("full").x_train.shape == (60_000, 784)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"y_test": None}, "lacks the keys"),
        ({"x_train": np.zeros((100, 28, 28), np.uint8)}, "shape"),
        ({"x_test": np.zeros((10_000, 28, 28), np.float32)}, "dtype"),
        ({"y_train": np.full(60_000, 10, np.uint8)}, "labels outside"),
    ],
)
def test_bad_mnist_files_are_refused(tmp_path, changes, message):
    with pytest.raises(ValueError, match=message):
        read_mnist_npz(_fake_mnist(tmp_path / "bad.npz", **changes))


def test_missing_and_unreadable_files_are_refused(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_mnist_npz(tmp_path / "nowhere.npz")
    junk = tmp_path / "junk.npz"
    junk.write_text("not a zip file")
    with pytest.raises(ValueError, match="not a readable"):
        read_mnist_npz(junk)


def test_pickled_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, x_train=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ValueError, match="unpickling"):
        read_mnist_npz(path)


def test_offline_without_a_file_says_how_to_get_the_data(monkeypatch):
    monkeypatch.delenv("SPARSEBOOK_MNIST", raising=False)
    import keras

    def no_network():
        raise OSError("URL fetch failure: no route to host")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(MnistUnavailableError) as info:
        load_full()
    assert "SPARSEBOOK_MNIST" in str(info.value) and "quick" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert data.HOW_TO_GET_MNIST == str(info.value)


def test_downsample_averages_square_blocks():
    from sparsebook.data import downsample

    x = np.arange(16.0)[None, :]  # one 4x4 image
    assert downsample(x, 2).tolist() == [[2.5, 4.5, 10.5, 12.5]]
    assert downsample(np.ones((3, 784), np.float32), 2).shape == (3, 196)
    with pytest.raises(ValueError, match="square image"):
        downsample(np.ones((1, 10)), 2)
    with pytest.raises(ValueError, match="factor"):
        downsample(x, 0)


def test_demo_digits_are_the_first_digits_of_the_mode(tmp_path, monkeypatch):
    from sparsebook.data import demo_digits

    quick = demo_digits("quick")
    assert (len(quick.x_train), len(quick.x_test), quick.name) == (4000, 1000, "subset")
    np.testing.assert_array_equal(quick.x_train, load_subset().x_train)  # the whole subset
    monkeypatch.setenv("SPARSEBOOK_MNIST", str(_fake_mnist(tmp_path / "m.npz")))
    full = demo_digits("full")
    assert (full.x_train.shape, full.x_test.shape, full.name) == ((10_000, 784), (2000, 784), "full")
    np.testing.assert_array_equal(full.y_train, load_mnist("full").y_train[:10_000])
