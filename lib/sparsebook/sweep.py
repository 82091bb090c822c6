"""Lambda grids -> one results file per experiment, written atomically and resumable.

Command line::

    python -m sparsebook.sweep mlp --mode full   # the source's grid, 20,000 steps
    python -m sparsebook.sweep mlp --mode quick --grid 0 1e-4
    python -m sparsebook.sweep --list

Each finished run is appended to ``results/<experiment>.json`` (full mode) or
``results/quick/<experiment>.json`` (quick mode) through a temporary file and a
rename, so an interruption never loses a finished run nor leaves a half-written
file; running the same command again skips the runs already there. A results
file that cannot be read is reported and left untouched.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

import numpy as np

from . import __version__
from .checks import check_lam, check_positive_int, check_rate
from .config import MODES, current_mode, settings

SCHEMA_VERSION = 1
RESULTS_VARIABLE = "SPARSEBOOK_RESULTS"
RUN_KEY = ("lam_convention", "data", "steps", "batch_size", "seed")  # with the swept strength, a run's identity


@dataclass(frozen=True)
class Experiment:
    """A model, its sparsity mechanism and the grid of strengths it is swept over.

    The swept strength is ``lam`` (the L1 weight) unless ``strength`` names another
    (``"rho"`` for the KL target rate, ``"k"`` for TopK). ``measure`` trains and measures
    one run (default: :func:`train_and_measure`, for classifiers).
    """

    name: str
    description: str
    build_model: Callable  # (seed, strength) -> keras.Model
    grid: tuple
    penalty: str = "l1_activity"
    lam_convention: str | None = "batch_sum"
    strength: str = "lam"
    measure: Callable | None = None
    reconstruction_weight: float = 1.0  # auto-encoders: how many times the reconstruction counts
    seeds: tuple = (0,)  # the first seed runs the whole grid; the others run ``seeded_grid``
    seeded_grid: tuple | None = None  # the strengths run at every seed (None: the whole grid)
    schedule: str = "constant"  # the learning rate's: the source's constant rate, or "cosine" decay
    # TopK classifiers: (start_k, fraction) lowers the winners from start_k to k over that fraction of the steps
    topk_anneal: tuple | None = None

    def planned_runs(self) -> set:
        """``{(strength, seed)}``: every run the committed results of this experiment hold."""
        first, *others = self.seeds
        return {(float(v), first) for v in self.grid} | {
            (float(v), seed) for seed in others for v in (self.grid if self.seeded_grid is None else self.seeded_grid)}

    def check_strength(self, value):
        """``value`` as this experiment's strength (an int >= 1 for k, a number >= 0 else)."""
        if self.strength == "k":
            if isinstance(value, (float, np.floating)) and float(value).is_integer():
                value = int(value)  # from the command line
            return check_positive_int(value, "k")
        if self.strength == "rho":
            return check_rate(value, "rho")
        return check_lam(value, self.strength)


READOUT_MAX_NORM = 1.0  #: The bound on each code unit's outgoing weights in the bounded-readout runs.
BOUNDED_READOUT_LAM = 1e-4  #: The one λ (batch-sum) at which each model family is run with a bounded readout.


def _mlp(seed: int, lam=None, readout_max_norm=None):
    return _mlp_model(seed, readout_max_norm=readout_max_norm)


def _mlp_model(seed: int, **options):
    from .models import mlp

    return mlp(seed=seed, **options)


def _bounded(build):
    """``build`` with the readout (and decoder) weights of each code unit held at norm <= 1."""
    def build_bounded(seed: int, lam=None):
        return build(seed, lam, readout_max_norm=READOUT_MAX_NORM)

    return build_bounded


EXPERIMENTS = {
    "mlp": Experiment(
        name="mlp",
        description="fully connected 784 -> 784 ReLU -> 10, L1 on the hidden activations (the source's first experiment)",
        build_model=_mlp,
        grid=(0.0, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 2.7e-3),
        seeds=(0, 1, 2),
    ),
    "mlp_bounded": Experiment(
        name="mlp_bounded",
        description="the mlp with each hidden unit's 10 readout weights held at norm <= 1 (max-norm), L1 on the hidden activations",
        build_model=_bounded(_mlp),
        grid=(BOUNDED_READOUT_LAM,),
        seeds=(0, 1, 2),
    ),
}


def _cnn(seed: int, lam=None, readout_max_norm=None):
    return _cnn_model(seed, readout_max_norm=readout_max_norm)


def _cnn_model(seed: int, **options):
    from .models import cnn

    return cnn(seed=seed, **options)


def _conv_autoencoder(decoder: str):
    def build(seed: int, lam=None, readout_max_norm=None):
        from .models import conv_autoencoder

        return conv_autoencoder(decoder, seed=seed, readout_max_norm=readout_max_norm)

    return build


