"""λ sliders: live in JupyterLab, and safe headless (they draw once and never wait)."""

from __future__ import annotations

from typing import Callable, Sequence

from .plots import format_lam


def lam_slider(lams: Sequence[float], update: Callable[[float], None], value: float | None = None,
               description: str = "λ"):
    """Show a slider over ``lams`` and call ``update(lam)`` to redraw below it.

    ``update`` draws with matplotlib; the slider shows its figure. It is called once
    at once with ``value`` (default: the middle of the grid), so the figure also
    appears where nobody moves the slider (a headless run, the static book).
    Returns the slider widget.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    lams = list(lams)
    if not lams:
        raise ValueError("lams must hold at least one value")
    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    if value is None:
        value = lams[len(lams) // 2]
    if value not in lams:
        raise ValueError(f"value {value} is not one of the slider's lams {lams}")
    slider = widgets.SelectionSlider(
        options=[(format_lam(lam), lam) for lam in lams],
        value=value,
        description=description,
        continuous_update=False,
        layout=widgets.Layout(width="420px"),
    )
    output = widgets.Output()

    def redraw(change=None):
        with output:
            output.clear_output(wait=True)
            update(slider.value)
            plt.show()  # inside the callback, or the figure never reaches the output

    slider.observe(redraw, names="value")
    display(widgets.VBox([slider, output]))
    redraw()
    return slider
