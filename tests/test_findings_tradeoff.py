"""The trade-off chapter's verdicts: hand-made records for each wording, then the committed runs."""

import pytest

from sparsebook.findings import tradeoff


def run(seed, accuracy, avr, k=None, lam=0.0, dead=10, units=784):
    record = {"seed": seed, "test_accuracy": accuracy, "train_accuracy": 0.999, "avr_test": avr, "dead_units_test": dead,
              "units": units, "lam": lam}
    if k is not None:
        record.update(strength_name="k", k=k)
    return record


SOURCE = {"lam": 1e-5, "test_accuracy": 0.9743, "avr_train_batch": 5.41}
MET = [run(s, 0.981 + s / 1000, 4.5, k=5) for s in range(3)]  # 0.981, 0.982, 0.983 at 4.5
ONE_SEED_SHORT = [run(0, 0.981, 4.5, k=5), run(1, 0.979, 4.5, k=5), run(2, 0.982, 4.5, k=5)]
L1 = [run(0, 0.984, 200.0), run(0, 0.975, 6.0, lam=1e-5), run(1, 0.976, 6.2, lam=1e-5)]


def test_settings_merge_seeds_and_keep_each_seeds_point():
    records = tradeoff.settings({"topk": MET, "l1": L1})
    assert [(r["family"], len(r["seeds"])) for r in records] == [("topk", 3), ("l1", 1), ("l1", 2)]
    assert records[0]["test_accuracy"] == pytest.approx(0.982)
    assert records[0]["per_seed"] == [(0.981, 4.5), (0.982, 4.5), (0.983, 4.5)]


def test_a_target_is_met_seed_by_seed():
    short = tradeoff.settings({"t": ONE_SEED_SHORT})[0]
    assert tradeoff.meets(short, (0.980, 5)) == 2 and tradeoff.meets(short, (0.980, 4)) == 0
    found = tradeoff.findings({"t": ONE_SEED_SHORT, "l1": L1}, (0.980, 5), SOURCE, network="net")
    assert found["met"] == 0
    assert found["target_sentence"] == (
        "No setting of the net meets the target, a test accuracy of at least 0.9800 with at most 5.00 "
        "active units per digit on each of 3 or more seeds (“t” at k = 5 reaches it on 2 of its 3 seeds).")


def test_the_met_target_names_its_most_accurate_setting_and_the_best_code_is_compared_with_the_source():
    found = tradeoff.findings({"topk": MET, "l1": L1}, (0.980, 5), SOURCE)
    assert found["met"] == 1
    assert found["target_sentence"] == (
        "The target, a test accuracy of at least 0.9800 with at most 5.00 active units per digit on each "
        "of 3 or more seeds, is met by 1 of the 3 settings; the most accurate is “topk” at k = 5: accuracy "
        "0.9820 (seeds 0.9810–0.9830) at an AVR of 4.50 (all 3 seeds).")
    assert found["best_sentence"].startswith("The most accurate code with at most 5.00 active units per digit "
                                             "is “topk” at k = 5: accuracy 0.9820 (seeds 0.9810–0.9830)")
    assert found["best_sentence"].endswith("0.77 points above the source's 0.9743 at 5.41 (its AVR measured "
                                           "on a training batch).")
    one = tradeoff.findings({"l1": L1}, (0.980, 7), SOURCE)["best_sentence"]
    assert "is “l1” at λ = 1e-5: accuracy 0.9755 (seeds 0.9750–0.9760)" in one
    single = tradeoff.findings({"l1": L1[:2]}, (0.980, 7), SOURCE)["best_sentence"]
    assert "is “l1” at λ = 1e-5: accuracy 0.9750 at an AVR of 6.00 (one seed), 0.07 points above" in single


