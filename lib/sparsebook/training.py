"""The L1 activity penalty and the training loop of the classifier experiments.

The loss of one step is ``cross_entropy + penalty``, where the cross-entropy is a
MEAN over the batch and the penalty is the L1 norm of the code (ReLU outputs, so
``|a| = a``) times ``lam``. How the L1 norm is reduced over the batch is the
*lambda convention*:

``"batch_sum"`` (the source's)
    ``lam * sum over the batch of sum over units |a|``. The penalty grows with the
    batch size: with the source's batch of 100 it weighs 100 times more, per
    example, than the cross-entropy does.
``"example_mean"``
    ``lam * mean over the batch of sum over units |a|``: per example, like the
    cross-entropy. ``lam_example_mean = lam_batch_sum * batch_size`` gives the same
    loss (:func:`to_example_mean_lam`).

The loop keeps Python out of the inner loop: one ``tf.function`` call runs
``steps_per_call`` Adam steps on data resident in TensorFlow.

The sparse coding encoder (:func:`sparsebook.models.sparse_coding_encoder`) is trained
on the sparse coding objective itself, :func:`sparse_coding_loss`, by
:func:`train_sparse_encoder`; the sparse auto-encoders
(:func:`sparsebook.models.sparse_autoencoder`) on the reconstruction error plus the
penalty they carry, by :func:`train_autoencoder`. Every one of them runs the same loop,
:func:`adam_steps`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from .backend import keras, tf
from .checks import check_lam, check_positive_int, check_rate

LAM_CONVENTIONS = ("batch_sum", "example_mean")  #: How the L1 penalty is reduced over a batch (see above).
SOURCE_LAM_CONVENTION = "batch_sum"
SOURCE_BATCH_SIZE = 100
SOURCE_LEARNING_RATE = 1e-3
SCHEDULES = ("constant", "cosine")  #: The learning rate's schedules, the source's constant rate or a cosine decay to 0.


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite."""


def check_convention(convention: str) -> str:
    """Raise ``ValueError`` unless ``convention`` is one of :data:`LAM_CONVENTIONS`."""
    if convention not in LAM_CONVENTIONS:
        raise ValueError(f"lam convention must be one of {LAM_CONVENTIONS}, got {convention!r}")
    return convention


def l1_activity_penalty(activations, lam, convention: str = SOURCE_LAM_CONVENTION):
    """``lam`` times the L1 norm of ``activations`` (examples, ...), reduced by ``convention``.

    ``"batch_sum"`` sums ``|a|`` over the batch and the units (the source);
    ``"example_mean"`` sums over units and averages over examples.
    """
    lam = check_lam(lam)
    check_convention(convention)
    a = tf.convert_to_tensor(activations)
    if a.shape.rank is not None and a.shape.rank < 2:
        raise ValueError(f"activations must have shape (examples, units, ...), got shape {a.shape}")
    total = tf.reduce_sum(tf.abs(a))
    if convention == "example_mean":
        total = total / tf.cast(tf.shape(a)[0], total.dtype)
    return lam * total


def to_example_mean_lam(lam_batch_sum: float, batch_size: int = SOURCE_BATCH_SIZE) -> float:
    """The ``"example_mean"`` lambda that gives the same loss as a ``"batch_sum"`` one."""
    return check_lam(lam_batch_sum) * check_positive_int(batch_size, "batch_size")


def reconstruction_error(x, reconstruction):
    """The auto-encoders' reconstruction error: squared error summed over pixels, mean over the batch.

    The penalty is NOT part of it (the source's first auto-encoder logged the two together).
    """
    x = tf.convert_to_tensor(x)
    reconstruction = tf.convert_to_tensor(reconstruction, dtype=x.dtype)
    if x.shape != reconstruction.shape:
        raise ValueError(f"x and reconstruction must have the same shape, got {x.shape} and {reconstruction.shape}")
    return tf.reduce_mean(tf.reduce_sum(tf.square(x - reconstruction), axis=-1))


