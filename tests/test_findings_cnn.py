"""The sparse CNN chapter's conclusions: pinned against the committed results, and each sentence's branches."""

from types import SimpleNamespace

import numpy as np
import pytest

from sparsebook.findings import cnn as f
from sparsebook.metrics import ActivityStats
from sparsebook.reference import source_runs
from sparsebook.sweep import READOUT_MAX_NORM, load_results, results_path


# --- the committed full-size runs: the verdicts the page states ------------------------------

@pytest.fixture(scope="module")
def committed():
    runs = load_results(results_path("cnn", "full"))["runs"]
    mlp = load_results(results_path("mlp", "full"))["runs"]
    return f.findings(runs, source_runs("cnn"), mlp)


def test_committed_accuracies_lie_close_to_the_source_except_at_the_largest_lam(committed):
    assert committed["accuracy_close_to_source"] == 4
    assert committed["accuracy_far_from_source_lams"] == [5e-4]
    assert "at 4 of the 5 λ" in committed["source_gap_sentence"]
    assert "at λ = 5e-4 ours is 3.30 points higher" in committed["source_gap_sentence"]
    assert "ours below the source's at each of them" in committed["source_gap_sentence"]
    # λ = 1e-4 has two seeds (0.9636, 0.9717 against the source's 0.9718): the farther one sets the gap
    assert "(every seed counted; at most 0.82 points apart;" in committed["source_gap_sentence"]
    assert committed["max_close_gap_points"] == pytest.approx(0.82)


def test_committed_unpenalised_network_keeps_fewer_units_active_than_the_source(committed):
    assert committed["baseline_avr_ratio"] < 1 - f.SAME_ACTIVITY_PERCENT / 100
    assert "keeps fewer units active than the source's" in committed["source_baseline_sentence"]
    assert "the 5,000 digits the source held out" in committed["source_baseline_sentence"]


def test_committed_largest_lam_is_more_accurate_and_less_sparse_than_the_source(committed):
    assert committed["largest_more_accurate_than_source"] and not committed["largest_sparser_than_source"]
    sentence = committed["largest_lam_sentence"]
    assert "more accurate than the source's" in sentence and "less sparse" in sentence
    assert "neither run is better on both counts" in sentence


def test_committed_first_lam_cuts_both_networks_about_equally(committed):
    assert committed["cnn_denser_unpenalised"]
    assert committed["cnn_first_cut"] > 1 and committed["mlp_first_cut"] > 1
    ratio = committed["cnn_first_cut"] / committed["mlp_first_cut"]
    assert 1 / f.SAME_CUT_RATIO <= ratio <= f.SAME_CUT_RATIO
    assert "convolutional code is the denser of the two" in committed["first_cut_sentence"]
    assert "about as readily as from the fully connected one" in committed["first_cut_sentence"]


def test_committed_unpenalised_networks_are_about_equally_accurate(committed):
    assert abs(committed["cnn_minus_mlp_points_0"]) <= f.SAME_ACCURACY_POINTS
    assert "about equally accurate" in committed["unpenalised_sentence"]


def test_committed_fully_connected_network_needs_far_fewer_units_at_every_lam(committed):
    # counted against the highest of the fully connected network's seeds at each λ
    assert committed["mlp_fewer_units_lams"] == 4
    assert committed["mlp_units_ratio_min"] >= 10
    assert committed["same_lam_max_accuracy_gap_points"] <= f.SAME_ACCURACY_POINTS
    sentence = committed["same_lam_sentence"]
    assert sentence.startswith("At every λ > 0 of the CNN's grid the fully connected network has 14 to 23 times fewer")
    # at λ = 1e-4 the CNN's 2 seeds (0.9636, 0.9717) straddle the fully connected range: no difference claimed there
    assert committed["mlp_higher_accuracy_lams"] == 0 and committed["mlp_lower_accuracy_lams"] == 2
    assert "(lower at 2 and within the seeds' range at 2 of the 4 λ)" in sentence
    assert ("2.92 (seeds 2.83–3.00) active units for 0.9663 (seeds 0.9660–0.9668) at λ = 1e-4, where the CNN has 49.0 "
            "(seeds 42.8–55.2) for 0.9677 (seeds 0.9636–0.9717)") in sentence
    assert "A likely reason, which these runs do not test: a convolutional unit sees a 3 × 3 patch" in sentence
    assert "does not pay" in committed["lesson_mlp_sentence"]


def test_committed_cnn_code_is_the_sparser_as_a_share_of_its_layer_at_every_lam(committed):
    # the opposite verdict to the count of active units: the page states both
    assert committed["cnn_sparser_share_lams"] == 4
    assert committed["layer_share_sentence"].startswith(
        "Counted as a share of its layer, though, the CNN's code is the sparser at every λ > 0 "
        "(at λ = 1e-4, 0.12 % (seeds 0.11 %–0.14 %) of the CNN's 39,200 units against 0.37 % (seeds 0.36 %–0.38 %) of the fully "
        "connected network's 784)")
    assert committed["lesson_mlp_sentence"].startswith("Counted in active units per digit, the convolution does not pay")
    assert committed["lesson_mlp_sentence"].endswith("As a share of its layer, the CNN's code is the sparser at every λ > 0.")


def test_committed_cnn_runs_beaten_by_a_fully_connected_run_at_four_of_five(committed):
    assert committed["cnn_runs_beaten"] == 4
    assert committed["cnn_runs_not_beaten_lams"] == [1e-5]
    assert committed["dominated_sentence"].startswith(
        "4 of the 5 CNN points have a fully connected point (mean of 3 seeds) at least as accurate")
    assert "the exception is λ = 1e-5" in committed["dominated_sentence"]


def test_committed_fully_connected_runs_have_three_seeds_and_the_page_says_so(committed):
    assert committed["mlp_seeds"] == 3 and committed["mlp_seeds_text"] == "3 seeds per λ"
    assert committed["cnn_seeds"] == 2 and committed["cnn_seeds_text"] == "one seed per λ, 2 at λ = 1e-4"
    assert committed["seeds_sentence"].startswith("Each CNN value is one seed except at λ = 1e-4, the mean of 2 seeds "
                                                  "(given with its range over the seeds")
    assert "; each fully connected value is the mean of 3 seeds at its λ" in committed["seeds_sentence"]
    assert "0.9818 for the CNN (one seed), 0.9824 (seeds 0.9811–0.9840) fully connected" in \
        committed["unpenalised_sentence"]
    assert "against 185 (seeds 169–216); it has 50 times more units" in committed["first_cut_sentence"]


