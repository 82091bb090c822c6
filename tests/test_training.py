import numpy as np
import pytest

from sparsebook import solvers
from sparsebook.data import downsample, load_subset
from sparsebook.models import conv_autoencoder, mlp, sparse_coding_encoder
from sparsebook.training import (
    TrainingDivergedError,
    batch_schedule,
    evaluate_classifier,
    l1_activity_penalty,
    quantise_pixels,
    reconstruction_error,
    sparse_coding_loss,
    to_example_mean_lam,
    train_classifier,
    train_sparse_encoder,
)

CODES = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]], np.float32)  # L1 over the batch: 6


def test_batch_sum_penalty_sums_over_batch_and_units():
    # the source: lam * sum over the batch of 2 and the 3 units = 0.5 * 6
    assert float(l1_activity_penalty(CODES, 0.5, "batch_sum")) == pytest.approx(3.0)


def test_example_mean_penalty_averages_over_examples():
    # per example: (3 + 3) / 2 = 3, times 0.5
    assert float(l1_activity_penalty(CODES, 0.5, "example_mean")) == pytest.approx(1.5)


def test_penalty_uses_absolute_values():
    assert float(l1_activity_penalty(-CODES, 1.0, "batch_sum")) == pytest.approx(6.0)


def test_conversion_between_conventions_gives_the_same_penalty():
    codes = np.random.default_rng(0).random((100, 784)).astype(np.float32)
    assert to_example_mean_lam(1e-4, 100) == pytest.approx(1e-2)
    assert float(l1_activity_penalty(codes, 1e-4, "batch_sum")) == pytest.approx(
        float(l1_activity_penalty(codes, to_example_mean_lam(1e-4, 100), "example_mean")), rel=1e-5)


@pytest.mark.parametrize("lam, error", [(-0.1, ValueError), (float("nan"), ValueError), ("0.1", TypeError)])
def test_bad_lam_is_refused(lam, error):
    with pytest.raises(error, match="lam"):
        l1_activity_penalty(CODES, lam)


def test_bad_convention_and_shapes_are_refused():
    with pytest.raises(ValueError, match="convention"):
        l1_activity_penalty(CODES, 0.1, "batch_mean")
    with pytest.raises(ValueError, match="shape"):
        l1_activity_penalty(np.ones(3, np.float32), 0.1)
    with pytest.raises(ValueError, match="batch_size"):
        to_example_mean_lam(1e-4, 0)


def test_batch_schedule_walks_through_epochs():
    batches = batch_schedule(n_examples=10, batch_size=4, steps=5, seed=0)
    assert batches.shape == (5, 4)
    flat = batches.ravel()
    assert sorted(flat[:10]) == list(range(10)) and sorted(flat[10:20]) == list(range(10))
    np.testing.assert_array_equal(batches, batch_schedule(10, 4, 5, seed=0))


@pytest.fixture(scope="module")
def digits():
    return load_subset()


def test_training_learns_and_the_penalty_sparsifies(digits):
    results = {}
    for lam in (0.0, 1e-3):
        model = mlp(hidden_units=64, seed=0)
        log = train_classifier(model, digits.x_train, digits.y_train, lam=lam, steps=300, seed=0)
        evaluation = evaluate_classifier(model, digits.x_test, digits.y_test, batch_size=300)
        results[lam] = (log, evaluation)
    log, plain = results[0.0]
    assert log.steps == [100, 200, 300] and log.penalty == [0.0, 0.0, 0.0]
    assert plain.accuracy > 0.85
    sparse = results[1e-3][1]
    assert sparse.activity.avr < plain.activity.avr / 2
    assert results[1e-3][0].penalty[-1] > 0


def test_logged_loss_is_cross_entropy_plus_penalty(digits):
    log = train_classifier(mlp(hidden_units=32, seed=0), digits.x_train, digits.y_train, lam=1e-4, steps=50,
                           steps_per_call=25)
    np.testing.assert_allclose(log.loss, np.add(log.cross_entropy, log.penalty), rtol=1e-5)
    assert log.steps == [25, 50] and len(log.avr_train_batch) == 2


