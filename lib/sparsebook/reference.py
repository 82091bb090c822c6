"""Published results of the source text, for comparison with ours.

The 2016 blog post "Sparse coding: a simple exploration" lost its result tables;
these rows were recovered from the post's public code repository (its TensorBoard
screenshots). Values at step 20,000; lambda in the source's ``"batch_sum"``
convention; accuracy on the 10,000 MNIST test images; AVR measured on the current
TRAINING batch of 100 (the source's logging), not on the test set.

They are quoted, not computed here: the book plots them next to its own runs.
"""

SOURCE_2016 = {
    # (lam, test_accuracy, avr_train_batch)
    "mlp": (
        (0.0, 0.9792, 156.3),
        (1e-5, 0.9743, 5.41),
        (5e-5, 0.9696, 3.23),
        (1e-4, 0.9666, 2.58),
        (5e-4, 0.9509, 2.16),
        (1e-3, 0.9419, 1.67),
        (2.7e-3, 0.8909, 1.97),
    ),
    "cnn": (
        (0.0, 0.9822, 10932.0),
        (1e-5, 0.9810, 146.2),
        (5e-5, 0.9774, 70.65),
        (1e-4, 0.9718, 57.03),
        (5e-4, 0.9213, 22.73),
    ),
    # The first auto-encoder version (transpose decoder). Its fourth column, the logged
    # "loss_ae", is NOT a reconstruction error: it includes the penalty (counted twice in
    # that version's loss), so only its lam = 0 value measures the reconstruction.
    "cae_transpose": (
        (0.0, 0.9511, 38016.0, 0.0666),
        (1e-5, 0.9742, 10799.0, 0.4347),
        (5e-5, 0.9738, 3881.0, 0.7756),
        (1e-4, 0.9708, 1575.0, 0.9588),
        (5e-4, 0.9676, 662.4, 4.012),
    ),
}
SOURCE_2016_SETUP = {
    "n_train": 55_000,  # the old TensorFlow reader kept 5,000 of the 60,000 for validation
    "n_test": 10_000,
    "steps": 20_000,
    "batch_size": 100,
    "lam_convention": "batch_sum",
    "avr_measured_on": "training batch",
}


def source_runs(name: str) -> list[dict]:
    """The source's rows for experiment ``name`` as records like the sweep's."""
    if name not in SOURCE_2016:
        raise ValueError(f"the source reports no results for {name!r}; it has {sorted(SOURCE_2016)}")
    fields = ("lam", "test_accuracy", "avr_train_batch", "loss_ae")
    return [dict(zip(fields, row), data="source 2016") for row in SOURCE_2016[name]]
