"""The sparse MLP chapter's conclusions: pinned against the committed full runs (three seeds per
λ, and the bounded-readout runs), and each sentence's wording checked on tiny hand-made runs
(every branch)."""

import numpy as np
import pytest

from sparsebook.findings import mlp as f
from sparsebook.findings.mlp import code_findings, demo_findings, findings, readout_findings
from sparsebook.reference import source_runs
from sparsebook.sweep import BOUNDED_READOUT_LAM, READOUT_MAX_NORM, load_results, results_path

SEEDS = [0, 1, 2]


@pytest.fixture(scope="module")
def runs():
    return load_results(results_path("mlp", "full"))["runs"]


@pytest.fixture(scope="module")
def bounded():
    return load_results(results_path("mlp_bounded", "full"))["runs"]


@pytest.fixture(scope="module")
def committed(runs, bounded):
    out = findings(runs, source_runs("mlp"))
    code = code_findings(runs)
    readout = readout_findings(runs, bounded, READOUT_MAX_NORM)
    assert not (set(out) & set(code)) and not (set(out) & set(readout)) and not (set(code) & set(readout))
    return {**out, **code, **readout}


# --- the page's verdicts, against results/mlp.json and results/mlp_bounded.json -----------------

def test_committed_runs_are_the_full_size_grid_at_three_seeds(runs):
    lams = [run["lam"] for run in source_runs("mlp")]
    assert sorted({run["lam"] for run in runs}) == lams
    for lam in lams:
        assert sorted(run["seed"] for run in runs if run["lam"] == lam) == SEEDS
    assert all(run["data"] == "full" and run["steps"] == 20_000 and run["n_train"] == 60_000 for run in runs)
    assert {run["lam_convention"] for run in runs} == {"batch_sum"}


def test_committed_bounded_runs_are_three_seeds_at_one_lam_with_the_readout_at_norm_1(bounded):
    assert sorted(run["seed"] for run in bounded) == SEEDS
    assert {run["lam"] for run in bounded} == {BOUNDED_READOUT_LAM}
    assert all(run["readout_norms"]["max"] <= READOUT_MAX_NORM * (1 + 1e-4) for run in bounded)
    assert all(run["data"] == "full" and run["steps"] == 20_000 for run in bounded)


def test_committed_seeds_sentence_says_three_seeds(committed):
    assert committed["n_seeds"] == committed["n_seeds_max"] == 3
    assert committed["seeds_sentence"].startswith("Every λ was run with 3 seeds (0, 1 and 2)")


def test_smallest_lam_makes_the_code_tens_of_times_sparser_for_under_a_point(committed):
    assert committed["first_avr_cut"] >= 10
    assert 0 < committed["first_points_lost"] < 1
    assert committed["first_accuracy_move"] == -1  # below λ = 0 at every seed
    assert "times sparser than without a penalty" in committed["first_step_sentence"]
    assert "points below the unpenalised network" in committed["first_step_sentence"]
    assert "already divides the activity by" in committed["first_cut_sentence"]


def test_accuracy_falls_at_every_step_beyond_the_seeds_spread(committed):
    assert committed["accuracy_falls_every_step"]
    assert "falls at every step of the grid beyond the seeds' spread" in committed["accuracy_trend_sentence"]
    assert 9 < committed["accuracy_points_lost_total"] < 10


def test_last_step_costs_the_most_accuracy_for_no_sparser_code(committed):
    assert committed["last_step_accuracy_move"] == -1
    assert committed["last_step_points"] > 5 > committed["earlier_largest_points"]
    assert committed["last_step_avr_move"] == PINNED["last_step_avr_move"]
    assert PINNED["last_step_verdict"] in committed["last_step_sentence"]
    assert "more than any earlier step" in committed["last_step_sentence"]


def test_activity_levels_off_at_about_two_units(committed):
    assert committed["floor_from_lam"] == 5e-4
    assert 1.5 < committed["floor_low"] <= committed["floor_high"] < 2.5
    assert committed["floor_sentence"].endswith("a floor of about 2.")


def test_a_tenfold_lam_does_not_always_remove_most_of_the_activity(committed):
    assert not committed["decades_remove_most"]
    removed = committed["decade_removed"]  # 1e-5 -> 1e-4, 5e-5 -> 5e-4, 1e-4 -> 1e-3
    assert removed[0] > 0.5 and removed[2] < 0.4
    assert committed["decades_sentence"].startswith("A tenfold increase of λ does not always remove most")


def test_our_accuracies_are_within_a_point_of_the_source(committed):
    assert committed["max_accuracy_gap_points"] < 1
    assert (committed["accuracy_above_source"], committed["accuracy_below_source"]) == PINNED["above_below"]
    assert committed["max_avr_gap_percent"] < 15


def test_unpenalised_network_keeps_more_units_active_than_the_source(committed):
    assert committed["baseline_avr_ratio"] > 1.1
    assert "keeps more units active than the source's" in committed["source_baseline_sentence"]


def test_test_and_training_batch_avr_agree_closely(committed):
    assert committed["max_avr_measure_gap_percent"] < f.AGREE_PERCENT
    assert "agree closely" in committed["avr_measures_sentence"]


def test_activity_stops_falling_at_the_largest_lam(committed):
    assert committed["avr_not_falling_at"] == [2.7e-3]
    assert committed["source_avr_rises_at"] == [2.7e-3]
    assert committed["activity_verdict_sentence"].startswith(
        "A stronger penalty bought no sparser code, only a lower accuracy, from λ = 1e-3 to 2.7e-3")


def test_dead_units_at_most_one_without_penalty_and_hundreds_with_it(committed):
    assert committed["dead_0_max"] <= 1
    assert committed["dead_above_baseline_runs"] == 6
    assert committed["dead_answer_sentence"].startswith("Without a penalty, almost")
    assert "With a penalty, no: at every λ > 0 of the grid far more units are dead" in committed["dead_answer_sentence"]
    assert 400 < committed["dead_at_detail"] < 600


def test_surviving_units_are_selective(committed):
    base, *penalised = committed["median_firing_rates"]
    assert all(0 < rate < base / 10 for rate in penalised)
    assert committed["survivors_rarer"]
    assert "the surviving units fire far more rarely" in committed["selectivity_sentence"]


def test_some_training_dead_units_fire_on_test_digits_at_every_lam_and_seed(committed):
    assert committed["revived_at_detail"] > 0 and committed["test_only_dead_at_detail"] > 0
    # most units that fire on some test digit at λ = 1e-3 never fire on a training digit
    assert ": 81 % of the 272 units that fire on some test digit." in committed["revived_sentence"]
    assert committed["revived_runs"] == 6
    assert "Which digits you ask about matters" in committed["revived_sentence"]


def test_the_less_accurate_of_the_summary_runs_is_not_the_sparser(committed):
    assert not committed["summary_high_is_sparser"]
    assert not committed["source_summary_high_is_sparser"]
    assert PINNED["summary_tail"] in committed["summary_sentence"]


def test_lessons_state_the_committed_verdicts(committed):
    assert committed["lesson_sparse_sentence"].startswith("An L1 penalty on ReLU activations makes the hidden layer")
    assert "Not every neuron gets activated" in committed["lesson_dead_sentence"]
    assert "% at λ = 1e-3, against 0 to 1 units at λ = 0)" in committed["lesson_dead_sentence"]
    assert "selective" not in committed["lesson_dead_sentence"]  # firing rarely is not class selectivity
    assert committed["lesson_trade_sentence"].startswith(
        "Accuracy and sparsity do not trade off smoothly to the end: the activity levels off at about 2")