def test_training_is_reproducible_with_a_seed(digits):
    def final_loss():
        model = mlp(hidden_units=32, seed=5)
        return train_classifier(model, digits.x_train, digits.y_train, lam=1e-4, steps=100, seed=5).loss[-1]

    assert final_loss() == pytest.approx(final_loss(), rel=1e-4)


def test_divergence_stops_training_and_names_lam_and_step(digits):
    x = digits.x_train[:200] * 1e38  # finite inputs whose activations overflow float32 at step 1
    with pytest.raises(TrainingDivergedError, match=r"step 1 of 20 with lam=0\.001"):
        train_classifier(mlp(hidden_units=8, seed=0), x, digits.y_train[:200], lam=1e-3, steps=20)


def test_bad_training_arguments_are_refused(digits):
    model = mlp(hidden_units=8)
    x, y = digits.x_train[:200], digits.y_train[:200]
    with pytest.raises(ValueError, match="lam"):
        train_classifier(model, x, y, lam=-1.0, steps=1)
    with pytest.raises(ValueError, match="steps"):
        train_classifier(model, x, y, lam=0.0, steps=0)
    with pytest.raises(ValueError, match="shapes"):
        train_classifier(model, x, y[:10], lam=0.0, steps=1)
    with pytest.raises(ValueError, match="larger than the training set"):
        train_classifier(model, x[:50], y[:50], lam=0.0, steps=1)
    with pytest.raises(ValueError, match="learning_rate"):
        train_classifier(model, x, y, lam=0.0, steps=1, learning_rate=0)


def test_batch_schedule_refuses_bad_sizes():
    with pytest.raises(ValueError, match="n_examples"):
        batch_schedule(0, 4, 5, seed=0)
    with pytest.raises(TypeError, match="steps"):
        batch_schedule(10, 4, 2.5, seed=0)


def test_sparse_coding_loss_is_the_solvers_objective_per_example():
    rng = np.random.default_rng(0)
    x, dictionary, code = rng.random((7, 5)), rng.normal(size=(5, 9)), np.maximum(rng.normal(size=(7, 9)), 0)
    loss = float(sparse_coding_loss(x, code, code @ dictionary.T, lam=0.7))
    assert loss == pytest.approx(solvers.objective(x, dictionary, code, 0.7) / 7, rel=1e-12)


def test_sparse_coding_loss_refuses_bad_lam_and_shapes():
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match="lam"):
        sparse_coding_loss(x, np.ones((4, 2)), x, lam=-1.0)
    with pytest.raises(ValueError, match="shapes"):
        sparse_coding_loss(x, np.ones((4, 2)), np.ones((4, 2)), lam=0.1)


@pytest.fixture(scope="module")
def small_digits():
    x = downsample(load_subset().x_train[:1200], 4)  # 7x7 digits: a problem of seconds
    return x[:1000], x[1000:]


def test_training_lowers_the_held_out_objective_and_keeps_the_decoder(small_digits):
    train, held_out = small_digits
    dictionary = solvers.initial_dictionary(train, 64, seed=0)
    model = sparse_coding_encoder(dictionary, lam=0.5)
    before = solvers.objective(held_out, dictionary, model(held_out)["code"].numpy(), 0.5)
    log = train_sparse_encoder(model, train, lam=0.5, steps=300, learning_rate=1e-3)
    after = solvers.objective(held_out, dictionary, model(held_out)["code"].numpy(), 0.5)
    assert log.loss.shape == (300,) and log.loss[-10:].mean() < log.loss[:10].mean()
    assert after < 0.8 * before
    np.testing.assert_array_equal(model.get_layer("reconstruction").kernel.numpy(), dictionary.T.astype(np.float32))


def test_bad_encoder_training_arguments_are_refused(small_digits):
    train, _ = small_digits
    model = sparse_coding_encoder(solvers.initial_dictionary(train, 16, seed=0), lam=0.5)
    with pytest.raises(ValueError, match="lam"):
        train_sparse_encoder(model, train, lam=-0.5, steps=1)
    with pytest.raises(ValueError, match=r"x must be \(examples, 49\)"):
        train_sparse_encoder(model, train[:, :10], lam=0.5, steps=1)
    with pytest.raises(ValueError, match="larger than the training set"):
        train_sparse_encoder(model, train[:50], lam=0.5, steps=1)
    with pytest.raises(ValueError, match="NaN"):
        train_sparse_encoder(model, np.full_like(train, np.nan), lam=0.5, steps=1)
    with pytest.raises(TypeError, match="steps"):
        train_sparse_encoder(model, train, lam=0.5, steps=1.5)


