"""How sparse is a code? Measures of the activity of a layer of units.

Activations are arrays of shape (examples, units) or (examples, ...) (feature maps
are flattened: every spatial position of every channel is a unit). A unit is
*active* on an example when its activation is above ``threshold`` (0 for ReLU).

- :func:`avr` is the source's "average activity ratio": the mean NUMBER of active
  units per example (a count, despite the name); :func:`activity_ratio` divides it
  by the number of units.
- :func:`dead_units` are units active on no example of the data set.
- :func:`population_sparseness` (across units, per example) and
  :func:`lifetime_sparseness` (across examples, per unit) are the Treves-Rolls
  measure rescaled to [0, 1] (Willmore & Tolhurst 2001); :func:`hoyer_sparseness`
  is Hoyer's L1/L2 measure.
- :func:`relu_thresholds` is a ReLU unit's threshold as ``-bias / ||weights||``, comparable
  across units (the bias alone is not).
- :class:`ActivityStats` accumulates all of these over batches, so that a
  10,000 x 39,200 activation matrix never has to exist at once.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np


def _as_units(activations, name: str = "activations") -> np.ndarray:
    """Validate and reshape to (examples, units)."""
    a = np.asarray(activations)
    if a.dtype == object or not np.issubdtype(a.dtype, np.number) and a.dtype != bool:
        raise TypeError(f"{name} must be a numeric array, got dtype {a.dtype}")
    if a.ndim < 2:
        raise ValueError(
            f"{name} must have shape (examples, units, ...), got shape {a.shape}; "
            "for a single example use a[None, :]"
        )
    if a.shape[0] == 0 or a[0].size == 0:
        raise ValueError(f"{name} must hold at least one example and one unit, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contain NaN or infinite values")
    return a.reshape(a.shape[0], -1)


def _check_threshold(threshold: float) -> float:
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold}")
    return float(threshold)


def active_counts(activations, threshold: float = 0.0) -> np.ndarray:
    """Number of active units (activation > ``threshold``) of each example, shape (examples,)."""
    a = _as_units(activations)
    return (a > _check_threshold(threshold)).sum(axis=1)


def avr(activations, threshold: float = 0.0) -> float:
    """Average number of active units per example (the source's "AVR", a count)."""
    return float(active_counts(activations, threshold).mean())


def activity_ratio(activations, threshold: float = 0.0) -> float:
    """Average FRACTION of units active per example: ``avr / units``, in [0, 1]."""
    a = _as_units(activations)
    return avr(a, threshold) / a.shape[1]


def firing_rates(activations, threshold: float = 0.0) -> np.ndarray:
    """Fraction of examples on which each unit is active, shape (units,)."""
    a = _as_units(activations)
    return (a > _check_threshold(threshold)).mean(axis=0)


def dead_units(activations, threshold: float = 0.0) -> np.ndarray:
    """Boolean mask of the units active on NO example, shape (units,)."""
    return firing_rates(activations, threshold) == 0


def treves_rolls(rates, axis: int = -1) -> np.ndarray:
    """Treves-Rolls activity fraction ``a = (mean r)^2 / mean(r^2)`` along ``axis``.

    ``a`` is 1 when every entry is equal and ``1/n`` when one entry of ``n`` carries
    all the activity; it is NaN where all entries are zero (no activity to measure).
    Rates must be >= 0 (e.g. ReLU outputs).
    """
    r = np.asarray(rates, dtype=np.float64)
    if r.ndim == 0 or r.size == 0:
        raise ValueError(f"rates must be a non-empty array, got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError("rates contain NaN or infinite values")
    if np.any(r < 0):
        raise ValueError("rates must be >= 0 (Treves-Rolls sparseness is defined for non-negative rates)")
    return _treves_rolls_from_moments(r.mean(axis=axis), (r**2).mean(axis=axis))


def _treves_rolls_from_moments(mean, mean_square) -> np.ndarray:
    """``mean^2 / mean_square``, NaN where ``mean_square`` is 0 (no activity)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean_square > 0, mean**2 / np.where(mean_square > 0, mean_square, 1), np.nan)


def _sparseness_from_fraction(a: np.ndarray, n: int) -> np.ndarray:
    """Rescale a Treves-Rolls fraction to [0, 1]: 0 = all equal, 1 = a single active entry."""
    if n < 2:
        raise ValueError(f"sparseness needs at least 2 entries, got {n}")
    return (1.0 - a) / (1.0 - 1.0 / n)


def population_sparseness(activations) -> np.ndarray:
    """Sparseness of each example's code across units, in [0, 1], shape (examples,).

    1 means a single unit carries all the activity (a local code), 0 means all units
    are equally active (a dense code). NaN for an example with no active unit.
    """
    a = _as_units(activations)
    return _sparseness_from_fraction(treves_rolls(a, axis=1), a.shape[1])


def lifetime_sparseness(activations) -> np.ndarray:
    """Sparseness of each unit's responses across examples, in [0, 1], shape (units,).

    1 means the unit responds to a single example, 0 that it responds equally to
    all. NaN for a dead unit.
    """
    a = _as_units(activations)
    return _sparseness_from_fraction(treves_rolls(a, axis=0), a.shape[0])


def relu_thresholds(weights, bias) -> np.ndarray:
    """Per unit of ``ReLU(x @ weights + bias)``, ``-bias / ||weights column||``.

    A unit is zero unless the input's projection on the unit's weight direction,
    ``x . w / ||w||``, exceeds this threshold: unlike the bias alone, it can be compared
    across units and layers whose weights have different norms.
    """
    w = np.asarray(weights, dtype=np.float64)
    b = np.asarray(bias, dtype=np.float64)
    if w.ndim != 2 or b.shape != (w.shape[1],):
        raise ValueError(f"weights must be (inputs, units) and bias (units,); got {w.shape} and {b.shape}")
    norms = np.linalg.norm(w, axis=0)
    if np.any(norms == 0) or not np.all(np.isfinite(w)) or not np.all(np.isfinite(b)):
        raise ValueError("every unit needs finite, non-zero weights (a unit with zero weights has no threshold)")
    return -b / norms


def hoyer_sparseness(x, axis: int = -1) -> np.ndarray:
    """Hoyer's sparseness ``(sqrt(n) - |x|_1 / |x|_2) / (sqrt(n) - 1)`` along ``axis``.

    1 for a vector with a single non-zero entry, 0 for a vector whose entries all
    have the same magnitude; NaN for the zero vector.
    """
    v = np.asarray(x, dtype=np.float64)
    if v.ndim == 0 or v.size == 0:
        raise ValueError(f"x must be a non-empty array, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("x contains NaN or infinite values")
    n = v.shape[axis]
    if n < 2:
        raise ValueError(f"Hoyer sparseness needs at least 2 entries along axis {axis}, got {n}")
    l1 = np.abs(v).sum(axis=axis)
    l2 = np.sqrt((v**2).sum(axis=axis))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(l2 > 0, l1 / np.where(l2 > 0, l2, 1), np.nan)
    return (np.sqrt(n) - ratio) / (np.sqrt(n) - 1)


class ActivityStats:
    """Accumulates activity measures over batches of activations.

    >>> stats = ActivityStats()
    >>> for batch in batches:          # each (batch_examples, units, ...)
    ...     stats.update(batch)
    >>> stats.avr, stats.dead_units.sum()

    Memory is O(units + examples), never O(units x examples).
    """

    def __init__(self, threshold: float = 0.0):
        self.threshold = _check_threshold(threshold)
        self.units: int | None = None
        self.n_examples = 0
        self._active_per_unit = None
        self._sum = None
        self._sum_of_squares = None
        self._counts: list[np.ndarray] = []
        self._population: list[np.ndarray] = []

    def update(self, activations) -> "ActivityStats":
        """Add a batch of activations (examples, units, ...); returns ``self``."""
        a = _as_units(activations)
        if self.units is None:
            self.units = a.shape[1]
            self._active_per_unit = np.zeros(self.units, dtype=np.int64)
            self._sum = np.zeros(self.units)
            self._sum_of_squares = np.zeros(self.units)
        elif a.shape[1] != self.units:
            raise ValueError(f"batch has {a.shape[1]} units, earlier batches had {self.units}")
        active = a > self.threshold
        self.n_examples += a.shape[0]
        self._active_per_unit += active.sum(axis=0)
        self._counts.append(active.sum(axis=1))
        if self.units > 1 and np.all(a >= 0):
            self._population.append(population_sparseness(a))
        a64 = a.astype(np.float64)
        self._sum += a64.sum(axis=0)
        self._sum_of_squares += (a64**2).sum(axis=0)
        return self

    def _require_data(self):
        if self.n_examples == 0:
            raise ValueError("no activations yet: call update() with at least one batch")

    @property
    def active_counts(self) -> np.ndarray:
        """Number of active units of each example seen, shape (examples,)."""
        self._require_data()
        return np.concatenate(self._counts)

    @property
    def avr(self) -> float:
        """Average number of active units per example (see :func:`avr`)."""
        return float(self.active_counts.mean())

    @property
    def activity_ratio(self) -> float:
        """``avr / units``."""
        return self.avr / self.units

    @property
    def firing_rates(self) -> np.ndarray:
        """Fraction of examples on which each unit was active, shape (units,)."""
        self._require_data()
        return self._active_per_unit / self.n_examples

    @property
    def dead_units(self) -> np.ndarray:
        """Mask of units active on no example seen."""
        return self.firing_rates == 0

    @property
    def dead_fraction(self) -> float:
        """Fraction of units active on no example seen."""
        return float(self.dead_units.mean())

    @property
    def population_sparseness(self) -> np.ndarray:
        """Per-example population sparseness (see :func:`population_sparseness`)."""
        self._require_data()
        if len(self._population) != len(self._counts):
            raise ValueError("population sparseness needs non-negative activations and at least 2 units")
        return np.concatenate(self._population)

    @property
    def lifetime_sparseness(self) -> np.ndarray:
        """Per-unit lifetime sparseness (see :func:`lifetime_sparseness`)."""
        self._require_data()
        n = self.n_examples
        fraction = _treves_rolls_from_moments(self._sum / n, self._sum_of_squares / n)
        return _sparseness_from_fraction(fraction, n)


def activity_stats(batches: Iterable, threshold: float = 0.0) -> ActivityStats:
    """:class:`ActivityStats` of an iterable of activation batches."""
    stats = ActivityStats(threshold)
    for batch in batches:
        stats.update(batch)
    return stats


def linear_probe_accuracy(codes_train, y_train, codes_test, y_test, alpha: float = 1.0) -> float:
    """Test accuracy of a linear classifier trained on codes: how much of the label a code makes linear.

    The classifier is scikit-learn's ``RidgeClassifier`` (least squares onto the one-hot
    labels, ridge ``alpha``, solved by SVD) on standardised codes (each unit scaled to unit variance on the
    training codes, so that units of any scale count alike): one linear solve, no
    iterations to converge, the same answer every time.
    """
    from sklearn.linear_model import RidgeClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    codes_train, codes_test = _as_units(codes_train, "codes_train"), _as_units(codes_test, "codes_test")
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if len(y_train) != len(codes_train) or len(y_test) != len(codes_test):
        raise ValueError(f"each code set needs one label per example, got {len(codes_train)} codes and "
                         f"{len(y_train)} labels for training, {len(codes_test)} and {len(y_test)} for testing")
    if codes_train.shape[1] != codes_test.shape[1]:
        raise ValueError(f"training and test codes must have the same units, got {codes_train.shape[1]} and {codes_test.shape[1]}")
    if len(np.unique(y_train)) < 2:
        raise ValueError("the training labels must hold at least 2 classes")
    probe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=alpha, solver="svd"))  # stable when units correlate
    probe.fit(codes_train, y_train)
    return float((probe.predict(codes_test) == y_test).mean())
