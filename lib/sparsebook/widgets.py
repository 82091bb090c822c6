"""Sliders under a figure: live ipywidgets in a running kernel, precomputed frames in the static book.

:func:`sliders` chooses (:func:`widget_mode`). In a kernel a reader drives (JupyterLab, Colab,
Binder) the sliders are ipywidgets and the figure is recomputed at any value: over a continuous
range where the caller gives one (``live``), over the precomputed grid otherwise (a figure that
needs training). In the static book, and wherever a notebook is executed without a reader (the
book build, nbmake), the figure is drawn once for every value of the grid and shown in one small
HTML control whose range inputs swap the pictures in the browser; where its script cannot run
(an untrusted notebook) the sliders stay disabled rather than looking alive and doing nothing.
Every control carries a hint of what to drag, tick marks, plain labels, and a caption.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
import os
import uuid
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .plots import STRENGTH_SYMBOLS, format_lam

MAX_FRAMES = 64  #: The most figures one static control may hold, each a PNG inlined in the page.
MODES = ("live", "static")  #: What ``SPARSEBOOK_WIDGETS`` may say (see :func:`widget_mode`).
MAX_TICK_LABELS = 7  #: The most values written under a slider (all of them get a tick mark).

_SCRIPT = """
(function () {
  var root = document.getElementById(%(id)s);
  var frames = JSON.parse(root.querySelector("script.sparsebook-frames").textContent);
  var inputs = root.querySelectorAll("input[type=range]");
  var figure = root.querySelector("img.sparsebook-figure");
  function show() {
    var key = [];
    inputs.forEach(function (input) {
      var labels = JSON.parse(input.dataset.labels);
      input.nextElementSibling.textContent = labels[input.value];
      key.push(input.value);
    });
    figure.src = "data:image/png;base64," + frames[key.join(",")];
  }
  inputs.forEach(function (input) {
    input.disabled = false;
    input.addEventListener("input", show);
    // arrow keys move the slider, not JupyterLab's cell selection
    input.addEventListener("keydown", function (event) { event.stopPropagation(); });
  });
})();
"""


@dataclass(frozen=True)
class Range:
    """A continuous range a live slider offers in a kernel: ``low`` to ``high``, on a log scale if ``log``.

    ``integer`` makes the slider step through whole numbers.
    """

    low: float
    high: float
    log: bool = False
    integer: bool = False

    def __post_init__(self):
        if not (isinstance(self.low, (int, float)) and isinstance(self.high, (int, float))):
            raise TypeError(f"a Range needs numbers, got low={self.low!r}, high={self.high!r}")
        if not self.low < self.high:
            raise ValueError(f"a Range needs low < high, got {self.low} and {self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale Range must start above 0, got low={self.low}")


def widget_mode() -> str:
    """``"live"`` in a kernel a reader drives, ``"static"`` otherwise.

    ``SPARSEBOOK_WIDGETS=live|static`` decides where set: the book build (``_ext``) and the tests
    (``Makefile``) set ``static``, since no reader moves their sliders. Unset, a Jupyter kernel
    with ipywidgets installed is ``live`` and anything else (plain Python) is ``static``.
    """
    mode = os.environ.get("SPARSEBOOK_WIDGETS", "").strip().lower()
    if mode:
        if mode not in MODES:
            raise ValueError(f"SPARSEBOOK_WIDGETS must be one of {MODES}, got {mode!r}")
        return mode
    try:
        from IPython import get_ipython
        import ipywidgets  # noqa: F401
    except ImportError:
        return "static"
    shell = get_ipython()
    return "live" if shell is not None and type(shell).__name__ == "ZMQInteractiveShell" else "static"


def symbol(name: str) -> str:
    """How the book writes a slider's keyword: ``lam`` -> ``λ``, ``rho`` -> ``ρ``, ``beta`` -> ``β``."""
    return STRENGTH_SYMBOLS.get(name, name)


