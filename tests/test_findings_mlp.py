"""The sparse MLP chapter's conclusions: pinned against the committed full runs, and each
sentence's wording checked on tiny hand-made runs (both branches)."""

from pathlib import Path

import pytest

from sparsebook.findings.mlp import demo_findings, findings
from sparsebook.reference import source_runs
from sparsebook.sweep import load_results

COMMITTED = Path(__file__).resolve().parents[1] / "results" / "mlp.json"


@pytest.fixture(scope="module")
def committed():
    return findings(load_results(COMMITTED)["runs"], source_runs("mlp"))


# --- the page's verdicts, against results/mlp.json --------------------------------------------

def test_committed_runs_are_the_full_size_grid():
    runs = load_results(COMMITTED)["runs"]
    assert sorted(run["lam"] for run in runs) == [run["lam"] for run in source_runs("mlp")]
    assert all(run["data"] == "full" and run["steps"] == 20_000 and run["n_train"] == 60_000 for run in runs)


def test_smallest_lam_makes_the_code_tens_of_times_sparser_for_under_a_point(committed):
    assert committed["first_avr_cut"] >= 10
    assert 0 < committed["first_points_lost"] < 1
    assert "times sparser than without a penalty" in committed["first_step_sentence"]
    assert "points below the unpenalised network" in committed["first_step_sentence"]
    assert "already divides the activity by" in committed["first_cut_sentence"]


def test_accuracy_falls_at_every_step_of_the_grid(committed):
    assert committed["accuracy_falls_every_step"]
    assert "falls at every step of the grid" in committed["accuracy_trend_sentence"]


def test_our_accuracies_are_within_a_point_of_the_source_above_it_at_4_of_6(committed):
    assert committed["max_accuracy_gap_points"] < 1
    assert (committed["accuracy_above_source"], committed["accuracy_below_source"]) == (4, 2)
    assert "above it at 4 of the 6 λ, below it at 2 of the 6 λ" in committed["source_gap_sentence"]
    # the largest AVR gap is 11.3 % (λ = 1e-5): the bound is rounded up, never down
    assert 11 < committed["max_avr_gap_percent"] <= 12
    assert "our training-batch AVRs within 12 % of its" in committed["source_gap_sentence"]


def test_unpenalised_network_keeps_more_units_active_than_the_source(committed):
    assert committed["baseline_avr_ratio"] > 1.1
    assert "keeps more units active than the source's" in committed["source_baseline_sentence"]


def test_test_and_training_batch_avr_agree_closely(committed):
    assert committed["max_avr_measure_gap_percent"] < 10
    assert "agree closely: at most 7 % apart" in committed["avr_measures_sentence"]
    assert committed["max_avr_measure_gap_percent"] <= 7


def test_activity_falls_up_to_1e3_and_rises_at_the_largest_lam_as_in_the_source(committed):
    assert committed["avr_rises_at"] == [2.7e-3]
    assert committed["source_avr_rises_at"] == [2.7e-3]
    assert committed["sparsest_lam"] == 1e-3
    assert "rises from 1.87 to 1.98 between λ = 1e-3 and 2.7e-3" in committed["activity_trend_sentence"]
    assert committed["activity_verdict_sentence"].startswith("A stronger penalty bought no sparser code")


def test_no_unit_is_dead_without_penalty_and_dead_units_rise_at_every_step(committed):
    assert committed["dead_0"] == 0
    assert committed["dead_rise_every_step"]
    assert committed["dead_penalised_runs"] == 6
    assert committed["dead_answer_sentence"].startswith("Without a penalty, yes")
    assert "With a penalty, no" in committed["dead_answer_sentence"]
    assert "rises at every step of the grid" in committed["dead_trend_sentence"]


def test_surviving_units_are_selective(committed):
    base, *penalised = committed["median_firing_rates"]
    assert all(0 < rate < base / 10 for rate in penalised)
    assert committed["survivors_selective"]
    assert committed["selectivity_sentence"].startswith("Without a penalty the median unit fires on about 16,000 (27 %) of the 60,000")
    assert ("the median one fires on 30 (0.05 %) at λ = 1e-4 and on about 13 (0.021 %) at λ = 1e-3: "
            "the surviving units have become selective") in committed["selectivity_sentence"]


def test_some_training_dead_units_fire_on_test_digits_at_every_lam(committed):
    assert committed["train_dead_at_detail"] > committed["dead_at_detail"]
    assert committed["revived_at_detail"] == committed["train_dead_at_detail"] - committed["dead_at_detail"] > 0
    assert committed["revived_runs"] == 6
    assert "more units look dead" in committed["revived_sentence"]


def test_the_less_accurate_of_the_summary_runs_is_not_the_sparser_in_ours_or_the_source(committed):
    assert not committed["summary_high_is_sparser"]
    assert not committed["source_summary_high_is_sparser"]
    assert "as in the source, the less accurate run is not even the sparser one" in committed["summary_sentence"]