def test_the_dense_network_bounds_every_code():
    dense = tradeoff.settings({"dense": [run(0, 0.9850, 5000.0)]})[0]
    short = tradeoff.findings({"l1": L1}, (0.986, 100), SOURCE, dense, "CNN")["dense_sentence"]
    assert "0.9850 (one seed) with 5,000 active units per digit: 0.10 points short of the target" in short
    assert "every code made sparse here is less accurate than that (the most accurate, “l1” at λ = 1e-5, by " \
           "0.95 points). With so few seeds this is an indication, not a measured bound" in short
    dense3 = tradeoff.settings({"dense": [run(s, 0.9850, 5000.0) for s in range(3)]})[0]
    l1_3 = L1 + [run(2, 0.974, 6.1, lam=1e-5)]
    firm = tradeoff.findings({"l1": l1_3}, (0.986, 100), SOURCE, dense3, "CNN")["dense_sentence"]
    assert firm.startswith("Trained with no sparsity mechanism at all, this CNN reaches 0.9850 (mean of 3 seeds)")
    assert firm.endswith("by 1.00 points). Reaching the target takes a more accurate network, not only a better "
                         "sparsity mechanism.")
    one_top = tradeoff.findings({"l1": L1[:2]}, (0.986, 100), SOURCE, dense3, "CNN")["dense_sentence"]
    assert "by 1.00 points, one seed). With so few seeds" in one_top
    better = tradeoff.findings({"l1": L1, "topk": [run(0, 0.99, 5.0, k=5)]}, (0.995, 100), SOURCE, dense, "CNN")
    assert better["dense_sentence"].endswith("1.00 points short of the target, though a sparser code can do "
                                             "better than the dense one: “topk” at k = 5 reaches 0.9900.")
    enough = tradeoff.findings({"l1": L1}, (0.980, 100), SOURCE, dense, "CNN")["dense_sentence"]
    assert "at or above the target's accuracy: what is lost on the way to 100 units is lost to the " \
           "sparsity mechanism" in enough


def test_no_setting_within_the_activity_budget():
    found = tradeoff.findings({"l1": L1}, (0.98, 2), SOURCE)
    assert found["best_sentence"] == "No setting keeps every seed at or below 2.00 active units."


def test_dead_units_are_compared_only_beyond_the_seeds_spread():
    plain = tradeoff.settings({"TopK": [run(s, 0.970, 5, k=5, dead=650 + s) for s in range(3)]})[0]
    fewer = tradeoff.settings({"low": [run(s, 0.972, 5, k=5, dead=460 + s) for s in range(3)]})[0]
    overlap = tradeoff.settings({"low": [run(s, 0.969 + s / 1000, 5, k=5, dead=640 + 10 * s) for s in range(3)]})[0]
    text = tradeoff.dead_units_sentence(plain, fewer)
    assert "leaves 651 (seeds 650–652) of its 784 units dead" in text
    assert "leaves fewer dead units, 461 (seeds 460–462), and reaches a higher accuracy, 0.9720 (all 3 seeds) " \
           "against 0.9700 (all 3 seeds)." in text
    text = tradeoff.dead_units_sentence(plain, overlap)
    assert "leaves about as many dead units" in text and "reaches about the same accuracy" in text


def test_the_demo_sentence_says_what_the_small_run_shows():
    plain = run(0, 0.85, 5, k=5, dead=700)
    lowered = dict(run(0, 0.86, 5, k=5, dead=600))
    assert tradeoff.demo_sentence(plain, lowered).startswith(
        "In this small run, lowering k during training leaves fewer dead units (600 against 700 of 784)")
    assert "leaves more dead units" in tradeoff.demo_sentence(lowered, plain)


@pytest.mark.parametrize("target, error", [((0.98,), TypeError), ((1.5, 5), ValueError), ((0.9, 0), ValueError),
                                           ("ab", TypeError)])
def test_bad_targets_are_refused(target, error):
    with pytest.raises(error, match="target must be"):
        tradeoff.check_target(target)


def test_bad_families_are_refused():
    with pytest.raises(ValueError, match="families must be a non-empty dict"):
        tradeoff.settings({})
    with pytest.raises(ValueError, match="lacks"):
        tradeoff.settings({"x": [{"seed": 0, "test_accuracy": 0.9}]})


