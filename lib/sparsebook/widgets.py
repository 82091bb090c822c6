"""λ sliders: live in JupyterLab, and safe headless (they draw once and never wait)."""

from __future__ import annotations

from typing import Callable, Sequence

from .plots import format_lam


def lam_slider(lams: Sequence[float], update: Callable[[float], None], value: float | None = None,
               description: str = "λ"):
    """Show a slider over ``lams``; below it, the figure that ``update(lam)`` draws.

    ``update`` draws one matplotlib figure. It is called at once with ``value``
    (default: the middle of the grid), so the figure also appears where nobody moves
    the slider (a headless run, the static book); moving the slider replaces the
    figure in place. No ``Output`` widget is involved, so headless executors have
    no widget messages to wait for. Returns the slider widget.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import DisplayHandle, display

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

    def draw(lam):
        plt.close("all")
        update(lam)
        figure = plt.gcf()
        plt.close(figure)  # shown through the display handle only, never twice
        return figure

    display(slider)
    figure_display = DisplayHandle()
    figure_display.display(draw(value))
    slider.observe(lambda change: figure_display.update(draw(change["new"])), names="value")
    return slider
