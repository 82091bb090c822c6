"""The convolutional auto-encoder chapter's conclusions: pinned against the committed results, and
each sentence's branches on hand-made runs."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from sparsebook.findings import cae as f
from sparsebook.reference import source_runs
from sparsebook.sweep import READOUT_MAX_NORM, load_results, load_study, results_path

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "sparse-cae.ipynb"


# --- the committed full-size runs: the verdicts the page states ------------------------------

@pytest.fixture(scope="module")
def committed():
    full = {decoder: load_results(results_path(f"cae_{decoder}", "full"))["runs"] for decoder in f.DECODERS}
    cnn = load_results(results_path("cnn", "full"))["runs"]
    weighted = load_results(results_path("cae_transpose_weight200", "full"))["runs"]
    return f.findings(full["transpose"], full["subpixel"], cnn, source_runs("cae_transpose"), weighted)


@pytest.fixture(scope="module")
def context():
    """What the page glues beside findings: dead units, the reconstruction in context, the source's
    rows paired at 2λ, the bounded run against the free one and the classifier's seeds as a yardstick."""
    full = {decoder: load_results(results_path(f"cae_{decoder}", "full"))["runs"] for decoder in f.DECODERS}
    bounded = load_results(results_path("cae_transpose_bounded", "full"))["runs"]
    out = {**f.dead_units(full), **f.reconstruction_context(full, load_study("code_baselines")[0]),
           **f.source_pairing(full["transpose"], source_runs("cae_transpose")),
           **f.bounded_autoencoder(full["transpose"], bounded, READOUT_MAX_NORM)}
    cnn = load_results(results_path("cnn", "full"))["runs"]
    out.update(f.seed_scale(cnn, bounded[0]["lam"], out["bounded_avr_ratio"], out["bounded_points"]))
    return out


def test_committed_auto_encoders_keep_more_units_active_than_the_classifier_alone(committed):
    assert committed["denser_than_cnn_0"] == 2
    assert committed["activity_vs_cnn_sentence"] == "Both keep more units active than the classifier alone."
    assert committed["lesson_activity_sentence"].startswith(
        "Asked to redraw the digit as well, the convolutional code keeps more units active")


def test_committed_smallest_penalty_makes_both_codes_sparse(committed):
    assert committed["first_lam_sparser_factor_min"] >= f.SPARSER_FACTOR
    assert committed["penalty_sparse_sentence"].startswith("The penalty makes the code sparse all the same")
    assert "the penalty makes it sparse all the same" in committed["lesson_activity_sentence"]


def test_committed_source_codes_are_denser_at_every_lam_and_its_unpenalised_accuracy_lower(committed):
    assert committed["source_denser_lams"] == 5 and committed["source_acc_0_lower"]
    sentence = committed["source_activity_sentence"]
    assert "denser than ours at every λ of the grid" in sentence
    assert "its accuracy without a penalty is lower (0.9511 against our 0.9803)" in sentence


def test_committed_weight200_run_is_the_full_size_unpenalised_one(committed):
    record = load_results(results_path("cae_transpose_weight200", "full"))["runs"]
    assert len(record) == 1 and record[0]["reconstruction_weight"] == 200.0 and record[0]["lam"] == 0
    assert (record[0]["data"], record[0]["steps"]) == ("full", 20_000)
    assert committed["reconstruction_weight"] == 200.0


def test_committed_factor_200_pushes_towards_the_source_numbers(committed):
    assert committed["bug_more_units"] and committed["bug_less_accurate"]
    assert committed["bug_direction_sentence"].startswith(
        "The source's decoder bug, described below, pushes towards both")


def test_committed_factor_200_costs_accuracy_its_effect_on_the_reconstruction_unsettled(committed):
    """Higher error at the end of training, lower in the median of the last 5,000 steps' batches."""
    assert committed["weight200_lowers_accuracy"] and not committed["weight200_lowers_mse"]
    assert committed["weight200_lowers_tail_mse"]
    assert committed["weight200_more_units"] and committed["weight200_lowers_train_accuracy"]
    sentence = committed["weight200_sentence"]
    assert "200 times lowers the unpenalised network's test accuracy" in sentence
    assert "leaves more units active" in sentence
    assert "gives a higher reconstruction error at the end of training" in sentence
    assert "but a lower one in the median of the training batches logged over the last 5,000 steps" in sentence
    assert "the factor costs accuracy, and one run does not say whether it buys a better reconstruction." in sentence
    assert "Its training accuracy falls too" in sentence


def test_committed_factor_200_accounts_for_part_of_the_gap_to_the_source(committed):
    assert 0.25 <= committed["weight200_share_of_gap"] < 0.75
    assert "accounts for part of the difference" in committed["accuracy_gap_sentence"]
    assert committed["lesson_bug_sentence"].startswith(
        "The source's decoder counted the reconstruction 200 times, which lowers the accuracy")


def test_committed_accuracy_gain_is_much_smaller_than_the_source_s(committed):
    assert 0 < committed["our_change_points"] < committed["source_change_points"] / 2
    assert "much smaller than the source's +2.31" in committed["accuracy_gain_sentence"]
    assert committed["source_gain_clause"] == ("its accuracy rose from 0.9511 without a penalty to 0.9742 at its "
                                               "row's λ = 1e-5 (a run with 2e-5, bug 1)")
    assert committed["lesson_bug_sentence"].endswith("against the +2.31 of the source's row at λ = 1e-5 (a run with "
                                                     "twice that λ).")


def test_committed_reconstruction_error_is_lowest_at_the_smallest_penalty_for_both(committed):
    for decoder in f.DECODERS:
        assert not committed[f"mse_rises_every_step_{decoder}"]
        assert committed[f"mse_lowest_lam_{decoder}"] == 1e-5
        assert "does not rise at every step of the grid: it is lowest at λ = 1e-5" in committed[
            f"mse_trend_{decoder}_sentence"]


def test_committed_rounded_errors_stay_below_one_grey_level_but_once(committed):
    assert committed["rounded_below_bound_runs"] == 9 and committed["rounded_runs"] == 10
    assert (committed["worst_levels_decoder"], committed["worst_levels_lam"]) == ("subpixel", 5e-4)
    assert 1 <= committed["worst_levels"] < 2
    assert "in 9 of the 10 runs" in committed["rounded_sentence"]
    assert "except for the sub-pixel decoder at λ = 5e-4" in committed["rounded_sentence"]
    assert "in 9 of the 10 full runs of the grid" in committed["lesson_rounded_sentence"]