SOURCE_CNN_LAMS = (0.0, 1e-5, 5e-5, 1e-4, 5e-4)
EXPERIMENTS.update({
    "cnn": Experiment(
        name="cnn",
        description="3x3 conv, stride 2, 200 ReLU maps (39,200 units) -> 10, L1 on the feature maps (the source's second experiment)",
        build_model=_cnn,
        grid=SOURCE_CNN_LAMS,
        seeds=(0, 1),  # a second seed at the λ of the bounded-readout run, with the readout norms recorded
        seeded_grid=(BOUNDED_READOUT_LAM,),
    ),
    "cae_transpose": Experiment(
        name="cae_transpose",
        description="the CNN plus a 3x3 stride-2 transposed-convolution decoder, trained on CE + reconstruction + L1 (the source's third experiment)",
        build_model=_conv_autoencoder("transpose"),
        grid=SOURCE_CNN_LAMS,
    ),
    "cae_subpixel": Experiment(
        name="cae_subpixel",
        description="the CNN plus a sub-pixel (phase shift) decoder: 3x3 conv to 4 maps, pixel shuffle to 28x28",
        build_model=_conv_autoencoder("subpixel"),
        grid=SOURCE_CNN_LAMS,
    ),
    # The source's decoder bug (the encoder's 200 biases added to its output) counted the
    # reconstruction 200 times against the cross-entropy: the same model, trained so.
    "cae_transpose_weight200": Experiment(
        name="cae_transpose_weight200",
        description="cae_transpose with the reconstruction counted 200 times in the loss, as the source's decoder bug did",
        build_model=_conv_autoencoder("transpose"),
        grid=(0.0,),
        reconstruction_weight=200.0,
    ),
    "cnn_bounded": Experiment(
        name="cnn_bounded",
        description="the cnn with each code unit's 10 readout weights held at norm <= 1 (max-norm)",
        build_model=_bounded(_cnn),
        grid=(BOUNDED_READOUT_LAM,),
    ),
    "cae_transpose_bounded": Experiment(
        name="cae_transpose_bounded",
        description="cae_transpose with each code unit's readout weights and each map's decoder atom held at norm <= 1",
        build_model=_bounded(_conv_autoencoder("transpose")),
        grid=(BOUNDED_READOUT_LAM,),
    ),
})


# --- sparse auto-encoders: one per mechanism, the same hidden layer ------------------------

SAE_HIDDEN_UNITS = 1024  #: Hidden units of every sparse auto-encoder, more than the 784 pixels (over-complete).
SAE_KL_BETA = 3.0  #: The KL penalty's weight in the rho sweep (the number in Ng's notes and the source's snippet).
#: KL weights of the beta sweep, on our loss's scale (squared error summed over the 784 pixels):
#: Ng's beta = 3 against half the summed error is 6 here; the source's beta = 3 against the
#: error averaged over pixels is 3 x 784 = 2352 here; 120 lies between (geometrically).
SAE_KL_BETAS = (6.0, 120.0, 2352.0)
NG_WEIGHT_DECAY = 1e-4  #: Ng's weight decay (lambda / 2 sum W^2 against half the error, so 1e-4 sum W^2 here).
ACTIVE_THRESHOLD = 0.01  #: ``|activation|`` above which a unit counts as active in L0 (sigmoids are never 0).
PROBE_TRAIN_EXAMPLES = 10_000  #: The linear probe trains on the codes of this many training digits.


SAE_BOTTLENECK_UNITS = 32  #: Hidden units of the narrow, non-sparse auto-encoder (the bottleneck pitfall).


def _sparse_autoencoder_of_width(units: int, seed: int):
    from .models import sparse_autoencoder

    return sparse_autoencoder(units, "none", seed=seed)


def _kl_beta_sweep(rho: float):
    return Experiment(
        name=f"sae_kl_beta_rho{rho:g}".replace("0.", ""),
        description=f"the sae_kl auto-encoder (unit-norm atoms) at rho = {rho:g}, its KL weight beta swept",
        build_model=_sparse_autoencoder("kl", "beta", rho=rho),
        grid=SAE_KL_BETAS,
        penalty="kl",
        lam_convention=None,
        strength="beta",
        measure=measure_autoencoder,
    )


def _sparse_autoencoder(sparsity: str, strength: str, **fixed):
    def build(seed: int, value):
        from .models import sparse_autoencoder

        return sparse_autoencoder(SAE_HIDDEN_UNITS, sparsity, seed=seed, **fixed, **{strength: value})

    return build


def _thresholded_reconstruction_mse(model, x, threshold: float, batch_size: int) -> float:
    """Reconstruction error per pixel when every code value with ``|a| <= threshold`` is set to 0.

    What the reconstruction owes to the units the L0 count calls silent (sigmoids are never 0).
    """
    from .training import encode

    decoder = model.get_layer("decoder")
    squared_error = 0.0
    for first in range(0, len(x), batch_size):
        code = encode(model, x[first : first + batch_size], batch_size)
        code = np.where(np.abs(code) > threshold, code, 0.0).astype(np.float32)
        reconstruction = np.asarray(decoder(code))
        squared_error += float(((reconstruction - x[first : first + batch_size]) ** 2).sum())
    return squared_error / x.size


