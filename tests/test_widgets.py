import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from sparsebook.widgets import lam_slider  # noqa: E402


def test_slider_draws_once_at_once_and_redraws_on_change():
    seen = []

    def draw(lam):
        seen.append(lam)
        plt.figure()
        plt.title(f"λ = {lam}")

    slider = lam_slider([0.0, 1e-4, 1e-3], draw)
    assert seen == [1e-4]  # headless: drawn once with the default, nothing waits
    slider.value = 1e-3
    assert seen == [1e-4, 1e-3]
    assert [label for label, _ in slider.options] == ["0", "1e-4", "1e-3"]
    assert not plt.get_fignums()  # figures go through the display handle, not left open


def test_slider_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        lam_slider([], print)
    with pytest.raises(ValueError, match="not one of"):
        lam_slider([0.0, 1e-4], print, value=0.5)
    with pytest.raises(TypeError, match="callable"):
        lam_slider([0.0], "draw")
