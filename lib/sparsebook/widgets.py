"""Sliders that redraw a figure: live in JupyterLab, and safe headless (they draw once and never wait)."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from .plots import format_lam


def sliders(update: Callable[..., None], options: Mapping[str, Sequence], values: Mapping | None = None,
            labels: Mapping[str, Callable] | None = None):
    """Show one slider per entry of ``options``; below them, the figure that ``update`` draws.

    ``options`` maps a keyword of ``update`` to the values its slider offers; ``update(**chosen)``
    draws one matplotlib figure. It is called at once with ``values`` (default: the middle of
    each list), so the figure also appears where nobody moves a slider (a headless run, the
    static book); moving a slider replaces the figure in place. No ``Output`` widget is
    involved, so headless executors have no widget messages to wait for. ``labels`` maps a
    keyword to a function that writes its values (default ``str``). Returns the sliders, by keyword.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import DisplayHandle, display

    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    if not isinstance(options, Mapping) or not options:
        raise ValueError("options must map at least one keyword to its slider's values")
    options = {name: list(choices) for name, choices in options.items()}
    values, labels = dict(values or {}), dict(labels or {})
    for name, choices in options.items():
        if not choices:
            raise ValueError(f"the slider {name!r} must offer at least one value")
        values.setdefault(name, choices[len(choices) // 2])
        if values[name] not in choices:
            raise ValueError(f"value {values[name]} is not one of the slider {name!r}'s values {choices}")
    unknown = set(values) - set(options) | set(labels) - set(options)
    if unknown:
        raise ValueError(f"values or labels name no slider: {sorted(unknown)}")
    controls = {
        name: widgets.SelectionSlider(
            options=[(labels.get(name, str)(choice), choice) for choice in choices],
            value=values[name], description=name, continuous_update=False,
            layout=widgets.Layout(width="420px"))
        for name, choices in options.items()
    }

    def draw():
        plt.close("all")
        update(**{name: control.value for name, control in controls.items()})
        figure = plt.gcf()
        plt.close(figure)  # shown through the display handle only, never twice
        return figure

    display(widgets.VBox(list(controls.values())))
    figure_display = DisplayHandle()
    figure_display.display(draw())
    for control in controls.values():
        control.observe(lambda change: figure_display.update(draw()), names="value")
    return controls


def lam_slider(lams: Sequence[float], update: Callable[[float], None], value: float | None = None,
               description: str = "λ"):
    """A single λ slider over ``lams`` (see :func:`sliders`); ``update(lam)`` draws the figure.

    Returns the slider widget.
    """
    lams = list(lams)
    if not lams:
        raise ValueError("lams must hold at least one value")
    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    controls = sliders(lambda **chosen: update(chosen[description]), {description: lams},
                       None if value is None else {description: value}, {description: format_lam})
    return controls[description]
