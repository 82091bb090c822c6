"""Argument checks shared by the public functions: one message per kind of mistake."""

from __future__ import annotations

import math

import numpy as np


def check_lam(lam, name: str = "lam") -> float:
    """Return ``lam`` as a float, or raise if it is not a finite number >= 0."""
    if isinstance(lam, bool) or not isinstance(lam, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(lam).__name__}")
    if not math.isfinite(lam) or lam < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {lam}")
    return float(lam)


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_positive_int(value, name: str) -> int:
    """Return ``value`` as an int, or raise unless it is an integer >= 1."""
    return _check_int(value, name, 1)


def check_count(value, name: str) -> int:
    """Return ``value`` as an int, or raise unless it is an integer >= 0."""
    return _check_int(value, name, 0)


def check_fraction(value, name: str) -> float:
    """Return ``value`` as a float, or raise unless it is a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not 0 <= value <= 1:  # also refuses NaN
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return float(value)


def check_rate(value, name: str = "rho") -> float:
    """Return ``value`` as a float, or raise unless it is a number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not 0 < value < 1:  # also refuses NaN
        raise ValueError(f"{name} must be strictly between 0 and 1 (a target firing rate), got {value}")
    return float(value)
