"""Studies (sparsebook.sweep's Study, run_study, load_study) and Part I's studies on tiny inputs."""

import dataclasses
import json

import numpy as np
import pytest

from sparsebook import config, studies, sweep


@pytest.fixture
def results(tmp_path, monkeypatch):
    """An empty results folder in place of the committed one."""
    monkeypatch.setenv(sweep.RESULTS_VARIABLE, str(tmp_path))
    return tmp_path


@pytest.fixture
def toy_study(monkeypatch):
    """A registered study counting its runs, removed afterwards."""
    calls = []

    def run(mode):
        calls.append(mode)
        return ({"answer": 42, "words": ["a", "b"]},
                {"atoms": np.arange(6, dtype=np.float16).reshape(2, 3), "usage": np.array([3, 0], np.int32)})

    study = sweep.Study("toy_study", "a study for the tests", run)
    monkeypatch.setitem(sweep.STUDIES, study.name, study)
    return study, calls


def test_study_summary_and_arrays_round_trip(results, toy_study):
    study, calls = toy_study
    summary, arrays = sweep.run_study(study.name, "full")
    assert (results / "toy_study.json").is_file() and (results / "toy_study.npz").is_file()
    loaded_summary, loaded_arrays = sweep.load_study(study.name, "full")
    assert loaded_summary == json.loads(json.dumps(summary))
    assert loaded_summary["study"] == "toy_study" and loaded_summary["mode"] == "full"
    assert loaded_summary["answer"] == 42 and "train_seconds" in loaded_summary
    assert set(loaded_arrays) == {"atoms", "usage"}
    assert loaded_arrays["atoms"].dtype == np.float16
    np.testing.assert_array_equal(loaded_arrays["atoms"], arrays["atoms"])
    np.testing.assert_array_equal(loaded_arrays["usage"], [3, 0])


def test_run_study_skips_existing_results_unless_forced(results, toy_study):
    study, calls = toy_study
    sweep.run_study(study.name, "quick")
    sweep.run_study(study.name, "quick")
    assert calls == ["quick"]
    assert (results / "quick" / "toy_study.json").is_file()  # quick results live apart
    sweep.run_study(study.name, "quick", force=True)
    assert calls == ["quick", "quick"]


def test_load_study_without_results_says_how_to_make_them(results, toy_study):
    with pytest.raises(ValueError, match="python -m sparsebook.sweep toy_study --mode full"):
        sweep.load_study("toy_study", "full")


@pytest.mark.parametrize("damage", ["json", "empty npz", "truncated npz", "pickled npz", "other study"])
def test_load_study_with_a_damaged_file_raises_value_error(results, toy_study, damage):
    sweep.run_study("toy_study", "full")
    json_path, npz_path = results / "toy_study.json", results / "toy_study.npz"
    if damage == "json":
        json_path.write_text("{not json")
    elif damage == "empty npz":
        npz_path.write_bytes(b"")
    elif damage == "truncated npz":
        npz_path.write_bytes(npz_path.read_bytes()[:40])
    elif damage == "pickled npz":
        np.savez(npz_path, atoms=np.array([{"a": 1}], dtype=object))
    else:
        json_path.write_text(json.dumps({"study": "another"}))
    with pytest.raises(ValueError, match="toy_study"):
        sweep.load_study("toy_study", "full")


def test_load_study_of_an_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="coding_dictionary"):
        sweep.load_study("no_such_study")


def test_register_study_refuses_bad_input(monkeypatch):
    monkeypatch.setattr(sweep, "STUDIES", dict(sweep.STUDIES))

    def run(mode):
        return {}, {}

    with pytest.raises(TypeError, match="takes a Study"):
        sweep.register_study(("name", "description", run))
    with pytest.raises(ValueError, match="experiment"):
        sweep.register_study(sweep.Study("mlp", "clashes with an experiment", run))
    for name in ("", "../escape", "Capital", "with space", 3):
        with pytest.raises(ValueError, match="name"):
            sweep.register_study(sweep.Study(name, "bad name", run))
    with pytest.raises(TypeError, match="run must be a function"):
        sweep.register_study(sweep.Study("not_callable", "no run", "run"))
    first = sweep.register_study(sweep.Study("fine_name", "first", run))
    assert sweep.register_study(first) is first  # the same study again is harmless
    with pytest.raises(ValueError, match="already registered"):
        sweep.register_study(sweep.Study("fine_name", "second", run))


