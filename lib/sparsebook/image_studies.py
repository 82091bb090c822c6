"""The full-size study of *Sparse coding of natural images*, run by ``python -m sparsebook.sweep``.

``natural_images``: patches of the two whitened photographs of :mod:`sparsebook.images`,
dictionaries learned on them with :func:`sparsebook.solvers.learn_dictionary` (signed codes,
:data:`OVERCOMPLETE` times as many atoms as pixels) at each λ of :data:`LAMS`, PCA's components
and FastICA's basis functions of the same patches, and a Gabor fitted to every one of them
(:func:`sparsebook.gabor.fit_gabors`). Atoms are stored in float16, one per column.
"""

from __future__ import annotations

import numpy as np

from . import gabor, images, solvers
from .config import current_mode
from .metrics import avr
from .sweep import Study, register_study

PATCH_SIDE = {"quick": 8, "full": 12}  #: Patches are this many pixels a side.
N_PATCHES = {"quick": 2000, "full": 20_000}  #: Training patches, drawn from both photographs.
EPOCHS = {"quick": 10, "full": 40}  #: Epochs of dictionary learning at each λ.
OVERCOMPLETE = 2  #: Atoms per pixel of a patch.
LAMS = (1.0, 2.0, 4.0)  #: λ of the dictionaries (the patches' pixels have variance 1).
MAIN_LAM = 2.0  #: The λ the chapter compares with PCA and ICA.
DOWNSAMPLE = 2  #: The photographs are averaged over blocks of this many pixels a side before whitening.
CODE_TOL, CODE_MAX_ITER = 1e-2, 50  #: The code step of dictionary learning (FISTA).
ICA_MAX_ITER = 1000
SPECTRUM_BINS = 30
SEED = 0
ATOM_DTYPE = np.float16


