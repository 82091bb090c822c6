"""The built book as a reader meets it, checked in a real browser (headless Chromium).

Run after the build, by ``make test`` (``pytest -m site tests/site``). Every page of
``_build/html`` (or ``$SPARSEBOOK_SITE``) is served on localhost and opened in Chromium
(``$CHROMIUM``, default ``/usr/bin/chromium``): no JavaScript error, no request leaves the
machine, math is typeset, every image loads, no TensorFlow log line, warning or traceback in
an output, every internal link and anchor resolves, and every slider changes its figure. A
screenshot of each page goes to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SPARSEBOOK_SITE", ROOT / "_build" / "html"))
SCREENSHOTS = SITE.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
               if not path.relative_to(SITE).parts[0].startswith("_"))
# what must never reach a reader: Python tracebacks and warnings, TensorFlow/absl log lines
NOISE = re.compile(r"Traceback \(most recent call last\)|\w+Warning:|^WARNING|^[IWEF]\d{4} \d\d:\d\d|tensorflow/|oneDNN"
                   r"|absl::|cuda|XLA", re.MULTILINE)


class _Anchors(HTMLParser):
    """Every id (and old-style name) in a page, and every link's href."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(value for key, value in attrs.items() if key in ("id", "name") and value)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def _anchors(page: str) -> _Anchors:
    parser = _Anchors()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built book at {SITE}: run `make book` first (or set SPARSEBOOK_SITE)")
    handler = functools.partial(type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *args: None}),
                                directory=str(SITE))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it (Debian: apt-get install chromium) or set CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def opened(browser, server, request):
    """Open a page; collect its JavaScript errors and any request to another host."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console error: {message.text}"))

    def route(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            problems.append(f"request leaves the machine: {route.request.url}")
            route.abort()

    page.route("**/*", route)
    yield page, problems
    page.close()


def test_the_book_has_pages():
    assert "index.html" in PAGES and any(page.startswith("book/") for page in PAGES), f"no book pages in {SITE}"


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly(opened, server, name):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page, problems = opened
    page.goto(server + name, wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".math").count():
        try:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
        except PlaywrightTimeout:
            pytest.fail("MathJax never started, so no formula is typeset. " + "\n".join(problems))
        page.evaluate("MathJax.startup.promise")
        untypeset = page.locator(".math:not(:has(mjx-container))").count()
        assert not untypeset, f"{untypeset} formulas were not typeset by MathJax"
        assert not page.locator("mjx-merror").count(), "MathJax reports a TeX error"
    broken = page.evaluate("""[...document.images].filter(img => !(img.complete && img.naturalWidth > 0))
                              .map(img => img.getAttribute('src').slice(0, 80))""")
    assert not broken, f"images that do not load: {broken}"
    for output in page.locator(".cell_output").all_inner_texts():
        noise = NOISE.search(output)
        assert not noise, f"an output shows {noise.group(0)!r}: {output[:300]}"
    assert not page.locator(".cell_output .stderr, .output.stderr").count(), "an output went to stderr"
    assert not page.locator(".jupyter-widgets, script[type='application/vnd.jupyter.widget-view+json']").count(), \
        "an ipywidgets widget is on the page: without a kernel it looks alive and does nothing"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "__").removesuffix(".html") + ".png")), full_page=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_resolve(name):
    missing = []
    for href in _anchors(name).hrefs:
        url = urljoin("http://book/" + name, href)
        if urlparse(url).netloc != "book":
            continue  # another site: not ours to check offline
        path, fragment = urldefrag(unquote(urlparse(url).path).lstrip("/"))[0], urlparse(url).fragment
        if path.endswith("/") or not path:
            path += "index.html"
        if not (SITE / path).is_file():
            missing.append(f"{href} (no file {path})")
        elif fragment and path.endswith(".html") and fragment not in _anchors(path).ids:
            missing.append(f"{href} (no anchor #{fragment} in {path})")
    assert not missing, f"{name} links to what does not exist: {missing}"


SLIDER_PAGES = [page for page in PAGES if "sparsebook-sliders" in (SITE / page).read_text(encoding="utf-8")]


def test_the_book_has_sliders():
    assert SLIDER_PAGES, "no page holds a slider: the chapters' sliders did not render"


@pytest.mark.parametrize("name", SLIDER_PAGES)
def test_every_slider_changes_its_figure(opened, server, name):
    page, problems = opened
    page.goto(server + name, wait_until="load")
    controls = page.locator(".sparsebook-sliders")
    assert controls.count()
    for i in range(controls.count()):
        control = controls.nth(i)
        figure = control.locator("img.sparsebook-figure")
        for slider in control.locator("input[type=range]").all():
            assert slider.is_enabled(), "a slider is still disabled: its script did not run"
            before, label = figure.get_attribute("src"), slider.evaluate("input => input.nextElementSibling.textContent")
            at_end = slider.get_attribute("value") == slider.get_attribute("max")
            slider.focus()
            slider.press("ArrowLeft" if at_end else "ArrowRight")
            assert figure.get_attribute("src") != before, f"moving slider {slider.get_attribute('aria-label')!r} did not change the figure"
            assert slider.evaluate("input => input.nextElementSibling.textContent") != label
            slider.press("ArrowRight" if at_end else "ArrowLeft")  # back, so the next slider starts from the default
            assert figure.get_attribute("src") == before
    assert not problems, "\n".join(problems)