def test_every_run_is_a_sparse_code_and_none_reaches_a_local_one(committed):
    assert committed["code_kinds"] == ["sparse"] * 7
    assert not committed["reaches_local"] and 1.5 < committed["min_avr"] < 2.5
    assert committed["activity_ratios"][0] < committed["dense_ratio"]  # the λ = 0 code is not dense
    assert "Every run of the grid holds a sparse code by that definition, λ = 0 included" in committed["code_kind_sentence"]
    assert committed["local_answer_sentence"].startswith("Can we reach a local code? Not in this grid")
    assert committed["local_answer_sentence"].endswith("the strongest penalty of the grid brings it no lower.")
    assert committed["lesson_local_sentence"].startswith("No λ of the grid reaches a local code")


def test_busy_units_are_not_grandmother_cells(committed):
    assert committed["grandmother_classes_max"] < f.CLASSES
    assert committed["closest_to_grandmother"] == [1e-3]
    assert committed["broad_carriers"] == [2.7e-3]
    assert committed["carriers"][1e-3] < 30 and committed["carriers"][2.7e-3] < 10
    assert committed["grandmother_verdict_sentence"].startswith(
        "So the sparsest codes are not codes of grandmother cells. λ = 1e-3 comes closest")
    assert "At λ = 2.7e-3 the firing has collapsed onto a few units" in committed["grandmother_verdict_sentence"]
    assert "we count a unit as one more leniently" in committed["grandmother_sentence"]
    assert "A run has 1 to 2 such cells at λ = 1e-3 (for 1 of the 10 classes) and none at λ = 2.7e-3." \
        in committed["grandmother_sentence"]
    assert committed["grandmother_cells_max"] == 2 and committed["grandmother_classes_max"] == 1
    assert ("the sparsest runs are not codes of grandmother cells (at most 2 of a run's units count as one, for at "
            "most 1 of the 10 classes)") in committed["lesson_local_sentence"]


def test_graded_measures_call_the_unpenalised_code_sparser_than_its_count_and_saturate(committed):
    assert committed["effective_units_0"] < committed["avr_0"]
    assert "exceeds the" in committed["graded_sentence"]
    assert committed["graded_saturate"]
    assert "both crowd against 1" in committed["saturate_sentence"]
    assert "the graded measures by 0.0029 and 0.024 on their scale of 0 to 1." in committed["saturate_sentence"]
    assert committed["lifetime_at_sparsest"] > committed["class_detector_lifetime"]
    assert "sparser than a class detector" in committed["lifetime_sentence"]


def test_readout_grows_and_activations_shrink_with_lam(committed):
    assert committed["readout_grows"] and committed["active_value_shrinks"]
    assert committed["readout_growth"] > 10
    assert committed["readout_rises_every_step"] == PINNED["readout_rises_every_step"]
    assert committed["off_pays_most"] and committed["count_cut"] > 10 * committed["value_cut"]
    assert "taken part of the way" in committed["active_value_sentence"]
    assert "Most of the penalty is paid by switching units off" in committed["l1_split_sentence"]


def test_bounded_readout_against_the_free_one(committed):
    assert committed["bounded_lam"] == BOUNDED_READOUT_LAM and committed["bounded_readout_max"] <= 1 + 1e-4
    assert (committed["bounded_accuracy_move"], committed["bounded_avr_move"], committed["bounded_l1_move"],
            committed["bounded_value_move"]) == PINNED["bounded_moves"]
    assert committed["bounded_verdict_sentence"].startswith(PINNED["bounded_verdict"])
    assert committed["bounded_beaten_by"] == [] and committed["bounded_beats"] == []
    assert committed["bounded_as_accurate_as_unpenalised"]
    assert committed["free_segment_accuracy"] < committed["bounded_accuracy"]
    assert ("In the figure it lies above the segment joining the free runs on either side of its activity, "
            "λ = 1e-5 and 0") in committed["bounded_plane_sentence"]
    assert "within the seeds' spread of the unpenalised network's" in committed["bounded_plane_sentence"]
    assert committed["lesson_readout_sentence"].endswith("is more accurate and its code denser.")


# What the committed seeds decided, where a verdict hangs on the spread (pinned once they landed).
PINNED = {
    "last_step_avr_move": 0,
    "last_step_verdict": "It is less accurate than λ = 1e-3 and no sparser.",
    "above_below": (4, 2),
    "summary_tail": "our less accurate run is no sparser, the two AVRs lying within the seeds' spread",
    "readout_rises_every_step": True,
    # at λ = 1e-4 the bounded network is more accurate, denser, with a larger code L1 norm and larger active values
    "bounded_moves": (1, 1, 1, 1),
    "bounded_verdict": "Bounding the readout does not make the penalty bite harder: at the same λ the code is 2.6",
}


# --- tiny hand-made runs: each sentence's branches --------------------------------------------

LAMS = (0.0, 1e-4, 1e-3, 2.7e-3)


def grid(acc=(0.9, 0.8, 0.7, 0.6), avr=(3.0, 1.0, 0.5, 0.25), batch=None, dead=(0, 1, 2, 3),
         train=None, test=None, seeds=(0,), jitter=0.0):
    """Four λ of a 4-unit network, at each seed; seed s adds ``s * jitter`` to accuracy and AVR.

    Firing rates default to ``dead[i]`` units silent everywhere."""
    runs = []
    for seed in seeds:
        for i, lam in enumerate(LAMS):
            rates = [0.0] * dead[i] + [0.5 / (i + 1)] * (4 - dead[i])
            shift = seed * jitter
            runs.append({"lam": lam, "seed": seed, "test_accuracy": acc[i] + shift, "avr_test": avr[i] + shift,
                         "avr_train_batch": (batch or avr)[i] + shift, "dead_units": dead[i],
                         "dead_units_test": dead[i], "units": 4, "n_train": 10, "n_test": 5, "steps": 100,
                         "lam_convention": "batch_sum",
                         "firing_rates_train": (train or {}).get(lam, rates),
                         "firing_rates_test": (test or {}).get(lam, rates)})
    return runs


def source(acc=(0.9, 0.8, 0.7, 0.6), batch=(3.0, 1.0, 0.5, 0.25)):
    return [{"lam": lam, "test_accuracy": a, "avr_train_batch": b} for lam, a, b in zip(LAMS, acc, batch)]


def test_seeds_sentence_for_three_seeds_one_seed_and_a_mix():
    assert findings(grid(seeds=(0, 1, 2)), source())["seeds_sentence"].startswith(
        "Every λ was run with 3 seeds (0, 1 and 2)")
    assert findings(grid(), source())["seeds_sentence"].startswith("Every λ was run with one seed")
    mixed = findings(grid(seeds=(0, 1)) + [r for r in grid(seeds=(2,)) if r["lam"] == 0], source())
    assert mixed["seeds_sentence"].startswith("The λ were run with 2 to 3 seeds")