def test_lessons_state_the_committed_verdicts(committed):
    assert committed["lesson_sparse_sentence"].startswith("An L1 penalty on ReLU activations turns")
    assert "the stronger the penalty, the more units die" in committed["lesson_dead_sentence"]
    assert "gets sparser only up to λ = 1e-3" in committed["lesson_trade_sentence"]


# --- tiny hand-made runs: each sentence's two branches ----------------------------------------

LAMS = (0.0, 1e-4, 1e-3, 2.7e-3)


def grid(acc=(0.9, 0.8, 0.7, 0.6), avr=(3.0, 1.0, 0.5, 0.25), batch=None, dead=(0, 1, 2, 3),
         train=None, test=None):
    """Four runs of a 4-unit network; firing rates default to ``dead[i]`` silent units everywhere."""
    runs = []
    for i, lam in enumerate(LAMS):
        rates = [0.0] * dead[i] + [0.5 / (i + 1)] * (4 - dead[i])
        runs.append({"lam": lam, "test_accuracy": acc[i], "avr_test": avr[i],
                     "avr_train_batch": (batch or avr)[i], "dead_units": dead[i], "units": 4,
                     "n_train": 10, "n_test": 5, "steps": 100,
                     "firing_rates_train": (train or {}).get(lam, rates),
                     "firing_rates_test": (test or {}).get(lam, rates)})
    return runs


def source(acc=(0.9, 0.8, 0.7, 0.6), batch=(3.0, 1.0, 0.5, 0.25)):
    return [{"lam": lam, "test_accuracy": a, "avr_train_batch": b} for lam, a, b in zip(LAMS, acc, batch)]


def test_first_step_sparser_and_less_accurate_or_denser_and_more_accurate():
    falls = findings(grid(), source())
    assert "3 times sparser" in falls["first_step_sentence"]
    assert "10.00 points below" in falls["first_step_sentence"]
    assert "already divides the activity by 3" in falls["first_cut_sentence"]
    rises = findings(grid(acc=(0.8, 0.9, 0.7, 0.6), avr=(1.0, 3.0, 0.5, 0.25)), source())
    assert "denser than without a penalty (3.0 times as many" in rises["first_step_sentence"]
    assert "10.00 points above" in rises["first_step_sentence"]
    assert "does not lower the activity" in rises["first_cut_sentence"]


def test_accuracy_trend_every_step_or_with_its_exceptions():
    assert "falls at every step of the grid, from 0.9000 at λ = 0 to 0.6000 at λ = 2.7e-3 (30.0 points in all)" \
        in findings(grid(), source())["accuracy_trend_sentence"]
    bumpy = findings(grid(acc=(0.9, 0.8, 0.85, 0.6)), source())
    assert not bumpy["accuracy_falls_every_step"]
    assert "but not at every step: it rises from 0.8000 to 0.8500 between λ = 1e-4 and 1e-3" \
        in bumpy["accuracy_trend_sentence"]


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
    assert "keeps more units active than the source's (6 against 3 on a training batch)" in ours_higher["source_baseline_sentence"]
    fewer = findings(grid(batch=(1.0, 1.0, 0.5, 0.25)), source())
    assert "keeps fewer units active" in fewer["source_baseline_sentence"]


def test_avr_measures_agree_or_differ():
    assert "agree closely" in findings(grid(), source())["avr_measures_sentence"]
    near = findings(grid(batch=(3.0, 1.064, 0.5, 0.25)), source())  # 6.4 % apart at λ = 1e-4
    assert "at most 7 % apart" in near["avr_measures_sentence"]  # rounded up, not down to 6
    apart = findings(grid(batch=(3.0, 2.0, 0.5, 0.25)), source(batch=(3.0, 2.0, 0.5, 0.25)))
    assert "differ by up to 100 %" in apart["avr_measures_sentence"]


