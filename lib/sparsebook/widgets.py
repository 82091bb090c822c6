"""Sliders that switch between precomputed figures: they work in the static book (no kernel) and in JupyterLab.

:func:`sliders` draws the figure once for every combination of the sliders' values, then
shows one small HTML control: a range input per slider and the figure for the chosen values.
Moving a slider swaps the picture in the browser, so nothing needs a running kernel, and a
headless run (the book build, nbmake) draws everything once and never waits. Where the
control's script cannot run (an untrusted notebook), the sliders stay disabled rather than
looking alive and doing nothing.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .plots import format_lam

MAX_FRAMES = 64  #: The most figures one control may hold, each a PNG inlined in the page.

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


def _control_html(options: dict, labels: dict, values: dict, frames: dict) -> str:
    """The HTML of the control: disabled range inputs (its script enables them), the figure, the frames."""
    element_id = f"sparsebook-sliders-{uuid.uuid4().hex[:12]}"
    shown = tuple(options[name].index(values[name]) for name in options)
    encoded = {",".join(map(str, key)): base64.b64encode(png).decode("ascii") for key, png in frames.items()}
    rows = []
    for i, (name, choices) in enumerate(options.items()):
        rows.append(
            '<label style="display:flex;align-items:center;gap:0.6em;margin:0.2em 0">'
            f'<span style="min-width:6em">{html.escape(name)}</span>'
            f'<input type="range" min="0" max="{len(choices) - 1}" step="1" value="{shown[i]}" disabled '
            f'aria-label="{html.escape(name)}" data-labels="{html.escape(json.dumps(labels[name]))}" style="width:18em">'
            f'<output style="min-width:4em">{html.escape(labels[name][shown[i]])}</output></label>')
    title = ", ".join(f"{name} = {labels[name][shown[i]]}" for i, name in enumerate(options))
    return (
        f'<div class="sparsebook-sliders" id="{element_id}">'
        + "".join(rows)
        + f'<img class="sparsebook-figure" alt="figure for {html.escape(title)}" '
        f'src="data:image/png;base64,{encoded[",".join(map(str, shown))]}" style="max-width:100%">'
        + f'<script type="application/json" class="sparsebook-frames">{json.dumps(encoded)}</script>'
        + f"<script>{_SCRIPT % {'id': json.dumps(element_id)}}</script></div>"
    )


def sliders(update: Callable[..., None], options: Mapping[str, Sequence], values: Mapping | None = None,
            labels: Mapping[str, Callable] | None = None) -> Sliders:
    """Show one slider per entry of ``options``; below them, the figure that ``update`` draws.

    ``options`` maps a keyword of ``update`` to the values its slider offers; ``update(**chosen)``
    draws one matplotlib figure. It is called once for every combination of values (at most
    :data:`MAX_FRAMES`), and the control starts at ``values`` (default: the middle of each
    list). ``labels`` maps a keyword to a function that writes its values (default ``str``).
    Returns the :class:`Sliders` shown.
    """
    from IPython.display import HTML, display

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
    n_frames = 1
    for choices in options.values():
        n_frames *= len(choices)
    if n_frames > MAX_FRAMES:
        raise ValueError(f"the sliders combine into {n_frames} figures, more than {MAX_FRAMES}: offer fewer values")
    names = list(options)
    renderers = {}  # shared by this control's frames (see _render_png)
    frames = {
        indices: _png(update, {name: options[name][i] for name, i in zip(names, indices)}, renderers)
        for indices in itertools.product(*(range(len(options[name])) for name in names))
    }
    written = {name: [labels.get(name, str)(choice) for choice in choices] for name, choices in options.items()}
    shown = Sliders(options, written, values, frames, _control_html(options, written, values, frames))
    display(HTML(shown.html))
    return shown


def lam_slider(lams: Sequence[float], update: Callable[[float], None], value: float | None = None,
               description: str = "λ") -> Sliders:
    """A single λ slider over ``lams`` (see :func:`sliders`); ``update(lam)`` draws the figure."""
    lams = list(lams)
    if not lams:
        raise ValueError("lams must hold at least one value")
    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    return sliders(lambda **chosen: update(chosen[description]), {description: lams},
                   None if value is None else {description: value}, {description: format_lam})
