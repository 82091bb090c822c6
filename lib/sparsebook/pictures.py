"""Explanatory pictures of the sparse coding chapters: the norm balls, a digit as a sum of atoms.

Each function draws what a page computed; the computation itself stays on the page.
"""

from __future__ import annotations

import numpy as np

from .checks import check_positive_int


def norm_balls(error, radius: float, best_l1, best_l2, ax=None):
    """The ℓ1 and ℓ2 balls of ``radius`` in the plane and the level sets of ``error`` touching them.

    Parameters
    ----------
    error
        A function that maps an (n, 2) array of codes to their n errors (a convex quadratic, say).
    radius : float
        The radius of both balls, > 0.
    best_l1, best_l2 : numpy.ndarray
        Shape (2,): the codes of least error on the ℓ1 ball and on the ℓ2 ball.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new square figure if None).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not callable(error):
        raise TypeError(f"error must be callable, got {type(error).__name__}")
    if not (isinstance(radius, (int, float)) and radius > 0):
        raise ValueError(f"radius must be a number > 0, got {radius!r}")
    best_l1, best_l2 = np.asarray(best_l1, float), np.asarray(best_l2, float)
    for name, point in (("best_l1", best_l1), ("best_l2", best_l2)):
        if point.shape != (2,):
            raise ValueError(f"{name} must be a point of the plane, shape (2,), got {point.shape}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.8, 4.2))
    low, high = -1.3 * radius, 2.3 * radius  # the balls and the first quadrant beyond
    grid = np.linspace(low, high, 361)
    h1, h2 = np.meshgrid(grid, grid)
    values = error(np.stack([h1.ravel(), h2.ravel()], axis=1)).reshape(h1.shape)
    levels = sorted({float(error(best_l1[None])[0]), float(error(best_l2[None])[0])})
    ax.contour(h1, h2, values, levels=np.linspace(0, 4 * levels[-1], 9)[1:], colors="0.8",
               linewidths=0.6)
    angle = np.linspace(0, 2 * np.pi, 400)
    diamond = radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]])
    ax.plot(*diamond.T, color="tab:blue", label="ℓ1 ball: |h₁| + |h₂| ≤ r")
    ax.plot(radius * np.cos(angle), radius * np.sin(angle), color="tab:orange",
            label="ℓ2 ball: h₁² + h₂² ≤ r²")
    for point, color in ((best_l1, "tab:blue"), (best_l2, "tab:orange")):
        ax.contour(h1, h2, values, levels=[float(error(point[None])[0])], colors=color,
                   linestyles="--", linewidths=1.2)
        ax.plot(*point, "o", color=color, markersize=8, zorder=3)
    best = np.unravel_index(np.argmin(values), values.shape)
    ax.plot(h1[best], h2[best], "+", color="black", markersize=10, label="least error")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set(xlim=(low, high), ylim=(low, high), aspect="equal", xlabel="code h₁",
           ylabel="code h₂")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # outside: the plane is full
    return ax


def atom_sum(digit, atoms, weights, reconstruction, n_active: int, side: int = 28):
    """A digit drawn as the weighted sum of its largest atoms, with the partial sums below.

    Top row: the digit, then each atom with its weight; bottom row: the reconstruction
    from all ``n_active`` atoms, then the sums of the first 1, 2, ... terms shown.

    Parameters
    ----------
    digit, reconstruction : numpy.ndarray
        Shape (side * side,): the digit and its code's reconstruction.
    atoms : numpy.ndarray
        Shape (n, side * side): the atoms shown, largest weight first.
    weights : numpy.ndarray
        Shape (n,): the atoms' weights in the code.
    n_active : int
        How many atoms the whole code uses (at least n).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    digit, reconstruction = np.ravel(digit), np.ravel(reconstruction)
    atoms, weights = np.atleast_2d(atoms), np.ravel(weights)
    side = check_positive_int(side, "side")
    n_active = check_positive_int(n_active, "n_active")
    for name, image in (("digit", digit), ("reconstruction", reconstruction)):
        if image.shape != (side * side,):
            raise ValueError(f"{name} must hold {side * side} pixels, got shape {image.shape}")
    if atoms.shape[1] != side * side or len(atoms) != len(weights) or not len(atoms):
        raise ValueError(f"atoms must be (n, {side * side}) with one weight each, got "
                         f"{atoms.shape} and {weights.shape}")
    if n_active < len(atoms):
        raise ValueError(f"n_active ({n_active}) must be at least the atoms shown ({len(atoms)})")
    n = len(atoms)
    fig, axes = plt.subplots(2, n + 1, figsize=(6.8, 2.6), squeeze=False, layout="constrained")
    fig.get_layout_engine().set(wspace=0.12)
    ink = max(float(digit.max()), float(reconstruction.max()), 1e-12)
    partial = np.cumsum(weights[:, None] * atoms, axis=0)
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
        ax.spines[:].set_visible(False)
    axes[0, 0].imshow(digit.reshape(side, side), vmin=0, vmax=ink)
    axes[0, 0].set_title("digit x")
    axes[1, 0].imshow(reconstruction.reshape(side, side), vmin=0, vmax=ink)
    axes[1, 0].set_xlabel(f"Dh: all {n_active}")
    for j in range(n):
        limit = np.abs(atoms[j]).max() or 1.0
        axes[0, j + 1].imshow(atoms[j].reshape(side, side), cmap="RdBu_r", vmin=-limit,
                              vmax=limit)
        minus = "−" if weights[j] < 0 else ""  # a typographic minus, not a hyphen
        sign = f"≈ {minus}" if j == 0 else f"{minus or '+'} "
        axes[0, j + 1].set_title(f"{sign}{abs(weights[j]):.2f} ×")
        axes[1, j + 1].imshow(partial[j].reshape(side, side), vmin=0, vmax=ink)
        axes[1, j + 1].set_xlabel(f"first {j + 1}" if j else "first term")
    return fig
