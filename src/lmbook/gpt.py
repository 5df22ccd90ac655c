"""A tiny GPT in Keras 3: build it, train it for N steps, score it in bits per character, sample from it.

The model is a decoder-only Transformer (Radford et al. 2018/2019): token + learned position
embeddings, ``layers`` pre-norm blocks of causal multi-head self-attention and a 4x-wide GELU MLP,
a final LayerNorm, and output logits that reuse the token embedding (``tie_weights=True``) plus a
bias (``output_bias=True``, initialized to the log unigram frequencies when ``unigram_ids`` are
given), so that ``model.count_params()`` equals :func:`lmbook.costs.gpt_params` plus the vocabulary size.

The API is small on purpose (later chapters fine-tune and scale it):

- :class:`GPTConfig` -- the architecture; :func:`build_gpt` -- the Keras model, ids -> logits.
- :class:`TrainConfig` -- steps, batch, peak learning rate, warm-up + cosine decay, clipping, seed;
  :func:`lr_at` -- the schedule as a plain function; :func:`train` -- one XLA-compiled
  ``tf.function`` step in a Python loop, returning :class:`TrainResult` (loss curve, CPU seconds).
- :func:`log_probs` / :func:`bits_per_char` -- score held-out ids with a sliding window.
- :func:`generate` -- sampling with temperature and top-k.
- :func:`pretrained_gpt` -- the book's model on the People's Daily split, trained with a fixed seed
  and cached under ``~/.cache/lmbook/`` (``LMBOOK_CACHE`` overrides); a missing or unreadable cache
  only costs the training time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from lmbook import text as lmtext

__all__ = [
    "GPTConfig",
    "TrainConfig",
    "TrainResult",
    "build_gpt",
    "lr_at",
    "train",
    "log_probs",
    "bits_per_char",
    "generate",
    "mean_loss",
    "pretrained_gpt",
    "cache_dir",
    "cache_key",
]


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class GPTConfig:
    """Architecture of the tiny GPT. ``width`` must be divisible by ``heads``."""

    vocab_size: int
    context: int = 64
    layers: int = 2
    width: int = 64
    heads: int = 4
    tie_weights: bool = True
    output_bias: bool = True
    dropout: float = 0.0

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context", "layers", "width", "heads"):
            _positive_int(name, getattr(self, name))
        if self.width % self.heads:
            raise ValueError(f"width={self.width} must be divisible by heads={self.heads}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")


@keras.saving.register_keras_serializable(package="lmbook")
class CausalSelfAttention(keras.layers.Layer):
    """Multi-head self-attention where position t sees positions <= t: softmax(QK^T/sqrt(d_h) + mask) V."""

    def __init__(self, width: int, heads: int, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.width, self.heads, self.dropout_rate = width, heads, dropout
        self.qkv = keras.layers.Dense(3 * width, name="qkv")
        self.proj = keras.layers.Dense(width, name="proj")
        self.drop = keras.layers.Dropout(dropout)

    def build(self, input_shape):
        self.qkv.build(input_shape)
        self.proj.build(input_shape)
        self.built = True

    def call(self, x, training=False):
        b, t = keras.ops.shape(x)[0], keras.ops.shape(x)[1]
        dh = self.width // self.heads
        qkv = keras.ops.reshape(self.qkv(x), (b, t, 3, self.heads, dh))
        q, k, v = (keras.ops.transpose(qkv[:, :, i], (0, 2, 1, 3)) for i in range(3))  # (b, h, t, dh)
        scores = keras.ops.matmul(q, keras.ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(dh)
        causal = keras.ops.tril(keras.ops.ones((t, t), dtype="bool"))
        scores = keras.ops.where(causal, scores, keras.ops.full_like(scores, -1e9))
        weights = self.drop(keras.ops.softmax(scores, axis=-1), training=training)
        out = keras.ops.transpose(keras.ops.matmul(weights, v), (0, 2, 1, 3))
        return self.proj(keras.ops.reshape(out, (b, t, self.width)))

    def get_config(self):
        return {**super().get_config(), "width": self.width, "heads": self.heads, "dropout": self.dropout_rate}


@keras.saving.register_keras_serializable(package="lmbook")
class Block(keras.layers.Layer):
    """Pre-norm Transformer block: x + attn(LN(x)), then x + MLP(LN(x)) with a 4x GELU hidden layer."""

    def __init__(self, width: int, heads: int, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.width, self.heads, self.dropout_rate = width, heads, dropout
        self.ln1 = keras.layers.LayerNormalization(epsilon=1e-5, name="ln1")
        self.attn = CausalSelfAttention(width, heads, dropout, name="attn")
        self.ln2 = keras.layers.LayerNormalization(epsilon=1e-5, name="ln2")
        self.fc = keras.layers.Dense(4 * width, activation="gelu", name="fc")
        self.out = keras.layers.Dense(width, name="out")
        self.drop = keras.layers.Dropout(dropout)

    def build(self, input_shape):
        for layer in (self.ln1, self.attn, self.ln2, self.fc):
            layer.build(input_shape)
        self.out.build((*input_shape[:-1], 4 * self.width))
        self.built = True

    def call(self, x, training=False):
        x = x + self.drop(self.attn(self.ln1(x), training=training), training=training)
        return x + self.drop(self.out(self.fc(self.ln2(x))), training=training)

    def get_config(self):
        return {**super().get_config(), "width": self.width, "heads": self.heads, "dropout": self.dropout_rate}


@keras.saving.register_keras_serializable(package="lmbook")
class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector per position 0..t-1 (GPT's learned positions) to ``(batch, t, width)`` inputs."""

    def __init__(self, context: int, width: int, initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.context, self.width = context, width
        self.initializer = keras.initializers.get(initializer)

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.context, self.width), initializer=self.initializer, name="embeddings")
        self.built = True

    def call(self, x):
        return x + self.embeddings[None, : keras.ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "context": self.context, "width": self.width}