def test_part_one_studies_are_registered():
    sweep._load_studies()
    assert {"coding_dictionary", "coding_objective", "coding_frontier", "coding_encoder_dictionary",
            "coding_encoder", "code_baselines"} <= set(sweep.STUDIES)


# -- Part I's studies, each on a tiny problem ---------------------------------------------------

@pytest.fixture(scope="module")
def few_digits():
    """300 training and 100 test digits of the shipped subset, loaded once."""
    from sparsebook.data import load_subset

    digits = load_subset()
    return digits._replace(x_train=digits.x_train[:300], y_train=digits.y_train[:300],
                           x_test=digits.x_test[:100], y_test=digits.y_test[:100])


@pytest.fixture
def tiny(results, monkeypatch, few_digits):
    """Quick mode shrunk to 7 x 7 digits, 60 atoms and 100 training digits, with short runs."""
    monkeypatch.setattr(studies, "load_mnist", lambda mode=None: few_digits)
    tiny_quick = dataclasses.replace(config.SETTINGS["quick"], coding_downsample=4, coding_atoms=60,
                                     coding_examples=100)
    monkeypatch.setitem(config.SETTINGS, "quick", tiny_quick)
    for name, value in {"CODING_EPOCHS": 2, "SCALE_DIGITS": 10, "SCALE_ITERATIONS": 20,
                        "CONVERGENCE_DIGITS": 20, "CONVERGENCE_ITERATIONS": 40, "REFERENCE_GAP": 1e-6,
                        "FRONTIER_DIGITS": 30, "FRONTIER_MAX_TERMS": 10, "SAMPLE_DIGITS": 3,
                        "ENCODER_DICTIONARY_EPOCHS": {"quick": 1}, "ENCODER_STEPS": {"quick": 10},
                        "ENCODER_TEST_DIGITS": 40, "TRACKED_ITERATIONS": 20, "CURVE_POINTS": 5}.items():
        monkeypatch.setattr(studies, name, value)
    return results / "quick"


def test_dictionary_study_learns_and_stores_a_bounded_dictionary(tiny):
    summary, arrays = sweep.run_study("coding_dictionary", "quick")
    assert summary["n_pixels"] == 49 and summary["n_atoms"] == 60 and summary["n_examples"] == 100
    assert len(summary["objectives"]) == 3 and summary["objective_increases"] == 0
    assert arrays["dictionary"].shape == (49, 60) and arrays["dictionary"].dtype == np.float16
    assert arrays["usage"].shape == (60,) and arrays["closest_digit_cosine"].shape == (60,)
    assert 0 <= summary["near_copies"] <= 60
    D = studies.stored_dictionary("coding_dictionary", "quick")
    assert D.dtype == np.float64 and np.all(np.linalg.norm(D, axis=0) <= 1 + 1e-12)


def test_objective_study_runs_on_the_stored_dictionary(tiny):
    summary, arrays = sweep.run_study("coding_objective", "quick")  # runs coding_dictionary first
    assert (tiny / "coding_dictionary.npz").is_file()
    assert [round(row["scale"], 6) for row in summary["scales"]] == [round(s, 6) for s in studies.SCALES]
    assert set(arrays) == {"gap_ista", "gap_fista", "gap_restart"}
    assert all(len(gap) == 40 for gap in arrays.values())
    assert all(np.all(gap >= -1e-9) for gap in arrays.values())  # f* is the minimum
    assert summary["certified_true_gap"] <= 1e-4 + 1e-9


def test_frontier_study_compares_the_dictionary_with_pca(tiny):
    summary, arrays = sweep.run_study("coding_frontier", "quick")
    assert [row["lam"] for row in summary["frontier"]] == list(studies.FRONTIER_LAMS)
    for row in summary["frontier"]:
        assert row["mse_refit"] <= row["mse_l1"] + 1e-12  # refitting on the support never hurts
    assert np.all(arrays["mse_pca_largest"] <= arrays["mse_pca_first"] + 1e-12)
    assert arrays["sample_dictionary"].shape == (3, 49)


def test_encoder_studies_train_the_layer_and_score_three_encoders(tiny):
    summary, arrays = sweep.run_study("coding_encoder", "quick")  # runs coding_encoder_dictionary first
    assert (tiny / "coding_encoder_dictionary.json").is_file()
    assert summary["n_test"] == 40 and summary["encoder_steps"] == 10
    assert summary["one_step_difference"] < 1e-4
    assert summary["encoders"]["untrained"]["fista_iterations_worth"] == 1  # FISTA's first step
    assert summary["encoders"]["fista"]["gap_pct"] == 0
    assert len(arrays["training_loss"]) == 5 and arrays["shown_trained"].shape == (2, 60)
    thresholds = summary["threshold_per_norm"]  # one ISTA step: lam / (2 ||d_j||) >= lam / 2 per unit
    assert thresholds["untrained"]["min"] >= summary["lam"] / 2 - 1e-4
    assert set(thresholds["trained"]) == {"mean", "min", "max"}