def test_committed_sparsest_transposed_code_redraws_within_one_grey_level(committed):
    assert committed["sparsest_levels"] < 1
    assert committed["sparse_code_sentence"].endswith("a sparse code can describe a digit almost exactly.")


def test_committed_sub_pixel_code_becomes_sparse_later_at_every_positive_lam(committed):
    assert not committed["subpixel_sparse_sooner"]
    assert committed["steps_to_avr_subpixel"] > committed["steps_to_avr_transpose"]
    assert "the sub-pixel code becomes sparse later" in committed["sparsity_speed_sentence"]
    assert committed["subpixel_sparse_later_lams"] == committed["positive_lams"] == 4
    assert "at each of the 4 values of λ > 0, the sub-pixel code becomes sparse later every time" in (
        committed["sparsity_speed_grid_sentence"])
    assert committed["lesson_subpixel_sentence"].startswith(
        "The sub-pixel decoder's code becomes sparse later than the transposed convolution's at every λ > 0")
    assert committed["lesson_subpixel_sentence"].endswith("(one seed of each decoder at each λ).")


def test_committed_sub_pixel_reconstructs_the_test_digits_better_at_three_of_five_lams(committed):
    assert committed["subpixel_better_lams"] == [1e-5, 5e-5, 1e-4]
    assert "better at 3 of the 5 values of λ; the transposed convolution does better at λ = 0 and 5e-4" in (
        committed["reconstruction_comparison_sentence"])


def test_committed_the_curve_panel_ranks_the_decoders_the_other_way(committed):
    """At λ = 1e-4 the test digits favour the sub-pixel decoder; most logged training batches do not."""
    assert committed["curve_panel_above_steps"] > 100
    assert "the reverse of the order the test digits give" in committed["curve_panel_sentence"]


def test_committed_the_two_reconstruction_measures_agree_only_at_0_and_5e5(committed):
    assert committed["tail_steps"] == 5_000 and committed["tail_batches"] == 50
    assert committed["train_test_mse_gap"] < 0.05  # training batches measure what the test digits do
    assert committed["subpixel_better_tail_lams"] == [5e-5, 5e-4]
    assert committed["measures_agree_lams"] == [0.0, 5e-5]
    assert committed["measures_agree_winners"] == ["transpose", "subpixel"]
    sentence = committed["reconstruction_measures_sentence"]
    assert "better at 2 of the 5 values of λ (λ = 5e-5 and 5e-4)" in sentence
    assert ("agree only at λ = 0 (better with the transposed convolution) and λ = 5e-5 (better with the sub-pixel "
            "decoder); at the other 3 values of λ") in sentence
    assert "agree on a ranking only at λ = 0" in committed["lesson_subpixel_sentence"]


def test_committed_full_runs_share_their_size(committed):
    assert (committed["full_steps"], committed["full_train_digits"], committed["full_test_digits"]) == (
        20_000, 60_000, 10_000)


def test_committed_source_loss_rises_at_every_step(committed):
    assert committed["source_loss_rises"]
    assert committed["source_loss_clause"].startswith("it rises at every step of the grid")


def test_committed_sentences_are_whole_and_hold_no_missing_numbers(committed):
    sentences = {k: v for k, v in committed.items() if k.endswith("_sentence")}
    assert len(sentences) == 20
    for name, sentence in sentences.items():
        assert sentence[0].isupper() and sentence.endswith("."), name
        assert "nan" not in sentence and "None" not in sentence, name


