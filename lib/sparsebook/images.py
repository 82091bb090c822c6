"""Natural images for sparse coding: photographs, their 1/f spectrum, whitening and patches.

The photographs are the two that ship inside scikit-learn (:data:`SAMPLE_IMAGES`), so the
chapter needs no download. Natural images have an amplitude spectrum that falls roughly as
1/f (:func:`radial_spectrum`); most of their variance sits at low spatial frequencies, and a
sparse code learned on raw pixels would spend its atoms on that. Olshausen & Field (1996)
therefore *whiten* the images first with the filter ``R(f) = f exp(-(f/f0)^4)``
(:func:`whitening_filter`, :func:`whiten_image`): its rising part flattens the spectrum, its
fall beyond ``f0`` removes the noisiest highest frequencies (the low-pass roll-off). The same
flattening can be done on patches with ZCA (:class:`PatchWhitener`).

Frequencies are in cycles per pixel (0.5 is the Nyquist frequency).
"""

from __future__ import annotations

import numpy as np

from .checks import check_positive_int

#: The photographs of ``sklearn.datasets.load_sample_images``, with their authors and licence
#: (from scikit-learn's ``sklearn/datasets/images/README.txt``).
SAMPLE_IMAGES = (
    {"name": "china.jpg", "subject": "a temple in China", "author": "danielbuechele",
     "licence": "CC BY 2.0", "source": "https://www.flickr.com/photos/danielbuechele/6061409035"},
    {"name": "flower.jpg", "subject": "a flower", "author": "vultilion",
     "licence": "CC BY 2.0", "source": "https://www.flickr.com/photos/vultilion/6056698931"},
)
LUMINANCE = (0.299, 0.587, 0.114)  #: Weights of red, green and blue in the grey image (ITU-R BT.601).
WHITENING_F0 = 0.4  #: The filter's cut-off f0 in cycles per pixel (200 cycles per 512-pixel picture in the paper).