def test_committed_dead_units_rise_from_the_unpenalised_baseline(committed):
    assert committed["dead_units"] == sorted(committed["dead_units"])
    sentence = committed["dead_units_sentence"]
    assert "non-zero on none of the 10,000 test digits" in sentence
    assert "Without a penalty 5,455 of the 39,200 units (13.9 %) are already dead" in sentence
    assert sentence.endswith("rises at every step of the grid, from 5,455 at λ = 0 to 38,657 at λ = 5e-4 (98.6 % of "
                             "the layer; at λ = 1e-4 the mean of 2 seeds, 37,190 to 37,505).")
    assert committed["dead_units"][3] == 37347.5 and committed["train_runs"] == 6
    assert committed["lam_convention"] == "batch_sum"


def test_committed_largest_lam_claims_no_common_trade_off(committed):
    assert "trade-off" not in committed["largest_lam_sentence"]
    assert "our run (one seed)" in committed["largest_lam_sentence"]


@pytest.fixture(scope="module")
def bounded():
    free = load_results(results_path("cnn", "full"))["runs"]
    return f.bounded_readout(free, load_results(results_path("cnn_bounded", "full"))["runs"], READOUT_MAX_NORM)


def test_committed_bounded_readout_against_both_free_seeds(bounded):
    # one bounded seed, two free seeds at λ = 1e-4: the verdict is checked against each free seed and their spread
    assert bounded["bounded_seeds"] == 1 and bounded["free_seeds"] == 2 and bounded["bounded_lam"] == "1e-4"
    assert bounded["bounded_kind"] == "denser" and not bounded["bounded_count_beyond_spread"]
    assert bounded["bounded_ratio_min"] > 1 and bounded["bounded_ratio_min"] <= bounded["free_spread_ratio"]
    assert bounded["bounded_acc_within_free"]
    sentence = bounded["bounded_sentence"]
    assert sentence.startswith("With each code unit's readout held at norm ≤ 1 (one seed), the CNN at λ = 1e-4 reaches "
                               "0.9657 test accuracy with 69.5 of its 39,200 units active per test digit")
    assert "against 0.9677 (seeds 0.9636–0.9717) and 49.0 (seeds 42.8–55.2)" in sentence
    assert "for the free run at the same λ (mean of 2 seeds)" in sentence
    assert sentence.endswith("the bounded code has more active units than either free seed (1.6 times seed 0's, 1.3 "
                             "times seed 1's), a gap no larger than the free seeds' own spread (1.29 times from one to "
                             "the other), so with one bounded seed it is not shown to be a difference; its test accuracy "
                             "lies within the free seeds' range.")
    assert "1.6 times denser" not in sentence  # the one-free-seed verdict, no longer said


def test_committed_free_readout_measured_in_seed_1_and_longer_than_the_bounded_one(bounded):
    assert bounded["free_has_norms"] and bounded["free_readout_longer"] and not bounded["bounded_readouts_at_bound"]
    norms = bounded["bounded_norms_sentence"]
    assert "some readouts reach the bound, but the active units' stay below it" in norms
    assert ("In the free run (seed 1; seed 0's record, made before the sweep recorded them, carries none) the largest "
            "readout norm is 8.428 (8.4 times the bound)") in norms
    assert norms.endswith("over the units active on some test digit 2.096, 2.5 times the bounded run's 0.848: the free "
                          "readout of the active units did grow past the bounded one.")
    assert "presumably" not in bounded["bounded_why_sentence"]
    assert "(measured in seed 1: its active units' readout norm is 2.096 on average, against 0.848 with the bound)" in \
        bounded["bounded_why_sentence"]


def test_committed_both_free_seeds_pay_less_penalty_late_and_the_bounded_one_does_not(bounded):
    assert bounded["free_l1_falls"] and not bounded["bounded_l1_falls"]
    assert not bounded["free_climbs_back"] and bounded["bounded_climbs_back"]  # seed 1's count stays
    phases = bounded["free_phases_sentence"]
    assert phases.startswith("In the free run at λ = 1e-4 (seed 0), the training batches are sparsest")
    assert "the code pays less penalty with more units active, each with a smaller value. In the free run at λ = 1e-4 " \
           "(seed 1)" in phases
    assert phases.endswith("the count of active units stays while the values, and the penalty, shrink.")
    assert bounded["bounded_phases_sentence"].endswith("about the same L1 norm is spread over more units, each with a "
                                                       "smaller value.")
    assert bounded["bounded_l1_ratio_min"] > bounded["free_spread_ratio"]  # the size of the code: beyond the spread
    why = bounded["bounded_why_sentence"]
    assert why.startswith("On the last training batches the bounded code carries 2.3 to 2.6 times the free code's L1 "
                          "norm per digit (22.9 against 9.82 in seed 0 and 8.94 in seed 1)")
    assert "capping the readout changes the size of the code more than its count of active units" in why
    assert why.endswith("(the L1 norm per digit falls from 14.9 to 9.82 in seed 0 and from 12.2 to 8.94 in seed 1) "
                        "while the bounded run does not (23.3, then 22.9): shrinking values behind a growing readout "
                        "is what the dodge does, and the bound stops it.")
    lesson = bounded["lesson_bounded_sentence"]
    assert lesson.startswith("Holding each unit's readout at norm ≤ 1 at λ = 1e-4 (one bounded seed, 2 free seeds): the "
                             "code carries 2.3 to 2.6 times the free code's L1 norm per digit late in training but has "
                             "only 1.3 to 1.6 times the free code's active units (69.5 against 42.8 and 55.2)")
    assert lesson.endswith("the unbounded readout is not shown to change how many units the free code keeps active.")


def test_committed_dead_maps_rise_at_every_step(committed):
    assert committed["dead_maps"] == sorted(committed["dead_maps"]) and committed["dead_maps_rise_every_step"]
    assert "rises at every step of the grid, from 2 at λ = 0 to 193 at λ = 5e-4" in committed["dead_maps_trend_sentence"]
    assert committed["dead_maps"] == [2, 114, 168, 182.5, 193]  # maps silent on every test digit (1e-4: 2 seeds)
    assert committed["dead_maps_trend_sentence"].endswith("(at λ = 1e-4 the mean of 2 seeds, 180 to 185).")
    assert "more at every step of λ" in committed["lesson_dead_sentence"]


def test_committed_penalised_codes_use_fewer_than_one_map_per_position(committed):
    assert committed["below_one_map_per_position_with_penalty"]
    assert committed["per_position_first"] < 1 < committed["per_position_0"]
    assert committed["per_position_sentence"].endswith(
        "0.71 at λ = 1e-5 and 0.16 at λ = 5e-4: from λ = 1e-5 on, fewer than one map per position on average.")
    assert "of which a digit uses a small share (0.36 %)" in committed["lesson_position_sentence"]
    assert committed["maps_90_largest"] < committed["maps_90_0"]


def test_committed_first_lam_cuts_the_activity_for_little_accuracy(committed):
    assert committed["avr_first"] < committed["avr_0"] / 10
    assert 0 <= committed["acc_0"] - committed["acc_first"] < 0.005
    assert "cuts that to 140" in committed["lesson_sparse_sentence"]


