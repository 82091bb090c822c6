"""Figures the chapters share. Each draws on a matplotlib ``Axes`` and returns it."""

from __future__ import annotations

import numpy as np

from .checks import check_positive_int


def _check_series(series: dict, keys: tuple) -> None:
    """Raise unless ``series`` maps labels to non-empty lists of run records holding ``keys``."""
    if not isinstance(series, dict) or not series:
        raise ValueError("series must be a non-empty dict of label -> list of run records")
    for label, runs in series.items():
        if not runs:
            raise ValueError(f"series {label!r} holds no runs")
        for run in runs:
            missing = [key for key in keys if key not in run]
            if missing:
                raise ValueError(f"a run of series {label!r} lacks {missing}")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    return ax


def format_lam(lam: float) -> str:
    """λ as the book writes it: plain from 0.01 up (``0.25``, ``1``, ``2.5``), else ``1e-5``, ``2.7e-3``."""
    if lam == 0:
        return "0"
    if 0.01 <= abs(lam) < 1e4:
        return f"{lam:.3g}"
    mantissa, exponent = f"{lam:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


LAM_CONVENTIONS = {
    "batch_sum": "λ (source convention: penalty summed over the batch of 100)",
    "example_mean": "λ (penalty per example, averaged over the batch)",
}


def lam_axis_label(runs) -> str:
    """The λ axis label of ``runs`` (run records), from their ``lam_convention``; one convention only."""
    conventions = {run.get("lam_convention") for run in runs}
    if len(conventions) != 1:
        raise ValueError(f"runs mix λ conventions {sorted(map(str, conventions))}: draw them on separate axes")
    return LAM_CONVENTIONS.get(conventions.pop(), "λ")


def _seed_groups(runs: list, strength: str = "lam") -> list[list]:
    """``runs`` grouped by strength (several seeds per λ), sorted by strength."""
    groups: dict = {}
    for run in runs:
        groups.setdefault(float(run[strength]), []).append(run)
    return [groups[value] for value in sorted(groups)]


def _mean_and_range(values) -> tuple[float, float, float]:
    """Mean, and its distances down to the minimum and up to the maximum (for error bars)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    return mean, mean - float(values.min()), float(values.max()) - mean


def _draw_seeded(ax, xs: list, ys: list, marker: str, label: str):
    """One line through the seeds' means ``xs``/``ys`` (from :func:`_mean_and_range`); bars where seeds differ."""
    x, y = [a[0] for a in xs], [a[0] for a in ys]
    if any(a[1] or a[2] for a in xs + ys):
        ax.errorbar(x, y, xerr=np.array([a[1:] for a in xs]).T, yerr=np.array([a[1:] for a in ys]).T,
                    marker=marker, label=label, capsize=2)
    else:
        ax.plot(x, y, marker=marker, label=label)
    return x, y


def accuracy_vs_avr(series: dict, ax=None, avr_key: str = "avr_test", annotate: str | None = None):
    """Test accuracy against AVR (log scale), one line per series.

    ``series`` maps a label to a list of run records (``lam``, ``test_accuracy`` and
    ``avr_key``, or ``avr_train_batch`` where ``avr_key`` is missing, as in the
    source's table). Points of the series named ``annotate`` are labelled with their strength (λ, or k).
    Runs of several seeds at one λ are drawn as their mean, with bars from the lowest
    to the highest seed on both axes.
    """
    _check_series(series, ("lam", "test_accuracy"))
    if any(avr_key not in run and "avr_train_batch" not in run for runs in series.values() for run in runs):
        raise ValueError(f"every run needs {avr_key!r} or 'avr_train_batch'")
    ax = _axes(ax)
    for (label, runs), marker in zip(series.items(), "osD^v<>p"):
        groups = _seed_groups(runs, runs[0].get("strength_name", "lam"))
        avr = [_mean_and_range([run.get(avr_key, run.get("avr_train_batch")) for run in g]) for g in groups]
        accuracy = [_mean_and_range([run["test_accuracy"] for run in g]) for g in groups]
        x, y = _draw_seeded(ax, avr, accuracy, marker, label)
        if label == annotate:
            for g, a, acc in zip(groups, x, y):
                ax.annotate(format_strength(g[0]), (a, acc), textcoords="offset points",
                            xytext=(4, -10), fontsize=9)
    ax.set_xscale("log")
    ax.set_xlabel("AVR: average number of active units per example (log scale)")
    ax.set_ylabel("test accuracy")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


