"""Keras models of the book's experiments.

Every classifier returns a dict of two outputs: ``"logits"`` (before the softmax)
and ``"code"``, the activations of the layer whose sparsity we study. The
initialisation is the source's: weights drawn from N(0, 0.1^2), every bias 0.1.
The sparse coding encoder and the sparse auto-encoders return ``"code"`` and
``"reconstruction"`` instead.
"""

from __future__ import annotations

import numpy as np

from .backend import keras
from .backend import tf
from .checks import check_lam, check_positive_int, check_rate
from .data import N_CLASSES, N_PIXELS

SOURCE_WEIGHT_STDDEV = 0.1
SOURCE_BIAS = 0.1


def _dense(units: int, seed: int, name: str, activation=None, constraint=None) -> keras.layers.Dense:
    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=keras.initializers.RandomNormal(0.0, SOURCE_WEIGHT_STDDEV, seed=seed),
        bias_initializer=keras.initializers.Constant(SOURCE_BIAS),
        kernel_constraint=constraint,
        name=name,
    )


def _readout_bound(readout_max_norm, axis):
    """A max-norm constraint on the weights that read each code unit, or None (unbounded, the source's)."""
    if readout_max_norm is None:
        return None
    if isinstance(readout_max_norm, bool) or not isinstance(readout_max_norm, (int, float)) \
            or not readout_max_norm > 0 or not np.isfinite(readout_max_norm):
        raise ValueError(f"readout_max_norm must be a number > 0 (or None for unbounded weights), "
                         f"got {readout_max_norm!r}")
    return keras.constraints.MaxNorm(float(readout_max_norm), axis=axis)


def mlp(hidden_units: int = N_PIXELS, seed: int = 0, readout_max_norm: float | None = None,
        k: int | None = None, start_k: int | None = None, anneal_steps: int = 0,
        feature_layers: int = 0) -> keras.Model:
    """The source's fully connected net: 784 -> ``hidden_units`` ReLU -> 10.

    The ReLU layer is the ``"code"`` output: the layer the L1 penalty makes sparse.
    ``readout_max_norm`` bounds the norm of each code unit's 10 outgoing weights (a
    max-norm constraint applied after every step); ``None`` leaves them free, as the source did.
    ``k`` keeps only the ``k`` largest ReLU outputs of each digit (k-winners-take-all,
    :class:`TopK`): at most ``k`` active units by construction, no penalty needed;
    ``start_k`` and ``anneal_steps`` lower the number of winners from ``start_k`` to ``k``
    during training (see :class:`TopK`). ``feature_layers`` puts that many dense ReLU layers
    of ``hidden_units`` (not penalised, not counted) between the pixels and the code.
    """
    check_positive_int(hidden_units, "hidden_units")
    if isinstance(feature_layers, bool) or not isinstance(feature_layers, (int, np.integer)) or feature_layers < 0:
        raise ValueError(f"feature_layers must be an integer >= 0, got {feature_layers!r}")
    pixels = keras.Input(shape=(N_PIXELS,), name="pixels")
    features = pixels
    for i in range(feature_layers):
        features = _dense(hidden_units, seed + 10 + i, f"features_{i + 1}", activation="relu")(features)
    code = _dense(hidden_units, seed, "code", activation="relu")(features)
    if k is not None:
        code = TopK(k, start_k, anneal_steps, name="winners")(code)
    logits = _dense(N_CLASSES, seed + 1, "logits", constraint=_readout_bound(readout_max_norm, axis=1))(code)
    return keras.Model(pixels, {"logits": logits, "code": code}, name="mlp")