def measure_autoencoder(exp: Experiment, digits, value, *, steps: int, batch_size: int, seed: int,
                        on_progress=None, eval_batch_size: int = 1000) -> tuple[dict, object]:
    """Train one sparse auto-encoder of ``exp`` at strength ``value`` and measure it.

    Returns ``(record, model)``. ``test_accuracy`` is the accuracy of a linear probe on the
    codes (:func:`~sparsebook.metrics.linear_probe_accuracy`); ``avr_test`` counts the
    non-zero units, ``l0_test`` those with ``|a| >`` :data:`ACTIVE_THRESHOLD`.
    """
    from .backend import keras
    from .training import measure_code, train_autoencoder

    value = exp.check_strength(value)
    keras.utils.set_random_seed(seed)
    model = exp.build_model(seed, value)
    log = train_autoencoder(model, digits.x_train, steps=steps, batch_size=batch_size, seed=seed,
                            on_progress=on_progress)
    code = measure_code(model, digits, ACTIVE_THRESHOLD, probe_train_examples=PROBE_TRAIN_EXAMPLES,
                        batch_size=eval_batch_size)
    test, units = code.evaluation, int(code.evaluation.activity.units)
    penalty = model.get_layer(f"{exp.penalty}_penalty") if exp.penalty in ("l1", "kl") else None
    thresholded = _thresholded_reconstruction_mse(model, digits.x_test, ACTIVE_THRESHOLD, eval_batch_size)
    atoms = _unit_norms(model.get_layer("decoder").kernel, 0)  # (hidden, pixels): row j is unit j's atom
    firing = np.asarray(test.activity.firing_rates)
    record = {
        "model": exp.name,
        "penalty": exp.penalty,
        "strength_name": exp.strength,
        exp.strength: value,
        "lam_convention": exp.lam_convention,
        **({"rho": penalty.rho, "beta": penalty.beta} if exp.penalty == "kl" else {}),
        **_run_conditions(digits, steps, batch_size, seed),
        "units": units,
        "test_accuracy": code.probe_accuracy,
        "probe_train_examples": code.probe_train_examples,
        "avr_test": code.nonzero,
        "l0_test": test.activity.avr,
        "active_threshold": ACTIVE_THRESHOLD,
        "dead_units": code.dead_units,
        "dead_fraction": code.dead_units / units,
        "reconstruction_mse_test": test.reconstruction_mse,
        "reconstruction_mse_quantised_test": test.reconstruction_mse_quantised,
        "reconstruction_mse_thresholded_test": thresholded,
        "dead_units_test": int((firing == 0).sum()),
        "decoder_atom_norms": _norm_summary(atoms, firing > 0),
        **({"weight_decay": model.get_layer("encoder").kernel_regularizer.l2}
           if getattr(model.get_layer("encoder").kernel_regularizer, "l2", None) else {}),
        "firing_rates_test": [round(float(r), 6) for r in test.activity.firing_rates],
        "curve": {
            "step": log.steps,
            "loss": _rounded(log.loss),
            "reconstruction": _rounded(log.reconstruction),
            "l0_train_batch": _rounded(log.l0_train_batch),
        },
        **_provenance(log.seconds),
    }
    return record, model


EXPERIMENTS.update({
    "sae_l1": Experiment(
        name="sae_l1",
        description=f"sparse auto-encoder 784 -> {SAE_HIDDEN_UNITS} ReLU -> 784, L1 on the code (per example)",
        build_model=_sparse_autoencoder("l1", "lam"),
        grid=(0.0, 0.03, 0.1, 0.3, 1.0),
        penalty="l1",
        lam_convention="example_mean",
        measure=measure_autoencoder,
        seeds=(0, 1, 2),
        seeded_grid=(0.3,),
    ),
    "sae_kl": Experiment(
        name="sae_kl",
        description=f"sparse auto-encoder 784 -> {SAE_HIDDEN_UNITS} sigmoid -> 784, KL to a target rate rho (beta = {SAE_KL_BETA:g})",
        build_model=_sparse_autoencoder("kl", "rho", beta=SAE_KL_BETA),
        grid=(0.2, 0.1, 0.05, 0.02, 0.01),
        penalty="kl",
        lam_convention=None,
        strength="rho",
        measure=measure_autoencoder,
        seeds=(0, 1, 2),
        seeded_grid=(0.05,),
    ),
    "sae_topk": Experiment(
        name="sae_topk",
        description=f"k-sparse auto-encoder 784 -> {SAE_HIDDEN_UNITS} linear, the k largest kept -> 784",
        build_model=_sparse_autoencoder("topk", "k"),
        grid=(10, 20, 40, 80, 160),
        penalty="topk",
        lam_convention=None,
        strength="k",
        measure=measure_autoencoder,
        seeds=(0, 1, 2),
        seeded_grid=(20,),
    ),
    # Ng's sparse auto-encoder as he defined it: free atoms and weight decay; beta = 3 on his scale.
    "sae_kl_ng": Experiment(
        name="sae_kl_ng",
        description=(f"Ng's sparse auto-encoder: 784 -> {SAE_HIDDEN_UNITS} sigmoid -> 784, KL (beta = 6 on our "
                     f"scale, 3 on his), weight decay {NG_WEIGHT_DECAY:g}, no unit-norm atoms"),
        build_model=_sparse_autoencoder("kl", "rho", beta=2 * SAE_KL_BETA, unit_norm_atoms=False,
                                        weight_decay=NG_WEIGHT_DECAY),
        grid=(0.05, 0.01),
        penalty="kl",
        lam_convention=None,
        strength="rho",
        measure=measure_autoencoder,
    ),
    # The chapter's two pitfalls at full size: a penalty on the weights, and a narrow layer.
    "sae_l1_weights": Experiment(
        name="sae_l1_weights",
        description=f"auto-encoder 784 -> {SAE_HIDDEN_UNITS} ReLU -> 784, L1 on the encoder's weights (not on the code)",
        build_model=_sparse_autoencoder("l1_weights", "lam"),
        grid=(1e-3,),
        penalty="l1_weights",
        lam_convention=None,  # λ multiplies the sum of |W|: no batch reduction
        measure=measure_autoencoder,
    ),
    "sae_bottleneck": Experiment(
        name="sae_bottleneck",
        description=f"auto-encoder 784 -> {SAE_BOTTLENECK_UNITS} ReLU -> 784 with no sparsity mechanism: a narrow code",
        build_model=lambda seed, lam: _sparse_autoencoder_of_width(SAE_BOTTLENECK_UNITS, seed),
        grid=(0.0,),
        penalty="none",
        lam_convention=None,
        measure=measure_autoencoder,
    ),
})

