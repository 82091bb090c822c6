"""Natural images: grey conversion, the 1/f spectrum, whitening and patches (sparsebook.images)."""

import numpy as np
import pytest

from sparsebook import image_studies, images


def power_law_image(size: int, exponent: float, seed: int = 0) -> np.ndarray:
    """A random periodic image whose amplitude spectrum is exactly ``f ** exponent`` (random phases)."""
    f = np.hypot(np.fft.fftfreq(size)[:, None], np.fft.fftfreq(size)[None, :])
    f[0, 0] = 1.0
    phases = np.exp(2j * np.pi * np.random.default_rng(seed).random((size, size)))
    spectrum = f**exponent * phases
    spectrum[0, 0] = 0
    return np.real(np.fft.ifft2(spectrum))


@pytest.mark.parametrize("window", [False, True])
def test_the_spectrum_of_a_one_over_f_image_has_slope_minus_one(window):
    frequencies, amplitudes = images.radial_spectrum(power_law_image(256, -1.0), n_bins=25, window=window)
    assert frequencies.min() > 0 and frequencies.max() <= 0.5 * np.sqrt(2)
    assert images.spectrum_slope(frequencies, amplitudes, 0.02, 0.3) == pytest.approx(-1.0, abs=0.1)


def test_the_whitening_filter_flattens_a_one_over_f_spectrum():
    # R(f) = f exp(-(f/f0)^4): by hand at f0 = 0.4
    np.testing.assert_allclose(images.whitening_filter([0.0, 0.2, 0.4], 0.4),
                               [0.0, 0.2 * np.exp(-(0.5**4)), 0.4 * np.exp(-1.0)])
    white = images.whiten_image(power_law_image(256, -1.0), f0=10.0)  # no roll-off to speak of
    assert white.std() == pytest.approx(1.0) and abs(white.mean()) < 1e-9
    slope = images.spectrum_slope(*images.radial_spectrum(white, 25, window=False), 0.02, 0.3)
    assert slope == pytest.approx(0.0, abs=0.1)


def test_zca_whitening_gives_identity_covariance_on_its_training_patches():
    rng = np.random.default_rng(0)
    mixing = rng.standard_normal((16, 16))
    patches = rng.standard_normal((2000, 16)) @ mixing + 3.0  # correlated, not centred
    whitener = images.PatchWhitener().fit(patches)
    white = whitener.transform(patches)
    np.testing.assert_allclose(white.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(np.cov(white, rowvar=False, bias=True), np.eye(16), atol=1e-9)
    # ZCA's filters are symmetric (and so the whitened patch stays in pixel space)
    np.testing.assert_allclose(whitener.filters(), whitener.filters().T, atol=1e-10)
    np.testing.assert_allclose(white, (patches - patches.mean(axis=0)) @ whitener.filters().T, atol=1e-8)


def test_zca_with_a_roll_off_keeps_only_the_largest_components():
    rng = np.random.default_rng(1)
    patches = rng.standard_normal((3000, 8)) * np.array([8, 7, 6, 5, 4, 3, 2, 1.0])
    white = images.PatchWhitener(n_components=3).fit(patches).transform(patches)
    covariance = np.cov(white, rowvar=False, bias=True)
    # identity on the three pixels of largest variance, nothing on the others
    np.testing.assert_allclose(covariance, np.diag([1, 1, 1, 0, 0, 0, 0, 0.0]), atol=0.05)


def test_patches_shape_and_seed():
    image = np.arange(30 * 40, dtype=float).reshape(30, 40)
    patches = images.random_patches([image, image.T], side=6, n_patches=50, seed=3)
    assert patches.shape == (50, 36)
    np.testing.assert_array_equal(patches, images.random_patches([image, image.T], 6, 50, seed=3))
    assert not np.array_equal(patches, images.random_patches([image, image.T], 6, 50, seed=4))
    # each patch is a block of one of the images: rows step by the image's width
    first = images.random_patches(image, 6, 1, seed=0).reshape(6, 6)
    np.testing.assert_array_equal(np.diff(first, axis=1), 1.0)
    np.testing.assert_array_equal(np.diff(first, axis=0), 40.0)


def test_grey_and_the_shipped_photographs():
    np.testing.assert_allclose(images.to_grey(np.full((2, 2, 3), 255, np.uint8)), 1.0)
    np.testing.assert_allclose(images.to_grey(np.array([[[1.0, 0.0, 0.0]]])), 0.299)
    photographs = images.load_images()
    assert list(photographs) == [entry["name"] for entry in images.SAMPLE_IMAGES] == ["china.jpg", "flower.jpg"]
    for image in photographs.values():
        assert image.ndim == 2 and image.shape == (427, 640) and 0 <= image.min() and image.max() <= 1


def test_atom_mosaic_and_downsampling():
    atoms = np.stack([np.arange(4.0), -np.arange(4.0), np.zeros(4)], axis=1)  # three 2 x 2 atoms
    mosaic = images.atom_mosaic(atoms, side=2, columns=2)
    assert mosaic.shape == (5, 5)
    np.testing.assert_allclose(mosaic[:2, :2], [[0, 1 / 3], [2 / 3, 1]])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 2]).all() and np.isnan(mosaic[3:, 3:]).all()
    np.testing.assert_allclose(image_studies.downsample_image(np.arange(20.0).reshape(4, 5), 2),
                               [[3.0, 5.0], [13.0, 15.0]])