# -- the auto-encoders' reconstruction ------------------------------------------------------

def test_reconstruction_error_sums_over_pixels_and_averages_over_examples():
    x = np.array([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]], np.float32)
    reconstruction = np.array([[0.0, 0.0, 0.5], [0.0, 2.0, 1.0]], np.float32)
    # example 1: 1; example 2: 4 + 1 = 5; mean 3
    assert float(reconstruction_error(x, reconstruction)) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_error(x, reconstruction[:, :2])


def test_quantise_pixels_clips_and_rounds_to_8_bits():
    np.testing.assert_allclose(quantise_pixels([-0.2, 0.5, 1.3, 0.1, 3 / 255]), [0.0, 128 / 255, 1.0, 26 / 255, 3 / 255])


def test_autoencoder_training_logs_a_reconstruction_error_that_falls(digits):
    model = conv_autoencoder("subpixel", filters=4, seed=0)
    log = train_classifier(model, digits.x_train[:1000], digits.y_train[:1000], lam=1e-4, steps=100,
                           steps_per_call=50)
    assert len(log.reconstruction) == 2 and log.reconstruction[1] < log.reconstruction[0]
    # the penalty is counted once: loss = CE + reconstruction + penalty
    np.testing.assert_allclose(log.loss, np.add(np.add(log.cross_entropy, log.penalty), log.reconstruction), rtol=1e-5)


def test_reconstruction_weight_scales_the_reconstruction_in_the_loss_only(digits):
    model = conv_autoencoder("transpose", filters=4, seed=0)
    log = train_classifier(model, digits.x_train[:500], digits.y_train[:500], lam=1e-4, steps=20,
                           steps_per_call=10, reconstruction_weight=200.0)
    # the log keeps the unweighted reconstruction error; the loss counts it 200 times
    expected = np.add(np.add(log.cross_entropy, log.penalty), 200.0 * np.asarray(log.reconstruction))
    np.testing.assert_allclose(log.loss, expected, rtol=1e-5)


@pytest.mark.parametrize("weight, error", [(-1.0, ValueError), (float("nan"), ValueError), ("1", TypeError)])
def test_reconstruction_weight_must_be_a_number_at_least_zero(digits, weight, error):
    with pytest.raises(error, match="reconstruction_weight"):
        train_classifier(conv_autoencoder("transpose", filters=4, seed=0), digits.x_train[:200],
                         digits.y_train[:200], lam=0.0, steps=1, reconstruction_weight=weight)


def test_classifier_training_logs_no_reconstruction(digits):
    log = train_classifier(mlp(hidden_units=8, seed=0), digits.x_train, digits.y_train, lam=0.0, steps=10,
                           steps_per_call=10)
    assert log.reconstruction == []


def test_evaluation_measures_the_reconstruction_per_pixel(digits):
    model = conv_autoencoder("transpose", filters=4, seed=0)
    x, y = digits.x_test[:250], digits.y_test[:250]
    evaluation = evaluate_classifier(model, x, y, batch_size=100)
    reconstruction = model.predict(x, verbose=0)["reconstruction"]
    assert evaluation.reconstruction_mse == pytest.approx(np.mean((reconstruction - x) ** 2), rel=1e-5)
    quantised = np.round(np.clip(reconstruction, 0, 1) * 255) / 255
    assert evaluation.reconstruction_mse_quantised == pytest.approx(np.mean((quantised - x) ** 2), rel=1e-5)
    assert evaluate_classifier(mlp(hidden_units=8), x, y).reconstruction_mse is None


# -- sparse auto-encoders -------------------------------------------------------------------

import math  # noqa: E402

from sparsebook.models import sparse_autoencoder  # noqa: E402
from sparsebook.training import encode, evaluate_autoencoder, kl_sparsity_penalty, train_autoencoder  # noqa: E402


