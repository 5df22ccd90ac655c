"""The parameter formulas equal Keras' count_params; memory and compute estimates; bad input."""

import keras
import numpy as np
import pytest

from lmbook import costs


def count(layer: keras.layers.Layer, input_shape: tuple) -> int:
    """Build ``layer`` on a symbolic input (batch dimension left out) and count its weights."""
    layer(keras.Input(shape=input_shape))
    return layer.count_params()


@pytest.mark.parametrize(
    ("layer", "input_shape", "expected"),
    [
        (keras.layers.Dense(7), (13,), costs.dense_params(13, 7)),
        (keras.layers.Dense(7, use_bias=False), (13,), costs.dense_params(13, 7, use_bias=False)),
        (keras.layers.Conv2D(8, 3), (12, 12, 3), costs.conv2d_params(3, 3, 8)),
        (keras.layers.Conv2D(4, (5, 2)), (9, 9, 2), costs.conv2d_params((5, 2), 2, 4)),
        (keras.layers.LSTM(6), (10, 5), costs.lstm_params(5, 6)),
        (keras.layers.GRU(6), (10, 5), costs.gru_params(5, 6)),
        (keras.layers.LayerNormalization(), (4, 9), costs.layer_norm_params(9)),
        (keras.layers.BatchNormalization(), (9,), costs.batch_norm_params(9)),
    ],
)
def test_layer_formulas_equal_keras(layer, input_shape, expected):
    assert count(layer, input_shape) == expected


def test_embedding_equals_keras():
    layer = keras.layers.Embedding(50, 6)
    layer.build((None, 4))
    assert layer.count_params() == costs.embedding_params(50, 6) == 300


@pytest.mark.parametrize(("d_model", "heads", "key_dim", "value_dim"), [(16, 4, 4, None), (12, 3, 5, 7)])
def test_multi_head_attention_equals_keras(d_model, heads, key_dim, value_dim):
    mha = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim, value_dim=value_dim)
    x = keras.Input(shape=(6, d_model))
    mha(x, x)
    assert mha.count_params() == costs.multi_head_attention_params(d_model, heads, key_dim, value_dim=value_dim)


