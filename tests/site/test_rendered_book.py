"""The built book as a reader meets it, checked in a real browser (headless Chromium).

Run after the build, by ``make test`` (``pytest -m site tests/site``). Every page of
``_build/html`` (or ``$SPARSEBOOK_SITE``) is served on localhost and opened in Chromium
(``$CHROMIUM``, default ``/usr/bin/chromium``) at 1280 px wide: no JavaScript error, no request
leaves the machine, math is typeset, every image loads, no TensorFlow log line, warning or
traceback in an output, every internal link and anchor resolves, and every slider changes its
figure. What a reader sees is held to the book's rules: every image in a chapter is a figure
with a caption and alt text, shown at least half as wide as it was drawn; no code, output or
table is wider than the column; a page that re-runs one of the two source texts cites it. A
screenshot of each page goes to ``_build/screenshots/``, and ``report.json`` beside them holds
what was measured on each page (captions, images, the share of the page's height that is code
input, visible code lines).
"""

from __future__ import annotations

import functools
import json
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
BIBLIOGRAPHY = ROOT / "references.bib"
PAGES = sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
               if not path.relative_to(SITE).parts[0].startswith("_"))
# pages with an article (not a redirect such as index.html): the pages the rules on figures, overflow and citations read
ARTICLE_PAGES = [page for page in PAGES if 'class="bd-article"' in (SITE / page).read_text(encoding="utf-8")]
# what must never reach a reader: Python tracebacks and warnings, TensorFlow/absl log lines
NOISE = re.compile(r"Traceback \(most recent call last\)|\w+Warning:|^WARNING|^[IWEF]\d{4} \d\d:\d\d|tensorflow/|oneDNN"
                   r"|absl::|cuda|XLA", re.MULTILINE)
# pages of Sphinx and of the API reference (docstrings), held to the rules of chapters only where said
NOT_CHAPTERS = {"index.html", "genindex.html", "search.html", "py-modindex.html", "book/api.html",
                "book/references.html"}

# The two source texts the book re-creates (keys of references.bib), what a page calls each, and
# the chapters that re-run each: those cite it in their opening, before the first section heading.
SOURCES = {
    "sourcepost2016sparse": ("the 2016 blog post “Sparse coding: a simple exploration”", re.compile(r"blog post", re.I)),
    "sourceexplainer2024sae": ("the 2024 explainer on sparse auto-encoders", re.compile(r"explainer", re.I)),
}
RERUNS = {
    "book/sparse-coding-objective.html": "sourcepost2016sparse",
    "book/overcomplete-basis.html": "sourcepost2016sparse",
    "book/sparse-coding-to-networks.html": "sourcepost2016sparse",
    "book/neural-codes.html": "sourcepost2016sparse",
    "book/sparse-mlp.html": "sourcepost2016sparse",
    "book/sparse-cnn.html": "sourcepost2016sparse",
    "book/sparse-cae.html": "sourcepost2016sparse",
    "book/better-trade-off.html": "sourcepost2016sparse",
    "book/sparse-autoencoders.html": "sourceexplainer2024sae",
}
FRONT_DOOR = "book/intro.html"  # cites both sources (anywhere on the page)
MENTIONS_A_SOURCE = re.compile(r"\bthe source(?:'s|’s)?\b(?! code)", re.I)

