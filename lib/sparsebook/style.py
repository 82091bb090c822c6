"""The book's figure style: drawn at the column's width, with text readable at the size shown.

The book's text column shows a figure at most :data:`COLUMN_PX` CSS pixels wide. A figure
:data:`COLUMN_WIDTH` inches wide, saved at :data:`DPI` dots per inch, is shrunk to fit it by
the factor ``COLUMN_PX / (COLUMN_WIDTH * DPI)``; a font of ``p`` points is then shown at
``p * COLUMN_PX / (96 * COLUMN_WIDTH)`` CSS points, just above ``p``. So the style's smallest
font, :data:`MIN_FONT_PT`, is what a reader sees at least, provided figures are at most
:data:`COLUMN_WIDTH` wide (wider ones should be stacked instead). Call :func:`use` once,
after importing pyplot, in a page's setup cell.
"""

from __future__ import annotations

COLUMN_PX = 688  #: Width of the book's text column in CSS pixels, in a 1280-pixel-wide window.
COLUMN_WIDTH = 6.8  #: The widest a figure is drawn, in inches (a full-width figure).
DPI = 150  #: Resolution of the figures' PNG files.
MIN_FONT_PT = 9  #: The smallest font a figure uses, in points (and so at least what a reader sees).

#: matplotlib settings of the book style (see :func:`use`).
RC = {
    "figure.figsize": (COLUMN_WIDTH, 3.4),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "figure.facecolor": "white",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.6,
    "lines.markersize": 5,
    "legend.frameon": False,
    "image.cmap": "gray",
}


def use() -> None:
    """Apply the book style to matplotlib (for every figure drawn after the call)."""
    import matplotlib

    matplotlib.rcParams.update(RC)


def figsize(height: float, width: float = COLUMN_WIDTH) -> tuple[float, float]:
    """A figure size in inches, ``width`` (default: the column's) by ``height``; validates both."""
    for name, value in (("height", height), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of inches, got {type(value).__name__}")
        if not 0 < value:
            raise ValueError(f"{name} must be > 0 inches, got {value}")
    if width > COLUMN_WIDTH:
        raise ValueError(f"width {width} is wider than the column ({COLUMN_WIDTH} in): stack the panels instead")
    return (float(width), float(height))
