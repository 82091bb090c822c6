"""Schematic diagrams of the book's models: boxes, arrows and labels, drawn with matplotlib.

Each function draws one diagram at most :data:`sparsebook.style.COLUMN_WIDTH` inches wide, with
text of at least :data:`sparsebook.style.MIN_FONT_PT` points, and returns the ``Figure``. The
diagrams are drawn in inches (one data unit is one inch), so boxes keep their shape whatever
the width; call ``plt.show()`` to display one.
"""

from __future__ import annotations

from typing import Sequence

from .checks import check_positive_int
from .style import COLUMN_WIDTH, MIN_FONT_PT

FONT_PT = 10  #: Size of the diagrams' text in points (labels inside boxes, names of vectors).
SMALL_PT = MIN_FONT_PT  #: Size of the secondary text (notes under a diagram).
COLORS = {  #: Fill colours: the same quantity has the same colour in every diagram.
    "weights": "#cfe2f3",  # W, E: the input's weights
    "lateral": "#fce5cd",  # S: the code fed back
    "threshold": "#e6e6e6",  # ReLU / shrinkage with its threshold
    "decoder": "#d9ead3",  # D
    "active": "#1f77b4",  # an active unit of a code
    "vector": "white",
}


def _check_width(width: float) -> float:
    if isinstance(width, bool) or not isinstance(width, (int, float)):
        raise TypeError(f"width must be a number of inches, got {type(width).__name__}")
    if not 0 < width <= COLUMN_WIDTH:
        raise ValueError(f"width must be in (0, {COLUMN_WIDTH}] inches, got {width}")
    return float(width)