def plain(value) -> str:
    """A slider value as a reader writes it: ``1``, ``0.25``, ``64``, ``1e-5`` (never ``1e0``, ``2.5e-1``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value):,}" if abs(value) >= 1e4 else str(int(value))
    return format_lam(value)


def _hint(options: dict, labels: dict, live: dict, mode: str) -> str:
    """The line above the sliders: what to drag, over what range."""
    parts = []
    for name, choices in options.items():
        if mode == "live" and name in live:
            r = live[name]
            scale = ", log scale" if r.log else ""
            parts.append(f"{symbol(name)} (any value from {plain(r.low)} to {plain(r.high)}{scale})")
        else:
            parts.append(f"{symbol(name)} ({len(choices)} values, {labels[name][0]} to {labels[name][-1]})")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    redraw = ("the figure is recomputed" if mode == "live"
              else "each position shows a drawing made when the page was built")
    return f"Drag {listed}; {redraw}."


@dataclass
class Sliders:
    """What :func:`sliders` showed: the values of each slider and the figure drawn for each combination.

    ``frames`` maps a tuple of indices (one per slider, in ``options`` order) to the PNG bytes
    of the figure drawn with those values; ``html`` is the control that shows them.
    """

    options: dict[str, list]
    labels: dict[str, list[str]]
    values: dict[str, object]
    frames: dict[tuple[int, ...], bytes]
    html: str

    def frame(self, **chosen) -> bytes:
        """The PNG drawn for the slider values ``chosen`` (the shown values for any left out)."""
        unknown = set(chosen) - set(self.options)
        if unknown:
            raise ValueError(f"no slider is called {sorted(unknown)}; the sliders are {list(self.options)}")
        values = {**self.values, **chosen}
        for name, value in values.items():
            if value not in self.options[name]:
                raise ValueError(f"value {value} is not one of the slider {name!r}'s values {self.options[name]}")
        return self.frames[tuple(self.options[name].index(values[name]) for name in self.options)]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(choices)} values" for name, choices in self.options.items())
        return f"<Sliders ({sizes}); {len(self.frames)} figures>"


def _png(update: Callable[..., None], chosen: dict, renderers: dict | None = None) -> bytes:
    """Call ``update(**chosen)`` and return the figure it drew as PNG bytes (closing every figure)."""
    import matplotlib.pyplot as plt

    plt.close("all")
    update(**chosen)
    if not plt.get_fignums():
        plt.close("all")
        raise ValueError(f"update drew no figure for {chosen}: it must draw one matplotlib figure")
    try:
        return _render_png(plt.gcf(), {} if renderers is None else renderers)
    finally:
        plt.close("all")  # shown through the control only, never twice


def _render_png(figure, renderers: dict) -> bytes:
    """``figure`` as the PNG ``savefig(bbox_inches="tight")`` saves, usually drawn once instead of twice.

    A frame's cost is mostly layout and text, not pixels. ``savefig(bbox_inches="tight")`` draws
    the figure once without output to find its tight box (running the layout engine), then again
    into that box. Here the figure is drawn once on its own canvas and, when its tight box lies
    inside the canvas (the usual case), the PNG is that box, padded, cut out of the pixels; only a
    figure that reaches past its canvas is drawn a second time, into the box, without redoing the
    layout. ``renderers`` keeps the Agg renderer of earlier frames of the same size: reusing it
    keeps matplotlib's caches of text extents and parsed mathtext (the tick labels of log axes),
    which a new figure's renderer starts without. With non-default ``savefig.*`` settings, the
    figure goes through ``savefig`` as before.
    """
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.colors import to_rgba
    from PIL import Image

    rc = matplotlib.rcParams
    pad_inches = rc["savefig.pad_inches"]
    if (rc["savefig.dpi"] != "figure" or rc["savefig.transparent"] or rc["savefig.facecolor"] != "auto"
            or rc["savefig.edgecolor"] != "auto" or not isinstance(pad_inches, (int, float))
            or getattr(figure, "_original_dpi", figure.dpi) != figure.dpi):  # a HiDPI canvas scaled it
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    class FrameCanvas(FigureCanvasAgg):
        def get_renderer(self):
            key = (*self.figure.bbox.size, self.figure.dpi)
            if key not in renderers:
                renderers[key] = RendererAgg(*key)
            return renderers[key]

    canvas = FrameCanvas(figure)
    canvas.draw()  # runs the layout engine, if any, then renders (the renderer is cleared first)
    box = figure.get_tightbbox(canvas.get_renderer())  # inches, from the lower left corner
    width, height = figure.get_size_inches()
    if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
        # something reaches past the canvas: draw again into the box, keeping the layout just made
        figure.set_layout_engine(None)  # (not "none": savefig would still do a draw to lay it out)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches=box.padded(pad_inches))
        return buffer.getvalue()
    box, dpi = box.padded(pad_inches), figure.dpi
    left, top = int(np.floor(box.x0 * dpi)), int(np.floor((height - box.y1) * dpi))
    shape = (int(box.height * dpi), int(box.width * dpi), 4)
    face = to_rgba(figure.get_facecolor()) if figure.patch.get_visible() else (0, 0, 0, 0)
    framed = np.empty(shape, dtype=np.uint8)
    framed[...] = np.round(np.multiply(face, 255))  # the padding past the canvas, as savefig fills it
    pixels = np.asarray(canvas.buffer_rgba())
    rows = slice(max(top, 0), min(top + shape[0], pixels.shape[0]))
    columns = slice(max(left, 0), min(left + shape[1], pixels.shape[1]))
    framed[rows.start - top:rows.stop - top, columns.start - left:columns.stop - left] = pixels[rows, columns]
    buffer = io.BytesIO()
    Image.fromarray(framed).save(buffer, format="png", dpi=(dpi, dpi))
    return buffer.getvalue()


def _tick_labels(labels: list[str]) -> list[str]:
    """The labels written under a slider: all of them, or at most :data:`MAX_TICK_LABELS` evenly spread."""
    if len(labels) <= MAX_TICK_LABELS:
        return labels
    keep = {round(i * (len(labels) - 1) / (MAX_TICK_LABELS - 1)) for i in range(MAX_TICK_LABELS)}
    return [label if i in keep else "" for i, label in enumerate(labels)]


def _control_html(options: dict, labels: dict, values: dict, frames: dict, caption: str, alt: str,
                  hint: str) -> str:
    """The static control: a hint, disabled range inputs with ticks (its script enables them), the figure."""
    element_id = f"sparsebook-sliders-{uuid.uuid4().hex[:12]}"
    shown = tuple(options[name].index(values[name]) for name in options)
    encoded = {",".join(map(str, key)): base64.b64encode(png).decode("ascii") for key, png in frames.items()}
    rows = []
    for i, (name, choices) in enumerate(options.items()):
        ticks_id = f"{element_id}-ticks-{i}"
        last = max(len(choices) - 1, 1)
        # under the thumb's centre, which travels from half a thumb (~8 px) in from each end
        written = "".join(
            f'<span style="position:absolute;left:calc(8px + (100% - 16px) * {j / last:.4f});'
            f'transform:translateX(-50%);white-space:nowrap;font-size:0.75em">'
            f"{html.escape(text)}</span>" for j, text in enumerate(_tick_labels(labels[name])) if text)
        rows.append(
            '<div class="sparsebook-slider" style="margin:0.2em 0 1.4em 0">'
            '<label style="display:flex;align-items:center;gap:0.6em">'
            f'<span style="min-width:2.5em;text-align:right">{html.escape(symbol(name))}</span>'
            f'<input type="range" min="0" max="{len(choices) - 1}" step="1" value="{shown[i]}" disabled '
            f'list="{ticks_id}" aria-label="{html.escape(symbol(name))}" '
            f'data-labels="{html.escape(json.dumps(labels[name]))}" style="width:18em;margin:0">'
            f'<output style="min-width:4em">{html.escape(labels[name][shown[i]])}</output></label>'
            f'<datalist id="{ticks_id}">'
            + "".join(f'<option value="{j}"></option>' for j in range(len(choices)))
            + "</datalist>"
            '<div class="sparsebook-ticks" style="position:relative;width:18em;height:1em;'
            f'margin-left:3.1em;color:#555">{written}</div></div>')
    return (
        f'<figure class="sparsebook-sliders" id="{element_id}" style="margin:0.5em 0">'
        f'<p class="sparsebook-hint" style="margin:0 0 0.4em 0;font-size:0.9em">{html.escape(hint)}</p>'
        + "".join(rows)
        + f'<img class="sparsebook-figure" alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{encoded[",".join(map(str, shown))]}" style="max-width:100%">'
        + f'<figcaption>{html.escape(caption)}</figcaption>'
        + f'<script type="application/json" class="sparsebook-frames">{json.dumps(encoded)}</script>'
        + f"<script>{_SCRIPT % {'id': json.dumps(element_id)}}</script></figure>"
    )


@dataclass
class LiveSliders:
    """What :func:`sliders` showed in a kernel: ipywidgets sliders above a recomputed figure.

    ``controls`` maps each keyword to its slider widget; ``widget`` is the whole control;
    :meth:`redraw` draws the figure for the sliders' current values (as moving one does).
    """

    options: dict[str, list]
    controls: dict
    widget: object
    update: Callable[..., None]
    output: object

    def redraw(self, change=None) -> None:
        """Draw the figure again for the sliders' current values, in place of the last one."""
        import matplotlib.pyplot as plt

        with self.output:
            self.output.clear_output(wait=True)
            plt.close("all")
            self.update(**{name: control.value for name, control in self.controls.items()})
            plt.show()
            plt.close("all")  # (the inline backend closes on show; others keep the figure open)

    def __repr__(self) -> str:
        return f"<LiveSliders ({', '.join(self.controls)})>"


