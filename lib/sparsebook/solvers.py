"""Sparse coding in numpy: the objective, ISTA and FISTA for the codes, dictionary learning.

The book's conventions, those of the source text:

- data ``X`` is (n, m), one example per row;
- the dictionary ``D`` is (m, K), one *atom* per column, each of norm at most 1;
- codes ``H`` are (n, K), so the reconstruction of ``X`` is ``H @ D.T``;
- the objective is ``sum_k ||x_k - D h_k||^2 + lam * ||h_k||_1`` (no factor 1/2:
  scikit-learn's ``alpha`` for the same problem is ``lam / 2``).

``nonnegative=True`` asks for codes h >= 0, the codes a ReLU layer can produce.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .checks import check_lam, check_positive_int


class Codes(NamedTuple):
    """What an encoder returns."""

    codes: np.ndarray  # (n, K)
    n_iter: int  # iterations run
    relative_gap: float  # certified: duality gap / objective, summed over examples, at the end
    objectives: np.ndarray  # objective after each iteration (with track=True), else empty


class Dictionary(NamedTuple):
    """What dictionary learning returns."""

    dictionary: np.ndarray  # (m, K), atoms as columns, norms <= 1
    codes: np.ndarray  # (n, K), the codes of the training data at the end
    objectives: np.ndarray  # objective before training, then after each epoch


# -- argument checks ---------------------------------------------------------------------

def _check_matrix(array, name: str) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}")
    if array.ndim != 2:
        hint = f" (for one example, pass {name}[None, :])" if array.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D, got shape {array.shape}{hint}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values; clean or drop them first")
    return array if np.issubdtype(array.dtype, np.floating) else array.astype(np.float64)


def check_dictionary(D, name: str = "D", bounded: bool = False) -> np.ndarray:
    """Return ``D`` (features, atoms) as a float array, or raise if an atom is zero.

    With ``bounded=True`` every atom must also have norm at most 1 (up to rounding),
    as the sparse coding objective requires of a learned dictionary.
    """
    D = _check_matrix(D, name)
    norms = np.linalg.norm(D, axis=0)
    if np.any(norms == 0):
        raise ValueError(f"{name} has zero atoms (columns {np.flatnonzero(norms == 0)[:5].tolist()}); "
                         "drop them or give them a non-zero direction")
    if bounded and np.any(norms > 1 + 1e-5):
        worst = int(np.argmax(norms))
        raise ValueError(f"{name} has atoms of norm > 1 (atom {worst}: {norms[worst]:.4g}); "
                         "divide each column by max(1, its norm)")
    return D


def _check_problem(X, D, lam):
    X = _check_matrix(X, "X")
    D = check_dictionary(D).astype(X.dtype, copy=False)
    if X.shape[1] != D.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features per example but D has {D.shape[0]} rows; "
                         "D must be (features, atoms), one atom per column")
    return X, D, check_lam(lam)


def _check_codes(H, X, D) -> np.ndarray:
    H = _check_matrix(H, "H").astype(X.dtype, copy=False)
    if H.shape != (X.shape[0], D.shape[1]):
        raise ValueError(f"H must have shape (examples, atoms) = {(X.shape[0], D.shape[1])}, got {H.shape}")
    return H


def _check_nonnegative(nonnegative) -> bool:
    if not isinstance(nonnegative, (bool, np.bool_)):
        raise TypeError(f"nonnegative must be True or False, got {nonnegative!r}")
    return bool(nonnegative)


# -- the objective -------------------------------------------------------------------------

def objective_terms(X, D, H, lam: float = 0.0):
    """Per example: the reconstruction error ``||x - D h||^2`` and the penalty ``lam ||h||_1``."""
    X, D, lam = _check_problem(X, D, lam)
    return _terms(X, D, _check_codes(H, X, D), lam)


def _terms(X, D, H, lam):
    return np.sum((X - H @ D.T) ** 2, axis=1), lam * np.sum(np.abs(H), axis=1)


def objective(X, D, H, lam: float) -> float:
    """The sparse coding objective ``sum_k ||x_k - D h_k||^2 + lam ||h_k||_1``."""
    reconstruction, penalty = objective_terms(X, D, H, lam)
    return float(np.sum(reconstruction) + np.sum(penalty))


def soft_threshold(z, threshold: float, nonnegative: bool = False):
    """The proximal map of ``threshold * |h|``: shrink towards 0 by ``threshold``, zero inside it.

    It solves ``min_h (z - h)^2 / 2 + threshold |h|``, so the code of ``(x - h)^2 + lam |h|``
    is ``soft_threshold(x, lam / 2)``. With ``nonnegative=True``, negatives become 0 too.
    """
    threshold = check_lam(threshold, "threshold")
    z = np.asarray(z)
    if nonnegative:
        return np.maximum(z - threshold, 0)
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0)


def hard_threshold(z, threshold: float):
    """Keep ``z`` where ``|z| > threshold``, zero elsewhere: the code of ``(x - h)^2 + lam [h != 0]``
    is ``hard_threshold(x, sqrt(lam))``."""
    threshold = check_lam(threshold, "threshold")
    z = np.asarray(z)
    return np.where(np.abs(z) > threshold, z, 0)


def lipschitz_constant(D) -> float:
    """``2 ||D||_2^2``: the Lipschitz constant of the gradient of ``||x - D h||^2``, so 1 / it is a safe step."""
    D = _check_matrix(D, "D").astype(np.float64, copy=False)
    # ||D||_2^2 is the largest eigenvalue of the smaller Gram matrix: far cheaper than an SVD
    gram = D @ D.T if D.shape[0] <= D.shape[1] else D.T @ D
    return 2.0 * float(np.linalg.eigvalsh(gram)[-1])


def duality_gap(X, D, H, lam: float, nonnegative: bool = False) -> np.ndarray:
    """Per example, an upper bound on ``objective(h) - min objective``: 0 exactly at the optimum.

    The dual point is the residual ``x - D h``, scaled to satisfy ``|D^T theta| <= lam / 2``
    (``D^T theta <= lam / 2`` for non-negative codes).
    """
    X, D, lam = _check_problem(X, D, lam)
    H = _check_codes(H, X, D)
    return _duality_gap(X, D, H, lam, _check_nonnegative(nonnegative))


def _duality_gap(X, D, H, lam, nonnegative):
    residual = X - H @ D.T
    correlation = residual @ D  # D^T r for every example, (n, K)
    largest = correlation.max(axis=1) if nonnegative else np.abs(correlation).max(axis=1)
    half_lam = lam / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(largest > half_lam, half_lam / largest, 1.0)
    primal = np.sum(residual**2, axis=1) + lam * np.sum(np.abs(H), axis=1)
    theta = scale[:, None] * residual
    dual = np.sum(X**2, axis=1) - np.sum((X - theta) ** 2, axis=1)
    return np.maximum(primal - dual, 0.0)


# -- ISTA and FISTA -------------------------------------------------------------------------

def ista(X, D, lam: float, max_iter: int = 1000, tol: float = 1e-4, nonnegative: bool = False,
         H0=None, track: bool = False, check_every: int = 10) -> Codes:
    """Codes of ``X`` on ``D`` by ISTA (proximal gradient): O(1/k) in the objective.

    An example is done when its duality gap (checked every ``check_every`` iterations)
    is at most ``tol`` times its objective; the solver stops when all are done, or after
    ``max_iter`` iterations (``tol=0`` runs them all). ``H0`` warm-starts from given codes.
    ``track=True`` records the objective after every iteration.
    """
    return _proximal_gradient(X, D, lam, max_iter, tol, nonnegative, H0, track, check_every, "none")


def fista(X, D, lam: float, max_iter: int = 1000, tol: float = 1e-4, nonnegative: bool = False,
          H0=None, track: bool = False, check_every: int = 10, restart: bool = True) -> Codes:
    """Codes of ``X`` on ``D`` by FISTA (Beck & Teboulle 2009): ISTA with momentum, O(1/k^2).

    With ``restart=True`` the momentum of an example is reset whenever it points uphill
    (O'Donoghue & Candes 2015), which keeps the O(1/k^2) guarantee in practice and is much
    faster once the non-zero codes have settled. Other arguments as in :func:`ista`.
    """
    if not isinstance(restart, (bool, np.bool_)):
        raise TypeError(f"restart must be True or False, got {restart!r}")
    momentum = "restart" if restart else "plain"
    return _proximal_gradient(X, D, lam, max_iter, tol, nonnegative, H0, track, check_every, momentum)


def _proximal_gradient(X, D, lam, max_iter, tol, nonnegative, H0, track, check_every, momentum):
    X, D, lam = _check_problem(X, D, lam)
    max_iter = check_positive_int(max_iter, "max_iter")
    check_every = check_positive_int(check_every, "check_every")
    nonnegative = _check_nonnegative(nonnegative)
    if isinstance(tol, bool) or not (isinstance(tol, (int, float)) and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a number >= 0 (a relative duality gap), got {tol!r}")
    codes = np.zeros((X.shape[0], D.shape[1]), X.dtype) if H0 is None else _check_codes(H0, X, D).copy()
    if nonnegative and np.any(codes < 0):
        raise ValueError("H0 has negative codes but nonnegative=True; clip them with np.maximum(H0, 0)")

    gram = D.T @ D  # the gradient of ||x - D h||^2 is 2 (D^T D h - D^T x)
    step = 1.0 / lipschitz_constant(D)
    threshold = lam * step
    # The examples still being solved; one done is dropped from the products.
    active = np.arange(X.shape[0])
    X_active, correlation = X, X @ D
    H = Y = codes
    t = np.ones(X.shape[0], X.dtype)  # in X's precision: float32 data stay float32
    objectives = []
    iteration = 0
    for iteration in range(1, max_iter + 1):
        gradient = 2.0 * (Y @ gram - correlation)
        H_next = soft_threshold(Y - step * gradient, threshold, nonnegative)
        if momentum == "none":
            Y = H_next
        else:
            t_next = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
            weight = (t - 1.0) / t_next
            if momentum == "restart":
                uphill = np.einsum("ij,ij->i", Y - H_next, H_next - H) > 0
                t_next[uphill], weight[uphill] = 1.0, 0.0
            Y = H_next + weight[:, None] * (H_next - H)
            t = t_next
        H = H_next
        if track:
            codes[active] = H
            objectives.append(float(_objective_per_example(X, D, codes, lam).sum()))
        if tol > 0 and iteration % check_every == 0:
            gaps = _duality_gap(X_active, D, H, lam, nonnegative)
            done = gaps <= tol * _objective_per_example(X_active, D, H, lam)
            if done.any():
                codes[active[done]] = H[done]
                keep = ~done
                active, X_active, correlation = active[keep], X_active[keep], correlation[keep]
                H, Y, t = H[keep], Y[keep], t[keep]
                if not len(active):
                    break
    codes[active] = H
    return Codes(codes, iteration, _relative_gap(X, D, codes, lam, nonnegative), np.asarray(objectives))


def _relative_gap(X, D, H, lam, nonnegative) -> float:
    total = float(_objective_per_example(X, D, H, lam).sum())
    gap = float(np.sum(_duality_gap(X, D, H, lam, nonnegative)))
    return gap / total if total > 0 else 0.0


def refit_on_support(X, D, H) -> np.ndarray:
    """Least-squares codes on the atoms each code already uses: undoes the l1 shrinkage.

    The l1 penalty picks the atoms and also shrinks their coefficients; refitting keeps the
    choice (the same zeros) and removes the shrinkage.
    """
    X, D, _ = _check_problem(X, D, 0.0)
    H = _check_codes(H, X, D)
    refit = np.zeros_like(H)
    gram, correlation = D.T @ D, X @ D
    for k, h in enumerate(H):
        support = np.flatnonzero(h)
        if not support.size:
            continue
        try:  # the normal equations: small and fast where the chosen atoms are independent
            if support.size > D.shape[0]:
                raise np.linalg.LinAlgError
            refit[k, support] = np.linalg.solve(gram[np.ix_(support, support)], correlation[k, support])
        except np.linalg.LinAlgError:
            refit[k, support] = np.linalg.lstsq(D[:, support], X[k], rcond=None)[0]
    return refit


# -- dictionary learning --------------------------------------------------------------------

def initial_dictionary(X, n_atoms: int, seed: int = 0) -> np.ndarray:
    """``n_atoms`` distinct non-blank examples of ``X``, scaled to unit norm, as atoms (m, K)."""
    X = _check_matrix(X, "X")
    n_atoms = check_positive_int(n_atoms, "n_atoms")
    usable = np.flatnonzero(np.linalg.norm(X, axis=1) > 0)
    if len(usable) < n_atoms:
        raise ValueError(f"n_atoms={n_atoms} but X has only {len(usable)} non-blank examples; "
                         "ask for fewer atoms or pass more data")
    chosen = np.random.default_rng(seed).choice(usable, n_atoms, replace=False)
    D = X[chosen].T.copy()
    return D / np.linalg.norm(D, axis=0)


def update_dictionary(X, D, H) -> np.ndarray:
    """One pass of block coordinate descent over the atoms (Mairal et al. 2010).

    Each atom in turn gets the exact minimiser of ``||X - H D^T||^2`` over the unit ball,
    the others fixed, so the reconstruction error never increases. Atoms no example uses are
    moved onto the residuals of the worst-reconstructed examples (their codes are 0, so the
    objective is unchanged).
    """
    X = _check_matrix(X, "X")
    D = _check_matrix(D, "D").astype(X.dtype, copy=True)
    H = _check_codes(H, X, D)
    usage = H.T @ H  # (K, K)
    target = X.T @ H  # (m, K)
    unused = np.flatnonzero(np.diag(usage) <= 0)
    if unused.size:  # the worst-reconstructed examples, worst first, one per unused atom
        residuals = X - H @ D.T
        worst = np.argsort(-np.sum(residuals**2, axis=1))[: unused.size]
        for j, k in zip(unused, worst):
            norm = np.linalg.norm(residuals[k])
            if norm > 0:
                D[:, j] = residuals[k] / norm
    for j in range(D.shape[1]):
        if usage[j, j] <= 0:
            continue
        atom = D[:, j] + (target[:, j] - D @ usage[:, j]) / usage[j, j]
        D[:, j] = atom / max(1.0, float(np.linalg.norm(atom)))
    return D


def learn_dictionary(X, n_atoms: int, lam: float, n_epochs: int = 20, seed: int = 0,
                     nonnegative: bool = False, D0=None, code_tol: float = 1e-3,
                     code_max_iter: int = 300) -> Dictionary:
    """Learn D and the codes of ``X`` by alternating a code step (FISTA) with a dictionary step.

    The code step starts from the previous codes and keeps, per example, whichever codes
    score lower, so together with :func:`update_dictionary` the objective never increases.
    ``D0`` (m, K) replaces the initial dictionary of :func:`initial_dictionary`.
    """
    X = _check_matrix(X, "X")
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    nonnegative = _check_nonnegative(nonnegative)
    if D0 is None:
        D = initial_dictionary(X, n_atoms, seed)
    else:
        D = check_dictionary(D0, "D0", bounded=True).astype(X.dtype)
        if D.shape[1] != n_atoms:
            raise ValueError(f"D0 has {D.shape[1]} atoms but n_atoms={n_atoms}")
    X, D, lam = _check_problem(X, D, lam)
    H = np.zeros((X.shape[0], D.shape[1]), X.dtype)
    objectives = [_objective_per_example(X, D, H, lam).sum()]
    for _ in range(n_epochs):
        previous = _objective_per_example(X, D, H, lam)
        candidate = fista(X, D, lam, max_iter=code_max_iter, tol=code_tol, nonnegative=nonnegative, H0=H).codes
        better = _objective_per_example(X, D, candidate, lam) < previous
        H = np.where(better[:, None], candidate, H)
        D = update_dictionary(X, D, H)
        objectives.append(_objective_per_example(X, D, H, lam).sum())
    return Dictionary(D, H, np.asarray(objectives, dtype=float))


def _objective_per_example(X, D, H, lam):
    reconstruction, penalty = _terms(X, D, H, lam)
    return reconstruction + penalty
