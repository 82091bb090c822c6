import numpy as np
import pytest

from sparsebook.checks import check_lam, check_positive_int


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