EXPERIMENTS.update({exp.name: exp for exp in (_kl_beta_sweep(0.05), _kl_beta_sweep(0.01))})


def _winners(build):
    """``build`` with only the k largest code units of each digit kept (strength ``k``)."""
    def build_topk(seed: int, k, **anneal):
        return build(seed, k=k, **anneal)

    return build_topk


TOPK_ANNEAL = {"mlp": (100, 0.5), "cnn": (500, 0.5)}  #: (start_k, fraction of the steps) of the annealed TopK runs.


def _topk_classifier(name: str, description: str, build, grid: tuple, seeds: tuple = (0,),
                     seeded_grid: tuple | None = None, anneal: tuple | None = None) -> Experiment:
    """A classifier whose code keeps its k largest units (no penalty), trained with the cosine schedule."""
    return Experiment(name=name, description=description, build_model=_winners(build), grid=grid,
                      penalty="topk", lam_convention=None, strength="k", seeds=seeds, seeded_grid=seeded_grid,
                      schedule="cosine", topk_anneal=anneal)


def _lowered(network: str) -> str:
    start_k, fraction = TOPK_ANNEAL[network]
    return f"the number of winners lowered from {start_k:,} to k over the first {fraction:.0%} of the steps"


# Beyond the source: a code sparse by construction (k-winners-take-all) and a learning rate that
# decays to 0 instead of the source's constant one, on the source's two classifiers.
EXPERIMENTS.update({exp.name: exp for exp in (
    _topk_classifier("mlp_topk", "the mlp with only the k largest hidden ReLU outputs of each digit kept (no "
                     "penalty), learning rate decayed to 0 along a cosine", _mlp_model, grid=(3, 5),
                     seeds=(0, 1, 2), seeded_grid=(5,)),
    _topk_classifier("mlp_topk_annealed", f"mlp_topk with {_lowered('mlp')}", _mlp_model, grid=(5,),
                     seeds=(0, 1, 2), anneal=TOPK_ANNEAL["mlp"]),
    _topk_classifier("mlp_deep_topk_annealed", "mlp_topk_annealed with one more dense 784-unit ReLU layer (not "
                     "penalised) between the pixels and the code: 784 -> 784 ReLU -> 784 ReLU, k largest kept -> 10",
                     functools.partial(_mlp_model, feature_layers=1), grid=(5,),
                     seeds=(0, 1, 2), anneal=TOPK_ANNEAL["mlp"]),
    _topk_classifier("cnn_topk", "the cnn with only the k largest of its 39,200 code units kept per digit (no "
                     "penalty), learning rate decayed to 0 along a cosine", _cnn_model, grid=(100,), seeds=(0, 1)),
    _topk_classifier("cnn_topk_annealed", f"cnn_topk with {_lowered('cnn')}", _cnn_model, grid=(100,),
                     anneal=TOPK_ANNEAL["cnn"]),
)})
EXPERIMENTS.update({
    "mlp_bounded_cosine": Experiment(
        name="mlp_bounded_cosine",
        description="mlp_bounded (readout max-norm 1, L1 on the hidden activations) with the learning rate "
                    "decayed to 0 along a cosine",
        build_model=_bounded(_mlp),
        grid=(2e-4, 3e-4),
        schedule="cosine",
    ),
    "cnn_cosine": Experiment(
        name="cnn_cosine",
        description="the cnn with no sparsity mechanism and the learning rate decayed to 0 along a cosine: "
                    "how accurate this network gets with a dense code",
        build_model=_cnn,
        grid=(0.0,),
        schedule="cosine",
    ),
})

MAX_UNITS_LISTED = 5000  # above this, firing rates are kept per feature map, not per unit