@keras.saving.register_keras_serializable(package="lmbook")
class TiedLogits(keras.layers.Layer):
    """Logits ``h @ E^T`` that reuse the token embedding matrix ``E`` (weight tying, Press & Wolf 2017)."""

    def __init__(self, embedding: keras.layers.Embedding, use_bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.embedding, self.use_bias = embedding, use_bias

    def build(self, input_shape):
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.embedding.input_dim,), initializer="zeros", name="bias")
        self.built = True

    def call(self, h):
        logits = keras.ops.matmul(h, keras.ops.transpose(self.embedding.embeddings))
        return logits + self.bias if self.use_bias else logits


def build_gpt(config: GPTConfig, *, seed: int = 0, unigram_ids: np.ndarray | None = None) -> keras.Model:
    """The Keras model: int ids ``(batch, t <= context)`` -> logits ``(batch, t, vocab_size)``.

    Weights are initialized from ``seed`` (normal, std 0.02, as in GPT-2), so two builds with the
    same config and seed are identical.
    """
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=0.02, seed=seed)
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    tok = keras.layers.Embedding(config.vocab_size, config.width, embeddings_initializer=init, name="tok_emb")
    x = PositionEmbedding(config.context, config.width, initializer=init, name="pos_emb")(tok(ids))
    if config.dropout:
        x = keras.layers.Dropout(config.dropout)(x)
    for i in range(config.layers):
        x = Block(config.width, config.heads, config.dropout, name=f"block{i}")(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="ln_f")(x)
    if config.tie_weights:
        head = TiedLogits(tok, use_bias=config.output_bias, name="logits")
    else:
        head = keras.layers.Dense(config.vocab_size, use_bias=config.output_bias, kernel_initializer=init, name="logits")
    model = keras.Model(ids, head(x), name="tiny_gpt")
    if config.output_bias and unigram_ids is not None:  # start from the unigram distribution, not uniform
        counts = np.bincount(_check_ids(unigram_ids, config.vocab_size, 1), minlength=config.vocab_size)
        head.bias.assign(np.log((counts + 1.0) / (counts.sum() + config.vocab_size)).astype("float32"))
    return model


