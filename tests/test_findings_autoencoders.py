"""The sparse auto-encoder chapter's conclusions: pinned against the committed full-size runs,
and each sentence's wording checked on tiny hand-made runs (both branches)."""

import copy
from pathlib import Path

import pytest

from sparsebook.findings.autoencoders import (MECHANISMS, at_equal_l0, atom_rates, bottleneck, demo_kl_code,
                                              demo_knobs, demo_relu_rates, demo_size, demo_timing,
                                              demo_versus_full, demo_weight_penalty, findings, full_progress,
                                              kl_weak_code, log_interpolate, training_cost, weight_penalty)
from sparsebook.sweep import load_results

RESULTS = Path(__file__).resolve().parents[1] / "results"


def committed_runs():
    return {name: load_results(RESULTS / f"{name}.json")["runs"] for name in MECHANISMS}


def committed_pitfall(name):
    """The one run of results/sae_l1_weights.json or sae_bottleneck.json."""
    runs = load_results(RESULTS / f"{name}.json")["runs"]
    assert len(runs) == 1
    return runs[0]


@pytest.fixture(scope="module")
def committed():
    return findings(committed_runs())


# --- the page's verdicts, against results/sae_*.json -------------------------------------------

def test_committed_runs_are_the_full_size_grids():
    for name, runs in committed_runs().items():
        assert len(runs) == 5
        assert all(run["data"] == "full" and run["steps"] == 20_000 and run["n_train"] == 60_000
                   and run["units"] == 1024 for run in runs), name


def test_topk_reconstructs_better_than_l1_at_4_of_5_points_worse_at_k_160(committed):
    assert (committed["topk_wins"], committed["topk_comparable"]) == (4, 5)
    sentence = committed["topk_frontier_sentence"]
    assert sentence.startswith("TopK reconstructs better than L1 at 4 of the 5 TopK points within L1's range of L0")
    assert "k = 160: 1.86e-03 against L1's 1.73e-03, 7% higher" in sentence


def test_kl_reconstructs_worse_than_l1_at_both_comparable_points(committed):
    assert (committed["kl_losses"], committed["kl_comparable"]) == (2, 2)
    assert committed["kl_frontier_sentence"].startswith("KL reconstructs worse than L1 at both KL points")
    assert "At ρ = 0.05, 0.1 and 0.2, KL's L0 (804 to 1,024 units) lies outside L1's range" \
        in committed["kl_frontier_sentence"]


def test_every_knob_trades_reconstruction_for_sparsity_at_every_step():
    """The page: "Turning it trades reconstruction for sparsity"; "fewer active units, larger error"."""
    for name, runs in committed_runs().items():
        by_l0 = sorted(runs, key=lambda run: run["l0_test"])
        errors = [run["reconstruction_mse_test"] for run in by_l0]
        assert all(a > b for a, b in zip(errors, errors[1:])), name


def test_the_threshold_counts_almost_every_non_zero_l1_and_topk_activation(committed):
    assert committed["threshold_share_min"] > 0.95
    assert committed["threshold_sentence"] == ("In each full-size L1 or TopK run, at least 95.2% of the non-zero "
                                               "activations exceed the threshold.")


def test_l1_l0_falls_at_every_step_of_lambda(committed):
    assert committed["l1_l0_falls_every_step"]
    assert committed["l1_range_sentence"] == ("L1's L0 falls at every step of λ, from 441 active units per digit "
                                              "at λ = 0 to 8.42 at λ = 1.")


def test_kl_keeps_at_least_16_percent_of_the_layer_active(committed):
    assert committed["kl_min_l0_at_smallest_rho"]
    assert committed["kl_min_l0_pct"] == pytest.approx(15.6, abs=0.05)
    assert committed["kl_floor_sentence"].startswith("No KL run of the grid has fewer than 160 active units per "
                                                     "digit (16% of the layer)")
    assert committed["kl_min_ratio"] > 1
    assert "at ρ = 0.05, 804 units per digit (79% of the layer) against 51.2" in committed["kl_many_sentence"]
    assert committed["kl_lesson_sentence"] == (
        "On sigmoids it pulls the mean activation towards ρ, but its code keeps more than a fraction ρ of the layer "
        "active: at full size, at ρ = 0.05, 79% of the layer was above 0.01 on a typical digit, and even its "
        "sparsest run (ρ = 0.01) had 16%.")


def test_kl_codes_are_the_most_linearly_readable_at_full_size(committed):
    assert committed["best_probe_mechanism"] == "KL" and committed["best_probe_strength"] == "ρ = 0.01"
    assert committed["probe_ranked_sentence"].startswith("At full size KL's codes are the most linearly readable")
    assert "0.9415 for L1's best (λ = 0.3) and 0.9001 for TopK's best (k = 20)" in committed["probe_ranked_sentence"]
    assert committed["kl_probe_rises_as_rho_falls"]
    assert committed["kl_probe_trend_sentence"] == (
        "KL's probe accuracy rises at every step as ρ falls, from 0.9227 at ρ = 0.2 to 0.9639 at ρ = 0.01, while "
        "its L0 falls: the sparser its code, the more readable, though 2 of the 4 steps add no more than 0.5 points.")


def test_every_sparse_run_is_more_readable_than_the_plain_auto_encoder(committed):
    assert (committed["probe_above_plain"], committed["probe_sparse_runs"]) == (14, 14)
    assert committed["probe_plain_sentence"].startswith("Every one of the 14 runs with a sparsity mechanism at work")
    assert "than the plain auto-encoder, by 0.57 to 11.98 points" in committed["probe_plain_sentence"]