def metric_vs_lam(series: dict, key: str, ax=None, ylabel: str | None = None, log_y: bool = True):
    """A run metric (e.g. ``"avr_test"``) against λ > 0 on a log axis; λ = 0 as a dashed line.

    Several seeds at one λ are drawn as their mean with bars from the lowest to the highest
    seed. The λ axis is labelled with the runs' ``lam_convention`` (:func:`lam_axis_label`).
    """
    _check_series(series, ("lam",))
    ax = _axes(ax)
    xlabel = lam_axis_label([run for runs in series.values() for run in runs])
    for label, runs in series.items():
        groups = [[run for run in g if run.get(key) is not None] for g in _seed_groups(runs)]
        groups = [g for g in groups if g]
        positive = [g for g in groups if g[0]["lam"] > 0]
        stats = [_mean_and_range([run[key] for run in g]) for g in positive]
        lams = [g[0]["lam"] for g in positive]
        if any(len(g) > 1 for g in positive):
            line = ax.errorbar(lams, [s[0] for s in stats], yerr=np.array([s[1:] for s in stats]).T,
                               marker="o", label=label, capsize=2).lines[0]
        else:
            line, = ax.plot(lams, [s[0] for s in stats], marker="o", label=label)
        for g in groups:
            if g[0]["lam"] == 0:
                ax.axhline(_mean_and_range([run[key] for run in g])[0], color=line.get_color(), linestyle="--",
                           linewidth=1, label=f"{label}, λ = 0")
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or key)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


STRENGTH_SYMBOLS = {"lam": "λ", "rho": "ρ", "beta": "β", "k": "k"}


def format_strength(run: dict) -> str:
    """A run's swept strength as the book writes it: ``λ=1e-1``, ``ρ=0.05``, ``k=40``."""
    name = run.get("strength_name", "lam")
    value = run[name]
    text = format_lam(value) if name == "lam" else f"{value:g}"
    return f"{STRENGTH_SYMBOLS.get(name, name)}={text}"


def frontier(series: dict, y_key: str, x_key: str = "l0_test", ax=None, ylabel: str | None = None,
             xlabel: str | None = None, log_y: bool = False):
    """``y_key`` against ``x_key`` (log x), one line per series of runs, each point labelled with its strength.

    The sparsity frontier: what a code of a given number of active units (``x_key``) gets
    for reconstruction or accuracy (``y_key``). Runs of several seeds at one strength are
    drawn as their mean, with bars from the lowest to the highest seed on both axes.
    """
    _check_series(series, (x_key, y_key))
    ax = _axes(ax)
    for (label, runs), marker in zip(series.items(), "osD^v<>"):
        groups = _seed_groups(runs, runs[0].get("strength_name", "lam"))
        xs = [_mean_and_range([run[x_key] for run in g]) for g in groups]
        ys = [_mean_and_range([run[y_key] for run in g]) for g in groups]
        order = np.argsort([x[0] for x in xs], kind="stable")
        groups, xs, ys = [groups[i] for i in order], [xs[i] for i in order], [ys[i] for i in order]
        x, y = _draw_seeded(ax, xs, ys, marker, label)
        for g, xi, yi in zip(groups, x, y):
            ax.annotate(format_strength(g[0]), (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel or x_key)
    ax.set_ylabel(ylabel or y_key)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


def firing_rate_histogram(firing_rates, ax=None, title: str | None = None, bins: int = 30):
    """Histogram of log10 unit firing rates; dead units (rate 0) are counted in the title."""
    rates = np.asarray(firing_rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError(f"firing_rates must be a non-empty 1-D array (one rate per unit), got shape {rates.shape}")
    if not np.all((rates >= 0) & (rates <= 1)):
        raise ValueError("firing_rates must lie in [0, 1] (fractions of examples)")
    ax = _axes(ax)
    alive = rates[rates > 0]
    dead = int((rates == 0).sum())
    if alive.size:
        ax.hist(np.log10(alive), bins=np.linspace(np.log10(alive.min()) - 0.1, 0.05, bins), color="tab:blue")
    ax.set_xlabel("log10(fraction of examples on which the unit is active)")
    ax.set_ylabel("units")
    ax.set_title(f"{title + ': ' if title else ''}{dead} of {rates.size} units dead")
    return ax


def image_grid(images, shape=(28, 28), columns: int = 10, titles=None, fig=None, cmap="gray"):
    """Show flattened images in a grid (e.g. the input weights of hidden units)."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if images.ndim != 2 or images.shape[1] != shape[0] * shape[1]:
        raise ValueError(f"images must be (n, {shape[0] * shape[1]}) flattened {shape} images, got shape {images.shape}")
    columns = check_positive_int(columns, "columns")
    rows = -(-len(images) // columns)
    if fig is None:
        fig = plt.figure(figsize=(columns * 0.9, rows * 0.95), constrained_layout=True)
    axes = fig.subplots(rows, columns, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            limit = np.abs(images[i]).max() or 1.0
            ax.imshow(images[i].reshape(shape), cmap=cmap, vmin=-limit if cmap != "gray" else None,
                      vmax=limit if cmap != "gray" else None)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return fig