@dataclass(frozen=True)
class TrainConfig:
    """How to train: AdamW with linear warm-up to ``peak_lr`` then cosine decay to ``min_lr_ratio * peak_lr``.

    ``schedule="constant"`` keeps ``peak_lr`` throughout (no warm-up, no decay); ``clip_norm=None``
    turns off global-norm gradient clipping.
    """

    steps: int = 1000
    batch_size: int = 32
    peak_lr: float = 3e-3
    warmup_steps: int = 50
    schedule: str = "cosine"
    min_lr_ratio: float = 0.1
    clip_norm: float | None = 1.0
    weight_decay: float = 0.01
    seed: int = 0

    def __post_init__(self) -> None:
        _positive_int("steps", self.steps)
        _positive_int("batch_size", self.batch_size)
        if not self.peak_lr > 0:
            raise ValueError(f"peak_lr must be > 0, got {self.peak_lr!r}")
        if self.schedule not in ("cosine", "constant"):
            raise ValueError(f"schedule must be 'cosine' or 'constant', got {self.schedule!r}")
        if isinstance(self.warmup_steps, bool) or not isinstance(self.warmup_steps, int) or not 0 <= self.warmup_steps < self.steps:
            raise ValueError(f"warmup_steps must be an int in [0, steps), got {self.warmup_steps!r}")
        if not 0 <= self.min_lr_ratio <= 1:
            raise ValueError(f"min_lr_ratio must be in [0, 1], got {self.min_lr_ratio!r}")
        if self.clip_norm is not None and not self.clip_norm > 0:
            raise ValueError(f"clip_norm must be > 0 or None, got {self.clip_norm!r}")


def lr_at(step: int | np.ndarray, config: TrainConfig) -> np.ndarray:
    r"""Learning rate at ``step`` (0-based), from scratch.

    Warm-up :math:`\eta_t = \eta\,t / W` for :math:`t < W`; then
    :math:`\eta_t = \eta\,[r + (1-r)\,\tfrac12(1 + \cos(\pi\,\tfrac{t-W}{S-W}))]` with peak
    :math:`\eta`, :math:`W` warm-up steps, :math:`S` steps and floor ratio :math:`r`.
    This is ``keras.optimizers.schedules.CosineDecay(0, S - W, alpha=r, warmup_target=eta, warmup_steps=W)``.
    """
    t = np.asarray(step, dtype=np.float64)
    if config.schedule == "constant":
        return np.full_like(t, config.peak_lr)
    w, s, r = config.warmup_steps, config.steps, config.min_lr_ratio
    warm = config.peak_lr * t / max(w, 1)
    frac = np.clip((t - w) / max(s - w, 1), 0.0, 1.0)
    decay = config.peak_lr * (r + (1 - r) * 0.5 * (1 + np.cos(np.pi * frac)))
    return np.where(t < w, warm, decay)


def keras_schedule(config: TrainConfig) -> keras.optimizers.schedules.LearningRateSchedule | float:
    """The same schedule as :func:`lr_at`, as Keras' own ``CosineDecay`` object (for the parity check)."""
    if config.schedule == "constant":
        return config.peak_lr
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0 if config.warmup_steps else config.peak_lr,
        decay_steps=config.steps - config.warmup_steps,
        alpha=config.min_lr_ratio,
        warmup_target=config.peak_lr if config.warmup_steps else None,
        warmup_steps=config.warmup_steps,
    )


