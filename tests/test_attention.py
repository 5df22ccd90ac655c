"""Attention from scratch equals Keras' MultiHeadAttention; masks, positions, the KV cache; bad input."""

import keras
import numpy as np
import pytest

from lmbook import attention as A


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_softmax_is_a_distribution_and_stable(rng):
    p = A.softmax(rng.normal(size=(3, 5)) * 1000)
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=-1), 1.0)
    assert np.allclose(A.softmax([1.0, 2.0]), np.exp([1, 2]) / np.exp([1, 2]).sum())


def test_causal_mask_is_lower_triangular_with_offset():
    assert np.array_equal(A.causal_mask(3), np.tril(np.ones((3, 3), bool)))
    last_two = A.causal_mask(2, 4)  # queries at positions 2 and 3 of 4
    assert last_two.tolist() == [[True, True, True, False], [True, True, True, True]]


@pytest.mark.parametrize(("args", "match"), [((0,), "n_queries"), ((3, 2), "cannot exceed"), ((2.0,), "n_queries")])
def test_causal_mask_rejects_bad_sizes(args, match):
    with pytest.raises(ValueError, match=match):
        A.causal_mask(*args)


def test_scaled_dot_product_attention_by_hand(rng):
    q, k, v = rng.normal(size=(4, 8)), rng.normal(size=(6, 8)), rng.normal(size=(6, 3))
    out, w = A.scaled_dot_product_attention(q, k, v)
    s = q @ k.T / np.sqrt(8)
    expected_w = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    assert np.allclose(w, expected_w) and np.allclose(out, expected_w @ v)


def test_masked_keys_get_zero_weight(rng):
    q, k, v = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    _, w = A.scaled_dot_product_attention(q, k, v, A.causal_mask(5))
    assert np.all(w[~A.causal_mask(5)] == 0.0) and np.allclose(w.sum(axis=-1), 1.0)


def test_attention_bad_input(rng):
    q = rng.normal(size=(2, 4))
    with pytest.raises(ValueError, match="same last dimension"):
        A.scaled_dot_product_attention(q, rng.normal(size=(3, 5)), rng.normal(size=(3, 2)))
    with pytest.raises(ValueError, match="same number of positions"):
        A.scaled_dot_product_attention(q, rng.normal(size=(3, 4)), rng.normal(size=(2, 2)))
    with pytest.raises(TypeError, match="boolean"):
        A.scaled_dot_product_attention(q, q, q, mask=np.ones((2, 2)))
    with pytest.raises(ValueError, match="does not broadcast"):
        A.scaled_dot_product_attention(q, q, q, mask=np.ones((3, 3), bool))
    with pytest.raises(TypeError, match="must be an array"):
        A.scaled_dot_product_attention("q", q, q)


def test_sinusoidal_positions():
    pe = A.sinusoidal_positions(50, 16)
    assert pe.shape == (50, 16)
    assert np.allclose(pe[0, 0::2], 0.0) and np.allclose(pe[0, 1::2], 1.0)
    assert np.allclose(pe[7, 0], np.sin(7.0)) and np.allclose(pe[7, 3], np.cos(7 / 10000 ** (2 / 16)))
    with pytest.raises(ValueError, match="even"):
        A.sinusoidal_positions(10, 7)
    with pytest.raises(ValueError, match="length"):
        A.sinusoidal_positions(0, 8)


@pytest.mark.parametrize("case", ["self", "causal", "cross_masked"])
def test_multi_head_attention_equals_keras(rng, case):
    layer = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8)
    x = rng.normal(size=(2, 7, 32)).astype("float32")
    y = rng.normal(size=(2, 5, 32)).astype("float32")
    if case == "self":
        ref, ref_w = layer(x, x, return_attention_scores=True)
        out, w = A.multi_head_attention(x, x, A.MultiHeadWeights.from_keras(layer))
    elif case == "causal":
        ref, ref_w = layer(x, x, return_attention_scores=True, use_causal_mask=True)
        out, w = A.multi_head_attention(x, x, A.MultiHeadWeights.from_keras(layer), causal=True)
    else:
        mask = rng.random((2, 7, 5)) > 0.3
        ref, ref_w = layer(x, y, attention_mask=mask, return_attention_scores=True)
        out, w = A.multi_head_attention(x, y, A.MultiHeadWeights.from_keras(layer), mask=mask)
    assert np.abs(out - np.asarray(ref)).max() < 1e-5
    assert np.abs(w - np.asarray(ref_w)).max() < 1e-6


def test_weights_from_an_unbuilt_layer_are_refused():
    with pytest.raises(ValueError, match="Call the layer once"):
        A.MultiHeadWeights.from_keras(keras.layers.MultiHeadAttention(num_heads=2, key_dim=4))


def test_multi_head_attention_bad_input(rng):
    w = A.MultiHeadWeights.random(rng, 16, 2, 8)
    with pytest.raises(ValueError, match="d_model = 16"):
        A.multi_head_attention(rng.normal(size=(1, 3, 12)), rng.normal(size=(1, 3, 12)), w)
    with pytest.raises(TypeError, match="MultiHeadWeights"):
        A.multi_head_attention(rng.normal(size=(1, 3, 16)), rng.normal(size=(1, 3, 16)), {"wq": 1})
    with pytest.raises(TypeError, match="numpy Generator"):
        A.MultiHeadWeights.random(0, 16, 2, 8)


def test_decoder_is_causal(rng):
    dec = A.TinyDecoder(20, d_model=16, num_heads=2, num_layers=2, max_len=32, seed=3)
    tokens = rng.integers(0, 20, 12)
    changed = tokens.copy()
    changed[8] = (changed[8] + 1) % 20
    a, b = dec.forward(tokens), dec.forward(changed)
    assert np.array_equal(a[:8], b[:8]) and np.abs(a[8:] - b[8:]).max() > 0


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_kv_cache_changes_nothing_but_the_cost(rng, temperature):
    dec = A.TinyDecoder(30, d_model=16, num_heads=4, num_layers=2, max_len=64, seed=1, dtype="float64")
    prompt = rng.integers(0, 30, 5)
    t1, l1 = dec.generate(prompt, 40, use_cache=False, temperature=temperature, seed=7)
    times = []
    t2, l2 = dec.generate(prompt, 40, use_cache=True, temperature=temperature, seed=7, step_seconds=times)
    assert np.array_equal(t1, t2) and np.abs(l1 - l2).max() < 1e-10
    assert len(times) == 40 and min(times) >= 0
    # the cache's last-position logits equal the full forward pass on the same sequence
    full = dec.forward(np.concatenate([prompt, t2]))
    assert np.abs(full[len(prompt) - 1 : -1] - l2).max() < 1e-10


def test_decoder_bad_input():
    with pytest.raises(ValueError, match="divisible"):
        A.TinyDecoder(10, d_model=10, num_heads=4)
    dec = A.TinyDecoder(10, d_model=8, num_heads=2, num_layers=1, max_len=6)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        dec.forward([1, 10])
    with pytest.raises(TypeError, match="1-D sequence of ints"):
        dec.forward([[1, 2]])
    with pytest.raises(ValueError, match="max_len"):
        dec.generate([1, 2, 3], 4)
    with pytest.raises(ValueError, match="temperature"):
        dec.generate([1], 2, temperature=-1.0)
    cache = dec.new_cache()
    for t in range(6):
        dec.step(t % 10, cache)
    with pytest.raises(ValueError, match="cache is full"):
        dec.step(1, cache)
