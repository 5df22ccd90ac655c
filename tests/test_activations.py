"""The from-scratch activations and derivatives equal keras.activations and tf.GradientTape."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from lmbook import activations as act

Z = np.concatenate([np.linspace(-30, 30, 241), [0.0]])  # includes 0 exactly
Z_CAT = np.random.default_rng(0).normal(0, 3, size=(8, 5))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (act.sigmoid, keras.activations.sigmoid),
        (act.tanh, keras.activations.tanh),
        (act.relu, keras.activations.relu),
    ],
)
def test_values_equal_keras(ours, theirs):
    np.testing.assert_allclose(ours(Z), theirs(tf.constant(Z)).numpy(), rtol=0, atol=1e-12)


def test_softmax_equals_keras():
    np.testing.assert_allclose(act.softmax(Z_CAT), keras.activations.softmax(tf.constant(Z_CAT)).numpy(), atol=1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivatives_equal_gradient_tape(name):
    _, f_prime = act.get(name)
    z = tf.Variable(Z)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(getattr(keras.activations, name)(z))
    np.testing.assert_allclose(f_prime(Z), tape.gradient(total, z).numpy(), rtol=0, atol=1e-12)


def test_softmax_jacobian_and_vjp_equal_gradient_tape():
    z = tf.Variable(Z_CAT)
    with tf.GradientTape() as tape:
        s = tf.nn.softmax(z)
    np.testing.assert_allclose(act.softmax_jacobian(Z_CAT), tape.batch_jacobian(s, z).numpy(), atol=1e-12)
    g = np.random.default_rng(1).normal(size=Z_CAT.shape)
    expected = np.einsum("bjk,bj->bk", act.softmax_jacobian(Z_CAT), g)
    np.testing.assert_allclose(act.softmax_vjp(Z_CAT, g), expected, atol=1e-12)


def test_bounds_of_the_derivatives():
    assert act.sigmoid_grad(0.0) == pytest.approx(0.25)
    assert act.tanh_grad(0.0) == pytest.approx(1.0)
    assert act.sigmoid_grad(Z).max() <= 0.25 and act.tanh_grad(Z).max() <= 1.0
    assert act.relu_grad(0.0) == 0.0  # TensorFlow's convention at the kink


def test_sigmoid_is_overflow_free():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(act.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
        np.testing.assert_allclose(act.softmax([[1000.0, 0.0]]), [[1.0, 0.0]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: act.sigmoid("abc"), TypeError, "numbers"),
        (lambda: act.relu([1.0, np.nan]), ValueError, "NaN"),
        (lambda: act.get("gelu"), ValueError, "unknown activation"),
        (lambda: act.get(3), TypeError, "str"),
        (lambda: act.softmax_jacobian(np.zeros((2, 0))), ValueError, "non-empty"),
        (lambda: act.softmax_vjp(np.zeros(3), np.zeros(4)), ValueError, "same shape"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