def test_at_equal_l0_kl_probe_beats_l1_at_both_topk_at_1_of_5_and_level_at_1(committed):
    assert (committed["kl_probe_wins"], committed["kl_probe_level"], committed["kl_probe_comparable"]) == (2, 0, 2)
    assert (committed["topk_probe_wins"], committed["topk_probe_level"],
            committed["topk_probe_comparable"]) == (1, 1, 5)
    assert "KL's probe beats L1's at both comparable points (" in committed["probe_equal_l0_sentence"]
    assert ("TopK's probe beats L1's at 1 of the 5 comparable points and is level with it at 1 (+2.00 points at "
            "k = 10, +0.02 points at k = 20," in committed["probe_equal_l0_sentence"])


def test_dead_units_l1_47_to_84_percent_topk_falls_with_k_kl_none(committed):
    assert committed["dead_l1_sentence"].startswith("With L1, 47% to 84% of the layer is dead, the most at λ = 1; "
                                                    "already 48% without a penalty")
    assert not committed["l1_dead_rises_every_step"]
    assert "but the strongest penalty kills the most units" in committed["dead_l1_sentence"]
    assert committed["topk_dead_falls_every_step"]
    assert "from 92% at k = 10 to 69% at k = 160" in committed["dead_topk_sentence"]
    assert committed["kl_dead_max_pct"] == 0
    assert committed["dead_kl_sentence"].startswith("No KL unit is dead at any ρ")


def test_kl_units_are_the_least_selective_at_the_middle_strengths(committed):
    assert committed["least_selective"] == "KL"
    assert "27% of the test digits with L1 (λ = 0.1), 80% with KL (ρ = 0.05) and 24% with TopK (k = 40)" \
        in committed["firing_sentence"]


def test_mechanisms_differ_in_training_time_less_than_their_runs_do(committed):
    assert committed["time_between_mechanisms"] < committed["time_within_min"]
    assert "less than the runs of any one mechanism differ among themselves" in committed["time_sentence"]


def test_advice_and_lesson_state_the_committed_verdicts(committed):
    assert committed["advice_topk_sentence"] == (
        "At full size it reconstructed better than L1 at 4 of the 5 comparable points, but left 69% to 92% of its "
        "units dead, and its probe beat L1's by more than 0.5 points at 1 of the 5 comparable points (level at 1).")
    assert "falling at every step of λ" in committed["advice_l1_sentence"]
    assert committed["advice_kl_sentence"].startswith(
        "At full size its codes were the most linearly readable of the 15 runs (0.9639 at ρ = 0.01) and no unit died")
    assert "reconstructed worse than L1 at both comparable points" in committed["advice_kl_sentence"]
    assert committed["lesson_frontier_sentence"] == (
        "At equal L0 in the full-size runs, TopK reconstructs better than L1 at 4 of the 5 comparable points and "
        "KL worse at both comparable points; the most linearly readable codes are KL's.")


def test_training_time_follows_the_width_at_full_size():
    cost = training_cost(committed_runs(), committed_pitfall("sae_l1_weights"), committed_pitfall("sae_bottleneck"))
    assert cost["cost_follows_width"] and cost["cost_ratio"] > 20
    assert cost["cost_width_sentence"] == (
        "The two pitfall runs, both trained on cpu (2 cores), show the width at work: for the same 20,000 steps the "
        "1,024-unit weight-penalty run took 360 s and the 32-unit bottleneck 13 s, 27 times less for 32 times fewer "
        "units.")
    assert cost["lesson_cost_sentence"] == (
        "The cost of training follows the width of the layer: at full size the 32-unit bottleneck trained its "
        "20,000 steps in 13 s, every 1,024-unit run, whatever its mechanism, in 360 to 766 s.")


def test_full_runs_had_far_to_go_at_step_300():
    progress = full_progress(committed_runs(), 300)
    assert progress["progress_step"] == 300 and progress["progress_ratio"] > 2
    assert "was still 4.1 times its final value" in progress["progress_sentence"]
    assert full_progress(committed_runs(), 349)["progress_step"] == 300  # the nearest logged step


def test_pitfall_runs_are_full_size_like_the_grids():
    for name, units, penalty in (("sae_l1_weights", 1024, "l1_weights"), ("sae_bottleneck", 32, "none")):
        run = committed_pitfall(name)
        assert (run["data"], run["steps"], run["n_train"], run["n_test"], run["seed"]) == ("full", 20_000, 60_000,
                                                                                            10_000, 0), name
        assert (run["units"], run["penalty"]) == (units, penalty)


@pytest.fixture(scope="module")
def weights_verdict():
    return weight_penalty(committed_runs(), committed_pitfall("sae_l1_weights"))


@pytest.fixture(scope="module")
def bottleneck_verdict():
    return bottleneck(committed_runs(), committed_pitfall("sae_bottleneck"))


def test_weight_penalty_leaves_the_code_nearly_as_dense_as_no_penalty(weights_verdict):
    assert weights_verdict["weights_full_sentence"] == (
        "At full size, λ = 0.001 on the encoder's weights leaves 391 units active per digit (38% of the layer), "
        "against 441 (43%) with no penalty at all: 11% fewer. 11 of the 14 runs that penalise or limit the code "
        "itself are sparser; only KL at ρ = 0.05, 0.1 and 0.2 have as many active units or more.")
    assert (weights_verdict["weights_sparser_runs"], weights_verdict["weights_code_runs"]) == (11, 14)
    assert weights_verdict["weights_living_sentence"] == (
        "Nor are its living units selective: 53% of the layer is dead, and the median living unit is active on 98% "
        "of the test digits (with no penalty: 48% dead, 99%).")
    assert weights_verdict["weights_lesson_sentence"].startswith("A penalty on the weights does not make the code "
                                                                 "sparse: at full size it left 391 units")