@pytest.mark.parametrize("call, error, match", [
    (lambda: images.radial_spectrum(np.ones((8, 8, 3))), ValueError, "2-D grey"),
    (lambda: images.radial_spectrum(np.ones((2, 8))), ValueError, "at least 4 x 4"),
    (lambda: images.radial_spectrum(np.full((8, 8), np.inf)), ValueError, "NaN or infinite"),
    (lambda: images.radial_spectrum(np.ones((8, 8)), n_bins=0), ValueError, ">= 1"),
    (lambda: images.spectrum_slope([0.1, 0.2], [1.0]), ValueError, "one length"),
    (lambda: images.spectrum_slope([0.4, 0.45], [1.0, 1.0]), ValueError, "fewer than two"),
    (lambda: images.whitening_filter([-0.1]), ValueError, ">= 0"),
    (lambda: images.whitening_filter([0.1], f0=0), ValueError, "> 0"),
    (lambda: images.whiten_image(np.ones((8, 8))), ValueError, "constant"),
    (lambda: images.to_grey(np.ones((4, 4))), ValueError, r"\(rows, columns, 3\)"),
    (lambda: images.random_patches(np.ones((8, 8)), 9, 5), ValueError, "larger than the smallest"),
    (lambda: images.random_patches([], 3, 5), TypeError, "non-empty list"),
    (lambda: images.random_patches(np.ones((8, 8)), 3, 0), ValueError, ">= 1"),
    (lambda: images.PatchWhitener().transform(np.ones((3, 4))), ValueError, "not fitted"),
    (lambda: images.PatchWhitener().fit(np.ones((1, 4))), ValueError, "at least two"),
    (lambda: images.PatchWhitener().fit(np.ones((10, 4))), ValueError, "singular"),
    (lambda: images.PatchWhitener(n_components=5).fit(np.eye(4) * 3), ValueError, "only 4 pixels"),
    (lambda: images.PatchWhitener(n_components=0), ValueError, ">= 1"),
    (lambda: images.PatchWhitener().fit(np.random.default_rng(0).random((9, 4))).transform(np.ones((2, 3))),
     ValueError, "fit on 4"),
    (lambda: images.atom_mosaic(np.ones((5, 2)), 2, 2), ValueError, r"\(4, n\)"),
])
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_zca_with_a_soft_roll_off_damps_the_small_components():
    rng = np.random.default_rng(2)
    scales = np.array([4.0, 2.0, 1.0, 0.1])
    patches = rng.standard_normal((5000, 4)) * scales
    whitener = images.PatchWhitener(epsilon=0.01).fit(patches)
    variances = np.var(patches - patches.mean(axis=0), axis=0)
    # each component keeps variance / (variance + epsilon); the components are (nearly) the axes here
    white = whitener.transform(patches)
    kept = np.var(white @ whitener.components_, axis=0)
    np.testing.assert_allclose(kept, whitener.variances_ / (whitener.variances_ + 0.01), rtol=1e-9)
    np.testing.assert_allclose(np.var(white, axis=0), variances / (variances + 0.01), rtol=1e-3)
    with pytest.raises(ValueError, match="epsilon must be a finite number >= 0"):
        images.PatchWhitener(epsilon=-1.0)
    with pytest.raises(TypeError, match="epsilon must be a number"):
        images.PatchWhitener(epsilon="small")
