import json
from pathlib import Path

import numpy as np
import pytest

from sparsebook import sweep as sweep_module
from sparsebook.data import Digits, load_subset
from sparsebook.sweep import load_results, main, results_dir, results_path, run_key, sweep, write_results

REQUIRED = ("model", "penalty", "lam", "lam_convention", "data", "n_train", "n_test", "steps", "batch_size",
            "seed", "test_accuracy", "avr_test", "avr_train_batch", "units", "dead_fraction", "train_seconds",
            "device", "versions")


@pytest.fixture(scope="module")
def small_digits():
    d = load_subset()
    return Digits(d.x_train[:1000], d.y_train[:1000], d.x_test[:300], d.y_test[:300], "subset")


def test_a_sweep_writes_one_complete_record_per_lam(tmp_path, small_digits):
    path = tmp_path / "mlp.json"
    runs = sweep("mlp", "quick", grid=[1e-3, 0.0], steps=30, path=path, digits=small_digits)
    assert [run["lam"] for run in runs] == [0.0, 1e-3]
    saved = json.loads(path.read_text())
    assert saved["experiment"] == "mlp" and len(saved["runs"]) == 2
    for run in saved["runs"]:
        assert all(key in run for key in REQUIRED)
        assert run["lam_convention"] == "batch_sum" and run["data"] == "subset"
        assert (run["n_train"], run["n_test"], run["steps"], run["batch_size"]) == (1000, 300, 30, 100)
        assert run["units"] == 784 and len(run["firing_rates_test"]) == 784
        assert 0 <= run["dead_fraction"] <= 1 and run["dead_units"] == round(run["dead_fraction"] * 784)
        assert {"tensorflow", "keras", "numpy"} <= set(run["versions"])


def test_convolutional_records_keep_activity_per_feature_map(small_digits):
    run = sweep("cnn", "quick", grid=[1e-4], steps=5, digits=small_digits)[0]
    assert run["units"] == 14 * 14 * 200 and run["model"] == "cnn"
    assert "firing_rates_test" not in run  # 39,200 numbers per run would swamp the results file
    assert len(run["map_firing_rates_test"]) == 200 and len(run["map_firing_rates_train"]) == 200
    assert 0 <= run["dead_maps"] <= 200
    # a map's firing rate is the mean over its 196 positions: their mean is the activity ratio
    assert np.mean(run["map_firing_rates_test"]) == pytest.approx(run["activity_ratio_test"], rel=1e-4)
    assert "reconstruction_mse_test" not in run


@pytest.mark.parametrize("name", ["cae_transpose", "cae_subpixel"])
def test_autoencoder_records_hold_the_reconstruction(small_digits, name):
    run = sweep(name, "quick", grid=[1e-4], steps=5, digits=small_digits)[0]
    for key in ("reconstruction_mse_test", "reconstruction_mse_quantised_test", "reconstruction_mse_train"):
        assert 0 < run[key] < 10
    assert len(run["curve"]["reconstruction"]) == len(run["curve"]["step"])


@pytest.mark.parametrize("name, value", [("sae_l1", 0.1), ("sae_kl", 0.05), ("sae_topk", 5)])
def test_sparse_autoencoder_records_name_their_strength_and_measure_the_code(tmp_path, small_digits, name, value):
    path = tmp_path / f"{name}.json"
    run = sweep(name, "quick", grid=[value], steps=5, path=path, digits=small_digits)[0]
    strength = sweep_module.EXPERIMENTS[name].strength
    assert run["strength_name"] == strength and run[strength] == value and run["units"] == 1024
    assert 0 <= run["test_accuracy"] <= 1 and run["probe_train_examples"] == 1000
    assert 0 < run["reconstruction_mse_test"] < 10 and len(run["firing_rates_test"]) == 1024
    assert run["l0_test"] <= run["avr_test"]  # above the threshold is a subset of non-zero
    if name == "sae_topk":
        assert run["avr_test"] == 5.0
    if name == "sae_kl":
        assert (run["rho"], run["beta"]) == (0.05, 3.0) and run["avr_test"] == 1024  # a sigmoid is never 0
    assert run_key(load_results(path)["runs"][0]) == run_key(run)
    assert sweep(name, "quick", grid=[value], steps=5, path=path, digits=small_digits) == [run]  # resumed, not rerun