def downsample_image(image, factor: int) -> np.ndarray:
    """``image`` averaged over ``factor`` x ``factor`` blocks (the rows and columns left over dropped)."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D, got shape {image.shape}")
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be an int >= 1, got {factor!r}")
    rows, columns = image.shape[0] // factor * factor, image.shape[1] // factor * factor
    if rows == 0 or columns == 0:
        raise ValueError(f"image {image.shape} is smaller than one {factor} x {factor} block")
    return image[:rows, :columns].reshape(rows // factor, factor, columns // factor, factor).mean(axis=(1, 3))


def whitened_images(downsample: int = DOWNSAMPLE) -> dict[str, np.ndarray]:
    """The photographs, grey, downsampled and whitened (:func:`sparsebook.images.whiten_image`), by name."""
    return {name: images.whiten_image(downsample_image(image, downsample))
            for name, image in images.load_images().items()}


def training_patches(side: int, n_patches: int, seed: int = SEED) -> np.ndarray:
    """``n_patches`` whitened patches of ``side`` pixels a side, float32, one per row."""
    return images.random_patches(list(whitened_images().values()), side, n_patches, seed).astype(np.float32)


def pca_components(patches) -> np.ndarray:
    """The principal components of ``patches`` (centred), as columns, largest variance first."""
    patches = np.asarray(patches, dtype=np.float64)
    _, _, vt = np.linalg.svd(patches - patches.mean(axis=0), full_matrices=False)
    return vt.T


def ica_components(patches, seed: int = SEED, max_iter: int = ICA_MAX_ITER) -> tuple[np.ndarray, int]:
    """FastICA's basis functions of ``patches`` (the columns of its mixing matrix), scaled to
    unit norm, and the iterations it ran."""
    import warnings

    from sklearn.decomposition import FastICA
    from sklearn.exceptions import ConvergenceWarning

    patches = np.asarray(patches, dtype=np.float64)
    ica = FastICA(n_components=patches.shape[1], whiten="unit-variance", random_state=seed, max_iter=max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the iterations run are recorded instead
        ica.fit(patches)
    mixing = ica.mixing_
    return mixing / np.linalg.norm(mixing, axis=0), int(ica.n_iter_)


def gabor_summary(table: dict, side: int) -> dict:
    """What the chapter reads from one method's Gabor fits: counts, R², and the medians of the
    well-fit atoms' parameters (``sigma_max``: the envelope's larger width, pixels)."""
    r2 = np.asarray(table["r2"])
    good = r2 >= gabor.GOOD_FIT_R2
    sigma_max = np.maximum(table["sigma_u"], table["sigma_v"])

    def median(values):
        return float(np.median(values[good])) if good.any() else None

    return {"n_atoms": int(len(r2)), "well_fit": int(good.sum()), "well_fit_fraction": float(good.mean()),
            "mean_r2": float(r2.mean()), "median_r2": float(np.median(r2)),
            "median_sigma_max_all": float(np.median(sigma_max)),
            "median_sigma_max": median(sigma_max), "median_frequency": median(np.asarray(table["frequency"])),
            "median_aspect": median(np.asarray(table["aspect"])), "side": int(side)}


def _gabor_arrays(prefix: str, table: dict) -> dict:
    return {f"{prefix}_{name}": np.asarray(values, dtype=np.float32) for name, values in table.items()}


def natural_images_study(mode: str | None = None):
    """Dictionaries at each λ of LAMS, PCA and ICA on the same whitened patches, all fitted with Gabors.

    Also the photographs' radially averaged amplitude spectra before and after whitening
    (``spectrum_<image>_<raw|white>``, at ``spectrum_frequencies_<image>``) with their slopes.
    """
    mode = current_mode(mode)
    side, n_patches = PATCH_SIDE[mode], N_PATCHES[mode]
    m = side * side
    n_atoms = OVERCOMPLETE * m
    summary = {"side": side, "n_pixels": m, "n_patches": n_patches, "n_atoms": n_atoms,
               "overcomplete": OVERCOMPLETE, "lams": list(LAMS), "main_lam": MAIN_LAM,
               "n_epochs": EPOCHS[mode], "code_tol": CODE_TOL, "code_max_iter": CODE_MAX_ITER,
               "downsample": DOWNSAMPLE, "whitening_f0": images.WHITENING_F0, "seed": SEED,
               "good_fit_r2": gabor.GOOD_FIT_R2, "images": [dict(entry) for entry in images.SAMPLE_IMAGES],
               "stored_dtype": np.dtype(ATOM_DTYPE).name}
    arrays = {}

    spectra = {}
    for name, image in images.load_images().items():
        key = name.split(".")[0]
        small = downsample_image(image, DOWNSAMPLE)
        raw_f, raw_a = images.radial_spectrum(small, SPECTRUM_BINS)
        white_f, white_a = images.radial_spectrum(images.whiten_image(small), SPECTRUM_BINS)
        arrays[f"spectrum_frequencies_{key}"] = raw_f
        arrays[f"spectrum_{key}_raw"] = raw_a
        arrays[f"spectrum_{key}_white"] = np.interp(raw_f, white_f, white_a)
        spectra[key] = {"shape": list(small.shape), "slope_raw": images.spectrum_slope(raw_f, raw_a),
                        "slope_white": images.spectrum_slope(white_f, white_a)}
    summary["spectra"] = spectra

    X = training_patches(side, n_patches)
    summary["patch_mean_square"] = float((X.astype(np.float64) ** 2).mean())
    dictionaries = []
    for i, lam in enumerate(LAMS):
        D0 = np.random.default_rng(SEED).standard_normal((m, n_atoms)).astype(np.float32)
        D0 /= np.linalg.norm(D0, axis=0)
        D, H, objectives = solvers.learn_dictionary(X, n_atoms, lam, n_epochs=EPOCHS[mode], seed=SEED, D0=D0,
                                                    code_tol=CODE_TOL, code_max_iter=CODE_MAX_ITER)
        table = gabor.fit_gabors(D.astype(np.float64), side)
        residual = X - H @ D.T
        dictionaries.append({
            "lam": lam, "objectives": [float(v) / n_patches for v in objectives],
            "objective_increases": int(np.sum(np.diff(objectives) > 0)),
            "l0": avr(np.abs(H)), "unused_atoms": int(np.sum(np.count_nonzero(H, axis=0) == 0)),
            "relative_error": float((residual.astype(np.float64) ** 2).sum() / (X.astype(np.float64) ** 2).sum()),
            "gabor": gabor_summary(table, side)})
        arrays[f"dictionary_{i}"] = D.astype(ATOM_DTYPE)
        arrays[f"usage_{i}"] = np.count_nonzero(H, axis=0).astype(np.int32)  # training patches using each atom
        arrays.update(_gabor_arrays(f"gabor_{i}", table))
    summary["dictionaries"] = dictionaries

    pca = pca_components(X)
    ica, ica_iterations = ica_components(X)
    for key, atoms in (("pca", pca), ("ica", ica)):
        table = gabor.fit_gabors(atoms, side)
        summary[key] = gabor_summary(table, side)
        arrays[f"{key}_components"] = atoms.astype(ATOM_DTYPE)
        arrays.update(_gabor_arrays(f"gabor_{key}", table))
    summary["ica"].update(iterations=ica_iterations, max_iter=ICA_MAX_ITER)
    return summary, arrays


register_study(Study("natural_images", "sparse coding of whitened natural-image patches at three λ, against "
                     "PCA and FastICA, every atom fitted with a Gabor", natural_images_study))
