import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from sparsebook.widgets import MAX_FRAMES, lam_slider, sliders  # noqa: E402


def _frames_in(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="sparsebook-frames">(.*?)</script>', html).group(1))


def test_slider_draws_every_value_once_and_starts_at_the_chosen_one():
    seen = []

    def draw(lam):
        seen.append(lam)
        plt.figure(figsize=(2, 1))
        plt.title(f"λ = {lam}")

    shown = lam_slider([0.0, 1e-4, 1e-3], draw)
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
                    labels={"p": lambda p: f"{p:.0%}"})
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

    first, second = sliders(draw, {"d": [1, 2]}), sliders(draw, {"d": [1, 2]})
    ids = [re.search(r'id="([^"]+)"', s.html).group(1) for s in (first, second)]
    assert ids[0] != ids[1]


def test_sliders_refuse_bad_input():
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
    with pytest.raises(ValueError, match=f"more than {MAX_FRAMES}"):
        sliders(print, {"a": list(range(10)), "b": list(range(10))})
    with pytest.raises(ValueError, match="drew no figure"):
        sliders(lambda d: None, {"d": [1]})
    with pytest.raises(ValueError, match="at least one value"):
        lam_slider([], print)
    with pytest.raises(ValueError, match="not one of"):
        lam_slider([0.0, 1e-4], print, value=0.5)
    with pytest.raises(TypeError, match="callable"):
        lam_slider([0.0], "draw")
    shown = sliders(lambda d: plt.figure(), {"d": [1, 2]})
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

    shown = sliders(draw, {"reach": [0, 1]})
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

    after = sliders(draw, {"ink": [1, 0]})  # the same renderer served the first frame
    alone = sliders(draw, {"ink": [0]})
    assert after.frame(ink=0) == alone.frame(ink=0)


def test_frames_follow_savefig_settings():
    def draw(d):
        plt.figure(figsize=(2, 1), dpi=100)
        plt.title(f"d = {d}")

    with matplotlib.rc_context({"savefig.dpi": 50}):
        half = sliders(draw, {"d": [1]})
    full = sliders(draw, {"d": [1]})
    assert abs(_png_size(half.frame())[0] - _png_size(full.frame())[0] / 2) <= 2
