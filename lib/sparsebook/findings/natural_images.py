"""What *Sparse coding of natural images* concludes from the committed ``natural_images`` study.

Each function takes the study's ``summary`` (and, where named, arrays of
:func:`sparsebook.sweep.load_study`) and returns a dict of numbers and whole sentences, which
the chapter glues under the same keys.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ..gabor import GOOD_FIT_R2
from ..images import spectrum_slope

LOCALISED_RATIO = 0.5  #: Atoms on at most this share of PCA's median footprint count as clearly more localised.
EDGE_CYCLES = 0.1  #: A fit with fewer cycles than this per envelope width is a single edge, not a grating.
#: The frequencies (cycles per pixel) between which the study fits the spectra's slopes:
#: :func:`sparsebook.images.spectrum_slope`'s defaults, which the study uses.
SLOPE_BAND = tuple(inspect.signature(spectrum_slope).parameters[name].default for name in ("low", "high"))
SECTORS = 4  #: Orientations are counted in this many sectors of 180° / SECTORS, centred on 0°, 45°, ...


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _signed(x: float, digits: int = 2) -> str:
    """``−1.14``: a number with a true minus sign, as the prose writes it."""
    return f"{x:.{digits}f}".replace("-", "−")


def _lam(lam: float) -> str:
    return f"{lam:g}"


def _check_summary(summary, keys=("dictionaries", "pca", "ica", "main_lam")) -> dict:
    if not isinstance(summary, dict):
        raise TypeError(f"summary must be the natural_images study's summary (a dict), got {type(summary).__name__}")
    missing = [key for key in keys if key not in summary]
    if missing:
        raise ValueError(f"summary lacks {missing}; load it with sweep.load_study('natural_images')")
    return summary


def main_dictionary(summary: dict) -> tuple[int, dict]:
    """The index and record of the dictionary at the study's ``main_lam``."""
    summary = _check_summary(summary)
    for i, record in enumerate(summary["dictionaries"]):
        if math.isclose(record["lam"], summary["main_lam"]):
            return i, record
    raise ValueError(f"the study has no dictionary at its main λ = {summary['main_lam']}")


def _movement(values, write) -> str:
    """``rises from a (through b) to c`` / ``falls from ...`` / ``moves from a through b to c``.

    Steps are judged on the values as written: a change the prose cannot show is no change
    (``rises from 56% to 68%, then stays there``, not ``rises from 56% through 68% to 68%``).
    """
    shown = [write(v) for v in values]
    values = list(values)
    flat = [a == b for a, b in zip(shown, shown[1:])]
    steps = np.diff(values)
    if all(flat):
        return f"stays at {shown[0]}"
    trailing = 0  # flat steps at the end
    while flat[len(flat) - 1 - trailing]:
        trailing += 1
    moving, kept = shown[:len(shown) - trailing], values[:len(values) - trailing]
    moving_steps = np.diff(kept)
    if any(flat[:len(flat) - trailing]):
        rising = all(s > 0 or f for s, f in zip(steps, flat))
        falling = all(s < 0 or f for s, f in zip(steps, flat))
        word = "does not fall" if rising else "does not rise" if falling else "moves"
        return f"{word}: {', '.join(shown)}"
    middle = "".join(f" through {v}" for v in moving[1:-1])
    word = "rises" if np.all(moving_steps > 0) else "falls" if np.all(moving_steps < 0) else "moves"
    text = f"{word} from {moving[0]}{middle} to {moving[-1]}"
    return text + (", then stays there" if trailing else "")


def spectrum_findings(summary: dict) -> dict:
    """The photographs' spectral slopes before and after whitening, and ``spectrum_sentence``."""
    spectra = _check_summary(summary, ("spectra",))["spectra"]
    parts, near, flatter = [], 0, 0
    for name, record in spectra.items():
        raw, white = record["slope_raw"], record["slope_white"]
        parts.append(f"{_signed(raw)} for {name}.jpg ({_signed(white)} after whitening)")
        near += abs(raw + 1) <= 0.3
        flatter += abs(white) < abs(raw)
    n = len(spectra)
    verdict = ("close to the −1 of a 1/f spectrum" if near == n else
               f"within 0.3 of the −1 of a 1/f spectrum for {near} of the {n} photographs")
    whitened = ("Whitening flattens every spectrum" if flatter == n else
                f"Whitening flattens the spectrum of {flatter} of the {n} photographs")
    low, high = SLOPE_BAND
    sentence = (f"Fitted on log–log axes between {low:g} and {high:g} cycles per pixel, the slopes are "
                f"{' and '.join(parts)}: {verdict}. {whitened}: the filter's factor f adds about 1 to a slope "
                "(its roll-off matters little in this band, below f₀), so what is left is how much faster than 1/f a "
                "spectrum falls.")
    return {"spectrum_sentence": sentence, "n_images": n,
            **{f"slope_raw_{name}": _signed(record["slope_raw"]) for name, record in spectra.items()}}