# What the checks measure on a page, in the browser, after MathJax has typeset it. An element is
# visible when it has a box, is rendered, and no closed <details> (a hidden cell) holds it.
MEASURE = r"""() => {
  const art = document.querySelector('article.bd-article');
  if (!art) return null;
  const visible = el => !el.closest('details:not([open]) > :not(summary)') && el.getClientRects().length > 0
    && (el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : getComputedStyle(el).visibility !== 'hidden')
    && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const squash = s => (s || '').replace(/\s+/g, ' ').trim();
  const words = el => squash(el.innerText || el.textContent);  // (innerText: no <style> or <script>)
  const where = el => {
    const section = el.closest('section');
    const heading = section && section.querySelector('h1, h2, h3, h4');
    return heading ? squash(heading.textContent).replace(/\s*#$/, '') : '';
  };
  const images = [...art.querySelectorAll('img')].filter(visible)
    .filter(img => !img.closest('mjx-container') && !/(^|\/)_static\//.test(img.getAttribute('src') || ''))  // icons
    .map(img => {
      const figure = img.closest('figure');
      const caption = figure && figure.querySelector('figcaption');
      let text = null;
      if (caption) {
        const copy = caption.cloneNode(true);
        copy.querySelectorAll('.caption-number, a.headerlink').forEach(e => e.remove());
        text = squash(copy.textContent);
      }
      return {src: (img.getAttribute('src') || '').slice(0, 60), alt: squash(img.getAttribute('alt')),
              caption: text, natural: img.naturalWidth, shown: Math.round(img.getBoundingClientRect().width),
              where: where(img)};
    });
  let wide = [...art.querySelectorAll('pre, .cell_output, .cell_output .output, table, .pst-scrollable-table-container, '
                                      + '.table-wrapper, .bd-table-container, div.highlight')]
    .filter(visible).filter(el => el.scrollWidth > el.clientWidth + 1);
  wide = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));  // the innermost one
  const overflowing = wide.map(el => ({
    kind: el.closest('.cell_input') ? 'code input'
      : (el.matches('table') || el.querySelector('table')) ? 'table'
      : el.closest('.cell_output') ? 'output' : 'code',
    excess: el.scrollWidth - el.clientWidth, text: words(el).slice(0, 70), where: where(el)}));
  const height = art.getBoundingClientRect().height;
  const inputs = [...art.querySelectorAll('.cell_input')].filter(visible);
  const codeHeight = inputs.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0);
  const codeLines = inputs.reduce((sum, el) => {
    const pre = el.querySelector('pre');
    return sum + (pre ? pre.textContent.replace(/\n+$/, '').split('\n').length : 0);
  }, 0);
  const firstSection = art.querySelector('section section > h2, h2');
  const citations = [...art.querySelectorAll('a[href*="references.html#"]')].map(a => ({
    href: a.getAttribute('href'), title: a.getAttribute('title') || '',
    opening: !firstSection || !!(a.compareDocumentPosition(firstSection) & Node.DOCUMENT_POSITION_FOLLOWING)}));
  const prose = art.cloneNode(true);
  prose.querySelectorAll('.cell_input, pre, table, script, style, mjx-container').forEach(e => e.remove());
  return {page_height: Math.round(height), code_input_share: +(codeHeight / Math.max(height, 1)).toFixed(3),
          code_input_height: Math.round(codeHeight), visible_code_lines: codeLines,
          figcaptions: art.querySelectorAll('figcaption').length, images, overflowing, citations,
          prose: squash(prose.textContent)};
}"""


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


class _Citations(HTMLParser):
    """The text of each bibliography entry (``div.citation``) of a page, by its id."""

    def __init__(self):
        super().__init__()
        self.entries, self._open, self._depth = {}, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._open is not None and tag == "div":
            self._depth += 1
        elif tag == "div" and "citation" in (attrs.get("class") or "").split() and attrs.get("id"):
            self._open, self._depth = attrs["id"], 0
            self.entries[self._open] = ""

    def handle_endtag(self, tag):
        if self._open is not None and tag == "div":
            if self._depth:
                self._depth -= 1
            else:
                self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self.entries[self._open] += data


@functools.lru_cache(maxsize=None)
def _bibliography_entries(page: str) -> dict[str, str]:
    parser = _Citations()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    return parser.entries


def _letters(text: str) -> str:
    """Text reduced to its lower-case letters and digits, to compare a title through any markup."""
    return re.sub(r"[\W_]+", "", text.casefold())


@functools.lru_cache(maxsize=None)
def _titles() -> dict[str, str]:
    """The title of each entry of references.bib, by key (as :func:`_letters`)."""
    from pybtex.database import parse_file

    return {key: _letters(entry.fields.get("title", "").replace("{", "").replace("}", ""))
            for key, entry in parse_file(str(BIBLIOGRAPHY)).entries.items()}


def _cited_keys(page: str, citations: list[dict], opening_only: bool = False) -> set[str]:
    """The keys of references.bib that a page's citation links point at (the entry they open holds its title)."""
    keys = set()
    for citation in citations:
        if opening_only and not citation["opening"]:
            continue
        url = urljoin("http://book/" + page, citation["href"])
        path, fragment = unquote(urlparse(url).path).lstrip("/"), urlparse(url).fragment
        entry = _bibliography_entries(path).get(fragment, "") if (SITE / path).is_file() else ""
        text = _letters(entry or citation["title"])
        keys.update(key for key, title in _titles().items() if title and title in text)
    return keys


def _cite_hint(key: str, described: bool = True) -> str:
    what = SOURCES[key][0] if described else "it"
    if key not in _titles():
        return (f"references.bib has no entry {key!r} ({SOURCES[key][0]}): add it (title, author, year, where it was "
                f"published), then cite {what} with {{cite:p}}`{key}`")
    return f"cite {what} with {{cite:p}}`{key}`"


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