@dataclass
class TrainResult:
    """What :func:`train` measured: the loss (nats per token) and the global gradient norm (before
    clipping) at every step, its cost, and the held-out evaluations."""

    losses: np.ndarray
    cpu_seconds: float
    wall_seconds: float
    tokens: int
    eval_steps: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=int))
    eval_loss: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    grad_norms: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))  # before clipping

    def smoothed(self, window: int = 50) -> np.ndarray:
        """Running mean of the loss curve over the last ``window`` steps (fewer at the start)."""
        c = np.cumsum(np.insert(self.losses, 0, 0.0))
        idx = np.arange(1, len(self.losses) + 1)
        lo = np.maximum(idx - window, 0)
        return (c[idx] - c[lo]) / (idx - lo)

    def to_dict(self) -> dict:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> TrainResult:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: (np.asarray(v) if isinstance(v, list) else v) for k, v in d.items() if k in known})


def _check_ids(ids: object, vocab_size: int, minimum: int) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError("ids must be a 1-D integer array (encode the text with lmbook.text.Vocab)")
    if len(arr) < minimum:
        raise ValueError(f"need at least {minimum} ids, got {len(arr)}")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"ids must lie in [0, {vocab_size}) for this model; got {arr.min()}..{arr.max()}")
    return arr.astype(np.int32)


def _context(model: keras.Model) -> int:
    return int(model.get_layer("pos_emb").context)


class _Stepper:
    """One compiled AdamW step for one model; reused by every :func:`train` call on that model.

    Learning rate and clipping norm are inputs of the step (not constants baked into the graph), so
    runs with different schedules or without clipping share one XLA compilation.
    """

    def __init__(self, model: keras.Model, weight_decay: float):
        self.model, self.weight_decay = model, weight_decay
        self.optimizer = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=weight_decay, beta_2=0.99)
        self.optimizer.exclude_from_weight_decay(var_names=["gamma", "beta", "bias", "pos_emb"])
        self.variables = model.trainable_variables
        self.optimizer.build(self.variables)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer, variables = self.optimizer, self.variables

        @tf.function(jit_compile=True)
        def step(x, y, lr, clip_norm):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, variables)
            grads, norm = tf.clip_by_global_norm(grads, clip_norm)
            optimizer.learning_rate.assign(lr)
            optimizer.apply_gradients(zip(grads, variables))
            return loss, norm

        self.step = step

    def reset(self) -> None:
        """Zero the optimizer's moments and step counter (a fresh AdamW for a new run)."""
        for v in self.optimizer.variables:
            v.assign(tf.zeros_like(v))


def _compiled(model: keras.Model, name: str, make):
    """One ``tf.function`` per model and purpose, kept on the model (no retracing on every call)."""
    cache = model.__dict__.setdefault("_lmbook_functions", {})
    if name not in cache:
        cache[name] = make()
    return cache[name]


def mean_loss(model: keras.Model, ids: np.ndarray) -> float:
    """Mean next-token cross-entropy (nats per token) of ``model`` on ``ids`` (see :func:`log_probs`)."""
    return float(-log_probs(model, ids).mean())


