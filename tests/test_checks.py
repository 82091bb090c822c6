import numpy as np
import pytest

from sparsebook.checks import check_count, check_fraction, check_lam, check_positive_int


def test_check_lam_accepts_zero_and_numpy_numbers():
    assert check_lam(0) == 0.0 and isinstance(check_lam(0), float)
    assert check_lam(np.float32(1e-4)) == pytest.approx(1e-4)


@pytest.mark.parametrize("lam, error, message", [
    (-1e-3, ValueError, ">= 0, got -0.001"),
    (float("inf"), ValueError, "finite"),
    (True, TypeError, "number"),
    ("1e-4", TypeError, "number"),
])
def test_check_lam_refuses_bad_values(lam, error, message):
    with pytest.raises(error, match=message):
        check_lam(lam)


def test_check_positive_int():
    assert check_positive_int(np.int64(3), "steps") == 3
    with pytest.raises(ValueError, match="steps must be >= 1, got 0"):
        check_positive_int(0, "steps")
    with pytest.raises(TypeError, match="batch_size must be an int"):
        check_positive_int(2.0, "batch_size")
    with pytest.raises(TypeError):
        check_positive_int(True, "steps")


def test_check_count_accepts_zero_and_numpy_ints():
    assert check_count(0, "n_stored") == 0
    assert check_count(np.int64(7), "n_stored") == 7 and type(check_count(np.int64(7), "n_stored")) is int


@pytest.mark.parametrize("value, error, message", [
    (-1, ValueError, "n_stored must be >= 0, got -1"),
    (2.0, TypeError, "n_stored must be an int, got float"),
    (True, TypeError, "n_stored must be an int, got bool"),
    ("3", TypeError, "n_stored must be an int, got str"),
])
def test_check_count_refuses_bad_values(value, error, message):
    with pytest.raises(error, match=message):
        check_count(value, "n_stored")


def test_check_fraction_accepts_the_closed_interval():
    assert check_fraction(0, "p") == 0.0 and isinstance(check_fraction(0, "p"), float)
    assert check_fraction(1, "p") == 1.0
    assert check_fraction(np.float32(0.25), "p") == 0.25
    assert check_fraction(np.int64(1), "p") == 1.0


@pytest.mark.parametrize("value, error, message", [
    (-0.1, ValueError, r"p must be in \[0, 1\], got -0.1"),
    (1.0001, ValueError, r"p must be in \[0, 1\], got 1.0001"),
    (float("nan"), ValueError, r"p must be in \[0, 1\], got nan"),
    (float("inf"), ValueError, r"p must be in \[0, 1\]"),
    (False, TypeError, "p must be a number, got bool"),
    ("0.5", TypeError, "p must be a number, got str"),
    (None, TypeError, "p must be a number"),
])
def test_check_fraction_refuses_bad_values(value, error, message):
    with pytest.raises(error, match=message):
        check_fraction(value, "p")