def test_committed_findings_glue_as_plain_python_values(committed):
    # numpy scalars would be glued as "np.float64(...)", which the page's format specs cannot read
    for name, value in committed.items():
        if not isinstance(value, list):
            assert type(value) in (str, int, float, bool), (name, type(value))


# --- hand-made runs: every branch of every sentence ------------------------------------------

MAPS, UNITS = 4, 400  # 100 positions


def cnn_run(lam, acc, avr, dead_maps=0, batch=None, rates=(0.4, 0.3, 0.2, 0.1), dead_units=None):
    rates = [0.0 if i >= MAPS - dead_maps else r for i, r in enumerate(rates)]  # the last dead_maps maps are dead
    return {"lam": lam, "test_accuracy": acc, "avr_test": avr, "avr_train_batch": avr if batch is None else batch,
            "units": UNITS, "map_firing_rates_test": rates,
            "dead_units_test": 100 * dead_maps if dead_units is None else dead_units,
            "n_train": 600, "n_test": 100, "steps": 50, "train_seconds": 1.0, "device": "cpu",
            "lam_convention": "batch_sum"}


def src_run(lam, acc, batch):
    return {"lam": lam, "test_accuracy": acc, "avr_train_batch": batch}


def mlp_run(lam, acc, avr, units=40):
    return {"lam": lam, "test_accuracy": acc, "avr_test": avr, "units": units}


LAMS = (0.0, 1e-4, 1e-3)


def tiny(cnn=((0.98, 200.0), (0.97, 50.0), (0.95, 30.0)), src=((0.98, 200.0), (0.97, 50.0), (0.95, 30.0)),
         mlp=((0.98, 20.0), (0.97, 5.0), (0.95, 3.0)), dead=(0, 1, 2)):
    return ([cnn_run(lam, a, v, d) for lam, (a, v), d in zip(LAMS, cnn, dead)],
            [src_run(lam, a, v) for lam, (a, v) in zip(LAMS, src)],
            [mlp_run(lam, a, v) for lam, (a, v) in zip(LAMS, mlp)])


def test_maps_carrying_counts_the_busiest_maps_that_reach_the_share():
    assert f.maps_carrying([0.5, 0.3, 0.1, 0.1], 0.8) == 2
    assert f.maps_carrying([0.1, 0.5, 0.1, 0.3], 0.9) == 3
    assert f.maps_carrying([0.0, 0.0], 0.9) == 0
    with pytest.raises(ValueError, match="share"):
        f.maps_carrying([0.5], 0.0)
    with pytest.raises(ValueError, match="map_rates"):
        f.maps_carrying([-0.1, 0.2])


def test_source_gap_sentence_branches():
    runs, src, _ = tiny()
    assert "at every λ of the grid" in f._source_gaps(runs, src)["source_gap_sentence"]
    runs, src, _ = tiny(src=((0.98, 200.0), (0.97, 50.0), (0.90, 30.0)))
    sentence = f._source_gaps(runs, src)["source_gap_sentence"]
    assert "at 2 of the 3 λ" in sentence and "at λ = 1e-3 ours is 5.00 points higher" in sentence
    runs, src, _ = tiny(src=((0.96, 200.0), (0.95, 50.0), (0.99, 30.0)))
    sentence = f._source_gaps(runs, src)["source_gap_sentence"]
    assert "by more than 1 percentage point at every λ" in sentence and "4.00 points lower" in sentence


def test_source_baseline_sentence_branches():
    runs, src, _ = tiny()
    assert "about as many units active" in f._source_baseline(runs, src)["source_baseline_sentence"]
    runs, src, _ = tiny(src=((0.98, 500.0), (0.97, 50.0), (0.95, 30.0)))
    assert "keeps fewer units active" in f._source_baseline(runs, src)["source_baseline_sentence"]
    assert "held out" not in f._source_baseline(runs, src)["source_baseline_sentence"]  # 600 digits, not 60,000
    runs, src, _ = tiny(src=((0.98, 50.0), (0.97, 50.0), (0.95, 30.0)))
    assert "keeps more units active" in f._source_baseline(runs, src)["source_baseline_sentence"]


@pytest.mark.parametrize("acc, batch, verdict", [
    (0.96, 40.0, "neither run is better on both counts: ours is the more accurate and the denser"),
    (0.94, 20.0, "neither run is better on both counts: ours is the sparser and the less accurate"),
    (0.96, 20.0, "ours is better on both counts"),
    (0.94, 40.0, "ours is worse on both counts"),
    (0.95, 40.0, "the two runs differ on one count only"),
])
def test_largest_lam_sentence_branches(acc, batch, verdict):
    runs, src, _ = tiny()
    runs[-1] = cnn_run(1e-3, acc, 30.0, batch=batch)
    assert verdict in f._largest_lam(runs, src)["largest_lam_sentence"]


@pytest.mark.parametrize("mlp_first, verdict", [
    (5.0, "about as readily as"), (10.0, "more readily than"), (2.0, "less readily than"),
    (30.0, "does not fall in both networks"),
])
def test_first_cut_sentence_branches(mlp_first, verdict):
    runs, _, mlp = tiny()
    mlp[1] = mlp_run(1e-4, 0.97, mlp_first)
    assert verdict in f._first_cut(runs, mlp)["first_cut_sentence"]
    assert "against 20.0 (one seed); it has 10 times more units." in f._first_cut(runs, mlp)["first_cut_sentence"]


@pytest.mark.parametrize("mlp_acc, verdict", [
    (0.982, "about equally accurate"), (0.97, "it does: the CNN is 1.00 points more accurate"),
    (0.99, "it does not: the fully connected network is 1.00 points more accurate"),
])
def test_unpenalised_sentence_branches(mlp_acc, verdict):
    runs, _, mlp = tiny()
    mlp[0] = mlp_run(0.0, mlp_acc, 20.0)
    assert verdict in f._unpenalised(runs, mlp)["unpenalised_sentence"]


def test_same_lam_sentence_branches():
    runs, _, mlp = tiny()
    sentence = f._same_lam(runs, mlp)["same_lam_sentence"]
    assert "At every λ > 0 of the CNN's grid the fully connected network has 10 to 10 times fewer" in sentence
    assert "3 × 3 patch" in sentence
    mlp[2] = mlp_run(1e-3, 0.95, 40.0)
    sentence = f._same_lam(runs, mlp)["same_lam_sentence"]
    assert "fewer active units per test digit than the CNN at 1 of the 2 λ > 0" in sentence
    assert "3 × 3 patch" not in sentence
    runs, _, mlp = tiny(mlp=((0.98, 20.0), (0.95, 5.0), (0.93, 3.0)))
    sentence = f._same_lam(runs, mlp)["same_lam_sentence"]
    assert "lower at every λ" in sentence and "3 × 3 patch" not in sentence


