import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sparsebook.plots import (  # noqa: E402
    accuracy_vs_avr, firing_rate_histogram, format_lam, format_strength, frontier, image_grid, metric_vs_lam,
)

RUNS = [
    {"lam": 0.0, "test_accuracy": 0.98, "avr_test": 150.0, "dead_units": 0},
    {"lam": 1e-4, "test_accuracy": 0.96, "avr_test": 3.0, "dead_units": 600},
]


def test_format_lam_writes_lambda_as_the_book_does():
    assert [format_lam(v) for v in (0, 1e-5, 5e-5, 2.7e-3, 1e-3)] == ["0", "1e-5", "5e-5", "2.7e-3", "1e-3"]
    # plain from 0.01 up: 0.25, not 2.5e-1
    assert [format_lam(v) for v in (0.01, 0.1, 0.25, 1.0, 2.5, 4)] == ["0.01", "0.1", "0.25", "1", "2.5", "4"]


def test_accuracy_vs_avr_draws_one_line_per_series_and_reads_source_rows():
    source = [{"lam": 0.0, "test_accuracy": 0.97, "avr_train_batch": 156.3}]
    ax = accuracy_vs_avr({"ours": RUNS, "source": source}, annotate="ours")
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [150.0, 3.0])
    np.testing.assert_allclose(lines[1].get_xdata(), [156.3])
    assert ax.get_xscale() == "log" and "AVR" in ax.get_xlabel()
    plt.close("all")


def test_metric_vs_lam_puts_lam_zero_on_a_reference_line():
    ax = metric_vs_lam({"ours": RUNS}, "avr_test")
    assert ax.get_lines()[0].get_xdata().tolist() == [1e-4]  # λ = 0 cannot sit on a log axis
    assert ax.get_lines()[1].get_ydata()[0] == 150.0
    plt.close("all")


def test_firing_rate_histogram_counts_dead_units():
    ax = firing_rate_histogram([0.0, 0.0, 0.5, 0.01], title="λ = 0")
    assert "2 of 4 units dead" in ax.get_title()
    plt.close("all")


def test_image_grid_shows_each_image():
    fig = image_grid(np.random.default_rng(0).normal(size=(7, 784)), columns=5)
    assert sum(len(ax.images) for ax in fig.axes) == 7
    plt.close("all")


def test_bad_plot_input_is_refused():
    import pytest

    with pytest.raises(ValueError, match="non-empty dict"):
        accuracy_vs_avr({})
    with pytest.raises(ValueError, match="holds no runs"):
        metric_vs_lam({"ours": []}, "avr_test")
    with pytest.raises(ValueError, match="lacks"):
        accuracy_vs_avr({"ours": [{"lam": 0.0}]})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        firing_rate_histogram([0.5, 1.5])
    with pytest.raises(ValueError, match="flattened"):
        image_grid(np.zeros((3, 10)))
    plt.close("all")


def test_format_strength_names_the_swept_parameter():
    assert format_strength({"lam": 0.1}) == "λ=0.1"
    assert format_strength({"strength_name": "rho", "rho": 0.05}) == "ρ=0.05"
    assert format_strength({"strength_name": "k", "k": 40}) == "k=40"


def test_frontier_draws_each_series_sorted_by_active_units_and_labels_points():
    runs = [{"strength_name": "k", "k": 40, "l0_test": 40.0, "mse": 0.01},
            {"strength_name": "k", "k": 10, "l0_test": 10.0, "mse": 0.02}]
    ax = frontier({"TopK": runs, "L1": [{"lam": 0.1, "l0_test": 100.0, "mse": 0.005}]}, "mse")
    lines = ax.get_lines()
    assert len(lines) == 2 and ax.get_xscale() == "log"
    np.testing.assert_allclose(lines[0].get_xdata(), [10.0, 40.0])
    np.testing.assert_allclose(lines[0].get_ydata(), [0.02, 0.01])
    assert [t.get_text() for t in ax.texts] == ["k=10", "k=40", "λ=0.1"]
    plt.close("all")


def test_frontier_draws_several_seeds_as_their_mean_with_min_max_bars():
    runs = [{"strength_name": "k", "k": 10, "seed": s, "l0_test": 10.0, "mse": m} for s, m in enumerate((1, 2, 6))]
    runs.append({"strength_name": "k", "k": 40, "seed": 0, "l0_test": 40.0, "mse": 0.5})
    ax = frontier({"TopK": runs}, "mse")
    np.testing.assert_allclose(np.asarray(ax.get_lines()[0].get_xdata(), dtype=float), [10.0, 40.0])
    np.testing.assert_allclose(np.asarray(ax.get_lines()[0].get_ydata(), dtype=float), [3.0, 0.5])
    bars = [c for c in ax.collections if len(c.get_segments()) == 2]
    assert any(np.allclose(c.get_segments()[0][:, 1], [1.0, 6.0]) for c in bars)  # the y bar: lowest to highest seed
    assert [t.get_text() for t in ax.texts] == ["k=10", "k=40"]
    plt.close("all")


def test_frontier_refuses_runs_without_the_plotted_keys():
    import pytest

    with pytest.raises(ValueError, match="lacks"):
        frontier({"TopK": [{"strength_name": "k", "k": 10, "l0_test": 10.0}]}, "mse")
    with pytest.raises(ValueError, match="non-empty dict"):
        frontier({}, "mse")


def test_lam_axis_label_names_the_convention_of_the_runs():
    from sparsebook.plots import lam_axis_label

    assert "summed over the batch" in lam_axis_label([{"lam_convention": "batch_sum"}])
    assert "per example" in lam_axis_label([{"lam_convention": "example_mean"}])
    with pytest.raises(ValueError, match="mix"):
        lam_axis_label([{"lam_convention": "batch_sum"}, {"lam_convention": "example_mean"}])


def test_several_seeds_at_one_lam_are_drawn_as_their_mean_with_their_range():
    runs = [{"lam": lam, "seed": seed, "test_accuracy": acc, "avr_test": avr, "lam_convention": "batch_sum"}
            for lam, seed, acc, avr in [(0.0, 0, 0.98, 200), (1e-4, 0, 0.90, 3), (1e-4, 1, 0.96, 5)]]
    ax = accuracy_vs_avr({"mlp": runs})
    x, y = ax.lines[0].get_data()
    assert list(x) == [200, 4] and list(y) == pytest.approx([0.98, 0.93])
    assert ax.containers, "error bars drawn for the seeds"
    ax = metric_vs_lam({"mlp": runs}, "avr_test")
    assert list(ax.lines[0].get_ydata()) == [4] and "summed over the batch" in ax.get_xlabel()
    plt.close("all")