def test_weight_penalty_reconstructs_worse_than_l1_on_the_code_at_its_l0(weights_verdict):
    assert weights_verdict["weights_worse_than_l1"]
    sentence = weights_verdict["weights_cost_sentence"]
    assert sentence.startswith("At the same L0, read off L1's line (between λ = 0 and λ = 0.03), L1 on the code "
                               "reconstructs better: 3.62e-04 per pixel against the weight penalty's 7.00e-04 "
                               "(93% higher)")
    assert "the probe reads 0.8529 on L1's line against 0.8495 (−0.34 points" in sentence
    assert weights_verdict["weights_advice_sentence"] == (
        "At full size (λ = 0.001) it left 391 of 1,024 units active per digit (no penalty: 441), a denser code "
        "than 11 of the 14 runs that act on the code, and it reconstructed worse than L1 on the code at the same L0.")
    assert [row[:2] for row in weights_verdict["weights_rows"]] == [
        ("L1 on the weights", "λ = 0.001"), ("L1 on the code", "λ = 0 (no penalty)"), ("L1 on the code", "λ = 0.03")]


def test_bottleneck_is_dense_and_wide_sparse_codes_beat_it_at_its_l0(bottleneck_verdict):
    assert bottleneck_verdict["bottleneck_dense"] and bottleneck_verdict["bottleneck_share"] > 0.95
    assert bottleneck_verdict["bottleneck_full_sentence"] == (
        "At full size the 32-unit bottleneck's code is dense: 31.5 of its 32 units are active on a typical digit "
        "(98%), and every unit is active on at least 98% of the test digits.")
    assert (bottleneck_verdict["bottleneck_better"], bottleneck_verdict["bottleneck_readable"],
            bottleneck_verdict["bottleneck_lines"]) == (2, 2, 2)
    sentence = bottleneck_verdict["bottleneck_equal_sentence"]
    assert ("L1's line (between λ = 0.3 and λ = 1, whose codes use 4.6% and 0.8% of their 1,024 units) gives "
            "9.34e-03 per pixel, 45% lower than the bottleneck's, and a probe accuracy of 0.9219 (+9.18 points)"
            in sentence)
    assert "TopK's line (between k = 20 and k = 40" in sentence and "0.8842 (+5.41 points)" in sentence
    assert "KL's runs (160 to 1,024 active units) do not reach it." in sentence
    assert sentence.endswith("the wide sparse codes reconstruct better and are more linearly readable than the "
                             "narrow dense one.")
    assert "its reconstruction error is 63 times lower (2.72e-04 per pixel), with 441 units active per digit" \
        in bottleneck_verdict["bottleneck_plain_sentence"]
    assert bottleneck_verdict["bottleneck_lesson_sentence"] == (
        "A narrow bottleneck makes the code small, not sparse: at full size 98% of its 32 units are active on a "
        "typical digit, and the wide sparse codes with as few active units reconstruct and read better.")


def test_kl_active_units_are_weakly_on_at_full_size():
    weak = kl_weak_code(committed_runs()["sae_kl"])
    assert weak["kl_weak"] and weak["kl_weak_per_active"] == pytest.approx(0.0748, abs=5e-4)
    assert weak["kl_weak_mean_max"] == pytest.approx(0.0587, abs=5e-4)
    assert "caps the batch's mean activation, over all 1,024 units, at 0.059" in weak["kl_weak_sentence"]
    assert weak["kl_weak_sentence"].endswith("many units weakly on, not a few strongly on.")


def test_most_used_units_at_full_size():
    assert atom_rates(committed_runs())["atom_rates_sentence"] == (
        "In the full-size runs, the 10 most used units are active on 28% to 37% of the test digits with L1 at "
        "λ = 0.3, 21% to 23% with KL at ρ = 0.01 and 20% to 46% with TopK at k = 10.")


# --- tiny hand-made runs: each sentence's branches ---------------------------------------------

def run(name, value, l0, mse, acc, dead=0, seconds=10.0, units=100):
    strength = {"sae_l1": "lam", "sae_kl": "rho", "sae_topk": "k"}[name]
    rates = [0.0] * dead + [0.5] * (units - dead)
    return {"strength_name": strength, strength: value, "units": units, "l0_test": l0, "avr_test": l0,
            "reconstruction_mse_test": mse, "test_accuracy": acc, "dead_units": dead, "firing_rates_test": rates,
            "train_seconds": seconds, "steps": 1000,
            "curve": {"step": [100, 200, 1000], "reconstruction": [4.0, 2.0, 1.0]}}


def grid(**changes):
    """Three small runs per mechanism: L1 spans L0 2..50, TopK sits inside it, KL above and inside."""
    runs = {
        "sae_l1": [run("sae_l1", 0.0, 50, 0.001, 0.80, dead=10), run("sae_l1", 0.1, 10, 0.01, 0.85, dead=20),
                   run("sae_l1", 1.0, 2, 0.1, 0.82, dead=50)],
        "sae_kl": [run("sae_kl", 0.2, 90, 0.002, 0.90), run("sae_kl", 0.05, 40, 0.02, 0.91),
                   run("sae_kl", 0.01, 20, 0.05, 0.92)],
        "sae_topk": [run("sae_topk", 10, 10, 0.02, 0.84, dead=60), run("sae_topk", 20, 20, 0.003, 0.83, dead=40),
                     run("sae_topk", 40, 40, 0.001, 0.81, dead=30)],
    }
    for (name, i, key), value in changes.items():
        runs[name][i][key] = value
    return runs


def changed(runs, name, i, **fields):
    runs = copy.deepcopy(runs)
    runs[name][i].update(fields)
    return runs