def test_first_step_sparser_and_less_accurate_or_denser_and_more_accurate_or_within_spread():
    falls = findings(grid(), source())
    assert "3 times sparser" in falls["first_step_sentence"]
    assert "10.00 points below" in falls["first_step_sentence"]
    assert "already divides the activity by 3" in falls["first_cut_sentence"]
    rises = findings(grid(acc=(0.8, 0.9, 0.7, 0.6), avr=(1.0, 3.0, 0.5, 0.25)), source())
    assert "denser than without a penalty (3.0 times as many" in rises["first_step_sentence"]
    assert "10.00 points above" in rises["first_step_sentence"]
    assert "does not lower the activity" in rises["first_cut_sentence"]
    close = findings(grid(acc=(0.9, 0.89, 0.7, 0.6), seeds=(0, 1, 2), jitter=0.01), source())
    assert "within the seeds' spread of the unpenalised network" in close["first_step_sentence"]
    assert "(seeds 0.8900–0.9100)" in close["first_step_sentence"]


def test_accuracy_trend_every_step_or_with_its_exceptions():
    steady = findings(grid(), source())
    assert ("falls at every step of the grid, from 0.9000 at λ = 0 to 0.6000 at λ = 2.7e-3 (30.0 points in all)"
            in steady["accuracy_trend_sentence"])
    bumpy = findings(grid(acc=(0.9, 0.8, 0.85, 0.6)), source())
    assert not bumpy["accuracy_falls_every_step"]
    assert "but not at every step: it rises from 0.8000 to 0.8500 between λ = 1e-4 and 1e-3" \
        in bumpy["accuracy_trend_sentence"]
    flat = findings(grid(acc=(0.9, 0.8, 0.8, 0.6)), source())
    assert "but not at every step: it stays at 0.8000 from λ = 1e-4 to 1e-3" in flat["accuracy_trend_sentence"]
    seeded = findings(grid(acc=(0.9, 0.8, 0.795, 0.6), seeds=(0, 1), jitter=0.01), source())
    assert "beyond the seeds' spread" not in seeded["accuracy_trend_sentence"]
    assert "moves only within the seeds' spread between λ = 1e-4 and 1e-3 (0.8050 and 0.8000)" \
        in seeded["accuracy_trend_sentence"]
    twice = findings(grid(acc=(0.9, 0.8, 0.795, 0.79), seeds=(0, 1), jitter=0.01), source())
    assert ("moves only within the seeds' spread between λ = 1e-4 and 1e-3 (0.8050 and 0.8000) and between "
            "λ = 1e-3 and 2.7e-3 (0.8000 and 0.7950)") in twice["accuracy_trend_sentence"]
    assert not seeded["accuracy_falls_every_step"]
    apart = findings(grid(seeds=(0, 1), jitter=0.001), source())
    assert "falls at every step of the grid beyond the seeds' spread" in apart["accuracy_trend_sentence"]