def test_layer_share_sentence_branches():
    # tiny(): the CNN has 400 units, the fully connected network 40
    runs, _, mlp = tiny()  # at λ = 1e-4: 12.5 % against 12.5 %; at 1e-3: 7.5 % against 7.5 %
    result = f._layer_share(runs, mlp)
    assert result["cnn_sparser_share_lams"] == 0
    assert result["layer_share_sentence"].startswith("Counted as a share of its layer too, the fully connected code")
    runs, _, mlp = tiny(mlp=((0.98, 20.0), (0.97, 10.0), (0.95, 6.0)))  # 12.5 % < 25 %, 7.5 % < 15 %
    result = f._layer_share(runs, mlp)
    assert result["cnn_sparser_share_lams"] == 2
    assert "though, the CNN's code is the sparser at every λ > 0 (at λ = 1e-4, 12.50 % of the CNN's 400 units " \
        "against 25.00 % (one seed) of the fully connected network's 40): which of the two codes" in \
        result["layer_share_sentence"]
    runs, _, mlp = tiny(mlp=((0.98, 20.0), (0.97, 10.0), (0.95, 2.0)))  # CNN sparser at λ = 1e-4 only
    result = f._layer_share(runs, mlp)
    assert "the CNN's code is the sparser at 1 of the 2 λ > 0 (at λ = 1e-4" in result["layer_share_sentence"]


def test_dominated_sentence_branches():
    runs, _, mlp = tiny()
    assert f._dominated(runs, mlp)["dominated_sentence"].startswith("Every one of the 3 CNN points")
    runs, _, mlp = tiny(mlp=((0.90, 20.0), (0.90, 5.0), (0.90, 3.0)))
    assert f._dominated(runs, mlp)["dominated_sentence"].startswith("None of the 3 CNN points")
    runs, _, mlp = tiny(mlp=((0.99, 300.0), (0.97, 5.0), (0.95, 3.0)))
    result = f._dominated(runs, mlp)
    assert result["dominated_sentence"].startswith("2 of the 3 CNN points have")
    assert "the exception is λ = 0 (0.9800 with 200 units)" in result["dominated_sentence"]
    runs, _, mlp = tiny(mlp=((0.99, 300.0), (0.99, 500.0), (0.95, 3.0)))
    result = f._dominated(runs, mlp)
    assert result["dominated_sentence"].startswith("1 of the 3 CNN points has")
    assert "the exceptions are λ = 0" in result["dominated_sentence"]


def test_maps_sentence_branches():
    runs, _, _ = tiny()
    result = f._maps(runs, 10, MAPS)  # 10 positions: 5 and 3 active maps per position with a penalty
    assert "rises at every step of the grid, from 0 at λ = 0 to 2 at λ = 1e-3" in result["dead_maps_trend_sentence"]
    assert "fewer than one map per position" not in result["per_position_sentence"]
    assert not f._maps(tiny(cnn=((0.98, 200.0), (0.97, 50.0), (0.95, 300.0)))[0], 100, MAPS)[
        "below_one_map_per_position_with_penalty"]  # not below one at every λ > 0
    runs, _, _ = tiny(cnn=((0.98, 200.0), (0.97, 90.0), (0.95, 30.0)), dead=(0, 2, 2))
    result = f._maps(runs, 100, MAPS)
    assert "but not at every step: it stays at 2" in result["dead_maps_trend_sentence"]
    assert not result["dead_maps_rise_every_step"]
    assert "fewer than one map per position" in result["per_position_sentence"]


def test_lesson_sentence_branches():
    runs, src, mlp = tiny(cnn=((0.98, 2000.0), (0.97, 150.0), (0.95, 120.0)))
    found = f.findings(runs, src, mlp)
    assert "cuts that to 150" in found["lesson_sparse_sentence"]
    assert "more at every step of λ" in found["lesson_dead_sentence"]
    assert "does not pay" in found["lesson_mlp_sentence"]
    assert "As a share of its layer" not in found["lesson_mlp_sentence"]  # equal shares in tiny()
    assert "still has" in found["lesson_position_sentence"]
    runs, src, mlp = tiny(cnn=((0.98, 40.0), (0.97, 50.0), (0.95, 30.0)), dead=(1, 1, 2),
                          mlp=((0.98, 20.0), (0.97, 60.0), (0.95, 3.0)))
    found = f.findings(runs, src, mlp)
    assert "did not make the CNN's code sparser" in found["lesson_sparse_sentence"]
    assert "though not more at every step" in found["lesson_dead_sentence"]
    assert "the picture is mixed" in found["lesson_mlp_sentence"]
    assert found["lesson_mlp_sentence"].endswith("As a share of its layer, the CNN's code is the sparser at 1 of the 2 λ > 0.")
    assert "of which a digit uses a small share (12.50 %)" in found["lesson_position_sentence"]
    runs, src, mlp = tiny(cnn=((0.98, 200.0), (0.97, 50.0), (0.95, 30.0)), dead=(2, 1, 2),
                          mlp=((0.98, 20.0), (0.90, 5.0), (0.95, 3.0)))
    found = f.findings(runs, src, mlp)
    assert "did not kill more feature maps" in found["lesson_dead_sentence"]
    assert "but the two test accuracies differ by up to 7.00 points" in found["lesson_mlp_sentence"]


def test_findings_reject_bad_input():
    runs, src, mlp = tiny()
    with pytest.raises(ValueError, match="non-empty list"):
        f.findings([], src, mlp)
    with pytest.raises(TypeError, match="must be a dict"):
        f.findings([1, 2, 3], src, mlp)
    with pytest.raises(ValueError, match="lacks"):
        f.findings([{k: v for k, v in run.items() if k != "dead_units_test"} for run in runs], src, mlp)
    with pytest.raises(ValueError, match="same seed"):  # one λ twice with the same seed: not two seeds
        f.findings(runs[:1] * 3, src, mlp)
    with pytest.raises(ValueError, match="λ = 0"):
        f.findings(runs[1:], src[1:], mlp[1:])
    with pytest.raises(ValueError, match="share their λ grid"):
        f.findings(runs, [dict(run, lam=lam) for run, lam in zip(src, (0.0, 1e-4, 2e-3))], mlp)
    with pytest.raises(ValueError, match="mlp_runs has no run at λ = 1e-3"):
        f.findings(runs, src, mlp[:2] + [mlp_run(2e-3, 0.9, 2.0)])


# --- the small live run ---------------------------------------------------------------------------

def evaluation(accuracy, active):
    """What evaluate_classifier returns, for codes of shape (examples, 2, 2, 2 maps)."""
    stats = ActivityStats().update(np.asarray(active, dtype=np.float32).reshape(len(active), 2, 2, 2))
    return SimpleNamespace(accuracy=accuracy, activity=stats)