def test_log_interpolate_reads_between_points_and_refuses_outside():
    runs = [{"l0_test": 1.0, "m": 1.0}, {"l0_test": 100.0, "m": 100.0}]
    assert log_interpolate(runs, "m", 10.0) == pytest.approx(10.0)
    assert log_interpolate(runs, "m", 1000.0) is None
    assert [r["l0_test"] for r, _ in at_equal_l0([{"l0_test": 10.0}, {"l0_test": 0.5}], runs, "m")] == [10.0]
    with pytest.raises(ValueError, match="l0 must be a number > 0"):
        log_interpolate(runs, "m", 0)
    with pytest.raises(ValueError, match="every run needs"):
        log_interpolate(runs, "missing", 10.0)


def test_frontier_sentences_every_some_and_none():
    base = findings(grid())
    assert base["topk_frontier_sentence"].startswith("TopK reconstructs better than L1 at 2 of the 3 TopK points")
    assert base["kl_frontier_sentence"].startswith("KL reconstructs worse than L1 at both KL points")
    assert "At ρ = 0.2, KL's L0 (90 units) lies outside L1's range (2 to 50)" in base["kl_frontier_sentence"]
    every = findings(changed(grid(), "sae_topk", 0, reconstruction_mse_test=0.001))
    assert every["topk_frontier_sentence"].startswith("TopK reconstructs better than L1 at all 3 TopK points")
    none = findings(changed(changed(grid(), "sae_topk", 1, reconstruction_mse_test=0.5),
                            "sae_topk", 2, reconstruction_mse_test=0.5))
    assert none["topk_frontier_sentence"].startswith("TopK reconstructs worse than L1 at all 3 TopK points")
    kl_wins = findings(changed(grid(), "sae_kl", 1, reconstruction_mse_test=0.0001))
    assert kl_wins["kl_frontier_sentence"].startswith("KL reconstructs better than L1 at 1 of the 2 KL points")
    assert "lower" in kl_wins["kl_frontier_sentence"]
    outside = findings(changed(changed(grid(), "sae_kl", 1, l0_test=95), "sae_kl", 0, l0_test=99))
    assert outside["kl_frontier_sentence"].startswith("KL reconstructs worse than L1 at the one KL point")


def test_topk_outside_l1_range_compares_nothing():
    apart = grid()
    for i, k in enumerate((100, 200, 400)):
        apart["sae_topk"][i].update(k=k, l0_test=k)
    apart["sae_topk"][1]["k"] = 40  # the middle run the histograms need
    apart["sae_topk"][1]["l0_test"] = 40
    apart["sae_topk"][0].update(k=10, l0_test=1)
    only_one = findings(apart)
    assert only_one["topk_comparable"] == 1
    assert "at the one comparable point" in only_one["advice_topk_sentence"]
    none = copy.deepcopy(apart)
    none["sae_topk"][1]["l0_test"] = 60
    outside = findings(none)
    assert outside["topk_frontier_sentence"].startswith("No TopK run has an L0 within L1's range")
    assert "at no comparable point (none falls within L1's range of L0)" in outside["advice_topk_sentence"]


def test_l1_range_every_step_or_not():
    assert findings(grid())["l1_range_sentence"].startswith("L1's L0 falls at every step of λ, from 50")
    bumpy = findings(changed(grid(), "sae_l1", 2, l0_test=20))
    assert not bumpy["l1_l0_falls_every_step"]
    assert "but not down at every step of λ" in bumpy["l1_range_sentence"]


def test_kl_code_many_or_not_and_where_its_fewest_are():
    base = findings(grid())
    assert "the fewest are at the smallest target rate, ρ = 0.01" in base["kl_floor_sentence"]
    assert base["kl_many_sentence"].startswith("At full size, at every ρ of the grid KL's code has more units")
    assert base["kl_lesson_sentence"] == (
        "On sigmoids it pulls the mean activation towards ρ, but its code keeps more than a fraction ρ of the layer "
        "active: at full size, at ρ = 0.05, 40% of the layer was active on a typical digit, and even its sparsest "
        "run (ρ = 0.01) had 20%.")
    sparse = findings(changed(grid(), "sae_kl", 1, l0_test=3))
    assert "the fewest are at ρ = 0.05" in sparse["kl_floor_sentence"]
    assert "not every ρ of the grid has more" in sparse["kl_many_sentence"]
    assert sparse["kl_lesson_sentence"] == ("On sigmoids it pulls the mean activation towards ρ; at full size, at "
                                            "ρ = 0.05, 3% of the layer was active on a typical digit, the fewest "
                                            "of the grid.")


def test_probe_sentences_in_each_case():
    base = findings(grid())
    assert base["probe_ranked_sentence"].startswith("At full size KL's codes are the most linearly readable")
    assert base["probe_plain_sentence"].startswith("Every one of the 8 runs with a sparsity mechanism")
    assert base["kl_probe_rises_as_rho_falls"] and "the sparser its code" in base["kl_probe_trend_sentence"]
    denser = findings(changed(grid(), "sae_kl", 2, l0_test=95))  # ρ = 0.01 denser than ρ = 0.05
    assert denser["kl_probe_trend_sentence"].endswith("from 0.9000 at ρ = 0.2 to 0.9200 at ρ = 0.01.")
    assert "add no more than" not in denser["kl_probe_trend_sentence"]
    small_steps = findings(changed(grid(), "sae_kl", 1, test_accuracy=0.903))
    assert small_steps["kl_probe_trend_sentence"].endswith("though 1 of the 2 steps adds no more than 0.5 points.")
    worse = findings(changed(grid(), "sae_topk", 2, test_accuracy=0.70))
    assert worse["probe_plain_sentence"] == ("7 of the 8 runs with a sparsity mechanism at work have a code more "
                                             "linearly readable than the plain auto-encoder's by more than 0.5 "
                                             "points.")
    assert "by 1.00 to 12.00 points" in base["probe_plain_sentence"]
    l1_best = findings(changed(grid(), "sae_l1", 1, test_accuracy=0.99))
    assert l1_best["probe_ranked_sentence"].startswith("At full size L1's codes are the most linearly readable")
    assert "its codes were less linearly readable than L1's best" in l1_best["advice_kl_sentence"]
    flat = findings(changed(grid(), "sae_kl", 2, test_accuracy=0.5))
    assert "not rising at every step" in flat["kl_probe_trend_sentence"]
    nobody = {name: [dict(r, test_accuracy=0.1) for r in runs] for name, runs in grid().items()}
    nobody["sae_l1"][0]["test_accuracy"] = 0.9
    assert findings(nobody)["probe_plain_sentence"].startswith("None of the 8 runs")


