"""Full-size studies of Part I (sparse coding in numpy), run by ``python -m sparsebook.sweep``.

Each study is registered with :func:`sparsebook.sweep.register_study`; its results are
committed as ``results/<name>.json`` and ``results/<name>.npz`` and read by the chapters.
The sizes are those of the mode (:mod:`sparsebook.config`): in full mode 28 x 28 digits,
dictionaries of 1,568 atoms learned on 10,000 training digits.

Two dictionaries serve the three chapters, and each is learned once:

- ``coding_dictionary``: λ = :data:`CODING_LAM`, signed codes, for *The sparse coding
  objective* (``coding_objective``: the norm bound, the solvers' convergence) and
  *An over-complete basis* (``coding_frontier``: reconstruction against sparsity, PCA);
- ``coding_encoder_dictionary``: λ = :data:`ENCODER_LAM`, non-negative codes (those of a
  ReLU layer), for *From sparse coding to neural networks* (``coding_encoder``).

A dictionary is stored in float16 (three significant digits, about a third of float32's
size); the studies that read it use it as stored, each atom rescaled to norm at most 1
(:func:`stored_dictionary`), so their numbers are those of the committed atoms.
"""

from __future__ import annotations

import math

import numpy as np

from . import solvers
from .config import current_mode, settings
from .data import downsample, load_mnist
from .metrics import avr, relu_thresholds
from .sweep import Study, load_study, register_study, run_study

CODING_LAM = 0.5  #: λ of the objective and over-complete chapters (signed codes).
CODING_EPOCHS = 15  #: Epochs of the shared dictionary (the objective chapter shows them all).
CODING_CODE_TOL, CODING_CODE_MAX_ITER = 1e-2, 30  #: The code step of its learning (FISTA).
NEAR_COPY_COSINE = 0.9  #: An atom this close (cosine) to some training digit counts as a near copy.
LEARNING_DTYPE = np.float32  #: Dictionary learning runs in float32 (half the time of float64).
ATOM_DTYPE = np.float16  #: How dictionaries are stored.
SEED = 0

# coding_objective
SCALES = tuple(np.logspace(-0.5, 1.5, 5))  #: Factors applied to every atom of the norm-bound study (with 1).
SCALE_DIGITS = 100  #: Training digits coded at every scale.
SCALE_ITERATIONS = 300  #: FISTA iterations per scale (the minimum is at most what is found).
CONVERGENCE_DIGITS = 200  #: Test digits of the convergence study.
CONVERGENCE_ITERATIONS = 1000  #: Iterations tracked per solver.
REFERENCE_GAP = 1e-8  #: The relative duality gap that certifies the reference minimum f*.
TARGET_GAP = 1e-4  #: The relative gap the chapter counts iterations to.

# coding_frontier
FRONTIER_LAMS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)  #: λ values coding the test digits.
FRONTIER_DIGITS = 300  #: Test digits of the frontier.
FRONTIER_MAX_TERMS = 150  #: PCA budgets s run from 1 to this (20 values, log-spaced).
SAMPLE_DIGITS = 10  #: Test digits whose reconstructions are stored.

# coding_encoder_dictionary and coding_encoder
ENCODER_LAM = 1.0  #: λ of the chapter on networks (non-negative codes).
ENCODER_DICTIONARY_EPOCHS = {"quick": 3, "full": 10}
ENCODER_CODE_MAX_ITER = 100
ENCODER_STEPS = {"quick": 4000, "full": 20_000}  #: Adam steps training the ReLU encoder.
ENCODER_LEARNING_RATE = 3e-4
ENCODER_TEST_DIGITS = 2000  #: At most this many test digits are scored (FISTA runs on each).
SOLVED_GAP = 1e-3  #: FISTA's certified relative duality gap for the reference codes.
TRACKED_ITERATIONS = 300  #: FISTA iterations tracked from h = 0.
CURVE_POINTS = 1000  #: The encoder's training curve is stored as this many block means.
SHOWN_DIGITS = 2  #: Test digits whose three codes are stored.


# -- data and stored dictionaries -------------------------------------------------------------

