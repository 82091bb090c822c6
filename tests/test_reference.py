import pytest

from sparsebook.reference import SOURCE_2016, source_runs


def test_source_table_is_the_recovered_one():
    rows = {lam: (acc, avr) for lam, acc, avr in SOURCE_2016["mlp"]}
    assert rows[0.0] == (0.9792, 156.3)
    assert rows[1e-3] == (0.9419, 1.67)  # AVR 1.67 belongs to 94.19 %, not to 89 %
    assert rows[2.7e-3] == (0.8909, 1.97)


def test_source_runs_look_like_sweep_records():
    runs = source_runs("mlp")
    assert len(runs) == 7 and runs[0]["avr_train_batch"] == 156.3
    with pytest.raises(ValueError, match="no results"):
        source_runs("transformer")


def test_source_convolutional_tables_are_the_recovered_ones():
    cnn = {run["lam"]: run for run in source_runs("cnn")}
    assert (cnn[0.0]["test_accuracy"], cnn[0.0]["avr_train_batch"]) == (0.9822, 10932.0)
    assert (cnn[5e-4]["test_accuracy"], cnn[5e-4]["avr_train_batch"]) == (0.9213, 22.73)
    assert "loss_ae" not in cnn[0.0]
    cae = {run["lam"]: run for run in source_runs("cae_transpose")}
    assert sorted(cae) == sorted(cnn)
    assert (cae[0.0]["test_accuracy"], cae[0.0]["loss_ae"]) == (0.9511, 0.0666)
    assert cae[5e-4]["loss_ae"] == 4.012
