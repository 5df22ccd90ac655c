"""The compiled loop learns, repeats exactly, honours `variables`, and rejects bad input."""

import keras
import numpy as np
import pytest

from lmbook.data import load_sklearn
from lmbook.training import accuracy, train_steps

X, Y = load_sklearn("digits")
X = X / 16.0


def model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(10)])


def test_learns_and_is_repeatable():
    untrained = accuracy(model(), X, Y)
    a = train_steps(model(), X, Y, steps=200)
    b = train_steps(model(), X, Y, steps=200)
    assert accuracy(a, X, Y) > 0.9 > untrained
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def test_only_the_given_variables_change():
    net = model()
    body_before = net.layers[0].get_weights()[0].copy()
    train_steps(net, X, Y, steps=20, variables=net.layers[1].trainable_variables)
    assert np.array_equal(net.layers[0].get_weights()[0], body_before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"steps": 0}, "steps"), ({"steps": 5, "batch_size": 0}, "batch_size"), ({"steps": 5, "learning_rate": 0}, "learning_rate")],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_steps(model(), X, Y, **kwargs)


def test_bad_data():
    with pytest.raises(ValueError, match="same length"):
        accuracy(model(), X, Y[:-1])
    with pytest.raises(ValueError, match="empty"):
        train_steps(model(), X[:0], Y[:0], steps=1)