def coding_digits(mode: str | None = None, n_train: int | None = None):
    """Training and test digits of ``mode`` for Part I: pooled, float32, one per row.

    ``n_train`` training digits (default: the mode's ``coding_examples``; ``0``: all of
    them) and all test digits; returns ``(x_train, x_test, side)``.
    """
    s = settings(mode)
    digits = load_mnist(s.name)
    x_train = digits.x_train if n_train == 0 else digits.x_train[: n_train or s.coding_examples]
    x_train = downsample(x_train, s.coding_downsample).astype(np.float32)
    x_test = downsample(digits.x_test, s.coding_downsample).astype(np.float32)
    return x_train, x_test, math.isqrt(x_train.shape[1])


def stored_dictionary(name: str, mode: str | None = None) -> np.ndarray:
    """The dictionary of study ``name`` as committed, float64, each atom of norm at most 1.

    Runs the study first where its results are missing.
    """
    _, arrays = run_study(name, current_mode(mode))
    D = arrays["dictionary"].astype(np.float64)
    return D / np.maximum(1.0, np.linalg.norm(D, axis=0))


def _learn(x, n_atoms, lam, n_epochs, **options):
    learned = solvers.learn_dictionary(x.astype(LEARNING_DTYPE), n_atoms, lam, n_epochs=n_epochs,
                                       seed=SEED, **options)
    D, H, objectives = learned
    summary = {
        "n_examples": int(len(x)), "n_pixels": int(x.shape[1]), "side": math.isqrt(x.shape[1]),
        "n_atoms": int(n_atoms), "lam": lam, "n_epochs": int(n_epochs), "seed": SEED,
        "dtype": np.dtype(LEARNING_DTYPE).name, "stored_dtype": np.dtype(ATOM_DTYPE).name,
        **{key: value for key, value in options.items()},
        "objectives": [float(v) for v in objectives],
        "objective_increases": int(np.sum(np.diff(objectives) > 0)),
        "training_l0": avr(np.abs(H)),
        "largest_atom_norm": float(np.linalg.norm(D, axis=0).max()),
        "unused_atoms": int(np.sum(np.count_nonzero(H, axis=0) == 0)),
    }
    arrays = {"dictionary": D.astype(ATOM_DTYPE), "usage": np.count_nonzero(H, axis=0).astype(np.int32),
              "objectives": np.asarray(objectives, dtype=np.float64)}
    return summary, arrays, D, H


# -- coding_dictionary -------------------------------------------------------------------------

def dictionary_study(mode: str | None = None):
    """The shared dictionary: λ = CODING_LAM, signed codes, CODING_EPOCHS epochs, and its atoms' use.

    Besides the learning summary: ``near_copies`` (atoms whose cosine with some training digit
    exceeds :data:`NEAR_COPY_COSINE`; learning starts from training digits) and, per atom,
    ``closest_digit_cosine`` and ``usage`` (training digits whose code uses it).
    """
    s = settings(mode)
    x, _, _ = coding_digits(s.name)
    summary, arrays, D, _ = _learn(x, s.coding_atoms, CODING_LAM, CODING_EPOCHS, nonnegative=False,
                                   code_tol=CODING_CODE_TOL, code_max_iter=CODING_CODE_MAX_ITER)
    unit_digits = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    closest = np.abs(unit_digits @ D).max(axis=0)
    summary.update(near_copy_cosine=NEAR_COPY_COSINE, near_copies=int(np.sum(closest > NEAR_COPY_COSINE)))
    arrays["closest_digit_cosine"] = closest.astype(np.float32)
    return summary, arrays


# -- coding_objective --------------------------------------------------------------------------