def test_last_step_worse_on_both_axes_or_no_sparser_or_sparser():
    worse = findings(grid(avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert worse["last_step_worse_both"]
    assert "costs 10.0 points of test accuracy" in worse["last_step_sentence"]
    assert "its AVR rises" in worse["last_step_sentence"]
    assert worse["last_step_sentence"].endswith("It is worse than λ = 1e-3 on both axes: less accurate and less sparse.")
    assert "more than any earlier step" not in worse["last_step_sentence"]  # 10 points, as the earlier steps
    tied = findings(grid(acc=(0.9, 0.85, 0.8, 0.6), avr=(3.0, 1.0, 0.5, 0.51), seeds=(0, 1), jitter=0.02), source())
    assert "its AVR moves within the seeds' spread" in tied["last_step_sentence"]
    assert "more than any earlier step (the largest, from λ = 0 to 1e-4, cost 5.0)" in tied["last_step_sentence"]
    assert tied["last_step_sentence"].endswith("It is less accurate than λ = 1e-3 and no sparser.")
    sparser = findings(grid(), source())
    assert "for a sparser code, AVR 0.5 (one seed) → 0.25 (one seed)" in sparser["last_step_sentence"]
    assert sparser["last_step_sentence"].endswith("It is not worse than λ = 1e-3 on both axes.")
    gains = findings(grid(acc=(0.9, 0.8, 0.7, 0.75)), source())
    assert "raises the test accuracy by 5.0 points" in gains["last_step_sentence"]


def test_floor_levels_off_or_not():
    floor = findings(grid(avr=(3.0, 2.1, 2.0, 2.2)), source())
    assert floor["floor_from_lam"] == 1e-4
    assert floor["floor_sentence"] == ("The activity levels off: from λ = 1e-4 on, every run keeps between 2.00 "
                                       "and 2.20 active units per test digit on average, a floor of about 2.")
    seeded = findings(grid(avr=(3.0, 2.1, 2.0, 2.2), seeds=(0, 1), jitter=0.01), source())
    assert "from λ = 1e-4 on, the mean of the seeds stays between 2.00 and 2.21" in seeded["floor_sentence"]
    steady = findings(grid(), source())
    assert steady["floor_sentence"] == "The activity does not level off at the end of the grid."
    assert steady["floor_from_lam"] is None
    rebound = findings(grid(avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert rebound["floor_sentence"] == "The activity does not level off at the end of the grid."
    assert rebound["lesson_trade_sentence"] == ("Accuracy and sparsity do not trade off smoothly to the end: the last "
                                                "step, to λ = 2.7e-3, costs 10.0 points of accuracy for no sparser code.")


def test_decades_remove_most_or_not_or_no_decade():
    lams = (0.0, 1e-5, 1e-4, 1e-3)

    def decade_grid(avr):
        return [dict(run, lam=lam) for run, lam in zip(grid(avr=avr), lams)]

    src = [dict(run, lam=lam) for run, lam in zip(source(), lams)]
    src[-1]["lam"] = 1e-3
    most = f._decades(f.mean_records(decade_grid((3.0, 1.0, 0.4, 0.1))))
    assert most["decades_remove_most"]
    assert most["decades_sentence"] == ("Every tenfold increase of λ in the grid removes most of the remaining "
                                        "activity: 60 % from λ = 1e-5 to 1e-4 and 75 % from λ = 1e-4 to 1e-3.")
    not_most = f._decades(f.mean_records(decade_grid((3.0, 1.0, 0.4, 0.3))))
    assert not not_most["decades_remove_most"]
    assert "does not always remove most of the remaining activity; it removes 60 % from λ = 1e-5 to 1e-4 and " \
           "25 % from λ = 1e-4 to 1e-3" in not_most["decades_sentence"]
    no_decade = [dict(run, lam=lam) for run, lam in zip(grid(), (0.0, 1e-4, 5e-4, 2.7e-3))]
    assert f._decades(f.mean_records(no_decade))["decades_sentence"] == "The grid holds no two λ a factor 10 apart."
    seeded = f._decades(f.mean_records(decade_grid((3.0, 1.0, 0.4, 0.3)) +
                                       [dict(run, seed=1) for run in decade_grid((3.0, 1.0, 0.4, 0.3))]))
    assert seeded["decades_sentence"].endswith("25 % from λ = 1e-4 to 1e-3 (means of the seeds).")


def test_source_gap_counts_above_and_below_and_the_baseline_comparison():
    same = findings(grid(), source())
    assert "above it at none of the 3 λ, below it at none of the 3 λ" in same["source_gap_sentence"]
    assert "about as many units active" in same["source_baseline_sentence"]
    ours_higher = findings(grid(acc=(0.9, 0.81, 0.71, 0.59), batch=(6.0, 1.0, 0.5, 0.25)), source())
    assert "above it at 2 of the 3 λ, below it at 1 of the 3 λ" in ours_higher["source_gap_sentence"]
    assert "within 1.00 percentage points" in ours_higher["source_gap_sentence"]
    assert "training-batch AVRs within 0 % of its" in ours_higher["source_gap_sentence"]
    off = findings(grid(batch=(3.0, 1.113, 0.5, 0.25)), source())  # 11.3 % above the source at λ = 1e-4
    assert "training-batch AVRs within 12 % of its" in off["source_gap_sentence"]
    assert "keeps more units active than the source's (6 (one seed) against 3 on a training batch)" \
        in ours_higher["source_baseline_sentence"]
    fewer = findings(grid(batch=(1.0, 1.0, 0.5, 0.25)), source())
    assert "keeps fewer units active" in fewer["source_baseline_sentence"]


def test_avr_measures_agree_or_differ():
    assert "agree closely" in findings(grid(), source())["avr_measures_sentence"]
    near = findings(grid(batch=(3.0, 1.064, 0.5, 0.25)), source())  # 6.4 % apart at λ = 1e-4
    assert "at most 7 % apart at any λ and seed" in near["avr_measures_sentence"]  # rounded up, not down to 6
    apart = findings(grid(batch=(3.0, 2.0, 0.5, 0.25)), source(batch=(3.0, 2.0, 0.5, 0.25)))
    assert "differ by up to 100 %" in apart["avr_measures_sentence"]


def test_activity_trend_and_its_verdict_in_each_case():
    steady = findings(grid(), source())
    assert "falls at every step of the grid" in steady["activity_trend_sentence"]
    assert "In the source's table (one run per λ) the training-batch AVR falls" in steady["activity_trend_sentence"]
    assert steady["activity_verdict_sentence"] == "Every stronger penalty of the grid bought a sparser code."
    wasted = findings(grid(avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert "it rises from 0.5 to 0.75 between λ = 1e-3 and 2.7e-3" in wasted["activity_trend_sentence"]
    assert "bought no sparser code, only a lower accuracy, from λ = 1e-3 to 2.7e-3" \
        in wasted["activity_verdict_sentence"]
    assert wasted["avr_not_falling_at"] == [2.7e-3]
    harmless = findings(grid(acc=(0.9, 0.8, 0.7, 0.7), avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert harmless["activity_verdict_sentence"].startswith("Where the activity does not fall")


def test_dead_units_answer_and_trend_in_each_case():
    dying = findings(grid(), source())
    assert dying["dead_answer_sentence"].startswith(
        "Without a penalty, yes: every one of the 4 units fires on at least one of the 5 test digits.")
    assert "With a penalty, no: at every λ > 0 of the grid far more units are dead than at λ = 0, from 1 at " \
           "λ = 1e-4 to 3 at λ = 2.7e-3 (75 % of the layer)" in dying["dead_answer_sentence"]
    assert "rises at every step of the grid, from 0 at λ = 0 to 3 at λ = 2.7e-3" in dying["dead_trend_sentence"]
    mixed = findings(grid(dead=(1, 0, 2, 1)), source())
    assert mixed["dead_answer_sentence"].startswith("Not even without a penalty: 1 of the 4 units fires on none")
    assert "not always: more units die than at λ = 0 at 1 of the 3 λ > 0" in mixed["dead_answer_sentence"]
    assert not mixed["dead_rise_every_step"]
    assert "though not more at every step" in mixed["lesson_dead_sentence"]
    none = findings(grid(dead=(0, 0, 0, 0)), source())
    assert "at no λ of the grid do more units die than at λ = 0" in none["dead_answer_sentence"]
    runs = grid(seeds=(0, 1))
    runs[4]["dead_units_test"] = 1  # seed 1 at λ = 0: one dead unit in 4, more than 1 % of the layer
    assert findings(runs, source())["dead_answer_sentence"].startswith(
        "Not even without a penalty: 0 to 1 of the 4 units (depending on the seed) fire on none")
    big = [dict(run, units=400) for run in grid(dead=(1, 5, 6, 7))]
    assert findings(big, source())["dead_answer_sentence"].startswith("Without a penalty, almost: 1 of the 400 units fires")


def test_selectivity_sentence_in_each_case():
    selective = findings(grid(), source())
    assert "the surviving units fire far more rarely" in selective["selectivity_sentence"]
    # 5 test digits; medians 0.5 at λ = 0, 0.25 and 0.5 / 3 with a penalty
    assert selective["selectivity_sentence"].startswith(
        "Without a penalty the median living unit fires on about 2.5 of the 5 test digits; with the penalty the "
        "median living unit fires on about 1.2 at λ = 1e-4 and on about 0.83 at λ = 1e-3")
    flat = {lam: [0.5, 0.5, 0.5, 0.5] for lam in LAMS}
    not_selective = findings(grid(dead=(0, 0, 0, 0), train=flat, test=flat), source())
    assert "do not fire more rarely" in not_selective["selectivity_sentence"]
    assert "survivors fire far more rarely" not in not_selective["lesson_dead_sentence"]
    seeded = findings(grid(seeds=(0, 1)), source())
    assert "about 2.5 of the 5 test digits" in seeded["selectivity_sentence"]  # both seeds agree: no range


def test_revived_units_present_or_absent():
    train = {lam: [0.0, 0.0, 0.0, 0.5] for lam in LAMS}
    test = {lam: [0.1, 0.0, 0.0, 0.5] for lam in LAMS}
    revived = findings(grid(train=train, test=test), source())
    assert revived["revived_at_detail"] == 1
    assert "Which digits you ask about matters" in revived["revived_sentence"]
    assert "at λ = 1e-3, 3 units never fire on a training digit, yet 1 of them" in revived["revived_sentence"]
    assert "appear at every seed at every λ > 0 of the grid" in revived["revived_sentence"]
    assert "The other way round" not in revived["revived_sentence"]
    only_test = {lam: [0.0, 0.0, 0.0, 0.5] for lam in LAMS}
    only_train = {lam: [0.1, 0.0, 0.0, 0.5] for lam in LAMS}
    lost = findings(grid(train=only_train, test=only_test), source())
    assert "the count is the same" in lost["revived_sentence"]
    assert "The other way round, 1 units that fire on some training digit fire on no test digit" \
        in lost["revived_sentence"]
    assert "Not every λ > 0 of the grid has such a unit at every seed." in lost["revived_sentence"]


def test_summary_pair_against_the_source_in_each_case():
    # grid(): λ = 2.7e-3 is sparser (0.25 < 0.5) in ours and in the source
    assert "as in the source, the less accurate run is also the sparser one" \
        in findings(grid(), source())["summary_sentence"]
    ours_not = grid(batch=(3.0, 1.0, 0.5, 0.6))
    assert "unlike the source, our less accurate run is not the sparser one" \
        in findings(ours_not, source())["summary_sentence"]
    assert "as in the source, the less accurate run is not even the sparser one" \
        in findings(ours_not, source(batch=(3.0, 1.0, 0.5, 0.6)))["summary_sentence"]
    assert "unlike the source, our less accurate run is the sparser one" \
        in findings(grid(), source(batch=(3.0, 1.0, 0.5, 0.6)))["summary_sentence"]
    tied = grid(batch=(3.0, 1.0, 0.5, 0.51), seeds=(0, 1), jitter=0.05)
    sentence = findings(tied, source(batch=(3.0, 1.0, 0.5, 0.6)))["summary_sentence"]
    assert "our less accurate run is no sparser, the two AVRs lying within the seeds' spread, and in the source " \
           "it was not sparser either" in sentence
    assert ", while in the source it was the sparser one" in findings(tied, source())["summary_sentence"]


def test_lessons_in_each_case():
    steady = findings(grid(), source())
    assert "makes the hidden layer far sparser: from 3 to 1 active units" in steady["lesson_sparse_sentence"]
    assert "for 10.0 points of test accuracy" in steady["lesson_sparse_sentence"]
    assert "every stronger penalty of the grid buys a sparser code" in steady["lesson_trade_sentence"]
    rebound = findings(grid(avr=(3.0, 1.0, 0.5, 0.55)), source())
    assert rebound["lesson_trade_sentence"].startswith(
        "Accuracy and sparsity do not trade off smoothly to the end: the activity levels off at about 1")
    assert "the last step, to λ = 2.7e-3, costs 10.0 points of accuracy for no sparser code" \
        in rebound["lesson_trade_sentence"]
    gaining = findings(grid(acc=(0.8, 0.9, 0.7, 0.6), avr=(1.0, 3.0, 0.5, 0.25)), source())
    assert "did not make the hidden layer steadily sparser" in gaining["lesson_sparse_sentence"]
    assert "does not always cost accuracy" in gaining["lesson_trade_sentence"]
    wasted_middle = findings(grid(avr=(3.0, 1.0, 1.5, 0.25)), source())
    assert wasted_middle["lesson_trade_sentence"].startswith("Not every stronger penalty of the grid buys")


# --- the code: hand-made runs of 10 units ----------------------------------------------------------

def one_hot_rates(classes, on=0.8, also=None, rate_also=0.3):
    """Class rates of one unit: ``on`` on its classes, ``rate_also`` on ``also``."""
    rates = [0.0] * 10
    for c in classes:
        rates[c] = on
    for c in also or ():
        rates[c] = rate_also
    return rates


def code_runs(avr=(4.0, 2.0, 1.5, 1.6), class_rates=None, seeds=(0,), population=None, lifetime=None, hoyer=None):
    """Four λ of a 10-unit network; ``class_rates`` per λ (default: one unit per class, 0.8 on it, 0.3 on the next)."""
    default = {str(u): one_hot_rates([u], also=[(u + 1) % 10]) for u in range(10)}
    runs = []
    for seed in seeds:
        for i, lam in enumerate(LAMS):
            rates = (class_rates or {}).get(lam, default)
            firing = [0.0] * 10
            for unit, per_class in rates.items():
                firing[int(unit)] = float(np.mean(per_class))
            runs.append({"lam": lam, "seed": seed, "units": 10, "n_test": 1000, "avr_test": avr[i],
                         "activity_ratio_test": avr[i] / 10,
                         "population_sparseness_test": (population or (0.7, 0.97, 0.98, 0.98))[i],
                         "lifetime_sparseness_test": (lifetime or (0.5, 0.95, 0.96, 0.96))[i],
                         "hoyer_sparseness_test": (hoyer or (0.6, 0.96, 0.97, 0.97))[i],
                         "class_rates_test": rates, "firing_rates_test": firing})
    return runs


def test_unit_selectivity_reads_preference_coverage_share_and_classes():
    units = f.unit_selectivity({"3": one_hot_rates([2], on=0.6, also=[5], rate_also=0.2), "1": [0.1] * 10})
    assert units["units"].tolist() == [1, 3]
    assert units["preferred"].tolist() == [0, 2]
    assert np.allclose(units["coverage"], [0.1, 0.6])
    assert np.allclose(units["share"], [0.1, 0.75])
    assert units["classes"].tolist() == [10, 2]
    with pytest.raises(ValueError, match="10 firing rates"):
        f.unit_selectivity({"0": [0.5] * 9})
    with pytest.raises(ValueError, match="non-empty dict"):
        f.unit_selectivity({})


def test_carrying_units_are_the_busiest_that_carry_the_share():
    assert f.carrying_units([0.1, 0.5, 0.0, 0.4], share=0.9).tolist() == [1, 3]
    assert f.carrying_units([0.1, 0.5, 0.0, 0.4], share=1.0).tolist() == [1, 3, 0]


def test_code_kinds_sparse_dense_or_local():
    sparse = code_findings(code_runs())
    assert sparse["code_kinds"] == ["sparse"] * 4
    assert sparse["code_kind_sentence"].startswith(
        "For N = 10 units, a local code has one active unit per item (an activity ratio of 1/10 = 10.00 %), a dense "
        "code half of them (5, 50 %)")
    assert "Every run of the grid holds a sparse code by that definition, λ = 0 included: without a penalty 40.0 % " \
           "(one seed) of the units are active per test digit, 4 of 10: about 80 % of a dense code's 5." \
        in sparse["code_kind_sentence"]
    assert sparse["local_answer_sentence"] == (
        "Can we reach a local code? Not in this grid: the sparsest runs keep on average 1.5 at λ = 1e-3 and 1.6 at "
        "λ = 2.7e-3 active units per test digit (activity ratios down to 15.00 %), 1.5 times a local code's one "
        "unit, and the strongest penalty of the grid brings it no lower.")
    lower = code_findings(code_runs(avr=(4.0, 2.0, 1.6, 1.5)))
    assert lower["local_answer_sentence"].endswith("only the strongest penalty of the grid brings it that low.")
    dense = code_findings(code_runs(avr=(6.0, 2.0, 0.8, 0.9)))
    assert "Not every run holds a sparse code by that definition: λ = 0 (dense), λ = 1e-3 (local) and λ = 2.7e-3 " \
           "(local)." in dense["code_kind_sentence"]
    assert dense["local_answer_sentence"] == ("Can we reach a local code? On average, yes: at λ = 1e-3 a test digit "
                                              "switches on 0.8 (one seed) units.")
    assert dense["lesson_local_sentence"].startswith("A λ of the grid reaches a local code on average")
    assert "is dense by the neural-codes chapter's definition" in dense["lesson_local_sentence"]


def test_grandmother_verdict_closest_broad_or_grandmother_cells():
    near = code_findings(code_runs())  # one unit per class, 0.8 on it and 0.3 on the next: share 73 %
    assert near["closest_to_grandmother"] == [1e-3, 2.7e-3] and near["broad_carriers"] == []
    assert "These busy units fire for a median of 2 classes, cover a median 80 % of the digits of their preferred " \
           "class and put a median 73 % of their firing on it; every class has a unit that fires on at least 80 %" \
        in near["grandmother_sentence"]
    assert "A run has none at λ = 1e-3 and none at λ = 2.7e-3." in near["grandmother_sentence"]
    assert near["grandmother_verdict_sentence"].startswith(
        "So the sparsest codes are not codes of grandmother cells. λ = 1e-3 comes closest: every class has a unit "
        "that fires on at least half of its digits, but the busy units put a median 73 % of their firing on their "
        "class, not all of it, and a digit switches on 1.5 units on average, not one.")
    broad_rates = {str(u): one_hot_rates(range(2 * u, 2 * u + 4)) for u in range(4)}  # classes 0-9, four each
    broad = code_findings(code_runs(class_rates={2.7e-3: broad_rates}))
    assert broad["broad_carriers"] == [2.7e-3] and broad["closest_to_grandmother"] == [1e-3]
    assert "At λ = 2.7e-3 the firing has collapsed onto a few units, the median one firing for 3 classes or more" \
        in broad["grandmother_verdict_sentence"]
    silent_class = {str(u): one_hot_rates([u]) for u in range(9)}  # class 9 has no unit
    gaps = code_findings(code_runs(class_rates={1e-3: silent_class, 2.7e-3: silent_class}, seeds=(0, 1)))
    assert "at every seed, 1 class has no unit that fires for it at all (on 10 % of its digits)" \
        in gaps["grandmother_sentence"]
    assert "A run has 9 such cells at λ = 1e-3 (for 9 of the 10 classes)" in gaps["grandmother_sentence"]
    weak = {str(u): one_hot_rates([u], on=0.4) for u in range(10)}
    uncovered = code_findings(code_runs(class_rates={1e-3: weak}))
    assert "in this run, 10 classes have no unit that fires on even half of its digits" \
        in uncovered["grandmother_sentence"]
    pure = {str(u): one_hot_rates([u], on=0.9) for u in range(10)}
    cells = code_findings(code_runs(class_rates={1e-3: pure, 2.7e-3: pure}))
    assert cells["grandmother_verdict_sentence"] == ("So the sparsest codes are codes of grandmother cells: every "
                                                     "class has one, at every seed.")
    assert "the sparsest runs have a grandmother cell for every class" in cells["lesson_local_sentence"]
    assert "none of the units of the sparsest runs is a grandmother cell" in near["lesson_local_sentence"]
    assert "(at most 9 of a run's units count as one, for at most 9 of the 10 classes)" in gaps["lesson_local_sentence"]


def test_sparseness_measures_in_each_case():
    runs = code_runs()
    out = code_findings(runs)
    assert out["effective_units_0"] == pytest.approx(10 * (1 - 0.7 * 0.9))
    assert out["graded_sentence"] == (
        "Without a penalty the count and the graded measures disagree: 4 units are non-zero per test digit, but "
        "their values are so unequal that the Treves–Rolls population sparseness, 0.700, is that of 3.7 equally "
        "active units, and the Hoyer sparseness, 0.60, exceeds the 0.54 that 4 equal values would score.")
    low_hoyer = code_findings(code_runs(hoyer=(0.4, 0.96, 0.97, 0.97)))
    assert "does not exceed the 0.54 that 4 equal values would score." in low_hoyer["graded_sentence"]
    assert out["graded_saturate"] and "both crowd against 1" in out["saturate_sentence"]
    assert "varies 1.3-fold across the same runs" in out["saturate_sentence"]
    spread_out = code_findings(code_runs(population=(0.7, 0.8, 0.98, 0.98)))
    assert not spread_out["graded_saturate"]
    assert spread_out["saturate_sentence"].startswith("With a penalty they rise (population sparseness from 0.800")
    assert "a lifetime sparseness of about 0.90" in out["lifetime_sentence"]
    assert "sparser than a class detector" in out["lifetime_sentence"]
    assert "fire on a median 11.0 % of the digits, close to a class's tenth." in out["lifetime_sentence"]
    class_like = code_findings(code_runs(lifetime=(0.5, 0.8, 0.85, 0.85)))
    assert class_like["lifetime_sentence"].endswith("0.850 (one seed), no sparser than a class detector.")


# --- the readout: hand-made runs ----------------------------------------------------------------

def readout_runs(norms=(0.5, 2.0, 4.0, 8.0), values=(1.5, 1.0, 0.8, 0.5), avr=(100.0, 4.0, 2.0, 2.0),
                 acc=(0.98, 0.97, 0.95, 0.9), seeds=(0,), jitter=0.0):
    runs = []
    for seed in seeds:
        for i, lam in enumerate(LAMS):
            shift = seed * jitter
            runs.append({"lam": lam, "seed": seed, "test_accuracy": acc[i] + shift, "avr_test": avr[i] + shift,
                         "mean_active_value_test": values[i] + shift,
                         "code_l1_test": (avr[i] + shift) * (values[i] + shift),
                         "readout_unit_norms": [norms[i] + shift, 0.1], "firing_rates_test": [0.5, 0.0],
                         "readout_norms": {"max": norms[i] + shift + 0.5, "mean": norms[i]}})
    return runs


def bounded_runs(acc=0.96, avr=3.0, value=1.2, seeds=(0,), jitter=0.0):
    return [{"lam": 1e-4, "seed": seed, "test_accuracy": acc + seed * jitter, "avr_test": avr + seed * jitter,
             "mean_active_value_test": value, "code_l1_test": (avr + seed * jitter) * value,
             "readout_unit_norms": [1.0, 0.1], "firing_rates_test": [0.5, 0.0],
             "readout_norms": {"max": 1.0, "mean": 0.55}} for seed in seeds]


def test_busy_readout_norm_weighs_each_unit_by_its_firing():
    assert f.busy_readout_norm({"readout_unit_norms": [1.0, 3.0, 9.0], "firing_rates_test": [0.1, 0.3, 0.0]}) \
        == pytest.approx((0.1 + 0.9) / 0.4)
    with pytest.raises(ValueError, match="same units"):
        f.busy_readout_norm({"readout_unit_norms": [1.0], "firing_rates_test": [0.1, 0.2]})


def test_readout_trend_and_l1_split_in_each_case():
    out = readout_findings(readout_runs(), bounded_runs())
    assert out["readout_grows"] and out["active_value_shrinks"] and out["readout_rises_every_step"]
    assert out["readout_trend_sentence"] == (
        "Weighted by how often each unit fires, the readout norm rises at every step of the grid, from 0.50 at "
        "λ = 0 to 8.00 at λ = 2.7e-3 (one seed); the largest readout norm of any unit goes from 1.00 at λ = 0 to "
        "8.5 at λ = 2.7e-3.")
    assert out["active_value_sentence"].endswith("the rescaling that a norm bound forbids, taken part of the way.")
    assert out["l1_split_sentence"] == (
        "The code's L1 norm per test digit, which the penalty charges, falls from 150 at λ = 0 to 1.00 at "
        "λ = 2.7e-3, a factor 150. It is the number of active units times the mean value of one: the count falls by "
        "a factor 50, the value by 3.0. Most of the penalty is paid by switching units off, not by shrinking their "
        "values.")
    assert out["lesson_readout_sentence"].startswith(
        "An L1 penalty on activations means something only when the weights that read them are bounded: left "
        "free, the readout norms of the busy units grow 16-fold with λ while the active values shrink")
    flat = readout_findings(readout_runs(norms=(0.5, 0.5, 0.5, 0.5), avr=(4.0, 3.0, 2.0, 2.0),
                                         values=(1.5, 1.0, 0.2, 0.1)), bounded_runs())
    assert not flat["readout_grows"] and flat["active_value_sentence"].endswith("to 0.10 (one seed).")
    assert "Most of the penalty is paid by shrinking values" in flat["l1_split_sentence"]
    assert "the readout norms could grow, although in our runs they did not" in flat["lesson_readout_sentence"]


def test_bounded_comparison_sparser_denser_or_the_same():
    free = readout_runs(avr=(100.0, 4.0, 2.0, 2.0), seeds=(0, 1), jitter=0.01)
    sparser = readout_findings(free, bounded_runs(avr=3.0, acc=0.95, seeds=(0, 1), jitter=0.01))
    assert (sparser["bounded_avr_move"], sparser["bounded_accuracy_move"]) == (-1, -1)
    assert sparser["bounded_sentence"].startswith(
        "Against the free network at the same λ (mean of 2 seeds each), the bounded one has a test accuracy of")
    assert sparser["bounded_sentence"].endswith(
        "Its largest readout norm is 1.000 (the bound is 1), against 2.5 in the free runs.")
    assert "an AVR of 3 (seeds 3–3.01) against 4 (seeds 4–4.01), lower" in sparser["bounded_sentence"]
    assert sparser["bounded_verdict_sentence"].startswith("Bounding the readout makes the code sparser")
    assert sparser["lesson_readout_sentence"].endswith(
        "with them held at norm ≤ 1, the network at λ = 1e-4 is less accurate and its code sparser.")
    denser = readout_findings(free, bounded_runs(avr=5.0, acc=0.995, seeds=(0, 1), jitter=0.001))
    assert denser["bounded_verdict_sentence"] == (
        "Bounding the readout does not make the penalty bite harder: at the same λ the code is 1.2 times denser. "
        "Where the readout is free, the same λ leaves 4 active units, read through weights of norm 2.0 on average "
        "(weighted by firing), 2.0 times the bound: the value of λ alone does not say how much the penalty costs a "
        "network whose readout can grow.")
    assert "is more accurate and its code denser" in denser["lesson_readout_sentence"]
    same = readout_findings(free, bounded_runs(avr=4.005, acc=0.975, seeds=(0, 1), jitter=0.01))
    assert same["bounded_avr_move"] == 0 and same["bounded_accuracy_move"] == 0
    assert "the same within the seeds' spread" in same["bounded_sentence"]
    assert same["bounded_verdict_sentence"].startswith("Bounding the readout leaves the number of active units")
    assert "as accurate (within the seeds' spread) and its code as sparse (within the seeds' spread)" \
        in same["lesson_readout_sentence"]


def test_readout_findings_reject_bad_input():
    with pytest.raises(ValueError, match="at most|<= bound"):
        readout_findings(readout_runs(), [dict(run, readout_norms={"max": 1.5}) for run in bounded_runs()])
    with pytest.raises(ValueError, match="bound must be a number > 0"):
        readout_findings(readout_runs(), bounded_runs(), bound=0)
    with pytest.raises(ValueError, match="one λ"):
        readout_findings(readout_runs(), bounded_runs() + [dict(bounded_runs()[0], lam=1e-3)])
    with pytest.raises(ValueError, match="no run at λ = 5e-4"):
        readout_findings(readout_runs(), [dict(run, lam=5e-4) for run in bounded_runs()])
    with pytest.raises(ValueError, match="lacks"):
        readout_findings(readout_runs(), [{"lam": 1e-4, "seed": 0}])


# --- the small live run --------------------------------------------------------------------------

def test_demo_sentences_describe_the_small_run_only():
    runs = grid()[:3]
    falls = demo_findings(runs)
    assert falls["demo_avr_falls"]
    assert falls["demo_sentence"].startswith("In this small run (100 steps on 10 digits), the average number")
    assert "falls at every step of the grid, from 3 at λ = 0 to 0.5 at λ = 1e-3" in falls["demo_sentence"]
    assert "At λ = 1e-3, 2 of its 4 units never fire on any of its test digits" in falls["demo_sentence"]
    assert "demo_weights_sentence" not in falls
    rises = demo_findings(grid(acc=(0.6, 0.8, 0.9, 0.9), avr=(0.5, 1.0, 3.0, 3.0), dead=(0, 0, 0, 0))[:3])
    assert not rises["demo_avr_falls"]
    assert "rises at every step of the grid" in rises["demo_sentence"]
    assert "Its test accuracy rises" in rises["demo_sentence"]
    assert "Even at λ = 1e-3, every unit fires" in rises["demo_sentence"]
    flat = demo_findings(grid(avr=(2.0, 2.0, 1.0, 1.0), acc=(0.9, 0.8, 0.9, 0.9))[:3])
    assert "falls from 2 at λ = 0 to 1 at λ = 1e-3, but not at every step: it stays at 2 from λ = 0 to 1e-4" \
        in flat["demo_sentence"]
    assert "Its test accuracy ends where it starts, at 0.9000 at λ = 0 and λ = 1e-3" in flat["demo_sentence"]
    single = demo_findings(grid()[1:2])
    assert single["demo_sentence"].startswith("In this small run (100 steps on 10 digits), at λ = 1e-4, ")
    assert "the test accuracy is 0.8000, and 1 of its 4 units never fire" in single["demo_sentence"]


def test_demo_weights_sentence_in_each_case():
    runs = grid()[:3]
    moved = demo_findings(runs, {0.0: 0.2, 1e-4: 0.6, 1e-3: 0.9})
    assert moved["demo_weights_sentence"] == (
        "In this small run the input weights drawn moved from their random start by 20 % at λ = 0, 60 % at "
        "λ = 1e-4 and 90 % at λ = 1e-3 (the norm of the change over the norm of the start): the penalised units "
        "moved further, so look for stroke-like shapes at the largest λ and for speckle, the random start, without a "
        "penalty.")
    still = demo_findings(runs, {0.0: 0.9, 1e-4: 0.6, 1e-3: 0.2})
    assert still["demo_weights_sentence"].endswith("look for how much of the random start's speckle is left at each λ.")
    with pytest.raises(ValueError, match="weight_changes must map each λ"):
        demo_findings(runs, {0.0: 0.2})


def test_weight_change_is_relative_to_the_start():
    assert f.weight_change([[3.0, 4.0]], [[3.0, 4.0]]) == 0
    assert f.weight_change([[3.0, 4.0]], [[0.0, 0.0]]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same non-empty shape"):
        f.weight_change([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="all zero"):
        f.weight_change([0.0, 0.0], [1.0, 2.0])


# --- bad input -------------------------------------------------------------------------------

def test_findings_reject_what_is_not_the_grid_and_its_source():
    with pytest.raises(ValueError, match="non-empty list"):
        findings([], source())
    with pytest.raises(TypeError, match="must be a dict"):
        findings(grid()[:3] + ["run"], source())
    runs = grid()
    del runs[2]["dead_units_test"]
    with pytest.raises(ValueError, match="lacks \\['dead_units_test'\\]"):
        findings(runs, source())
    with pytest.raises(ValueError, match="the run at λ = 0"):
        findings(grid()[1:], source()[1:])
    with pytest.raises(ValueError, match="same seed"):
        findings(grid() + grid()[-1:], source())
    with pytest.raises(ValueError, match="share their λ grid"):
        findings(grid(), source()[:3])
    with pytest.raises(ValueError, match="no run at λ = 2.7e-3"):
        findings(grid()[:3], source()[:3])
    with pytest.raises(ValueError, match="lacks"):
        code_findings([{"lam": 0.0, "seed": 0}])
    with pytest.raises(ValueError, match="lacks"):
        demo_findings([{"lam": 0.0}])


def test_bounded_on_the_plane_beaten_beats_or_neither():
    free = readout_runs(avr=(100.0, 4.0, 2.0, 2.0), acc=(0.98, 0.97, 0.95, 0.9), seeds=(0, 1), jitter=0.001)
    beaten = readout_findings(free, bounded_runs(avr=3.0, acc=0.94, seeds=(0, 1), jitter=0.001))
    assert beaten["bounded_beaten_by"] == [1e-3]
    assert beaten["bounded_plane_sentence"] == (
        "On the plane of accuracy against activity, the free network at λ = 1e-3 is both more accurate and sparser "
        "than the bounded one. In the figure it lies below the segment joining the free runs on either side of its "
        "activity, λ = 2.7e-3 and 1e-4, which passes at 0.9414 there; no free run was trained at that activity.")
    beats = readout_findings(free, bounded_runs(avr=3.0, acc=0.975, seeds=(0, 1), jitter=0.001))
    assert beats["bounded_beats"] == [1e-4]
    assert beats["bounded_plane_sentence"].startswith(
        "On the plane of accuracy against activity, the bounded network is both more accurate and sparser than the "
        "free one at λ = 1e-4. In the figure it lies above the segment")
    beside = readout_findings(free, bounded_runs(avr=5.0, acc=0.9805, seeds=(0, 1), jitter=0.001))
    assert beside["bounded_plane_sentence"].startswith(
        "On the plane of accuracy against activity, no free run is both more accurate and sparser than the bounded "
        "one, nor both less accurate and denser")
    assert beside["bounded_as_accurate_as_unpenalised"]
    assert "it lies above the segment joining the free runs on either side of its activity, λ = 1e-4 and 0" \
        in beside["bounded_plane_sentence"]
    on = readout_findings(free, bounded_runs(avr=5.0, acc=0.9706, seeds=(0, 1), jitter=0.001))
    assert "it lies on the segment" in on["bounded_plane_sentence"]
    outside = readout_findings(free, bounded_runs(avr=1.0, acc=0.99, seeds=(0, 1), jitter=0.001))
    assert "segment" not in outside["bounded_plane_sentence"] and outside["free_segment_accuracy"] is None
    assert beside["bounded_plane_sentence"].endswith(
        "Its accuracy lies within the seeds' spread of the unpenalised network's (0.9805 (seeds 0.9800–0.9810)), "
        "with 20 times fewer active units.")


# --- the page's tables and the receptive fields -----------------------------------------------

def test_grid_table_gives_each_lam_its_mean_and_the_range_of_its_seeds():
    shown = f.grid_table(grid(seeds=(0, 1), jitter=0.01)).data
    assert list(shown.columns) == ["λ", "accuracy", "accuracy range", "AVR", "AVR range",
                                   "dead units"]
    first = shown.iloc[0]
    assert first["λ"] == "0" and first["accuracy"] == "90.50 %" and first["dead units"] == "0"
    assert first["accuracy range"] == "90.00–91.00 %" and first["AVR range"] == "3.00–3.01"
    single = f.grid_table(grid()).data  # one seed: no ranges
    assert list(single.columns) == ["λ", "accuracy", "AVR", "dead units"]
    assert list(single["λ"]) == ["0", "1e-4", "1e-3", "2.7e-3"]


def test_source_table_puts_the_source_next_to_our_means():
    shown = f.source_table(grid(batch=(3.1, 1.1, 0.6, 0.3)), source()).data
    assert list(shown.columns) == ["λ", "accuracy, source", "accuracy, ours", "AVR, source",
                                   "AVR, ours"]
    assert shown.iloc[1].tolist() == ["1e-4", "80.00 %", "80.00 %", "1.00", "1.10"]


def test_sparseness_table_averages_the_seeds():
    runs = [{"lam": lam, "seed": seed, "avr_test": 2.0 + seed, "activity_ratio_test": 0.25,
             "population_sparseness_test": 0.9, "lifetime_sparseness_test": 0.8,
             "hoyer_sparseness_test": 0.5} for lam in (0.0, 1e-3) for seed in (0, 1)]
    shown = f.sparseness_table(runs).data
    assert shown.iloc[1].tolist() == ["1e-3", "2.50", "0.250", "0.900", "0.800", "0.500"]


def test_receptive_field_findings_compare_the_runs_trained_again_with_the_committed():
    committed = grid(seeds=(0, 1), jitter=0.01)
    study = {"n_units_kept": 36, "runs": [dict(run, test_accuracy=run["test_accuracy"] + 0.002)
                                          for run in grid() if run["lam"] in (0.0, 1e-3)]}
    out = f.receptive_field_findings(study, committed)
    assert out["rf_lams"] == [0.0, 1e-3] and out["rf_lams_text"] == "0 and 1e-3"
    assert out["rf_accuracy_gap_points"] == pytest.approx(0.2) and out["rf_avr_gap_pct"] == 0
    assert "same sweep code, seed and 100 steps" in out["rf_runs_sentence"]
    assert "0.9020 and AVR 3.00 at λ = 0 (committed: 0.9000, 3.00)" in out["rf_runs_sentence"]
    same = {"n_units_kept": 36, "runs": [run for run in grid() if run["lam"] in (0.0, 1e-3)]}
    assert f.receptive_field_findings(same, committed)["rf_runs_sentence"].endswith(
        "they reproduce those runs exactly, with the same test accuracy, AVR and dead units at "
        "every λ.")
    moved = f.receptive_field_findings(study, committed, {0.0: 0.25, 1e-3: 1.5})
    assert moved["rf_change_sentence"] == (
        "From their random start (the same at every λ), the weights drawn moved by 25 % at λ = 0 "
        "and 150 % at λ = 1e-3 (the norm of the change over the norm of the start).")
    with pytest.raises(ValueError, match="weight_changes must map each λ"):
        f.receptive_field_findings(study, committed, {0.0: 0.25})
    with pytest.raises(ValueError, match="no run of seed 0 at λ = 0.005"):
        f.receptive_field_findings({"n_units_kept": 1, "runs": [dict(study["runs"][0], lam=5e-3)]},
                                   committed)


def test_receptive_field_signs_in_each_case():
    study = {"n_units_kept": 2, "runs": [run for run in grid() if run["lam"] in (0.0, 1e-4, 1e-3)]}
    weights = np.array([[[1.0, -1.0]], [[-3.0, 1.0]], [[3.0, -1.0]]])  # 50 %, 75 %, 25 % negative
    out = f.receptive_field_findings(study, grid(), weights=weights)
    assert out["rf_negative_shares"] == [0.5, 0.75, 0.25]
    assert out["rf_sign_sentence"] == (
        "At λ = 0 the weights drawn are about as much negative as positive (50 % of their absolute "
        "sum is negative); at λ = 1e-4 mostly negative (75 %) and at λ = 1e-3 mostly positive (25 %).")
    assert out["rf_sign_verdict_sentence"].startswith("The penalised units' weights are not mostly")
    blue = f.receptive_field_findings(study, grid(), weights=np.array([[[1.0, -1.0]], [[-3.0, 1.0]],
                                                                        [[-4.0, 1.0]]]))
    assert blue["rf_sign_verdict_sentence"] == (
        "The penalised units are no templates of a digit drawn in red: most of their weight is "
        "negative, so ink on their blue frame and strokes pushes them towards silence.")
    with pytest.raises(ValueError, match="must be \\(λ, unit, pixel\\)"):
        f.receptive_field_findings(study, grid(), weights=weights[:2])


def test_committed_receptive_fields_are_full_size_and_reproduce_the_seed_0_runs(runs):
    from sparsebook.sweep import load_study

    summary, arrays = load_study("mlp_receptive_fields", "full")
    assert summary["lams"] == [0.0, 1e-4, 1e-3] and arrays["weights"].shape == (3, 36, 784)
    assert all(run["steps"] == 20_000 and run["n_train"] == 60_000 for run in summary["runs"])
    out = f.receptive_field_findings(summary, runs, weights=arrays["weights"][:, :f.FIELDS_SHOWN])
    assert out["rf_accuracy_gap_points"] == 0 and out["rf_avr_gap_pct"] == 0
    assert "reproduce those runs exactly" in out["rf_runs_sentence"]
    assert out["rf_sign_verdict_sentence"].startswith("The penalised units are no templates")
