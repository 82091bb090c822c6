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
MIN_WIDTH = 6.0  #: The narrowest a diagram is drawn, in inches (its labels need the room).
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
    if not MIN_WIDTH <= width <= COLUMN_WIDTH:
        raise ValueError(f"width must be in [{MIN_WIDTH}, {COLUMN_WIDTH}] inches, got {width}")
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
                    encoder: str = "encoder",
                    encoder_formula: str = r"$h = \mathrm{ReLU}(E\,x + b)$",
                    decoder: str = "decoder", decoder_formula: str = r"$\hat{x} = D\,h$",
                    penalty: str = r"$\lambda \| h \|_1$",
                    error: str = r"$\| x - \hat{x} \|^2$", objective: str = "loss",
                    width: float = COLUMN_WIDTH):
    """An auto-encoder, or sparse coding, as a diagram: x → encoder → code h → decoder → x̂.

    The code ``h`` is drawn as ``n_code`` units of which those in ``active`` are shaded (the few
    active units of a sparse code); the loss, reconstruction error plus sparsity penalty, is
    labelled under the diagram.

    Parameters
    ----------
    n_input, n_code
        number of units drawn for the input (and reconstruction) and for the code.
    active
        indices of the active (shaded) code units, in ``range(n_code)``.
    encoder, encoder_formula
        the encoder's name and what it computes (mathtext allowed); for
        sparse coding, e.g. ``"solver"`` and ``r"$h = \\arg\\min_h F(h)$"``.
    decoder, decoder_formula
        the same for the decoder.
    penalty, error
        the two terms of the loss (mathtext), shown under their names.
    objective
        what the page calls their sum (``"loss"``, or ``"$F$"`` for sparse coding).
    width
        inches, from :data:`MIN_WIDTH` to the column's width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_input = check_positive_int(n_input, "n_input")
    n_code = check_positive_int(n_code, "n_code")
    if n_input > 16 or n_code > 16:
        raise ValueError("n_input and n_code must be <= 16 to stay legible, "
                         f"got {n_input}, {n_code}")
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
    height = max(n_input, n_code) * cell + 1.8
    fig, ax = _canvas(width, height)
    middle = height - 0.5 - max(n_input, n_code) * cell / 2  # the vectors' centre line
    s = width / COLUMN_WIDTH  # horizontal positions scale with the width
    x_in, x_enc, x_code, x_dec, x_out = (0.5, 1.95 * s, 3.4 * s, 4.85 * s, width - 0.6)
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

    # the loss: the penalty hangs under h, the error joins x and x̂ under the diagram
    low = min(bottom_in, bottom_out, bottom_code)
    _line(ax, [(x_code, bottom_code - 0.05), (x_code, low - 0.12)], color="tab:purple",
          linestyle="--")
    ax.text(x_code, low - 0.14, f"sparsity penalty {penalty}", ha="center", va="top",
            fontsize=FONT_PT, color="tab:purple")
    floor = low - 0.55
    _line(ax, [(x_in, bottom_in - 0.05), (x_in, floor), (x_out, floor),
               (x_out, bottom_out - 0.05)],
          color="tab:red", linestyle="--")
    ax.text(x_code, floor - 0.06, f"reconstruction error {error}", ha="center", va="top",
            fontsize=FONT_PT, color="tab:red")
    ax.text(width / 2, 0.08, f"{objective} = reconstruction error + sparsity penalty", ha="center",
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
    n_steps
        number of layers (ISTA iterations) T, from 1 to 6.
    shared
        True (LISTA as in Gregor & LeCun, and ISTA): the same W, S, θ in every layer, said
        under the diagram; False: each layer its own, numbered ``W_t``, ``S_t``, ``θ_t``.
    nonnegative
        True: the threshold is ``ReLU(· − θ)`` (non-negative codes, as in the book);
        False: the two-sided soft threshold ``soft_θ``.
    show_ista_values
        add the line saying what W, S and θ are in ISTA (and that LISTA learns
        them).
    width
        inches, from :data:`MIN_WIDTH` to the column's width.

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
    height = 0.35 + n_steps * row + 0.25 * notes + 0.1
    fig, ax = _canvas(width, height)
    s = (width - 1.75) / (COLUMN_WIDTH - 1.75)  # the layers shrink, their labels keep 1.75 in
    x_input, x_bus, x_w, x_sum, x_relu, x_code, x_label = (
        0.3 * s, 0.8 * s, 1.45 * s, 2.35 * s, 3.45 * s, 4.55 * s, width - 1.75)
    w_box, relu_w, box_h, radius = 0.6 * s, 1.35 * s, 0.42, 0.13

    def sub(symbol, t):
        return f"${symbol}$" if shared else f"${symbol}_{{{t}}}$"

    def threshold(t):
        theta = r"\theta" if shared else rf"\theta_{{{t}}}"
        return (rf"ReLU$(\cdot - {theta})$" if nonnegative else rf"soft$_{{{theta}}}(\cdot)$")

    rows = [height - 0.35 - (t + 0.5) * row for t in range(n_steps)]
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
            name += f"\noutput $h = h_{{{t}}}$"
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
        lines.append(r"ISTA: $W = (2/L)\,D^\top$,  $S = I - (2/L)\,D^\top D$,  "
                     r"$\theta = \lambda / L$.")
        learned = "them." if shared else "each layer's."
        lines.append(f"LISTA keeps the network and learns {learned}")
    for i, text in enumerate(lines):
        ax.text(0.1 * s, 0.1 + 0.25 * (len(lines) - 1 - i), text, ha="left", va="bottom",
                fontsize=SMALL_PT)
    return fig


def _circle(center, radius):
    from matplotlib.patches import Circle

    return Circle(center, radius, facecolor="white", edgecolor="black", linewidth=1)


# Helper H5 appends `transposed_vs_subpixel` (transposed vs sub-pixel convolution) below.


def transposed_overlap_counts(size: int = 3, factor: int = 2, kernel: int = 3):
    """How many input positions a transposed convolution adds into each output pixel.

    A ``kernel`` × ``kernel`` transposed convolution with stride ``factor`` and "same" padding
    (as in Keras and TensorFlow: ``size`` → ``factor * size``) paints the kernel of input
    position ``(i, j)`` onto output rows ``factor * i + t`` and columns ``factor * j + u``,
    ``0 <= t, u < kernel``, minus the padding cropped at the top left, ``(kernel - factor) // 2``.

    Returns
    -------
    numpy.ndarray
        Integers, of shape ``(factor * size, factor * size)``.
    """
    import numpy as np

    size, factor, kernel = _check_conv(size, factor, kernel)
    out = factor * size
    crop = max(kernel - factor, 0) // 2
    counts = np.zeros((out, out), dtype=int)
    for i in range(size):
        for j in range(size):
            rows = slice(max(factor * i - crop, 0), max(factor * i - crop + kernel, 0))
            cols = slice(max(factor * j - crop, 0), max(factor * j - crop + kernel, 0))
            counts[rows, cols] += 1  # slices stop at the output's edge by themselves
    return counts


def _check_conv(size, factor, kernel) -> tuple[int, int, int]:
    size = check_positive_int(size, "size")
    factor = check_positive_int(factor, "factor")
    kernel = check_positive_int(kernel, "kernel")
    if kernel < factor:
        raise ValueError(f"kernel must be at least the factor ({factor}), got {kernel}")
    return size, factor, kernel


def _grid(ax, x, y_top, values, cell, colors, texts=None, size=MIN_FONT_PT):
    """A grid of squares of side ``cell``, top left at ``(x, y_top)``; row 0 on top."""
    from matplotlib.patches import Rectangle

    rows, cols = len(values), len(values[0])
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x + c * cell, y_top - (r + 1) * cell), cell, cell,
                                   facecolor=colors[r][c], edgecolor="0.35", linewidth=0.6))
            if texts is not None and texts[r][c] != "":
                ax.text(x + (c + 0.5) * cell, y_top - (r + 0.5) * cell, texts[r][c],
                        ha="center", va="center", fontsize=size)
    return x + cols * cell, y_top - rows * cell  # right, bottom


def _outline(ax, x, y_top, cell, row, col, n_rows, n_cols, color):
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x + col * cell, y_top - (row + n_rows) * cell), n_cols * cell,
                           n_rows * cell, facecolor="none", edgecolor=color, linewidth=2.2))


def transposed_vs_subpixel(size: int = 3, factor: int = 2, kernel: int = 3, *,
                           width: float = COLUMN_WIDTH):
    """Two ways to upsample a ``size`` × ``size`` map ``factor`` times, as two stacked panels.

    Top: a transposed convolution (stride ``factor``, ``kernel`` × ``kernel``, "same" padding)
    paints each input value's kernel onto the output, the patches of neighbouring positions
    overlapping; each output pixel shows how many patches it sums
    (:func:`transposed_overlap_counts`): an uneven pattern that repeats every ``factor`` pixels,
    the source of checkerboard artefacts. Two input positions and their patches are outlined.
    Bottom: a sub-pixel convolution (Shi et al. 2016) computes ``factor**2`` channels at the
    low resolution with an ordinary convolution, then a periodic shuffle puts channel
    ``factor * a + b`` of position ``(i, j)`` at output pixel ``(factor * i + a, factor * j + b)``;
    each cell is labelled with its position's letter and its channel. The chapter's decoders
    do this with ``size`` = 14, ``factor`` = 2, ``kernel`` = 3.

    Parameters
    ----------
    size
        positions per side of the input map drawn: 2 or 3 for ``factor`` 2, 2 for 3.
    factor
        the upsampling factor r (the transposed convolution's stride), 2 or 3.
    kernel
        the kernel's side, from ``factor`` to 5.
    width
        inches, from :data:`MIN_WIDTH` to the column's width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    size, factor, kernel = _check_conv(size, factor, kernel)
    if not 2 <= factor <= 3:  # beyond these the grids' text no longer fits
        raise ValueError(f"factor must be 2 or 3, got {factor}")
    if not 2 <= size <= 6 // factor:
        raise ValueError(f"size must be from 2 to {6 // factor} positions for factor {factor} "
                         f"(at most 6 output pixels a side, to stay legible), got {size}")
    if kernel > 5:
        raise ValueError(f"kernel must be at most 5, got {kernel}")
    width = _check_width(width)  # at least MIN_WIDTH, 6 inches: room for the panels
    out = factor * size
    cell = min(0.25, 1.5 / out)  # the output grid's squares, in inches
    small = min(0.21, 1.3 / out)  # the squares of the sub-pixel channels
    panel = out * cell + 0.75  # one panel's height
    height = 2 * panel + 0.2
    fig, ax = _canvas(width, height)
    s = width / COLUMN_WIDTH
    x_in, x_out, x_note = 0.2 * s, 3.3 * s, 3.3 * s + out * cell + 0.2
    letters = [[chr(ord("a") + r * size + c) for c in range(size)] for r in range(size)]
    white = [["white"] * size for _ in range(size)]
    picked = ({(1, 1): "tab:red", (1, 2): "tab:orange"} if size > 2
              else {(0, 0): "tab:red", (0, 1): "tab:orange"})

    def panel_frame(top, title):
        """The panel's title and input grid; returns the grids' top, middle and input's right."""
        ax.text(0.05 * s, top, title, ha="left", va="top", fontsize=FONT_PT, weight="bold")
        y_grid = top - 0.5
        mid = y_grid - out * cell / 2
        y_in = mid + size * cell / 2
        right, _ = _grid(ax, x_in, y_in, white, cell, white, letters)
        for (r, c), color in picked.items():
            _outline(ax, x_in, y_in, cell, r, c, 1, 1, color)
        ax.text(x_in + size * cell / 2, y_in + 0.06, f"input {size} × {size}", ha="center",
                va="bottom", fontsize=FONT_PT)
        ax.text(x_out + out * cell / 2, y_grid + 0.06, f"output {out} × {out}", ha="center",
                va="bottom", fontsize=FONT_PT)
        return y_grid, mid, right

    def labelled_arrow(start, end, mid, text):
        _arrow(ax, (start + 0.1, mid), (end - 0.1, mid))
        ax.text((start + end) / 2, mid + 0.08, text, ha="center", va="bottom",
                fontsize=MIN_FONT_PT)

    # --- top: transposed convolution -------------------------------------------------------
    y_grid, mid, right = panel_frame(
        height - 0.08, f"Transposed convolution: stride {factor}, {kernel} × {kernel} kernel")
    labelled_arrow(right, x_out, mid, "each value times\nthe kernel, summed")
    counts = transposed_overlap_counts(size, factor, kernel)
    shades = plt.get_cmap("Blues")
    colors = [[shades(0.12 + 0.55 * v / max(counts.max(), 2)) for v in row] for row in counts]
    _grid(ax, x_out, y_grid, counts.tolist(), cell, colors,
          [[str(v) for v in row] for row in counts])
    crop = max(kernel - factor, 0) // 2
    for (r, c), color in picked.items():
        r0, c0 = factor * r - crop, factor * c - crop
        _outline(ax, x_out, y_grid, cell, max(r0, 0), max(c0, 0),
                 min(r0 + kernel, out) - max(r0, 0), min(c0 + kernel, out) - max(c0, 0), color)
    if counts.min() == counts.max():
        note = ("Each number: how many\npatches are summed into\nthe pixel. With a kernel\n"
                "as wide as the stride\nthe patches just tile.")
    else:
        note = (f"Each number: how many\npatches are summed into\nthe pixel, {counts.min()} to "
                f"{counts.max()}.\nThe outlined patches\noverlap; the counts repeat\nevery "
                f"{factor} pixels: a\ncheckerboard pattern.")
    ax.text(x_note, mid, note, ha="left", va="center", fontsize=MIN_FONT_PT)

    # --- bottom: sub-pixel convolution -----------------------------------------------------
    y_grid, mid, right = panel_frame(
        panel + 0.05, f"Sub-pixel convolution: {kernel} × {kernel} convolution to "
        f"{factor}² = {factor ** 2} channels, then a shuffle")
    palette = [plt.get_cmap("Pastel1")(k) for k in range(9)]
    gap = 0.05
    block = out * small + (factor - 1) * gap
    x_ch = right + 0.45 * s  # leaves the wider gap to the longer label, "shuffle"
    labelled_arrow(right, x_ch, mid, "conv")
    y_ch = mid + block / 2
    for a in range(factor):
        for b in range(factor):
            k = factor * a + b
            _grid(ax, x_ch + b * (size * small + gap), y_ch - a * (size * small + gap),
                  white, small, [[palette[k]] * size] * size,
                  [[f"{letter}{k}" for letter in row] for row in letters])
    ax.text(x_ch + block / 2, y_ch + 0.06, f"{factor ** 2} channels", ha="center",
            va="bottom", fontsize=FONT_PT)
    labelled_arrow(x_ch + block, x_out, mid, "shuffle")
    channel = [[factor * (r % factor) + c % factor for c in range(out)] for r in range(out)]
    _grid(ax, x_out, y_grid, channel, cell, [[palette[k] for k in row] for row in channel],
          [[f"{letters[r // factor][c // factor]}{channel[r][c]}" for c in range(out)]
           for r in range(out)])
    for (r, c), color in picked.items():
        _outline(ax, x_out, y_grid, cell, factor * r, factor * c, factor, factor, color)
    (r, c), k = next(iter(picked)), factor ** 2 - 1
    example = letters[r][c]
    note = (f"One channel at one\nposition per pixel ({example}{k}:\nchannel {k} of {example}), "
            f"each a\nsum over the {kernel} × {kernel}\npositions around it: as\nmany "
            "terms for every\npixel (away from edges).")
    ax.text(x_note, mid, note, ha="left", va="center", fontsize=MIN_FONT_PT)
    return fig