def test_dead_sentences_in_each_case():
    base = findings(grid())
    assert "The share rises at every step of λ." in base["dead_l1_sentence"]
    assert base["dead_topk_sentence"].startswith("TopK's dead units fall at every step as k grows, from 60% at k = 10")
    assert base["dead_kl_sentence"].startswith("No KL unit is dead")
    mixed = findings(changed(changed(grid(), "sae_l1", 1, dead_units=5), "sae_topk", 2, dead_units=50))
    assert "does not rise at every step of λ, but the strongest penalty kills the most" in mixed["dead_l1_sentence"]
    assert mixed["dead_topk_sentence"].startswith("TopK leaves 40% to 60% of its units dead")
    middle = findings(changed(grid(), "sae_l1", 1, dead_units=90))
    assert middle["dead_l1_sentence"].endswith("The share does not rise with λ at every step.")
    kl_dead = findings(changed(grid(), "sae_kl", 0, dead_units=3))
    assert kl_dead["dead_kl_sentence"] == "KL's dead units never pass 3% of the layer."


def test_time_sentence_either_way():
    spread = {name: [dict(r, train_seconds=10.0 + 5 * i) for i, r in enumerate(runs)] for name, runs in grid().items()}
    assert "less than the runs of any one mechanism" in findings(spread)["time_sentence"]
    slow = {name: [dict(r, train_seconds=(100.0 if name == "sae_kl" else 10.0) + i) for i, r in enumerate(runs)]
            for name, runs in grid().items()}
    assert "at least as much as the runs of L1 differ among themselves (2 s)" in findings(slow)["time_sentence"]


def test_findings_refuses_bad_input():
    with pytest.raises(TypeError, match="must be a dict"):
        findings([])
    with pytest.raises(ValueError, match="must hold exactly"):
        findings({"sae_l1": grid()["sae_l1"]})
    with pytest.raises(ValueError, match="lacks"):
        findings(grid() | {"sae_l1": [{"strength_name": "lam", "lam": 0}] * 2})
    with pytest.raises(ValueError, match="two runs at the same"):
        findings(changed(grid(), "sae_l1", 1, lam=0.0))
    with pytest.raises(ValueError, match="must be swept over 'rho'"):
        findings(changed(grid(), "sae_kl", 0, strength_name="lam"))
    with pytest.raises(ValueError, match="step must be an int >= 1"):
        full_progress(grid(), 0)


def test_full_progress_still_far_or_nearly_done():
    assert "was still 2.0 times its final value" in full_progress(grid(), 200)["progress_sentence"]
    assert "already within 0% of its final value" in full_progress(grid(), 1000)["progress_sentence"]


def test_demo_relu_rates_both_branches():
    broken = demo_relu_rates(54, 256, 4.6, 1.32, 28)
    assert broken["relu_sentence"].startswith("In this small run, 54 of the 256 units")
    assert "the largest ρ̂ is 1.32, above 1" in broken["relu_sentence"]
    assert broken["relu_lesson_sentence"].endswith("54 of the 256 terms were infinite and 28 not a number")
    fine = demo_relu_rates(0, 256, 0.9, 0.4, 0)
    assert "none of the 256 units is silent" in fine["relu_sentence"]
    assert "below 1 here, but only by chance" in fine["relu_sentence"]
    assert "every term happened to be finite" in fine["relu_lesson_sentence"]
    assert demo_relu_rates(3, 256, 0.9, 0.4, 0)["relu_lesson_sentence"].endswith("3 of the 256 terms were infinite")
    with pytest.raises(ValueError, match="units must be"):
        demo_relu_rates(0, 0, 1.0, 1.0, 0)


def test_demo_weight_penalty_branches():
    usual = demo_weight_penalty(0.015, 0.57, 153.0, 161.0)
    assert "does what it says: 57% of the encoder's weights" in usual["weights_sentence"]
    assert "The code does not follow: 161 units are active per digit, more than the plain auto-encoder's 153." \
        in usual["weights_sentence"]
    assert not usual["weights_code_follows"]
    same = demo_weight_penalty(0.015, 0.57, 153.0, 153.0)
    assert "as many as the plain auto-encoder's" in same["weights_sentence"]
    fewer = demo_weight_penalty(0.015, 0.57, 153.0, 140.0)
    assert "140 units are active per digit, not much fewer than" in fewer["weights_sentence"]
    sparser = demo_weight_penalty(0.015, 0.01, 153.0, 50.0)
    assert "did not even make more weights small" in sparser["weights_sentence"]
    assert "Here the code got sparser too" in sparser["weights_sentence"] and sparser["weights_code_follows"]
    with pytest.raises(TypeError, match="plain_l0 must be a number"):
        demo_weight_penalty(0.1, 0.2, "many", 1.0)


def test_demo_kl_code_branches():
    weak = demo_kl_code(0.061, 0.05, 256, {0.01: 232.0, 0.5: 0.3})
    assert "close to the target" in weak["kl_demo_sentence"] and "many units weakly on" in weak["kl_demo_sentence"]
    far = demo_kl_code(0.2, 0.05, 256, {0.01: 20.0, 0.5: 10.0})
    assert "still far from the target" in far["kl_demo_sentence"]
    assert "not much denser than its mean suggests" in far["kl_demo_sentence"]
    with pytest.raises(ValueError, match="0.5 among them"):
        demo_kl_code(0.05, 0.05, 256, {0.01: 1.0})