def test_kl_penalty_is_the_hand_computed_value():
    # rho_hat = batch means = (0.2, 0.5); KL(rho || q) = rho ln(rho/q) + (1-rho) ln((1-rho)/(1-q))
    codes = np.array([[0.1, 0.5], [0.3, 0.5]], np.float32)
    expected = 2.0 * sum(0.1 * math.log(0.1 / q) + 0.9 * math.log(0.9 / (1 - q)) for q in (0.2, 0.5))
    assert float(kl_sparsity_penalty(codes, rho=0.1, beta=2.0)) == pytest.approx(expected, rel=1e-5)


def test_kl_penalty_is_zero_at_the_target_rate_and_finite_for_silent_units():
    assert float(kl_sparsity_penalty(np.full((4, 3), 0.05, np.float32), rho=0.05)) == pytest.approx(0.0, abs=1e-6)
    silent = float(kl_sparsity_penalty(np.zeros((4, 3), np.float32), rho=0.05, beta=1.0))
    assert np.isfinite(silent) and silent == pytest.approx(3 * (0.05 * math.log(0.05 / 1e-6) + 0.95 * math.log(0.95)), rel=1e-3)


def test_kl_penalty_refuses_relu_outputs_above_one():
    relu_codes = np.array([[0.0, 2.5], [0.0, 0.7]], np.float32)  # rho_hat = (0, 1.6): log of a negative number
    with pytest.raises(ValueError, match=r"activations in \[0, 1\].*ReLU"):
        kl_sparsity_penalty(relu_codes)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(rho=0.0), ValueError, "rho must be strictly between 0 and 1"),
    (dict(rho=1.0), ValueError, "rho must be strictly between 0 and 1"),
    (dict(rho=float("nan")), ValueError, "rho must be strictly between 0 and 1"),
    (dict(beta=-3.0), ValueError, "beta must be a finite number >= 0"),
    (dict(rho="0.05"), TypeError, "rho must be a number"),
])
def test_kl_penalty_refuses_bad_rho_and_beta(kwargs, error, message):
    with pytest.raises(error, match=message):
        kl_sparsity_penalty(np.full((2, 2), 0.5, np.float32), **kwargs)


@pytest.fixture(scope="module")
def pixels():
    return load_subset().x_train[:1000]


def test_autoencoder_training_lowers_the_reconstruction_error(pixels):
    model = sparse_autoencoder(64, "none")
    log = train_autoencoder(model, pixels, steps=200, steps_per_call=50)
    assert log.steps == [50, 100, 150, 200]
    assert log.reconstruction[-1] < 0.5 * log.reconstruction[0]
    assert log.loss == log.reconstruction  # no penalty


def test_autoencoder_loss_adds_the_penalty_the_model_carries(pixels):
    model = sparse_autoencoder(64, "l1", lam=0.5)
    log = train_autoencoder(model, pixels, steps=100, steps_per_call=100)
    code = model(pixels[:1])["code"].numpy()
    assert log.loss[-1] > log.reconstruction[-1] > 0 and code.shape == (1, 64)


def test_a_stronger_penalty_gives_fewer_active_units(pixels):
    l0 = []
    for lam in (0.0, 1.0):
        model = sparse_autoencoder(64, "l1", lam=lam)
        train_autoencoder(model, pixels, steps=300)
        l0.append(evaluate_autoencoder(model, pixels).activity.avr)
    assert l0[1] < 0.5 * l0[0]


def test_autoencoder_evaluation_measures_per_pixel_and_counts_magnitudes(pixels):
    model = sparse_autoencoder(32, "topk", k=4)
    evaluation = evaluate_autoencoder(model, pixels[:300], batch_size=128)
    outputs = model(pixels[:300])
    expected = np.mean((outputs["reconstruction"].numpy() - pixels[:300]) ** 2)
    assert evaluation.reconstruction_mse == pytest.approx(expected, rel=1e-4)
    assert evaluation.activity.avr == pytest.approx(4.0)  # negative kept values count: |a| > 0
    np.testing.assert_allclose(encode(model, pixels[:300], batch_size=128), outputs["code"].numpy(), atol=1e-6)


