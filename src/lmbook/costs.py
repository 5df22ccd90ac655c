r"""What makes a model large, as arithmetic: parameters, memory, training compute and time.

Parameter counts follow Keras' layer conventions exactly (biases included unless switched off),
so that each formula can be checked against ``model.count_params()``:

- ``Dense``:              :math:`n_\text{in}\,u + u`
- ``Conv2D``:             :math:`k_h k_w c_\text{in} f + f`
- ``LSTM``:               :math:`4\,(n_\text{in} u + u^2 + u)`
- ``GRU`` (reset_after):  :math:`3\,(n_\text{in} u + u^2 + 2u)`
- ``Embedding``:          :math:`V d`
- ``MultiHeadAttention``: :math:`h k (d_q + d_k) + h v\,d_v + 2hk + hv + h v\,d_o + d_o`
- ``LayerNormalization``: :math:`2d`; ``BatchNormalization``: :math:`4d` (2d of them not trained)

Training compute uses the standard estimate :math:`C \approx 6ND` FLOPs for ``N`` parameters and
``D`` training tokens (2 for the forward pass, 4 for the backward pass, per parameter per token).

Distributed training (Part V): bytes a ring all-reduce moves, its time in the latency-bandwidth
(:math:`\alpha`-:math:`\beta`) model, model state per device under model parallelism and ZeRO
sharding, and the idle share of a pipeline.

Scaling laws and money (Part V): the parametric loss :math:`L(N, D) = E + A/N^\alpha + B/D^\beta`
with the published constants, the compute-optimal split of a FLOP budget, GPU-hours, and the
cost of serving tokens.
"""

from __future__ import annotations

import numbers

__all__ = [
    "BYTES",
    "dense_params",
    "conv2d_params",
    "lstm_params",
    "gru_params",
    "embedding_params",
    "multi_head_attention_params",
    "layer_norm_params",
    "batch_norm_params",
    "transformer_block_params",
    "gpt_params",
    "training_memory_bytes",
    "training_flops",
    "training_time_seconds",
    "ring_allreduce_bytes",
    "allreduce_seconds",
    "sharded_state_bytes",
    "pipeline_bubble_fraction",
    "CHINCHILLA_FITS",
    "chinchilla_loss",
    "compute_optimal_split",
    "gpu_hours",
    "serving_cost_per_million_tokens",
]

#: Bytes per value for the number formats the book uses.
BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}