def _conv_classifier(pixels, filters: int, seed: int, readout_max_norm: float | None = None,
                     k: int | None = None, start_k: int | None = None, anneal_steps: int = 0):
    """The source's convolutional code and its classifier: returns ``(code, logits)``.

    The code is a 3 x 3 convolution, stride 2, SAME padding, ReLU: a 28 x 28 digit becomes
    14 x 14 x ``filters`` units (39,200 for 200 maps), read by a dense layer to 10 classes.
    ``k`` keeps the ``k`` largest of all those units per digit (:class:`TopK`)."""
    image = keras.layers.Reshape((28, 28, 1), name="image")(pixels)
    code = keras.layers.Conv2D(
        filters, 3, strides=2, padding="same", activation="relu",
        kernel_initializer=keras.initializers.RandomNormal(0.0, SOURCE_WEIGHT_STDDEV, seed=seed),
        bias_initializer=keras.initializers.Constant(SOURCE_BIAS), name="code",
    )(image)
    if k is not None:
        maps = tuple(code.shape[1:])
        winners = TopK(k, start_k, anneal_steps, name="winners")(keras.layers.Flatten(name="all_units")(code))
        code = keras.layers.Reshape(maps, name="winner_maps")(winners)
    readout = _readout_bound(readout_max_norm, axis=1)  # kernel (units, 10): one row per code unit
    logits = _dense(N_CLASSES, seed + 1, "logits", constraint=readout)(keras.layers.Flatten(name="flatten")(code))
    return code, logits


def cnn(filters: int = 200, seed: int = 0, readout_max_norm: float | None = None,
        k: int | None = None, start_k: int | None = None, anneal_steps: int = 0) -> keras.Model:
    """The source's CNN: 28 x 28 -> 3 x 3 conv, stride 2, ``filters`` ReLU maps -> 10.

    The feature maps (14 x 14 x ``filters``) are the ``"code"`` output. ``readout_max_norm``
    bounds each code unit's outgoing weights, and ``k`` (with ``start_k``, ``anneal_steps``)
    keeps the ``k`` largest units, as in :func:`mlp`.
    """
    check_positive_int(filters, "filters")
    pixels = keras.Input(shape=(N_PIXELS,), name="pixels")
    code, logits = _conv_classifier(pixels, filters, seed, readout_max_norm, k, start_k, anneal_steps)
    return keras.Model(pixels, {"logits": logits, "code": code}, name="cnn")


DECODERS = ("transpose", "subpixel")


def conv_autoencoder(decoder: str = "transpose", filters: int = 200, seed: int = 0,
                     readout_max_norm: float | None = None) -> keras.Model:
    """The CNN plus a decoder from the same sparse feature maps back to the digit.

    ``decoder="transpose"``: a 3 x 3 transposed convolution, stride 2, ``filters`` -> 1 map
    (the source's first version). ``decoder="subpixel"``: a 3 x 3 convolution to 4 maps,
    then a pixel shuffle ("phase shift", Shi et al. 2016) that interleaves them into one
    28 x 28 map, as ``tf.nn.depth_to_space(x, 2)`` does. Both decoders have their own bias
    (the source's first version borrowed the encoder's) and a linear output. Outputs
    ``"logits"``, ``"code"`` and ``"reconstruction"`` (flattened, 784 pixels).
    ``readout_max_norm`` bounds both readers of the code: each unit's outgoing classifier
    weights and each map's decoder atom (its 3 x 3 x outputs kernel slice).
    """
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {DECODERS}, got {decoder!r}")
    check_positive_int(filters, "filters")
    pixels = keras.Input(shape=(N_PIXELS,), name="pixels")
    code, logits = _conv_classifier(pixels, filters, seed, readout_max_norm)
    # The kernel slice that reads code map j: Conv2DTranspose (3, 3, 1, maps)[..., j]; Conv2D (3, 3, maps, 4)[:, :, j].
    atom_axes = [0, 1, 2] if decoder == "transpose" else [0, 1, 3]
    decoder_init = dict(kernel_initializer=keras.initializers.RandomNormal(0.0, SOURCE_WEIGHT_STDDEV, seed=seed + 2),
                        bias_initializer=keras.initializers.Constant(SOURCE_BIAS),
                        kernel_constraint=_readout_bound(readout_max_norm, axis=atom_axes))
    if decoder == "transpose":
        image = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", name="decoder", **decoder_init)(code)
    else:
        phases = keras.layers.Conv2D(4, 3, padding="same", name="decoder", **decoder_init)(code)  # 14 x 14 x 4
        # pixel shuffle: channel 2 i + j of cell (r, c) becomes pixel (2 r + i, 2 c + j)
        blocks = keras.layers.Reshape((14, 14, 2, 2), name="phase_blocks")(phases)
        image = keras.layers.Permute((1, 3, 2, 4), name="phase_shift")(blocks)  # (14, 2, 14, 2)
    reconstruction = keras.layers.Reshape((N_PIXELS,), name="reconstruction")(image)
    return keras.Model(pixels, {"logits": logits, "code": code, "reconstruction": reconstruction},
                       name=f"conv_autoencoder_{decoder}")