def test_autoencoder_training_refuses_bad_input(pixels):
    model = sparse_autoencoder(16, "none")
    with pytest.raises(ValueError, match=r"x must be \(examples, 784\)"):
        train_autoencoder(model, pixels[:, :100], steps=1)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        train_autoencoder(model, pixels, steps=0)
    with pytest.raises(ValueError, match="must output 'code' and 'reconstruction'"):
        train_autoencoder(mlp(hidden_units=8), pixels, steps=1)


def test_autoencoder_evaluation_and_encoding_refuse_bad_input(pixels):
    model = sparse_autoencoder(16, "none")
    for call in (lambda x: evaluate_autoencoder(model, x), lambda x: encode(model, x)):
        with pytest.raises(ValueError, match=r"non-empty \(examples, 784\)"):
            call(pixels[:, :100])
        with pytest.raises(ValueError, match=r"non-empty \(examples, 784\)"):
            call(np.zeros((0, 784), np.float32))


def test_measure_code_counts_units_the_probe_and_dead_units_by_hand():
    from sparsebook.data import Digits, load_subset
    from sparsebook.training import measure_code

    subset = load_subset()
    digits = Digits(subset.x_train[:600], subset.y_train[:600], subset.x_test[:200], subset.y_test[:200], "subset")
    model = sparse_autoencoder(8, "none")
    kernel, bias = np.zeros((784, 8), np.float32), np.full(8, -1.0, np.float32)
    bias[:3] = 1.0  # units 0-2: the constant code 1 on every digit; units 4-7: 0 on every digit
    ink_test = digits.x_test.sum(axis=1).max()
    assert digits.x_train.sum(axis=1).max() > ink_test + 1  # unit 3 fires on some training digits only
    kernel[:, 3], bias[3] = 1.0, -ink_test - 0.5
    model.get_layer("encoder").set_weights([kernel, bias])

    code = measure_code(model, digits, threshold=0.01)
    assert code.nonzero == pytest.approx(3.0) and code.evaluation.activity.avr == pytest.approx(3.0)
    assert code.dead_units == 4  # unit 3 is active on a probe training digit, so it is not dead
    assert code.probe_train_examples == 600
    # a code that does not depend on the digit: the probe predicts the most common training label
    assert code.probe_accuracy == pytest.approx(np.mean(digits.y_test == np.bincount(digits.y_train).argmax()))
    assert measure_code(model, digits, 0.01, probe_train_examples=100).probe_train_examples == 100
    with pytest.raises(ValueError, match="probe_train_examples must be"):
        measure_code(model, digits, 0.01, probe_train_examples=0)


def test_cosine_schedule_halves_the_second_of_two_steps(digits):
    """Over 2 steps the cosine rate is lr, then lr (1 + cos(pi / 2)) / 2 = lr / 2: both runs take the
    same first step, so the second sees the same gradient and Adam state, and moves half as far."""
    from sparsebook.backend import tf
    from sparsebook.training import adam_steps

    def step_terms(batch, outputs):
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=batch[1], logits=outputs["logits"])), ()

    moves = {}
    for schedule in ("constant", "cosine"):
        model = mlp(hidden_units=8, seed=0)
        weights = [model.get_layer("code").kernel.numpy().copy()]
        adam_steps(model, (digits.x_train, digits.y_train.astype(np.int32)), step_terms, steps=2,
                   batch_size=10, learning_rate=1e-2, schedule=schedule, steps_per_call=1,
                   on_call=lambda step, records, m=model: weights.append(m.get_layer("code").kernel.numpy().copy()))
        moves[schedule] = [np.abs(b - a).max() for a, b in zip(weights, weights[1:])]
    assert moves["cosine"][0] == pytest.approx(moves["constant"][0], rel=1e-6)
    assert moves["cosine"][1] == pytest.approx(moves["constant"][1] / 2, rel=1e-4)
    with pytest.raises(ValueError, match="learning-rate schedule must be one of"):
        train_classifier(mlp(hidden_units=8), digits.x_train, digits.y_train, lam=0.0, steps=1, schedule="linear")
