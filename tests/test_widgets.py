import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from sparsebook.widgets import MAX_FRAMES, Range, lam_slider, plain, sliders, widget_mode  # noqa: E402

CAPTION, ALT = "What to look at.", "What the figure shows."


def _frames_in(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="sparsebook-frames">(.*?)</script>', html).group(1))


def test_slider_draws_every_value_once_and_starts_at_the_chosen_one():
    seen = []

    def draw(lam):
        seen.append(lam)
        plt.figure(figsize=(2, 1))
        plt.title(f"λ = {lam}")

    shown = lam_slider([0.0, 1e-4, 1e-3], draw, caption=CAPTION, alt=ALT)
    assert seen == [0.0, 1e-4, 1e-3]  # drawn once each, at once: nothing waits for a kernel
    assert shown.values == {"λ": 1e-4} and shown.labels == {"λ": ["0", "1e-4", "1e-3"]}
    assert shown.frame() == shown.frames[(1,)] and shown.frame(**{"λ": 1e-3}) == shown.frames[(2,)]
    assert len(set(shown.frames.values())) == 3  # a different picture for each λ
    assert all(png.startswith(b"\x89PNG") for png in shown.frames.values())
    assert not plt.get_fignums()  # every figure is closed: shown through the control only


def test_the_control_holds_every_frame_and_starts_disabled_until_its_script_runs():
    def draw(n_units, p):
        plt.figure(figsize=(2, 1))
        plt.title(f"{n_units} {p}")

    shown = sliders(draw, {"n_units": [16, 64, 256], "p": [0.0, 0.1, 0.2, 0.3]}, {"p": 0.1},
                    labels={"p": lambda p: f"{p:.0%}"}, caption=CAPTION, alt=ALT)
    assert set(shown.frames) == {(i, j) for i in range(3) for j in range(4)}
    assert shown.values == {"n_units": 64, "p": 0.1}  # the middle of n_units' list, the given p
    frames = _frames_in(shown.html)
    assert set(frames) == {f"{i},{j}" for i in range(3) for j in range(4)}
    # the image first shown is the frame of the starting values (indices 1 and 1)
    assert re.search(r'<img class="sparsebook-figure"[^>]*src="data:image/png;base64,([^"]+)"', shown.html).group(1) == frames["1,1"]
    inputs = re.findall(r"<input [^>]*>", shown.html)
    assert len(inputs) == 2 and all(" disabled " in tag for tag in inputs)  # dead until the script enables them
    assert 'value="1"' in inputs[0] and 'max="2"' in inputs[0] and 'max="3"' in inputs[1]
    assert "&quot;10%&quot;" in inputs[1]  # the labels the script writes next to the slider
    assert "input.disabled = false" in shown.html


def test_two_controls_on_one_page_have_different_ids():
    def draw(d):
        plt.figure(figsize=(1, 1))

    first = sliders(draw, {"d": [1, 2]}, caption=CAPTION, alt=ALT)
    second = sliders(draw, {"d": [1, 2]}, caption=CAPTION, alt=ALT)
    ids = [re.search(r'id="([^"]+)"', s.html).group(1) for s in (first, second)]
    assert ids[0] != ids[1]


def test_sliders_refuse_bad_input():
    with pytest.raises(ValueError, match="at least one keyword"):
        sliders(print, {}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="'d' must offer"):
        sliders(print, {"d": []}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="not one of the slider 'd'"):
        sliders(print, {"d": [1, 2]}, {"d": 3}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="name no slider"):
        sliders(print, {"d": [1, 2]}, {"k": 3}, caption=CAPTION, alt=ALT)
    with pytest.raises(TypeError, match="callable"):
        sliders("draw", {"d": [1]}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match=f"more than {MAX_FRAMES}"):
        sliders(print, {"a": list(range(10)), "b": list(range(10))}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="drew no figure"):
        sliders(lambda d: None, {"d": [1]}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="at least one value"):
        lam_slider([], print, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="not one of"):
        lam_slider([0.0, 1e-4], print, value=0.5, caption=CAPTION, alt=ALT)
    with pytest.raises(TypeError, match="callable"):
        lam_slider([0.0], "draw", caption=CAPTION, alt=ALT)
    shown = sliders(lambda d: plt.figure(), {"d": [1, 2]}, caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="no slider is called"):
        shown.frame(k=1)


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image
    import io

    return Image.open(io.BytesIO(png)).size


def test_a_frame_is_drawn_once_and_saved_as_savefig_tight_would_save_it():
    import io

    def make(reach):
        fig, ax = plt.subplots(figsize=(3, 2), constrained_layout=True)
        ax.plot([0, 1], [0, reach])
        ax.set(title=f"reach {reach}", xlabel="x", ylabel="y")
        if reach:  # text past the right edge: the saved picture must still hold it
            fig.text(1.05, 0.5, "outside the canvas")
        return fig

    expected = {}
    for reach in (0, 1):  # the pictures savefig saves of the same figures
        buffer = io.BytesIO()
        make(reach).savefig(buffer, format="png", bbox_inches="tight")
        expected[reach] = _png_size(buffer.getvalue())
        plt.close("all")
    draws = []

    def draw(reach):
        make(reach).canvas.mpl_connect("draw_event", lambda event: draws.append(reach))

    shown = sliders(draw, {"reach": [0, 1]}, caption=CAPTION, alt=ALT)
    assert draws == [0, 1, 1]  # once inside the canvas; drawn again only to take in what lies past it
    for reach in (0, 1):
        width, height = _png_size(shown.frames[(reach,)])
        assert abs(width - expected[reach][0]) <= 1 and abs(height - expected[reach][1]) <= 1
    assert _png_size(shown.frames[(1,)])[0] > 300 + 30  # wider than the 3-inch canvas: the text is in


def test_a_frame_does_not_depend_on_the_frames_drawn_before_it():
    def draw(ink):
        fig, ax = plt.subplots(figsize=(2, 2), constrained_layout=True)
        if ink:
            ax.imshow([[0, 1], [1, 0]], cmap="gray")
        ax.set_title(f"ink {ink}")

    # the same renderer served the first frame
    after = sliders(draw, {"ink": [1, 0]}, caption=CAPTION, alt=ALT)
    alone = sliders(draw, {"ink": [0]}, caption=CAPTION, alt=ALT)
    assert after.frame(ink=0) == alone.frame(ink=0)


def test_frames_follow_savefig_settings():
    def draw(d):
        plt.figure(figsize=(2, 1), dpi=100)
        plt.title(f"d = {d}")

    with matplotlib.rc_context({"savefig.dpi": 50}):
        half = sliders(draw, {"d": [1]}, caption=CAPTION, alt=ALT)
    full = sliders(draw, {"d": [1]}, caption=CAPTION, alt=ALT)
    assert abs(_png_size(half.frame())[0] - _png_size(full.frame())[0] / 2) <= 2


def _draw_title(lam):
    plt.figure(figsize=(2, 1))
    plt.title(f"λ = {lam}")


def test_the_static_control_is_a_captioned_figure_with_a_hint_ticks_and_plain_labels():
    shown = lam_slider([0.25, 0.5, 1.0, 2.0, 4.0], _draw_title, 1.0, caption="Look at the zero zone.",
                       alt="Two panels of curves.")
    assert shown.labels == {"λ": ["0.25", "0.5", "1", "2", "4"]}  # never 2.5e-1 or 1e0
    assert shown.html.startswith('<figure class="sparsebook-sliders"')
    assert "<figcaption>Look at the zero zone.</figcaption>" in shown.html
    assert 'alt="Two panels of curves."' in shown.html
    hint = re.search(r'<p class="sparsebook-hint"[^>]*>(.*?)</p>', shown.html).group(1)
    assert hint == "Drag λ (5 values, 0.25 to 4); each position shows a drawing made when the page was built."
    assert shown.html.count("<option ") == 5  # a tick mark per value
    ticks = re.search(r'<div class="sparsebook-ticks"[^>]*>(.*?)</div>', shown.html).group(1)
    assert re.findall(r">([^<]+)</span>", ticks) == ["0.25", "0.5", "1", "2", "4"]


def test_symbols_and_plain_numbers_as_the_book_writes_them():
    shown = sliders(lambda rho, beta: plt.figure(), {"rho": [0.01, 0.05], "beta": [1.0, 3.0]},
                    caption=CAPTION, alt=ALT)
    assert 'aria-label="ρ"' in shown.html and 'aria-label="β"' in shown.html
    assert [plain(v) for v in (1.0, 0.25, 64, 1e-5, 2.7e-3, 20000, "TopK")] == \
        ["1", "0.25", "64", "1e-5", "2.7e-3", "20,000", "TopK"]


def test_long_grids_write_at_most_seven_tick_labels_but_mark_every_value():
    shown = sliders(lambda n: plt.figure(), {"n": list(range(20))}, caption=CAPTION, alt=ALT)
    ticks = re.search(r'<div class="sparsebook-ticks"[^>]*>(.*?)</div>', shown.html).group(1)
    written = re.findall(r">([^<]+)</span>", ticks)
    assert len(written) == 7 and written[0] == "0" and written[-1] == "19"
    assert shown.html.count("<option ") == 20


def test_widget_mode_follows_the_switch_and_is_static_outside_a_kernel(monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "live")
    assert widget_mode() == "live"
    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "Static ")
    assert widget_mode() == "static"
    monkeypatch.delenv("SPARSEBOOK_WIDGETS")
    assert widget_mode() == "static"  # plain Python: no kernel, so no ipywidgets
    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "alive")
    with pytest.raises(ValueError, match="SPARSEBOOK_WIDGETS must be one of"):
        widget_mode()