def objective_study(mode: str | None = None):
    """The objective chapter at full size: why atoms need a bounded norm, and how fast the solvers are.

    ``scales``: the best codes of SCALE_DIGITS training digits on ``s * D0`` (D0: training
    digits as unit-norm atoms), with their objective terms and L0. ``convergence``: ISTA,
    FISTA and FISTA with restarts on CONVERGENCE_DIGITS test digits and the shared dictionary,
    each one's relative gap (f_k - f*) / f* after every iteration (``gap_<solver>`` arrays).
    """
    s = settings(mode)
    x, x_test, _ = coding_digits(s.name)
    x, x_test = x.astype(np.float64), x_test[:CONVERGENCE_DIGITS].astype(np.float64)

    D0 = solvers.initial_dictionary(x, s.coding_atoms, seed=SEED)
    sample = x[:SCALE_DIGITS]
    scales = []
    for scale in SCALES:
        codes = solvers.fista(sample, scale * D0, CODING_LAM, tol=0, max_iter=SCALE_ITERATIONS).codes
        reconstruction, penalty = solvers.objective_terms(sample, scale * D0, codes, CODING_LAM)
        scales.append({"scale": float(scale), "reconstruction": float(reconstruction.sum()),
                       "penalty": float(penalty.sum()), "objective": float(reconstruction.sum() + penalty.sum()),
                       "l0": avr(np.abs(codes))})

    D = stored_dictionary("coding_dictionary", s.name)
    reference = solvers.fista(x_test, D, CODING_LAM, tol=REFERENCE_GAP, max_iter=50_000)
    f_star = solvers.objective(x_test, D, reference.codes, CODING_LAM)
    runs = {
        "ista": lambda **kw: solvers.ista(x_test, D, CODING_LAM, **kw),
        "fista": lambda **kw: solvers.fista(x_test, D, CODING_LAM, restart=False, **kw),
        "restart": lambda **kw: solvers.fista(x_test, D, CODING_LAM, restart=True, **kw),
    }
    gaps = {key: (run(max_iter=CONVERGENCE_ITERATIONS, tol=0, track=True).objectives - f_star) / f_star
            for key, run in runs.items()}
    certified = solvers.fista(x_test, D, CODING_LAM, tol=TARGET_GAP, max_iter=50_000)
    summary = {
        "lam": CODING_LAM, "n_atoms": int(s.coding_atoms), "n_pixels": int(x.shape[1]),
        "scale_digits": SCALE_DIGITS, "scale_iterations": SCALE_ITERATIONS, "scales": scales,
        "convergence_digits": int(len(x_test)), "iterations": CONVERGENCE_ITERATIONS,
        "reference_gap": REFERENCE_GAP, "reference_iterations": int(reference.n_iter),
        "reference_certified_gap": float(reference.relative_gap), "f_star": float(f_star),
        "target_gap": TARGET_GAP,
        "iterations_to_target": {key: _first_at_most(gap, TARGET_GAP) for key, gap in gaps.items()},
        "final_gap": {key: float(gap[-1]) for key, gap in gaps.items()},
        "certified_iterations": int(certified.n_iter),
        "certified_true_gap": float((solvers.objective(x_test, D, certified.codes, CODING_LAM) - f_star) / f_star),
    }
    return summary, {f"gap_{key}": gap for key, gap in gaps.items()}


def _first_at_most(gap, level):
    """The first iteration (from 1) whose gap is at most ``level``; None if none is."""
    hits = np.flatnonzero(np.asarray(gap) <= level)
    return int(hits[0]) + 1 if hits.size else None


# -- coding_frontier ---------------------------------------------------------------------------