def sparse_coding_encoder(dictionary, lam: float, name: str = "sparse_coding_encoder") -> keras.Model:
    """A ReLU encoder over the fixed decoder ``D``: an auto-encoder for non-negative sparse coding.

    The encoder ``h = ReLU(W x + b)`` starts as one ISTA step from ``h = 0``:
    ``W = (2 / L) D^T`` and ``b = -lam / L``, with ``L`` the Lipschitz constant of
    :func:`sparsebook.solvers.lipschitz_constant`. The decoder ``x_hat = D h`` is ``D``
    itself and is not trained, so the trainable weights are the encoder's only.

    Parameters
    ----------
    dictionary : numpy.ndarray
        Shape (features, atoms): one atom per column, each of norm at most 1.
    lam : float
        The weight of the L1 penalty in the sparse coding objective (>= 0).
    name : str
        The model's name.

    Returns
    -------
    keras.Model
        From ``x`` (examples, features) to ``{"code": h, "reconstruction": D h}``.
    """
    from .solvers import check_dictionary, lipschitz_constant

    dictionary = check_dictionary(dictionary, "dictionary", bounded=True).astype(np.float32)
    lam = check_lam(lam)
    n_features, n_atoms = dictionary.shape
    step = 1.0 / lipschitz_constant(dictionary)
    x = keras.Input(shape=(n_features,), name="x")
    code = keras.layers.Dense(
        n_atoms,
        activation="relu",
        kernel_initializer=keras.initializers.Constant(2.0 * step * dictionary),  # Keras kernels are (in, out)
        bias_initializer=keras.initializers.Constant(-lam * step),
        name="code",
    )(x)
    return keras.Model(x, {"code": code, "reconstruction": _fixed_decoder(dictionary)(code)}, name=name)


def _fixed_decoder(dictionary) -> keras.layers.Dense:
    """The decoder ``x_hat = D h`` of the sparse coding encoders: ``D`` itself (float32), not trained."""
    n_features = dictionary.shape[0]
    return keras.layers.Dense(
        n_features,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(np.asarray(dictionary.T, dtype=np.float32)),
        trainable=False,
        name="reconstruction",
    )


class UnrolledISTA(keras.layers.Layer):
    """``depth`` steps ``h <- ReLU(x W + h S - theta)`` from ``h = 0``, one ``W``, ``S``, ``theta`` for all.

    Rows are examples, so ``W`` is (features, atoms) and ``S`` (atoms, atoms), as Keras
    kernels are. The first step has ``h = 0``, so with ``depth=1`` there is no ``S``.
    ``W``, ``S`` and ``theta`` start at ``initial_W``, ``initial_S`` and ``initial_theta``.
    """

    def __init__(self, depth: int, initial_W, initial_S, initial_theta, **kwargs):
        super().__init__(**kwargs)
        self.depth = check_positive_int(depth, "depth")
        self._initial = (np.asarray(initial_W, np.float32), np.asarray(initial_S, np.float32),
                         np.asarray(initial_theta, np.float32))

    def build(self, input_shape):
        initial_W, initial_S, initial_theta = self._initial
        self.W = self.add_weight(shape=initial_W.shape, name="W",
                                 initializer=keras.initializers.Constant(initial_W))
        self.S = self.add_weight(shape=initial_S.shape, name="S",
                                 initializer=keras.initializers.Constant(initial_S)) if self.depth > 1 else None
        self.theta = self.add_weight(shape=initial_theta.shape, name="theta",
                                     initializer=keras.initializers.Constant(initial_theta))

    def call(self, x):
        drive = tf.matmul(x, self.W) - self.theta  # the same in every step
        code = tf.nn.relu(drive)
        for _ in range(self.depth - 1):
            code = tf.nn.relu(drive + tf.matmul(code, self.S))
        return code