def experiment(name: str) -> Experiment:
    """The experiment called ``name``; ``ValueError`` lists the known ones."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; known: {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def results_dir() -> Path:
    """The folder of committed results.

    ``$SPARSEBOOK_RESULTS`` if set; else ``results/`` of the repository the package runs from
    (a checkout, or an editable install of one); else ``results/`` of the local folder pip
    installed it from (what a chapter's install cell does on Colab: clone, then install the clone).
    """
    env = os.environ.get(RESULTS_VARIABLE, "").strip()
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]  # lib/sparsebook/sweep.py -> the repository
    if (checkout / "pyproject.toml").is_file():
        return checkout / "results"
    source = _installed_from()
    if source is not None and (source / "pyproject.toml").is_file():
        return source / "results"
    raise FileNotFoundError(
        "cannot find the book's results/ folder: sparsebook is installed from neither a checkout "
        f"nor a local clone of its repository; set {RESULTS_VARIABLE} to the results/ folder of a clone"
    )


def _installed_from() -> Path | None:
    """The local folder pip installed sparsebook from, as recorded in its direct_url.json (PEP 610)."""
    try:
        record = importlib.metadata.distribution("sparsebook").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None
    url = json.loads(record).get("url", "") if record else ""
    if not url.startswith("file://"):
        return None  # installed from an index or straight from git: no results came with it
    return Path(unquote(urlparse(url).path))


def results_path(name: str, mode: str = "full") -> Path:
    """Where the sweep of experiment ``name`` in ``mode`` keeps its results."""
    experiment(name)
    mode = current_mode(mode)
    folder = results_dir() if mode == "full" else results_dir() / "quick"
    return folder / f"{name}.json"


# --- results files -------------------------------------------------------------------------

def load_results(path: str | os.PathLike) -> dict:
    """Read a results file; ``ValueError`` (the file left as it is) if it is not one."""
    path = Path(path)
    advice = f"The file was left untouched: fix it, or move it aside (mv {path} {path}.broken) to start afresh."
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"no results file at {path}; run `python -m sparsebook.sweep` to make it") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read results file {path} ({err}). {advice}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"results file {path} is not valid JSON ({err}). {advice}") from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise ValueError(f"results file {path} has no list of runs under 'runs'. {advice}")
    if data.get("schema") != SCHEMA_VERSION:
        raise ValueError(f"results file {path} has schema {data.get('schema')!r}, expected {SCHEMA_VERSION}. {advice}")
    for i, run in enumerate(data["runs"]):
        required = (run.get("strength_name", "lam"),) + RUN_KEY + ("test_accuracy", "avr_test") if isinstance(run, dict) else ()
        if not isinstance(run, dict) or any(key not in run for key in required):
            raise ValueError(f"results file {path}: run {i} lacks required fields {required or RUN_KEY}. {advice}")
    return data


def write_results(path: str | os.PathLike, data: dict) -> None:
    """Write ``data`` as JSON atomically: a temporary file in the same folder, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, allow_nan=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; results are for everyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_key(run: dict) -> tuple:
    """What identifies a run: two records with the same key are the same run.

    The swept strength is ``run["lam"]`` unless ``run["strength_name"]`` names another field.
    """
    name = run.get("strength_name", "lam")
    return (name, float(run[name]), *(run[k] for k in RUN_KEY))


# --- running -------------------------------------------------------------------------------

def versions() -> dict:
    """Versions of what produced a result."""
    from .backend import keras, tf

    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "sparsebook": __version__,
    }


def _run_conditions(digits, steps: int, batch_size: int, seed: int) -> dict:
    """The data and training schedule of a run, as its record states them."""
    return {"data": digits.name, "n_train": int(len(digits.x_train)), "n_test": int(len(digits.x_test)),
            "steps": steps, "batch_size": batch_size, "seed": seed}