def frontier_study(mode: str | None = None):
    """Reconstruction against sparsity on test digits: the shared dictionary against PCA.

    For each λ of FRONTIER_LAMS: L0 and the mean squared error per pixel of the l1 codes and
    of the codes refitted on their support. PCA (uncentred, from the training digits): the
    error with each digit's s largest coefficients and with the first s components, for s in
    ``pca_terms``, and at each λ's rounded L0. Reconstructions of SAMPLE_DIGITS test digits.
    """
    s = settings(mode)
    x, x_test, _ = coding_digits(s.name)
    x, x_test = x.astype(np.float64), x_test[:FRONTIER_DIGITS].astype(np.float64)
    D = stored_dictionary("coding_dictionary", s.name)
    _, _, pca_basis = np.linalg.svd(x, full_matrices=False)  # rows: orthonormal directions
    coefficients = x_test @ pca_basis.T

    def pca_error(terms, best):
        kept = _largest_terms(coefficients, terms) if best else _first_terms(coefficients, terms)
        return float(np.mean((x_test - kept @ pca_basis) ** 2))

    rows = []
    for lam in FRONTIER_LAMS:
        codes = solvers.fista(x_test, D, lam, tol=1e-3, max_iter=300).codes
        refit = solvers.refit_on_support(x_test, D, codes)
        l0 = avr(np.abs(codes))
        terms = max(1, int(round(l0)))
        rows.append({"lam": lam, "l0": l0, "mse_l1": float(np.mean((x_test - codes @ D.T) ** 2)),
                     "mse_refit": float(np.mean((x_test - refit @ D.T) ** 2)),
                     "pca_terms": terms, "mse_pca_largest": pca_error(terms, True),
                     "mse_pca_first": pca_error(terms, False)})
    terms = np.unique(np.clip(np.round(np.geomspace(1, FRONTIER_MAX_TERMS, 20)).astype(int), 1, x.shape[1]))
    middle = next(row for row in rows if row["lam"] == CODING_LAM)
    sample = x_test[:SAMPLE_DIGITS]
    codes = solvers.fista(sample, D, CODING_LAM, tol=1e-3, max_iter=300).codes
    refit = solvers.refit_on_support(sample, D, codes)
    sample_pca = _largest_terms(sample @ pca_basis.T, middle["pca_terms"]) @ pca_basis
    summary = {"lam": CODING_LAM, "n_atoms": int(D.shape[1]), "n_pixels": int(x.shape[1]),
               "n_test": int(len(x_test)), "n_train": int(len(x)), "frontier": rows,
               "sample_atoms_used": [int(n) for n in np.count_nonzero(codes, axis=1)]}
    arrays = {"pca_terms": terms.astype(np.int32),
              "mse_pca_largest": np.array([pca_error(t, True) for t in terms]),
              "mse_pca_first": np.array([pca_error(t, False) for t in terms]),
              "sample_digits": sample.astype(np.float32), "sample_dictionary": (refit @ D.T).astype(np.float32),
              "sample_pca": sample_pca.astype(np.float32)}
    return summary, arrays


def _largest_terms(coefficients, terms):
    """Each row's ``terms`` largest coefficients (in absolute value), the others zeroed."""
    order = np.argsort(-np.abs(coefficients), axis=1)[:, :terms]
    kept = np.zeros_like(coefficients)
    rows = np.arange(len(coefficients))[:, None]
    kept[rows, order] = coefficients[rows, order]
    return kept


def _first_terms(coefficients, terms):
    kept = np.zeros_like(coefficients)
    kept[:, :terms] = coefficients[:, :terms]
    return kept


# -- coding_encoder_dictionary and coding_encoder ----------------------------------------------

def encoder_dictionary_study(mode: str | None = None):
    """The dictionary of the networks chapter: λ = ENCODER_LAM, non-negative codes."""
    s = settings(mode)
    x, _, _ = coding_digits(s.name)
    summary, arrays, _, _ = _learn(x, s.coding_atoms, ENCODER_LAM, ENCODER_DICTIONARY_EPOCHS[s.name],
                                   nonnegative=True, code_tol=1e-3,
                                   code_max_iter=ENCODER_CODE_MAX_ITER)
    return summary, arrays


