"""The 2-D Gabor function and its least-squares fit to an image patch (an atom, a filter).

A Gabor is a plane wave under a Gaussian envelope, the model Jones & Palmer (1987) fitted to
the receptive fields of simple cells in V1::

    g(x, y) = A exp(-u^2 / (2 su^2) - v^2 / (2 sv^2)) cos(2 pi f u + phase)
    u =  (x - x0) cos(theta) + (y - y0) sin(theta)    (across the stripes)
    v = -(x - x0) sin(theta) + (y - y0) cos(theta)    (along the stripes)

``x`` counts columns and ``y`` rows, from 0; ``theta`` (radians, in [0, pi)) is the direction
of the wave vector, so the stripes run at ``theta + pi/2``; ``f`` is in cycles per pixel.
:func:`fit_gabor` returns these parameters with the fit's R²; ``aspect`` is
``sigma_v / sigma_u`` (``sv / su`` above; above 1: the envelope is longer along the stripes
than across them).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .checks import check_positive_int

GOOD_FIT_R2 = 0.8  #: A fit with at least this R² counts as a Gabor (the chapter's "well fit").
PARAMETERS = ("x0", "y0", "theta", "frequency", "phase", "sigma_u", "sigma_v", "amplitude")  #: In the order of gabor().
_FFT_SIZE = 64  # the atom is zero-padded to this many pixels a side to find its frequency peak
_GOOD_ENOUGH_R2 = 0.95  # a start whose fit reaches this R² ends the search (the others cost time)


class GaborFit(NamedTuple):
    """The parameters of a fitted Gabor (see the module's docstring) and the fit's R²."""

    x0: float
    y0: float
    theta: float  # wave-vector direction, radians in [0, pi)
    frequency: float  # cycles per pixel
    phase: float  # radians in [0, 2 pi)
    sigma_u: float  # envelope width across the stripes, pixels
    sigma_v: float  # envelope width along the stripes, pixels
    amplitude: float  # > 0
    r2: float

    @property
    def aspect(self) -> float:
        """``sigma_v / sigma_u``: the envelope's length along the stripes over its width across."""
        return self.sigma_v / self.sigma_u

    @property
    def wavelengths(self) -> float:
        """Wavelengths of the wave inside the envelope's width across the stripes (``sigma_u * f``)."""
        return self.sigma_u * self.frequency


def _grid(shape):
    y, x = np.mgrid[0:shape[0], 0:shape[1]]
    return x.astype(np.float64), y.astype(np.float64)


def _gabor(x, y, x0, y0, theta, frequency, phase, sigma_u, sigma_v, amplitude):
    c, s = math.cos(theta), math.sin(theta)
    u = (x - x0) * c + (y - y0) * s
    v = -(x - x0) * s + (y - y0) * c
    return amplitude * np.exp(-u**2 / (2 * sigma_u**2) - v**2 / (2 * sigma_v**2)) * np.cos(2 * np.pi * frequency * u + phase)


def gabor(shape, x0: float, y0: float, theta: float, frequency: float, phase: float,
          sigma_u: float, sigma_v: float, amplitude: float = 1.0) -> np.ndarray:
    """The Gabor with these parameters sampled on a grid of ``shape`` (rows, columns)."""
    if not (isinstance(shape, (tuple, list)) and len(shape) == 2):
        raise TypeError(f"shape must be (rows, columns), got {shape!r}")
    shape = (check_positive_int(shape[0], "shape[0]"), check_positive_int(shape[1], "shape[1]"))
    values = {"x0": x0, "y0": y0, "theta": theta, "frequency": frequency, "phase": phase,
              "sigma_u": sigma_u, "sigma_v": sigma_v, "amplitude": amplitude}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
    if sigma_u <= 0 or sigma_v <= 0:
        raise ValueError(f"the envelope widths must be > 0, got sigma_u={sigma_u}, sigma_v={sigma_v}")
    if frequency < 0:
        raise ValueError(f"frequency must be >= 0 (cycles per pixel), got {frequency}")
    return _gabor(*_grid(shape), **{k: float(v) for k, v in values.items()})


def _canonical(p) -> np.ndarray:
    """The same Gabor with amplitude > 0, theta in [0, pi), phase in [0, 2 pi) and f >= 0."""
    x0, y0, theta, frequency, phase, su, sv, amplitude = (float(v) for v in p)
    su, sv = abs(su), abs(sv)
    if frequency < 0:  # cos(-a + phase) = cos(a - phase)
        frequency, phase = -frequency, -phase
    if amplitude < 0:
        amplitude, phase = -amplitude, phase + np.pi
    turns = math.floor(theta / np.pi)  # theta -> theta - pi flips u: cos(-a + phase) = cos(a - phase)
    theta -= turns * np.pi
    if turns % 2:
        phase = -phase
    return np.array([x0, y0, theta, frequency, phase % (2 * np.pi), su, sv, amplitude])


def _initial_guesses(patch):
    """Starting points: position from the energy centroid, envelope from its spread, frequency
    and direction from the peak of the zero-padded FFT, amplitude and phase by linear least
    squares with the rest fixed."""
    rows, columns = patch.shape
    x, y = _grid(patch.shape)
    energy = patch**2
    total = energy.sum()
    x0, y0 = (energy * x).sum() / total, (energy * y).sum() / total
    spread = math.sqrt(max(((energy * ((x - x0) ** 2 + (y - y0) ** 2)).sum() / total), 0.25))
    size = max(_FFT_SIZE, 2 * max(rows, columns))
    spectrum = np.abs(np.fft.fft2(patch - patch.mean(), s=(size, size)))
    fy, fx = np.fft.fftfreq(size)[:, None], np.fft.fftfreq(size)[None, :]
    spectrum = np.where(fx < 0, 0.0, spectrum)  # each peak appears twice, at +f and -f: keep fx >= 0
    guesses = []
    for flat in np.argsort(spectrum.ravel())[::-1][:1]:
        i, j = np.unravel_index(flat, spectrum.shape)
        frequency = float(np.hypot(fx[0, j], fy[i, 0]))
        theta = float(np.arctan2(fy[i, 0], fx[0, j]))
        for sigma in (spread, spread / 2, max(rows, columns) / 3):
            guesses.append(_with_linear_phase(patch, x, y, x0, y0, theta, frequency, max(sigma, 0.5)))
    return guesses


def _with_linear_phase(patch, x, y, x0, y0, theta, frequency, sigma):
    c, s = math.cos(theta), math.sin(theta)
    u = (x - x0) * c + (y - y0) * s
    v = -(x - x0) * s + (y - y0) * c
    envelope = np.exp(-(u**2 + v**2) / (2 * sigma**2))
    basis = np.stack([(envelope * np.cos(2 * np.pi * frequency * u)).ravel(),
                      (envelope * np.sin(2 * np.pi * frequency * u)).ravel()], axis=1)
    (a, b), *_ = np.linalg.lstsq(basis, patch.ravel(), rcond=None)
    # a cos(w) + b sin(w) = A cos(w + phase) with A = hypot(a, b), phase = atan2(-b, a)
    return np.array([x0, y0, theta, frequency, math.atan2(-b, a), sigma, sigma, math.hypot(a, b) or 1e-3])


def fit_gabor(patch, shape=None) -> GaborFit:
    """Fit a Gabor to ``patch`` (2-D, or flattened with ``shape``) by least squares.

    Starts from a few guesses (the energy centroid and spread, the FFT's peak), refines each in turn with
    ``scipy.optimize.least_squares`` (the centre kept within a patch's width of the patch,
    the envelope between 0.3 pixels and three times the patch, the frequency up to the Nyquist
    frequency 0.5) until one reaches R² = 0.95, and returns the best, with
    R² = 1 - (residual sum of squares) / (sum of squares about the patch's mean).
    """
    from scipy.optimize import least_squares

    patch = np.asarray(patch)
    if patch.dtype == object or not np.issubdtype(patch.dtype, np.number):
        raise TypeError(f"patch must be a numeric array, got dtype {patch.dtype}")
    if shape is not None:
        if patch.ndim != 1 or not (isinstance(shape, (tuple, list)) and len(shape) == 2) \
                or patch.size != shape[0] * shape[1]:
            raise ValueError(f"with shape={shape!r}, patch must be a flat array of {shape!r} pixels, "
                             f"got shape {patch.shape}")
        patch = patch.reshape(shape)
    if patch.ndim != 2:
        raise ValueError(f"patch must be 2-D (rows, columns), or flat with shape=..., got shape {patch.shape}")
    if min(patch.shape) < 3:
        raise ValueError(f"patch must be at least 3 x 3 pixels, got {patch.shape}")
    if not np.all(np.isfinite(patch)):
        raise ValueError("patch holds NaN or infinite values")
    patch = patch.astype(np.float64)
    total = float(((patch - patch.mean()) ** 2).sum())
    if total == 0:
        raise ValueError("patch is constant: there is no Gabor to fit")
    scale = float(np.abs(patch).max())
    patch = patch / scale
    total /= scale**2
    rows, columns = patch.shape
    x, y = _grid(patch.shape)
    width = max(rows, columns)
    lower = [-width / 2, -width / 2, -np.inf, 0.0, -np.inf, 0.3, 0.3, -np.inf]
    upper = [columns - 1 + width / 2, rows - 1 + width / 2, np.inf, 0.5, np.inf, 3 * width, 3 * width, np.inf]

    def residuals(p):
        return (_gabor(x, y, *p) - patch).ravel()

    best, best_cost = None, np.inf
    for guess in _initial_guesses(patch):
        guess = np.clip(guess, np.add(lower, 1e-9), np.subtract(upper, 1e-9))
        result = least_squares(residuals, guess, bounds=(lower, upper), x_scale="jac", max_nfev=400)
        if result.cost < best_cost:
            best, best_cost = result.x, result.cost
        if 1 - 2 * best_cost / total >= _GOOD_ENOUGH_R2:
            break
    p = _canonical(best)
    p[-1] *= scale
    return GaborFit(*(float(v) for v in p), r2=float(1 - 2 * best_cost / total))


def fit_gabors(atoms, side: int) -> dict[str, np.ndarray]:
    """:func:`fit_gabor` on every column of ``atoms`` (side * side, n); the parameters and R² as
    arrays of length n keyed by name (:data:`PARAMETERS`, ``"r2"`` and ``"aspect"``)."""
    atoms = np.asarray(atoms)
    side = check_positive_int(side, "side")
    if atoms.ndim != 2 or atoms.shape[0] != side * side:
        raise ValueError(f"atoms must be (side * side, n) = ({side * side}, n), one atom per column; "
                         f"got shape {atoms.shape}")
    fits = [fit_gabor(atoms[:, k], (side, side)) for k in range(atoms.shape[1])]
    table = {name: np.array([getattr(fit, name) for fit in fits]) for name in (*PARAMETERS, "r2")}
    table["aspect"] = table["sigma_v"] / table["sigma_u"]
    return table