def test_fista_iterations_worth_finds_the_first_iteration_as_good():
    objectives = np.array([5.0, 3.0, 2.0, 1.5])
    assert studies.fista_iterations_worth(objectives, 3.0) == 2
    assert studies.fista_iterations_worth(objectives, 1.0) is None


# -- code_baselines -------------------------------------------------------------------------------

def test_random_relu_features_are_a_fixed_random_projection_through_a_relu():
    x = np.random.default_rng(1).random((5, 784), dtype=np.float32)
    a, b = studies.random_relu_features(x, 16, seed=3), studies.random_relu_features(x, 16, seed=3)
    np.testing.assert_array_equal(a, b)  # the seed fixes the projection
    assert a.shape == (5, 16) and a.min() == 0 and (a > 0).any()
    limit = np.sqrt(6 / (784 + 16))  # Glorot uniform, as the auto-encoders' encoders start
    weights = np.random.default_rng(3).uniform(-limit, limit, (784, 16)).astype(np.float32)
    np.testing.assert_allclose(a, np.maximum(x @ weights, 0), rtol=1e-5)
    with pytest.raises(ValueError, match="examples, pixels"):
        studies.random_relu_features(x[0], 16, seed=0)
    with pytest.raises(ValueError, match="width"):
        studies.random_relu_features(x, 0, seed=0)


def test_baselines_study_measures_the_pixels_probe_and_the_test_digits(few_digits, monkeypatch):
    monkeypatch.setattr(studies, "load_mnist", lambda mode=None: few_digits)
    monkeypatch.setattr(studies, "BASELINE_WIDTHS", (32,))
    summary, arrays = studies.baselines_study("quick")
    x = few_digits.x_test
    assert summary["pixel_variance_test"] == pytest.approx(x.var(axis=0).mean(), rel=1e-5)
    assert summary["ink_pixels_test"] == pytest.approx((x > 0.5).sum(axis=1).mean())
    assert 0.1 < summary["probe_pixels"] <= 1 and set(summary["random_relu"]) == {"32"}
    assert len(summary["random_relu"]["32"]["accuracy"]) == len(studies.BASELINE_SEEDS)
    assert arrays["pixel_variance"].shape == (784,)


def test_committed_baselines_are_full_size():
    summary, _ = sweep.load_study("code_baselines", "full")
    assert summary["n_test"] == 10_000 and summary["probe_train_examples"] == 10_000
    assert set(summary["random_relu"]) == {str(w) for w in studies.BASELINE_WIDTHS}


# -- mlp_receptive_fields -------------------------------------------------------------------------

def test_receptive_fields_study_keeps_the_busiest_units_of_the_mlp_runs(results, monkeypatch,
                                                                        few_digits):
    monkeypatch.setattr(studies, "load_mnist", lambda mode=None: few_digits)
    monkeypatch.setitem(config.SETTINGS, "quick",
                        dataclasses.replace(config.SETTINGS["quick"], steps=20))
    monkeypatch.setattr(studies, "RECEPTIVE_FIELD_LAMS", (0.0, 1e-3))
    monkeypatch.setattr(studies, "RECEPTIVE_FIELD_UNITS", 5)
    summary, arrays = sweep.run_study("mlp_receptive_fields", "quick")
    assert summary["lams"] == [0.0, 1e-3] and [run["lam"] for run in summary["runs"]] == [0.0, 1e-3]
    assert all(run["steps"] == 20 and run["seed"] == 0 for run in summary["runs"])
    assert arrays["weights"].shape == (2, 5, 784) and arrays["weights"].dtype == np.float16
    assert arrays["units"].shape == (2, 5) and arrays["all_firing_rates"].shape == (2, 784)
    for rates, units, every in zip(arrays["firing_rates"], arrays["units"], arrays["all_firing_rates"]):
        np.testing.assert_array_equal(rates, every[units])  # the rates of the units kept
        assert np.all(np.diff(rates) <= 0) and rates[-1] >= np.sort(every)[-5]  # the busiest, in order
    _, loaded = sweep.load_study("mlp_receptive_fields", "quick")  # without pickle
    np.testing.assert_array_equal(loaded["weights"], arrays["weights"])