def _live_control(name: str, choices: list, labels: list[str], value, live: dict):
    """One ipywidgets slider: continuous over ``live[name]`` where given, else over ``choices``."""
    import ipywidgets as widgets

    common = dict(description=symbol(name), continuous_update=False, style={"description_width": "2.5em"},
                  layout=widgets.Layout(width="28em"))
    if name not in live:
        return widgets.SelectionSlider(options=list(zip(labels, choices)), value=value, **common)
    r = live[name]
    if r.integer:
        return widgets.IntSlider(value=int(value), min=int(r.low), max=int(r.high), **common)
    if r.log:
        low, high = math.log10(r.low), math.log10(r.high)
        return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=(high - low) / 200,
                                      readout_format=".3g", **common)
    return widgets.FloatSlider(value=value, min=r.low, max=r.high, step=(r.high - r.low) / 200,
                               readout_format=".3g", **common)


def _live_ticks(name: str, choices: list, labels: list[str], live: dict):
    """The values written under a live slider, where they sit on it."""
    import ipywidgets as widgets

    if name in live:
        r = live[name]
        scale = (lambda v: math.log10(v)) if r.log else (lambda v: v)
        inside = [(v, t) for v, t in zip(choices, labels) if r.low <= v <= r.high]
        ends = [(r.low, plain(r.low))] + inside + [(r.high, plain(r.high))]
        marks = {round(100 * (scale(v) - scale(r.low)) / (scale(r.high) - scale(r.low)), 2): t for v, t in ends}
    else:
        last = max(len(choices) - 1, 1)
        marks = {round(100 * j / last, 2): t for j, t in enumerate(_tick_labels(labels)) if t}
    spans = "".join(f'<span style="position:absolute;left:{at}%;transform:translateX(-50%);white-space:nowrap">{html.escape(t)}</span>'
                    for at, t in sorted(marks.items()))
    return widgets.HTML(f'<div style="position:relative;height:1.2em;font-size:0.75em;color:#555">{spans}</div>',
                        layout=widgets.Layout(width="17em", margin="0 0 0.4em 3.6em"))