def test_a_missed_target_says_whether_the_training_digits_are_fitted():
    found = tradeoff.findings({"t": ONE_SEED_SHORT}, (0.982, 5), SOURCE)
    assert found["best_train_sentence"].startswith("On its own training digits the same code is 0.9990 (all 3 seeds) "
                                                   "accurate, above the target")
    underfit = tradeoff.findings({"t": ONE_SEED_SHORT}, (0.9995, 5), SOURCE)["best_train_sentence"]
    assert underfit.startswith("Even on its own training digits the same code is only 0.9990 (all 3 seeds) accurate")
    assert tradeoff.findings({"topk": MET}, (0.980, 5), SOURCE)["best_train_sentence"] == ""
    single = tradeoff.findings({"l1": L1[:2]}, (0.9995, 7), SOURCE)["best_train_sentence"]
    assert single.startswith("Even on its own training digits the same code is only 0.9990 (one seed) accurate")


# -- the committed full-size runs (results/*.json, made by `make sweep`) -----------------------------

from sparsebook.reference import source_runs  # noqa: E402
from sparsebook.sweep import load_results, results_path  # noqa: E402


def _runs(name):
    return load_results(results_path(name, "full"))["runs"]


def _source(name):
    return next(r for r in source_runs(name) if r["lam"] == tradeoff.SOURCE_LAM)


MLP = {"L1, the source's λ grid": "mlp", "L1, bounded readout": "mlp_bounded",
       "L1, bounded readout, cosine": "mlp_bounded_cosine", "TopK": "mlp_topk", "TopK, k lowered": "mlp_topk_annealed",
       "TopK, k lowered, 2 layers": "mlp_deep_topk_annealed"}
CNN = {"L1, the source's λ grid": "cnn", "L1, bounded readout": "cnn_bounded", "TopK": "cnn_topk",
       "TopK, k lowered": "cnn_topk_annealed"}


def _families(names):
    return {label: _runs(name) for label, name in names.items()}


def test_committed_runs_meet_neither_target_and_name_the_best_code():
    mlp_dense = tradeoff.settings({"dense": [r for r in _runs("mlp") if r["lam"] == 0]})[0]
    mlp = tradeoff.findings(_families(MLP), tradeoff.TARGETS["mlp"], _source("mlp"), mlp_dense, "fully connected network")
    assert mlp["dense_sentence"] == (
        "Trained with no sparsity mechanism at all, this fully connected network reaches 0.9824 (mean of 3 seeds) "
        "with 185 active units per digit, at or above the target's accuracy: what is lost on the way to 5.00 units "
        "is lost to the sparsity mechanism.")
    assert mlp["met"] == 0
    assert mlp["best_sentence"].startswith(
        "The most accurate code with at most 5.00 active units per digit is “TopK, k lowered, 2 layers” at k = 5: "
        "accuracy 0.9788 (seeds 0.9776–0.9796) at an AVR of 5.00 (all 3 seeds), 0.45 points above the source's "
        "0.9743 at 5.41")
    assert mlp["best_train_sentence"].startswith("On its own training digits the same code is 1.0000")
    dense = tradeoff.settings({"dense": _runs("cnn_cosine")})[0]
    cnn = tradeoff.findings(_families(CNN), tradeoff.TARGETS["cnn"], _source("cnn"), dense, "CNN")
    assert cnn["met"] == 0 and cnn["dense_accuracy"] == "0.9823"
    assert "0.27 points short of the target before any unit is silenced, and every code made sparse here is " \
           "less accurate than that (the most accurate, “L1, the source's λ grid” at λ = 1e-5, by 0.18 points, " \
           "one seed). With so few seeds this is an indication, not a measured bound" in cnn["dense_sentence"]
    assert cnn["best_train_sentence"].startswith("Even on its own training digits the same code is only 0.9829 "
                                                 "(one seed) accurate")