def encoder_study(mode: str | None = None):
    """One ISTA step, a trained ReLU layer and FISTA as encoders for the networks chapter's dictionary.

    The layer (:func:`sparsebook.models.sparse_coding_encoder`) is trained with Adam on the
    sparse coding objective over all training digits; all three are scored on the first
    ENCODER_TEST_DIGITS test digits against FISTA's certified codes.
    """
    from .backend import keras
    from .models import sparse_coding_encoder
    from .training import train_sparse_encoder

    s = settings(mode)
    lam = ENCODER_LAM
    x_train, x_test, side = coding_digits(s.name, n_train=0)
    x_test = x_test[:ENCODER_TEST_DIGITS]
    D = stored_dictionary("coding_encoder_dictionary", s.name)

    keras.utils.set_random_seed(SEED)
    untrained_model = sparse_coding_encoder(D, lam)
    untrained = untrained_model(x_test)["code"].numpy()
    one_step = solvers.ista(x_test, D, lam, max_iter=1, tol=0, nonnegative=True).codes
    linear = x_test @ untrained_model.get_layer("code").kernel.numpy()
    lipschitz = solvers.lipschitz_constant(D)

    solved = solvers.fista(x_test, D, lam, max_iter=5000, tol=SOLVED_GAP, nonnegative=True)
    tracked = solvers.fista(x_test, D, lam, max_iter=TRACKED_ITERATIONS, tol=0, nonnegative=True,
                            track=True).objectives / len(x_test)

    model = sparse_coding_encoder(D, lam)
    log = train_sparse_encoder(model, x_train, lam=lam, steps=ENCODER_STEPS[s.name],
                               learning_rate=ENCODER_LEARNING_RATE, seed=SEED)
    trained = model(x_test)["code"].numpy()

    encoders = {}
    for key, h in (("untrained", untrained), ("trained", trained), ("fista", solved.codes)):
        error, penalty = solvers.objective_terms(x_test, D, h.astype(np.float64), lam)
        encoders[key] = {"objective": float(error.mean() + penalty.mean()), "reconstruction": float(error.mean()),
                         "penalty": float(penalty.mean()), "l0": float((h > 0).sum(axis=1).mean())}
    best = encoders["fista"]["objective"]
    for key, scores in encoders.items():
        scores["gap_pct"] = 100 * (scores["objective"] - best) / best
        scores["fista_iterations_worth"] = (int(solved.n_iter) if key == "fista"
                                            else fista_iterations_worth(tracked, scores["objective"]))
    curve, block = _block_means(log.loss, CURVE_POINTS)
    summary = {
        "lam": lam, "side": side, "n_features": int(D.shape[0]), "n_atoms": int(D.shape[1]),
        "n_train": int(len(x_train)), "n_test": int(len(x_test)),
        "one_step_difference": float(np.abs(untrained - one_step).max()),
        "lipschitz": lipschitz, "threshold": lam / lipschitz,
        "linear_zero_pct": 100 * float((linear == 0).mean()),
        "untrained_zero_pct": 100 * float((untrained == 0).mean()),
        "solved_gap": SOLVED_GAP, "fista_iterations": int(solved.n_iter),
        "fista_relative_gap": float(solved.relative_gap),
        "tracked_iterations": TRACKED_ITERATIONS,
        "encoder_steps": ENCODER_STEPS[s.name], "learning_rate": ENCODER_LEARNING_RATE,
        "batch_size": 100, "encoder_seconds": float(log.seconds), "loss_block": block,
        "trained_threshold": -float(model.get_layer("code").bias.numpy().mean()),
        # -b / ||w|| per unit: the thresholds that compare across units and with one ISTA step's
        "threshold_per_norm": {key: _spread(relu_thresholds(layer.kernel.numpy(), layer.bias.numpy()))
                               for key, layer in (("untrained", untrained_model.get_layer("code")),
                                                  ("trained", model.get_layer("code")))},
        "input_norm": float((x_test.astype(np.float64) ** 2).sum(axis=1).mean()),
        "support_overlap_pct": 100 * float(((trained > 0) & (solved.codes > 0)).sum() / (solved.codes > 0).sum()),
        "encoders": encoders,
    }
    shown = slice(0, SHOWN_DIGITS)
    arrays = {"fista_objectives": tracked, "training_loss": curve,
              "shown_digits": x_test[shown], "shown_untrained": untrained[shown].astype(np.float32),
              "shown_trained": trained[shown].astype(np.float32),
              "shown_fista": solved.codes[shown].astype(np.float32)}
    return summary, arrays