def _show_live(update, options: dict, labels: dict, values: dict, live: dict, caption: str, alt: str,
               hint: str) -> LiveSliders:
    import sys

    import ipywidgets as widgets
    from IPython.display import display

    if "google.colab" in sys.modules:  # Colab shows ipywidgets 8 only through its custom manager
        from google.colab import output

        output.enable_custom_widget_manager()
    controls, rows = {}, []
    for name, choices in options.items():
        controls[name] = _live_control(name, choices, labels[name], values[name], live)
        rows += [controls[name], _live_ticks(name, choices, labels[name], live)]
    output = widgets.Output()
    box = widgets.VBox([widgets.HTML(f"<i>{html.escape(hint)}</i>"), *rows, output,
                        widgets.HTML(f"<p>{html.escape(caption)}</p>", description_allow_html=False)])
    shown = LiveSliders(options, controls, box, update, output)
    for control in controls.values():
        control.observe(shown.redraw, names="value")
    display(box)
    shown.redraw()  # the figure for the starting values, before any slider moves
    return shown


def sliders(update: Callable[..., None], options: Mapping[str, Sequence], values: Mapping | None = None,
            labels: Mapping[str, Callable] | None = None, *, caption: str, alt: str,
            live: Mapping[str, Range] | None = None, hint: str | None = None):
    """Show one slider per entry of ``options``, the figure that ``update`` draws, and its caption.

    ``options`` maps a keyword of ``update`` to the values of its slider (the precomputed grid);
    ``update(**chosen)`` draws one matplotlib figure. The control starts at ``values`` (default:
    the middle of each list); ``labels`` maps a keyword to a function that writes its values
    (default :func:`plain`). ``caption`` says what to look at and ``alt`` describes the figure.
    ``live`` maps keywords to a :class:`Range` the slider covers in a kernel, where ``update``
    can draw any value in it (in about a second at most); the others step through their grid.
    ``hint`` replaces the line written above the sliders. In :func:`widget_mode` ``"static"``,
    ``update`` is called once per combination of values (at most :data:`MAX_FRAMES`) and a
    :class:`Sliders` is returned; in ``"live"`` a :class:`LiveSliders`.
    """
    from IPython.display import HTML, display

    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    if not isinstance(options, Mapping) or not options:
        raise ValueError("options must map at least one keyword to its slider's values")
    for what, text in (("caption", caption), ("alt", alt)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{what} must be a sentence ({'what to look at' if what == 'caption' else 'what the figure shows'}), "
                             f"got {text!r}")
    options = {name: list(choices) for name, choices in options.items()}
    values, labels, live = dict(values or {}), dict(labels or {}), dict(live or {})
    for name, choices in options.items():
        if not choices:
            raise ValueError(f"the slider {name!r} must offer at least one value")
        values.setdefault(name, choices[len(choices) // 2])
        if values[name] not in choices:
            raise ValueError(f"value {values[name]} is not one of the slider {name!r}'s values {choices}")
    unknown = set(values) - set(options) | set(labels) - set(options) | set(live) - set(options)
    if unknown:
        raise ValueError(f"values, labels or live name no slider: {sorted(unknown)}")
    for name, r in live.items():
        if not isinstance(r, Range):
            raise TypeError(f"live[{name!r}] must be a Range, got {type(r).__name__}")
        if not r.low <= values[name] <= r.high:
            raise ValueError(f"the slider {name!r} starts at {values[name]}, outside its live range {r.low}..{r.high}")
    written = {name: [labels.get(name, plain)(choice) for choice in choices]
               for name, choices in options.items()}
    mode = widget_mode()
    hint = hint or _hint(options, written, live, mode)
    if mode == "live":
        return _show_live(update, options, written, values, live, caption, alt, hint)
    n_frames = math.prod(len(choices) for choices in options.values())
    if n_frames > MAX_FRAMES:
        raise ValueError(f"the sliders combine into {n_frames} figures, more than {MAX_FRAMES}: offer fewer values")
    names = list(options)
    renderers = {}  # shared by this control's frames (see _render_png)
    frames = {
        indices: _png(update, {name: options[name][i] for name, i in zip(names, indices)}, renderers)
        for indices in itertools.product(*(range(len(options[name])) for name in names))
    }
    shown = Sliders(options, written, values, frames,
                    _control_html(options, written, values, frames, caption, alt, hint))
    display(HTML(shown.html))
    return shown


def lam_slider(lams: Sequence[float], update: Callable[[float], None], value: float | None = None, *,
               caption: str, alt: str, live: Range | None = None, description: str = "λ",
               hint: str | None = None):
    """A single λ slider over ``lams`` (see :func:`sliders`); ``update(lam)`` draws the figure.

    ``live`` is the :class:`Range` the slider covers in a kernel, where ``update`` can draw any λ.
    """
    lams = list(lams)
    if not lams:
        raise ValueError("lams must hold at least one value")
    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    return sliders(lambda **chosen: update(chosen[description]), {description: lams},
                   None if value is None else {description: value}, caption=caption, alt=alt,
                   live=None if live is None else {description: live}, hint=hint)
