"""The from-scratch optimizers equal keras.optimizers step by step and reject bad input clearly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lmbook import optimizers as opt

STEPS = 150
RNG = np.random.default_rng(0)
X0 = RNG.normal(size=(3, 2))
# Gradients of very different sizes per step, so epsilon and accumulators all matter.
GRADS = RNG.normal(size=(STEPS, 3, 2)) * np.logspace(-4, 1, STEPS)[:, None, None]

CASES = [
    opt.SGD(2**-6),
    opt.SGD(2**-6, momentum=0.9),
    opt.SGD(2**-6, momentum=0.9, nesterov=True),
    opt.MomentumEMA(2**-3, gamma=0.875),
    opt.Adagrad(2**-4),
    opt.Adagrad(2**-4, initial_accumulator_value=0.0, epsilon=1e-3),
    opt.RMSprop(2**-7),
    opt.RMSprop(2**-7, rho=0.99, epsilon=1e-4),
    opt.Adam(2**-7),
    opt.Adam(2**-5, beta_1=0.8, beta_2=0.99, epsilon=1e-3),
]


def keras_path(keras_opt, x0: np.ndarray, grads: np.ndarray) -> np.ndarray:
    """Apply the given gradient sequence with a Keras optimizer to a float64 variable."""
    var = keras.Variable(x0, dtype="float64")
    keras_opt.build([var])
    g_all = tf.constant(grads)

    @tf.function
    def loop():
        out = tf.TensorArray(tf.float64, size=len(grads))
        for i in tf.range(len(grads)):
            keras_opt.apply([g_all[i]], [var])
            out = out.write(i, var.value)
        return out.stack()

    return loop().numpy()


def our_path(o: opt.Optimizer, x0: np.ndarray, grads: np.ndarray) -> np.ndarray:
    o.reset()
    x, out = x0, []
    for g in grads:
        x = o.step(x, g)
        out.append(x)
    return np.array(out)


@pytest.mark.parametrize("o", CASES, ids=repr)
def test_equals_keras_step_by_step(o):
    ours = our_path(o, X0, GRADS)
    theirs = keras_path(o.to_keras(), X0, GRADS)
    assert np.abs(ours - theirs).max() < 1e-10
    assert o.iterations == STEPS


def test_ema_momentum_is_keras_momentum_with_scaled_rate():
    alpha, gamma = 0.05, 0.9
    ema = our_path(opt.MomentumEMA(alpha, gamma), X0, GRADS)
    keras_form = our_path(opt.SGD(alpha * (1 - gamma), momentum=gamma), X0, GRADS)
    assert np.allclose(ema, keras_form, rtol=0, atol=1e-12)


def test_adam_placements_agree_without_epsilon_and_differ_with_it():
    small = GRADS * 1e-6
    keras_form = our_path(opt.Adam(0.01, epsilon=0.0), X0, small)
    paper = our_path(opt.Adam(0.01, epsilon=0.0, epsilon_placement="paper"), X0, small)
    assert np.allclose(keras_form, paper, rtol=0, atol=1e-12)
    with_eps = our_path(opt.Adam(0.01, epsilon=1e-7), X0, small)
    paper_eps = our_path(opt.Adam(0.01, epsilon=1e-7, epsilon_placement="paper"), X0, small)
    assert np.abs(with_eps - paper_eps).max() > 1e-4


def test_first_steps_in_closed_form():
    g = np.array([2.0, -0.5])
    assert np.allclose(opt.Adagrad(0.1).step(np.zeros(2), g), -0.1 * g / np.sqrt(0.1 + g**2 + 1e-7))
    # Adam's first step is -alpha * sign(g) when epsilon = 0 (bias correction at work).
    assert np.allclose(opt.Adam(0.1, epsilon=0.0).step(np.zeros(2), g), -0.1 * np.sign(g))
    assert np.allclose(opt.MomentumEMA(1.0, 0.9).step(np.zeros(2), g), -0.1 * g)


def test_lists_of_arrays_and_no_mutation():
    params = [np.ones((2, 2)), np.zeros(3)]
    grads = [np.full((2, 2), 0.5), np.ones(3)]
    new = opt.SGD(0.1).step(params, grads)
    assert isinstance(new, list) and len(new) == 2
    assert np.allclose(new[0], 0.95) and np.allclose(new[1], -0.1)
    assert np.all(params[0] == 1.0), "step must not modify its input"


def test_minimize_returns_trajectory_and_resets():
    o = opt.SGD(0.25)
    path = opt.minimize(o, lambda x: 2 * x, [4.0, -2.0], 10)
    assert path.shape == (11, 2)
    assert np.allclose(path[-1], np.array([4.0, -2.0]) * 0.5**10)
    again = opt.minimize(o, lambda x: 2 * x, [4.0, -2.0], 10)
    assert np.array_equal(path, again)


def test_divergence_is_kept_not_raised():
    path = opt.minimize(opt.SGD(1.5), lambda x: 2 * x, [1.0], 2000)
    assert not np.isfinite(path[-1]).all()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: opt.SGD(0.0), ValueError, "learning_rate"),
        (lambda: opt.SGD(-1), ValueError, "learning_rate"),
        (lambda: opt.SGD("0.1"), TypeError, "learning_rate"),
        (lambda: opt.SGD(0.1, momentum=1.0), ValueError, "momentum"),
        (lambda: opt.SGD(0.1, nesterov=1), TypeError, "nesterov"),
        (lambda: opt.MomentumEMA(0.1, gamma=-0.1), ValueError, "gamma"),
        (lambda: opt.Adagrad(0.1, initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
        (lambda: opt.RMSprop(0.1, rho=1.5), ValueError, "rho"),
        (lambda: opt.Adam(0.1, epsilon=-1.0), ValueError, "epsilon"),
        (lambda: opt.Adam(0.1, epsilon_placement="torch"), ValueError, "epsilon_placement"),
        (lambda: opt.Adam(0.1, epsilon_placement="paper").to_keras(), ValueError, "paper"),
        (lambda: opt.SGD(0.1).step(np.zeros(2), np.zeros(3)), ValueError, "shape"),
        (lambda: opt.SGD(0.1).step([np.zeros(2)], [np.zeros(2), np.zeros(2)]), ValueError, "gradient arrays"),
        (lambda: opt.SGD(0.1).step([], []), ValueError, "empty"),
        (lambda: opt.minimize("sgd", lambda x: x, [1.0], 3), TypeError, "Optimizer"),
        (lambda: opt.minimize(opt.SGD(0.1), None, [1.0], 3), TypeError, "callable"),
        (lambda: opt.minimize(opt.SGD(0.1), lambda x: x, [1.0], -1), ValueError, "steps"),
    ],
)
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_shape_change_needs_reset():
    o = opt.Adam(0.1)
    o.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="reset"):
        o.step(np.zeros(3), np.ones(3))
    o.reset()
    assert o.step(np.zeros(3), np.ones(3)).shape == (3,)
