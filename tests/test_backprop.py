"""The NumPy two-layer perceptron's gradients equal tf.GradientTape's and finite differences."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lmbook import backprop

RNG = np.random.default_rng(0)
X = RNG.normal(size=(7, 4))
KERAS_LOSS = {
    "softmax": keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64"),
    "sigmoid": keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64"),
    "linear": keras.losses.MeanSquaredError(dtype="float64"),
}


def targets(output: str, k: int = 3) -> np.ndarray:
    rng = np.random.default_rng(1)
    if output == "softmax":
        return np.eye(k)[rng.integers(0, k, size=len(X))]
    if output == "sigmoid":
        return rng.integers(0, 2, size=(len(X), k)).astype("float64")
    return rng.normal(size=(len(X), k))


def tape_loss_and_grads(params, Y, activation, output):
    v = {k: tf.Variable(p) for k, p in params.items()}
    with tf.GradientTape() as tape:
        a1 = getattr(keras.activations, activation)(tf.constant(X) @ v["W1"] + v["b1"])
        z2 = a1 @ v["W2"] + v["b2"]
        value = KERAS_LOSS[output](tf.constant(Y), z2)
    grads = tape.gradient(value, v)
    return float(value), {k: g.numpy() for k, g in grads.items()}


@pytest.mark.parametrize("output", backprop.OUTPUTS)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_equals_gradient_tape(activation, output):
    params = backprop.init_params(4, 5, 3, rng=np.random.default_rng(2))
    params["b1"] = np.random.default_rng(3).normal(size=5)  # non-zero biases exercise db
    Y = targets(output)
    ours_loss, ours = backprop.loss_and_grads(params, X, Y, activation=activation, output=output)
    tf_loss, theirs = tape_loss_and_grads(params, Y, activation, output)
    assert ours_loss == pytest.approx(tf_loss, abs=1e-12)
    for k in backprop.PARAM_NAMES:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=0, atol=1e-12)


@pytest.mark.parametrize("output", backprop.OUTPUTS)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_passes_finite_differences(activation, output):
    params = backprop.init_params(4, 5, 3, rng=np.random.default_rng(4))
    Y = targets(output)
    _, g = backprop.loss_and_grads(params, X, Y, activation=activation, output=output)
    g_num = backprop.numerical_grads(params, X, Y, activation=activation, output=output)
    assert backprop.relative_error(g, g_num) < 1e-7


def test_relative_error_detects_a_wrong_gradient():
    params = backprop.init_params(4, 5, 3, rng=np.random.default_rng(5))
    _, g = backprop.loss_and_grads(params, X, targets("softmax"))
    wrong = dict(g, W1=np.sign(g["W1"]))
    assert backprop.relative_error(g, g) == 0.0
    assert backprop.relative_error(g, wrong) > 0.1


def test_init_params_like_keras_dense():
    p = backprop.init_params(64, 32, 10, rng=np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {"W1": (64, 32), "b1": (32,), "W2": (32, 10), "b2": (10,)}
    assert np.abs(p["W1"]).max() <= np.sqrt(6 / 96) and not p["b1"].any()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: backprop.init_params(0, 2, 2, rng=np.random.default_rng()), ValueError, "positive int"),
        (lambda: backprop.init_params(2, 2, 2, rng=0), TypeError, "Generator"),
        (lambda: backprop.forward({"W1": np.zeros((2, 2))}, np.zeros((1, 2))), ValueError, "exactly the keys"),
        (lambda: backprop.forward(backprop.init_params(4, 5, 3, rng=np.random.default_rng()), np.zeros((2, 3))),
         ValueError, "X must have shape"),
        (lambda: backprop.loss(backprop.init_params(4, 5, 3, rng=np.random.default_rng()), X, np.zeros((7, 2))),
         ValueError, "Y must have shape"),
        (lambda: backprop.forward(backprop.init_params(4, 5, 3, rng=np.random.default_rng()), X, output="relu"),
         ValueError, "unknown output"),
        (lambda: backprop.forward(backprop.init_params(4, 5, 3, rng=np.random.default_rng()), X, activation="gelu"),
         ValueError, "unknown activation"),
        (lambda: backprop.numerical_grads(backprop.init_params(4, 5, 3, rng=np.random.default_rng()), X,
                                          targets("softmax"), eps=0), ValueError, "eps"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