def test_demo_size_and_knobs_branches():
    assert "not over-complete" in demo_size(256, 300, 1024, 20_000)["size_sentence"]
    assert "over-complete too" in demo_size(1024, 300, 1024, 20_000)["size_sentence"]
    assert "the full-size runs' 1,024 hidden units" in demo_size(1024, 300, 1024, 20_000)["size_sentence"]
    knobs = demo_knobs({"l1": {0.0: 153.0, 0.3: 43.8}, "kl": {0.05: 100.0, 0.01: 120.0},
                        "topk": {40: 40.0, 10: 40.0}}, 256)["knobs_sentence"]
    assert "λ = 0.3 cuts L1's active units per digit from 153 (λ = 0) to 43.8" in knobs
    assert "ρ = 0.01 raises KL's active units per digit from 100 (ρ = 0.05) to 120" in knobs
    assert "k = 10 leaves TopK's active units per digit at 40" in knobs
    with pytest.raises(ValueError, match="unknown sparsity"):
        demo_knobs({"l2": {0: 1, 1: 2}}, 256)


def test_demo_timing_branches():
    grows = demo_timing({32: 0.2, 256: 0.9, 1024: 3.0})
    assert grows["timing_grows"] and "15 times from the narrowest to the widest layer (32 times the units)" \
        in grows["timing_sentence"]
    noisy = demo_timing({32: 0.2, 256: 0.9, 1024: 0.5})
    assert not noisy["timing_grows"] and "does not grow at every step" in noisy["timing_sentence"]
    with pytest.raises(ValueError, match="at least two widths"):
        demo_timing({32: 0.2})


# --- the pitfalls and the KL code: tiny hand-made runs ---------------------------------------

def single(penalty, l0, mse, acc, units=100, dead=0, rates=None, lam=0.001):
    """A pitfall run: ``rates`` are its units' firing rates (dead units first, at 0)."""
    rates = rates if rates is not None else [0.0] * dead + [0.9] * (units - dead)
    return {"penalty": penalty, "lam": lam, "units": units, "l0_test": l0, "avr_test": l0,
            "reconstruction_mse_test": mse, "test_accuracy": acc, "dead_units": dead, "firing_rates_test": rates}


def test_weight_penalty_sentences_in_each_case():
    # the tiny grid's L1 line: L0 50 (λ = 0), 10, 2; TopK 10..40; KL 20..90
    dense = weight_penalty(grid(), single("l1_weights", 45.0, 0.01, 0.79, dead=20))
    assert "45 units active per digit" in dense["weights_full_sentence"]
    assert "10% fewer" in dense["weights_full_sentence"]
    assert "7 of the 8 runs that penalise or limit the code itself are sparser; only KL at ρ = 0.2 has as many" \
        in dense["weights_full_sentence"]
    mixed = weight_penalty(grid(), single("l1_weights", 35.0, 0.01, 0.79))
    assert "5 of the 8 runs that penalise or limit the code itself are sparser; only KL at ρ = 0.05, 0.2 and TopK " \
        "at k = 40 have as many active units or more." in mixed["weights_full_sentence"]
    assert dense["weights_living_sentence"].startswith("Nor are its living units selective: 20% of the layer is dead")
    assert "L1 on the code reconstructs better" in dense["weights_cost_sentence"]
    assert "reconstructed worse than L1 on the code" in dense["weights_advice_sentence"]
    assert dense["weights_lesson_sentence"].startswith("A penalty on the weights does not make the code sparse")
    better = weight_penalty(grid(), single("l1_weights", 45.0, 0.0005, 0.9, rates=[0.1] * 100))
    assert "L1 on the code reconstructs worse" in better["weights_cost_sentence"]
    assert "+" in better["weights_cost_sentence"] and "reconstructed better" in better["weights_advice_sentence"]
    assert better["weights_living_sentence"].startswith("Its living units are selective")
    sparse = weight_penalty(grid(), single("l1_weights", 1.0, 0.5, 0.5))
    assert "None of the 8 runs that penalise or limit the code itself is sparser." in sparse["weights_full_sentence"]
    assert sparse["weights_lesson_sentence"].startswith("A penalty on the weights is no control of the code")
    assert "L1 on the code has no run with as many as 1 active units" in sparse["weights_cost_sentence"]
    assert sparse["weights_worse_than_l1"] is None and "reconstructed" not in sparse["weights_advice_sentence"]
    denser = weight_penalty(grid(), single("l1_weights", 95.0, 0.5, 0.5))
    assert "Every one of the 8 runs that penalise or limit the code itself is sparser." \
        in denser["weights_full_sentence"]
    assert "95 units active per digit (95% of the layer), against 50 (50%) with no penalty at all: 90% more" \
        in denser["weights_full_sentence"]


