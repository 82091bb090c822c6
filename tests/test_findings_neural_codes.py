"""The neural-codes chapter's conclusions: pinned against the page's own experiments (same
settings, same seeds), and each sentence's wording checked on tiny hand-made numbers (both branches)."""

import contextlib
import math

import numpy as np
import pytest

from sparsebook import codes
from sparsebook.codes import GhostEstimate
from sparsebook.findings import neural_codes as findings

# The page's settings (book/neural-codes.ipynb): change them together.
N, SPARSE, DENSE, SEED = 256, 8, 128, 0
K_CHECK, CHECK_D, K_TABLE = 20, (2, 4, 8, 16, 32, 128), 5
P_GRID, N_TRIALS, P_TABLE = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5], 2000, 0.2
READS_GRID, N_READS = [1, 2, 4, 8, 16, 32, 64, 128], 500
MEMORY_GRID, SEEDS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128], range(5)
ACTIVE = {"local": 1, "sparse": SPARSE, "dense": DENSE}


def _one_blas_thread():
    """The Willshaw memory multiplies 0/1 matrices (exact in any order): one BLAS thread is as
    exact, and far faster on a busy machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(1)


@pytest.fixture(scope="module")
def page():
    """The numbers the page computes, with its settings."""
    exact = {d: codes.ghost_rate(N, d, K_CHECK) for d in CHECK_D}
    simulated = {d: codes.measure_ghost_rate(N, d, K_CHECK, n_trials=4000, seed=SEED) for d in CHECK_D}
    ghost_rates = {d: codes.ghost_rate(N, d, K_TABLE) for d in range(2, N)}
    held = {d: codes.max_superposed(N, d) for d in range(2, N)}
    stored = {"local": codes.random_code(N, N, 1, seed=SEED), "sparse": codes.random_code(N, N, SPARSE, seed=SEED),
              "dense": codes.random_code(N, N, DENSE, seed=SEED), "structured": codes.structured_code(N, N, SPARSE),
              "binary": codes.binary_code(N, 8)}
    recall = {(name, kind): [codes.recall_rate(code, p, kind, N_TRIALS, SEED) for p in P_GRID]
              for name, code in stored.items() for kind in codes.CORRUPTIONS}
    closest = {name: int((codes.hamming_distances(code, code) + np.eye(N, dtype=int) * N).min())
               for name, code in stored.items()}
    reads = {d: codes.reads_to_identify(codes.random_code(N, N, d, seed=SEED), N_READS, SEED) for d in READS_GRID}
    with _one_blas_thread():
        memory = {d: [codes.willshaw_capacity(N, d, seed=seed) for seed in SEEDS] for d in MEMORY_GRID}
        table = {name: codes.measured_properties(N, d, n_superposed=K_TABLE, p=P_TABLE, n_trials=N_TRIALS,
                                                 seed=SEED) for name, d in ACTIVE.items()}
    memory_found = findings.memory({d: [m.pairs for m in memory[d]] for d in MEMORY_GRID},
                                   {d: [m.bits_per_synapse for m in memory[d]] for d in MEMORY_GRID}, N, DENSE)
    for name, d in ACTIVE.items():
        table[name]["memory pairs"] = memory_found["memory_mean_pairs"][d]
        table[name]["memory bits per synapse"] = memory_found["memory_mean_bits"][d]
    fault = findings.fault_tolerance(recall, P_GRID, closest, N, N_TRIALS)
    return {
        "counting": findings.counting(N),
        "check": findings.ghost_check(exact, simulated, K_CHECK),
        "optimum": findings.ghost_optimum(N, K_TABLE, ghost_rates, SPARSE, DENSE),
        "parallelism": findings.parallelism(held, SPARSE, DENSE),
        "fault": fault,
        "decoding": findings.decoding(reads, N, SPARSE, DENSE),
        "memory": memory_found,
        "summary": findings.summary(table, ACTIVE, memory_found, N_TRIALS, fault["distance_separates"]),
    }


# --- the page's verdicts ------------------------------------------------------------------------

def test_the_exact_count_beats_the_shortcut_for_every_sparse_code_and_up_to_d_196(page):
    assert page["counting"]["short_until"] == 196 and page["counting"]["exceeds_every_sparse"]
    assert "far beyond any sparse code" in page["counting"]["shortcut_sentence"]
    assert "has fallen back while 2ᵈ keeps growing" in page["counting"]["shortcut_sentence"]
    assert math.log2(math.comb(N, 197)) > 190  # where 2^d overstates, the count is still huge, only smaller
    # the bold claim "more than 2^d for every sparse code (1 < d <= N/2)", for every N the figure draws and more
    assert all(findings.counting(n)["exceeds_every_sparse"] for n in range(2, 300))


def test_simulated_ghosts_agree_with_the_exact_rate(page):
    assert page["check"]["ghost_check_agrees"] and page["check"]["ghost_check_se"] < 2
    assert page["check"]["ghost_check_sentence"].startswith("Every measurement lies within")


def test_ghosts_are_rarest_near_the_bloom_filter_rule_and_far_commoner_in_the_dense_code(page):
    assert page["optimum"]["least_ghosts_d"] == 31 and page["optimum"]["least_near_rule"]
    assert "smallest near d ≈ (N/k) ln 2" in page["optimum"]["ghost_optimum_sentence"]
    assert "with k = 5 items it is smallest at d = 31" in page["optimum"]["ghost_optimum_sentence"]
    assert ("among codes with d ≥ 2 they are rarest near d ≈ (N/k) ln 2, far commoner in a dense code"
            in page["optimum"]["ghost_bullet"])


def test_the_sparse_code_holds_as_many_items_at_once_as_any_d(page):
    assert page["parallelism"]["at_once_best"] == 26 and SPARSE in page["parallelism"]["at_once_best_ds"]
    assert "the most that any d ≥ 2 allows (reached for d = 5 to 8)" in page["parallelism"]["parallelism_sentence"]


def test_the_local_code_is_fragile_and_no_code_survives_half_flips(page):
    fault = page["fault"]
    assert fault["local_fragile"] and fault["local_as_predicted"] and fault["half_at_chance"]
    assert fault["fault_local_sentence"].startswith("The first half holds:")
    assert fault["fault_chance_sentence"].startswith("Even the dense code recalls only")


def test_distance_not_density_protects_a_code(page):
    fault = page["fault"]
    assert fault["choice_matters"] and fault["distance_separates"]
    assert fault["far_codes"] == ["sparse", "dense"] and fault["near_codes"] == ["local", "structured", "binary"]
    assert "does as badly as the local one" in fault["fault_density_sentence"]
    assert fault["fault_distance_sentence"].startswith("What protects a code is the distance")
    assert fault["fault_bullet"].startswith("Fault tolerance comes from distance")
    assert "(closest patterns 10 and 96 units apart) still recall 1.00" in fault["fault_bullet"]
    assert "(2, 2 and 1 apart) at most 0.66" in fault["fault_bullet"]
    assert "packs its items next to each other" in fault["fault_distance_sentence"]


def test_identifying_an_item_gets_cheaper_as_d_grows(page):
    decoding = page["decoding"]
    assert decoding["reads_fall"] and decoding["reads_close_to_bits"] and decoding["sparse_far_cheaper"]
    assert decoding["reads_unclear_steps"] == [(1, 2)]  # 128.5 expected reads for d = 1, about one fewer for d = 2
    assert "except from d = 1 to 2, where the difference is within the trials' noise" in decoding["decoding_sentence"]
    assert decoding["cheapest_d"] == DENSE
    assert "cheapest in a dense code" in decoding["decoding_bullet"]


def test_the_memory_peaks_on_a_sparse_plateau_several_times_above_both_extremes(page):
    memory = page["memory"]
    assert memory["memory_local_all_cues"] and memory["memory_clear"] and memory["memory_optimum_near_log2"]
    # five seeds cannot tell d = 6 to 16 apart (d = 16 is 2.3 standard errors below d = 12)
    assert memory["memory_plateau"] == [6, 8, 12, 16] and memory["memory_best_d"] == 12
    assert memory["memory_plateau_pairs"] == [4, 6, 8] and memory["memory_best_pairs_d"] == 6
    assert min(memory["memory_ratio_local"], memory["memory_ratio_dense"]) > 5
    assert memory["memory_least_ratio"] > 5
    assert "peak on a plateau, d = 6 to 16" in memory["memory_peak_sentence"]
    assert "Counted in pairs, the plateau is d = 4 to 8" in memory["memory_peak_sentence"]
    assert "it lies lower" in memory["memory_peak_sentence"]
    assert "stays well below that" in memory["memory_theory_sentence"]


def test_the_sparse_code_is_never_the_worst_and_stores_the_most_bits_per_synapse(page):
    summary = page["summary"]
    assert summary["sparse_never_worst"] and summary["sparse_bits_ratio"] > 5
    assert "stores the most bits per synapse" in summary["best"]["sparse"][-1]
    assert "The source's compromise holds, with two corrections" in summary["summary_paragraph"]
    assert "robustness comes from the distance between the stored patterns" in summary["summary_paragraph"]
    assert "recalls the fewest items with units silenced or flipped" in summary["summary_paragraph"]


# --- each sentence's wording, on hand-made numbers -----------------------------------------------

def test_counting_wording():
    assert "overstates it from d = 3 on" in findings.counting(4)["shortcut_sentence"]  # C(4, 2) = 6 > 4, C(4, 3) = 4 < 8
    assert "never falls short" in findings.counting(2)["shortcut_sentence"]
    with pytest.raises(ValueError, match="positive integer"):
        findings.counting(0)


def test_ghost_check_wording():
    close = findings.ghost_check({2: 0.1, 3: 1.0}, {2: GhostEstimate(0.11, 0.01, 900), 3: GhostEstimate(1.0, 0.0, 900)}, 4)
    assert close["ghost_check_agrees"] and "within 1.0 standard errors" in close["ghost_check_sentence"]
    far = findings.ghost_check({2: 0.1}, {2: GhostEstimate(0.2, 0.01, 900)}, 4)
    assert not far["ghost_check_agrees"] and "disagree" in far["ghost_check_sentence"]
    with pytest.raises(ValueError, match="same d"):
        findings.ghost_check({2: 0.1}, {3: GhostEstimate(0.1, 0.01, 9)}, 4)
    with pytest.raises(TypeError, match="dict"):
        findings.ghost_check([], {}, 4)


def test_ghost_optimum_wording():
    rule = 100 / 5 * math.log(2)  # 13.9
    near = findings.ghost_optimum(100, 5, {2: 1e-2, 14: 1e-6, 50: 0.3}, 14, 50)
    assert near["least_near_rule"] and "with k = 5 items it is smallest at d = 14" in near["ghost_optimum_sentence"]
    assert "far commoner in a dense code" in near["ghost_bullet"] and near["bloom_d"] == pytest.approx(rule)
    assert "against 1.0e-6 for d = 14" in near["ghost_bullet"]  # written as the summary table writes it
    away = findings.ghost_optimum(100, 5, {2: 1e-2, 14: 0.5, 50: 0.3}, 14, 50)
    assert not away["least_near_rule"] and "For d ≥ 2 and k = 5 items the ghost rate is smallest at d = 2, away from" in away["ghost_optimum_sentence"]
    assert "among codes with d ≥ 2 they are rarest at d = 2 (not near" in away["ghost_bullet"]
    assert "no commoner" in away["ghost_bullet"]


def test_parallelism_wording():
    top = findings.parallelism({2: 3, 3: 9, 4: 9, 5: 2}, 4, 5)
    assert "holds 9, the most that any d ≥ 2 allows (reached for d = 3 to 4)" in top["parallelism_sentence"]
    below = findings.parallelism({2: 3, 3: 9, 4: 7, 5: 2}, 4, 5)
    assert "holds 7; the most that any d ≥ 2 allows is 9 (for d = 3)" in below["parallelism_sentence"]


def _recall(local, sparse, dense, structured, binary):
    """Recall over P_GRID = (0, 0.05, 0.2, 0.5), the same for silencing and flipping."""
    rates = {"local": local, "sparse": sparse, "dense": dense, "structured": structured, "binary": binary}
    return {(code, kind): values for code, values in rates.items() for kind in ("silence", "flip")}


def test_fault_tolerance_wording():
    grid, closest = [0.0, 0.05, 0.2, 0.5], {"local": 2, "sparse": 10, "dense": 90, "structured": 2, "binary": 1}
    expected = _recall([1, 0.1, 0.8, 0.01], [1, 1, 1, 0.01], [1, 1, 1, 0.01], [1, 0.1, 0.8, 0.01], [1, 0.6, 0.3, 0.01])
    holds = findings.fault_tolerance(expected, grid, closest, n_items=100, n_trials=1000)
    assert holds["fault_local_sentence"].startswith("The first half holds")
    assert "as the dotted line" in holds["fault_local_sentence"]  # 1 - 0.2 + 0.2 / 100 = 0.802
    assert holds["half_at_chance"] and "chance level" in holds["fault_chance_sentence"]
    assert holds["fault_density_sentence"].startswith("And density is not what protects a code")
    assert "does as badly as the local one" in holds["fault_density_sentence"]
    assert holds["fault_distance_sentence"].startswith("What protects a code")
    assert holds["fault_bullet"].startswith("Fault tolerance comes from distance")
    assert "still recall 1.00 of their items" in holds["fault_bullet"] and "at most 0.60" in holds["fault_bullet"]
    surprising = _recall([1, 1, 0.5, 0.3], [1, 1, 1, 0.01], [1, 0.5, 1, 0.3], [1, 1, 1, 0.01], [1, 1, 0.3, 0.01])
    fails = findings.fault_tolerance(surprising, grid, closest, n_items=100, n_trials=1000)
    assert fails["fault_local_sentence"].startswith("The first half does not hold everywhere")
    assert "where the dotted line 1 − p + p/M predicts 0.80 for M = 100 items" in fails["fault_local_sentence"]
    assert not fails["half_at_chance"] and "more than chance explains" in fails["fault_chance_sentence"]
    assert fails["fault_density_sentence"].startswith("Here the choice of patterns matters less")
    assert "between the local code's" in fails["fault_density_sentence"]
    assert "does not sort the codes" in fails["fault_distance_sentence"]
    assert fails["fault_bullet"].startswith("Fault tolerance, measured")
    worse = _recall([1, 0.1, 0.8, 0.01], [1, 1, 1, 0.01], [1, 1, 1, 0.01], [1, 0.1, 0.5, 0.01], [1, 0.6, 0.3, 0.01])
    assert "even worse than the local one" in findings.fault_tolerance(
        worse, grid, closest, 100, 1000)["fault_density_sentence"]
    with pytest.raises(ValueError, match="p_grid"):
        findings.fault_tolerance(expected, [0.0, 0.5], closest, 100, 1000)
    with pytest.raises(ValueError, match="must cover the codes"):
        findings.fault_tolerance({("local", "flip"): [1, 1, 1, 1]}, grid, closest, 100, 1000)


def _trials(mean, spread=1.0):
    return [mean - spread, mean + spread]


def test_decoding_wording():
    dense_cheapest = findings.decoding({1: _trials(100), 4: _trials(30), 16: _trials(9)}, 256, 4, 16)
    assert "close to the log₂ 256 = 8 bits" in dense_cheapest["decoding_sentence"]
    assert "at every step of the grid" in dense_cheapest["decoding_sentence"]
    assert "far fewer than the local code's 100" in dense_cheapest["decoding_claim_sentence"]
    assert "cheapest in a dense code" in dense_cheapest["decoding_bullet"]
    noisy = findings.decoding({1: _trials(100, 30), 4: _trials(90, 5), 16: _trials(9)}, 256, 4, 16)
    assert "fewer it reads, except from d = 1 to 4, where the difference" in noisy["decoding_sentence"]
    middle = findings.decoding({1: _trials(100), 4: _trials(60), 16: _trials(70)}, 256, 4, 16)
    assert "against the log₂" in middle["decoding_sentence"] and "does not fall at every step" in middle["decoding_sentence"]
    assert "not far from" in middle["decoding_claim_sentence"] and "cheapest at d = 4 here" in middle["decoding_bullet"]
    with pytest.raises(ValueError, match="reads of its trials"):
        findings.decoding({1: 100.0, 4: 30.0}, 256, 4, 4)


def test_memory_wording():
    plateau = findings.memory({1: [64, 64], 4: [330, 340], 8: [250, 260], 32: [6, 7]},
                              {1: [0.02, 0.02], 4: [0.20, 0.22], 8: [0.19, 0.23], 32: [0.02, 0.021]}, 64, 32)
    assert plateau["memory_plateau"] == [4, 8] and "peak on a plateau, d = 4 to 8" in plateau["memory_peak_sentence"]
    assert plateau["memory_peak_sentence"].startswith("In between,")
    assert "Counted in pairs, the plateau is d = 4 (335 pairs at best, at d = 4); it lies lower" in \
        plateau["memory_peak_sentence"]
    assert "(at least 10 times)" in plateau["memory_bullet"]  # 0.21 against the dense code's 0.0205
    below_six = findings.memory({1: [64, 64], 4: [330, 340], 8: [250, 260], 32: [6, 7]},
                                {1: [0.03, 0.03], 4: [0.17, 0.175], 8: [0.17, 0.175], 32: [0.02, 0.02]},
                                64, 32)
    assert "(at least 5 times)" in below_six["memory_bullet"]  # 5.7: "at least" never rounds up
    assert plateau["memory_pairs_sentence"].startswith("The local code stores all 64 pairs")
    assert "a quarter of all synapses" in plateau["memory_pairs_sentence"]
    assert "of the order of log₂ 64 = 6" in plateau["memory_theory_sentence"] and plateau["memory_clear"]
    single = findings.memory({1: [60, 62], 4: [300, 301], 8: [100, 101], 32: [6, 7]},
                             {1: [0.15, 0.15], 4: [0.200, 0.201], 8: [0.10, 0.101], 32: [0.1, 0.1]}, 64, 32)
    assert "peak at d = 4:" in single["memory_peak_sentence"]
    assert single["memory_peak_sentence"].endswith("Counted in pairs, the plateau is d = 4 (300 pairs at best, at d = 4).")
    assert single["memory_pairs_sentence"].startswith("The local code stores 61 pairs on average")
    assert not single["memory_clear"] and "1.3 times the local code's" in single["memory_bullet"]
    extreme = findings.memory({1: [64, 64], 4: [10, 11], 32: [6, 7]}, {1: [0.5, 0.5], 4: [0.1, 0.11], 32: [0.02, 0.021]},
                              64, 32)
    assert extreme["memory_peak_sentence"].startswith("Here, the bits stored per synapse peak at d = 1:")
    assert not extreme["memory_clear"]
    with pytest.raises(ValueError, match="same number"):
        findings.memory({1: [1], 32: [1]}, {1: [0.1], 32: [0.1]}, 64, 32)


def _column(**changes):
    column = {"bits per pattern": 40.0, "ghost rate": 1e-6, "items at once": 20, "recall, silenced": 0.9,
              "recall, flipped": 0.8, "detector reads": 8, "reads to identify": 50.0, "memory pairs": 200.0,
              "memory bits per synapse": 0.2}
    return {**column, **changes}


def test_summary_wording():
    memory_found = {"memory_se_pairs": {1: 0.0, 8: 1.0, 128: 1.0}, "memory_se_bits": {1: 0.0, 8: 0.001, 128: 0.0}}
    active = {"local": 1, "sparse": 8, "dense": 128}
    table = {"local": _column(**{"bits per pattern": 8.0, "ghost rate": 0.0, "items at once": 256,
                                 "recall, silenced": 0.5, "recall, flipped": 0.1, "detector reads": 1,
                                 "reads to identify": 128.0, "memory pairs": 256.0, "memory bits per synapse": 0.03}),
             "sparse": _column(),
             "dense": _column(**{"bits per pattern": 250.0, "ghost rate": 0.01, "items at once": 4,
                                 "recall, silenced": 0.9, "recall, flipped": 1.0, "detector reads": 128,
                                 "reads to identify": 9.0, "memory pairs": 6.0, "memory bits per synapse": 0.02})}
    fine = findings.summary(table, active, memory_found, 1000)
    assert fine["sparse_never_worst"] and "The source's compromise holds, with two corrections" in fine["summary_paragraph"]
    assert "(tied with the dense code)" in fine["summary_paragraph"]  # recall, silenced: 0.9 and 0.9
    assert "stores the most bits per synapse (7 times the next code's)" in fine["summary_paragraph"]
    assert "recalls the fewest items with units silenced or flipped" in fine["summary_paragraph"]
    table["sparse"] = _column(**{"ghost rate": 0.5})
    worst = findings.summary(table, active, memory_found, 1000, robust_from_distance=False)
    assert not worst["sparse_never_worst"] and worst["worst"]["sparse"] == ["has the most ghosts"]
    assert "holds only in part" in worst["summary_paragraph"]
    fewer = findings.summary({**table, "sparse": _column()}, active, memory_found, 1000, robust_from_distance=False)
    assert "with one correction" in fewer["summary_paragraph"]
    with pytest.raises(ValueError, match="must map"):
        findings.summary({"local": table["local"]}, active, memory_found, 1000)


def test_summary_tables_write_one_row_per_property_and_the_sources_words():
    active = {"local": 1, "sparse": 8, "dense": 128}
    table = {"local": _column(**{"activity ratio": 1 / 256, "ghost rate": 0.0, "items at once": 256}),
             "sparse": _column(**{"activity ratio": 8 / 256, "memory pairs": 1498.6}),
             "dense": _column(**{"activity ratio": 0.5, "ghost rate": 0.0123})}
    measured, words = findings.summary_tables(table, active, n_superposed=5, p=0.2)
    shown = measured.data
    assert list(shown.columns) == ["property", "local, d = 1", "sparse, d = 8", "dense, d = 128"]
    assert len(shown) == len(findings.TABLE_ROWS)
    row = dict(zip(shown["property"], shown["sparse, d = 8"]))
    assert row["activity ratio"] == "0.0312" and row["memory: pairs stored"] == "1,499"
    assert row["recall, 20 % of units flipped"] == "0.800"
    ghosts = dict(zip(shown["property"], shown["dense, d = 128"]))["ghost rate, 5 items superposed"]
    assert ghosts == "1.2e-2"
    assert dict(zip(shown["property"], shown["local, d = 1"]))["ghost rate, 5 items superposed"] == "0"
    assert list(words.data.columns) == ["property", "the source says"]
    assert "dense: can always recover" in list(words.data["the source says"])
    with pytest.raises(ValueError, match="must map"):
        findings.summary_tables({"local": table["local"]}, active, 5, 0.2)