def test_the_page_glues_only_what_findings_returns(committed, context):
    """Every sentence or clause the chapter's prose glues is one that findings writes (the decoders'
    overlap is measured on the models the page builds, see test_decoder_overlap_of_the_lib_models)."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    prose = "".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+_(?:sentence|clause))`", prose))
    written = set(committed) | set(context) | {"overlap_sentence"}
    assert used and used <= written, sorted(used - written)


# --- hand-made runs: both branches of each sentence --------------------------------------------

def _run(lam, **fields):
    record = {"lam": lam, "test_accuracy": 0.98, "avr_test": 100.0, "avr_train_batch": 100.0,
              "units": 39_200, "dead_maps": 0, "map_firing_rates_test": [0.1] * 200, "reconstruction_mse_test": 1e-5,
              "reconstruction_mse_train": 1e-5, "reconstruction_mse_quantised_test": 1e-5,
              "curve": {"step": [100, 200], "avr_train_batch": [50, 10], "reconstruction": [784e-5, 784e-5]}}
    return {**record, **fields}


def _logged(reconstruction_per_pixel, **fields):
    """A curve of four logged steps (100 ... 400) with the given reconstruction errors per pixel."""
    return {"step": [100, 200, 300, 400], "avr_train_batch": [50, 40, 30, 20],
            "reconstruction": [784 * value for value in reconstruction_per_pixel], **fields}


def test_activity_without_penalty_counts_the_denser_codes():
    def codes(transpose, subpixel):
        return {"transpose": _run(0.0, avr_test=transpose), "subpixel": _run(0.0, avr_test=subpixel)}
    cnn = _run(0.0, avr_test=1000)
    both = f.activity_without_penalty(codes(2000, 3000), cnn)
    one = f.activity_without_penalty(codes(500, 3000), cnn)
    none = f.activity_without_penalty(codes(500, 900), cnn)
    assert both["activity_vs_cnn_sentence"].startswith("Both keep more")
    assert one["activity_vs_cnn_sentence"] == (
        "Only the code of the sub-pixel decoder keeps more units active than the classifier alone.")
    assert none["activity_vs_cnn_sentence"].startswith("Neither keeps more")


def test_penalty_makes_sparse_needs_ten_times_fewer_units():
    zero = {"transpose": _run(0.0, avr_test=10_000), "subpixel": _run(0.0, avr_test=10_000)}
    def first(transpose, subpixel):
        return {"transpose": _run(1e-5, avr_test=transpose), "subpixel": _run(1e-5, avr_test=subpixel)}
    sparse = f.penalty_makes_sparse(zero, first(100, 500))
    assert sparse["penalty_sparse_sentence"].startswith(
        "The penalty makes the code sparse all the same: at λ = 1e-5, 100")
    half = f.penalty_makes_sparse(zero, first(100, 5000))
    assert "makes only the code of the transposed convolution sparse" in half["penalty_sparse_sentence"]
    none = f.penalty_makes_sparse(zero, first(5000, 5000))
    assert none["penalty_sparse_sentence"].startswith("The penalty does not make the code much sparser")


def test_source_activity_counts_the_lams_where_the_source_is_denser():
    ours = [_run(0.0, avr_train_batch=1000, test_accuracy=0.98), _run(1e-5, avr_train_batch=100)]
    denser = f.source_activity(ours, [_run(0.0, avr_train_batch=2000, test_accuracy=0.95),
                                      _run(1e-5, avr_train_batch=200)])
    assert "denser than ours at every λ" in denser["source_activity_sentence"]
    assert "is lower (0.9500 against our 0.9800)" in denser["source_activity_sentence"]
    mixed = f.source_activity(ours, [_run(0.0, avr_train_batch=500, test_accuracy=0.99),
                                     _run(1e-5, avr_train_batch=200)])
    assert "denser than ours at 1 of the 2 λ" in mixed["source_activity_sentence"]
    assert "is higher" in mixed["source_activity_sentence"]
    never = f.source_activity(ours, [_run(0.0, avr_train_batch=500), _run(1e-5, avr_train_batch=50)])
    assert "no denser than ours at any λ" in never["source_activity_sentence"]


def test_bug_direction_names_what_the_factor_explains():
    plain, source0 = _run(0.0, avr_train_batch=1000, test_accuracy=0.98), _run(0.0, avr_train_batch=3000)
    cases = {(2000, 0.97): "pushes towards both", (2000, 0.99): "explains the denser code but not the lower accuracy",
             (500, 0.97): "explains the lower accuracy but not the denser code", (500, 0.99): "explains neither"}
    for (avr, acc), verdict in cases.items():
        weighted = _run(0.0, avr_train_batch=avr, test_accuracy=acc, reconstruction_weight=200.0)
        sentence = f.bug_direction(plain, weighted, source0)["bug_direction_sentence"]
        assert verdict in sentence and "against our 1,000 and the source's 3,000" in sentence


def test_reconstruction_trend_says_whether_the_error_rises_at_every_step():
    rising = f.reconstruction_trend("transpose", [_run(lam, reconstruction_mse_test=m) for lam, m in
                                                  ((0.0, 1e-6), (1e-5, 2e-6), (1e-4, 3e-6))])
    assert rising["mse_rises_every_step_transpose"]
    assert rising["mse_trend_transpose_sentence"].endswith("and it rises at every step of the grid.")
    dipping = f.reconstruction_trend("subpixel", [_run(lam, reconstruction_mse_test=m) for lam, m in
                                                  ((0.0, 2e-6), (1e-5, 1e-6), (1e-4, 3e-6))])
    assert "it is lowest at λ = 1e-5 (1.0e-06)" in dipping["mse_trend_subpixel_sentence"]
    assert dipping["mse_trend_subpixel_sentence"].startswith("With the sub-pixel decoder")


def test_rounded_errors_against_the_source_bound():
    level = 1 / f.GREY_LEVELS_SQUARED
    def grids(values):
        return {"transpose": [_run(0.0, reconstruction_mse_quantised_test=values[0] * level)],
                "subpixel": [_run(0.0, reconstruction_mse_quantised_test=values[1] * level)]}
    assert "at most 0.50 grey levels² per pixel on average in all 2 runs, in line with" in (
        f.rounded_errors(grids([0.3, 0.5]))["rounded_sentence"])
    some = f.rounded_errors(grids([0.3, 1.5]))
    assert some["rounded_below_bound_runs"] == 1
    assert "in 1 of the 2 runs" in some["rounded_sentence"]
    assert "except for the sub-pixel decoder at λ = 0 (1.50)" in some["rounded_sentence"]
    assert "at least 1 grey level²" in f.rounded_errors(grids([1.3, 1.5]))["rounded_sentence"]


def test_sparse_code_redraws_within_one_grey_level_or_not():
    level = 1 / f.GREY_LEVELS_SQUARED
    close = f.sparse_code_redraws(_run(5e-4, reconstruction_mse_quantised_test=0.5 * level,
                                       map_firing_rates_test=[0.0] * 150 + [0.1] * 50))
    assert close["sparse_code_sentence"].endswith("a sparse code can describe a digit almost exactly.")
    assert "150 dead maps out of 200" in close["sparse_code_sentence"]
    far = f.sparse_code_redraws(_run(5e-4, reconstruction_mse_quantised_test=3 * level))
    assert far["sparse_code_sentence"].endswith("at this sparsity the code loses detail a decoder needs.")


def test_steps_to_reach_finds_the_first_logged_step():
    curve = {"step": [100, 200, 300], "avr": [500, 90, 80]}
    assert f.steps_to_reach(curve, "avr", 100) == 200
    assert f.steps_to_reach(curve, "avr", 10) is None
    with pytest.raises(ValueError, match="curve must hold"):
        f.steps_to_reach({"step": [1]}, "avr", 1)


def test_sparsity_speed_says_which_code_gets_sparse_first():
    def at(sub_curve, tra_curve):
        def run(curve):
            return _run(1e-4, avr_train_batch=100, curve={"step": [100, 200, 300], "avr_train_batch": curve})
        return {"transpose": run(tra_curve), "subpixel": run(sub_curve)}
    sooner = f.sparsity_speed(at([150, 100, 100], [900, 500, 100]))
    assert sooner["subpixel_sparse_sooner"] and "sooner, 200 steps ahead" in sooner["sparsity_speed_sentence"]
    later = f.sparsity_speed(at([900, 500, 100], [150, 100, 100]))
    assert "later, 200 steps behind" in later["sparsity_speed_sentence"]
    same = f.sparsity_speed(at([150, 100, 100], [150, 100, 100]))
    assert same["sparsity_speed_sentence"].endswith("both codes become sparse at the same logged step.")


def test_reconstruction_comparison_counts_the_better_lams():
    def grids(sub):
        return {"transpose": [_run(lam, reconstruction_mse_test=2e-6) for lam in (0.0, 1e-4, 5e-4)],
                "subpixel": [_run(lam, reconstruction_mse_test=m) for lam, m in zip((0.0, 1e-4, 5e-4), sub)]}
    every = f.reconstruction_comparison(grids([1e-6, 1e-6, 1e-6]))["reconstruction_comparison_sentence"]
    assert every.startswith(
        "The sub-pixel decoder reconstructs the test digits better at every value of λ (at λ = 1e-4")
    some = f.reconstruction_comparison(grids([3e-6, 1e-6, 3e-6]))["reconstruction_comparison_sentence"]
    assert "at 1 of the 3 values of λ; the transposed convolution does better at λ = 0 and 5e-4" in some
    none = f.reconstruction_comparison(grids([3e-6, 3e-6, 3e-6]))["reconstruction_comparison_sentence"]
    assert "at none of the 3 values of λ (at" in none


def test_source_loss_trend_rises_or_not():
    rising = f.source_loss_trend([_run(0.0, loss_ae=0.1), _run(1e-5, loss_ae=0.4)])
    assert rising["source_loss_clause"] == "it rises at every step of the grid, from 0.1 at λ = 0 to 0.4 at λ = 1e-5"
    falling = f.source_loss_trend([_run(0.0, loss_ae=0.4), _run(1e-5, loss_ae=0.1)])
    assert falling["source_loss_clause"].startswith("it does not rise at every step of the grid; it goes from 0.4")


def test_weight200_effect_in_both_directions():
    plain = _run(0.0, test_accuracy=0.98, avr_test=1000, reconstruction_mse_test=2e-6, curve=_logged([2e-6] * 4))

    def weighted(mse, tail, **fields):
        return _run(0.0, reconstruction_mse_test=mse, curve=_logged([9e-6, 9e-6, 9e-6, tail]),
                    reconstruction_weight=200.0, **fields)
    traded = f.weight200_effect(plain, weighted(1e-6, 1e-6, test_accuracy=0.97, avr_test=2000))["weight200_sentence"]
    assert "200 times lowers" in traded and "leaves more units" in traded
    assert ("gives a lower reconstruction error, at the end of training (2.0e-06, then 1.0e-06 per pixel) and in "
            "the median of the training batches logged over the last 100 steps (2.0e-06, then 1.0e-06)") in traded
    assert traded.endswith("the decoder gains what the classifier loses.")
    worse = f.weight200_effect(dict(plain, train_accuracy=0.999),
                               weighted(3e-6, 3e-6, test_accuracy=0.97, avr_test=2000, train_accuracy=0.98))
    assert "the factor costs accuracy without buying a better reconstruction." in worse["weight200_sentence"]
    assert worse["weight200_sentence"].endswith("Its training accuracy falls too, from 0.9990 to 0.9800: the "
                                                "network classifies even the digits it trains on less well.")
    unsettled = f.weight200_effect(plain, weighted(3e-6, 1e-6, test_accuracy=0.97))
    assert not unsettled["weight200_lowers_mse"] and unsettled["weight200_lowers_tail_mse"]
    assert ("gives a higher reconstruction error at the end of training (2.0e-06, then 3.0e-06 per pixel) but a "
            "lower one in the median") in unsettled["weight200_sentence"]
    assert unsettled["weight200_sentence"].endswith(
        "the factor costs accuracy, and one run does not say whether it buys a better reconstruction.")
    kept = f.weight200_effect(dict(plain, train_accuracy=0.98),
                              weighted(2e-6, 2e-6, test_accuracy=0.97, train_accuracy=0.99))
    assert kept["weight200_sentence"].endswith("Its training accuracy does not fall (0.9800, then 0.9900).")
    better = f.weight200_effect(plain, weighted(3e-6, 3e-6, test_accuracy=0.99, avr_test=500))["weight200_sentence"]
    assert "200 times raises" in better and "leaves fewer units" in better and "a higher reconstruction" in better
    assert better.endswith("(2.0e-06, then 3.0e-06).")


def test_tail_reconstruction_is_the_median_of_the_last_quarter_per_pixel():
    curve = {"step": list(range(100, 2100, 100)), "reconstruction": [784 * v for v in range(1, 21)]}
    assert f.tail_reconstruction(_run(0.0, curve=curve)) == (18.0, 5, 500)  # steps 1,600 ... 2,000
    with pytest.raises(ValueError, match="needs a curve with 'step' and 'reconstruction'"):
        f.tail_reconstruction(_run(0.0, curve={"step": [100], "avr_train_batch": [1.0]}))
    with pytest.raises(ValueError, match="needs a curve"):
        f.tail_reconstruction(_run(0.0, curve={"step": [], "reconstruction": []}))


def test_sparsity_speed_grid_counts_the_lams_where_the_sub_pixel_code_is_later():
    def grid(transpose_curves, subpixel_curves):
        def runs(curves):
            return [_run(0.0)] + [_run(lam, curve={"step": [100, 200, 300], "avr_train_batch": c})
                                  for lam, c in zip((1e-5, 1e-4), curves)]
        return f.sparsity_speed_grid({"transpose": runs(transpose_curves), "subpixel": runs(subpixel_curves)})
    fast, slow, slower = [150, 100, 100], [500, 100, 100], [900, 900, 100]
    later = grid([fast, fast], [slow, slower])
    assert later["subpixel_sparse_later_lams"] == 2
    assert later["sparsity_speed_grid_sentence"] == (
        "Measured the same way at each of the 2 values of λ > 0, the sub-pixel code becomes sparse later every "
        "time, by 100 to 200 steps.")
    sooner = grid([slow, slow], [fast, fast])
    assert sooner["sparsity_speed_grid_sentence"].endswith("sooner every time, by 100 steps.")
    mixed = grid([fast, fast], [slow, fast])
    assert mixed["sparsity_speed_grid_sentence"].endswith(
        "later at 1 of them, sooner at 0 and at the same logged step at 1.")
    split = grid([fast, slow], [slow, fast])
    assert split["sparsity_speed_grid_sentence"].endswith("later at 1 of them, sooner at 1.")


def test_reconstruction_measures_compare_the_test_digits_with_the_last_batches():
    lams = (0.0, 1e-4, 5e-4)
    def grids(sub_test, sub_tail):
        tra = [_run(lam, reconstruction_mse_test=2e-6, reconstruction_mse_train=2e-6, curve=_logged([2e-6] * 4))
               for lam in lams]
        sub = [_run(lam, reconstruction_mse_test=test, reconstruction_mse_train=test,
                    curve=_logged([tail] * 4)) for lam, test, tail in zip(lams, sub_test, sub_tail)]
        return f.reconstruction_measures({"transpose": tra, "subpixel": sub})
    same = grids([1e-6, 3e-6, 1e-6], [1e-6, 3e-6, 1e-6])
    assert same["reconstruction_measures_sentence"].endswith("The two measures agree at every value of λ.")
    assert "better at 2 of the 3 values of λ (λ = 0 and 5e-4)" in same["reconstruction_measures_sentence"]
    assert "within 0 % of the test digits'" in same["reconstruction_measures_sentence"]
    assert same["curve_panel_sentence"].endswith(
        "at 4 of the 4 logged steps, the order the test digits give at the end of training.")
    some = grids([1e-6, 1e-6, 1e-6], [1e-6, 3e-6, 3e-6])
    assert some["measures_agree_lams"] == [0.0] and some["measures_agree_winners"] == ["subpixel"]
    assert ("agree only at λ = 0 (better with the sub-pixel decoder); at the other 2 values of λ which decoder "
            "reconstructs better depends on where the error is measured") in some["reconstruction_measures_sentence"]
    assert some["curve_panel_sentence"].endswith("the reverse of the order the test digits give at the end of "
                                                 "training.")
    none = grids([1e-6, 1e-6, 1e-6], [3e-6, 3e-6, 3e-6])
    assert "at none of the 3 values of λ." in none["reconstruction_measures_sentence"]
    assert none["reconstruction_measures_sentence"].endswith("one run of each decoder does not say which "
                                                             "reconstructs better.")


def test_accuracy_gain_and_the_share_of_the_gap_the_factor_explains():
    plain, first = _run(0.0, test_accuracy=0.98), _run(1e-5, test_accuracy=0.981)
    source0, source1 = _run(0.0, test_accuracy=0.95), _run(1e-5, test_accuracy=0.97)
    def gap(weighted_accuracy):
        return f.accuracy_gain(plain, first, source0, source1,
                               _run(0.0, test_accuracy=weighted_accuracy, reconstruction_weight=200.0))
    most = gap(0.955)
    assert "much smaller than the source's +2.00" in most["accuracy_gain_sentence"]
    assert most["source_gain_clause"] == ("its accuracy rose from 0.9500 without a penalty to 0.9700 at its row's "
                                          "λ = 1e-5 (a run with 2e-5, bug 1)")
    assert "accounts for most of the difference" in most["accuracy_gap_sentence"]
    assert "accounts for part of" in gap(0.97)["accuracy_gap_sentence"]
    assert "accounts for a small part of" in gap(0.978)["accuracy_gap_sentence"]
    assert "does not explain it" in gap(0.99)["accuracy_gap_sentence"]
    larger = f.accuracy_gain(plain, _run(1e-5, test_accuracy=0.99), source0, _run(1e-5, test_accuracy=0.955),
                             _run(0.0, test_accuracy=0.97, reconstruction_weight=200.0))
    assert "larger than the source's" in larger["accuracy_gain_sentence"]
    level = f.accuracy_gain(plain, first, _run(0.0, test_accuracy=0.99), _run(1e-5, test_accuracy=0.98),
                            _run(0.0, test_accuracy=0.97, reconstruction_weight=200.0))
    assert "its accuracy fell" in level["source_gain_clause"] and "no gap to explain" in level["accuracy_gap_sentence"]


# --- bad input ------------------------------------------------------------------------------------

def test_findings_refuses_runs_it_cannot_read(committed):
    full = {decoder: load_results(results_path(f"cae_{decoder}", "full"))["runs"] for decoder in f.DECODERS}
    cnn = load_results(results_path("cnn", "full"))["runs"]
    source = source_runs("cae_transpose")
    weighted = load_results(results_path("cae_transpose_weight200", "full"))["runs"]
    with pytest.raises(ValueError, match="non-empty list"):
        f.findings([], full["subpixel"], cnn, source, weighted)
    with pytest.raises(TypeError, match=r"transpose\[0\] must be a dict"):
        f.findings([1], full["subpixel"], cnn, source, weighted)
    with pytest.raises(ValueError, match="lacks"):
        f.findings([{"lam": 0.0}], full["subpixel"], cnn, source, weighted)
    with pytest.raises(ValueError, match="share their λ grid"):
        f.findings(full["transpose"][:3], full["subpixel"], cnn, source, weighted)
    with pytest.raises(ValueError, match="counted once"):
        f.findings(full["transpose"], full["subpixel"], cnn, source, [dict(weighted[0], reconstruction_weight=1.0)])
    with pytest.raises(ValueError, match="lacks"):
        f.findings(full["transpose"], full["subpixel"], cnn, source, full["transpose"])
    with pytest.raises(ValueError, match="same λ and seed"):
        f.findings(full["transpose"], full["subpixel"], cnn + cnn[:1], source, weighted)
    with pytest.raises(ValueError, match=r"cnn\[0\].*lacks"):
        f.findings(full["transpose"], full["subpixel"], [{"lam": 0.0}], source, weighted)
    with pytest.raises(ValueError, match="share their steps and data sizes"):
        f.findings(full["transpose"], full["subpixel"], cnn, source, [dict(weighted[0], steps=1_500)])
    assert np.isfinite(committed["weight200_acc"])


# --- dead units, the reconstruction in context, the source's rows at 2λ -----------------------------

def test_committed_dead_units_start_from_the_unpenalised_baseline(context):
    sentence = context["dead_units_sentence"]
    assert "non-zero on none of the 10,000 test digits (the book's definition" in sentence
    assert "1,763 (4.5 %) with the transposed convolution without a penalty and 36,793 (93.9 %) at λ = 5e-4" in sentence
    assert "465 (1.2 %) with the sub-pixel decoder without a penalty" in sentence


def test_committed_reconstruction_in_context(context):
    assert context["worst_fvu"] < f.FVU_ALMOST_EXACT
    assert context["fvu_sentence"].endswith("at every λ of the grid the digits are redrawn almost exactly.")
    assert "0.0021 % (transposed convolution) and 0.0081 % (sub-pixel) of the variance unexplained" in \
        context["fvu_sentence"]
    assert "A test digit has 105 pixels brighter than 0.5 on average and 151 non-zero pixels" in context["ink_sentence"]
    assert context["ink_sentence"].endswith("every code of the grid keeps more non-zero numbers than the digit itself "
                                            "has, so none is a compression of the digit.")
    assert context["overcomplete_ratio"] == 50
    assert context["overcomplete_sentence"].startswith("The code has 39,200 units for 784 pixels, 50 times "
                                                       "over-complete")


def test_findings_merge_the_classifiers_seeds(committed):
    """results/cnn.json holds a second seed at λ = 1e-4: the page's verdicts use λ = 0 and 1e-5 and do not move
    when another seed lands at any λ; a seed at λ = 0 moves the baseline to the mean of the seeds."""
    full = {decoder: load_results(results_path(f"cae_{decoder}", "full"))["runs"] for decoder in f.DECODERS}
    cnn = load_results(results_path("cnn", "full"))["runs"]
    source = source_runs("cae_transpose")
    weighted = load_results(results_path("cae_transpose_weight200", "full"))["runs"]
    seed0 = [run for run in cnn if run.get("seed", 0) == 0]
    extra = [dict(run, seed=7, avr_test=2 * run["avr_test"]) for run in seed0 if run["lam"] == 1e-4]
    found = f.findings(full["transpose"], full["subpixel"], seed0 + extra, source, weighted)
    assert found["cnn_avr_0"] == committed["cnn_avr_0"]
    assert found["activity_vs_cnn_sentence"] == committed["activity_vs_cnn_sentence"]
    base = next(run for run in seed0 if run["lam"] == 0)
    found = f.findings(full["transpose"], full["subpixel"], seed0 + [dict(base, seed=7, avr_test=0.0)], source,
                       weighted)
    assert found["cnn_avr_0"] == pytest.approx(base["avr_test"] / 2)


def test_committed_source_rows_pair_with_our_runs_at_twice_their_lam(context):
    assert context["source_bug1_example"] == ("its row for λ = 5e-5 is a run at our λ = 1e-4, the only row of its grid "
                                              "that lands on ours")
    assert context["source_effective_lams"] == [0.0, 2e-5, 1e-4, 2e-4, 1e-3]
    assert context["source_paired_lams"] == [5e-5] and context["source_denser_paired"] == 1
    assert ("its row at λ = 5e-5 (trained with 1e-4) reaches 0.9738 with 3,881 active units on a training batch, our "
            "run at λ = 1e-4 0.9765 with 333") in context["source_pairing_sentence"]


def test_dead_units_need_the_unpenalised_run():
    runs = {"transpose": [_run(0.0, dead_units_test=100, n_test=50), _run(1e-4, dead_units_test=30_000, n_test=50)]}
    sentence = f.dead_units(runs)["dead_units_sentence"]
    assert "non-zero on none of the 50 test digits" in sentence
    assert "Of the 39,200 units, 100 (0.3 %) with the transposed convolution without a penalty and 30,000 (76.5 %) at " \
        "λ = 1e-4." in sentence
    with pytest.raises(ValueError, match="baseline"):
        f.dead_units({"transpose": runs["transpose"][1:]})


BASELINES = {"pixel_variance_test": 0.1, "ink_pixels_test": 100.0, "nonzero_pixels_test": 150.0}


def test_reconstruction_context_branches():
    def runs(mse, avr):
        return {"transpose": [_run(0.0, reconstruction_mse_test=1e-6, avr_test=1000.0),
                              _run(1e-4, reconstruction_mse_test=mse, avr_test=avr)]}
    exact = f.reconstruction_context(runs(1e-5, 200.0), BASELINES)
    assert exact["worst_fvu"] == pytest.approx(1e-4)
    assert exact["fvu_sentence"].endswith("(the transposed convolution at λ = 1e-4): at every λ of the grid the digits "
                                          "are redrawn almost exactly.")
    assert "200 active units per digit, 1.3 per non-zero pixel: every code" in exact["ink_sentence"]
    assert exact["transpose_fvu_1e4"] == pytest.approx(1e-4)
    loose = f.reconstruction_context(runs(0.01, 100.0), BASELINES)
    assert loose["fvu_sentence"].endswith("at most 10 % (the transposed convolution at λ = 1e-4).")
    assert loose["ink_sentence"].endswith("the sparsest codes keep fewer non-zero numbers than the digit itself has.")
    assert "100 active units per digit still redraw it with 10 % of the variance unexplained." in \
        loose["overcomplete_sentence"]
    with pytest.raises(ValueError, match="code_baselines"):
        f.reconstruction_context(runs(1e-5, 200.0), {"pixel_variance_test": 0.1})
    with pytest.raises(ValueError, match="> 0"):
        f.reconstruction_context(runs(1e-5, 200.0), dict(BASELINES, pixel_variance_test=0.0))


def test_source_pairing_branches():
    ours = [_run(lam) for lam in (0.0, 1e-5, 2e-5, 4e-5)]
    source = [_run(lam, loss_ae=0.1, avr_train_batch=500.0) for lam in (0.0, 1e-5, 2e-5)]
    found = f.source_pairing(ours, source)
    assert found["source_paired_lams"] == [1e-5, 2e-5] and found["source_denser_paired"] == 2
    assert found["source_pairing_sentence"].startswith(
        "Paired instead by the λ each of the source's runs trained with (twice its row's, bug 1), λ = 0 is unaffected, "
        "and of its other 2 rows 2 have a run of ours at that λ: its row at λ = 1e-5 (trained with 2e-5)")
    assert found["source_bug1_example"] == ("its row for λ = 1e-5 is a run at our λ = 2e-5; its row for λ = 2e-5 is a "
                                            "run at our λ = 4e-5")
    found = f.source_pairing(ours[:2], source)
    assert found["source_paired_lams"] == [] and found["source_pairing_sentence"].endswith(
        "none of its other 2 rows has a run of ours at that λ.")
    assert found["source_bug1_example"] == "none of its penalised rows lands on a λ of our grid"
    found = f.source_pairing(ours[:3], source)
    assert "of its other 2 rows only 1 has a run of ours at that λ: its row at λ = 1e-5" in \
        found["source_pairing_sentence"]


def footprints(grid, stride, kernel):
    """Analytic footprints of a decoder whose code position (r, c) changes the kernel x kernel block at
    (stride r, stride c) of a (stride grid + kernel)-pixel image."""
    size = stride * grid + kernel
    masks = np.zeros((grid * grid, size, size), dtype=bool)
    for p in range(grid * grid):
        r, c = divmod(p, grid)
        masks[p, stride * r:stride * r + kernel, stride * c:stride * c + kernel] = True
    return masks


def test_decoder_overlap_branches():
    found = f.decoder_overlap({"transpose": footprints(14, 2, 3), "subpixel": footprints(14, 2, 6)}, margin=6)
    assert found["transpose_overlap_counts"] == [1, 2, 4] and not found["transpose_overlap_even"]
    assert found["subpixel_overlap_counts"] == [9] and found["subpixel_overlap_even"]
    assert found["overlap_sentence"].startswith(
        "With the transposed convolution each code unit changes a 3 × 3 block of the output (9 pixels), and a pixel "
        "away from the border sums the contributions of 1, 2 or 4 code positions of each map, depending on where it "
        "lies: the overlap is uneven")
    assert "every pixel away from the border sums the contributions of the same 9 code positions" in \
        found["overlap_sentence"]
    odd = f.decoder_overlap({"transpose": footprints(14, 2, 2), "subpixel": footprints(14, 2, 3)}, margin=6)
    assert odd["overlap_sentence"].endswith("the overlap is even. With the sub-pixel decoder each code unit changes a "
                                            "3 × 3 block of the output (9 pixels), and a pixel away from the border "
                                            "sums the contributions of 1, 2 or 4 code positions of each map, "
                                            "depending on where it lies: its overlap is uneven too.")
    with pytest.raises(ValueError, match="non-empty footprint"):
        f.decoder_overlap({"transpose": np.zeros((4, 20, 20), dtype=bool)})


def test_decoder_overlap_of_the_lib_models():
    """The page measures the overlap on the lib's decoders: uneven for the transposed convolution, even for the
    sub-pixel decoder (a sentence the page states)."""
    from sparsebook.models import conv_autoencoder

    def measured(model):
        names = [layer.name for layer in model.layers]
        path = [model.get_layer(n) for n in ("decoder", "phase_blocks", "phase_shift") if n in names]
        impulses = np.zeros((196, 14, 14, 4), np.float32)
        impulses[np.arange(196), np.arange(196) // 14, np.arange(196) % 14, 0] = 1.0

        def decode(code):
            for layer in path:
                code = layer(code)
            return np.asarray(code).reshape(len(code), 28, 28)
        return decode(impulses) != decode(np.zeros_like(impulses[:1]))
    found = f.decoder_overlap({d: measured(conv_autoencoder(d, filters=4, seed=0)) for d in f.DECODERS})
    assert found["transpose_footprint_box"] == "3 × 3" and found["transpose_overlap_counts"] == [1, 2, 4]
    assert found["subpixel_footprint_box"] == "6 × 6" and found["subpixel_overlap_counts"] == [9]


# --- the bounded readout and decoder ------------------------------------------------------------------

def _phased(lam, avr, value):
    steps = list(range(100, 100 * len(avr) + 1, 100))
    return {"step": steps, "avr_train_batch": list(avr), "penalty": [lam * 100 * a * v for a, v in zip(avr, value)],
            "reconstruction": [784e-5] * len(avr)}


def test_bounded_autoencoder_compares_the_bounded_run_with_the_free_one():
    climbing = _phased(1e-4, [500] * 10 + [200] * 10 + [300] * 10, [0.1] * 20 + [0.05] * 10)
    steady = _phased(1e-4, [500] * 10 + [200] * 20, [0.1] * 30)
    free = [_run(0.0, dead_units_test=10), _run(1e-4, avr_test=300.0, dead_units_test=30_000, curve=climbing)]
    bounded = dict(_run(1e-4, avr_test=100.0, dead_units_test=35_000, reconstruction_mse_test=2e-5, curve=steady,
                        seed=0, test_accuracy=0.97),
                   readout_norms={"mean": 0.4, "max": 1.0, "min": 0.1, "active_mean": 0.99},
                   decoder_atom_norms=[1.0] * 150 + [0.2] * 50,
                   map_firing_rates_test=[0.1] * 150 + [0.0] * 50)
    found = f.bounded_autoencoder(free, [bounded], 1.0)
    assert found["bounded_sentence"].startswith(
        "With each code unit's readout and each map's decoder atom held at norm ≤ 1 (one seed), the auto-encoder at "
        "λ = 1e-4 reaches 0.9700 test accuracy with 100 active units per test digit (35,000 dead) and a higher "
        "reconstruction error (2.0e-05 per pixel, 2.0 times the free run's)")
    assert found["bounded_sentence"].endswith("the bounded code is 3.0 times sparser (fewer active units) and 1.00 "
                                              "points less accurate.")
    assert "the active maps' decoder atoms sit at the bound, held there by the constraint (150 of the 150 maps" in \
        found["bounded_norms_sentence"]
    assert "(150 of the 150 maps active on some test digit within 5 % of it)." in found["bounded_norms_sentence"]
    assert "carries neither readout nor decoder norms" in found["bounded_norms_sentence"]
    split = f.bounded_autoencoder(free, [dict(bounded, decoder_atom_norms=[1.0] * 100 + [0.2] * 100)])
    assert ("(100 of the 150 maps active on some test digit within 5 % of it: most live maps' atoms sit at the bound, "
            "and the mean is pulled down by the rest)") in split["bounded_norms_sentence"]
    few = f.bounded_autoencoder(free, [dict(bounded, decoder_atom_norms=[1.0] * 50 + [0.2] * 150)])
    assert "(50 of the 150 maps active on some test digit within 5 % of it)." in few["bounded_norms_sentence"]
    assert found["bounded_why_sentence"].startswith("Closing the dodge makes the penalty bite harder: without room to "
                                                    "grow its readout and decoder")
    assert found["lesson_bounded_sentence"].endswith("closing the dodge makes the code sparser.")
    same = f.bounded_autoencoder(free, [dict(bounded, avr_test=290.0, test_accuracy=0.98,
                                             reconstruction_mse_test=1e-5)])
    assert "and the same reconstruction error" in same["bounded_sentence"]
    assert same["lesson_bounded_sentence"].endswith("the free code's sparsity is not an artefact of its unbounded "
                                                    "readers.")
    with pytest.raises(ValueError, match="one norm per map"):
        f.bounded_autoencoder(free, [dict(bounded, decoder_atom_norms=[1.0] * 3)])
    with pytest.raises(ValueError, match="lacks"):
        f.bounded_autoencoder(free, [_run(1e-4, dead_units_test=1)])
    with pytest.raises(ValueError, match="bound must be a number > 0"):
        f.bounded_autoencoder(free, [bounded], -1.0)


def test_committed_bounded_readers_make_a_denser_code_and_a_worse_reconstruction(context):
    # one run of each (one seed): the page says so
    assert context["bounded_lam"] == "1e-4" and context["bounded_kind"] == "denser"
    assert abs(context["bounded_points"]) <= 0.5 and context["bounded_mse"] > 10 * context["free_mse"]
    assert context["bounded_sentence"].startswith(
        "With each code unit's readout and each map's decoder atom held at norm ≤ 1 (one seed), the auto-encoder at "
        "λ = 1e-4 reaches 0.9751 test accuracy with 685 active units per test digit (26,148 dead) and a higher "
        "reconstruction error (5.4e-05 per pixel, 12.3 times the free run's)")
    assert context["bounded_sentence"].endswith("the bounded code is 2.0 times denser (more active units) and about as "
                                                "accurate.")
    assert ("(69 of the 97 maps active on some test digit within 5 % of it: most live maps' atoms sit at the bound, "
            "and the mean is pulled down by the rest)") in context["bounded_norms_sentence"]
    assert "carries neither readout nor decoder norms" in context["bounded_norms_sentence"]
    assert not context["free_climbs_back"] and not context["bounded_climbs_back"]
    assert context["bounded_why_sentence"].startswith(
        "The bounded code is the denser, and on the last training batches it carries 3.7 times the free code's L1 norm "
        "per digit (60.0 against 16.2)")
    assert context["lesson_bounded_sentence"].endswith("with them the code became sparser.")


def test_committed_seed_scale_from_the_classifiers_two_seeds(context):
    """The classifier's seeds at the bounded run's λ (results/cnn.json) as a yardstick for the one-seed comparison."""
    cnn = load_results(results_path("cnn", "full"))["runs"]
    found = f.seed_scale(cnn, 1e-4, context["bounded_avr_ratio"], context["bounded_points"])
    assert found["seed_scale_seeds"] >= 2
    assert found["seed_scale_sparsity_beyond"] and not found["seed_scale_accuracy_beyond"]
    assert found["seed_scale_avr_ratio"] < context["bounded_avr_ratio"]
    assert "the bounded and free auto-encoders differ by a factor 2.04 in active units, larger than that spread, and " \
        "by 0.14 points in accuracy, within it." in found["seed_scale_sentence"]


def test_seed_scale_branches():
    cnn = [_run(1e-4, avr_test=40.0, test_accuracy=0.96, seed=0), _run(1e-4, avr_test=60.0, test_accuracy=0.97, seed=1)]
    within = f.seed_scale(cnn, 1e-4, 1 / 1.2, 0.5)
    assert within["seed_scale_sentence"].endswith("differ by a factor 1.20 in active units, within that spread, and "
                                                  "by 0.50 points in accuracy, within it.")
    assert "differ by a factor 1.50 (40, 60)" in within["seed_scale_sentence"]
    beyond = f.seed_scale(cnn, 1e-4, 3.0, -2.0)
    assert beyond["seed_scale_sparsity_beyond"] and beyond["seed_scale_accuracy_beyond"]
    one = f.seed_scale(cnn[:1], 1e-4, 3.0, -2.0)
    assert one["seed_scale_seeds"] == 1 and "not measured here" in one["seed_scale_sentence"]


# --- the tables the page shows ---------------------------------------------------------------

def _full():
    return {d: load_results(results_path(f"cae_{d}", "full"))["runs"] for d in f.DECODERS}


def test_run_rows_hold_both_decoders_with_fvu_and_dead_maps():
    baselines = {"pixel_variance_test": 0.5}
    rows = f.run_rows(_full(), baselines)
    assert [r["decoder"] for r in rows] == ["transposed"] * 5 + ["sub-pixel"] * 5
    for row in rows:
        assert row["fvu"] == pytest.approx(row["reconstruction_mse_test"] / 0.5)
        assert row["dead_maps"] == f.dead_maps(row)
        assert set(f.ACTIVITY_COLUMNS) | set(f.RECONSTRUCTION_COLUMNS) <= set(row)
    with pytest.raises(ValueError, match="decoders"):
        f.run_rows({"dense": _full()["transpose"]}, baselines)


def test_source_rows_pair_the_source_with_our_run_at_the_lam_it_wrote():
    ours = _full()["transpose"]
    rows = f.source_rows(ours, source_runs("cae_transpose"))
    for row, source in zip(rows, sorted(source_runs("cae_transpose"), key=lambda r: r["lam"])):
        assert row["source_accuracy"] == source["test_accuracy"]
        assert row["loss_ae"] == source["loss_ae"]
        assert row["avr_test"] == next(r["avr_test"] for r in ours if r["lam"] == source["lam"])
        assert set(f.SOURCE_ACCURACY_COLUMNS) | set(f.SOURCE_AVR_COLUMNS) <= set(row)


def test_side_by_side_writes_one_row_per_quantity_and_says_what_was_not_recorded():
    free = _full()["transpose"][3]
    bounded = load_results(results_path("cae_transpose_bounded", "full"))["runs"][0]
    rows, columns = f.side_by_side({"free": free, "bounded": bounded}, f.BOUNDED_QUANTITIES)
    assert [r["quantity"] for r in rows] == list(f.BOUNDED_QUANTITIES)
    assert [name for name, _ in columns.values()] == ["", "free", "bounded"]
    by_name = {r["quantity"]: r for r in rows}
    assert by_name["AVR"]["run_1"] == f"{bounded['avr_test']:,.1f}"
    assert by_name["readout norm: largest"]["run_0"] == "not recorded"
    live = np.asarray(bounded["map_firing_rates_test"]) > 0
    expected = np.mean(np.asarray(bounded["decoder_atom_norms"])[live])
    assert by_name["decoder atom norm: mean, live maps"]["run_1"] == f"{expected:.3f}"