def _typeset(page) -> str | None:
    """Wait for MathJax to typeset the page's formulas; say what went wrong, if anything."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not page.locator(".math").count():
        return None
    try:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
    except PlaywrightTimeout:
        return "MathJax never started, so no formula is typeset."
    page.evaluate("MathJax.startup.promise")
    return None


_MEASURED: dict[str, dict | None] = {}


@pytest.fixture(scope="module")
def measured(browser, server):
    """``measured(name)``: what :data:`MEASURE` finds on a page (opened once for all the checks).

    At the end, a line per page goes to ``report.json`` beside the screenshots.
    """

    def measure(name: str, page=None) -> dict | None:
        if name not in _MEASURED:
            own = page is None
            if own:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                           else route.abort())
                page.goto(server + name, wait_until="load")
                page.wait_for_load_state("networkidle")
                _typeset(page)
            try:
                _MEASURED[name] = page.evaluate(MEASURE)
            finally:
                if own:
                    page.close()
        return _MEASURED[name]

    yield measure
    report = {}
    for name, found in sorted(_MEASURED.items()):
        if found is None:
            continue
        images = found["images"]
        report[name] = {
            "figcaptions": found["figcaptions"], "images": len(images),
            "images_with_caption_and_alt": sum(bool(i["caption"]) and _has_alt(i) for i in images),
            "smallest_shown_fraction": min((round(i["shown"] / i["natural"], 2) for i in images if i["natural"]),
                                           default=None),
            "code_input_share": found["code_input_share"], "visible_code_lines": found["visible_code_lines"],
            "page_height_px": found["page_height"], "overflowing": len(found["overflowing"]),
            "cited_sources": sorted(_cited_keys(name, found["citations"]) & set(SOURCES)),
        }
    if report:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")


def _has_alt(image: dict) -> bool:
    """Alt text a reader can use: not empty, not the file name Sphinx writes when there is none."""
    alt = image["alt"]
    return bool(alt) and not re.search(r"\.(png|jpe?g|svg|gif)$|^data:|_images/", alt, re.I)


def test_the_book_has_pages():
    assert "index.html" in PAGES and any(page.startswith("book/") for page in PAGES), f"no book pages in {SITE}"


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly(opened, server, measured, name):
    page, problems = opened
    page.goto(server + name, wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".math").count():
        failure = _typeset(page)
        if failure:
            pytest.fail(failure + " " + "\n".join(problems))
        untypeset = page.locator(".math:not(:has(mjx-container))").count()
        assert not untypeset, f"{untypeset} formulas were not typeset by MathJax"
        assert not page.locator("mjx-merror").count(), "MathJax reports a TeX error"
    if name in ARTICLE_PAGES:
        measured(name, page)  # (for the checks of figures, overflow and citations below)
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


def _describe(image: dict) -> str:
    return (f"image {image['src']!r}… in section {image['where']!r} "
            f"(alt {image['alt'][:40]!r}, caption {(image['caption'] or '')[:50]!r})")


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_every_figure_has_a_caption_and_alt_text(measured, name):
    found = measured(name)
    if found is None:
        pytest.skip("no article on this page")
    missing = []
    for image in found["images"]:
        lacks = [what for what, ok in (("caption", bool(image["caption"])), ("alt text", _has_alt(image))) if not ok]
        if lacks:
            missing.append(f"{_describe(image)} has no {' and no '.join(lacks)}")
    assert not missing, (
        f"{len(missing)} of {len(found['images'])} images on {name} are not a captioned figure with alt text. "
        "Give the cell that draws each one metadata mystnb.figure.caption (what to look at) and "
        "mystnb.image.alt (what it shows), or a {figure} with :alt: in Markdown; a slider gets caption= and alt=:\n"
        + "\n".join(missing))


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_figures_are_shown_at_least_half_as_wide_as_drawn(measured, name):
    found = measured(name)
    if found is None:
        pytest.skip("no article on this page")
    shrunk = [f"{_describe(image)}: drawn {image['natural']} px wide, shown {image['shown']} px"
              for image in found["images"] if image["natural"] and image["shown"] < image["natural"] / 2]
    assert not shrunk, (
        f"{len(shrunk)} figures on {name} are shrunk to less than half their drawn width, so their text is "
        "too small to read: draw them at the column's width (sparsebook.style, at most 6.8 in at 150 dpi) "
        "or stack their panels:\n" + "\n".join(shrunk))


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_no_code_output_or_table_overflows_the_column(measured, name):
    found = measured(name)
    if found is None:
        pytest.skip("no article on this page")
    wide = [f"{item['kind']} in section {item['where']!r}, {item['excess']} px too wide: {item['text']!r}"
            for item in found["overflowing"]]
    assert not wide, (
        f"{len(wide)} code blocks, outputs or tables on {name} are wider than the column (a reader must scroll "
        "sideways): keep code lines to 88 columns, print less per line, split wide tables "
        "(sparsebook.tables.table):\n" + "\n".join(wide))


@pytest.mark.parametrize("name", [page for page in ARTICLE_PAGES if page not in NOT_CHAPTERS or page == FRONT_DOOR])
def test_a_page_that_reruns_a_source_cites_it(measured, name):
    found = measured(name)
    if found is None:
        pytest.skip("no article on this page")
    cited, cited_first = _cited_keys(name, found["citations"]), _cited_keys(name, found["citations"], True)
    missing = []
    if name == FRONT_DOOR:
        missing += [f"the landing page names both source texts: {_cite_hint(key)}" for key in SOURCES if key not in cited]
    if name in RERUNS and RERUNS[name] not in cited_first:
        missing.append(f"this chapter re-runs {SOURCES[RERUNS[name]][0]}: {_cite_hint(RERUNS[name], False)} in its "
                       "opening paragraphs (before the first section heading)")
    for key, (described, mention) in SOURCES.items():
        said = mention.search(found["prose"])
        if said and key not in cited and not any(key in line for line in missing):
            missing.append(f"the page mentions {said.group(0)!r}: {_cite_hint(key)}")
    said = MENTIONS_A_SOURCE.search(found["prose"])
    if said and name not in RERUNS and name != FRONT_DOOR and not cited & set(SOURCES):
        missing.append(f"the page speaks of {said.group(0)!r} but cites neither source text: cite the one it means "
                       f"({' or '.join(f'{{cite:p}}`{key}`' for key in SOURCES)}) and add the page to RERUNS "
                       "in tests/site/test_rendered_book.py")
    assert not missing, f"{name} does not cite what it re-runs:\n" + "\n".join(missing)


def test_the_references_page_lists_both_sources():
    page = "book/references.html"
    if page not in PAGES:
        pytest.skip("no references page in this build")
    entries = " ".join(_letters(text) for text in _bibliography_entries(page).values())
    missing = [_cite_hint(key) for key in SOURCES if key not in _titles() or _titles()[key] not in entries]
    assert not missing, "the References page does not list the source texts:\n" + "\n".join(missing)


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
    controls = page.locator("figure.sparsebook-sliders")
    assert controls.count() == page.locator(".sparsebook-sliders").count(), \
        "a slider control is not a <figure class='sparsebook-sliders'> (an old sparsebook.widgets drew it)"
    for i in range(controls.count()):
        control = controls.nth(i)
        hint = control.locator("p.sparsebook-hint")
        assert hint.count() == 1 and hint.inner_text().strip(), "a slider control has no hint of what to drag"
        caption = control.locator("figcaption")
        assert caption.count() == 1 and caption.inner_text().strip(), "a slider control has no caption"
        figure = control.locator("img.sparsebook-figure")
        assert figure.count() == 1 and (figure.get_attribute("alt") or "").strip(), "a slider's figure has no alt text"
        for slider in control.locator("input[type=range]").all():
            name_ = slider.get_attribute("aria-label")
            n_values = int(slider.get_attribute("max")) - int(slider.get_attribute("min")) + 1
            ticks = slider.get_attribute("list")
            assert ticks, f"slider {name_!r} has no tick marks (no list= naming a <datalist>)"
            assert page.locator(f'datalist[id="{ticks}"] option').count() == n_values, \
                f"slider {name_!r} offers {n_values} values but its <datalist> does not hold one tick for each"
            assert slider.evaluate("input => input.nextElementSibling && input.nextElementSibling.tagName") == "OUTPUT", \
                f"slider {name_!r} is not followed by the <output> that writes its value"
            assert slider.is_enabled(), "a slider is still disabled: its script did not run"
            before, label = figure.get_attribute("src"), slider.evaluate("input => input.nextElementSibling.textContent")
            at_end = slider.get_attribute("value") == slider.get_attribute("max")
            slider.focus()
            slider.press("ArrowLeft" if at_end else "ArrowRight")
            assert figure.get_attribute("src") != before, f"moving slider {name_!r} did not change the figure"
            assert slider.evaluate("input => input.nextElementSibling.textContent") != label
            slider.press("ArrowRight" if at_end else "ArrowLeft")  # back, so the next slider starts from the default
            assert figure.get_attribute("src") == before
    assert not problems, "\n".join(problems)
