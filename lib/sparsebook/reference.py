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
    return [
        {"lam": lam, "test_accuracy": accuracy, "avr_train_batch": avr, "data": "source 2016"}
        for lam, accuracy, avr in SOURCE_2016[name]
    ]