def batch_schedule(n_examples: int, batch_size: int, steps: int, seed: int) -> np.ndarray:
    """Indices of the training batches, shape (steps, batch_size).

    Epochs of a fresh random permutation follow each other; a batch may straddle
    two epochs (as in the source's MNIST reader).
    """
    n_examples = check_positive_int(n_examples, "n_examples")
    batch_size = check_positive_int(batch_size, "batch_size")
    steps = check_positive_int(steps, "steps")
    rng = np.random.default_rng(seed)
    needed = steps * batch_size
    epochs = [rng.permutation(n_examples) for _ in range(-(-needed // n_examples))]
    return np.concatenate(epochs)[:needed].reshape(steps, batch_size).astype(np.int32)


@dataclass
class TrainingLog:
    """What happened during training, one entry per logged step."""

    lam: float
    convention: str
    batch_size: int
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    cross_entropy: list = field(default_factory=list)
    penalty: list = field(default_factory=list)
    reconstruction: list = field(default_factory=list)  # auto-encoders only: the batch's reconstruction error
    avr_train_batch: list = field(default_factory=list)  # AVR of the step's training batch
    seconds: float = 0.0


def check_schedule(schedule: str) -> str:
    """Raise ``ValueError`` unless ``schedule`` is one of :data:`SCHEDULES`."""
    if schedule not in SCHEDULES:
        raise ValueError(f"learning-rate schedule must be one of {SCHEDULES}, got {schedule!r}")
    return schedule


def _check_training_set(x: np.ndarray, batch_size: int, learning_rate) -> None:
    """The checks every training loop makes of its data and step size."""
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate}")
    if len(x) < batch_size:
        raise ValueError(f"batch_size ({batch_size}) is larger than the training set ({len(x)} examples)")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinite values")


def adam_steps(model: keras.Model, data: tuple, step_terms: Callable, *, steps: int, batch_size: int,
               learning_rate: float, seed: int = 0, steps_per_call: int = 100,
               on_call: Callable[[int, np.ndarray], None] | None = None, context: str = "",
               schedule: str = "constant"):
    """The one training loop of the book: ``steps`` Adam steps on ``model``'s trainable weights.

    ``data`` is a tuple of arrays with the same first axis (e.g. ``(x, y)``); each step
    takes the batch given by :func:`batch_schedule` and minimises the loss returned by
    ``step_terms(batch, outputs) -> (loss, extras)`` where ``outputs = model(batch[0])`` and
    ``extras`` is a tuple of scalars to record. Weight losses the model carries (Keras
    ``kernel_regularizer``, ``keras.layers.Layer.add_loss``) are added to the loss.
    One ``tf.function`` call runs ``steps_per_call`` steps on data resident in TensorFlow,
    so Python stays out of the inner loop; ``on_call(step, records)`` sees each call's
    records, one row ``(loss, *extras)`` per step. ``schedule="cosine"`` lowers the step size
    from ``learning_rate`` to 0 along half a cosine over the ``steps`` (Loshchilov & Hutter 2017).

    Returns ``(records, seconds)``: all steps' records, shape (steps, 1 + len(extras)), and the
    training time. Raises :class:`TrainingDivergedError` (naming ``context`` and the step) as
    soon as a loss is NaN or infinite.
    """
    batches = batch_schedule(len(data[0]), batch_size, steps, seed)
    if check_schedule(schedule) == "cosine":
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8)  # epsilon of TF1's Adam
    variables = model.trainable_variables
    optimizer.build(variables)
    tensors = tuple(tf.constant(array) for array in data)

    # The data are arguments, not captured constants: a captured copy would live as long as
    # TensorFlow's function caches, one more copy of the training set for every run of a sweep.
    @tf.function(input_signature=[
        tuple(tf.TensorSpec([None, *t.shape[1:]], t.dtype) for t in tensors),
        tf.TensorSpec([None, batch_size], tf.int32),
    ])
    def run_steps(tensors, batch_indices):
        n = tf.shape(batch_indices)[0]
        records = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            batch = tuple(tf.gather(t, batch_indices[i]) for t in tensors)
            with tf.GradientTape() as tape:
                outputs = model(batch[0], training=True)
                loss, extras = step_terms(batch, outputs)
                if model.losses:
                    loss = loss + tf.add_n(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            records = records.write(i, tf.stack([loss, *extras]))
        return records.stack()

    chunks = []
    start = time.perf_counter()
    for first in range(0, steps, steps_per_call):
        records = run_steps(tensors, batches[first : first + steps_per_call]).numpy()
        bad = np.flatnonzero(~np.isfinite(records[:, 0]))
        if bad.size:
            step = first + int(bad[0]) + 1
            raise TrainingDivergedError(
                f"training diverged: the loss became {records[bad[0], 0]} at step {step} of {steps}"
                f"{' with ' + context if context else ''}. Try a smaller penalty or learning rate."
            )
        chunks.append(records)
        if on_call is not None:
            on_call(first + len(records), records)
    return np.concatenate(chunks), time.perf_counter() - start


def train_classifier(
    model: keras.Model,
    x,
    y,
    *,
    lam: float,
    steps: int,
    batch_size: int = SOURCE_BATCH_SIZE,
    convention: str = SOURCE_LAM_CONVENTION,
    learning_rate: float = SOURCE_LEARNING_RATE,
    seed: int = 0,
    steps_per_call: int = 100,
    on_progress: Callable[[int, TrainingLog], None] | None = None,
    reconstruction_weight: float = 1.0,
    schedule: str = "constant",
) -> TrainingLog:
    """Train ``model`` (outputs ``"logits"`` and ``"code"``) with Adam on cross-entropy + L1 penalty.

    A model that also outputs ``"reconstruction"`` (an auto-encoder) adds the reconstruction
    error, :func:`reconstruction_error`, times ``reconstruction_weight`` to the loss; the
    penalty is counted once. The log keeps the unweighted reconstruction error.
    Logs every ``steps_per_call`` steps (and the last). Raises
    :class:`TrainingDivergedError`, naming lambda and the step, as soon as a loss is
    NaN or infinite. ``on_progress(step, log)`` is called after every call. ``schedule`` is
    the learning rate's (:data:`SCHEDULES`, see :func:`adam_steps`).
    """
    lam = check_lam(lam)
    check_schedule(schedule)
    reconstruction_weight = check_lam(reconstruction_weight, "reconstruction_weight")
    check_convention(convention)
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    steps_per_call = check_positive_int(steps_per_call, "steps_per_call")
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if x.ndim < 2 or y.ndim != 1 or len(x) != len(y):
        raise ValueError(f"x must be (examples, ...) and y (examples,), got shapes {x.shape} and {y.shape}")
    _check_training_set(x, batch_size, learning_rate)

    def step_terms(batch, outputs):
        x_batch, y_batch = batch
        cross_entropy = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_batch, logits=outputs["logits"])
        )
        penalty = l1_activity_penalty(outputs["code"], lam, convention)
        if "reconstruction" in outputs:
            reconstruction = reconstruction_error(x_batch, outputs["reconstruction"])
        else:
            reconstruction = tf.constant(0.0)
        code = tf.reshape(outputs["code"], [batch_size, -1])
        batch_avr = tf.reduce_mean(tf.reduce_sum(tf.cast(code > 0, tf.float32), axis=1))
        loss = cross_entropy + reconstruction_weight * reconstruction + penalty
        return loss, (cross_entropy, penalty, reconstruction, batch_avr)

    log = TrainingLog(lam=lam, convention=convention, batch_size=batch_size)

    def record(step, records):
        last = records[-1]  # loss, cross-entropy, penalty, reconstruction, batch AVR
        log.steps.append(step)
        log.loss.append(float(last[0]))
        log.cross_entropy.append(float(last[1]))
        log.penalty.append(float(last[2]))
        if "reconstruction" in model.output:
            log.reconstruction.append(float(last[3]))
        log.avr_train_batch.append(float(last[4]))
        if on_progress is not None:
            on_progress(step, log)

    _, log.seconds = adam_steps(model, (x, y.astype(np.int32)), step_terms, steps=steps, batch_size=batch_size,
                                learning_rate=learning_rate, seed=seed, steps_per_call=steps_per_call,
                                on_call=record, context=f"lam={lam:g} ({convention} convention)",
                                schedule=schedule)
    return log