def _check_image(image, name: str = "image") -> np.ndarray:
    image = np.asarray(image)
    if image.dtype == object or not np.issubdtype(image.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got dtype {image.dtype}")
    if image.ndim != 2:
        raise ValueError(f"{name} must be a 2-D grey image (rows, columns), got shape {image.shape}; "
                         "convert a colour image with to_grey first")
    if min(image.shape) < 4:
        raise ValueError(f"{name} must be at least 4 x 4 pixels, got shape {image.shape}")
    if not np.all(np.isfinite(image)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return image.astype(np.float64)


def _check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def to_grey(rgb) -> np.ndarray:
    """A colour image (rows, columns, 3), values 0–255 or 0–1, as grey float64 in [0, 1]."""
    rgb = np.asarray(rgb)
    if rgb.dtype == object or not np.issubdtype(rgb.dtype, np.number):
        raise TypeError(f"rgb must be a numeric array, got dtype {rgb.dtype}")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be (rows, columns, 3), got shape {rgb.shape}")
    scale = 255.0 if (np.issubdtype(rgb.dtype, np.integer) or rgb.max() > 1) else 1.0
    return rgb.astype(np.float64) @ np.asarray(LUMINANCE) / scale


def load_images() -> dict[str, np.ndarray]:
    """The photographs of :data:`SAMPLE_IMAGES` in grey, float64 in [0, 1], by name (offline)."""
    from sklearn.datasets import load_sample_images

    bunch = load_sample_images()
    by_name = {path.replace("\\", "/").rsplit("/", 1)[-1]: image for path, image in zip(bunch.filenames, bunch.images)}
    return {entry["name"]: to_grey(by_name[entry["name"]]) for entry in SAMPLE_IMAGES}


def _frequencies(shape) -> np.ndarray:
    """The radial frequency (cycles per pixel) of every coefficient of ``np.fft.fft2`` of ``shape``."""
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.fftfreq(shape[1])[None, :]
    return np.hypot(fx, fy)


def radial_spectrum(image, n_bins: int = 30, window: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The radially averaged amplitude spectrum of ``image``: ``(frequencies, amplitudes)``.

    The image's mean is removed and, with ``window``, it is multiplied by a Hann window (a
    photograph is not periodic: its edges would add a cross of spurious high frequencies).
    The amplitudes ``|FFT|`` are averaged in ``n_bins`` rings, log-spaced from one cycle per
    image to the Nyquist frequency 0.5; ``frequencies`` are the rings' mean frequencies (cycles
    per pixel). Rings that hold no coefficient are dropped.
    """
    image = _check_image(image)
    n_bins = check_positive_int(n_bins, "n_bins")
    image = image - image.mean()
    if window:
        image = image * np.outer(np.hanning(image.shape[0]), np.hanning(image.shape[1]))
    amplitude = np.abs(np.fft.fft2(image))
    f = _frequencies(image.shape)
    edges = np.geomspace(1.0 / min(image.shape), 0.5, n_bins + 1)
    which = np.digitize(f.ravel(), edges) - 1  # -1: below the first ring (the mean), n_bins: past Nyquist
    inside = (which >= 0) & (which < n_bins)
    counts = np.bincount(which[inside], minlength=n_bins)
    sums = np.bincount(which[inside], amplitude.ravel()[inside], minlength=n_bins)
    f_sums = np.bincount(which[inside], f.ravel()[inside], minlength=n_bins)
    kept = counts > 0
    return f_sums[kept] / counts[kept], sums[kept] / counts[kept]


def spectrum_slope(frequencies, amplitudes, low: float = 0.01, high: float = 0.25) -> float:
    """The slope of log amplitude against log frequency, fitted by least squares between ``low``
    and ``high`` cycles per pixel (about -1 for natural images)."""
    f = np.asarray(frequencies, dtype=np.float64)
    a = np.asarray(amplitudes, dtype=np.float64)
    if f.shape != a.shape or f.ndim != 1:
        raise ValueError(f"frequencies and amplitudes must be 1-D of one length, got {f.shape} and {a.shape}")
    low, high = _check_positive(low, "low"), _check_positive(high, "high")
    used = (f >= low) & (f <= high) & (a > 0)
    if used.sum() < 2:
        raise ValueError(f"fewer than two frequencies lie in [{low}, {high}] with a positive amplitude; "
                         "widen the range or use more bins")
    return float(np.polyfit(np.log(f[used]), np.log(a[used]), 1)[0])


def whitening_filter(frequencies, f0: float = WHITENING_F0) -> np.ndarray:
    """Olshausen & Field's whitening filter ``R(f) = f exp(-(f/f0)^4)`` at ``frequencies``."""
    f = np.asarray(frequencies, dtype=np.float64)
    if np.any(f < 0) or not np.all(np.isfinite(f)):
        raise ValueError("frequencies must be finite and >= 0 (cycles per pixel)")
    f0 = _check_positive(f0, "f0")
    return f * np.exp(-((f / f0) ** 4))


def whiten_image(image, f0: float = WHITENING_F0) -> np.ndarray:
    """``image`` filtered with :func:`whitening_filter` (in the Fourier domain), scaled to pixel variance 1.

    The filter is zero at f = 0, so the result has mean 0.
    """
    image = _check_image(image)
    filtered = np.real(np.fft.ifft2(np.fft.fft2(image - image.mean()) * whitening_filter(_frequencies(image.shape), f0)))
    std = filtered.std()
    if std == 0:
        raise ValueError("image is constant: it has nothing to whiten")
    return filtered / std


def random_patches(images, side: int, n_patches: int, seed: int = 0) -> np.ndarray:
    """``n_patches`` square patches of ``side`` pixels, at random places in random images of
    ``images`` (one image or a list), flattened row by row: shape ``(n_patches, side * side)``.

    The same ``seed`` gives the same patches.
    """
    if isinstance(images, np.ndarray) and images.ndim == 2:
        images = [images]
    if isinstance(images, dict):
        images = list(images.values())
    if not isinstance(images, (list, tuple)) or not images:
        raise TypeError("images must be a 2-D image, or a non-empty list (or dict) of them")
    images = [_check_image(image, f"images[{i}]") for i, image in enumerate(images)]
    side = check_positive_int(side, "side")
    n_patches = check_positive_int(n_patches, "n_patches")
    smallest = min(min(image.shape) for image in images)
    if side > smallest:
        raise ValueError(f"side={side} is larger than the smallest image ({smallest} pixels across)")
    rng = np.random.default_rng(seed)
    which = rng.integers(len(images), size=n_patches)
    patches = np.empty((n_patches, side * side))
    for k, i in enumerate(which):
        rows, columns = images[i].shape
        r, c = rng.integers(rows - side + 1), rng.integers(columns - side + 1)
        patches[k] = images[i][r:r + side, c:c + side].ravel()
    return patches


class PatchWhitener:
    """ZCA whitening of patches, optionally with a low-pass roll-off.

    :meth:`fit` finds the mean and the principal components of the patches; :meth:`transform`
    rescales each component to variance 1 and rotates back to pixel space (ZCA: the whitened
    patch looks like the patch, edges enhanced). ``n_components`` (default: all) keeps only the
    components of largest variance, which for natural images are those of lowest spatial
    frequency: a low-pass roll-off like the factor ``exp(-(f/f0)^4)`` of Olshausen & Field's
    filter. ``epsilon`` > 0 is a soft roll-off instead: each component is divided by
    ``sqrt(variance + epsilon)``, so components of variance well below ``epsilon`` are damped
    rather than amplified. With all components kept and ``epsilon = 0``, the whitened training
    patches have identity covariance.
    """

    def __init__(self, n_components: int | None = None, epsilon: float = 0.0):
        if n_components is not None:
            n_components = check_positive_int(n_components, "n_components")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)):
            raise TypeError(f"epsilon must be a number, got {type(epsilon).__name__}")
        if not np.isfinite(epsilon) or epsilon < 0:
            raise ValueError(f"epsilon must be a finite number >= 0, got {epsilon}")
        self.n_components, self.epsilon = n_components, float(epsilon)
        self.mean_ = self.components_ = self.variances_ = None

    def fit(self, patches) -> "PatchWhitener":
        """Learn the mean and the components of ``patches`` (n, pixels); returns ``self``."""
        X = self._check(patches, fitted=False)
        if len(X) < 2:
            raise ValueError("fit needs at least two patches to estimate a covariance")
        self.mean_ = X.mean(axis=0)
        covariance = np.cov(X - self.mean_, rowvar=False, bias=True)
        variances, vectors = np.linalg.eigh(covariance)
        order = np.argsort(variances)[::-1]
        keep = X.shape[1] if self.n_components is None else self.n_components
        if keep > X.shape[1]:
            raise ValueError(f"n_components={keep} but the patches have only {X.shape[1]} pixels")
        variances, vectors = variances[order][:keep], vectors[:, order][:, :keep]
        if self.epsilon == 0 and variances[-1] <= 1e-12 * variances[0]:
            raise ValueError("the patches' covariance is (nearly) singular in the kept components: "
                             "pass more patches or a smaller n_components")
        self.variances_, self.components_ = variances, vectors  # components as columns
        return self

    def transform(self, patches) -> np.ndarray:
        """``patches`` whitened with the fitted mean and components (same shape)."""
        X = self._check(patches, fitted=True)
        return ((X - self.mean_) @ self.components_ / np.sqrt(self.variances_ + self.epsilon)) @ self.components_.T

    def filters(self) -> np.ndarray:
        """The whitening filters as rows (pixels, pixels): row ``i`` makes whitened pixel ``i``."""
        if self.components_ is None:
            raise ValueError("the whitener is not fitted yet: call fit(patches) first")
        return (self.components_ / np.sqrt(self.variances_ + self.epsilon)) @ self.components_.T

    def _check(self, patches, fitted: bool) -> np.ndarray:
        X = np.asarray(patches)
        if X.dtype == object or not np.issubdtype(X.dtype, np.number):
            raise TypeError(f"patches must be a numeric array, got dtype {X.dtype}")
        if X.ndim != 2 or X.size == 0:
            raise ValueError(f"patches must be a non-empty 2-D array (n, pixels), got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("patches hold NaN or infinite values")
        if fitted:
            if self.components_ is None:
                raise ValueError("the whitener is not fitted yet: call fit(patches) first")
            if X.shape[1] != len(self.mean_):
                raise ValueError(f"patches have {X.shape[1]} pixels but the whitener was fit on {len(self.mean_)}")
        return X.astype(np.float64)


def atom_mosaic(atoms, side: int, columns: int, gap: int = 1) -> np.ndarray:
    """Atoms (pixels, n) — one per column, each a flattened ``side`` x ``side`` patch — tiled into
    one image, each scaled to a largest absolute value of 1, with ``gap`` pixels of NaN between
    them (shown blank by ``imshow``). One image draws much faster than one axes per atom."""
    atoms = np.asarray(atoms, dtype=np.float64)
    side, columns = check_positive_int(side, "side"), check_positive_int(columns, "columns")
    if atoms.ndim != 2 or atoms.shape[0] != side * side:
        raise ValueError(f"atoms must be (side * side, n) = ({side * side}, n), one atom per column; "
                         f"got shape {atoms.shape}")
    n = atoms.shape[1]
    rows = -(-n // columns)
    step = side + gap
    mosaic = np.full((rows * step - gap, columns * step - gap), np.nan)
    scale = np.abs(atoms).max(axis=0)
    scale[scale == 0] = 1.0
    for k in range(n):
        r, c = divmod(k, columns)
        mosaic[r * step:r * step + side, c * step:c * step + side] = (atoms[:, k] / scale[k]).reshape(side, side)
    return mosaic
