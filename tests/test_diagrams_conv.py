"""The diagram of transposed against sub-pixel convolution (sparsebook.diagrams)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sparsebook import diagrams, style  # noqa: E402


def _texts(fig):
    return [t for ax in fig.axes for t in ax.texts if t.get_text()]


def test_overlap_counts_of_a_stride_2_kernel_3_transposed_convolution_by_hand():
    # input position i paints output rows 2i, 2i + 1, 2i + 2 (Keras "same": nothing cropped
    # at the top left); rows 2 and 4 get two patches, the others one
    rows = np.array([1, 1, 2, 1, 2, 1])
    assert (diagrams.transposed_overlap_counts(3, 2, 3) == np.outer(rows, rows)).all()


def test_overlap_counts_match_keras_conv2d_transpose_same_padding():
    # read off tf.keras.layers.Conv2DTranspose(1, kernel, strides=factor, padding="same")
    # fed one impulse per input position (TensorFlow 2.x)
    keras_rows = {(2, 2, 5): [1, 2, 2, 2], (2, 3, 5): [1, 1, 2, 2, 1, 1],
                  (3, 2, 4): [1, 2, 2, 2, 2, 1]}
    for (size, factor, kernel), rows in keras_rows.items():
        counts = diagrams.transposed_overlap_counts(size, factor, kernel)
        assert (counts == np.outer(rows, rows)).all(), (size, factor, kernel)


def test_a_kernel_as_wide_as_the_stride_tiles_the_output_once():
    assert (diagrams.transposed_overlap_counts(2, 3, 3) == 1).all()


def test_every_output_pixel_sums_as_many_patches_in_total_as_the_kernels_hold():
    counts = diagrams.transposed_overlap_counts(3, 2, 4)
    assert counts.sum() <= 9 * 16  # patches at the edge are cropped, never duplicated
    assert counts.shape == (6, 6)


def test_diagram_labels_both_decoders_and_the_shuffle():
    fig = diagrams.transposed_vs_subpixel()
    words = " ".join(t.get_text() for t in _texts(fig))
    for word in ("Transposed convolution", "Sub-pixel convolution", "stride 2", "4 channels",
                 "shuffle", "input 3 × 3", "output 6 × 6", "checkerboard"):
        assert word in words, word
    texts = [t.get_text() for t in _texts(fig)]
    # the shuffle puts channel 2a + b of position (i, j) at pixel (2i + a, 2j + b):
    # each position's 4 channels once on the output, each count once in the top grid
    assert sorted(t for t in texts if len(t) == 2 and t[1].isdigit()).count("e3") == 2
    assert texts.count("4") == 4  # the four output pixels that sum four patches
    plt.close(fig)


@pytest.mark.parametrize("size, factor, kernel", [(3, 2, 3), (2, 3, 3), (2, 2, 5), (3, 2, 4), (2, 3, 5)])
def test_diagram_fits_the_column_with_legible_text_that_stays_inside(size, factor, kernel):
    fig = diagrams.transposed_vs_subpixel(size, factor, kernel)
    assert fig.get_size_inches()[0] <= style.COLUMN_WIDTH
    assert all(t.get_fontsize() >= style.MIN_FONT_PT for t in _texts(fig))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    for text, box in boxes:
        assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, text
        assert fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1, text
    for i, (first, a) in enumerate(boxes):  # no two labels overlap
        for second, b in boxes[i + 1:]:
            assert not a.overlaps(b), (first, second)
    plt.close(fig)


@pytest.mark.parametrize("kwargs, error", [
    ({"size": 1}, ValueError), ({"size": 4}, ValueError),
    ({"size": 3, "factor": 3}, ValueError), ({"size": 2.5}, TypeError),
    ({"factor": 1}, ValueError), ({"factor": 4}, ValueError),
    ({"kernel": 1}, ValueError), ({"kernel": 6}, ValueError), ({"factor": 3, "kernel": 2}, ValueError),
    ({"width": 7.5}, ValueError), ({"width": 5}, ValueError), ({"width": "wide"}, TypeError),
])
def test_bad_arguments_are_refused(kwargs, error):
    with pytest.raises(error):
        diagrams.transposed_vs_subpixel(**kwargs)


def test_counts_at_the_chapters_size_have_the_checkerboard_of_1_2_and_4():
    counts = diagrams.transposed_overlap_counts(14, 2, 3)  # the CAE's 14 x 14 -> 28 x 28
    assert counts.shape == (28, 28)
    assert set(np.unique(counts)) == {1, 2, 4}
    assert (counts[2:, 2:][::2, ::2] == 4).all() and (counts[1::2, 1::2] == 1).all()


def test_bad_arguments_of_the_counts_are_refused():
    with pytest.raises(ValueError):
        diagrams.transposed_overlap_counts(3, 2, 1)
    with pytest.raises(TypeError):
        diagrams.transposed_overlap_counts(3.0, 2, 3)