def train(
    model: keras.Model,
    ids: np.ndarray,
    config: TrainConfig,
    *,
    eval_ids: np.ndarray | None = None,
    eval_every: int = 0,
    log_every: int = 0,
    stop_after: int | None = None,
) -> TrainResult:
    """Train ``model`` on random windows of ``ids`` for ``config.steps`` AdamW steps; return the loss curve.

    Step ``i`` takes ``batch_size`` windows of ``context + 1`` ids at offsets drawn with
    ``numpy.random.default_rng(config.seed)``, minimizes the mean next-token cross-entropy with the
    learning rate :func:`lr_at` ``(i)``, after clipping the global gradient norm to ``clip_norm``.
    The step is one ``tf.function(jit_compile=True)``, compiled once per model: calling ``train``
    again continues from the model's current weights with a fresh optimizer. CPU seconds are
    ``time.process_time()`` around the loop (the first call includes compilation). With
    ``eval_ids`` the mean loss on them is recorded every ``eval_every`` steps; ``log_every`` prints a
    line every so many steps. ``stop_after`` ends the run early: the first steps of a longer run,
    same learning rates and batches.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    vocab_size = int(model.output_shape[-1])
    ctx = _context(model)
    data = _check_ids(ids, vocab_size, ctx + 2)
    if eval_ids is not None:
        _check_ids(eval_ids, vocab_size, 2)
        eval_every = _positive_int("eval_every", eval_every)
    stepper = model.__dict__.get("_lmbook_stepper")  # kept outside Keras' attribute tracking
    if stepper is None or stepper.weight_decay != config.weight_decay:
        stepper = _Stepper(model, config.weight_decay)
        model.__dict__["_lmbook_stepper"] = stepper
    n_steps = config.steps if stop_after is None else min(_positive_int("stop_after", stop_after), config.steps)
    stepper.reset()
    rates = lr_at(np.arange(config.steps), config).astype(np.float32)
    clip = tf.constant(1e30 if config.clip_norm is None else config.clip_norm, dtype=tf.float32)  # 1e30: never reached (inf would give 0 * inf)
    rng = np.random.default_rng(config.seed)
    offsets = np.arange(ctx + 1)
    losses, norms = np.empty(n_steps), np.empty(n_steps)
    eval_steps, eval_loss = [], []
    cpu, wall = 0.0, 0.0
    for i in range(n_steps):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        start = rng.integers(0, len(data) - ctx - 1, size=config.batch_size)
        windows = data[start[:, None] + offsets]
        loss, norm = stepper.step(windows[:, :-1], windows[:, 1:], rates[i], clip)
        losses[i], norms[i] = float(loss), float(norm)
        cpu += time.process_time() - cpu0
        wall += time.perf_counter() - wall0
        if not np.isfinite(losses[i]):
            raise FloatingPointError(f"the loss became {losses[i]} at step {i}; lower peak_lr or keep clipping on")
        if eval_ids is not None and ((i + 1) % eval_every == 0 or i + 1 == n_steps):
            eval_steps.append(i + 1)
            eval_loss.append(mean_loss(model, eval_ids))
        if log_every and ((i + 1) % log_every == 0 or i + 1 == n_steps):
            extra = f", held-out {eval_loss[-1]:.3f}" if eval_steps and eval_steps[-1] == i + 1 else ""
            print(f"step {i + 1:>6}: loss {losses[max(0, i - log_every + 1) : i + 1].mean():.3f} nats{extra}, "
                  f"{cpu:.0f} CPU s", flush=True)
    return TrainResult(
        losses=losses,
        cpu_seconds=cpu,
        wall_seconds=wall,
        tokens=n_steps * config.batch_size * ctx,
        eval_steps=np.array(eval_steps, dtype=int),
        eval_loss=np.array(eval_loss),
        grad_norms=norms,
    )


def log_probs(model: keras.Model, ids: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
    """Natural log-probability of every id after the first: ``log p(ids[t] | up to c previous ids)``.

    Windows of the model's context ``c`` advance by ``c // 2``; the first window scores all its
    positions, each later one only its second half, so every id after the first ``c`` is predicted
    from at least ``c // 2 + 1`` ids of context and each id is scored exactly once.
    Returns ``len(ids) - 1`` values.
    """
    vocab_size = int(model.output_shape[-1])
    c = _context(model)
    data = _check_ids(ids, vocab_size, 2)
    half = max(c // 2, 1)
    n_targets = len(data) - 1
    n_windows = math.ceil(max(n_targets - c, 0) / half) + 1
    padded = np.zeros((n_windows - 1) * half + c + 1, dtype=np.int32)
    padded[: len(data)] = data
    starts = np.arange(n_windows) * half
    windows = padded[starts[:, None] + np.arange(c + 1)]
    fn = _compiled(model, "log_softmax", lambda: tf.function(
        lambda x: tf.nn.log_softmax(model(x, training=False), axis=-1), jit_compile=True))
    picked = np.empty((n_windows, c))
    for b in range(0, n_windows, batch_size):
        chunk = windows[b : b + batch_size]
        lp = fn(tf.constant(chunk[:, :-1])).numpy()
        picked[b : b + batch_size] = np.take_along_axis(lp, chunk[:, 1:, None].astype(np.int64), axis=-1)[..., 0]
    target = starts[:, None] + 1 + np.arange(c)  # position of the id each prediction scores
    keep = (target <= n_targets) & ((np.arange(c) >= c - half) | (starts[:, None] == 0))
    out = np.empty(n_targets)
    out[target[keep] - 1] = picked[keep]
    return out


def bits_per_char(model: keras.Model, vocab: lmtext.Vocab, text: str) -> float:
    """Bits per character of ``text``: the model's log-probabilities of its character ids (all but the
    first), plus the spelling fallback of the out-of-vocabulary characters, over ``len(text) - 1``."""
    if not isinstance(text, str) or len(text) < 2:
        raise ValueError("text must be a str of at least 2 characters")
    lp = log_probs(model, vocab.encode(text))
    return lmtext.bits_per_char(lp.sum() + vocab.oov_log_prob(text[1:]), len(text) - 1)


def generate(
    model: keras.Model,
    prompt: np.ndarray,
    n_new: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Sample ``n_new`` ids after ``prompt`` (1-D, or 2-D for a batch of prompts of equal length).

    Each step divides the last logits by ``temperature`` (0 means greedy: always the most likely id),
    keeps the ``top_k`` largest (all if None), and samples from their softmax with
    ``numpy.random.default_rng(seed)``. Returns the prompt followed by the new ids.
    """
    vocab_size = int(model.output_shape[-1])
    c = _context(model)
    p = np.asarray(prompt)
    single = p.ndim == 1
    p = np.atleast_2d(p)
    if p.shape[1] < 1:
        raise ValueError("the prompt must hold at least one id")
    _check_ids(p.ravel(), vocab_size, 1)
    _positive_int("n_new", n_new)
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0, got {temperature!r}")
    if top_k is not None:
        top_k = _positive_int("top_k", top_k)
    rng = np.random.default_rng(seed)
    # one fixed input shape (batch, c): right-padding cannot change earlier positions of a causal model
    fn = _compiled(model, "last_logits", lambda: tf.function(
        lambda x, at: tf.gather(model(x, training=False), at, axis=1, batch_dims=0)))
    out = p.astype(np.int32)
    for _ in range(n_new):
        window = out[:, -c:]
        at = window.shape[1] - 1
        x = np.zeros((len(out), c), dtype=np.int32)
        x[:, : window.shape[1]] = window
        logits = fn(tf.constant(x), tf.constant(at)).numpy().astype(np.float64)
        if temperature == 0:
            nxt = logits.argmax(axis=-1)
        else:
            logits = logits / temperature
            if top_k is not None and top_k < vocab_size:
                kth = np.sort(logits, axis=-1)[:, -top_k][:, None]
                logits = np.where(logits >= kth, logits, -np.inf)
            probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
            probs /= probs.sum(axis=-1, keepdims=True)
            nxt = np.array([rng.choice(vocab_size, p=row) for row in probs])
        out = np.concatenate([out, nxt[:, None].astype(np.int32)], axis=1)
    return out[0] if single else out