def _provenance(train_seconds: float) -> dict:
    """How long a run trained, on what, with which versions, and when it finished."""
    from .backend import device_name

    return {"train_seconds": round(train_seconds, 2), "peak_rss_mib": round(peak_rss_mib(), 1),
            "device": device_name(), "versions": versions(),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def train_and_measure(exp: Experiment, digits, lam: float, *, steps: int, batch_size: int, seed: int,
                      on_progress=None, eval_batch_size: int = 1000,
                      reconstruction_weight: float = 1.0) -> tuple[dict, object]:
    """Train one model of ``exp`` at ``lam`` and measure it; returns ``(record, model)``.

    ``reconstruction_weight`` (auto-encoders only) multiplies the reconstruction error in the
    loss; a record trained with a weight other than 1 says so.
    """
    from .backend import keras
    from .training import evaluate_classifier, train_classifier

    value = exp.check_strength(lam)
    lam = 0.0 if exp.strength == "k" else value  # a TopK code is sparse by construction: no penalty
    keras.utils.set_random_seed(seed)
    anneal = {}
    if exp.topk_anneal is not None:
        start_k, fraction = exp.topk_anneal
        anneal = {"start_k": start_k, "anneal_steps": int(fraction * steps)}
    model = exp.build_model(seed, value, **anneal)
    log = train_classifier(model, digits.x_train, digits.y_train, lam=lam, steps=steps, batch_size=batch_size,
                           convention=exp.lam_convention or "batch_sum", seed=seed, on_progress=on_progress,
                           reconstruction_weight=reconstruction_weight, schedule=exp.schedule)
    test = evaluate_classifier(model, digits.x_test, digits.y_test, eval_batch_size)
    train = evaluate_classifier(model, digits.x_train, digits.y_train, eval_batch_size)
    ever_active = (test.activity.firing_rates > 0) | (train.activity.firing_rates > 0)
    units = int(test.activity.units)
    record = {
        "model": exp.name,
        "penalty": exp.penalty,
        "lam": lam,
        **({"strength_name": "k", "k": value} if exp.strength == "k" else {}),
        "lam_convention": exp.lam_convention,
        **_run_conditions(digits, steps, batch_size, seed),
        **({"schedule": exp.schedule} if exp.schedule != "constant" else {}),
        **anneal,
        "test_accuracy": test.accuracy,
        "train_accuracy": train.accuracy,
        "avr_test": test.activity.avr,
        "avr_train": train.activity.avr,
        "avr_train_batch": log.avr_train_batch[-1],
        "units": units,
        "activity_ratio_test": test.activity.activity_ratio,
        "dead_units": int(units - ever_active.sum()),
        "dead_fraction": float(1 - ever_active.mean()),
        "dead_units_test": int(test.activity.dead_units.sum()),
        "population_sparseness_test": _nanmean(test.activity.population_sparseness),
        "lifetime_sparseness_test": _nanmean(test.activity.lifetime_sparseness),
        "curve": {
            "step": log.steps,
            "loss": _rounded(log.loss),
            "cross_entropy": _rounded(log.cross_entropy),
            "penalty": _rounded(log.penalty),
            "avr_train_batch": _rounded(log.avr_train_batch),
        },
        **_provenance(log.seconds),
    }
    code_shape = model.output["code"].shape[1:]
    record.update(_code_profile(model, digits.x_test, digits.y_test, eval_batch_size,
                                per_class=units <= MAX_UNITS_LISTED))
    alive = test.activity.firing_rates > 0
    readout = _unit_norms(model.get_layer("logits").kernel, 0)  # (units, 10): row i reads unit i
    record["readout_norms"] = _norm_summary(readout, alive)
    if units <= MAX_UNITS_LISTED:
        record["readout_unit_norms"] = [round(float(n), 5) for n in readout]
    if "decoder" in [layer.name for layer in model.layers]:
        kernel = model.get_layer("decoder").kernel  # (3, 3, 1, maps) transposed conv or (3, 3, maps, 4) conv
        atoms = _unit_norms(kernel, 3 if kernel.shape[-1] != 4 else 2)
        record["decoder_atom_norms"] = [round(float(n), 5) for n in atoms]
    if units <= MAX_UNITS_LISTED:
        for name, evaluation in (("test", test), ("train", train)):
            record[f"firing_rates_{name}"] = [round(float(r), 6) for r in evaluation.activity.firing_rates]
    if len(code_shape) == 3:  # feature maps (height, width, maps): the activity of each map
        for name, evaluation in (("test", test), ("train", train)):
            per_map = np.asarray(evaluation.activity.firing_rates).reshape(-1, code_shape[-1]).mean(axis=0)
            record[f"map_firing_rates_{name}"] = [round(float(r), 6) for r in per_map]
        never = ~ever_active.reshape(-1, code_shape[-1])
        record["dead_maps"] = int(never.all(axis=0).sum())
    if test.reconstruction_mse is not None:
        record["reconstruction_mse_test"] = test.reconstruction_mse
        record["reconstruction_mse_quantised_test"] = test.reconstruction_mse_quantised
        record["reconstruction_mse_train"] = train.reconstruction_mse
        record["curve"]["reconstruction"] = _rounded(log.reconstruction)
        if reconstruction_weight != 1.0:
            record["reconstruction_weight"] = reconstruction_weight
    return record, model


def _code_profile(model, x, y, batch_size: int, threshold: float = 0.0, per_class: bool = True) -> dict:
    """How a trained model's code spends its activity on ``x``, batch by batch.

    The mean L1 norm of a code, the mean value of its active units, the mean Hoyer sparseness
    of a code, and (``per_class``) each unit's firing rate on each class's digits, for the
    units active on at least one digit (``class_rates_test``: unit index -> 10 rates).
    """
    from .metrics import hoyer_sparseness
    from .training import predict_in_batches

    l1 = active_sum = active = 0.0
    hoyer = []
    class_counts = np.zeros(int(y.max()) + 1)
    class_active = None
    first = 0
    for outputs in predict_in_batches(model, x, batch_size):
        code = np.abs(np.asarray(outputs["code"]).reshape(len(outputs["code"]), -1)).astype(np.float64)
        labels = y[first : first + len(code)]
        first += len(code)
        on = code > threshold
        l1 += code.sum()
        active_sum += code[on].sum()
        active += on.sum()
        hoyer.append(hoyer_sparseness(code, axis=1))
        if per_class:
            if class_active is None:
                class_active = np.zeros((len(class_counts), code.shape[1]))
            np.add.at(class_active, labels, on)
            class_counts += np.bincount(labels, minlength=len(class_counts))
    hoyer = np.concatenate(hoyer)
    profile = {"code_l1_test": float(l1 / len(x)),
               "mean_active_value_test": float(active_sum / active) if active else 0.0,
               "hoyer_sparseness_test": _nanmean(hoyer)}
    if per_class:
        rates = class_active / class_counts[:, None]
        alive = np.flatnonzero(rates.max(axis=0) > 0)
        profile["class_rates_test"] = {str(unit): [round(float(r), 5) for r in rates[:, unit]] for unit in alive}
    return profile


def _unit_norms(kernel, unit_axis: int) -> np.ndarray:
    """The norm of the weights each code unit sends on: ``kernel``'s norms over every axis but ``unit_axis``."""
    w = np.asarray(kernel, dtype=np.float64)
    return np.sqrt((np.moveaxis(w, unit_axis, 0).reshape(w.shape[unit_axis], -1) ** 2).sum(axis=1))


def _norm_summary(norms: np.ndarray, active: np.ndarray | None = None) -> dict:
    summary = {"mean": float(norms.mean()), "max": float(norms.max()), "min": float(norms.min())}
    if active is not None and active.any():
        summary["active_mean"] = float(norms[active].mean())
    return summary


def _nanmean(values) -> float | None:
    values = np.asarray(values, dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else None


def _rounded(values, digits: int = 6) -> list:
    return [float(f"{v:.{digits}g}") for v in values]


def sweep(name: str, mode: str | None = None, *, grid=None, steps: int | None = None, seed: int = 0,
          path: str | os.PathLike | None = None, digits=None, progress: bool = False,
          keep_models: bool = False):
    """Run experiment ``name`` over its grid of strengths; returns the list of run records.

    Parameters
    ----------
    name : str
        The experiment (see :func:`experiment`).
    mode : {"quick", "full"}, optional
        The data and number of steps (default ``$SPARSEBOOK_MODE``).
    grid : tuple or list, optional
        The strengths to run (λ, or the experiment's ``strength``) instead of its grid.
    steps : int, optional
        Training steps per run instead of the mode's.
    seed : int
        The seed of every run.
    path : str or os.PathLike, optional
        A results file to resume from and append to (atomically, after each run);
        ``None`` keeps the records in memory only.
    digits : sparsebook.data.Digits, optional
        The digits to use (default: those of ``mode``).
    progress : bool
        Show a progress bar over all steps.
    keep_models : bool
        Also return ``{strength: model}`` of the runs trained now (not the resumed ones).
    """
    from .data import load_mnist
    exp = experiment(name)
    mode_settings = settings(mode)
    grid = exp.grid if grid is None else tuple(grid)
    if not grid:
        raise ValueError("grid must hold at least one value")
    grid = tuple(exp.check_strength(value) for value in grid)
    steps = mode_settings.steps if steps is None else check_positive_int(steps, "steps")

    data = {"schema": SCHEMA_VERSION, "experiment": name, "description": exp.description, "runs": []}
    if path is not None and Path(path).exists():
        data = load_results(path)
        if data.get("experiment") != name:
            raise ValueError(f"{path} holds experiment {data.get('experiment')!r}, not {name!r}; use another path")
    if digits is None:
        digits = load_mnist(mode_settings.name)
    done = {run_key(run) for run in data["runs"]}

    def key(value):
        return (exp.strength, float(value), exp.lam_convention, digits.name, steps, mode_settings.batch_size, seed)

    todo = [value for value in grid if key(value) not in done]
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo) * steps, unit="step", desc=name, dynamic_ncols=True)
    models = {}
    try:
        for value in todo:
            if bar is not None:
                bar.set_postfix_str(f"{exp.strength}={value:g}")
                start = bar.n

                def on_progress(step, log, start=start):
                    bar.update(start + step - bar.n)
            else:
                on_progress = None
            measure = exp.measure or train_and_measure
            weight = {} if exp.reconstruction_weight == 1.0 else {"reconstruction_weight": exp.reconstruction_weight}
            record, model = measure(exp, digits, value, steps=steps, batch_size=mode_settings.batch_size,
                                    seed=seed, on_progress=on_progress, eval_batch_size=mode_settings.eval_batch_size,
                                    **weight)
            data["runs"].append(record)
            if keep_models:
                models[value] = model
            if path is not None:
                write_results(path, data)
    finally:
        if bar is not None:
            bar.close()
    wanted = {key(value) for value in grid}
    runs = sorted((run for run in data["runs"] if run_key(run) in wanted), key=lambda run: run[exp.strength])
    return (runs, models) if keep_models else runs


