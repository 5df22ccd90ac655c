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
    ],
)
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