def test_committed_runs_compare_the_topk_variants():
    found = tradeoff.method_findings(_families(MLP), _families(CNN))
    assert found["mlp_dead_sentence"] == (
        "At k = 5, the TopK layer leaves 653.7 (seeds 651–655) of its 784 units dead (active on no test digit). "
        "Starting with more winners and lowering their number during training leaves fewer dead units, 457 "
        "(seeds 454–460), and reaches about the same accuracy, 0.9711 (seeds 0.9696–0.9719) against 0.9696 "
        "(seeds 0.9695–0.9697).")
    assert found["mlp_depth_sentence"].startswith(
        "One more dense ReLU layer in front of the code (784 units, neither penalised nor counted in the AVR) "
        "gives higher accuracy at k = 5: 0.9788 (seeds 0.9776–0.9796) against 0.9711 (seeds 0.9696–0.9719)")
    assert found["mlp_cosine_sentence"].endswith("None of them gets down to 5.00 active units: the lowest AVR is 6.65.")
    assert found["cnn_topk_sentence"].startswith(
        "The TopK CNN at k = 100 reaches 0.9716 (seeds 0.9713–0.9718) and leaves 37,690 (seeds 37,679–37,701) of "
        "its 39,200 units dead, 188.5 (seeds 188–189) of its 200 feature maps never active: all its winners come "
        "from the few maps left.")
    assert found["cnn_topk_sentence"].endswith(  # one seed: said once, not after every number
        "Lowering k during training, from 500 (one seed), leaves 36,123 units and 172 maps dead and "
        "reaches 0.9693.")
    assert found["mlp_depth_sentence"].endswith("does better, beyond the seeds' spread; it also has about twice "
                                                "the weights, so these runs do not tell depth from size.")
    assert found["mlp_lesson_sentence"] == (
        "The best fully connected network code with at most 5.00 active units per digit, “TopK, k lowered, 2 layers” "
        "at k = 5, is 0.9788 (seeds 0.9776–0.9796) accurate and does not meet the target of 0.9800.")
    assert found["cnn_lesson_sentence"] == (
        "The best CNN code with at most 100 active units per digit, “L1, the source's λ grid” at λ = 5e-5, is "
        "0.9731 (one seed) accurate and does not meet the target of 0.9850.")


def test_the_schedule_sentence_states_both_dense_runs():
    cosine = tradeoff.settings({"d": [run(0, 0.9823, 21069.9)]})[0]
    constant = tradeoff.settings({"d": [run(0, 0.9818, 4866.5)]})[0]
    assert tradeoff.schedule_sentence(cosine, constant) == (
        "What the schedule alone does, on the CNN with no sparsity mechanism: with the cosine schedule, accuracy "
        "0.9823 at an AVR of 21,070 (one seed); with the constant rate, accuracy 0.9818 at an AVR of 4,866 (one seed).")


def test_tables_split_accuracy_from_the_code_one_row_per_setting():
    accuracy, code = tradeoff.tables({"TopK": MET, "L1": L1}, network="A net")
    first, second = accuracy.data, code.data
    assert list(first.columns) == ["mechanism", "λ or k", "seeds", "test accuracy"]
    assert list(second.columns) == ["mechanism", "λ or k", "AVR (test)", "dead units (test)"]
    assert list(first["mechanism"]) == ["TopK", "L1", "L1"]
    assert list(first["λ or k"]) == ["k = 5", "λ = 0", "λ = 1e-5"]
    assert list(first["seeds"]) == ["3", "1", "2"]
    assert first["test accuracy"][0] == "0.9820 (0.9810–0.9830)"
    assert first["test accuracy"][1] == "0.9840"  # one seed: no range
    assert list(second["AVR (test)"]) == ["4.50", "200", "6.10 (6.00–6.20)"]
    assert second["dead units (test)"][0] == "10"
    assert "A net: the test accuracy of each setting" in accuracy.to_html()
    assert "A net: the code of each setting" in code.to_html()