def predict_in_batches(model: keras.Model, x, batch_size: int = 1000):
    """Yield the model's outputs (a dict of numpy arrays) for consecutive batches of ``x``."""
    batch_size = check_positive_int(batch_size, "batch_size")
    x = np.asarray(x, dtype=np.float32)

    @tf.function
    def forward(x_batch):
        return model(x_batch, training=False)

    for first in range(0, len(x), batch_size):
        yield {name: value.numpy() for name, value in forward(tf.constant(x[first : first + batch_size])).items()}


def quantise_pixels(images) -> np.ndarray:
    """Images as an 8-bit picture would store them: clipped to [0, 1], rounded to multiples of 1/255."""
    return np.round(np.clip(images, 0.0, 1.0) * 255.0) / 255.0


def _squared_errors(reconstruction, target) -> tuple[float, float]:
    """Summed squared error of a batch of reconstructions, raw and after :func:`quantise_pixels`."""
    return (float(np.sum((reconstruction - target) ** 2, dtype=np.float64)),
            float(np.sum((quantise_pixels(reconstruction) - target) ** 2, dtype=np.float64)))


@dataclass
class Evaluation:
    """Test accuracy and the activity of the code on a data set (and, for auto-encoders, the
    reconstruction's mean squared error per pixel, raw and after :func:`quantise_pixels`)."""

    accuracy: float
    activity: "ActivityStats"
    reconstruction_mse: float | None = None
    reconstruction_mse_quantised: float | None = None