def test_activity_trend_and_its_verdict_in_each_case():
    steady = findings(grid(), source())
    assert "falls at every step of the grid" in steady["activity_trend_sentence"]
    assert steady["activity_verdict_sentence"] == "Every stronger penalty of the grid bought a sparser code."
    wasted = findings(grid(avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert "it rises from 0.5 to 0.75 between λ = 1e-3 and 2.7e-3" in wasted["activity_trend_sentence"]
    assert "bought no sparser code, only a lower accuracy, from λ = 1e-3 to 2.7e-3" \
        in wasted["activity_verdict_sentence"]
    harmless = findings(grid(acc=(0.9, 0.8, 0.7, 0.7), avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert harmless["activity_verdict_sentence"].startswith("Where the activity does not fall")


def test_dead_units_answer_and_trend_in_each_case():
    dying = findings(grid(), source())
    assert dying["dead_answer_sentence"].startswith("Without a penalty, yes: every one of the 4 units")
    assert "With a penalty, no" in dying["dead_answer_sentence"]
    assert "rises at every step of the grid, from 0 at λ = 0 to 3 at λ = 2.7e-3" in dying["dead_trend_sentence"]
    mixed = findings(grid(dead=(1, 0, 2, 1)), source())
    assert mixed["dead_answer_sentence"].startswith("Not even without a penalty: 1 of the 4 units")
    assert "not always: units die at 2 of the 3 λ > 0" in mixed["dead_answer_sentence"]
    assert not mixed["dead_rise_every_step"]
    assert "though not more at every step" in mixed["lesson_dead_sentence"]
    none = findings(grid(dead=(0, 0, 0, 0)), source())
    assert "at no λ of the grid does a unit stay silent" in none["dead_answer_sentence"]


def test_selectivity_sentence_in_each_case():
    selective = findings(grid(), source())
    assert "the surviving units have become selective" in selective["selectivity_sentence"]
    # 10 training digits; medians 0.5 at λ = 0 (an exact count), 0.25 and 0.5 / 3 with a penalty (not)
    assert selective["selectivity_sentence"].startswith(
        "Without a penalty the median unit fires on 5 (50 %) of the 10 training digits; with the penalty, "
        "of the units that fire on some training digit the median one fires on about 3 (25 %) at λ = 1e-4 "
        "and on about 2 (17 %) at λ = 1e-3")
    silent_at_0 = findings(grid(dead=(1, 1, 2, 3)), source())
    assert silent_at_0["selectivity_sentence"].startswith(
        "Without a penalty the median unit among those that fire on some training digit fires on 5 (50 %)")
    flat = {lam: [0.5, 0.5, 0.5, 0.5] for lam in LAMS}
    not_selective = findings(grid(dead=(0, 0, 0, 0), train=flat, test=flat), source())
    assert "have not become more selective" in not_selective["selectivity_sentence"]
    assert "survivors become selective" not in not_selective["lesson_dead_sentence"]


def test_revived_units_present_or_absent():
    train = {lam: [0.0, 0.0, 0.0, 0.5] for lam in LAMS}
    test = {lam: [0.1, 0.0, 0.0, 0.5] for lam in LAMS}
    revived = findings(grid(train=train, test=test), source())
    assert revived["revived_at_detail"] == 1
    assert "Which data set you ask about matters" in revived["revived_sentence"]
    assert "at λ = 1e-3, 3 units never fire on a training digit, yet 1 of them" in revived["revived_sentence"]
    assert "Such units appear at every λ > 0 of the grid" in revived["revived_sentence"]
    none = findings(grid(), source())
    assert "the count is the same" in none["revived_sentence"]
    assert "No run of the grid has such a unit." in none["revived_sentence"]


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


def test_lessons_in_each_case():
    steady = findings(grid(), source())
    assert "turns a dense hidden layer into a sparse one: from 3 to 1 active units" in steady["lesson_sparse_sentence"]
    assert "for 10.0 points of test accuracy" in steady["lesson_sparse_sentence"]
    assert "every stronger penalty of the grid buys a sparser code" in steady["lesson_trade_sentence"]
    rebound = findings(grid(avr=(3.0, 1.0, 0.5, 0.75)), source())
    assert "sparser only up to λ = 1e-3 (0.5 active units): at λ = 2.7e-3 it is both less sparse (0.75)" \
        in rebound["lesson_trade_sentence"]
    gaining = findings(grid(acc=(0.8, 0.9, 0.7, 0.6), avr=(1.0, 3.0, 0.5, 0.25)), source())
    assert "did not make the hidden layer steadily sparser" in gaining["lesson_sparse_sentence"]
    assert "does not always cost accuracy" in gaining["lesson_trade_sentence"]


def test_demo_sentences_describe_the_small_run_only():
    runs = grid()[:3]
    falls = demo_findings(runs)
    assert falls["demo_avr_falls"]
    assert falls["demo_sentence"].startswith("In this small run (100 steps on 10 digits), the average number")
    assert "falls at every step of the grid, from 3 at λ = 0 to 0.5 at λ = 1e-3" in falls["demo_sentence"]
    assert "At λ = 1e-3, 2 of its 4 units never fire" in falls["demo_sentence"]
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


# --- bad input -------------------------------------------------------------------------------

def test_findings_reject_what_is_not_the_grid_and_its_source():
    with pytest.raises(ValueError, match="non-empty list"):
        findings([], source())
    with pytest.raises(TypeError, match="must be a dict"):
        findings(grid()[:3] + ["run"], source())
    runs = grid()
    del runs[2]["dead_units"]
    with pytest.raises(ValueError, match="lacks \\['dead_units'\\]"):
        findings(runs, source())
    with pytest.raises(ValueError, match="the run at λ = 0"):
        findings(grid()[1:], source()[1:])
    with pytest.raises(ValueError, match="same λ"):
        findings(grid() + grid()[-1:], source())
    with pytest.raises(ValueError, match="share their λ grid"):
        findings(grid(), source()[:3])
    with pytest.raises(ValueError, match="no run at λ = 2.7e-3"):
        findings(grid()[:3], source()[:3])
    with pytest.raises(ValueError, match="lacks"):
        demo_findings([{"lam": 0.0}])
