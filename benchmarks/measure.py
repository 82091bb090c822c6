"""Measure what the issue notes report: test-suite wall time, sweep time / memory, solver speed.

    python benchmarks/measure.py chapters [--mode full] [book/x.ipynb ...]
                                                       # each chapter executed alone (nbclient)
    python benchmarks/measure.py make-book [--scratch] # `make book` here (warm) or on a fresh clone
    python benchmarks/measure.py make-test             # `make test` here (warm environment)
    python benchmarks/measure.py make-test --scratch   # a fresh clone, new .venv, then `make test`
    python benchmarks/measure.py sweep mlp             # a full sweep into a scratch results file
    SPARSEBOOK_MNIST=mnist.npz python benchmarks/measure.py solvers [--n-digits 500]
                                                       # FISTA / ISTA / scikit-learn on one problem
    python benchmarks/measure.py training-speed [cnn ...]
                                                       # our training loop against keras fit

Prints one line per measurement; nothing here is asserted by the tests. ``solvers`` also
writes results/solver_benchmark.json (schema in :func:`solvers`).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Run ``command``; return (wall seconds, peak RSS in MiB of its largest child process)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, check=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024


def make_target(target: str, scratch: bool, env: dict | None = None) -> None:
    """Wall time and peak RSS of ``make <target>``, here (warm .venv) or on a fresh clone."""
    if not scratch:
        wall, peak = timed(["make", target], ROOT, env)
        print(f"make {target} (warm .venv): {wall:.0f} s, peak RSS {peak:,.0f} MiB")
        return
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        wall, peak = timed(["make", target], clone, env)
        print(f"make {target} (fresh clone, new .venv, installs included): {wall:.0f} s, peak RSS {peak:,.0f} MiB")


# Executes one notebook in a fresh kernel, as the book build and nbmake do; prints seconds and
# the peak RSS of the kernel (a child of this process).
_EXECUTE_ONE = """
import resource, sys, time
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}})
start = time.perf_counter()
client.execute()
wall = time.perf_counter() - start
print(f"{wall:.1f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
"""


def chapters(mode: str, notebooks: list[str]) -> None:
    """Execute each chapter alone in ``mode`` (nbclient, a fresh kernel each) and time it."""
    toc = [line.split("file:")[1].strip() for line in (ROOT / "_toc.yml").read_text().splitlines()
           if "file:" in line]
    paths = [Path(n).resolve() for n in notebooks] or [ROOT / f"{entry}.ipynb" for entry in toc
                                                       if (ROOT / f"{entry}.ipynb").exists()]
    env = {"SPARSEBOOK_MODE": mode, "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    total = 0.0
    print(f"{'chapter':28} {'mode':5} {'seconds':>8} {'peak RSS MiB':>13}   (load average {os.getloadavg()[0]:.1f})")
    for path in paths:
        out = subprocess.run([sys.executable, "-c", _EXECUTE_ONE, str(path), str(path.parent)],
                             env={**os.environ, **env}, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{path.stem:28} {mode:5} failed:\n{out.stderr[-3000:]}")
            continue
        wall, peak = out.stdout.split()[-2:]
        total += float(wall)
        print(f"{path.stem:28} {mode:5} {float(wall):8.1f} {float(peak):13,.0f}", flush=True)
    print(f"{'all chapters':28} {mode:5} {total:8.1f}   (load average {os.getloadavg()[0]:.1f})")


def sweep(name: str, mode: str, steps: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        command = [sys.executable, "-m", "sparsebook.sweep", name, "--mode", mode, "--out", str(out)]
        if steps:
            command += ["--steps", str(steps)]
        wall, peak = timed(command, ROOT)
    print(f"sweep {name} ({mode}{f', {steps} steps' if steps else ''}): wall {wall:.0f} s, peak RSS {peak:.0f} MiB")


def solvers(args) -> None:
    """FISTA, ISTA and scikit-learn's SparseCoder on one problem, to one accuracy; JSON out.

    The problem: the first ``n_digits`` MNIST test digits (float32) on a 784 x ``atoms``
    dictionary, objective ``sum ||x - D h||^2 + lam ||h||_1`` (scikit-learn alpha = lam / 2).
    Every gap is recomputed in float64 as ``sum duality_gap / objective`` on the digits the
    method ran on. A method is first timed on the first ``subset`` digits; if that projects
    to more than ``budget`` seconds for all digits, its time is the subset's scaled linearly
    (``extrapolated``), otherwise it is run once on all digits. Subset timings are repeated
    ``repeats`` times and the fastest kept. ISTA runs on FISTA float32's digits,
    in chunks, until ``tol`` or ``ista_seconds`` (at least FISTA's time); short of tol, it
    reports its gap at FISTA's wall time. The JSON file (``--out``):

    - ``problem``: n_digits, n_features, n_atoms, lam, sklearn_alpha, tol, avg_l0 (non-zeros
      per digit of the most accurate codes), avg_l0_method, dictionary ("learned" or
      "initial"), dictionary_train_digits, dictionary_epochs, dictionary_seconds;
    - ``methods``, one dict each: name, dtype, n_digits_run, seconds_run (measured),
      seconds (for all n_digits: measured, or extrapolated), extrapolated, repeats (timings
      of which seconds_run is the fastest), iterations (or null), relative_gap, reached_tol,
      avg_l0, note;
    - ``machine``: cpu_count, blas, blas_threads, numpy, sklearn, python, platform,
      loadavg_start / loadavg_end (1-minute; other work may share the cores), git_commit,
      solvers_sha256, solvers_modified (solvers.py differs from git_commit; both taken at
      import), solvers_changed_during_run, fista_signature, date;
    - schema_version, command.
    """
    import numpy as np
    import sklearn
    from sklearn.decomposition import SparseCoder
    from threadpoolctl import threadpool_info

    from sparsebook import solvers as sv
    from sparsebook.data import load_mnist
    from sparsebook.sweep import write_results

    solvers_file = Path(sv.__file__)  # what was imported: the source of the figures below
    solvers_sha = hashlib.sha256(solvers_file.read_bytes()).hexdigest()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    modified = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", str(solvers_file)], cwd=ROOT).returncode != 0
    lam, tol = args.lam, args.tol
    loadavg_start = os.getloadavg()[0]
    digits = load_mnist("full")
    X = digits.x_test[: args.n_digits]
    start = time.perf_counter()
    if args.dictionary == "learned":
        D = sv.learn_dictionary(digits.x_train[: args.train_digits], args.atoms, lam, n_epochs=args.epochs,
                                code_max_iter=args.code_max_iter).dictionary
    else:
        D = sv.initial_dictionary(digits.x_train[: args.train_digits], args.atoms)
    setup = time.perf_counter() - start
    print(f"dictionary {D.shape[0]} x {D.shape[1]}, {args.dictionary} from {args.train_digits} training digits"
          + (f", {args.epochs} epochs of at most {args.code_max_iter} FISTA steps"
             if args.dictionary == "learned" else "")
          + f": {setup:.0f} s (not timed below)", flush=True)

    def relative_gap(Xr, H):
        X64, D64, H64 = Xr.astype(np.float64), D.astype(np.float64), H.astype(np.float64)
        return float(sv.duality_gap(X64, D64, H64, lam).sum() / sv.objective(X64, D64, H64, lam))

    methods = []

    def record(name, dtype, Xr, seconds_run, H, iterations, note="", repeats=1):
        n_run = len(Xr)
        gap = relative_gap(Xr, H)
        seconds = seconds_run * len(X) / n_run
        entry = dict(name=name, dtype=dtype, n_digits_run=n_run, seconds_run=round(seconds_run, 2),
                     seconds=round(seconds, 2), extrapolated=n_run < len(X), repeats=repeats, iterations=iterations,
                     relative_gap=gap, reached_tol=gap <= tol, avg_l0=float(np.mean(np.sum(H != 0, axis=1))),
                     note=note)
        methods.append(entry)
        how = f"extrapolated from {n_run} digits ({seconds_run:.1f} s)" if entry["extrapolated"] else "measured"
        how += f", fastest of {repeats}" if repeats > 1 else ""
        print(f"{name}: {seconds:.1f} s for {len(X)} digits ({how}), "
              f"{'' if iterations is None else f'{iterations} iterations, '}relative gap {gap:.2e}"
              f"{'' if gap <= tol else f' (short of tol {tol:g})'}, avg L0 {entry['avg_l0']:.1f}"
              f"{f'; {note}' if note else ''}", flush=True)
        return entry

    def measure(name, dtype, run):
        """run(Xr) -> (codes, iterations, note); the subset first (fastest of ``repeats``: other
        work on the machine only slows a run down), all digits once if within budget."""
        Xr = X[: args.subset] if args.subset < len(X) else X
        repeats = args.repeats
        while True:
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                H, iterations, note = run(Xr)
                times.append(time.perf_counter() - t)
            seconds = min(times)
            if repeats > 1:
                print(f"  {name} on {len(Xr)} digits: " + ", ".join(f"{t:.1f}" for t in times) + " s", flush=True)
            if len(Xr) == len(X) or seconds * len(X) / len(Xr) > args.budget:
                return record(name, dtype, Xr, seconds, H, iterations, note, repeats)
            print(f"  {name} on {len(Xr)} digits: {seconds:.1f} s; running all {len(X)}", flush=True)
            Xr, repeats = X, 1

    def fista(dtype):
        def run(Xr):
            r = sv.fista(Xr.astype(dtype, copy=False), D.astype(dtype, copy=False), lam,
                         max_iter=args.max_iter, tol=tol)
            return r.codes, r.n_iter, ""
        return run

    f32 = measure("fista_float32", "float32", fista(np.float32))
    if not args.no_float64:
        measure("fista_float64", "float64", fista(np.float64))

    Xi = X[: f32["n_digits_run"]]  # ISTA: chunks of its own iterations (restarting is exact for ISTA)
    limit = max(args.ista_seconds, f32["seconds_run"])
    H, iterations, t, at = None, 0, time.perf_counter(), (math.inf,)
    while True:
        r = sv.ista(Xi, D, lam, max_iter=args.ista_chunk, tol=tol, H0=H)
        H, iterations, elapsed = r.codes, iterations + r.n_iter, time.perf_counter() - t
        if abs(elapsed - f32["seconds_run"]) < abs(at[0] - f32["seconds_run"]):
            at = (elapsed, iterations, H)  # the chunk that ends nearest FISTA's wall time
        if r.n_iter < args.ista_chunk or relative_gap(Xi, H) <= tol or elapsed >= limit:
            break
    if relative_gap(Xi, H) <= tol:
        record("ista_float32", "float32", Xi, elapsed, H, iterations)
    else:
        note = (f"short of tol after {elapsed:.0f} s ({iterations} iterations, relative gap "
                f"{relative_gap(Xi, H):.2e}); reported at FISTA float32's wall time, in chunks of {args.ista_chunk}")
        record("ista_float32", "float32", Xi, at[0], at[2], at[1], note)

    def sparse_coder(algorithm):
        def run(Xr):
            coder = SparseCoder(D.T, transform_algorithm=algorithm, transform_alpha=lam / 2,
                                transform_max_iter=args.sklearn_max_iter)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", sklearn.exceptions.ConvergenceWarning)
                H = coder.transform(Xr)
            unconverged = sum(issubclass(w.category, sklearn.exceptions.ConvergenceWarning) for w in caught)
            note = f"transform_max_iter={args.sklearn_max_iter}, n_jobs=None"
            if unconverged:
                note += f"; ConvergenceWarning for {unconverged} of {len(Xr)} digits"
            return H, None, note
        return run

    measure("sklearn_lasso_lars", "float32", sparse_coder("lasso_lars"))
    cd = measure("sklearn_lasso_cd", "float32", sparse_coder("lasso_cd"))
    if not cd["reached_tol"]:
        print(f"  lasso_cd stops short of tol {tol:g}: raise --sklearn-max-iter", flush=True)

    best = min(methods, key=lambda m: m["relative_gap"])
    print(f"lam {lam:g} (sklearn alpha {lam / 2:g}): avg L0 {best['avg_l0']:.1f} non-zeros per digit "
          f"({best['name']}'s codes)", flush=True)
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    machine = dict(cpu_count=os.cpu_count(), blas=", ".join(f"{p['internal_api']} {p['version']}" for p in blas),
                   blas_threads=max((p["num_threads"] for p in blas), default=None), numpy=np.__version__,
                   sklearn=sklearn.__version__, python=platform.python_version(), platform=platform.platform(),
                   loadavg_start=loadavg_start, loadavg_end=os.getloadavg()[0], git_commit=commit,
                   solvers_sha256=solvers_sha, solvers_modified=modified,
                   solvers_changed_during_run=hashlib.sha256(solvers_file.read_bytes()).hexdigest() != solvers_sha,
                   fista_signature=str(inspect.signature(sv.fista)),
                   date=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    print(f"machine: {machine['cpu_count']} CPUs, {machine['blas']} with {machine['blas_threads']} threads, "
          f"load average {loadavg_start:.1f} at start, {machine['loadavg_end']:.1f} at end"
          f"{', solvers.py modified since ' + commit[:7] if modified else ''}"
          f"{'; solvers.py CHANGED during the run' if machine['solvers_changed_during_run'] else ''}", flush=True)
    problem = dict(n_digits=len(X), n_features=X.shape[1], n_atoms=D.shape[1], lam=lam, sklearn_alpha=lam / 2,
                   tol=tol, avg_l0=best["avg_l0"], avg_l0_method=best["name"], dictionary=args.dictionary,
                   dictionary_train_digits=args.train_digits,
                   dictionary_epochs=args.epochs if args.dictionary == "learned" else None,
                   dictionary_seconds=round(setup, 2))
    write_results(args.out, dict(schema_version=1, command=" ".join(sys.argv), problem=problem,
                                 methods=methods, machine=machine))
    print(f"wrote {args.out}")


CLASSIFIERS = ("mlp", "cnn", "cae_transpose", "cae_subpixel")


def training_speed(args) -> None:
    """Steps per second of our training loop against a plain ``keras.Model.fit`` of the same
    model, loss and batches; and the wall time a full sweep would take at that speed."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np

    from sparsebook.backend import device_name, keras
    from sparsebook.data import load_mnist
    from sparsebook.sweep import EXPERIMENTS
    from sparsebook.training import train_classifier

    digits = load_mnist(args.data)
    x, y = digits.x_train, digits.y_train
    batch = 100
    print(f"device: {device_name()}; data: {args.data} ({len(y)} training digits); "
          f"{args.steps} timed steps of batch {batch} after a warm-up, lam {args.lam:g}")
    unknown = sorted(set(args.experiments) - set(CLASSIFIERS))
    if unknown:
        raise SystemExit(f"training-speed times the classifier experiments {CLASSIFIERS}, not {unknown}")
    for name in args.experiments:
        exp = EXPERIMENTS[name]
        model = exp.build_model(0)
        train_classifier(model, x, y, lam=args.lam, steps=args.steps_per_call, steps_per_call=args.steps_per_call)
        ours = train_classifier(model, x, y, lam=args.lam, steps=args.steps, steps_per_call=args.steps_per_call)
        ours_rate = args.steps / ours.seconds

        # the same architecture through Keras' own loop: L1 as an activity regulariser on the code
        plain = exp.build_model(0)
        plain.get_layer("code").activity_regularizer = keras.regularizers.L1(args.lam)
        outputs = {"logits": plain.output["logits"]}
        losses = {"logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True)}
        targets = {"logits": y}
        if "reconstruction" in plain.output:
            outputs["reconstruction"] = plain.output["reconstruction"]
            losses["reconstruction"] = lambda target, output: keras.ops.sum(keras.ops.square(target - output), axis=-1)
            targets["reconstruction"] = x
        fit_model = keras.Model(plain.input, outputs)
        fit_model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=losses, jit_compile=args.jit_compile)
        per_epoch = len(y) // batch
        epochs = max(1, round(args.steps / per_epoch))
        fit_model.fit(x, targets, batch_size=batch, epochs=1, steps_per_epoch=min(per_epoch, 20), verbose=0)
        start = time.perf_counter()
        fit_model.fit(x, targets, batch_size=batch, epochs=epochs, verbose=0)
        fit_rate = epochs * per_epoch / (time.perf_counter() - start)

        runs = len(exp.grid)
        print(f"{name:14} ours {ours_rate:7.1f} steps/s   keras fit (jit_compile={args.jit_compile}) "
              f"{fit_rate:7.1f} steps/s   ratio {ours_rate / fit_rate:4.2f}   "
              f"full sweep ({runs} runs x 20,000 steps) at our speed: {runs * 20_000 / ours_rate / 60:5.1f} min "
              "of training")
    committed_sweep_times(args.experiments)


def committed_sweep_times(names) -> None:
    """The training time of each committed full sweep, as its results file records it."""
    from sparsebook.sweep import load_results, results_path

    for name in names:
        path = results_path(name, "full")
        if not path.exists():
            print(f"{name:14} no committed full sweep ({path.name})")
            continue
        runs = load_results(path)["runs"]
        devices = sorted({run["device"] for run in runs})
        print(f"{name:14} committed full sweep: {len(runs)} runs, {sum(r['train_seconds'] for r in runs) / 60:5.1f} min "
              f"of training on {', '.join(devices)}; peak RSS {max(r['peak_rss_mib'] for r in runs):,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("chapters", help="execute each chapter alone (nbclient) and time it")
    p.add_argument("notebooks", nargs="*", help="default: every chapter of _toc.yml")
    p.add_argument("--mode", choices=("quick", "full"), default="quick")
    for target in ("make-book", "make-test"):
        p = sub.add_parser(target)
        p.add_argument("--scratch", action="store_true", help="fresh clone and environment")
    p = sub.add_parser("sweep")
    p.add_argument("name")
    p.add_argument("--mode", default="full")
    p.add_argument("--steps", type=int)
    p = sub.add_parser("solvers", help="FISTA / ISTA / scikit-learn SparseCoder, one problem; needs the full MNIST")
    p.add_argument("--n-digits", type=int, default=10_000, help="MNIST test digits to encode")
    p.add_argument("--lam", type=float, default=1.0)
    p.add_argument("--tol", type=float, default=1e-4, help="relative duality gap FISTA and ISTA stop at")
    p.add_argument("--atoms", type=int, default=1568)
    p.add_argument("--dictionary", choices=("learned", "initial"), default="learned")
    p.add_argument("--train-digits", type=int, default=2000, help="training digits the dictionary comes from")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--code-max-iter", type=int, default=100, help="FISTA steps per epoch of dictionary learning")
    p.add_argument("--subset", type=int, default=500, help="digits a method is first timed on")
    p.add_argument("--budget", type=float, default=600, help="seconds above which a method's time is extrapolated")
    p.add_argument("--repeats", type=int, default=3, help="timings on the subset; the fastest is kept")
    p.add_argument("--max-iter", type=int, default=20_000, help="FISTA iterations at most")
    p.add_argument("--ista-seconds", type=float, default=300)
    p.add_argument("--ista-chunk", type=int, default=200)
    p.add_argument("--sklearn-max-iter", type=int, default=1000)
    p.add_argument("--no-float64", action="store_true")
    p.add_argument("--out", default=str(ROOT / "results" / "solver_benchmark.json"))
    p = sub.add_parser("training-speed", help="our training loop against keras fit, steps per second")
    p.add_argument("experiments", nargs="*", default=list(CLASSIFIERS),
                   help=f"classifier experiments, among {', '.join(CLASSIFIERS)} (the default: all)")
    p.add_argument("--data", choices=("quick", "full"), default="quick", help="quick: the 5,000-digit subset")
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--steps-per-call", type=int, default=100)
    p.add_argument("--lam", type=float, default=1e-4)
    p.add_argument("--jit-compile", default="auto", choices=("auto", "True", "False"))
    args = parser.parse_args()
    if getattr(args, "jit_compile", None) in ("True", "False"):
        args.jit_compile = args.jit_compile == "True"
    if args.what in ("make-book", "make-test"):
        make_target(args.what.split("-")[1], args.scratch)
    elif args.what == "chapters":
        chapters(args.mode, args.notebooks)
    elif args.what == "solvers":
        solvers(args)
    elif args.what == "training-speed":
        training_speed(args)
    else:
        sweep(args.name, args.mode, args.steps)


if __name__ == "__main__":
    main()