def demo_runs(pct_0=1.0, acc=(0.9, 0.8), top_units=1):
    dense = [[1] * 8, [1] * 8] if pct_0 > 0.5 else [[1, 1, 0, 0, 0, 0, 0, 0]] * 2
    sparse = [[1] * top_units + [0] * (8 - top_units)] * 2
    return [f.demo_record(0.0, evaluation(acc[0], dense), steps=30, n_train=500, maps=2),
            f.demo_record(1e-4, evaluation(acc[1], sparse), steps=30, n_train=500, maps=2)]


def test_demo_record_counts_maps_silent_on_every_test_digit():
    run = f.demo_record(1e-4, evaluation(0.5, [[1, 0, 1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 0, 0, 0, 0]]),
                        steps=30, n_train=500, maps=2)
    assert run["silent_maps"] == 1  # units alternate between the 2 maps: the second never fires
    assert run["n_test"] == 2 and run["units"] == 8 and run["avr_test"] == 2.5
    np.testing.assert_allclose(run["map_firing_rates_test"], [5 / 8, 0])
    with pytest.raises(ValueError, match="maps must be a positive int dividing the 8 units"):
        f.demo_record(0.0, evaluation(0.5, [[1] * 8]), steps=30, n_train=500, maps=3)


def test_demo_sentence_branches():
    first = found = f.demo_findings(demo_runs())
    assert "In this small run (30 steps on 500 digits, tested on 2 others)" in found["demo_sentence"]
    assert "100 % at λ = 0 and 12.5 % at λ = 1e-4" in found["demo_sentence"]
    assert "8 times fewer active units at λ = 1e-4" in found["demo_sentence"]
    assert "10.0 points lower" in found["demo_sentence"]
    assert "the biases start at 0.1" in found["demo_sentence"]
    assert "1 of the 2 maps fire on none of its test digits" in found["demo_sentence"]
    found = f.demo_findings(demo_runs(pct_0=0.25, acc=(0.8, 0.9), top_units=8))
    assert "no fewer active units" in found["demo_sentence"]
    assert "10.0 points higher" in found["demo_sentence"]
    assert "the biases start at 0.1" not in found["demo_sentence"]
    assert first["demo_fewer_units"] and not found["demo_fewer_units"]


def test_demo_findings_need_lam_zero_and_a_penalised_run():
    runs = demo_runs()
    with pytest.raises(ValueError, match="needs λ = 0 and at least one λ > 0"):
        f.demo_findings(runs[:1])
    with pytest.raises(ValueError, match="needs λ = 0"):
        f.demo_findings([dict(runs[0], lam=1e-5), runs[1]])
    with pytest.raises(ValueError, match="lacks"):
        f.demo_findings([{"lam": 0.0}, runs[1]])


def test_committed_unpenalised_runs_are_the_densest_of_each_series():
    # the page reads its accuracy-activity figure from the right: every curve starts at λ = 0
    for runs, key in ((load_results(results_path("cnn", "full"))["runs"], "avr_test"),
                      (load_results(results_path("mlp", "full"))["runs"], "avr_test"),
                      (source_runs("cnn"), "avr_train_batch")):
        densest = max(runs, key=lambda run: run[key])
        assert densest["lam"] == 0


# --- several seeds of the fully connected network ------------------------------------------------

def seeded(mlp, spread_avr=0.0, spread_acc=0.0):
    """Three seeds around each hand-made fully connected run: -spread, 0, +spread."""
    return [dict(run, seed=seed, avr_test=run["avr_test"] + d * spread_avr,
                 test_accuracy=run["test_accuracy"] + d * spread_acc)
            for run in mlp for seed, d in ((0, -1), (1, 0), (2, 1))]


def test_same_lam_counts_a_difference_only_outside_the_seeds_range():
    runs, src, mlp = tiny()
    found = f.findings(runs, src, seeded(mlp, spread_acc=0.02))  # accuracy seeds 0.95-0.99 at λ = 1e-4
    assert found["mlp_higher_accuracy_lams"] == 0 and found["mlp_lower_accuracy_lams"] == 0
    assert "(within the seeds' range at every λ)" in found["same_lam_sentence"]
    assert "5.00 (seeds 5.00–5.00) active units for 0.9700 (seeds 0.9500–0.9900)" in found["same_lam_sentence"]
    found = f.findings(runs, src, seeded(mlp, spread_avr=28.0))  # λ = 1e-3: seeds up to 31 units > the CNN's 30
    assert found["mlp_fewer_units_lams"] == 1
    assert found["same_lam_sentence"].startswith("The fully connected network has fewer active units per test digit "
                                                 "than the CNN at 1 of the 2 λ > 0")
    assert found["seeds_sentence"].startswith("Each CNN run is one seed; each fully connected value is the mean of 3")
    assert found["mlp_seeds_text"] == "3 seeds per λ"


def test_layer_share_counts_the_cnn_sparser_only_below_every_seed():
    runs, _, mlp = tiny(mlp=((0.98, 20.0), (0.97, 10.0), (0.95, 6.0)))  # 12.5 % < 25 %, 7.5 % < 15 %
    merged = f._merged(seeded(mlp, spread_avr=4.0))  # λ = 1e-4: seeds 6-14 units = 15-35 %; 1e-3: 2-10 = 5-25 %
    result = f._layer_share(runs, merged)
    assert result["cnn_sparser_share_lams"] == 1
    assert "25.00 % (seeds 15.00 %–35.00 %)" in result["layer_share_sentence"]


def test_seeds_sentence_for_one_seed():
    runs, src, mlp = tiny()
    found = f.findings(runs, src, mlp)
    assert found["seeds_sentence"] == "Each CNN run is one seed, and so is each fully connected run."
    assert found["mlp_seeds_text"] == "one seed per λ"


def test_dead_units_sentence_names_the_definition_and_the_baseline():
    runs, _, _ = tiny(dead=(0, 1, 2))
    sentence = f._dead_units(runs)["dead_units_sentence"]
    assert "non-zero on none of the 100 test digits" in sentence
    assert "Without a penalty 0 of the 400 units (0.0 %) are already dead" in sentence
    assert "rises at every step of the grid, from 0 at λ = 0 to 200 at λ = 1e-3 (50.0 % of the layer)" in sentence
    assert f.dead_maps(runs[-1]) == 2
    with pytest.raises(ValueError, match="map_firing_rates_test"):
        f.dead_maps({"map_firing_rates_test": []})


# --- the bounded readout ------------------------------------------------------------------------

def curve(avr, value, lam=1e-4):
    """A logged curve (steps 100, 200, ...) whose batches have ``avr`` active units of mean ``value``."""
    avr, value = np.asarray(avr, dtype=float), np.asarray(value, dtype=float)
    return {"step": list(range(100, 100 * len(avr) + 1, 100)), "avr_train_batch": list(avr),
            "penalty": list(lam * 100 * avr * value)}