def test_bottleneck_sentences_in_each_case():
    dense = bottleneck(grid(), single("none", 30.0, 0.01, 0.5, units=32, rates=[0.95] * 32))
    assert dense["bottleneck_full_sentence"] == ("At full size the 32-unit bottleneck's code is dense: 30 of its 32 "
                                                 "units are active on a typical digit (94%), and every unit is active "
                                                 "on at least 95% of the test digits.")
    assert (dense["bottleneck_better"], dense["bottleneck_readable"], dense["bottleneck_lines"]) == (2, 3, 3)
    assert "At the same number of active units per digit, 2 of the 3 sparse lines reconstruct better" \
        in dense["bottleneck_equal_sentence"]
    assert "a code that is small because its layer is small" in dense["bottleneck_lesson_sentence"]
    assert "its reconstruction error is 10 times lower" in dense["bottleneck_plain_sentence"]
    wins = bottleneck(grid(), single("none", 30.0, 0.5, 0.1, units=32, rates=[0.95] * 32))
    assert wins["bottleneck_equal_sentence"].endswith("the wide sparse codes reconstruct better and are more linearly "
                                                      "readable than the narrow dense one.")
    assert "and the wide sparse codes with as few active units reconstruct and read better" \
        in wins["bottleneck_lesson_sentence"]
    narrow = bottleneck(grid(), single("none", 4.0, 0.0015, 0.5, units=32, dead=2, rates=[0.0] * 2 + [0.1] * 30))
    assert narrow["bottleneck_full_sentence"].startswith("At full size 4 of the bottleneck's 32 units are active on a "
                                                         "typical digit (12%)")
    assert "its reconstruction error is 0.0015" not in narrow["bottleneck_plain_sentence"]
    assert "(the bottleneck's: 1.50e-03)" in narrow["bottleneck_plain_sentence"]
    assert "TopK's runs (10 to 40 active units) do not reach it" in narrow["bottleneck_equal_sentence"]
    dead = bottleneck(grid(), single("none", 30.0, 0.01, 0.5, units=32, dead=1, rates=[0.0] + [0.97] * 31))
    assert "1 units are dead and every other one is active on at least 97%" in dead["bottleneck_full_sentence"]
    apart = bottleneck(grid(), single("none", 1.0, 0.01, 0.5, units=32))
    assert apart["bottleneck_equal_sentence"].startswith("No sparse run has an L0 near the bottleneck's 1:")


def kl_run(rho, penalty, l0, units=100, beta=3.0):
    return dict(run("sae_kl", rho, l0, 0.01, 0.9, units=units), beta=beta,
                curve={"step": [100], "loss": [1.0 + penalty], "reconstruction": [1.0]})


def test_kl_weak_code_weak_or_bound_too_loose():
    weak = kl_weak_code([kl_run(0.05, 0.0, 80), kl_run(0.2, 0.0, 100)])
    assert weak["kl_weak_mean_max"] == pytest.approx(0.05, abs=1e-6)
    assert weak["kl_weak_per_active"] == pytest.approx(5 / 80, abs=1e-6)
    assert weak["kl_weak_sentence"].endswith("many units weakly on, not a few strongly on.")
    loose = kl_weak_code([kl_run(0.05, 0.0, 20), kl_run(0.2, 0.0, 100)])
    assert not loose["kl_weak"] and loose["kl_weak_sentence"].endswith("this bound is too loose to say whether they "
                                                                       "are weakly or strongly on.")
    with pytest.raises(ValueError, match="needs 'beta'"):
        kl_weak_code([run("sae_kl", 0.05, 80, 0.01, 0.9), run("sae_kl", 0.2, 100, 0.01, 0.9)])
    with pytest.raises(ValueError, match="has no run at 0.05"):
        kl_weak_code([kl_run(0.1, 0.0, 80), kl_run(0.2, 0.0, 100)])


def test_atom_rates_and_its_checks():
    runs = changed(grid(), "sae_l1", 1, lam=0.3, firing_rates_test=[0.0] * 50 + [0.2] * 40 + [0.6] * 10)
    assert atom_rates(runs)["atom_rates_sentence"].startswith("In the full-size runs, the 10 most used units are "
                                                              "active on 60% to 60% of the test digits with L1 at "
                                                              "λ = 0.3")
    assert atom_rates(runs, top=20)["atom_rate_spans"]["L1"] == (0.2, 0.6)
    with pytest.raises(ValueError, match="has no run at 0.3"):
        atom_rates(grid())
    with pytest.raises(ValueError, match="top must be an int"):
        atom_rates(runs, top=0)


def test_pitfalls_refuse_bad_runs():
    with pytest.raises(TypeError, match="the sae_l1_weights run must be a dict"):
        weight_penalty(grid(), [single("l1_weights", 1.0, 0.1, 0.5)])
    with pytest.raises(ValueError, match="lacks \\['firing_rates_test'\\]"):
        bottleneck(grid(), {k: v for k, v in single("none", 1.0, 0.1, 0.5).items() if k != "firing_rates_test"})
    with pytest.raises(ValueError, match="must have penalty 'none'"):
        bottleneck(grid(), single("l1", 1.0, 0.1, 0.5))


# --- the probe's level band, the threshold, the cost of width, the small runs against the full ones ---

def test_probe_differences_within_half_a_point_count_as_level():
    # the tiny L1 line reads 0.85 at L0 10 and, log-interpolated, 0.828 at L0 20 and 0.807 at L0 40
    base = findings(grid())
    assert (base["topk_probe_wins"], base["topk_probe_level"]) == (0, 2)
    assert ("TopK's probe beats L1's at none of the 3 comparable points and is level with it at 2 (−1.00 points at "
            "k = 10, +0.19 points at k = 20, +0.32 points at k = 40)") in base["probe_equal_l0_sentence"]
    assert "a difference of 0.5 points or less counts as level" in base["probe_equal_l0_sentence"]
    assert base["advice_topk_sentence"].endswith("its probe beat L1's by more than 0.5 points at none of the 3 "
                                                 "comparable points (level at 2).")
    ahead = findings(changed(grid(), "sae_topk", 1, test_accuracy=0.84))
    assert (ahead["topk_probe_wins"], ahead["topk_probe_level"]) == (1, 1)
    assert "TopK's probe beats L1's at 1 of the 3 comparable points and is level with it at 1" \
        in ahead["probe_equal_l0_sentence"]
    apart = findings(changed(changed(grid(), "sae_topk", 1, test_accuracy=0.84), "sae_topk", 2, test_accuracy=0.82))
    assert (apart["topk_probe_wins"], apart["topk_probe_level"]) == (2, 0)
    assert "TopK's probe beats L1's at 2 of the 3 comparable points (" in apart["probe_equal_l0_sentence"]
    assert apart["advice_topk_sentence"].endswith("at 2 of the 3 comparable points.")
    near_plain = findings(changed(grid(), "sae_topk", 2, test_accuracy=0.803))
    assert near_plain["probe_above_plain"] == 7 and near_plain["probe_plain_sentence"].startswith("7 of the 8 runs")


