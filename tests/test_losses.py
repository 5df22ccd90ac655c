"""The from-scratch losses equal keras.losses and reject bad input clearly."""

import keras
import numpy as np
import pytest

from lmbook import losses

RNG = np.random.default_rng(0)
Y_BIN = RNG.integers(0, 2, size=(64, 1)).astype("float64")
P_BIN = RNG.uniform(0.001, 0.999, size=(64, 1))
Z = RNG.normal(0, 4, size=(64, 1))
Y_CAT = np.eye(5)[RNG.integers(0, 5, size=32)]
Z_CAT = RNG.normal(0, 3, size=(32, 5))


def keras_value(loss: keras.losses.Loss, y, p) -> float:
    return float(loss(y.astype("float32"), p.astype("float32")))


@pytest.mark.parametrize(
    ("ours", "theirs", "y", "p"),
    [
        (losses.mse, keras.losses.MeanSquaredError(), RNG.normal(size=(50, 3)), RNG.normal(size=(50, 3))),
        (losses.binary_cross_entropy, keras.losses.BinaryCrossentropy(), Y_BIN, P_BIN),
        (losses.binary_cross_entropy_from_logits, keras.losses.BinaryCrossentropy(from_logits=True), Y_BIN, Z),
        (losses.categorical_cross_entropy, keras.losses.CategoricalCrossentropy(), Y_CAT, losses.softmax(Z_CAT)),
        (
            losses.categorical_cross_entropy_from_logits,
            keras.losses.CategoricalCrossentropy(from_logits=True),
            Y_CAT,
            Z_CAT,
        ),
    ],
)
def test_equals_keras(ours, theirs, y, p):
    assert ours(y, p) == pytest.approx(keras_value(theirs, y, p), abs=1e-6)


def test_half_mse_is_half():
    y, p = RNG.normal(size=10), RNG.normal(size=10)
    assert losses.mse(y, p, half=True) == pytest.approx(losses.mse(y, p) / 2)


def test_logits_form_survives_huge_scores():
    z = np.array([[1000.0], [-1000.0]])
    y = np.array([[0.0], [1.0]])
    assert losses.binary_cross_entropy_from_logits(y, z) == pytest.approx(1000.0)
    assert np.allclose(losses.softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])


def test_textbook_bce_is_infinite_on_a_confident_mistake():
    assert losses.binary_cross_entropy([[1.0]], [[0.0]], eps=0) == np.inf
    assert losses.binary_cross_entropy([[1.0]], [[0.0]]) == pytest.approx(-np.log(1e-7))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: losses.mse([1, 2], [1, 2, 3]), "same shape"),
        (lambda: losses.mse([], []), "empty"),
        (lambda: losses.mse([np.nan], [1.0]), "finite"),
        (lambda: losses.binary_cross_entropy([1.0], [1.5]), "probabilities"),
        (lambda: losses.binary_cross_entropy([1.0], [0.5], eps=0.7), "eps"),
        (lambda: losses.categorical_cross_entropy([1.0, 0.0], [0.5, 0.5]), "one row per example"),
        (lambda: losses.log_softmax(np.zeros((2, 0))), "non-empty"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
