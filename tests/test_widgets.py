import pytest

from sparsebook.widgets import lam_slider


def test_slider_draws_once_at_once_and_redraws_on_change():
    seen = []
    slider = lam_slider([0.0, 1e-4, 1e-3], seen.append)
    assert seen == [1e-4]  # headless: drawn once with the default, nothing waits
    slider.value = 1e-3
    assert seen == [1e-4, 1e-3]
    assert [label for label, _ in slider.options] == ["0", "1e-4", "1e-3"]


def test_slider_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        lam_slider([], print)
    with pytest.raises(ValueError, match="not one of"):
        lam_slider([0.0, 1e-4], print, value=0.5)
    with pytest.raises(TypeError, match="callable"):
        lam_slider([0.0], "draw")