def evaluate_classifier(model: keras.Model, x, y, batch_size: int = 1000) -> Evaluation:
    """Accuracy of ``model`` on ``(x, y)`` and its code's :class:`~sparsebook.metrics.ActivityStats`.

    Works batch by batch, so the activations of the whole set never exist at once.
    """
    from .metrics import ActivityStats

    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if len(x) != len(y) or len(y) == 0:
        raise ValueError(f"x and y must hold the same, non-zero number of examples, got {len(x)} and {len(y)}")
    correct = 0
    squared_error = squared_error_quantised = 0.0
    activity = ActivityStats()
    first = 0
    for outputs in predict_in_batches(model, x, batch_size):
        logits = outputs["logits"]
        batch = slice(first, first + len(logits))
        correct += int((logits.argmax(axis=1) == y[batch]).sum())
        activity.update(outputs["code"])
        if "reconstruction" in outputs:
            raw, quantised = _squared_errors(outputs["reconstruction"], x[batch])
            squared_error += raw
            squared_error_quantised += quantised
        first += len(logits)
    evaluation = Evaluation(accuracy=correct / len(y), activity=activity)
    if "reconstruction" in model.output:
        evaluation.reconstruction_mse = squared_error / x.size
        evaluation.reconstruction_mse_quantised = squared_error_quantised / x.size
    return evaluation


# -- the sparse coding encoder ------------------------------------------------------------

def sparse_coding_loss(x, code, reconstruction, lam):
    """The sparse coding objective, averaged over the batch: ``mean_k ||x_k - D h_k||^2 + lam ||h_k||_1``.

    The same number as ``sparsebook.solvers.objective(x, D, code, lam) / len(x)``,
    with ``reconstruction = code @ D.T``.
    """
    lam = check_lam(lam)
    x = tf.convert_to_tensor(x)
    reconstruction = tf.convert_to_tensor(reconstruction, dtype=x.dtype)
    code = tf.convert_to_tensor(code, dtype=x.dtype)
    if x.shape.rank != 2 or code.shape.rank != 2 or x.shape != reconstruction.shape:
        raise ValueError(f"x and reconstruction must be (examples, features) and code (examples, atoms), "
                         f"got shapes {x.shape}, {reconstruction.shape} and {code.shape}")
    reconstruction_error = tf.reduce_mean(tf.reduce_sum(tf.square(x - reconstruction), axis=1))
    return reconstruction_error + l1_activity_penalty(code, lam, "example_mean")


class EncoderTraining(NamedTuple):
    """What :func:`train_sparse_encoder` returns."""

    loss: np.ndarray  # the batch's sparse coding loss at every step
    seconds: float


def train_sparse_encoder(model: keras.Model, x, *, lam: float, steps: int, batch_size: int = SOURCE_BATCH_SIZE,
                         learning_rate: float = 1e-4, seed: int = 0) -> EncoderTraining:
    """Train the encoder of ``model`` (:func:`sparsebook.models.sparse_coding_encoder`) with Adam.

    Each step takes a batch of ``x`` (examples, features) and lowers :func:`sparse_coding_loss`,
    the objective the solvers minimise; the decoder is not trainable, so it stays ``D``.
    """
    lam = check_lam(lam)
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != model.input_shape[-1]:
        raise ValueError(f"x must be (examples, {model.input_shape[-1]}) for this model, got shape {x.shape}")
    _check_training_set(x, batch_size, learning_rate)

    def step_terms(batch, outputs):
        return sparse_coding_loss(batch[0], outputs["code"], outputs["reconstruction"], lam), ()

    records, seconds = adam_steps(model, (x,), step_terms, steps=steps, batch_size=batch_size,
                                  learning_rate=learning_rate, seed=seed, steps_per_call=steps,
                                  context=f"lam={lam:g}")
    return EncoderTraining(records[:, 0], seconds)