def gabor_findings(summary: dict) -> dict:
    """How many atoms a Gabor fits, per method, at the main λ: ``gabor_sentence`` and its numbers."""
    summary = _check_summary(summary)
    _, record = main_dictionary(summary)
    stats = {"sparse": record["gabor"], "ica": summary["ica"], "pca": summary["pca"]}
    fraction = {key: s["well_fit_fraction"] for key, s in stats.items()}
    first = (f"A Gabor fits {_pct(fraction['sparse'])} of the sparse-coding atoms well (R² ≥ {GOOD_FIT_R2:g}), "
             f"{_pct(fraction['ica'])} of ICA's basis functions and {_pct(fraction['pca'])} of PCA's components.")
    if fraction["sparse"] > fraction["pca"] and fraction["ica"] > fraction["pca"]:
        verdict = "Sparse coding and ICA both learn Gabor-like atoms far more often than PCA does."
        if min(fraction["sparse"], fraction["ica"]) < 2 * fraction["pca"]:
            verdict = "Sparse coding and ICA both learn Gabor-like atoms more often than PCA does."
    elif fraction["sparse"] > fraction["pca"]:
        verdict = "Sparse coding learns Gabor-like atoms more often than PCA does; ICA does not."
    else:
        verdict = "Here sparse coding does not learn Gabor-like atoms more often than PCA does."

    return {"gabor_sentence": f"{first} {verdict}",
            **{f"well_fit_{key}": _pct(value) for key, value in fraction.items()},
            "good_fit_r2": f"{GOOD_FIT_R2:g}"}


def shape_findings(table: dict, what: str = "well-fit sparse-coding atoms") -> dict:
    """The shapes of the atoms a Gabor fits well, from their fitted parameters ``table``
    (``frequency``, ``sigma_u``, ``aspect`` and ``r2`` arrays): ``shape_sentence``.

    A fit whose wave makes less than EDGE_CYCLES of a cycle per envelope width (``f sigma_u``)
    is a single edge, a derivative of a Gaussian, whatever its fitted frequency; the others are
    bars and gratings, whose frequency is their own.
    """
    try:
        frequency, sigma_u, aspect, r2 = (np.asarray(table[key], dtype=np.float64)
                                          for key in ("frequency", "sigma_u", "aspect", "r2"))
    except (KeyError, TypeError):
        raise ValueError("table must hold frequency, sigma_u, aspect and r2 arrays (the study's gabor_<i>_* "
                         "arrays, without the prefix)") from None
    if not (frequency.shape == sigma_u.shape == aspect.shape == r2.shape) or r2.ndim != 1:
        raise ValueError("the arrays of table must be 1-D of one length")
    good = r2 >= GOOD_FIT_R2
    if not good.any():
        return {"shape_sentence": f"No atom is well fit, so the shapes of {what} are not summarised.",
                "shape_summary": "have no envelopes to measure", "edge_share": None}
    edges = frequency[good] * sigma_u[good] < EDGE_CYCLES
    bars = frequency[good][~edges]
    kinds = (f"Of the {good.sum()} {what}, {_pct(edges.mean())} are single edges (the fitted wave makes less "
             f"than {EDGE_CYCLES:g} of a cycle across the envelope, which leaves one light and one dark lobe)")
    if bars.size:
        median = float(np.median(bars))
        kinds += (f" and {_pct(1 - edges.mean())} are bars and gratings with a median spatial frequency of "
                  f"{median:.2f} cycles per pixel (a wavelength of {1 / median:.1f} pixels).")
    else:
        kinds += "; none is a bar or grating."
    ratio = float(np.median(aspect[good]))
    along = "longer along their stripes than across them" if ratio > 1 else "no longer along their stripes than across"
    return {"shape_sentence": f"{kinds} Their envelopes are {along} (median ratio {ratio:.1f}).",
            "shape_summary": f"their envelopes are {along} (median ratio {ratio:.1f})",
            "edge_share": _pct(edges.mean())}


def energy_footprint(atoms) -> np.ndarray:
    """The share of its pixels over which each atom (a column of ``atoms``) spreads its energy:
    the participation ratio ``(sum a^2)^2 / sum a^4`` over the number of pixels. One pixel
    alone gives 1/pixels, a flat atom 1, a plane wave about 2/3."""
    atoms = np.asarray(atoms, dtype=np.float64)
    if atoms.ndim != 2 or atoms.size == 0:
        raise ValueError(f"atoms must be a non-empty 2-D array (pixels, atoms), got shape {atoms.shape}")
    energy = atoms**2
    fourth = (energy**2).sum(axis=0)
    if np.any(fourth == 0):
        raise ValueError("an atom is all zeros: it has no energy to locate")
    return energy.sum(axis=0) ** 2 / fourth / atoms.shape[0]


