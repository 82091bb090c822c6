"""A slider in a running kernel recomputes its figure at any value, checked in a real JupyterLab.

Run by ``make test`` with the other browser checks (``pytest -m site tests/site``). A headless
JupyterLab (from this environment, on a free local port, with a random token, its settings and
workspaces in a temporary folder) serves a copy of ``live_slider.ipynb``: the objective
chapter's threshold curves under ``sparsebook.widgets.lam_slider(..., live=Range(0.1, 10,
log=True))``. Chromium (``$CHROMIUM``, default ``/usr/bin/chromium``) opens it, runs all cells,
types a λ that is not on the precomputed grid into the slider's readout, and sees the figure
change and the kernel's update called at that λ. No request leaves the machine: JupyterLab's
news and update checks are switched off, and anything else is refused. The server is shut down
(kernel included) even when the check fails.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.site

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "live_slider.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
GRID = [0.25, 0.5, 1.0, 2.0, 4.0]  # the precomputed values the notebook gives lam_slider
OFF_GRID = 0.37  # what the reader types: on no grid, inside the live range 0.1 .. 10
CALLED = re.compile(r"update called at lam=([0-9.e+-]+)")
START_TIMEOUT = 90  # seconds for JupyterLab to answer (two busy cores may share eight jobs)
STEP_TIMEOUT = 60_000  # milliseconds for each step in the browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A headless JupyterLab serving a copy of the notebook: yields (base URL, token)."""
    if not JUPYTER.exists():
        pytest.fail(f"no {JUPYTER}: the environment has no JupyterLab (make setup)")
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no news, no update check, no prompt asking whether to fetch them
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}', encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {key: value for key, value in os.environ.items()
           if key not in ("SPARSEBOOK_WIDGETS", "MPLBACKEND")}  # a kernel a reader drives: live, inline figures
    env.update(JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"),
               IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"), PYTHONUNBUFFERED="1")
    log = (home / "lab.log").open("w")
    command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # (containers and CI run as root)
    server = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while _get(f"{base}api/status?token={token}") != 200:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited ({server.returncode}):\n{(home / 'lab.log').read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer in {START_TIMEOUT} s:\n{(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, home / "lab.log"
    finally:
        _stop(server, base, token)
        log.close()


def _stop(server: subprocess.Popen, base: str, token: str) -> None:
    """Shut the server down with its kernels: ask it, then SIGTERM, then SIGKILL its process group."""
    if server.poll() is None:
        try:
            request = urllib.request.Request(f"{base}api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=10).close()
        except OSError:
            pass
    for sig, wait in ((None, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if sig is not None and server.poll() is None:
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                pass
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


KERNEL_IDLE = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = widget && widget.sessionContext && widget.sessionContext.session
                 && widget.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def _output_text(page) -> str:
    return "\n".join(page.locator(".jp-Notebook .widget-output").all_inner_texts())


def test_a_live_slider_recomputes_its_figure_off_the_grid(browser, lab):
    base, token, log = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(STEP_TIMEOUT)
    leaving, errors = [], []

    def route(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}lab/tree/{NOTEBOOK.name}?token={token}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.wait_for_function(KERNEL_IDLE, timeout=STEP_TIMEOUT)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")  # Run > Run All Cells

        slider = page.locator(".jp-Notebook .widget-hslider").first
        slider.wait_for()
        figure = page.locator(".jp-Notebook .widget-output img").first
        figure.wait_for()
        page.wait_for_function(KERNEL_IDLE, timeout=STEP_TIMEOUT)
        assert slider.locator(".widget-label").first.inner_text().strip() == "λ", "the slider is not labelled λ"
        first = figure.get_attribute("src")
        called = [float(value) for value in CALLED.findall(_output_text(page))]
        assert called == [1.0], f"the figure was first drawn at {called}, not at the starting λ = 1"

        readout = slider.locator(".widget-readout")
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(OFF_GRID))
        page.keyboard.press("Enter")

        page.wait_for_function(
            """([pattern]) => [...document.querySelectorAll('.jp-Notebook .widget-output')]
                 .some(o => new RegExp(pattern).test(o.innerText) && o.querySelector('img'))""",
            arg=[r"update called at lam=0\.3"], timeout=STEP_TIMEOUT)
        page.wait_for_function(KERNEL_IDLE, timeout=STEP_TIMEOUT)
        called = [float(value) for value in CALLED.findall(_output_text(page))]
        assert len(called) == 1, f"the figure's output holds {len(called)} updates, not the one redraw: {called}"
        lam = called[0]
        assert abs(lam / OFF_GRID - 1) < 0.03, f"typed λ = {OFF_GRID} but the kernel drew λ = {lam}"
        assert all(abs(lam / value - 1) > 0.01 for value in GRID), f"λ = {lam} is on the precomputed grid {GRID}"
        after = page.locator(".jp-Notebook .widget-output img").first.get_attribute("src")
        assert after and after != first, "the figure did not change when λ moved off the grid"
        print(f"typed λ = {OFF_GRID}: the kernel redrew the figure at λ = {lam}")
        shown = float(readout.inner_text())
        assert abs(shown / lam - 1) < 0.01, f"the readout says {shown}, the figure was drawn at λ = {lam}"
    except Exception:
        page.screenshot(path=str(log.with_name("failure.png")), full_page=True)
        print(f"JupyterLab log: {log}; screenshot: {log.with_name('failure.png')}; page errors: {errors}")
        raise
    finally:
        page.close()
    assert not leaving, f"requests left the machine: {leaving}"