def lista(dictionary, lam: float, depth: int, name: str | None = None) -> keras.Model:
    """Learned ISTA (LISTA, Gregor & LeCun 2010): ``depth`` ISTA steps unrolled, with learned weights.

    Each of the ``depth`` layers computes ``h <- ReLU(W x + S h - theta)`` from ``h = 0``, and
    all layers share ``W``, ``S`` and ``theta`` (per atom), as in Gregor & LeCun: the network
    has as many weights at every depth, and it is the ISTA iteration with learned matrices.
    They start as the non-negative ISTA step of :func:`sparsebook.solvers.ista`,
    ``W = (2 / L) D^T``, ``S = I - (2 / L) D^T D`` and ``theta = lam / L``, so the untrained
    network computes exactly ``depth`` ISTA steps from ``h = 0`` (in float32). With
    ``depth=1`` it has no ``S`` and is :func:`sparse_coding_encoder` (``b = -theta``). The
    decoder ``x_hat = D h`` is ``D`` itself and is not trained; train the encoder with
    :func:`sparsebook.training.train_sparse_encoder`.

    Parameters
    ----------
    dictionary : numpy.ndarray
        Shape (features, atoms): one atom per column, each of norm at most 1.
    lam : float
        The weight of the L1 penalty in the sparse coding objective (>= 0).
    depth : int
        The number of unrolled ISTA steps T (>= 1).
    name : str, optional
        The model's name (default ``"lista_<depth>"``).

    Returns
    -------
    keras.Model
        From ``x`` (examples, features) to ``{"code": h, "reconstruction": D h}``; the
        layer ``"code"`` (:class:`UnrolledISTA`) holds ``W``, ``S`` and ``theta``.
    """
    from .solvers import check_dictionary, lipschitz_constant

    dictionary = check_dictionary(dictionary, "dictionary", bounded=True).astype(np.float64)
    lam = check_lam(lam)
    depth = check_positive_int(depth, "depth")
    n_features, n_atoms = dictionary.shape
    step = 1.0 / lipschitz_constant(dictionary)
    encoder = UnrolledISTA(depth, 2.0 * step * dictionary,  # W^T = (2 / L) D^T, as a (features, atoms) kernel
                           np.eye(n_atoms) - 2.0 * step * dictionary.T @ dictionary,  # symmetric
                           np.full(n_atoms, lam * step), name="code")
    x = keras.Input(shape=(n_features,), name="x")
    code = encoder(x)
    return keras.Model(x, {"code": code, "reconstruction": _fixed_decoder(dictionary)(code)},
                       name=name or f"lista_{depth}")


# -- sparse auto-encoders -------------------------------------------------------------------

SPARSITY_MECHANISMS = ("none", "l1", "kl", "l1_weights", "topk")
DEFAULT_ACTIVATION = {"none": "relu", "l1": "relu", "kl": "sigmoid", "l1_weights": "relu", "topk": "linear"}