def localisation_findings(sparse_atoms, ica_atoms, pca_atoms) -> dict:
    """The median :func:`energy_footprint` of each method's atoms: ``localisation_sentence``."""
    median = {key: float(np.median(energy_footprint(atoms)))
              for key, atoms in (("sparse", sparse_atoms), ("ica", ica_atoms), ("pca", pca_atoms))}
    first = (f"Measured without a model, a sparse-coding atom spreads its energy over a median of "
             f"{_pct(median['sparse'])} of the patch's pixels, an ICA basis function over {_pct(median['ica'])} "
             f"and a PCA component over {_pct(median['pca'])}")
    ica = ("ICA's too" if median["ica"] <= LOCALISED_RATIO * median["pca"] else
           "ICA's less clearly" if median["ica"] < median["pca"] else "ICA's are not")
    if median["sparse"] <= LOCALISED_RATIO * median["pca"]:
        verdict = f"sparse coding's atoms are localised where PCA's components spread over the patch ({ica})."
    elif median["sparse"] < median["pca"]:
        verdict = f"sparse coding's atoms are only somewhat more localised than PCA's components ({ica})."
    else:
        verdict = "here sparse coding's atoms are not more localised than PCA's components."
    return {"localisation_sentence": f"{first}: {verdict}",
            **{f"footprint_{key}": _pct(value) for key, value in median.items()}}


