import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from sparsebook import style  # noqa: E402


def test_fonts_are_at_least_nine_points_as_shown_in_the_column():
    with matplotlib.rc_context():
        style.use()
        sizes = [matplotlib.font_manager.FontProperties(size=matplotlib.rcParams[key]).get_size_in_points()
                 for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
                             "ytick.labelsize", "legend.fontsize", "figure.titlesize")]
        assert min(sizes) >= style.MIN_FONT_PT
        # a full-width figure at DPI is shrunk into the column; a point is 96/72 CSS pixels
        shown_pt = style.MIN_FONT_PT * style.COLUMN_PX / (style.COLUMN_WIDTH * style.DPI) * style.DPI / 96
        assert shown_pt >= 9
        fig = plt.figure()
        assert fig.dpi == style.DPI and fig.get_size_inches()[0] == style.COLUMN_WIDTH
        assert style.COLUMN_WIDTH * style.DPI <= 2 * style.COLUMN_PX  # shown at least at half its width
        plt.close(fig)


def test_figsize_refuses_what_the_column_cannot_show():
    assert style.figsize(3) == (style.COLUMN_WIDTH, 3.0)
    with pytest.raises(ValueError, match="wider than the column"):
        style.figsize(3, 10)
    with pytest.raises(ValueError, match="height must be > 0"):
        style.figsize(0)
    with pytest.raises(TypeError, match="number of inches"):
        style.figsize("3")