@pytest.mark.parametrize("name, value, error, message", [
    ("sae_topk", 2.5, TypeError, "k must be an int"),
    ("sae_topk", 0, ValueError, "k must be >= 1"),
    ("sae_kl", 1.0, ValueError, "rho must be strictly between 0 and 1"),
    ("sae_l1", -0.1, ValueError, "lam must be a finite number >= 0"),
])
def test_bad_strengths_are_refused_before_training(small_digits, name, value, error, message):
    with pytest.raises(error, match=message):
        sweep(name, "quick", grid=[value], steps=5, digits=small_digits)


def test_an_interrupted_sweep_resumes_without_losing_runs(tmp_path, small_digits, monkeypatch):
    path = tmp_path / "mlp.json"
    real = sweep_module.train_and_measure
    calls = []

    def interrupted_after_one(exp, digits, lam, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(lam)
        return real(exp, digits, lam, **kwargs)

    monkeypatch.setattr(sweep_module, "train_and_measure", interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        sweep("mlp", "quick", grid=[0.0, 1e-3], steps=20, path=path, digits=small_digits)
    assert [run["lam"] for run in load_results(path)["runs"]] == [0.0]
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left behind

    monkeypatch.setattr(sweep_module, "train_and_measure", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    runs = sweep("mlp", "quick", grid=[0.0, 1e-3], steps=20, path=path, digits=small_digits)
    assert calls == [0.0, 1e-3]  # the finished run was not trained again
    assert [run["lam"] for run in runs] == [0.0, 1e-3]
    assert len(load_results(path)["runs"]) == 2


def test_a_corrupt_results_file_is_reported_and_left_alone(tmp_path, small_digits):
    path = tmp_path / "mlp.json"
    path.write_text('{"schema": 1, "runs": [')
    with pytest.raises(ValueError, match="not valid JSON.*untouched"):
        sweep("mlp", "quick", grid=[0.0], steps=5, path=path, digits=small_digits)
    assert path.read_text() == '{"schema": 1, "runs": ['


@pytest.mark.parametrize("content, message", [
    ('[1, 2]', "no list of runs"),
    ('{"schema": 99, "runs": []}', "schema"),
    ('{"schema": 1, "runs": [{"lam": 0}]}', "lacks required fields"),
])
def test_results_files_are_validated(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_results(path)


def test_missing_results_file_says_which_command_makes_it(tmp_path):
    with pytest.raises(ValueError, match="sparsebook.sweep"):
        load_results(tmp_path / "none.json")


def test_writes_are_atomic_and_refuse_nan(tmp_path):
    path = tmp_path / "r.json"
    write_results(path, {"schema": 1, "runs": []})
    with pytest.raises(ValueError):
        write_results(path, {"schema": 1, "runs": [], "bad": float("nan")})
    assert json.loads(path.read_text()) == {"schema": 1, "runs": []}  # the old file survives
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_sweep_arguments_are_refused(small_digits):
    with pytest.raises(ValueError, match="unknown experiment"):
        sweep("resnet", "quick")
    with pytest.raises(ValueError, match="lam"):
        sweep("mlp", "quick", grid=[-1e-3], digits=small_digits)
    with pytest.raises(ValueError, match="steps"):
        sweep("mlp", "quick", steps=0, digits=small_digits)


def test_run_key_identifies_a_run():
    run = {"lam": 0, "lam_convention": "batch_sum", "data": "full", "steps": 20000, "batch_size": 100, "seed": 0}
    assert run_key(run) == ("lam", 0.0, "batch_sum", "full", 20000, 100, 0)


def test_results_paths_separate_modes(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARSEBOOK_RESULTS", str(tmp_path))
    assert results_path("mlp", "full") == tmp_path / "mlp.json"
    assert results_path("mlp", "quick") == tmp_path / "quick" / "mlp.json"


def test_results_dir_is_the_checkouts_by_default(monkeypatch):
    monkeypatch.delenv("SPARSEBOOK_RESULTS", raising=False)
    checkout = Path(sweep_module.__file__).resolve().parents[2]
    assert results_dir() == checkout / "results" and (checkout / "pyproject.toml").is_file()


def _installed_copy(site, direct_url):
    """A non-editable install of sparsebook under ``site``: its module file and a dist-info folder."""
    (site / "sparsebook").mkdir(parents=True)
    info = site / "sparsebook-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sparsebook\nVersion: 0.1.0\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return site / "sparsebook" / "sweep.py"


def test_results_dir_of_an_install_is_that_of_the_clone_it_came_from(monkeypatch, tmp_path):
    """As on Colab: the chapter's install cell clones the repository and pip-installs the clone."""
    clone = tmp_path / "a clone"  # a space, percent-encoded in the recorded URL
    clone.mkdir()
    (clone / "pyproject.toml").write_text("")
    module = _installed_copy(tmp_path / "site-packages", {"url": clone.as_uri(), "dir_info": {}})
    monkeypatch.delenv("SPARSEBOOK_RESULTS", raising=False)
    monkeypatch.setattr(sweep_module, "__file__", str(module))
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    assert results_dir() == clone / "results"
    assert results_path("mlp", "full") == clone / "results" / "mlp.json"


@pytest.mark.parametrize("direct_url", [
    None,  # installed from an index
    {"url": "https://github.com/someone/sparsebook.git", "vcs_info": {"vcs": "git", "commit_id": "0" * 40}},
])
def test_results_dir_without_a_clone_says_how_to_point_at_one(monkeypatch, tmp_path, direct_url):
    module = _installed_copy(tmp_path / "site-packages", direct_url)
    monkeypatch.delenv("SPARSEBOOK_RESULTS", raising=False)
    monkeypatch.setattr(sweep_module, "__file__", str(module))
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    with pytest.raises(FileNotFoundError, match="set SPARSEBOOK_RESULTS"):
        results_dir()
    monkeypatch.setenv("SPARSEBOOK_RESULTS", str(tmp_path / "results"))
    assert results_dir() == tmp_path / "results"


def test_command_line_runs_and_reports(tmp_path, capsys):
    out = tmp_path / "cli.json"
    assert main(["mlp", "--mode", "quick", "--grid", "0", "--steps", "10", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "test acc" in printed and str(out) in printed
    assert load_results(out)["runs"][0]["steps"] == 10
    assert main(["--list"]) == 0 and "mlp" in capsys.readouterr().out
    assert main(["mlp", "--mode", "quick", "--grid", "-1", "--out", str(out)]) == 2
    assert "lam must be" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(sweep_module.EXPERIMENTS))  # every experiment has committed results
def test_committed_full_results_cover_the_source_grid(name):
    """results/<name>.json: the full-size sweeps the chapters read (made by `make sweep`)."""
    runs = load_results(results_path(name, "full"))["runs"]
    exp = sweep_module.EXPERIMENTS[name]
    strength = exp.strength
    held = [(float(run[strength]), run["seed"]) for run in runs]
    assert len(held) == len(set(held)) and set(held) == exp.planned_runs()  # every planned seed, once
    for run in runs:
        assert (run["data"], run["n_train"], run["n_test"], run["steps"]) == ("full", 60_000, 10_000, 20_000)
        assert np.isfinite(run["test_accuracy"])
        if name.startswith("sae_"):
            assert run["strength_name"] == strength and run["probe_train_examples"] == 10_000
            units = sweep_module.SAE_BOTTLENECK_UNITS if name == "sae_bottleneck" else sweep_module.SAE_HIDDEN_UNITS
            assert run["units"] == len(run["firing_rates_test"]) == units
            assert run["l0_test"] <= run["avr_test"] and run["dead_fraction"] == run["dead_units"] / units
            if name == "sae_topk":
                assert run["avr_test"] == run["k"]  # exactly k non-zero units per digit
            if name == "sae_kl":
                assert run["beta"] == sweep_module.SAE_KL_BETA
            if name.startswith("sae_kl_beta"):
                assert run["rho"] == float("0." + name[len("sae_kl_beta_rho"):])
            if name == "sae_kl_ng":
                assert run["beta"] == 2 * sweep_module.SAE_KL_BETA
                assert run["weight_decay"] == pytest.approx(sweep_module.NG_WEIGHT_DECAY)
                assert run["decoder_atom_norms"]["max"] != pytest.approx(1.0)  # free atoms
            elif "decoder_atom_norms" in run:  # unit-norm atoms
                assert run["decoder_atom_norms"]["min"] == pytest.approx(1.0, abs=1e-4)
        if exp.strength == "k" and not name.startswith("sae_"):  # TopK classifiers: at most k active units
            assert run["strength_name"] == "k" and run["lam"] == 0.0 and run["avr_test"] <= run["k"]
        if exp.schedule != "constant":
            assert run["schedule"] == exp.schedule
        else:
            assert "schedule" not in run
        if exp.topk_anneal is not None:
            assert (run["start_k"], run["anneal_steps"]) == (exp.topk_anneal[0], int(exp.topk_anneal[1] * run["steps"]))
        if name.endswith("_bounded"):  # the readout (and decoder) of every code unit within the bound
            assert run["readout_norms"]["max"] <= sweep_module.READOUT_MAX_NORM * (1 + 1e-5)
            assert max(run.get("decoder_atom_norms", [0])) <= sweep_module.READOUT_MAX_NORM * (1 + 1e-5)
        if name.startswith(("cae_", "sae_")):
            assert 0 < run["reconstruction_mse_test"] < 0.1
            if name == "cae_transpose_weight200":  # the source's decoder bug, repeated on purpose
                assert run["reconstruction_weight"] == 200.0
            else:
                assert "reconstruction_weight" not in run
            # clipping to [0, 1] only brings a pixel closer and rounding moves it by at most half a
            # grey level, so (triangle inequality) the root-mean-square error grows by at most 0.5 / 255
            assert np.sqrt(run["reconstruction_mse_quantised_test"]) <= np.sqrt(run["reconstruction_mse_test"]) + 0.5 / 255


def test_an_experiment_can_count_the_reconstruction_more_than_once(small_digits):
    exp = sweep_module.EXPERIMENTS["cae_transpose_weight200"]
    assert exp.reconstruction_weight == 200.0 and exp.grid == (0.0,)
    run = sweep("cae_transpose_weight200", "quick", steps=2, digits=small_digits)[0]
    assert run["reconstruction_weight"] == 200.0 and run["model"] == "cae_transpose_weight200"
    assert "reconstruction_weight" not in sweep("cae_transpose", "quick", grid=[0.0], steps=2, digits=small_digits)[0]


# -- issue 16: what the records now measure -------------------------------------------------------

def test_classifier_records_measure_the_readout_and_what_each_unit_codes_for(small_digits):
    from sparsebook.training import predict_in_batches

    runs, models = sweep("mlp", "quick", grid=[1e-4], steps=20, digits=small_digits, keep_models=True)
    run, model = runs[0], models[1e-4]
    code = np.concatenate([o["code"] for o in predict_in_batches(model, small_digits.x_test, 100)])
    kernel = model.get_layer("logits").kernel.numpy()
    np.testing.assert_allclose(run["readout_unit_norms"], np.linalg.norm(kernel, axis=1), atol=1e-5)
    assert run["readout_norms"]["max"] == pytest.approx(np.linalg.norm(kernel, axis=1).max())
    assert run["code_l1_test"] == pytest.approx(code.sum(axis=1).mean(), rel=1e-5)
    assert run["mean_active_value_test"] == pytest.approx(code[code > 0].mean(), rel=1e-5)
    for unit, rates in list(run["class_rates_test"].items())[:5]:
        for digit in range(10):
            on_digit = small_digits.y_test == digit
            assert rates[digit] == pytest.approx((code[on_digit, int(unit)] > 0).mean(), abs=1e-5)
    assert set(map(int, run["class_rates_test"])) == set(np.flatnonzero((code > 0).any(axis=0)))
    assert 0 <= run["hoyer_sparseness_test"] <= 1


def test_unit_norms_are_the_norms_of_what_each_unit_sends_on():
    kernel = np.arange(24, dtype=float).reshape(2, 3, 4)
    np.testing.assert_allclose(sweep_module._unit_norms(kernel, 1),
                               [np.linalg.norm(kernel[:, j, :]) for j in range(3)])


def test_autoencoder_records_measure_the_reconstruction_without_silent_units(small_digits):
    from sparsebook.training import encode

    runs, models = sweep("sae_kl", "quick", grid=[0.05], steps=20, digits=small_digits, keep_models=True)
    run, model = runs[0], models[0.05]
    code = encode(model, small_digits.x_test)
    kept = np.where(code > sweep_module.ACTIVE_THRESHOLD, code, 0.0)
    decoder = model.get_layer("decoder")
    by_hand = ((kept @ decoder.kernel.numpy() + decoder.bias.numpy() - small_digits.x_test) ** 2).mean()
    assert run["reconstruction_mse_thresholded_test"] == pytest.approx(by_hand, rel=1e-4)
    assert run["dead_units_test"] == sum(rate == 0 for rate in run["firing_rates_test"])
    assert run["decoder_atom_norms"]["min"] == pytest.approx(1.0, abs=1e-4)  # unit-norm atoms
    assert "weight_decay" not in run


def test_planned_runs_are_the_grid_at_the_first_seed_and_the_seeded_grid_at_the_others():
    exp = sweep_module.EXPERIMENTS["sae_l1"]
    assert exp.planned_runs() == {(float(v), 0) for v in exp.grid} | {(0.3, 1), (0.3, 2)}
    mlp = sweep_module.EXPERIMENTS["mlp"]
    assert len(mlp.planned_runs()) == 3 * len(mlp.grid)


def test_command_line_runs_every_seed_of_an_experiment(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sweep_module, "sweep", lambda name, mode, **kw: calls.append((kw["seed"], kw["grid"])) or [])
    monkeypatch.setattr(sweep_module, "_summary", lambda runs: "")
    assert main(["sae_topk", "--mode", "quick", "--out", str(tmp_path / "t.json")]) == 0
    assert calls == [(0, None), (1, (20,)), (2, (20,))]
    calls.clear()
    assert main(["sae_topk", "--mode", "quick", "--seed", "5", "--out", str(tmp_path / "t.json")]) == 0
    assert calls == [(5, None)]


# -- issue 17: TopK classifiers and the cosine schedule ---------------------------------------------

def test_topk_classifier_runs_sweep_k_with_no_penalty_and_record_their_schedule(small_digits):
    runs = sweep("mlp_topk_annealed", "quick", grid=[3], steps=10, digits=small_digits)
    run = runs[0]
    assert (run["strength_name"], run["k"], run["lam"], run["schedule"]) == ("k", 3, 0.0, "cosine")
    assert (run["start_k"], run["anneal_steps"]) == (sweep_module.TOPK_ANNEAL["mlp"][0], 5)
    assert run["avr_test"] <= 3 and run["curve"]["penalty"][-1] == 0.0
    plain = sweep("mlp_topk", "quick", grid=[3], steps=10, digits=small_digits)[0]
    assert "start_k" not in plain and plain["schedule"] == "cosine"
    with pytest.raises(ValueError, match="k must"):
        sweep("mlp_topk", "quick", grid=[0], steps=10, digits=small_digits)