def test_live_sliders_recompute_at_values_off_the_grid(monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "live")
    seen = []

    def draw(lam, beta):
        seen.append((lam, beta))
        plt.figure(figsize=(2, 1))

    shown = sliders(draw, {"lam": [0.25, 1.0, 4.0], "beta": [1.0, 3.0]}, {"lam": 1.0},
                    live={"lam": Range(0.1, 10, log=True)}, caption=CAPTION, alt=ALT)
    assert seen == [(1.0, 3.0)]  # drawn once, for the starting values; nothing precomputed
    lam, beta = shown.controls["lam"], shown.controls["beta"]
    assert type(lam).__name__ == "FloatLogSlider" and (lam.min, lam.max) == (-1.0, 1.0)
    assert type(beta).__name__ == "SelectionSlider" and beta.options == (("1", 1.0), ("3", 3.0))  # the grid only
    lam.value = 0.37  # off the grid
    assert seen[-1] == (0.37, 3.0)
    beta.value = 1.0
    assert seen[-1] == (0.37, 1.0)
    assert not plt.get_fignums()  # each redraw closes the figure it showed


def test_live_ranges_are_checked(monkeypatch):
    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "live")
    with pytest.raises(ValueError, match="low < high"):
        Range(1, 1)
    with pytest.raises(ValueError, match="log-scale Range must start above 0"):
        Range(0, 1, log=True)
    with pytest.raises(TypeError, match="must be a Range"):
        lam_slider([1.0], _draw_title, live=(0.1, 10), caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="outside its live range"):
        lam_slider([1.0], _draw_title, live=Range(2, 10), caption=CAPTION, alt=ALT)
    with pytest.raises(ValueError, match="caption must be a sentence"):
        lam_slider([1.0], _draw_title, caption=" ", alt=ALT)
    with pytest.raises(ValueError, match="alt must be a sentence"):
        lam_slider([1.0], _draw_title, caption=CAPTION, alt="")


def test_on_colab_the_live_sliders_switch_on_its_widget_manager(monkeypatch):
    import sys
    import types

    monkeypatch.setenv("SPARSEBOOK_WIDGETS", "live")
    calls = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("enabled"))
    colab = types.ModuleType("google.colab")
    colab.output = output
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    lam_slider([1.0], _draw_title, caption=CAPTION, alt=ALT)
    assert calls == ["enabled"]  # ipywidgets 8 shows nothing on Colab without it