# --- studies: full-size computations that are not grids of trained models ------------------

@dataclass(frozen=True)
class Study:
    """A full-size computation of a chapter that is no grid of trained models (Part I's numpy).

    ``run(mode)`` returns ``(summary, arrays)``: a JSON-able dict and a dict of numpy arrays,
    written to ``<name>.json`` and ``<name>.npz`` (loaded without pickle) in the results folder
    of ``mode``. A study whose two files exist is not run again.
    """

    name: str
    description: str
    run: Callable  # (mode) -> (dict, dict[str, np.ndarray])


STUDIES: dict[str, Study] = {}


def register_study(study: Study) -> Study:
    """Add ``study`` to the registry of studies (``make sweep`` runs them all); returns it."""
    if not isinstance(study, Study):
        raise TypeError(f"register_study takes a Study, got {type(study).__name__}")
    if not isinstance(study.name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", study.name):
        raise ValueError(f"a study's name names its results files: lower-case letters, digits and _, "
                         f"starting with a letter; got {study.name!r}")
    if not callable(study.run):
        raise TypeError(f"study {study.name!r}: run must be a function (mode) -> (summary, arrays), "
                        f"got {type(study.run).__name__}")
    if study.name in EXPERIMENTS:
        raise ValueError(f"{study.name!r} is already the name of an experiment")
    if STUDIES.get(study.name, study) != study:
        raise ValueError(f"another study is already registered as {study.name!r}; choose another name")
    STUDIES[study.name] = study
    return study


def _load_studies() -> None:
    from . import studies  # noqa: F401  (registers the chapters' studies)
    from . import image_studies  # noqa: F401  (natural images)


def study_paths(name: str, mode: str = "full") -> tuple[Path, Path]:
    """The ``.json`` and ``.npz`` files of study ``name`` in ``mode``."""
    _load_studies()
    if name not in STUDIES:
        raise ValueError(f"unknown study {name!r}; known: {sorted(STUDIES)}")
    folder = results_dir() if current_mode(mode) == "full" else results_dir() / "quick"
    return folder / f"{name}.json", folder / f"{name}.npz"


def load_study(name: str, mode: str = "full") -> tuple[dict, dict]:
    """The committed ``(summary, arrays)`` of study ``name``; ``ValueError`` says how to make them."""
    json_path, npz_path = study_paths(name, mode)
    command = f"python -m sparsebook.sweep {name} --mode {current_mode(mode)}"
    try:
        summary = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError as err:
        raise ValueError(f"no results of study {name!r} at {err.filename}; run `{command}` to make them") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:  # empty, truncated, pickled, bad JSON
        raise ValueError(f"cannot read the results of study {name!r} ({err}); move them aside and run "
                         f"`{command}` again") from None
    if not isinstance(summary, dict) or summary.get("study") != name:
        raise ValueError(f"{json_path} is not the summary of study {name!r}; run `{command}` again")
    return summary, arrays


def run_study(name: str, mode: str | None = None, *, force: bool = False) -> tuple[dict, dict]:
    """Run study ``name`` (unless its results exist) and write them atomically; returns them."""
    mode = current_mode(mode)
    json_path, npz_path = study_paths(name, mode)
    if not force and json_path.exists() and npz_path.exists():
        return load_study(name, mode)
    study = STUDIES[name]
    start = time.perf_counter()
    summary, arrays = study.run(mode)
    summary = {"study": name, "description": study.description, "mode": mode, **summary,
               **_provenance(time.perf_counter() - start)}
    npz_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=npz_path.parent, prefix=f".{npz_path.name}.", suffix=".tmp.npz")
    os.close(handle)
    try:
        np.savez_compressed(tmp, **{key: np.asarray(value) for key, value in arrays.items()})
        os.chmod(tmp, 0o644)
        os.replace(tmp, npz_path)  # the arrays first: a summary without its arrays is never left
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_results(json_path, summary)
    return summary, arrays