def with_curve(run, avr, value):
    return dict(run, curve=curve(avr, value, run["lam"]), batch_size=100)


def test_curve_values_read_the_l1_norm_and_the_mean_active_value_from_the_penalty():
    run = with_curve(cnn_run(1e-4, 0.9, 10.0), [10, 20], [0.5, 0.25])
    values = f.curve_values(run)
    np.testing.assert_allclose(values["l1"], [5.0, 5.0])
    np.testing.assert_allclose(values["value"], [0.5, 0.25])
    per_example = dict(run, lam_convention="example_mean", curve={**run["curve"], "penalty": [5e-4, 5e-4]})
    np.testing.assert_allclose(f.curve_values(per_example)["l1"], [5.0, 5.0])
    with pytest.raises(ValueError, match="needs a curve"):
        f.curve_values(cnn_run(1e-4, 0.9, 10.0))
    with pytest.raises(ValueError, match="λ > 0"):
        f.curve_values(with_curve(cnn_run(0.0, 0.9, 10.0), [10], [0.5]))


@pytest.mark.parametrize("late_avr, late_value, verdict", [
    (30, 0.2, "the activity has climbed back to 30.0 while the mean value of an active unit goes from 0.500 to "
              "0.200 and the L1 norm per digit from 10.0 to 6.00: the code pays less penalty with more units active, "
              "each with a smaller value."),
    (30, 0.35, "the L1 norm per digit from 10.0 to 10.5: about the same L1 norm is spread over more units, each with "
               "a smaller value."),
    (30, 0.5, "the L1 norm per digit from 10.0 to 15.0."),
    (20, 0.2, "it is at 20.0, while the mean value of an active unit goes from 0.500 to 0.200 and the L1 norm per digit "
              "from 10.0 to 4.00: the count of active units stays while the values, and the penalty, shrink."),
    (20, 0.5, "neither the count nor the size of the code moves much after the sparsest phase."),
])
def test_phases_sentence_branches(late_avr, late_value, verdict):
    avr = [50] * 10 + [20] * 10 + [late_avr] * 10
    value = [0.5] * 20 + [late_value] * 10
    found = f.phases_sentence(with_curve(cnn_run(1e-4, 0.9, 10.0), avr, value), "In the run")
    assert found["sentence"].startswith("In the run, the training batches are sparsest in the 1,000 steps up to step "
                                        "2,000 (20.0 active units per digit, the median of 10 logged batches)")
    assert found["sentence"].endswith(verdict)


def test_phases_sentence_when_the_activity_still_falls_at_the_end():
    found = f.phases_sentence(with_curve(cnn_run(1e-4, 0.9, 10.0), [50] * 10 + [20] * 10, [0.5] * 20), "In the run")
    assert found["sentence"].endswith("at the end of training, where an active unit's value is 0.500 on average: the "
                                      "activity is still falling when training stops.")
    with pytest.raises(ValueError, match="at least 10 logged steps"):
        f.training_phases(with_curve(cnn_run(1e-4, 0.9, 10.0), [50] * 5, [0.5] * 5))


def test_norms_text_says_whether_the_active_units_sit_at_the_bound():
    at, bound = f.norms_text({"mean": 0.4, "max": 1.0, "min": 0.1, "active_mean": 0.99}, 1.0, "readout")
    assert bound and at.endswith("the active units' readouts sit at the bound, held there by the constraint")
    some, bound = f.norms_text({"mean": 0.4, "max": 1.0, "min": 0.1, "active_mean": 0.6}, 1.0, "decoder atom", "maps")
    assert not bound and "over the maps active on some test digit 0.600" in some
    assert some.endswith("some decoder atoms reach the bound, but the active maps' stay below it on average")
    none, _ = f.norms_text({"mean": 0.4, "max": 0.5, "min": 0.1}, 1.0, "readout")
    assert none.endswith("no readout is at the bound at the end of training") and "active" not in none


@pytest.mark.parametrize("avr, acc, kind, verdict", [
    (45.0, 0.9, "same", "the bounded code is about as sparse and about as accurate"),
    (20.0, 0.9, "sparser", "the bounded code is 2.0 times sparser (fewer active units) and about as accurate"),
    (80.0, 0.88, "denser", "the bounded code is 2.0 times denser (more active units) and 2.00 points less accurate"),
])
def test_compare_bounded_and_why_sentence_branches(avr, acc, kind, verdict):
    free, bounded = cnn_run(1e-4, 0.9, 40.0), cnn_run(1e-4, acc, avr)
    text, found_kind, ratio, points = f.compare_bounded(free, bounded)
    assert text == verdict and found_kind == kind and ratio == pytest.approx(avr / 40)

    def phases(climbs, falls, l1, value=0.3):
        return {"climbs_back": climbs, "l1_falls": falls, "sparsest_l1": 2 * l1, "last_l1": l1, "last_value": value}
    dodging, steady = phases(True, True, 10.0), phases(True, False, 20.0, 0.4)
    why = f.why_sentence(kind, dodging, steady)
    assert why.endswith("(its L1 norm per digit falls from 20.0 to 10.0) and the bounded one does not (40.0, then "
                        "20.0): that part of the free run is the dodge at work, and the bound closes it.")
    assert {"same": "does not come from an unbounded readout.", "sparser": "silences more units.",
            "denser": "it carries 2.0 times the free code's L1 norm per digit (20.0 against 10.0)"}[kind] in why
    assert f.why_sentence(kind, dodging, phases(True, True, 20.0), "readout and decoder").endswith(
        "so that late fall is not the growth of the readout and decoder alone.")
    assert not f.why_sentence(kind, phases(False, False, 10.0), steady).startswith(" ")
    if kind == "denser":
        assert "(more units, with larger values)" in why and "presumably (its record does not say)" in why
        assert "(more units) and" in f.why_sentence(kind, dodging, phases(True, False, 20.0, 0.1))
        assert f.why_sentence(kind, dodging, phases(True, False, 5.0)).startswith(
            "The bounded code is the denser, which the dodge does not predict; one seed of each cannot say why.")


