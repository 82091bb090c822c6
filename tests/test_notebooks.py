"""The chapters themselves run through nbmake (`make test`); here, how they are committed."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


def test_there_are_chapters():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    dirty = [i for i, cell in enumerate(cells) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; strip them (jupyter nbconvert --clear-output)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_the_lib_without_path_tricks(path):
    source = "\n".join("".join(cell["source"]) for cell in json.loads(path.read_text())["cells"])
    assert "sys.path" not in source
    assert "sparsebook" in source


# --- the install cell: what a chapter opened on its own (on Colab) runs first ------------------

CONFIG = Path(__file__).resolve().parents[1] / "_config.yml"


def _install_cell(path):
    """The first code cell of the notebook at ``path``, which must be the install cell."""
    return next(cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_open_with_the_install_cell_that_builds_skip(path):
    cell = _install_cell(path)
    source = "".join(cell["source"])
    assert 'importlib.util.find_spec("sparsebook") is None' in source, \
        f"{path.name}: the first code cell must be the install cell (copy it from another chapter)"
    tags = cell["metadata"].get("tags", [])
    assert "skip-execution" in tags, f"{path.name}: tag the install cell skip-execution (nbclient skips it)"
    assert "remove-cell" in tags, f"{path.name}: tag the install cell remove-cell (no pip noise in the book)"


def test_install_cells_are_one_cell_naming_the_configured_repository():
    url = yaml.safe_load(CONFIG.read_text())["repository"]["url"]
    sources = {path.name: "".join(_install_cell(path)["source"]) for path in NOTEBOOKS}
    assert len(set(sources.values())) == 1, "the chapters' install cells differ; make them the same"
    assert f'REPOSITORY = "{url}"' in next(iter(sources.values())), \
        f"the install cells must clone repository.url of _config.yml ({url})"


class _Calls:
    """Stands in for subprocess.run: records the commands instead of running them."""

    def __init__(self):
        self.commands = []

    def __call__(self, command, **kwargs):
        assert kwargs.get("check") is True  # a failed clone or install must stop the cell
        self.commands.append(command)


def _run_install_cell(monkeypatch, tmp_path, installed):
    calls = _Calls()
    monkeypatch.setattr(subprocess, "run", calls)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if installed else None)
    monkeypatch.chdir(tmp_path)
    exec("".join(_install_cell(NOTEBOOKS[0])["source"]), {})
    return calls.commands


def test_install_cell_does_nothing_where_sparsebook_is_installed(monkeypatch, tmp_path):
    assert _run_install_cell(monkeypatch, tmp_path, installed=True) == []


def test_install_cell_clones_the_repository_and_installs_the_clone(monkeypatch, tmp_path):
    clone_cmd, pip_cmd = _run_install_cell(monkeypatch, tmp_path, installed=False)
    clone = str(tmp_path / "sparsebook-repository")
    assert clone_cmd[:2] == ["git", "clone"] and clone_cmd[-1] == clone
    assert pip_cmd[:4] == [sys.executable, "-m", "pip", "install"] and clone in pip_cmd and "myst-nb" in pip_cmd
    (tmp_path / "sparsebook-repository").mkdir()  # run again after a failed install: no second clone
    assert [cmd[:2] for cmd in _run_install_cell(monkeypatch, tmp_path, installed=False)] == [[sys.executable, "-m"]]


# --- what a reader sees: code that fits the column, figures in the book style ------------------

MAX_COLUMNS = 88


def _code_cells(path):
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_column(path):
    long = [line for cell in _code_cells(path) for line in "".join(cell["source"]).splitlines()
            if len(line) > MAX_COLUMNS]
    assert not long, f"{path.name}: {len(long)} code lines are longer than {MAX_COLUMNS} columns: {long[:3]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_keep_the_book_style(path):
    import re

    from sparsebook import style

    source = "\n".join("".join(cell["source"]) for cell in _code_cells(path))
    assert "style.use()" in source, f"{path.name} never applies the book style (sparsebook.style.use())"
    small = [m.group(0) for m in re.finditer(r"fontsize=(\d+(?:\.\d+)?)", source)
             if float(m.group(1)) < style.MIN_FONT_PT]
    assert not small, f"{path.name}: fonts below {style.MIN_FONT_PT} pt: {small}"
    wide = [m.group(0) for m in re.finditer(r"figsize=\((\d+(?:\.\d+)?)", source)
            if float(m.group(1)) > style.COLUMN_WIDTH]
    assert not wide, f"{path.name}: figures wider than the column ({style.COLUMN_WIDTH} in): {wide}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figure_cells_carry_a_caption_and_alt_text(path):
    """A cell that shows a figure (plt.show) says what to look at, through myst-nb's metadata."""
    missing = []
    for cell in _code_cells(path):
        source = "".join(cell["source"])
        assert source.count("plt.show()") <= 1, f"{path.name}: one figure per cell, so one caption each: {source[:60]}"
        if "plt.show()" not in source:
            continue
        meta = cell["metadata"].get("mystnb", {})
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        if not (caption.strip() and alt.strip()):
            missing.append("".join(cell["source"])[:60])
    assert not missing, f"{path.name}: figure cells without mystnb figure.caption and image.alt: {missing}"