# --- command line ---------------------------------------------------------------------------

def _summary(runs: list) -> str:
    strength = runs[0].get("strength_name", "lam") if runs else "lam"
    lines = [f"{strength:>9} {'test acc':>9} {'AVR test':>9} {'dead':>6} {'seconds':>8}"]
    for run in runs:
        lines.append(f"{run[strength]:>9.2g} {run['test_accuracy']:>9.4f} {run['avr_test']:>9.2f} "
                     f"{run['dead_units']:>6d} {run['train_seconds']:>8.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparsebook.sweep", description=__doc__.split("\n\n")[0])
    _load_studies()
    parser.add_argument("experiments", nargs="*",
                        help=f"experiments or studies to run: {', '.join([*EXPERIMENTS, *STUDIES])} or 'all'")
    parser.add_argument("--mode", choices=MODES, default=None, help="default: $SPARSEBOOK_MODE, else quick")
    parser.add_argument("--grid", type=float, nargs="+", help="override the grid of lambda (or of k, rho)")
    parser.add_argument("--steps", type=int, help="override the number of training steps")
    parser.add_argument("--seed", type=int, default=None,
                        help="run this seed only (default: the experiment's seeds, see --list)")
    parser.add_argument("--out", help="results file (only with a single experiment)")
    parser.add_argument("--list", action="store_true", help="list the experiments and exit")
    args = parser.parse_args(argv)
    if args.list or not args.experiments:
        for exp in EXPERIMENTS.values():
            convention = f" ({exp.lam_convention})" if exp.lam_convention else ""
            print(f"{exp.name:13} {exp.description}\n{'':13} {exp.strength} grid{convention}: {list(exp.grid)}")
            if len(exp.seeds) > 1:
                again = list(exp.grid if exp.seeded_grid is None else exp.seeded_grid)
                print(f"{'':13} seeds {list(exp.seeds)} (seeds after the first at {again})")
        for study in STUDIES.values():
            print(f"{study.name:13} {study.description}")
        return 0
    names = [*EXPERIMENTS, *STUDIES] if args.experiments == ["all"] else args.experiments
    unknown = [name for name in names if name not in EXPERIMENTS and name not in STUDIES]
    if unknown:
        parser.error(f"unknown experiment or study {unknown[0]!r}; see --list")
    if args.out and len(names) != 1:
        parser.error("--out needs exactly one experiment")
    mode = current_mode(args.mode)
    for name in names:
        if name in STUDIES:
            start = time.perf_counter()
            run_study(name, mode)
            print(f"\n{name} ({mode} mode) -> {study_paths(name, mode)[0]}")
            print(f"wall time {time.perf_counter() - start:.1f} s, peak memory {peak_rss_mib():.0f} MiB")
            continue
        path = Path(args.out) if args.out else results_path(name, mode)
        start = time.perf_counter()
        exp = EXPERIMENTS[name]
        if args.seed is not None:
            plan = [(args.seed, args.grid)]
        else:  # the experiment's seeds: the first over the grid, the others over the seeded grid
            again = exp.seeded_grid if args.grid is None else args.grid
            plan = [(exp.seeds[0], args.grid)] + [(seed, again) for seed in exp.seeds[1:]]
        runs = []
        try:
            for seed, grid in plan:
                runs += sweep(name, mode, grid=grid, steps=args.steps, seed=seed, path=path, progress=True)
        except (ValueError, TypeError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"\n{name} ({mode} mode) -> {path}\n{_summary(runs)}")
        print(f"wall time {time.perf_counter() - start:.1f} s, peak memory {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    # Under `python -m` this file runs as __main__, a second copy of the module: run the one
    # that sparsebook.studies registers its studies with.
    from sparsebook.sweep import main as _main

    sys.exit(_main())
