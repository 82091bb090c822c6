import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from sparsebook import diagrams, style  # noqa: E402


def _texts(fig):
    return [t for ax in fig.axes for t in ax.texts]


def _check_legible(fig):
    width, _ = fig.get_size_inches()
    assert width <= style.COLUMN_WIDTH
    assert all(t.get_fontsize() >= style.MIN_FONT_PT for t in _texts(fig))
    fig.canvas.draw()  # mathtext parses
    renderer = fig.canvas.get_renderer()
    inside = fig.bbox
    for text in _texts(fig):  # no label runs off the figure
        box = text.get_window_extent(renderer)
        assert box.x0 >= inside.x0 - 1 and box.x1 <= inside.x1 + 1, text.get_text()
        assert box.y0 >= inside.y0 - 1 and box.y1 <= inside.y1 + 1, text.get_text()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig) if t.get_text()]
    for i, (first, a) in enumerate(boxes):  # no two labels overlap
        for second, b in boxes[i + 1:]:
            assert not a.overlaps(b), (first, second)


def test_encoder_decoder_labels_code_and_both_loss_terms():
    fig = diagrams.encoder_decoder(n_input=5, n_code=9, active=(0, 4))
    words = " ".join(t.get_text() for t in _texts(fig))
    for word in ("encoder", "decoder", "sparse code", "2 of 9 active", "reconstruction error",
                 "sparsity penalty", "loss"):
        assert word in words
    _check_legible(fig)
    plt.close(fig)


def test_encoder_decoder_shades_exactly_the_active_units():
    fig = diagrams.encoder_decoder(n_input=4, n_code=7, active=(1, 3, 6))
    shaded = [p for p in fig.axes[0].patches
              if matplotlib.colors.same_color(p.get_facecolor(), diagrams.COLORS["active"])]
    assert len(shaded) == 3
    plt.close(fig)


def test_unrolled_ista_has_one_row_per_step_and_feedback_between_them():
    for n_steps in (1, 3, 6):
        fig = diagrams.unrolled_ista(n_steps)
        texts = [t.get_text() for t in _texts(fig)]
        assert sum(t == "$W$" for t in texts) == n_steps
        assert sum(t == "$S$" for t in texts) == n_steps - 1
        assert sum("ReLU" in t for t in texts) == n_steps
        assert any(f"h = h_{{{n_steps}}}" in t or f"h = h_{n_steps}" in t for t in texts)
        assert any("same $W$, $S$" in t for t in texts)
        _check_legible(fig)
        plt.close(fig)


def test_unrolled_ista_numbers_the_weights_when_they_are_not_shared():
    fig = diagrams.unrolled_ista(3, shared=False, nonnegative=False, show_ista_values=False)
    texts = [t.get_text() for t in _texts(fig)]
    assert "$W_{3}$" in texts and "$S_{2}$" in texts and not any("ReLU" in t for t in texts)
    assert not any("same" in t for t in texts)
    _check_legible(fig)
    plt.close(fig)


def test_narrower_diagrams_stay_legible():
    narrow = diagrams.MIN_WIDTH
    for fig in (diagrams.encoder_decoder(width=narrow), diagrams.unrolled_ista(2, width=narrow)):
        _check_legible(fig)
        plt.close(fig)


@pytest.mark.parametrize("call, error", [
    (lambda: diagrams.encoder_decoder(n_code=0), ValueError),
    (lambda: diagrams.encoder_decoder(n_code=30), ValueError),
    (lambda: diagrams.encoder_decoder(n_code=4, active=(4,)), ValueError),
    (lambda: diagrams.encoder_decoder(active=(1, 1)), ValueError),
    (lambda: diagrams.encoder_decoder(penalty=3), TypeError),
    (lambda: diagrams.encoder_decoder(width=10), ValueError),
    (lambda: diagrams.encoder_decoder(width=3), ValueError),
    (lambda: diagrams.unrolled_ista(0), ValueError),
    (lambda: diagrams.unrolled_ista(7), ValueError),
    (lambda: diagrams.unrolled_ista(2.5), (TypeError, ValueError)),
    (lambda: diagrams.unrolled_ista(shared="yes"), TypeError),
    (lambda: diagrams.unrolled_ista(width="wide"), TypeError),
])
def test_bad_arguments_are_refused(call, error):
    with pytest.raises(error):
        call()