# -- sparse auto-encoders ------------------------------------------------------------------

KL_EPSILON = 1e-6  # firing rates are clipped to [eps, 1 - eps] so that the logarithms stay finite


def kl_sparsity_penalty(activations, rho: float = 0.05, beta: float = 3.0):
    """``beta * sum_j KL(rho || rho_hat_j)``: the KL sparsity penalty of Ng's sparse auto-encoder.

    ``rho_hat_j`` is unit ``j``'s mean activation over the batch, a firing RATE: it only
    means something for activations in [0, 1] (sigmoid units). ReLU outputs are refused:
    they are unbounded and often exactly 0, so ``rho_hat`` can be 0 or above 1, where
    ``log(rho / rho_hat)`` or ``log((1 - rho) / (1 - rho_hat))`` is undefined.
    ``KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q))``; ``rho_hat`` is
    clipped to [1e-6, 1 - 1e-6] so the penalty stays finite when a unit is silent on a batch.
    """
    rho = check_rate(rho, "rho")
    beta = check_lam(beta, "beta")
    a = tf.convert_to_tensor(activations, dtype=tf.float32)
    if a.shape.rank is not None and a.shape.rank != 2:
        raise ValueError(f"activations must have shape (examples, units), got shape {a.shape}")
    if tf.executing_eagerly() and (bool(tf.reduce_any(a < 0)) or bool(tf.reduce_any(a > 1))):
        raise ValueError(
            "the KL sparsity penalty needs activations in [0, 1] (firing rates, e.g. sigmoid outputs); got values "
            f"in [{float(tf.reduce_min(a)):g}, {float(tf.reduce_max(a)):g}]. ReLU outputs are unbounded, so the "
            "batch mean rho_hat can exceed 1 and the KL divergence is undefined: use a sigmoid code, or an L1 penalty."
        )
    rho_hat = tf.clip_by_value(tf.reduce_mean(a, axis=0), KL_EPSILON, 1.0 - KL_EPSILON)
    kl = rho * tf.math.log(rho / rho_hat) + (1.0 - rho) * tf.math.log((1.0 - rho) / (1.0 - rho_hat))
    return beta * tf.reduce_sum(kl)


@dataclass
class AutoencoderLog:
    """What happened while training an auto-encoder, one entry per logged step."""

    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    reconstruction: list = field(default_factory=list)  # the batch's reconstruction error (no penalty)
    l0_train_batch: list = field(default_factory=list)  # mean number of non-zero code units on the batch
    seconds: float = 0.0


def train_autoencoder(model: keras.Model, x, *, steps: int, batch_size: int = SOURCE_BATCH_SIZE,
                      learning_rate: float = SOURCE_LEARNING_RATE, seed: int = 0, steps_per_call: int = 100,
                      on_progress: Callable[[int, AutoencoderLog], None] | None = None) -> AutoencoderLog:
    """Train ``model`` (outputs ``"code"`` and ``"reconstruction"``) with Adam to reconstruct ``x``.

    The loss is :func:`reconstruction_error` plus the penalties the model carries (see
    :func:`sparsebook.models.sparse_autoencoder`). Logs every ``steps_per_call`` steps.
    """
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    steps_per_call = check_positive_int(steps_per_call, "steps_per_call")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != model.input_shape[-1]:
        raise ValueError(f"x must be (examples, {model.input_shape[-1]}) for this model, got shape {x.shape}")
    if not {"code", "reconstruction"} <= set(model.output):
        raise ValueError(f"model must output 'code' and 'reconstruction', it outputs {sorted(model.output)}")
    _check_training_set(x, batch_size, learning_rate)

    def step_terms(batch, outputs):
        reconstruction = reconstruction_error(batch[0], outputs["reconstruction"])
        l0 = tf.reduce_mean(tf.reduce_sum(tf.cast(outputs["code"] != 0, tf.float32), axis=1))
        return reconstruction, (reconstruction, l0)

    log = AutoencoderLog()

    def record(step, records):
        log.steps.append(step)
        log.loss.append(float(records[-1, 0]))
        log.reconstruction.append(float(records[-1, 1]))
        log.l0_train_batch.append(float(records[-1, 2]))
        if on_progress is not None:
            on_progress(step, log)

    _, log.seconds = adam_steps(model, (x,), step_terms, steps=steps, batch_size=batch_size,
                                learning_rate=learning_rate, seed=seed, steps_per_call=steps_per_call,
                                on_call=record, context=f"model {model.name}")
    return log