def _block_means(values, points: int) -> tuple[np.ndarray, int]:
    """``values`` (a training curve) as the means of about ``points`` equal blocks, and the block's length.

    The last ``len(values) % block`` values, less than a block, are left out."""
    values = np.asarray(values, dtype=np.float64)
    block = max(1, len(values) // points)
    return values[: len(values) // block * block].reshape(-1, block).mean(axis=1), block


def _spread(values) -> dict:
    """Mean, minimum and maximum of ``values``, as plain floats."""
    values = np.asarray(values, dtype=np.float64)
    return {"mean": float(values.mean()), "min": float(values.min()), "max": float(values.max())}


def fista_iterations_worth(objectives, value: float):
    """The first FISTA iteration (from 1) whose objective is at most ``value``, up to float32
    rounding (the layer computes in float32); None if FISTA did not get there in ``objectives``."""
    reached = np.flatnonzero(np.asarray(objectives) <= value * (1 + 1e-6))
    return int(reached[0]) + 1 if reached.size else None


register_study(Study("coding_dictionary", f"a {CODING_EPOCHS}-epoch dictionary, λ = {CODING_LAM:g}, signed codes "
                     "(the objective and over-complete chapters)", dictionary_study))
register_study(Study("coding_objective", "the norm bound and the convergence of ISTA, FISTA and FISTA with "
                     "restarts on the shared dictionary", objective_study))
register_study(Study("coding_frontier", "reconstruction against sparsity of test digits: the shared dictionary "
                     "against PCA", frontier_study))
register_study(Study("coding_encoder_dictionary", f"a dictionary for non-negative codes, λ = {ENCODER_LAM:g} "
                     "(the networks chapter)", encoder_dictionary_study))
register_study(Study("coding_encoder", "one ISTA step, a trained ReLU layer and FISTA as encoders of the "
                     "networks chapter's dictionary", encoder_study))


# -- code_baselines: what a code must beat, for the TensorFlow chapters -----------------------

BASELINE_WIDTHS = (784, 1024)  #: Widths of the random ReLU projections (the MLP's layer and the auto-encoders').
BASELINE_SEEDS = (0, 1, 2)  #: Seeds of the random projections.
INK_LEVEL = 0.5  #: A pixel brighter than this counts as ink.


def random_relu_features(x, width: int, seed: int) -> np.ndarray:
    """``ReLU(x W)`` with ``W`` drawn as the auto-encoders' encoder starts (Glorot uniform), no bias."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"x must be (examples, pixels), got shape {x.shape}")
    width = int(width)
    if width < 1:
        raise ValueError(f"width must be a positive int, got {width}")
    limit = math.sqrt(6.0 / (x.shape[1] + width))
    weights = np.random.default_rng(seed).uniform(-limit, limit, (x.shape[1], width)).astype(np.float32)
    return np.maximum(x @ weights, 0.0)


def baselines_study(mode: str | None = None):
    """Linear-probe accuracy of raw pixels and of random ReLU projections; the test digits' variance and ink.

    The probe is the auto-encoders' (:func:`~sparsebook.metrics.linear_probe_accuracy`, trained on
    the first :data:`~sparsebook.sweep.PROBE_TRAIN_EXAMPLES` training digits); ``pixel_variance_test``
    (the per-pixel variance over the test digits, averaged over pixels) turns a reconstruction MSE
    per pixel into the fraction of variance it leaves unexplained.
    """
    from .metrics import linear_probe_accuracy
    from .sweep import PROBE_TRAIN_EXAMPLES

    digits = load_mnist(mode)
    x_train, y_train = digits.x_train[:PROBE_TRAIN_EXAMPLES], digits.y_train[:PROBE_TRAIN_EXAMPLES]
    summary = {
        "data": digits.name if hasattr(digits, "name") else current_mode(mode),
        "n_test": int(len(digits.x_test)),
        "probe_train_examples": int(len(x_train)),
        "probe_pixels": linear_probe_accuracy(x_train, y_train, digits.x_test, digits.y_test),
        "pixel_variance_test": float(digits.x_test.var(axis=0).mean()),
        "mean_square_pixel_test": float((digits.x_test.astype(np.float64) ** 2).mean()),
        "ink_pixels_test": float((digits.x_test > INK_LEVEL).sum(axis=1).mean()),
        "nonzero_pixels_test": float((digits.x_test > 0).sum(axis=1).mean()),
        "ink_level": INK_LEVEL,
        "random_relu": {},
    }
    for width in BASELINE_WIDTHS:
        accuracies = [linear_probe_accuracy(random_relu_features(x_train, width, seed), y_train,
                                            random_relu_features(digits.x_test, width, seed), digits.y_test)
                      for seed in BASELINE_SEEDS]
        summary["random_relu"][str(width)] = {"seeds": list(BASELINE_SEEDS), "accuracy": accuracies,
                                              "mean": float(np.mean(accuracies))}
    return summary, {"pixel_variance": digits.x_test.var(axis=0).astype(np.float32)}


register_study(Study("code_baselines", "what a code must beat: the linear probe on raw pixels and on random ReLU "
                     "projections of the same widths; the test digits' pixel variance and ink", baselines_study))


# -- coding_lista: learned ISTA against ISTA and FISTA at the same depth --------------------------

LISTA_DEPTHS = (1, 2, 4, 8, 16)  #: Unrolled steps T of the networks (and iterations of ISTA and FISTA).
LISTA_STEPS = {"quick": 300, "full": 1000}  #: Adam steps training each depth (batches of 100).
LISTA_LEARNING_RATE = 3e-5
LISTA_TEST_DIGITS = 1000  #: The first this many test digits are scored (FISTA solves each).
LISTA_TRACKED_ITERATIONS = 500  #: FISTA iterations tracked from h = 0, to say what each depth is worth.
LISTA_CURVE_POINTS = 100  #: Each depth's training curve is stored as this many block means.


def lista_study(mode: str | None = None):
    """Learned ISTA (:func:`sparsebook.models.lista`) of depth T against T iterations of ISTA and FISTA.

    On the networks chapter's dictionary and λ: each depth of LISTA_DEPTHS starts as T ISTA
    steps and is trained with Adam on the sparse coding objective over all training digits
    (LISTA_STEPS, batches of 100); all three encoders are scored on the first LISTA_TEST_DIGITS
    test digits, against FISTA's certified codes (as :func:`encoder_study`), with the FISTA
    iterations each trained network is worth (FISTA tracked for LISTA_TRACKED_ITERATIONS).
    """
    from .backend import keras
    from .models import lista
    from .training import train_sparse_encoder

    s = settings(mode)
    lam, steps = ENCODER_LAM, LISTA_STEPS[s.name]
    x_train, x_test, side = coding_digits(s.name, n_train=0)
    x_test = x_test[:LISTA_TEST_DIGITS]
    x_test64 = x_test.astype(np.float64)
    D = stored_dictionary("coding_encoder_dictionary", s.name)
    n = len(x_test)

    solved = solvers.fista(x_test64, D, lam, max_iter=5000, tol=SOLVED_GAP, nonnegative=True)
    best = solvers.objective(x_test64, D, solved.codes, lam) / n
    tracked = max(LISTA_TRACKED_ITERATIONS, max(LISTA_DEPTHS))
    fista_curve = solvers.fista(x_test64, D, lam, max_iter=tracked, tol=0, nonnegative=True,
                                track=True).objectives / n
    ista_curve = solvers.ista(x_test64, D, lam, max_iter=max(LISTA_DEPTHS), tol=0, nonnegative=True,
                              track=True).objectives / n

    def gap_pct(value):
        return 100 * (value - best) / best

    rows, arrays = [], {"fista_objectives": fista_curve, "ista_objectives": ista_curve,
                        "depths": np.asarray(LISTA_DEPTHS, dtype=np.int32)}
    for depth in LISTA_DEPTHS:
        keras.utils.set_random_seed(SEED)
        model = lista(D, lam, depth)
        untrained = model(x_test)["code"].numpy().astype(np.float64)
        ista_codes = solvers.ista(x_test64, D, lam, max_iter=depth, tol=0, nonnegative=True).codes
        log = train_sparse_encoder(model, x_train, lam=lam, steps=steps, learning_rate=LISTA_LEARNING_RATE,
                                   seed=SEED)
        trained = model(x_test)["code"].numpy().astype(np.float64)
        error, penalty = solvers.objective_terms(x_test64, D, trained, lam)
        objective = float(error.mean() + penalty.mean())
        ista_value, fista_value = float(ista_curve[depth - 1]), float(fista_curve[depth - 1])
        rows.append({
            "depth": depth, "parameters": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
            "untrained_difference": float(np.abs(untrained - ista_codes).max()),
            "untrained_objective": solvers.objective(x_test64, D, untrained, lam) / n,
            "lista": objective, "ista": ista_value, "fista": fista_value,
            "lista_reconstruction": float(error.mean()), "lista_penalty": float(penalty.mean()),
            "lista_l0": float((trained > 0).sum(axis=1).mean()),
            "ista_l0": float((ista_codes > 0).sum(axis=1).mean()),
            "gap_pct": {"lista": gap_pct(objective), "ista": gap_pct(ista_value), "fista": gap_pct(fista_value)},
            "lista_fista_iterations_worth": fista_iterations_worth(fista_curve, objective),
            "ista_fista_iterations_worth": fista_iterations_worth(fista_curve, ista_value),
            "train_seconds": float(log.seconds),
        })
        arrays[f"training_loss_{depth}"], _ = _block_means(log.loss, LISTA_CURVE_POINTS)
        keras.backend.clear_session()
    summary = {
        "lam": lam, "side": side, "n_features": int(D.shape[0]), "n_atoms": int(D.shape[1]),
        "n_train": int(len(x_train)), "n_test": n, "depths": list(LISTA_DEPTHS),
        "steps": steps, "batch_size": 100, "learning_rate": LISTA_LEARNING_RATE, "shared_weights": True,
        "solved_gap": SOLVED_GAP, "fista_iterations": int(solved.n_iter),
        "fista_relative_gap": float(solved.relative_gap), "optimum": float(best),
        "tracked_iterations": int(tracked), "rows": rows,
    }
    return summary, arrays


register_study(Study("coding_lista", "learned ISTA of depth 1 to 16 against as many iterations of ISTA and FISTA "
                     "on the networks chapter's dictionary", lista_study))


# -- mlp_receptive_fields: the input weights of the full-size MLP's busiest units ----------------

RECEPTIVE_FIELD_LAMS = (0.0, 1e-4, 1e-3)  #: λ (batch-sum) of the runs whose weights are kept.
RECEPTIVE_FIELD_UNITS = 36  #: The units kept per run (those active on the most test digits).
RECEPTIVE_FIELD_DTYPE = np.float16  #: How the weights are stored.
RECEPTIVE_FIELD_FIELDS = ("lam", "seed", "lam_convention", "data", "n_train", "n_test", "steps",
                          "batch_size", "test_accuracy", "avr_test", "avr_train_batch",
                          "dead_units", "dead_units_test", "train_seconds")


def receptive_fields_study(mode: str | None = None):
    """The input weights of the busiest hidden units of the ``mlp`` experiment, one run per λ.

    Each λ of :data:`RECEPTIVE_FIELD_LAMS` is trained again by the sweep itself
    (:func:`sparsebook.sweep.sweep` on experiment ``mlp``: the same model, loss, steps and
    measurements as ``results/mlp.json``), seed ``SEED``. Kept per run, in the order of
    ``lams``: the 784 input weights (``weights``, (λ, unit, pixel)) of the
    :data:`RECEPTIVE_FIELD_UNITS` units active on the most test digits, those units' indices
    (``units``) and firing rates (``firing_rates``, share of the test digits), every unit's
    firing rate (``all_firing_rates``) and the run's record (``runs``: accuracy, AVR, dead units).
    """
    from .sweep import sweep

    s = settings(mode)
    runs, models = sweep("mlp", s.name, grid=RECEPTIVE_FIELD_LAMS, seed=SEED,
                         digits=load_mnist(s.name), keep_models=True)
    weights, units, rates, all_rates = [], [], [], []
    for run in runs:
        firing = np.asarray(run["firing_rates_test"], dtype=np.float64)
        busiest = np.argsort(-firing, kind="stable")[:RECEPTIVE_FIELD_UNITS]
        kernel = models[run["lam"]].get_layer("code").kernel.numpy()  # (pixels, units)
        weights.append(kernel[:, busiest].T)
        units.append(busiest)
        rates.append(firing[busiest])
        all_rates.append(firing)
    summary = {"experiment": "mlp", "lams": [float(lam) for lam in RECEPTIVE_FIELD_LAMS],
               "n_units_kept": RECEPTIVE_FIELD_UNITS,
               "stored_dtype": np.dtype(RECEPTIVE_FIELD_DTYPE).name,
               "runs": [{key: run[key] for key in RECEPTIVE_FIELD_FIELDS} for run in runs]}
    arrays = {"lams": np.asarray(RECEPTIVE_FIELD_LAMS, dtype=np.float64),
              "weights": np.asarray(weights).astype(RECEPTIVE_FIELD_DTYPE),
              "units": np.asarray(units, dtype=np.int32),
              "firing_rates": np.asarray(rates, dtype=np.float32),
              "all_firing_rates": np.asarray(all_rates, dtype=np.float32)}
    return summary, arrays


register_study(Study("mlp_receptive_fields", "the input weights of the 36 busiest hidden units of the "
                     "full-size mlp at λ = 0, 1e-4 and 1e-3 (seed 0), trained again by the sweep",
                     receptive_fields_study))