class TopK(keras.layers.Layer):
    """Keep the ``k`` largest values of each example and set the others to 0 (k-sparse, Makhzani & Frey 2013).

    Exactly ``k`` units are kept per example, ties broken by position (a blank patch of a
    digit gives many units the same value), so at most ``k`` are non-zero; the kept values
    pass through unchanged, and so do their gradients.

    ``start_k`` and ``anneal_steps`` (optional) begin training with ``start_k`` winners and
    lower their number linearly to ``k`` over the first ``anneal_steps`` training calls
    (Makhzani & Frey's schedule: units that would never win get a chance to learn first);
    outside training, and after the schedule, exactly ``k`` are kept.
    """

    def __init__(self, k: int, start_k: int | None = None, anneal_steps: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.k = check_positive_int(k, "k")
        self.start_k = self.k if start_k is None else check_positive_int(start_k, "start_k")
        if self.start_k < self.k:
            raise ValueError(f"start_k must be at least k ({self.k}), got {self.start_k}")
        if not isinstance(anneal_steps, (int, np.integer)) or isinstance(anneal_steps, bool) or anneal_steps < 0:
            raise ValueError(f"anneal_steps must be an integer >= 0, got {anneal_steps!r}")
        self.anneal_steps = int(anneal_steps)

    def build(self, input_shape):
        if self.start_k > input_shape[-1]:
            raise ValueError(f"k must be at most the number of units ({input_shape[-1]}), got {self.start_k}")
        self.training_calls = self.add_weight(shape=(), dtype="int64", initializer="zeros",
                                              trainable=False, name="training_calls")

    def winners_now(self, training: bool = False):
        """How many units are kept: ``k``, or during the schedule's training calls more."""
        if not training or self.anneal_steps == 0 or self.start_k == self.k:
            return tf.constant(self.k, tf.int32)
        done = tf.minimum(tf.cast(self.training_calls, tf.float32) / self.anneal_steps, 1.0)
        return tf.cast(tf.round(self.start_k - (self.start_k - self.k) * done), tf.int32)

    def call(self, x, training=False):
        k = self.winners_now(training)
        if training:
            self.training_calls.assign_add(1)
        winners = tf.math.top_k(x, k).indices  # (examples, k)
        rows = tf.broadcast_to(tf.range(tf.shape(x)[0])[:, None], tf.shape(winners))
        kept = tf.scatter_nd(tf.stack([rows, winners], axis=-1), tf.ones_like(winners, x.dtype), tf.shape(x))
        return x * kept

    def get_config(self):
        return {**super().get_config(), "k": self.k, "start_k": self.start_k, "anneal_steps": self.anneal_steps}


class ActivityPenalty(keras.layers.Layer):
    """Passes its input through and adds a sparsity penalty on it to the model's losses.

    ``"l1"``: ``lam`` times the L1 norm, summed over units and averaged over the batch
    (:func:`sparsebook.training.l1_activity_penalty`, ``"example_mean"``), like the
    reconstruction error. ``"kl"``: :func:`sparsebook.training.kl_sparsity_penalty`.
    (Not a Keras ``activity_regularizer``: Keras 3 divides those by the batch size, which
    would count the KL penalty, already a batch statistic, 100 times too little.)
    """

    def __init__(self, mechanism: str, lam: float = 0.0, rho: float = 0.05, beta: float = 3.0, **kwargs):
        super().__init__(**kwargs)
        self.mechanism, self.lam, self.rho, self.beta = mechanism, lam, rho, beta

    def call(self, code):
        from .training import kl_sparsity_penalty, l1_activity_penalty

        if self.mechanism == "l1":
            self.add_loss(l1_activity_penalty(code, self.lam, "example_mean"))
        else:
            self.add_loss(kl_sparsity_penalty(code, self.rho, self.beta))
        return code

    def get_config(self):
        return {**super().get_config(), "mechanism": self.mechanism, "lam": self.lam, "rho": self.rho,
                "beta": self.beta}


def sparse_autoencoder(hidden_units: int = 1024, sparsity: str = "l1", *, lam: float = 0.0, rho: float = 0.05,
                       beta: float = 3.0, k: int | None = None, activation: str | None = None,
                       unit_norm_atoms: bool = True, weight_decay: float = 0.0, seed: int = 0) -> keras.Model:
    """A one-hidden-layer auto-encoder, 784 -> ``hidden_units`` -> 784, sparse by ``sparsity``.

    ``sparsity`` is the mechanism:

    - ``"l1"``: ``lam`` times the L1 norm of the code (per example), ReLU units;
    - ``"kl"``: ``beta`` times the KL divergence of each unit's firing rate on the batch
      from the target rate ``rho`` (Ng's sparse auto-encoder), sigmoid units;
    - ``"l1_weights"``: ``lam`` times the L1 norm of the encoder's WEIGHTS (a Keras
      ``kernel_regularizer``), ReLU units: sparse weights, not a sparse code;
    - ``"topk"``: only the ``k`` largest pre-activations of each example are kept (linear units);
    - ``"none"``: no sparsity (a plain auto-encoder).

    ``activation`` overrides the default unit of the mechanism; KL refuses anything but
    ``"sigmoid"``. The decoder is linear, and each of its atoms (the weights from one hidden
    unit to the 784 pixels) is kept at norm 1 after every step, as a sparse coding
    dictionary is: otherwise a penalty on the code's size could be dodged by shrinking
    the code and growing the atoms. ``unit_norm_atoms=False`` drops that constraint, and
    ``weight_decay`` adds ``weight_decay * sum(W ** 2)`` over both weight matrices (Ng's
    sparse auto-encoder has weight decay and free atoms). Outputs ``"code"`` (examples,
    ``hidden_units``) and ``"reconstruction"`` (examples, 784).
    """
    if sparsity not in SPARSITY_MECHANISMS:
        raise ValueError(f"sparsity must be one of {SPARSITY_MECHANISMS}, got {sparsity!r}")
    hidden_units = check_positive_int(hidden_units, "hidden_units")
    lam, beta, rho = check_lam(lam), check_lam(beta, "beta"), check_rate(rho, "rho")
    weight_decay = check_lam(weight_decay, "weight_decay")
    if not isinstance(unit_norm_atoms, bool):
        raise TypeError(f"unit_norm_atoms must be True or False, got {unit_norm_atoms!r}")
    decay = keras.regularizers.L2(weight_decay) if weight_decay else None
    activation = DEFAULT_ACTIVATION[sparsity] if activation is None else activation
    if sparsity == "kl" and activation != "sigmoid":
        raise ValueError(
            f"the KL penalty compares firing rates in (0, 1) with rho, so it needs sigmoid units, got "
            f"activation={activation!r}: the batch mean of ReLU outputs can be 0 or above 1, where the KL "
            "divergence is undefined. Use activation='sigmoid', or sparsity='l1' for ReLU units."
        )
    if sparsity == "topk":
        if k is None:
            raise ValueError("sparsity='topk' needs k, the number of units kept per example")
        k = check_positive_int(k, "k")
        if k > hidden_units:
            raise ValueError(f"k must be at most hidden_units ({hidden_units}), got {k}")
    elif k is not None:
        raise ValueError(f"k is only used by sparsity='topk', not {sparsity!r}")
    if sparsity in ("none", "topk") and lam:
        raise ValueError(f"lam is not used by sparsity={sparsity!r}; leave it at 0")

    pixels = keras.Input(shape=(N_PIXELS,), name="pixels")
    code = keras.layers.Dense(
        hidden_units, activation=None if sparsity == "topk" else activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=keras.regularizers.L1(lam) if sparsity == "l1_weights" else decay,
        name="encoder",
    )(pixels)
    if sparsity == "topk":
        code = TopK(k, name="topk")(code)
        if activation != "linear":
            code = keras.layers.Activation(activation, name="topk_activation")(code)
    elif sparsity in ("l1", "kl"):
        code = ActivityPenalty(sparsity, lam=lam, rho=rho, beta=beta, name=f"{sparsity}_penalty")(code)
    reconstruction = keras.layers.Dense(
        N_PIXELS,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
        # kernel (hidden, pixels): one atom per row
        kernel_constraint=keras.constraints.UnitNorm(axis=1) if unit_norm_atoms else None,
        kernel_regularizer=decay,
        name="decoder",
    )(code)
    return keras.Model(pixels, {"code": code, "reconstruction": reconstruction}, name=f"sparse_autoencoder_{sparsity}")
