r"""Attention from scratch in NumPy, checked against ``keras.layers.MultiHeadAttention``.

- :func:`scaled_dot_product_attention`: :math:`\operatorname{softmax}(QK^\top/\sqrt{d_k} + M)\,V`
  (Vaswani et al. 2017, eq. 1), with an optional boolean mask (``True`` = may attend);
- :func:`causal_mask`: position :math:`i` may attend to positions :math:`j \le i` (with an offset
  when the queries are the last few positions of a longer sequence, as in a key-value cache);
- :class:`MultiHeadWeights` and :func:`multi_head_attention`: :math:`h` heads with the weight
  layout of Keras (``query/kernel`` of shape ``(d_model, h, d_k)`` and so on), so a Keras layer's
  weights can be copied in with :meth:`MultiHeadWeights.from_keras`;
- :func:`sinusoidal_positions`: :math:`PE_{p,2i} = \sin(p/10000^{2i/d})`,
  :math:`PE_{p,2i+1} = \cos(p/10000^{2i/d})`;
- :class:`TinyDecoder`: a decoder-only Transformer (pre-norm, tied embeddings) whose
  :meth:`~TinyDecoder.generate` runs with or without a key-value cache, for measuring what the
  cache saves and checking that it changes nothing else.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MASK_VALUE",
    "softmax",
    "causal_mask",
    "scaled_dot_product_attention",
    "sinusoidal_positions",
    "MultiHeadWeights",
    "multi_head_attention",
    "TinyDecoder",
]

#: Added to the scores of masked positions (Keras uses a large finite negative number too, so a
#: fully masked row gives uniform weights instead of NaN). ``exp`` of it underflows to exactly 0.
MASK_VALUE = -1e9


def _array(name: str, value: object, ndim_min: int = 1) -> np.ndarray:
    if hasattr(value, "numpy"):
        value = value.numpy()
    if not isinstance(value, (np.ndarray, list, tuple)):
        raise TypeError(f"{name} must be an array (NumPy, TensorFlow or a nested list), got {type(value).__name__}")
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype("float64")
    if arr.ndim < ndim_min:
        raise ValueError(f"{name} must have at least {ndim_min} dimensions, got shape {arr.shape}")
    return arr


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Numerically stable softmax: :math:`e^{x_j - \max x} / \sum_k e^{x_k - \max x}` along ``axis``."""
    x = _array("x", x)
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def causal_mask(n_queries: int, n_keys: int | None = None) -> np.ndarray:
    """Boolean ``(n_queries, n_keys)`` mask, ``True`` where query ``i`` may attend to key ``j``.

    The queries are the *last* ``n_queries`` positions of a sequence of ``n_keys`` (default: the
    same length), so query ``i`` sits at position ``n_keys - n_queries + i`` and sees keys up to
    and including that position. With equal lengths this is the lower triangle, as Keras'
    ``use_causal_mask=True``.
    """
    n_keys = n_queries if n_keys is None else n_keys
    for name, n in (("n_queries", n_queries), ("n_keys", n_keys)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be an int >= 1, got {n!r}")
    if n_queries > n_keys:
        raise ValueError(f"n_queries ({n_queries}) cannot exceed n_keys ({n_keys}): queries are the last positions")
    offset = n_keys - n_queries
    return np.arange(n_keys)[None, :] <= (np.arange(n_queries)[:, None] + offset)


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Return ``(output, weights)`` for :math:`\operatorname{softmax}(QK^\top/\sqrt{d_k})V`.

    Shapes: ``q`` ``(..., n_q, d_k)``, ``k`` ``(..., n_k, d_k)``, ``v`` ``(..., n_k, d_v)``; leading
    dimensions (batch, heads) broadcast. ``mask`` is boolean, broadcastable to ``(..., n_q, n_k)``,
    ``True`` where attending is allowed; masked scores get :data:`MASK_VALUE`.
    """
    q, k, v = _array("q", q, 2), _array("k", k, 2), _array("v", v, 2)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"queries and keys need the same last dimension d_k, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"keys and values need the same number of positions, got {k.shape[-2]} and {v.shape[-2]}")
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) / math.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            raise TypeError(f"mask must be boolean (True = may attend), got dtype {mask.dtype}")
        try:
            np.broadcast_shapes(mask.shape, scores.shape)
        except ValueError:
            raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores' shape {scores.shape}") from None
        scores = np.where(mask, scores, MASK_VALUE)
    weights = softmax(scores, axis=-1)
    return np.matmul(weights, v), weights


def sinusoidal_positions(length: int, dim: int, base: float = 10000.0) -> np.ndarray:
    r"""Sinusoidal position encodings of Vaswani et al. (2017, §3.5), shape ``(length, dim)``.

    :math:`PE_{p,2i} = \sin(p\,\omega_i)`, :math:`PE_{p,2i+1} = \cos(p\,\omega_i)` with
    :math:`\omega_i = \text{base}^{-2i/\text{dim}}`: wavelengths from :math:`2\pi` to
    :math:`2\pi\cdot\text{base}`.
    """
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be an int >= 1, got {length!r}")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2 or dim % 2:
        raise ValueError(f"dim must be an even int >= 2 (sines and cosines come in pairs), got {dim!r}")
    if not base > 1:
        raise ValueError(f"base must be > 1, got {base!r}")
    omega = base ** (-np.arange(0, dim, 2) / dim)
    angles = np.arange(length)[:, None] * omega[None, :]
    pe = np.empty((length, dim))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


@dataclass
class MultiHeadWeights:
    """Weights of one multi-head attention layer, in Keras' layout.

    ``wq``, ``wk``: ``(d_model, h, d_k)``; ``wv``: ``(d_model, h, d_v)``; biases ``(h, d_k)`` or
    ``(h, d_v)``; ``wo``: ``(h, d_v, d_out)``; ``bo``: ``(d_out,)``.
    """

    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    wv: np.ndarray
    bv: np.ndarray
    wo: np.ndarray
    bo: np.ndarray

    def __post_init__(self) -> None:
        if self.wq.ndim != 3 or self.wk.shape != self.wq.shape or self.wo.ndim != 3:
            raise ValueError("wq and wk must both be (d_model, heads, key_dim) and wo (heads, value_dim, d_out)")
        if self.wv.shape[1] != self.wq.shape[1] or self.wo.shape[:2] != self.wv.shape[1:]:
            raise ValueError(f"inconsistent head shapes: wv {self.wv.shape}, wo {self.wo.shape}")

    @property
    def num_heads(self) -> int:
        return int(self.wq.shape[1])

    @property
    def key_dim(self) -> int:
        return int(self.wq.shape[2])

    @classmethod
    def from_keras(cls, layer: object) -> "MultiHeadWeights":
        """Copy the weights of a built ``keras.layers.MultiHeadAttention`` (with biases)."""
        names = ("query", "key", "value", "attention_output")
        found = {}
        for w in getattr(layer, "weights", []):
            parts = w.path.split("/")
            if len(parts) >= 2 and parts[-2] in names:
                found[f"{parts[-2]}/{parts[-1]}"] = np.asarray(w.numpy())
        wanted = [f"{n}/{p}" for n in names for p in ("kernel", "bias")]
        missing = [k for k in wanted if k not in found]
        if missing:
            raise ValueError(
                f"expected a built keras MultiHeadAttention with use_bias=True; missing {missing}. "
                "Call the layer once on data before copying its weights."
            )
        return cls(*(found[k] for k in wanted))

    @classmethod
    def random(
        cls, rng: np.random.Generator, d_model: int, num_heads: int, key_dim: int, *, dtype: str = "float32"
    ) -> "MultiHeadWeights":
        """Glorot-uniform-like random weights and zero biases (as Keras initialises them)."""
        if not isinstance(rng, np.random.Generator):
            raise TypeError("rng must be a numpy Generator, e.g. np.random.default_rng(seed)")
        h, k = num_heads, key_dim
        lim_in = math.sqrt(6 / (d_model + h * k))
        u = lambda *shape: rng.uniform(-lim_in, lim_in, size=shape).astype(dtype)  # noqa: E731
        z = lambda *shape: np.zeros(shape, dtype=dtype)  # noqa: E731
        return cls(u(d_model, h, k), z(h, k), u(d_model, h, k), z(h, k), u(d_model, h, k), z(h, k),
                   u(h, k, d_model), z(d_model))


def _project(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(..., n, d) -> (..., h, n, k)``: one linear map per head (one matrix product for all heads)."""
    d, h, k = w.shape
    y = (x @ w.reshape(d, h * k) + b.reshape(h * k)).reshape(*x.shape[:-1], h, k)
    return np.swapaxes(y, -2, -3)


def _merge(heads: np.ndarray, wo: np.ndarray, bo: np.ndarray) -> np.ndarray:
    """``(..., h, n, v) -> (..., n, d_out)``: concatenate the heads, then the output projection."""
    h, v, d_out = wo.shape
    concat = np.swapaxes(heads, -2, -3)
    return concat.reshape(*concat.shape[:-2], h * v) @ wo.reshape(h * v, d_out) + bo


def multi_head_attention(
    query: np.ndarray,
    value: np.ndarray,
    weights: MultiHeadWeights,
    *,
    key: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    causal: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Multi-head attention as Keras computes it; returns ``(output, attention_weights)``.

    :math:`\text{head}_i = \operatorname{Attention}(XW_i^Q + b_i^Q, YW_i^K + b_i^K, YW_i^V + b_i^V)`,
    output :math:`\sum_i \text{head}_i W_i^O + b^O`. ``query`` ``(batch, n_q, d)``, ``value``
    (and ``key``, default ``value``) ``(batch, n_k, d)``; ``mask`` boolean ``(batch, n_q, n_k)``
    (Keras' ``attention_mask``); ``causal=True`` adds :func:`causal_mask`. The weights come back
    with shape ``(batch, heads, n_q, n_k)``, as Keras' ``return_attention_scores=True``.
    """
    if not isinstance(weights, MultiHeadWeights):
        raise TypeError("weights must be a MultiHeadWeights (MultiHeadWeights.from_keras(layer) or .random(...))")
    query = _array("query", query, 2)
    value = _array("value", value, 2)
    key = value if key is None else _array("key", key, 2)
    d_model = weights.wq.shape[0]
    for name, arr in (("query", query), ("key", key), ("value", value)):
        if arr.shape[-1] != d_model:
            raise ValueError(f"{name} has width {arr.shape[-1]} but the weights expect d_model = {d_model}")
    q = _project(query, weights.wq, weights.bq)
    k = _project(key, weights.wk, weights.bk)
    v = _project(value, weights.wv, weights.bv)
    full_mask = None
    if mask is not None:
        full_mask = np.asarray(mask)
        if full_mask.dtype != np.bool_:
            raise TypeError(f"mask must be boolean (True = may attend), got dtype {full_mask.dtype}")
        full_mask = full_mask[..., None, :, :]  # broadcast over heads
    if causal:
        tri = causal_mask(query.shape[-2], key.shape[-2])
        full_mask = tri if full_mask is None else (full_mask & tri)
    heads, attn = scaled_dot_product_attention(q, k, v, full_mask)
    return _merge(heads, weights.wo, weights.bo), attn


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


class TinyDecoder:
    """A decoder-only Transformer in NumPy: token embedding plus sinusoidal positions, pre-norm
    blocks of causal multi-head attention and a ReLU MLP (width ``4 * d_model``), a final
    LayerNorm and a linear read-out to the vocabulary.

    Random weights (seeded); it is a vehicle for measuring generation, not a trained model.
    :meth:`forward` runs the whole sequence at once; :meth:`generate` decodes greedily, either by
    re-running :meth:`forward` on the growing sequence (``use_cache=False``) or by keeping every
    layer's keys and values and computing only the newest position (``use_cache=True``).
    """

    def __init__(
        self,
        vocab_size: int,
        d_model: int = 64,
        num_heads: int = 4,
        num_layers: int = 2,
        max_len: int = 512,
        *,
        seed: int = 0,
        dtype: str = "float32",
    ) -> None:
        for name, val in (("vocab_size", vocab_size), ("d_model", d_model), ("num_heads", num_heads),
                          ("num_layers", num_layers), ("max_len", max_len)):
            if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 1:
                raise ValueError(f"{name} must be an int >= 1, got {val!r}")
        if d_model % num_heads or d_model % 2:
            raise ValueError(f"d_model ({d_model}) must be even and divisible by num_heads ({num_heads})")
        rng = np.random.default_rng(seed)
        self.vocab_size, self.d_model, self.num_heads = vocab_size, d_model, num_heads
        self.num_layers, self.max_len, self.dtype = num_layers, max_len, np.dtype(dtype)
        self.key_dim = d_model // num_heads
        self.embedding = (rng.normal(0, 1, (vocab_size, d_model))).astype(dtype)
        self.positions = sinusoidal_positions(max_len, d_model).astype(dtype)
        self.blocks = []
        for _ in range(num_layers):
            attn = MultiHeadWeights.random(rng, d_model, num_heads, self.key_dim, dtype=dtype)
            self.blocks.append({
                "attn": attn,
                "ln1": (np.ones(d_model, dtype), np.zeros(d_model, dtype)),
                "ln2": (np.ones(d_model, dtype), np.zeros(d_model, dtype)),
                "w1": (rng.normal(0, 1 / math.sqrt(d_model), (d_model, 4 * d_model))).astype(dtype),
                "b1": np.zeros(4 * d_model, dtype),
                "w2": (rng.normal(0, 1 / math.sqrt(4 * d_model), (4 * d_model, d_model))).astype(dtype),
                "b2": np.zeros(d_model, dtype),
            })
        self.ln_f = (np.ones(d_model, dtype), np.zeros(d_model, dtype))
        self.readout = (rng.normal(0, 1 / math.sqrt(d_model), (d_model, vocab_size))).astype(dtype)

    def _tokens(self, tokens: object) -> np.ndarray:
        arr = np.asarray(tokens)
        if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"tokens must be a 1-D sequence of ints, got {arr.dtype} of shape {arr.shape}")
        if arr.size and (arr.min() < 0 or arr.max() >= self.vocab_size):
            raise ValueError(f"token ids must lie in [0, {self.vocab_size}), got {arr.min()}..{arr.max()}")
        return arr

    def _mlp(self, block: dict, x: np.ndarray) -> np.ndarray:
        h = _layer_norm(x, *block["ln2"])
        return np.maximum(h @ block["w1"] + block["b1"], 0) @ block["w2"] + block["b2"]

    def _logits(self, x: np.ndarray) -> np.ndarray:
        return _layer_norm(x, *self.ln_f) @ self.readout

    def forward(self, tokens: object) -> np.ndarray:
        """Logits ``(n, vocab_size)`` for every position of ``tokens`` (causal: row t sees tokens <= t)."""
        tokens = self._tokens(tokens)
        n = len(tokens)
        if not 1 <= n <= self.max_len:
            raise ValueError(f"sequence length must be 1..{self.max_len}, got {n}")
        x = self.embedding[tokens] + self.positions[:n]
        for block in self.blocks:
            h = _layer_norm(x, *block["ln1"])[None]
            a, _ = multi_head_attention(h, h, block["attn"], causal=True)
            x = x + a[0]
            x = x + self._mlp(block, x)
        return self._logits(x)

    def new_cache(self) -> dict:
        """Empty key/value cache: per layer ``(heads, max_len, key_dim)`` arrays and a length."""
        shape = (self.num_layers, self.num_heads, self.max_len, self.key_dim)
        return {"k": np.zeros(shape, self.dtype), "v": np.zeros(shape, self.dtype), "length": 0}

    def step(self, token: int, cache: dict) -> np.ndarray:
        """Feed one token at the next position; update ``cache`` in place; return its logits ``(vocab,)``."""
        t = cache["length"]
        if t >= self.max_len:
            raise ValueError(f"the cache is full ({self.max_len} positions)")
        (token,) = self._tokens([token])
        x = self.embedding[token] + self.positions[t]
        for i, block in enumerate(self.blocks):
            w = block["attn"]
            h = _layer_norm(x, *block["ln1"])
            q = _project(h[None], w.wq, w.bq)  # (heads, 1, key_dim)
            cache["k"][i, :, t] = _project(h[None], w.wk, w.bk)[:, 0]
            cache["v"][i, :, t] = _project(h[None], w.wv, w.bv)[:, 0]
            heads, _ = scaled_dot_product_attention(q, cache["k"][i, :, : t + 1], cache["v"][i, :, : t + 1])
            x = x + _merge(heads, w.wo, w.bo)[0]
            x = x + self._mlp(block, x)
        cache["length"] = t + 1
        return self._logits(x)

    def generate(
        self,
        prompt: object,
        n_new: int,
        *,
        use_cache: bool = True,
        temperature: float = 0.0,
        seed: int = 0,
        step_seconds: list | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        r"""Decode ``n_new`` tokens; return ``(tokens, logits)`` (the new ids and the logits they came from).

        ``temperature=0`` is greedy (argmax); otherwise token ``t`` is
        :math:`\arg\max_j (z_j/T + g_j)` with Gumbel noise :math:`g` drawn from ``seed`` -- a
        sample from :math:`\operatorname{softmax}(z/T)` that uses the same random numbers
        whether or not the cache is on. If ``step_seconds`` is a list, the CPU time
        (``time.thread_time``) spent on each new token is appended to it (the prompt's prefill
        counts towards the first).
        """
        prompt = self._tokens(prompt)
        if isinstance(n_new, bool) or not isinstance(n_new, (int, np.integer)) or n_new < 1:
            raise ValueError(f"n_new must be an int >= 1, got {n_new!r}")
        if len(prompt) < 1 or len(prompt) + n_new > self.max_len:
            raise ValueError(f"need 1 <= len(prompt) and len(prompt) + n_new <= max_len = {self.max_len}")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or temperature < 0:
            raise ValueError(f"temperature must be a number >= 0, got {temperature!r}")
        noise = np.random.default_rng(seed).gumbel(size=(n_new, self.vocab_size)) if temperature > 0 else None
        seq = [int(t) for t in prompt]
        out_tokens, out_logits = [], []
        cache = self.new_cache() if use_cache else None
        clock = time.thread_time()
        for i in range(n_new):
            if use_cache:
                for tok in seq[cache["length"]:]:  # the prompt at first, then the last new token
                    logits = self.step(tok, cache)
            else:
                logits = self.forward(np.asarray(seq))[-1]
            nxt = int(np.argmax(logits if noise is None else logits / temperature + noise[i]))
            out_tokens.append(nxt)
            out_logits.append(logits)
            seq.append(nxt)
            if step_seconds is not None:
                now = time.thread_time()
                step_seconds.append(now - clock)
                clock = now
        return np.asarray(out_tokens), np.stack(out_logits)