def test_bottleneck_probe_within_half_a_point_is_not_more_readable():
    # at L0 30 the tiny lines read 0.8155 (L1, between λ = 0.1 and 0), 0.818 (TopK) and 0.914 (KL)
    close = bottleneck(grid(), single("none", 30.0, 0.5, 0.812, units=32, rates=[0.95] * 32))
    assert (close["bottleneck_better"], close["bottleneck_readable"], close["bottleneck_lines"]) == (3, 2, 3)
    assert "(+0.35 points)" in close["bottleneck_equal_sentence"]
    assert close["bottleneck_equal_sentence"].endswith("all 3 sparse lines reconstruct better than the narrow dense "
                                                       "code and 2 of the 3 are more linearly readable.")


def test_threshold_sentence_rounds_down():
    runs = changed(grid(), "sae_l1", 0, avr_test=50 / 0.9567)
    out = findings(runs)
    assert out["threshold_sentence"] == ("In each full-size L1 or TopK run, at least 95.6% of the non-zero "
                                         "activations exceed the threshold.")
    assert findings(grid())["threshold_sentence"].startswith("In each full-size L1 or TopK run, at least 100% ")
    with pytest.raises(ValueError, match="lacks \\['avr_test'\\]"):
        findings(grid() | {"sae_l1": [{k: v for k, v in r.items() if k != "avr_test"} for r in grid()["sae_l1"]]})


def timed(penalty, seconds, units, steps=1000, device="cpu"):
    return dict(single(penalty, 10.0, 0.01, 0.9, units=units), train_seconds=seconds, steps=steps, device=device)


def test_training_cost_follows_width_or_not():
    follows = training_cost(grid(), timed("l1_weights", 9.0, 100), timed("none", 1.0, 32))
    assert follows["cost_follows_width"]
    assert follows["cost_width_sentence"] == (
        "The two pitfall runs, both trained on cpu, show the width at work: for the same 1,000 steps the 100-unit "
        "weight-penalty run took 9 s and the 32-unit bottleneck 1 s, 9 times less for 3 times fewer units.")
    assert follows["lesson_cost_sentence"].endswith("every 100-unit run, whatever its mechanism, in 9 to 10 s.")
    flat = training_cost(grid(), timed("l1_weights", 9.0, 100, device="gpu"), timed("none", 8.0, 32))
    assert not flat["cost_follows_width"]
    assert flat["cost_width_sentence"].startswith("The two pitfall runs show the width at work")
    assert flat["cost_width_sentence"].endswith("here the narrower layer was not much faster (1.1 times).")
    assert flat["lesson_cost_sentence"].startswith("At full size the width of the layer did not clearly set the cost")
    with pytest.raises(ValueError, match="same number of steps"):
        training_cost(grid(), timed("l1_weights", 9.0, 100, steps=500), timed("none", 1.0, 32))
    with pytest.raises(ValueError, match="needs 'train_seconds' and 'steps'"):
        training_cost(grid(), single("l1_weights", 1.0, 0.1, 0.5), timed("none", 1.0, 32))


def test_demo_versus_full_far_close_or_nothing_to_compare():
    # the tiny full-size errors: L1 λ = 1: 0.1, KL ρ = 0.01: 0.05, TopK k = 10: 0.02
    far = demo_versus_full({"l1": (1.0, 0.2), "kl": (0.01, 0.06), "topk": (10, 0.021)}, grid(), 64, 300)
    assert far["demo_full_sentence"] == (
        "In these small runs (64 units, 300 steps) the reconstruction error per pixel is 2.00e-01 for L1 at λ = 1, "
        "6.00e-02 for KL at ρ = 0.01 and 2.10e-02 for TopK at k = 10; the full-size runs at the same settings reach "
        "1.00e-01, 5.00e-02 and 2.00e-02 after 1,000 steps. The small runs show what each knob does, not how well a "
        "mechanism ends up reconstructing: the furthest from its full-size error is L1's, at 2.0 times it.")
    close = demo_versus_full({"l1": (1.0, 0.105)}, grid(), 64, 300)
    assert close["demo_full_sentence"].endswith("Here the small runs are already within 10% of the full-size errors.")
    assert "for L1 at λ = 1" in demo_versus_full({"l1": (1.0, 0.2), "kl": (0.5, 0.1)}, grid(), 64, 300)[
        "demo_full_sentence"]  # a strength with no full-size run is left out
    assert demo_versus_full({"kl": (0.5, 0.1)}, grid(), 64, 300)["demo_full_sentence"].startswith("No full-size run")
    with pytest.raises(ValueError, match="unknown sparsity"):
        demo_versus_full({"l2": (1.0, 0.1)}, grid(), 64, 300)
    with pytest.raises(ValueError, match="must be \\(strength, MSE per pixel\\)"):
        demo_versus_full({"l1": 0.1}, grid(), 64, 300)
    with pytest.raises(TypeError, match="must be a number"):
        demo_versus_full({"l1": (1.0, "small")}, grid(), 64, 300)


def test_demo_weight_penalty_writes_small_shares_with_a_decimal():
    assert "against 1.5% without it" in demo_weight_penalty(0.015, 0.57, 153.0, 161.0)["weights_sentence"]