def test_bounded_readout_compares_the_bounded_run_with_the_free_one():
    runs, _, _ = tiny()
    free = [with_curve(run, [50] * 10 + [20] * 10 + [30] * 10, [0.5] * 20 + [0.2] * 10) if run["lam"] else run
            for run in runs]
    bounded = [with_curve(dict(cnn_run(1e-4, 0.966, 40.0), readout_norms={"mean": 0.4, "max": 1.0, "min": 0.1,
                                                                           "active_mean": 0.99}, seed=0),
                          [50] * 10 + [20] * 20, [0.5] * 30)]
    found = f.bounded_readout(free, bounded, 1.0)
    assert found["bounded_sentence"].startswith("With each code unit's readout held at norm ≤ 1 (one seed), the CNN at "
                                                "λ = 1e-4 reaches 0.9660 test accuracy with 40.0 of its 400 units")
    assert found["bounded_sentence"].endswith("the bounded code is about as sparse and about as accurate.")
    assert "The free run's record carries no readout norms" in found["bounded_norms_sentence"]
    assert found["free_climbs_back"] and not found["bounded_climbs_back"]
    assert found["bounded_why_sentence"].endswith("that part of the free run is the dodge at work, and the bound "
                                                  "closes it.")
    assert found["lesson_bounded_sentence"].endswith("the free code's sparsity is not an artefact of its unbounded "
                                                     "readout.")
    free[1]["readout_norms"] = {"mean": 3.0, "max": 9.0, "min": 0.1, "active_mean": 5.0}
    found = f.bounded_readout(free, [dict(bounded[0], avr_test=10.0)], 1.0)
    assert "In the free run the largest readout norm is 9.000" in found["bounded_norms_sentence"]
    assert found["lesson_bounded_sentence"].endswith("closing the dodge makes the code sparser.")
    with pytest.raises(ValueError, match="bound must be a number > 0"):
        f.bounded_readout(free, bounded, 0)
    with pytest.raises(ValueError, match="lacks"):
        f.bounded_readout(free, [cnn_run(1e-4, 0.9, 10.0)])
    with pytest.raises(ValueError, match="one λ"):
        f.bounded_readout(free, bounded + [dict(bounded[0], lam=1e-3)])
    with pytest.raises(ValueError, match="no run at λ = 5e-4"):
        f.bounded_readout(free, [dict(bounded[0], lam=5e-4)])


# --- the demonstration's filters ------------------------------------------------------------------

def test_filters_moved_sentence_branches():
    start = np.ones((3, 3, 1, 2))
    near = f.demo_record(1e-4, evaluation(0.5, [[1, 0] * 4] * 2), steps=30, n_train=500, maps=2,
                         kernels=start * 1.2, initial_kernels=start)
    np.testing.assert_allclose(near["filter_change"], [0.2, 0.2])
    found = f.demo_findings([demo_runs()[0], near])
    assert found["demo_filters_sentence"].startswith("In this small run at λ = 1e-4, the filters of the 2 busiest maps "
                                                     "moved from their random start by 20 % of their initial norm")
    assert "each is still mostly its random start" in found["demo_filters_sentence"]
    far = dict(near, filter_change=np.array([0.9, 1.1]))
    assert "moved well away from their random start; look for" in f.demo_findings([demo_runs()[0], far])[
        "demo_filters_sentence"]
    assert "demo_filters_sentence" not in f.demo_findings(demo_runs())
    with pytest.raises(ValueError, match="pass both kernels and initial_kernels"):
        f.demo_record(0.0, evaluation(0.5, [[1] * 8]), steps=30, n_train=500, maps=2, kernels=start)
    with pytest.raises(ValueError, match="same shape"):
        f.demo_record(0.0, evaluation(0.5, [[1] * 8]), steps=30, n_train=500, maps=2, kernels=start,
                      initial_kernels=np.ones((3, 3, 1, 3)))