def orientation_findings(theta, r2, what: str = "well-fit sparse-coding atoms") -> dict:
    """How the orientations (wave-vector direction ``theta``, radians) of the atoms with
    R² ≥ GOOD_FIT_R2 fall into SECTORS sectors: ``orientation_sentence``. A bias towards (or
    away from) horizontal and vertical is claimed only beyond two binomial standard errors
    of an even split."""
    theta, r2 = np.asarray(theta, dtype=np.float64), np.asarray(r2, dtype=np.float64)
    if theta.shape != r2.shape or theta.ndim != 1:
        raise ValueError(f"theta and r2 must be 1-D of one length, got {theta.shape} and {r2.shape}")
    good = theta[r2 >= GOOD_FIT_R2]
    if good.size == 0:
        return {"orientation_sentence": f"No atom is well fit, so there are no orientations of {what} to count.",
                "orientation_summary": "have no orientations to count (none is well fit)", "sector_shares": []}
    width = np.pi / SECTORS
    sectors = np.floor(((good + width / 2) % np.pi) / width).astype(int)
    shares = np.bincount(sectors, minlength=SECTORS) / good.size
    degrees = 180 // SECTORS
    cardinal = shares[0] + shares[SECTORS // 2]
    if shares.min() > 0:
        cover = (f"The orientations of the {good.size} {what} cover all {SECTORS} sectors of {degrees}°, each "
                 f"holding between {_pct(shares.min())} and {_pct(shares.max())} of them")
    else:
        cover = (f"The orientations of the {good.size} {what} leave {int(np.sum(shares == 0))} of the {SECTORS} "
                 f"sectors of {degrees}° empty")
    # Orientations spread evenly put half the atoms near horizontal and vertical; a share within
    # two binomial standard errors of 1/2 is what chance gives with this many atoms.
    margin = 2 * math.sqrt(0.25 / good.size)
    shares_text = f"{_pct(cardinal)} against {_pct(1 - cardinal)}"
    if cardinal > 0.5 + margin:
        bias = f"more of them lie near horizontal and vertical than near the diagonals ({shares_text})"
    elif cardinal < 0.5 - margin:
        bias = f"fewer of them lie near horizontal and vertical than near the diagonals ({shares_text})"
    else:
        bias = (f"about as many lie near horizontal and vertical as near the diagonals ({shares_text}, within "
                f"two standard errors of an even split for {good.size} atoms)")
    summary = (f"cover all {SECTORS} orientation sectors of {degrees}°" if shares.min() > 0 else
               f"leave {int(np.sum(shares == 0))} of the {SECTORS} orientation sectors of {degrees}° empty")
    return {"orientation_sentence": f"{cover}; {bias}.",
            "orientation_summary": summary, "sector_shares": [float(v) for v in shares]}


def position_findings(x0, y0, r2, side: int, what: str = "well-fit sparse-coding atoms") -> dict:
    """Where the centres ``(x0, y0)`` (pixels) of the atoms with R² ≥ GOOD_FIT_R2 lie in a patch
    of ``side`` pixels: inside it, and in each of its four quarters (``position_sentence``)."""
    x0, y0, r2 = (np.asarray(v, dtype=np.float64) for v in (x0, y0, r2))
    if not (x0.shape == y0.shape == r2.shape) or x0.ndim != 1:
        raise ValueError(f"x0, y0 and r2 must be 1-D of one length, got {x0.shape}, {y0.shape}, {r2.shape}")
    if isinstance(side, bool) or not isinstance(side, (int, np.integer)) or side < 2:
        raise ValueError(f"side must be an int >= 2 (pixels), got {side!r}")
    good = r2 >= GOOD_FIT_R2
    if not good.any():
        return {"position_sentence": f"No atom is well fit, so there are no centres of {what} to place.",
                "position_summary": "have no centres to place (none is well fit)"}
    x, y = x0[good], y0[good]
    inside = (x >= -0.5) & (x <= side - 0.5) & (y >= -0.5) & (y <= side - 0.5)
    middle = (side - 1) / 2
    quarters = np.bincount(2 * (y[inside] > middle) + (x[inside] > middle), minlength=4) / max(inside.sum(), 1)
    first = f"The centres of {_pct(inside.mean())} of the {good.sum()} {what} lie inside the patch"
    if quarters.min() >= 0.1:
        rest = (f", spread over all four of its quarters (each holds between {_pct(quarters.min())} and "
                f"{_pct(quarters.max())} of them).")
        summary = "their centres spread over every quarter of the patch"
    else:
        rest = (f", but not evenly: one quarter of the patch holds only {_pct(quarters.min())} of them and "
                f"another {_pct(quarters.max())}.")
        summary = "their centres crowd into part of the patch"
    return {"position_sentence": first + rest, "position_summary": summary}


def lam_findings(summary: dict) -> dict:
    """How the dictionaries change along the study's λ values: ``lam_sentence``."""
    records = sorted(_check_summary(summary)["dictionaries"], key=lambda r: r["lam"])
    if len(records) < 2:
        raise ValueError("the study needs dictionaries at two λ or more to say how they change")
    lams = [r["lam"] for r in records]
    sentence = (f"As λ goes from {_lam(lams[0])} to {_lam(lams[-1])}, the average number of atoms a "
                f"training patch uses {_movement([r['l0'] for r in records], lambda v: f'{v:.1f}')}, the share "
                f"of the patches' energy left unexplained "
                f"{_movement([r['relative_error'] for r in records], _pct)}, and the share of atoms a Gabor fits "
                f"well {_movement([r['gabor']['well_fit_fraction'] for r in records], _pct)}.")
    unused = [r["unused_atoms"] for r in records]
    idle = ("Every atom is used by some training patch at every λ." if max(unused) == 0 else
            f"Atoms no training patch uses: {', '.join(str(u) for u in unused)} at these λ.")
    well = _movement([r["gabor"]["well_fit_fraction"] for r in records], _pct)
    summary = (f"from λ = {_lam(lams[0])} to {_lam(lams[-1])} the share of atoms a Gabor fits well {well}")
    return {"lam_sentence": f"{sentence} {idle}", "lam_summary": summary,
            "lams_text": ", ".join(_lam(v) for v in lams)}


def ica_findings(summary: dict) -> dict:
    """Whether FastICA converged: ``ica_sentence``."""
    ica = _check_summary(summary, ("ica",))["ica"]
    if ica["iterations"] < ica["max_iter"]:
        sentence = f"FastICA converged after {ica['iterations']:,} iterations."
    else:
        sentence = (f"FastICA stopped at its limit of {ica['max_iter']:,} iterations without meeting its "
                    "tolerance; its basis functions are those it had then.")
    return {"ica_sentence": sentence}


def gabor_table(summary: dict) -> list[dict]:
    """One row per method (the dictionaries at every λ, ICA, PCA): atoms, share well fit, R²,
    median larger envelope width."""
    summary = _check_summary(summary)
    rows = [(f"sparse coding, λ = {_lam(r['lam'])}", r["gabor"]) for r in summary["dictionaries"]]
    rows += [("ICA (FastICA)", summary["ica"]), ("PCA", summary["pca"])]
    return [{"method": name, "atoms": s["n_atoms"], f"share with R² ≥ {GOOD_FIT_R2:g}": s["well_fit_fraction"],
             "mean R²": s["mean_r2"], "median R²": s["median_r2"], "median larger σ (pixels)": s["median_sigma_max_all"]}
            for name, s in rows]


#: How the page shows :func:`gabor_table`: for :func:`sparsebook.tables.table`.
GABOR_TABLE_COLUMNS = {
    "method": ("method", "text"),
    "atoms": ("atoms", "int"),
    f"share with R² ≥ {GOOD_FIT_R2:g}": (f"R² ≥ {GOOD_FIT_R2:g}", "percent"),
    "mean R²": ("mean R²", "number"),
    "median R²": ("median R²", "number"),
    "median larger σ (pixels)": ("σ (px)", "number"),
}