def _canvas(width: float, height: float):
    """A figure of ``width`` x ``height`` inches whose axes count in inches, without frame."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), layout="none")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _box(ax, center, width, height, text, color="white", size=FONT_PT, rounded=True):
    """A box of ``width`` x ``height`` inches around ``center``, with ``text`` inside."""
    from matplotlib.patches import FancyBboxPatch

    x, y = center
    style = "round,pad=0,rounding_size=0.08" if rounded else "square,pad=0"
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle=style,
                                facecolor=color, edgecolor="black", linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=size)


def _arrow(ax, start, end, color="black", style="-|>", linestyle="-"):
    """An arrow from ``start`` to ``end`` (points in inches)."""
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle=style, color=color, linewidth=1.1, linestyle=linestyle,
                                shrinkA=0, shrinkB=0, mutation_scale=12))


def _line(ax, points, color="black", linestyle="-"):
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=color, linewidth=1.1, linestyle=linestyle, solid_capstyle="butt")


def _vector(ax, x, y_center, n_cells, cell, active=(), color=COLORS["active"]):
    """A column vector of ``n_cells`` squares of side ``cell``; cells in ``active`` are shaded.

    Returns the (bottom, top) of the column.
    """
    from matplotlib.patches import Rectangle

    top = y_center + n_cells * cell / 2
    for i in range(n_cells):
        fill = color if i in active else COLORS["vector"]
        ax.add_patch(Rectangle((x - cell / 2, top - (i + 1) * cell), cell, cell, facecolor=fill,
                               edgecolor="black", linewidth=0.8))
    return top - n_cells * cell, top


def encoder_decoder(n_input: int = 6, n_code: int = 10, active: Sequence[int] = (1, 5, 8), *,
                    encoder: str = "encoder", encoder_formula: str = r"$h = \mathrm{ReLU}(E\,x + b)$",
                    decoder: str = "decoder", decoder_formula: str = r"$\hat{x} = D\,h$",
                    penalty: str = r"$\lambda \| h \|_1$",
                    error: str = r"$\| x - \hat{x} \|^2$", width: float = COLUMN_WIDTH):
    """An auto-encoder, or sparse coding, as a diagram: x → encoder → sparse code h → decoder → x̂.

    The code ``h`` is drawn as ``n_code`` units of which those in ``active`` are shaded (the few
    active units of a sparse code); the loss, reconstruction error plus sparsity penalty, is
    labelled under the diagram.

    Parameters
    ----------
    n_input, n_code : number of units drawn for the input (and reconstruction) and for the code.
    active : indices of the active (shaded) code units, in ``range(n_code)``.
    encoder, encoder_formula : the encoder's name and what it computes (mathtext allowed); for
        sparse coding, e.g. ``"solver"`` and ``r"$h = \\arg\\min_h F(h)$"``.
    decoder, decoder_formula : the same for the decoder.
    penalty, error : the two terms of the loss (mathtext), shown under their names.
    width : inches, at most the column's width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_input = check_positive_int(n_input, "n_input")
    n_code = check_positive_int(n_code, "n_code")
    if n_input > 16 or n_code > 16:
        raise ValueError(f"n_input and n_code must be <= 16 to stay legible, got {n_input}, {n_code}")
    active = tuple(active)
    for i in active:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n_code:
            raise ValueError(f"active must hold unit indices in range({n_code}), got {i!r}")
    if len(set(active)) != len(active):
        raise ValueError(f"active holds a unit twice: {active}")
    for name, text in (("encoder", encoder), ("encoder_formula", encoder_formula),
                       ("decoder", decoder), ("decoder_formula", decoder_formula),
                       ("penalty", penalty), ("error", error)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a string, got {type(text).__name__}")
    width = _check_width(width)

    cell = 0.16
    height = max(n_input, n_code) * cell + 1.9
    fig, ax = _canvas(width, height)
    middle = height - 0.55 - max(n_input, n_code) * cell / 2  # the vectors' centre line
    s = width / COLUMN_WIDTH  # horizontal positions scale with the width
    x_in, x_enc, x_code, x_dec, x_out = (0.45 * s, 1.95 * s, 3.4 * s, 4.85 * s, 6.35 * s)
    box_w, box_h = 1.75 * s, 0.75

    bottom_in, top_in = _vector(ax, x_in, middle, n_input, cell)
    bottom_code, top_code = _vector(ax, x_code, middle, n_code, cell, active)
    bottom_out, top_out = _vector(ax, x_out, middle, n_input, cell)
    _box(ax, (x_enc, middle), box_w, box_h, f"{encoder}\n{encoder_formula}", COLORS["weights"])
    _box(ax, (x_dec, middle), box_w, box_h, f"{decoder}\n{decoder_formula}", COLORS["decoder"])
    _arrow(ax, (x_in + cell, middle), (x_enc - box_w / 2, middle))
    _arrow(ax, (x_enc + box_w / 2, middle), (x_code - cell, middle))
    _arrow(ax, (x_code + cell, middle), (x_dec - box_w / 2, middle))
    _arrow(ax, (x_dec + box_w / 2, middle), (x_out - cell, middle))

    ax.text(x_in, top_in + 0.08, "input\n$x$", ha="center", va="bottom", fontsize=FONT_PT)
    ax.text(x_out, top_out + 0.08, "reconstruction\n$\\hat{x}$", ha="center", va="bottom",
            fontsize=FONT_PT)
    ax.text(x_code, top_code + 0.08, f"sparse code $h$\n({len(active)} of {n_code} active)",
            ha="center", va="bottom", fontsize=FONT_PT)

    # the loss: the error joins x and x̂ under the diagram, the penalty hangs under h
    floor = min(bottom_in, bottom_out, bottom_code) - 0.3
    _line(ax, [(x_in, bottom_in - 0.05), (x_in, floor), (x_out, floor), (x_out, bottom_out - 0.05)],
          color="tab:red", linestyle="--")
    _line(ax, [(x_code, bottom_code - 0.05), (x_code, floor - 0.05)], color="tab:purple",
          linestyle="--")
    ax.text((x_in + x_code) / 2, floor - 0.08, f"reconstruction error\n{error}", ha="center",
            va="top", fontsize=FONT_PT, color="tab:red")
    ax.text((x_code + x_out) / 2, floor - 0.08, f"sparsity penalty\n{penalty}", ha="center",
            va="top", fontsize=FONT_PT, color="tab:purple")
    ax.text(width / 2, 0.08, "loss = reconstruction error + sparsity penalty", ha="center",
            va="bottom", fontsize=FONT_PT)
    return fig


def unrolled_ista(n_steps: int = 3, *, shared: bool = True, nonnegative: bool = True,
                  show_ista_values: bool = True, width: float = COLUMN_WIDTH):
    """ISTA, or learned ISTA (LISTA), unrolled into a network of ``n_steps`` layers.

    In the networks chapter's notation each layer computes
    ``h_t = ReLU(W x + S h_{t-1} - θ)`` from ``h_0 = 0``: the input enters every layer through
    ``W``, the previous code comes back through ``S``, and the threshold ``θ`` is the layer's
    (negative) bias. The first layer has no ``S`` term: it is one ISTA step from zero, a ReLU
    layer. One layer is one row of the diagram, the last code is the output ``h = h_T``.

    Parameters
    ----------
    n_steps : number of layers (ISTA iterations) T, from 1 to 6.
    shared : True (LISTA as in Gregor & LeCun, and ISTA): the same W, S, θ in every layer, said
        under the diagram; False: each layer its own, numbered ``W_t``, ``S_t``, ``θ_t``.
    nonnegative : True: the threshold is ``ReLU(· − θ)`` (non-negative codes, as in the book);
        False: the two-sided soft threshold ``soft_θ``.
    show_ista_values : add the line saying what W, S and θ are in ISTA (and that LISTA learns
        them).
    width : inches, at most the column's width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_steps = check_positive_int(n_steps, "n_steps")
    if n_steps > 6:
        raise ValueError(f"n_steps must be <= 6 to stay legible, got {n_steps}")
    for name, value in (("shared", shared), ("nonnegative", nonnegative),
                        ("show_ista_values", show_ista_values)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    width = _check_width(width)

    row = 0.95  # inches between layers
    notes = (1 if shared else 0) + (2 if show_ista_values else 0)
    height = 0.45 + n_steps * row + 0.25 * notes + 0.1
    fig, ax = _canvas(width, height)
    s = width / COLUMN_WIDTH
    x_input, x_bus, x_w, x_sum, x_relu, x_code, x_label = (
        0.3 * s, 0.8 * s, 1.45 * s, 2.35 * s, 3.45 * s, 4.55 * s, 5.05 * s)
    w_box, relu_w, box_h, radius = 0.6 * s, 1.35 * s, 0.42, 0.13

    def sub(symbol, t):
        return f"${symbol}$" if shared else f"${symbol}_{{{t}}}$"

    def threshold(t):
        theta = r"\theta" if shared else rf"\theta_{{{t}}}"
        return (rf"ReLU$(\cdot - {theta})$" if nonnegative else rf"soft$_{{{theta}}}(\cdot)$")

    rows = [height - 0.45 - (t + 0.5) * row for t in range(n_steps)]
    ax.text(x_input, rows[0] + 0.32, "input", ha="center", va="bottom", fontsize=FONT_PT)
    _box(ax, (x_input, rows[0]), 0.36, 0.36, "$x$", COLORS["vector"], rounded=False)
    _line(ax, [(x_input + 0.18, rows[0]), (x_bus, rows[0]), (x_bus, rows[-1])])
    for t, y in enumerate(rows, start=1):
        _arrow(ax, (x_bus, y), (x_w - w_box / 2, y))
        _box(ax, (x_w, y), w_box, box_h, sub("W", t), COLORS["weights"])
        if t == 1:  # h_0 = 0: nothing to add, the layer is ReLU(W x - θ)
            _arrow(ax, (x_w + w_box / 2, y), (x_relu - relu_w / 2, y))
        else:
            ax.add_patch(_circle((x_sum, y), radius))
            ax.text(x_sum, y, "+", ha="center", va="center", fontsize=FONT_PT)
            _arrow(ax, (x_w + w_box / 2, y), (x_sum - radius, y))
            _arrow(ax, (x_sum + radius, y), (x_relu - relu_w / 2, y))
        _box(ax, (x_relu, y), relu_w, box_h, threshold(t), COLORS["threshold"])
        _arrow(ax, (x_relu + relu_w / 2, y), (x_code - 0.2, y))
        _box(ax, (x_code, y), 0.4, 0.36, f"$h_{{{t}}}$", COLORS["vector"], rounded=False)
        name = f"layer {t}" + (" = one ISTA step" if t == 1 else "")
        if t == n_steps:
            name += f"\noutput $h = h_{{{t}}}$" if t > 1 else ": $h = h_1$"
        ax.text(x_label, y, name, ha="left", va="center", fontsize=FONT_PT)
        if t < n_steps:  # h_t comes back through S into the next layer's sum
            mid = y - row / 2
            x_s = (x_sum + x_code) / 2 + 0.15 * s
            _line(ax, [(x_code, y - 0.18), (x_code, mid), (x_s + w_box / 2, mid)])
            _box(ax, (x_s, mid), w_box, 0.32, sub("S", t + 1), COLORS["lateral"])
            _line(ax, [(x_s - w_box / 2, mid), (x_sum, mid)])
            _arrow(ax, (x_sum, mid), (x_sum, rows[t] + radius))

    lines = []
    if shared:
        lines.append(r"Every layer uses the same $W$, $S$ and $\theta$ (one threshold per unit).")
    if show_ista_values:
        lines.append(r"ISTA: $W = \frac{2}{L} D^\top$,  $S = I - \frac{2}{L} D^\top D$,  "
                     r"$\theta = \lambda / L$.")
        lines.append(r"LISTA keeps the network and learns " + ("them." if shared else "each layer's."))
    for i, text in enumerate(lines):
        ax.text(0.1 * s, 0.1 + 0.25 * (len(lines) - 1 - i), text, ha="left", va="bottom",
                fontsize=SMALL_PT)
    return fig


def _circle(center, radius):
    from matplotlib.patches import Circle

    return Circle(center, radius, facecolor="white", edgecolor="black", linewidth=1)


# Helper H5 appends `transposed_vs_subpixel` (transposed vs sub-pixel convolution) below.
