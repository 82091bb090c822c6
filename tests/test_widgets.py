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


def test_sliders_draw_once_with_the_defaults_and_redraw_on_each_change():
    from sparsebook.widgets import sliders

    seen = []

    def draw(n_units, p):
        seen.append((n_units, p))
        plt.figure()

    controls = sliders(draw, {"n_units": [16, 64, 256], "p": [0.0, 0.1, 0.2, 0.3]}, {"p": 0.1},
                       labels={"p": lambda p: f"{p:.0%}"})
    assert seen == [(64, 0.1)]  # middle of N's list, the given p
    controls["n_units"].value = 256
    controls["p"].value = 0.3
    assert seen == [(64, 0.1), (256, 0.1), (256, 0.3)]
    assert [label for label, _ in controls["p"].options] == ["0%", "10%", "20%", "30%"]
    assert not plt.get_fignums()


def test_sliders_refuse_bad_input():
    from sparsebook.widgets import sliders

    with pytest.raises(ValueError, match="at least one keyword"):
        sliders(print, {})
    with pytest.raises(ValueError, match="'d' must offer"):
        sliders(print, {"d": []})
    with pytest.raises(ValueError, match="not one of the slider 'd'"):
        sliders(print, {"d": [1, 2]}, {"d": 3})
    with pytest.raises(ValueError, match="name no slider"):
        sliders(print, {"d": [1, 2]}, {"k": 3})
    with pytest.raises(TypeError, match="callable"):
        sliders("draw", {"d": [1]})