def _check_pixels(model: keras.Model, x) -> np.ndarray:
    """``x`` as float32 (examples, inputs of ``model``), or ``ValueError`` saying what is wrong."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0 or x.shape[1] != model.input_shape[-1]:
        raise ValueError(f"x must be a non-empty (examples, {model.input_shape[-1]}) array for this model, "
                         f"got shape {x.shape}")
    return x


def encode(model: keras.Model, x, batch_size: int = 1000) -> np.ndarray:
    """The codes of ``x`` (examples, units) under ``model``, computed batch by batch."""
    x = _check_pixels(model, x)
    return np.concatenate([outputs["code"].reshape(len(outputs["code"]), -1)
                           for outputs in predict_in_batches(model, x, batch_size)])


@dataclass
class AutoencoderEvaluation:
    """Reconstruction error per pixel (raw and after :func:`quantise_pixels`) and the code's activity.

    ``activity`` counts a unit as active where ``|activation| > threshold``.
    """

    reconstruction_mse: float
    reconstruction_mse_quantised: float
    activity: "ActivityStats"


def evaluate_autoencoder(model: keras.Model, x, threshold: float = 0.0, batch_size: int = 1000) -> AutoencoderEvaluation:
    """Measure ``model`` on ``x`` batch by batch (the codes of the whole set never exist at once)."""
    from .metrics import ActivityStats

    x = _check_pixels(model, x)
    activity = ActivityStats(threshold)
    squared_error = squared_error_quantised = 0.0
    first = 0
    for outputs in predict_in_batches(model, x, batch_size):
        reconstruction = outputs["reconstruction"]
        target = x[first : first + len(reconstruction)]
        raw, quantised = _squared_errors(reconstruction, target)
        squared_error += raw
        squared_error_quantised += quantised
        activity.update(np.abs(outputs["code"]))
        first += len(reconstruction)
    return AutoencoderEvaluation(squared_error / x.size, squared_error_quantised / x.size, activity)


@dataclass
class CodeMeasurement:
    """What an auto-encoder's code does on held-out digits (see :func:`measure_code`)."""

    evaluation: AutoencoderEvaluation  # reconstruction error and activity on the test digits
    nonzero: float  # units per test digit that are exactly non-zero
    dead_units: int  # units above the threshold on no test digit and no probe training digit
    probe_accuracy: float  # linear probe trained on the probe digits' codes, tested on the test digits'
    probe_train_examples: int


def measure_code(model: keras.Model, digits, threshold: float, *, probe_train_examples: int | None = None,
                 batch_size: int = 1000) -> CodeMeasurement:
    """Measure the code of ``model`` on ``digits`` (a :class:`~sparsebook.data.Digits`).

    Reconstruction and activity (``|a| > threshold``) are measured on the test digits; the
    linear probe (:func:`~sparsebook.metrics.linear_probe_accuracy`) trains on the codes of the
    first ``probe_train_examples`` training digits (all of them if ``None``).
    """
    from .metrics import avr, linear_probe_accuracy

    if probe_train_examples is not None:
        probe_train_examples = check_positive_int(probe_train_examples, "probe_train_examples")
    probe_x = digits.x_train[:probe_train_examples]
    probe_y = digits.y_train[:probe_train_examples]
    evaluation = evaluate_autoencoder(model, digits.x_test, threshold, batch_size)
    codes_train, codes_test = encode(model, probe_x, batch_size), encode(model, digits.x_test, batch_size)
    ever_active = (evaluation.activity.firing_rates > 0) | (np.abs(codes_train) > threshold).any(axis=0)
    return CodeMeasurement(
        evaluation=evaluation,
        nonzero=avr(np.abs(codes_test)),
        dead_units=int(evaluation.activity.units - ever_active.sum()),
        probe_accuracy=linear_probe_accuracy(codes_train, probe_y, codes_test, digits.y_test),
        probe_train_examples=int(len(probe_y)),
    )
