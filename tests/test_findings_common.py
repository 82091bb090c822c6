"""The helpers every chapter's findings share: merging seeds, and writing a value with its spread."""

import pytest

from sparsebook.findings import by_strength, mean_records, seeds_text, spread_text


def _run(lam, seed, accuracy, **more):
    return {"lam": lam, "seed": seed, "test_accuracy": accuracy, "model": "mlp", **more}


RUNS = [_run(1e-4, 0, 0.90), _run(0.0, 0, 0.98), _run(1e-4, 2, 0.96), _run(1e-4, 1, 0.93)]


def test_by_strength_groups_seeds_and_sorts_by_strength():
    groups = by_strength(RUNS)
    assert list(groups) == [0.0, 1e-4] and [r["seed"] for r in groups[1e-4]] == [0, 2, 1]


def test_mean_records_average_numbers_over_seeds_and_keep_their_range():
    zero, penalised = mean_records(RUNS)
    assert zero["seeds"] == [0] and zero["test_accuracy"] == 0.98 and zero["spread"]["test_accuracy"]["std"] == 0
    assert penalised["seeds"] == [0, 1, 2] and penalised["test_accuracy"] == pytest.approx(0.93)
    assert penalised["spread"]["test_accuracy"] == pytest.approx({"min": 0.90, "max": 0.96, "std": 0.03})
    assert penalised["model"] == "mlp" and penalised["lam"] == 1e-4  # non-numbers and the strength kept


def test_mean_records_refuse_a_seed_twice_and_runs_without_the_strength():
    with pytest.raises(ValueError, match="same seed"):
        mean_records([_run(1e-4, 0, 0.9), _run(1e-4, 0, 0.8)])
    with pytest.raises(ValueError, match="'rho'"):
        mean_records(RUNS, strength="rho")
    with pytest.raises(ValueError, match="non-empty"):
        mean_records([])


def test_seeds_and_spread_texts_say_how_many_runs_a_value_stands_for():
    zero, penalised = mean_records(RUNS)
    write = "{:.2f}".format
    assert seeds_text(zero) == "one seed" and seeds_text(penalised) == "mean of 3 seeds"
    assert spread_text(zero, "test_accuracy", write) == "0.98 (one seed)"
    assert spread_text(penalised, "test_accuracy", write) == "0.93 (seeds 0.90–0.96)"
    with pytest.raises(ValueError, match="no 'avr'"):
        spread_text(zero, "avr", write)


def test_glue_all_glues_text_and_plain_numbers_only(monkeypatch):
    import myst_nb
    import numpy as np

    from sparsebook.findings import glue_all

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.update({name: (value, display)}))
    names = glue_all({"sentence": "It holds.", "count": 3, "share": np.float64(0.25), "flag": True,
                      "runs": [1, 2], "missing": None, "n": np.int64(7)})
    assert names == ["sentence", "count", "share", "n"]
    assert glued == {"sentence": ("It holds.", False), "count": (3, False), "share": (0.25, False),
                     "n": (7, False)}
    assert type(glued["share"][0]) is float and type(glued["n"][0]) is int
    with pytest.raises(TypeError, match="values must be a dict"):
        glue_all([("a", 1)])