# --------------------------------------------------------------------------- the book's pretrained model

#: The chapter's model and recipe. The pretraining takes minutes on 2 CPU cores, far more than a
#: chapter's budget; the weights are therefore cached (and shipped in the package, see
#: :func:`pretrained_gpt`). The training is seeded: rerunning it gives the same model.
BOOK_VOCAB_SIZE = 3000
BOOK_MODEL = GPTConfig(vocab_size=BOOK_VOCAB_SIZE, context=64, layers=2, width=64, heads=4)
BOOK_TRAINING = TrainConfig(steps=6000, batch_size=16, peak_lr=1e-2, warmup_steps=200, seed=0)
CACHE_ENV = "LMBOOK_CACHE"
_SHIPPED = Path(__file__).resolve().parent / "weights"


def cache_dir() -> Path:
    """Where :func:`pretrained_gpt` keeps weights: ``$LMBOOK_CACHE`` or ``~/.cache/lmbook``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "lmbook")


def cache_key(model_config: GPTConfig, train_config: TrainConfig, split: lmtext.CorpusSplit) -> str:
    """16 hex digits that change with the architecture, the recipe or the training text."""
    blob = json.dumps(
        {
            "model": dataclasses.asdict(model_config),
            "train": dataclasses.asdict(train_config),
            "split": [split.seed, split.block_lines, hashlib.sha256(split.train.encode()).hexdigest()],
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _try_load(model: keras.Model, weights: Path) -> dict | None:
    meta = weights.with_name(weights.name.replace(".weights.h5", ".json"))
    if not (weights.is_file() and meta.is_file()):
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        model.load_weights(weights)
    except Exception:  # a truncated, foreign or incompatible file: the caller retrains
        return None
    return info


def pretrained_gpt(
    model_config: GPTConfig = BOOK_MODEL,
    train_config: TrainConfig = BOOK_TRAINING,
    *,
    split: lmtext.CorpusSplit | None = None,
    use_cache: bool = True,
    log_every: int = 0,
) -> tuple[keras.Model, lmtext.Vocab, dict]:
    """The book's GPT pretrained on the People's Daily training text, with its character vocabulary.

    Returns ``(model, vocab, info)``. ``info["source"]`` says where the weights came from:
    ``"shipped"`` (``lmbook/weights/`` inside the package), ``"cache"`` (:func:`cache_dir`) or
    ``"trained"`` (just now); ``info["result"]`` is the :class:`TrainResult` of the run that made
    them (its loss curve and CPU seconds, stored next to the weights). Files are named
    ``gpt-<cache_key>.weights.h5`` / ``.json``; a missing, partial or unreadable file is ignored and
    the model retrained (seeded, so the same model up to floating-point differences between
    machines) -- a missing cache costs time, never correctness.
    """
    split = lmtext.peoples_daily_split() if split is None else split
    vocab = lmtext.Vocab.from_tokens(split.train, max_size=model_config.vocab_size)
    if len(vocab) != model_config.vocab_size:
        raise ValueError(f"the training text has only {len(vocab)} distinct tokens; use vocab_size={len(vocab)}")
    train_ids = vocab.encode(split.train)
    model = build_gpt(model_config, seed=train_config.seed, unigram_ids=train_ids)
    name = f"gpt-{cache_key(model_config, train_config, split)}"
    if use_cache:
        for source, folder in (("shipped", _SHIPPED), ("cache", cache_dir())):
            info = _try_load(model, folder / f"{name}.weights.h5")
            if info is not None:
                return model, vocab, {"source": source, "result": TrainResult.from_dict(info["result"]), "name": name}
        model = build_gpt(model_config, seed=train_config.seed, unigram_ids=train_ids)  # a failed load may have written
    held = vocab.encode(split.validation[:20_000])  # a held-out curve for the chapter's figure
    result = train(model, train_ids, train_config, eval_ids=held, eval_every=max(train_config.steps // 16, 1),
                   log_every=log_every)
    if use_cache:
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f"{name}.{os.getpid()}.tmp"
            model.save_weights(f"{tmp}.weights.h5")
            Path(f"{tmp}.json").write_text(json.dumps({"result": result.to_dict()}), encoding="utf-8")
            os.replace(f"{tmp}.weights.h5", folder / f"{name}.weights.h5")  # atomic: readers see all or nothing
            os.replace(f"{tmp}.json", folder / f"{name}.json")
        except OSError:
            pass  # a read-only home costs only time next run
    return model, vocab, {"source": "trained", "result": result, "name": name}
