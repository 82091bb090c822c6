"""The natural-images study (sparsebook.image_studies) on a tiny problem."""

import numpy as np
import pytest

from sparsebook import gabor, image_studies, sweep


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(image_studies.PATCH_SIDE, "quick", 4)
    monkeypatch.setitem(image_studies.N_PATCHES, "quick", 300)
    monkeypatch.setitem(image_studies.EPOCHS, "quick", 2)
    monkeypatch.setattr(image_studies, "LAMS", (1.0, 2.0))
    monkeypatch.setattr(image_studies, "MAIN_LAM", 2.0)
    monkeypatch.setattr(image_studies, "ICA_MAX_ITER", 50)
    monkeypatch.setattr(image_studies, "OVERCOMPLETE", 1)

    def quick_fits(atoms, side):  # the fits are tested in test_gabor; here only their plumbing
        n = np.asarray(atoms).shape[1]
        table = {name: np.linspace(0.1, 1.0, n) for name in gabor.PARAMETERS}
        return {**table, "r2": np.linspace(0.0, 1.0, n), "aspect": np.ones(n)}

    monkeypatch.setattr(image_studies.gabor, "fit_gabors", quick_fits)


def test_the_study_is_registered():
    sweep._load_studies()
    assert "natural_images" in sweep.STUDIES


def test_the_study_on_a_tiny_problem(tiny):
    summary, arrays = image_studies.natural_images_study("quick")
    assert (summary["side"], summary["n_pixels"], summary["n_atoms"]) == (4, 16, 16)
    assert [record["lam"] for record in summary["dictionaries"]] == [1.0, 2.0]
    for i, record in enumerate(summary["dictionaries"]):
        assert arrays[f"dictionary_{i}"].shape == (16, 16) and arrays[f"dictionary_{i}"].dtype == np.float16
        assert len(record["objectives"]) == 3 and record["objective_increases"] == 0
        assert arrays[f"usage_{i}"].shape == (16,) and record["gabor"]["n_atoms"] == 16
        assert record["gabor"]["well_fit"] == int(np.sum(np.linspace(0, 1, 16) >= gabor.GOOD_FIT_R2))
        assert set(gabor.PARAMETERS) <= {key[len(f"gabor_{i}_"):] for key in arrays if key.startswith(f"gabor_{i}_")}
    # more λ, sparser codes
    assert summary["dictionaries"][1]["l0"] < summary["dictionaries"][0]["l0"]
    # PCA's components are orthonormal; ICA's basis functions have unit norm
    pca = arrays["pca_components"].astype(float)
    np.testing.assert_allclose(pca.T @ pca, np.eye(16), atol=1e-2)
    np.testing.assert_allclose(np.linalg.norm(arrays["ica_components"].astype(float), axis=0), 1, atol=1e-2)
    assert summary["ica"]["max_iter"] == 50 and 0 < summary["ica"]["iterations"] <= 50
    # the spectra of both photographs, and their slopes
    assert set(summary["spectra"]) == {"china", "flower"}
    assert summary["spectra"]["china"]["slope_raw"] < summary["spectra"]["china"]["slope_white"]
    for key in ("china", "flower"):
        assert arrays[f"spectrum_{key}_raw"].shape == arrays[f"spectrum_frequencies_{key}"].shape


def test_patches_are_whitened_and_seeded():
    patches = image_studies.training_patches(6, 500, seed=0)
    assert patches.shape == (500, 36) and patches.dtype == np.float32
    np.testing.assert_array_equal(patches, image_studies.training_patches(6, 500, seed=0))
    assert abs(float(patches.mean())) < 0.1 and 0.5 < float(patches.var()) < 1.5  # whitened: mean 0, variance ~1


def test_downsampling_refuses_bad_input():
    with pytest.raises(ValueError, match="factor must be an int >= 1"):
        image_studies.downsample_image(np.ones((4, 4)), 0)
    with pytest.raises(ValueError, match="2-D"):
        image_studies.downsample_image(np.ones(4), 2)
    with pytest.raises(ValueError, match="smaller than one"):
        image_studies.downsample_image(np.ones((1, 4)), 2)
