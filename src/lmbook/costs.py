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