def test_attention_with_even_heads_is_4d2_plus_4d():
    d = 64
    assert costs.multi_head_attention_params(d, 8, d // 8) == 4 * d * d + 4 * d


def test_gpt_formula_equals_a_keras_decoder():
    vocab, ctx, d, layers = 40, 8, 16, 2
    tokens = keras.Input(shape=(ctx,), dtype="int32")
    positions = keras.Input(shape=(ctx,), dtype="int32")
    x = keras.layers.Embedding(vocab, d)(tokens) + keras.layers.Embedding(ctx, d)(positions)
    for _ in range(layers):
        h = keras.layers.LayerNormalization()(x)
        x = x + keras.layers.MultiHeadAttention(num_heads=4, key_dim=d // 4)(h, h)
        h = keras.layers.LayerNormalization()(x)
        x = x + keras.layers.Dense(d)(keras.layers.Dense(4 * d, activation="gelu")(h))
    x = keras.layers.LayerNormalization()(x)
    model = keras.Model([tokens, positions], x)
    assert model.count_params() == costs.gpt_params(layers, d, vocab, ctx)


def test_gpt3_architecture_gives_175_billion():
    # Brown et al. (2020), Table 2.1: 96 layers, d_model 12288, context 2048; GPT-2 BPE vocabulary 50257.
    n = costs.gpt_params(96, 12288, 50257, 2048)
    assert n == pytest.approx(175e9, rel=0.01)
    assert costs.transformer_block_params(12288) == 12 * 12288**2 + 13 * 12288


def test_memory_adam_is_16_bytes_per_parameter_in_both_precisions():
    for precision in ("fp32", "mixed"):
        parts = costs.training_memory_bytes(1000, precision=precision, optimizer="adam")
        assert parts["total"] == 16_000
        assert parts["total"] == sum(v for k, v in parts.items() if k != "total")
    assert costs.training_memory_bytes(10, optimizer="sgd")["total"] == 80
    assert costs.training_memory_bytes(10, precision="mixed", optimizer="sgd")["weights"] == 20


def test_compute_and_time():
    c = costs.training_flops(175e9, 300e9)
    assert c == pytest.approx(3.15e23)
    assert costs.training_time_seconds(c, 1e15) == pytest.approx(3.15e8)
    assert costs.training_time_seconds(100.0, 10.0, utilization=0.5) == pytest.approx(20.0)
    assert costs.training_flops(np.int64(10), np.float32(2.0)) == 120.0


def test_ring_allreduce_bytes():
    assert costs.ring_allreduce_bytes(1000, 1) == 0.0
    assert costs.ring_allreduce_bytes(1000, 2) == 1000.0
    assert costs.ring_allreduce_bytes(1000, 4) == 1500.0
    assert costs.ring_allreduce_bytes(1000, 10_000) == pytest.approx(2000.0, rel=1e-3)


def test_allreduce_seconds_is_latency_plus_bandwidth():
    assert costs.allreduce_seconds(1e6, 2, bandwidth=1e8) == pytest.approx(0.01)
    assert costs.allreduce_seconds(0, 4, bandwidth=1e8, latency=1e-3) == pytest.approx(6e-3)
    assert costs.allreduce_seconds(1e6, 4, bandwidth=1e8, latency=1e-3) == pytest.approx(6e-3 + 0.015)


def test_sharded_state_follows_the_zero_stages():
    n, d = 1000, 4
    full = costs.training_memory_bytes(n, precision="mixed")["total"]
    assert costs.sharded_state_bytes(n, data=d)["total"] == full == 16_000
    assert costs.sharded_state_bytes(n, data=d, zero_stage=1)["total"] == 4 * n + 12 * n / d
    assert costs.sharded_state_bytes(n, data=d, zero_stage=2)["total"] == 2 * n + 14 * n / d
    assert costs.sharded_state_bytes(n, data=d, zero_stage=3)["total"] == 16 * n / d
    assert costs.sharded_state_bytes(n, model=8)["total"] == 2_000
    assert costs.sharded_state_bytes(n, precision="fp32", optimizer="sgd")["total"] == 8_000


def test_pipeline_bubble():
    assert costs.pipeline_bubble_fraction(1, 1) == 0.0
    assert costs.pipeline_bubble_fraction(4, 1) == 0.75
    assert costs.pipeline_bubble_fraction(4, 13) == pytest.approx(3 / 16)


def test_chinchilla_loss_and_optimum():
    fit = costs.CHINCHILLA_FITS["hoffmann2022"]
    assert costs.chinchilla_loss(1e30, 1e30, **fit) == pytest.approx(fit["E"], abs=1e-5)
    n_opt, d_opt = costs.compute_optimal_split(1e22, **fit)
    assert 6 * n_opt * d_opt == pytest.approx(1e22)
    # the optimum beats its neighbours on the same budget
    for factor in (0.8, 1.25):
        n = n_opt * factor
        assert costs.chinchilla_loss(n, 1e22 / (6 * n), **fit) > costs.chinchilla_loss(n_opt, d_opt, **fit)
    # Epoch AI's refit puts the optimum near 20 tokens per parameter at Chinchilla's budget
    n_e, d_e = costs.compute_optimal_split(6 * 70e9 * 1.4e12, **costs.CHINCHILLA_FITS["besiroglu2024"])
    assert 15 < d_e / n_e < 25


def test_gpu_hours_and_serving_cost():
    assert costs.gpu_hours(3600 * 1e12, 1e12, utilization=1.0) == pytest.approx(1.0)
    assert costs.gpu_hours(3600 * 1e12, 1e12, utilization=0.5) == pytest.approx(2.0)
    # 2N FLOPs per token: 1e6 tokens of a 1.8e9-parameter model = 3.6e15 FLOPs = 1 GPU-hour at 1e12 FLOP/s
    assert costs.serving_cost_per_million_tokens(
        1.8e9, flops_per_gpu=1e12, utilization=1.0, dollars_per_gpu_hour=2.0
    ) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: costs.dense_params(0, 3), ValueError, ">= 1"),
        (lambda: costs.dense_params(2.5, 3), TypeError, "must be an int"),
        (lambda: costs.dense_params(True, 3), TypeError, "must be an int"),
        (lambda: costs.conv2d_params((3, 3, 3), 1, 1), ValueError, "pair"),
        (lambda: costs.lstm_params(4, -1), ValueError, ">= 1"),
        (lambda: costs.training_memory_bytes(10, precision="fp8"), ValueError, "precision"),
        (lambda: costs.training_memory_bytes(10, optimizer="lion"), ValueError, "optimizer"),
        (lambda: costs.training_memory_bytes(-1), ValueError, ">= 0"),
        (lambda: costs.training_flops(0, 10), ValueError, "> 0"),
        (lambda: costs.training_flops("175e9", 10), TypeError, "must be a number"),
        (lambda: costs.training_flops(float("inf"), 10), ValueError, "finite"),
        (lambda: costs.training_time_seconds(1e20, 1e12, utilization=1.5), ValueError, "<= 1"),
        (lambda: costs.ring_allreduce_bytes(100, 0), ValueError, ">= 1"),
        (lambda: costs.ring_allreduce_bytes(-1, 2), ValueError, ">= 0"),
        (lambda: costs.allreduce_seconds(100, 2, bandwidth=0), ValueError, "> 0"),
        (lambda: costs.allreduce_seconds(100, 2, bandwidth=1e9, latency=-1), ValueError, ">= 0"),
        (lambda: costs.sharded_state_bytes(100, zero_stage=4), ValueError, "zero_stage"),
        (lambda: costs.sharded_state_bytes(100, data=0), ValueError, ">= 1"),
        (lambda: costs.pipeline_bubble_fraction(4, 0), ValueError, ">= 1"),
        (lambda: costs.chinchilla_loss(0, 10, **costs.CHINCHILLA_FITS["hoffmann2022"]), ValueError, "> 0"),
        (lambda: costs.chinchilla_loss(10, 10, E=-1, A=1, B=1, alpha=1, beta=1), ValueError, "irreducible"),
        (lambda: costs.compute_optimal_split(1e20, A=1, B=1, alpha=0, beta=1), ValueError, "> 0"),
        (lambda: costs.gpu_hours(1e20, 1e12, utilization=0), ValueError, "> 0"),
        (lambda: costs.serving_cost_per_million_tokens(7e9, flops_per_gpu=1e12, utilization=0.5,
                                                       dollars_per_gpu_hour="2"), TypeError, "number"),
    ],
)
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