def _count(name: str, value: object, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` (bools and floats rejected, NumPy integers accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _positive(name: str, value: object) -> float:
    """A finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not (value > 0 and value < float("inf")):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def dense_params(n_in: int, units: int, *, use_bias: bool = True) -> int:
    r"""``Dense(units)`` on ``n_in`` features: weight matrix :math:`n_\text{in} \times u` plus :math:`u` biases."""
    n_in, units = _count("n_in", n_in), _count("units", units)
    return n_in * units + (units if use_bias else 0)


def conv2d_params(kernel_size: int | tuple[int, int], in_channels: int, filters: int, *, use_bias: bool = True) -> int:
    r"""``Conv2D(filters, kernel_size)``: :math:`k_h k_w c_\text{in} f + f`, independent of the image size."""
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(f"kernel_size must be an int or a pair, got {kernel_size!r}")
        kh, kw = (_count("kernel_size", k) for k in kernel_size)
    else:
        kh = kw = _count("kernel_size", kernel_size)
    in_channels, filters = _count("in_channels", in_channels), _count("filters", filters)
    return kh * kw * in_channels * filters + (filters if use_bias else 0)


def lstm_params(n_in: int, units: int) -> int:
    r"""``LSTM(units)``: four gates, each :math:`n_\text{in} u` input weights, :math:`u^2` recurrent weights, :math:`u` biases."""
    n_in, units = _count("n_in", n_in), _count("units", units)
    return 4 * (n_in * units + units * units + units)


def gru_params(n_in: int, units: int) -> int:
    r"""``GRU(units)`` with Keras' default ``reset_after=True``: :math:`3(n_\text{in} u + u^2 + 2u)`."""
    n_in, units = _count("n_in", n_in), _count("units", units)
    return 3 * (n_in * units + units * units + 2 * units)


def embedding_params(vocab_size: int, dim: int) -> int:
    r"""``Embedding(vocab_size, dim)``: one row of :math:`d` numbers per token, :math:`Vd`."""
    return _count("vocab_size", vocab_size) * _count("dim", dim)


def multi_head_attention_params(
    d_model: int,
    num_heads: int,
    key_dim: int,
    *,
    value_dim: int | None = None,
    key_input_dim: int | None = None,
    value_input_dim: int | None = None,
    output_dim: int | None = None,
    use_bias: bool = True,
) -> int:
    r"""``MultiHeadAttention(num_heads, key_dim)`` called on queries of width ``d_model``.

    Query and key projections :math:`d \to hk`, value projection :math:`d \to hv`, output
    projection :math:`hv \to d_o` (``d_o = d_model`` unless ``output_dim`` is given), each with a bias.
    With :math:`hk = hv = d` this is :math:`4d^2 + 4d`.
    """
    d_q = _count("d_model", d_model)
    h = _count("num_heads", num_heads)
    k = _count("key_dim", key_dim)
    v = k if value_dim is None else _count("value_dim", value_dim)
    d_k = d_q if key_input_dim is None else _count("key_input_dim", key_input_dim)
    d_v = d_k if value_input_dim is None else _count("value_input_dim", value_input_dim)
    d_o = d_q if output_dim is None else _count("output_dim", output_dim)
    weights = d_q * h * k + d_k * h * k + d_v * h * v + h * v * d_o
    biases = (h * k + h * k + h * v + d_o) if use_bias else 0
    return weights + biases


def layer_norm_params(dim: int) -> int:
    r"""``LayerNormalization`` over ``dim`` features: a scale :math:`\gamma` and a shift :math:`\beta`, :math:`2d`."""
    return 2 * _count("dim", dim)


def batch_norm_params(dim: int, *, trainable_only: bool = False) -> int:
    r"""``BatchNormalization``: :math:`\gamma, \beta` (trained) plus moving mean and variance (not trained), :math:`4d`."""
    dim = _count("dim", dim)
    return 2 * dim if trainable_only else 4 * dim


def transformer_block_params(d_model: int, d_ff: int | None = None) -> int:
    r"""One pre- or post-norm Transformer block: attention :math:`4d^2+4d`, feed-forward
    :math:`2 d\,d_\text{ff} + d_\text{ff} + d`, two LayerNorms :math:`4d`.

    With the usual :math:`d_\text{ff} = 4d` this is :math:`12d^2 + 13d`. The head count does not
    matter as long as the heads split :math:`d` evenly.
    """
    d = _count("d_model", d_model)
    d_ff = 4 * d if d_ff is None else _count("d_ff", d_ff)
    attention = 4 * d * d + 4 * d
    feed_forward = dense_params(d, d_ff) + dense_params(d_ff, d)
    return attention + feed_forward + 2 * layer_norm_params(d)


def gpt_params(n_layers: int, d_model: int, vocab_size: int, context: int, d_ff: int | None = None) -> int:
    r"""A GPT-style decoder: token and learned position embeddings, ``n_layers`` blocks, a final
    LayerNorm, and an output layer that reuses (ties) the token embedding:

    :math:`N = (V + n_\text{ctx})\,d + L\,(12d^2 + 13d) + 2d`.
    """
    n_layers = _count("n_layers", n_layers)
    embeddings = embedding_params(vocab_size, d_model) + embedding_params(context, d_model)
    return embeddings + n_layers * transformer_block_params(d_model, d_ff) + layer_norm_params(d_model)


def training_memory_bytes(n_params: int, *, precision: str = "fp32", optimizer: str = "adam") -> dict[str, int]:
    r"""Bytes held per training step for ``n_params`` parameters, activations excluded.

    - ``precision="fp32"``: weights 4 B, gradients 4 B, optimizer state in fp32.
    - ``precision="mixed"`` (fp16/bf16 compute with an fp32 master copy, the accounting of
      ZeRO, Rajbhandari et al. 2020): weights 2 B, gradients 2 B, master weights 4 B, optimizer state in fp32.

    Optimizer state per parameter: ``"sgd"`` none, ``"momentum"`` one fp32 value, ``"adam"``
    two (first and second moments). With Adam both precisions total 16 bytes per parameter.
    """
    n = _count("n_params", n_params, minimum=0)
    slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in slots:
        raise ValueError(f"optimizer must be one of {sorted(slots)}, got {optimizer!r}")
    if precision == "fp32":
        parts = {"weights": 4 * n, "gradients": 4 * n, "master_weights": 0}
    elif precision == "mixed":
        parts = {"weights": 2 * n, "gradients": 2 * n, "master_weights": 4 * n}
    else:
        raise ValueError(f"precision must be 'fp32' or 'mixed', got {precision!r}")
    parts["optimizer_state"] = 4 * slots[optimizer] * n
    parts["total"] = sum(parts.values())
    return parts


def training_flops(n_params: float, n_tokens: float) -> float:
    r"""Training compute :math:`C \approx 6ND` FLOPs: per parameter and token, 2 FLOPs forward and 4 backward."""
    return 6.0 * _positive("n_params", n_params) * _positive("n_tokens", n_tokens)


def training_time_seconds(flops: float, flops_per_second: float, *, utilization: float = 1.0) -> float:
    r"""Wall-clock seconds to do ``flops`` on hardware with peak ``flops_per_second`` used at
    ``utilization`` (0 < u <= 1): :math:`t = C / (u \cdot \text{peak})`."""
    flops = _positive("flops", flops)
    peak = _positive("flops_per_second", flops_per_second)
    utilization = _positive("utilization", utilization)
    if utilization > 1:
        raise ValueError(f"utilization is a fraction of peak and must be <= 1, got {utilization}")
    return flops / (utilization * peak)


def ring_allreduce_bytes(n_bytes: float, n_devices: int) -> float:
    r"""Bytes each device sends (and receives) in a ring all-reduce of an ``n_bytes`` buffer.

    The buffer is cut into :math:`p` chunks. A reduce-scatter (:math:`p-1` steps) leaves each device
    with one fully summed chunk, an all-gather (:math:`p-1` more steps) hands every chunk to every
    device; each step sends one chunk of :math:`n/p` bytes:
    :math:`2\,\frac{p-1}{p}\,n`, which tends to :math:`2n` however many devices join.
    """
    n_devices = _count("n_devices", n_devices)
    return 2.0 * (n_devices - 1) / n_devices * _nonnegative("n_bytes", n_bytes)


def allreduce_seconds(n_bytes: float, n_devices: int, *, bandwidth: float, latency: float = 0.0) -> float:
    r"""Time of a ring all-reduce in the latency-bandwidth model:
    :math:`t = 2(p-1)\,\alpha + 2\,\frac{p-1}{p}\,n / \beta`, with ``latency`` :math:`\alpha` seconds
    per step and ``bandwidth`` :math:`\beta` bytes per second on each link."""
    n_devices = _count("n_devices", n_devices)
    bandwidth = _positive("bandwidth", bandwidth)
    latency = _nonnegative("latency", latency)
    return 2 * (n_devices - 1) * latency + ring_allreduce_bytes(n_bytes, n_devices) / bandwidth


def sharded_state_bytes(
    n_params: int,
    *,
    data: int = 1,
    model: int = 1,
    zero_stage: int = 0,
    precision: str = "mixed",
    optimizer: str = "adam",
) -> dict[str, float]:
    r"""Model state held by one device (the accounting of :func:`training_memory_bytes`).

    ``model``-way model parallelism (tensor times pipeline) gives each device :math:`1/m` of every
    part. ZeRO (Rajbhandari et al. 2020) then shards over the ``data`` replicas: stage 1 the
    optimizer state and fp32 master weights, stage 2 also the gradients, stage 3 also the weights.
    Stage 0 is plain data parallelism: every replica holds a full copy.
    """
    data, model = _count("data", data), _count("model", model)
    if isinstance(zero_stage, bool) or zero_stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3, got {zero_stage!r}")
    full = training_memory_bytes(n_params, precision=precision, optimizer=optimizer)
    sharded_from = {"optimizer_state": 1, "master_weights": 1, "gradients": 2, "weights": 3}
    parts = {
        name: full[name] / model / (data if zero_stage >= stage else 1) for name, stage in sharded_from.items()
    }
    parts["total"] = sum(parts.values())
    return parts


def pipeline_bubble_fraction(stages: int, microbatches: int) -> float:
    r"""Share of time a device of a synchronous pipeline waits (GPipe, Huang et al. 2019).

    With :math:`p` stages of equal cost and :math:`m` micro-batches, a step takes :math:`m+p-1`
    slots of which each device works :math:`m`: idle share :math:`\frac{p-1}{m+p-1}`
    (:math:`\frac{p-1}{p}` without micro-batching, when only one stage works at a time).
    """
    p, m = _count("stages", stages), _count("microbatches", microbatches)
    return (p - 1) / (m + p - 1)


def _nonnegative(name: str, value: object) -> float:
    """A finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not (value >= 0 and value < float("inf")):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


#: Fitted constants of :math:`L(N, D) = E + A/N^\alpha + B/D^\beta` (nats per token, N parameters,
#: D training tokens). ``"hoffmann2022"``: the rounded values printed in Hoffmann et al. (2022), Appendix D
#: ("Chinchilla", approach 3). ``"besiroglu2024"``: Epoch AI's refit of the same approach on data
#: read off Hoffmann et al.'s figure (Besiroglu et al. 2024, arXiv:2404.10102).
CHINCHILLA_FITS: dict[str, dict[str, float]] = {
    "hoffmann2022": {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28},
    "besiroglu2024": {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658},
}


def _fit_constants(E: float, A: float, B: float, alpha: float, beta: float) -> tuple[float, ...]:
    if isinstance(E, bool) or not isinstance(E, numbers.Real) or not 0 <= E < float("inf"):
        raise ValueError(f"E is an irreducible loss and must be a finite number >= 0, got {E!r}")
    return (float(E), _positive("A", A), _positive("B", B), _positive("alpha", alpha), _positive("beta", beta))


def chinchilla_loss(n_params: float, n_tokens: float, *, E: float, A: float, B: float, alpha: float, beta: float) -> float:
    r"""Loss of a model with ``n_params`` parameters trained on ``n_tokens`` tokens:
    :math:`L = E + A/N^\alpha + B/D^\beta` (Hoffmann et al. 2022). Pass one of
    :data:`CHINCHILLA_FITS` as keywords, e.g. ``chinchilla_loss(N, D, **CHINCHILLA_FITS["hoffmann2022"])``."""
    E, A, B, alpha, beta = _fit_constants(E, A, B, alpha, beta)
    return E + A / _positive("n_params", n_params) ** alpha + B / _positive("n_tokens", n_tokens) ** beta


def compute_optimal_split(flops: float, *, A: float, B: float, alpha: float, beta: float, E: float = 0.0) -> tuple[float, float]:
    r"""The :math:`(N, D)` that minimize :func:`chinchilla_loss` under the budget :math:`C = 6ND`.

    Setting the derivative along :math:`D = C/(6N)` to zero gives (Hoffmann et al. 2022)
    :math:`N_\text{opt} = G\,(C/6)^{\beta/(\alpha+\beta)}`, :math:`D_\text{opt} = (C/6)/N_\text{opt}`
    with :math:`G = (\alpha A / (\beta B))^{1/(\alpha+\beta)}`. ``E`` does not move the optimum.
    """
    _, A, B, alpha, beta = _fit_constants(E, A, B, alpha, beta)
    budget = _positive("flops", flops) / 6.0
    g = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
    n_opt = g * budget ** (beta / (alpha + beta))
    return n_opt, budget / n_opt


def gpu_hours(flops: float, flops_per_gpu: float, *, utilization: float) -> float:
    r"""GPU-hours to do ``flops`` on GPUs of peak ``flops_per_gpu`` FLOP/s used at ``utilization`` of
    peak (the *model FLOPs utilization*): :math:`C / (u \cdot \text{peak} \cdot 3600)`."""
    return training_time_seconds(flops, flops_per_gpu, utilization=utilization) / 3600.0


def serving_cost_per_million_tokens(
    n_params: float, *, flops_per_gpu: float, utilization: float, dollars_per_gpu_hour: float
) -> float:
    r"""Dollars to process one million tokens (prompt or generated) with a model of ``n_params``
    parameters: :math:`2N` FLOPs per token (the forward pass), on GPUs of peak ``flops_per_gpu``
    used at ``utilization``, rented at ``dollars_per_gpu_hour``. Generation is usually limited by
    memory bandwidth rather than arithmetic, which shows up here as a low ``utilization``."""
    hours = gpu_hours(2.0 * _positive("n_params", n_params) * 1e6, flops_per_gpu, utilization=utilization)
    return hours * _positive("dollars_per_gpu_hour", dollars_per_gpu_hour)