def test_the_page_glues_only_what_findings_write(committed, bounded):
    """Every sentence the chapter's prose glues is one that findings, bounded_readout or demo_findings write."""
    import json
    import re
    from pathlib import Path

    notebook = Path(__file__).resolve().parents[1] / "book" / "sparse-cnn.ipynb"
    cells = json.loads(notebook.read_text())["cells"]
    prose = "".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+_sentence)`", prose))
    start = np.ones((3, 3, 1, 2))
    demo = f.demo_findings([demo_runs()[0], f.demo_record(1e-4, evaluation(0.5, [[1, 0] * 4] * 2), steps=30,
                                                          n_train=500, maps=2, kernels=start, initial_kernels=start)])
    written = set(committed) | set(bounded) | set(demo)
    assert used and used <= written, sorted(used - written)


# --- several seeds of the free CNN at one λ (results/cnn.json has two at λ = 1e-4) -----------------

def two_seeds(acc=(0.95, 0.97), avr=(40.0, 50.0), dead=(1, 2)):
    """tiny()'s runs with the λ = 1e-4 point replaced by two seeds."""
    runs, src, mlp = tiny()
    seeds = [dict(cnn_run(1e-4, a, v, d), seed=s) for s, (a, v, d) in enumerate(zip(acc, avr, dead))]
    return [dict(runs[0], seed=0)] + seeds + [dict(runs[2], seed=0)], src, mlp


def test_findings_merge_seeds_and_count_dead_maps_seed_by_seed():
    runs, src, mlp = two_seeds()
    found = f.findings(runs, src, mlp)
    assert found["dead_maps"] == [0, 1.5, 2] and found["dead_units"] == [0, 150, 200]
    assert found["dead_maps_trend_sentence"].endswith("from 0 at λ = 0 to 2 at λ = 1e-3 (at λ = 1e-4 the mean of 2 "
                                                      "seeds, 1 to 2).")
    assert found["dead_units_sentence"].endswith("(50.0 % of the layer; at λ = 1e-4 the mean of 2 seeds, 100 to 200).")
    assert found["seeds_sentence"].startswith("Each CNN value is one seed except at λ = 1e-4, the mean of 2 seeds")
    assert found["seeds_sentence"].endswith("and each fully connected run is one seed.")
    assert found["cnn_seeds_text"] == "one seed per λ, 2 at λ = 1e-4" and found["train_runs"] == 4
    assert "where the CNN has 45.0 (seeds 40.0–50.0) for 0.9600 (seeds 0.9500–0.9700)" in found["same_lam_sentence"]


def test_source_gap_holds_every_seed_to_the_test():
    runs, src, _ = two_seeds(acc=(0.965, 0.975))  # the source: 0.97; each seed within 0.5 points, one on each side
    sentence = f._source_gaps(f.merged_cnn(runs), src)["source_gap_sentence"]
    assert "(every seed counted; at most 0.50 points apart; ours below the source's at none of them, on both sides " \
           "of it at 1)" in sentence
    runs, src, _ = two_seeds(acc=(0.955, 0.985))  # mean 0.97 = the source's, but each seed is 1.5 points off
    found = f._source_gaps(f.merged_cnn(runs), src)
    assert found["accuracy_far_from_source_lams"] == [1e-4]
    assert "at λ = 1e-4 ours is 0.00 points lower on average (0.9700 (seeds 0.9550–0.9850) against 0.9700)" in \
        found["source_gap_sentence"]


def free_and_bounded(free_avr=(40.0, 50.0), free_acc=(0.96, 0.97), bounded_avr=70.0, bounded_acc=0.965,
                     norms=(None, {"mean": 0.4, "max": 8.0, "min": 0.1, "active_mean": 2.0})):
    runs, _, _ = two_seeds(acc=free_acc, avr=free_avr)
    free = [with_curve(run, [50] * 10 + [50] * 10 + [50] * 10, [0.5] * 20 + [0.2] * 10) if run["lam"] == 1e-4 else run
            for run in runs]
    for run, n in zip([run for run in free if run["lam"] == 1e-4], norms):
        if n:
            run["readout_norms"] = n
    bounded = [with_curve(dict(cnn_run(1e-4, bounded_acc, bounded_avr), seed=0,
                               readout_norms={"mean": 0.4, "max": 1.0, "min": 0.1, "active_mean": 0.8}),
                          [50] * 10 + [60] * 20, [0.5] * 30)]
    return f.bounded_readout(free, bounded, 1.0)


def test_bounded_readout_against_two_free_seeds_within_their_spread():
    found = free_and_bounded(bounded_avr=55.0)  # 1.4 and 1.1 times the seeds', who are 1.25 apart
    assert found["bounded_kind"] == "denser" and not found["bounded_count_beyond_spread"]
    assert found["bounded_sentence"].endswith(
        "for the free run at the same λ (mean of 2 seeds): the bounded code has more active units than either free "
        "seed (1.4 times seed 0's, 1.1 times seed 1's), a gap no larger than the free seeds' own spread (1.25 times "
        "from one to the other), so with one bounded seed it is not shown to be a difference; its test accuracy lies "
        "within the free seeds' range.")
    assert "In the free run (seed 1; seed 0's record, made before the sweep recorded them, carries none)" in \
        found["bounded_norms_sentence"]
    assert found["bounded_norms_sentence"].endswith("2.5 times the bounded run's 0.800: the free readout of the active "
                                                    "units did grow past the bounded one.")
    why = found["bounded_why_sentence"]
    assert "capping the readout changes the size of the code more than its count of active units" in why
    assert "(measured in seed 1: its active units' readout norm is 2.000 on average, against 0.800 with the bound)" in why
    assert why.endswith("(the L1 norm per digit falls from 25.0 to 10.0 in seed 0 and from 25.0 to 10.0 in seed 1) "
                        "while the bounded run does not (25.0, then 30.0): shrinking values behind a growing readout "
                        "is what the dodge does, and the bound stops it.")
    assert found["lesson_bounded_sentence"].endswith("the unbounded readout is not shown to change how many units the "
                                                     "free code keeps active.")
    assert found["free_phases_sentence"].count("In the free run at λ = 1e-4 (seed ") == 2


def test_bounded_readout_against_two_free_seeds_beyond_their_spread_and_other_branches():
    found = free_and_bounded(bounded_avr=90.0, bounded_acc=0.99)  # 2.2 and 1.8 times; more accurate than both
    assert found["bounded_count_beyond_spread"] and not found["bounded_acc_within_free"]
    assert ("a gap larger than the free seeds' own spread (1.25 times from one to the other); its test accuracy lies "
            "above the free seeds' range (2.00 points from the nearest).") in found["bounded_sentence"]
    assert found["lesson_bounded_sentence"].endswith("with it the code became sparser.")
    assert "changes the size of the code more" not in found["bounded_why_sentence"]  # the count moved as much
    found = free_and_bounded(bounded_avr=20.0)
    assert found["bounded_kind"] == "sparser" and found["bounded_count_beyond_spread"]
    assert "the bounded code has fewer active units than either free seed (0.5 times seed 0's, 0.4 times seed 1's)" \
        in found["bounded_sentence"]
    assert found["lesson_bounded_sentence"].endswith("closing the dodge makes the code sparser.")
    found = free_and_bounded(bounded_avr=45.0)
    assert found["bounded_kind"] == "same"
    assert "the bounded code's count of active units lies within the free seeds' range" in found["bounded_sentence"]
    found = free_and_bounded(norms=(None, {"mean": 0.4, "max": 0.9, "min": 0.1, "active_mean": 0.5}))
    assert not found["free_readout_longer"] and "did not grow past the bounded one" in found["bounded_norms_sentence"]
    assert "measured in seed 1" not in found["bounded_why_sentence"]
    found = free_and_bounded(norms=(None, None))
    assert "The free run's record carries no readout norms" in found["bounded_norms_sentence"]


# --- the tables the page shows ---------------------------------------------------------------

def test_run_rows_order_by_lam_then_seed_and_count_dead_maps():
    runs = load_results(results_path("cnn", "full"))["runs"]
    rows = f.run_rows(runs)
    assert [(r["lam"], r["seed"]) for r in rows] == sorted((r["lam"], r["seed"]) for r in runs)
    for row in rows:
        assert row["dead_maps"] == f.dead_maps(row)
        assert row["active_percent"] == pytest.approx(100 * row["avr_test"] / row["units"])
        assert set(f.RUN_COLUMNS) <= set(row)


def test_source_rows_average_our_seeds_at_each_source_lam():
    runs = load_results(results_path("cnn", "full"))["runs"]
    rows = f.source_rows(runs, source_runs("cnn"))
    assert [r["lam"] for r in rows] == sorted(r["lam"] for r in source_runs("cnn"))
    two = [r for r in runs if r["lam"] == 1e-4]
    assert len(two) == 2
    at = next(r for r in rows if r["lam"] == 1e-4)
    assert at["test_accuracy"] == pytest.approx(np.mean([r["test_accuracy"] for r in two]))


def test_bounded_rows_put_each_free_seed_and_the_bounded_run_side_by_side():
    runs = load_results(results_path("cnn", "full"))["runs"]
    bounded = load_results(results_path("cnn_bounded", "full"))["runs"][0]
    rows, columns = f.bounded_rows(runs, bounded, READOUT_MAX_NORM)
    assert list(columns) == ["quantity", "free_0", "free_1", "bounded"]
    accuracy = next(r for r in rows if r["quantity"] == "test accuracy")
    assert accuracy["bounded"] == f"{100 * bounded['test_accuracy']:.2f} %"
    largest = next(r for r in rows if r["quantity"] == "readout norm: largest")
    assert largest["free_0"] == "not recorded"  # made before the sweep recorded norms
    with pytest.raises(ValueError, match="no free run"):
        f.bounded_rows(runs, dict(bounded, lam=0.123), READOUT_MAX_NORM)


def test_layer_rows_and_demo_rows():
    layer = SimpleNamespace(name="code", output=SimpleNamespace(shape=(None, 14, 14, 200)),
                            count_params=lambda: 2000)
    model = SimpleNamespace(layers=[None, layer])
    assert f.layer_rows(model) == [{"layer": "code", "shape": "14 × 14 × 200", "parameters": 2000}]
    record = {"lam": 0.0, "steps": 1, "n_train": 1, "n_test": 1, "test_accuracy": 0.5,
              "avr_test": 392.0, "units": 39200, "silent_maps": 0}
    assert f.demo_rows([record])[0]["active_percent"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        f.demo_rows([{"lam": 0.0}])
