r"""Forward and backward pass of a two-layer perceptron in NumPy (``float64``), equal to ``tf.GradientTape``.

Rows are examples, as in Keras (a ``Dense`` kernel has shape ``(inputs, units)``):

.. math::

    Z_1 = X W_1 + \mathbf 1 b_1^\top,\quad A_1 = f(Z_1),

    Z_2 = A_1 W_2 + \mathbf 1 b_2^\top,\quad L = \ell(Z_2, Y)

and backward, with :math:`\Delta_2 = \partial L/\partial Z_2` (one short equation per line):

.. math::

    \frac{\partial L}{\partial W_2} = A_1^\top \Delta_2,\quad
    \frac{\partial L}{\partial b_2} = \Delta_2^\top \mathbf 1,

    \Delta_1 = (\Delta_2 W_2^\top)\odot f'(Z_1),

    \frac{\partial L}{\partial W_1} = X^\top \Delta_1,\quad
    \frac{\partial L}{\partial b_1} = \Delta_1^\top \mathbf 1 .

The output head ``output`` fixes the loss :math:`\ell` (each equal to the Keras loss of that name):
``"softmax"`` -- categorical cross-entropy from logits; ``"sigmoid"`` -- binary cross-entropy
from logits; ``"linear"`` -- mean squared error.
"""

from __future__ import annotations

import numpy as np

from lmbook import activations, losses

__all__ = [
    "OUTPUTS",
    "PARAM_NAMES",
    "backward",
    "forward",
    "init_params",
    "loss",
    "loss_and_grads",
    "numerical_grads",
    "relative_error",
]

Params = dict[str, np.ndarray]
OUTPUTS = ("softmax", "sigmoid", "linear")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def init_params(n_in: int, n_hidden: int, n_out: int, *, rng: np.random.Generator) -> Params:
    r"""Glorot-uniform weights :math:`U(-\sqrt{6/(n_{in}+n_{out})}, +\cdot)` and zero biases, like ``keras.layers.Dense``."""
    for name, n in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(env.seed)")

    def glorot(fan_in: int, fan_out: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))

    return {"W1": glorot(n_in, n_hidden), "b1": np.zeros(n_hidden), "W2": glorot(n_hidden, n_out), "b2": np.zeros(n_out)}


def _check(params: Params, X: object, Y: object | None, activation: str, output: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate names and shapes; return X (and Y) as float64 arrays."""
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        raise ValueError(f"params must be a dict with exactly the keys {PARAM_NAMES}")
    activations.get(activation)  # raises a named error for a bad name
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose one of {OUTPUTS}")
    W1, b1, W2, b2 = (np.asarray(params[k]) for k in PARAM_NAMES)
    if W1.ndim != 2 or W2.ndim != 2 or b1.shape != (W1.shape[1],) or W2.shape[0] != W1.shape[1] or b2.shape != (W2.shape[1],):
        raise ValueError(
            "inconsistent shapes: need W1 (n_in, h), b1 (h,), W2 (h, k), b2 (k,); got "
            + ", ".join(f"{k} {np.shape(params[k])}" for k in PARAM_NAMES)
        )
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != W1.shape[0]:
        raise ValueError(f"X must have shape (m, {W1.shape[0]}), got {X.shape}")
    if Y is None:
        return X, None
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != (X.shape[0], W2.shape[1]):
        raise ValueError(f"Y must have shape {(X.shape[0], W2.shape[1])} (one row per example), got {Y.shape}")
    return X, Y


def forward(params: Params, X: object, *, activation: str = "tanh", output: str = "softmax") -> dict[str, np.ndarray]:
    r"""Forward pass; returns the cache ``{"X", "Z1", "A1", "Z2", "Yhat"}`` that :func:`backward` needs.

    ``Yhat`` is the head's prediction: softmax probabilities, sigmoid probabilities, or :math:`Z_2` itself.
    """
    X, _ = _check(params, X, None, activation, output)
    return _forward(params, X, activation, output)


def _forward(params: Params, X: np.ndarray, activation: str, output: str) -> dict[str, np.ndarray]:
    """:func:`forward` without the input checks (for inner loops over validated input)."""
    f, _ = activations.get(activation)
    Z1 = X @ params["W1"] + params["b1"]
    A1 = f(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    Yhat = {"softmax": activations.softmax, "sigmoid": activations.sigmoid, "linear": np.asarray}[output](Z2)
    return {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "Yhat": Yhat}


def _loss_from_cache(cache: dict[str, np.ndarray], Y: np.ndarray, output: str) -> float:
    if output == "softmax":
        return losses.categorical_cross_entropy_from_logits(Y, cache["Z2"])
    if output == "sigmoid":
        return losses.binary_cross_entropy_from_logits(Y, cache["Z2"])
    return losses.mse(Y, cache["Z2"])


def loss(params: Params, X: object, Y: object, *, activation: str = "tanh", output: str = "softmax") -> float:
    """The mean loss of the batch, equal to the Keras loss of the output head."""
    X, Y = _check(params, X, Y, activation, output)
    return _loss_from_cache(forward(params, X, activation=activation, output=output), Y, output)


def backward(params: Params, cache: dict[str, np.ndarray], Y: object, *, activation: str = "tanh",
             output: str = "softmax") -> Params:
    r"""Gradients ``{"W1", "b1", "W2", "b2"}`` of the mean loss, by the chain rule in matrix form.

    The output delta :math:`\Delta_2 = \partial L/\partial Z_2` is :math:`(P-Y)/m` for softmax with
    cross-entropy, :math:`(\sigma(Z_2)-Y)/(mk)` for sigmoid with binary cross-entropy and
    :math:`2(Z_2-Y)/(mk)` for mean squared error (``m`` examples, ``k`` outputs; Keras averages over both).
    """
    X, Y = _check(params, cache["X"], Y, activation, output)
    _, f_prime = activations.get(activation)
    m, k = Y.shape
    if output == "softmax":
        D2 = (cache["Yhat"] - Y) / m
    elif output == "sigmoid":
        D2 = (cache["Yhat"] - Y) / (m * k)
    else:
        D2 = 2.0 * (cache["Z2"] - Y) / (m * k)
    D1 = (D2 @ params["W2"].T) * f_prime(cache["Z1"])
    return {"W1": X.T @ D1, "b1": D1.sum(axis=0), "W2": cache["A1"].T @ D2, "b2": D2.sum(axis=0)}


def loss_and_grads(params: Params, X: object, Y: object, *, activation: str = "tanh",
                   output: str = "softmax") -> tuple[float, Params]:
    """One forward and one backward pass: ``(mean loss, gradients)``."""
    X, Y = _check(params, X, Y, activation, output)
    cache = forward(params, X, activation=activation, output=output)
    return _loss_from_cache(cache, Y, output), backward(params, cache, Y, activation=activation, output=output)


def numerical_grads(params: Params, X: object, Y: object, *, activation: str = "tanh", output: str = "softmax",
                    eps: float = 1e-6) -> Params:
    r"""Central finite differences :math:`\frac{L(\theta+\varepsilon e_i)-L(\theta-\varepsilon e_i)}{2\varepsilon}`, one
    parameter at a time (``2 × #params`` forward passes: for small nets only)."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}")
    X, Y = _check(params, X, Y, activation, output)
    shifted = {k: np.array(v, dtype=np.float64) for k, v in params.items()}  # one private copy

    def at(name: str, i: tuple[int, ...], value: float) -> float:
        shifted[name][i] = value
        return _loss_from_cache(_forward(shifted, X, activation, output), Y, output)

    grads: Params = {}
    for name in PARAM_NAMES:
        g = np.zeros_like(shifted[name])
        for i in np.ndindex(g.shape):
            old = float(shifted[name][i])
            g[i] = (at(name, i, old + eps) - at(name, i, old - eps)) / (2 * eps)
            shifted[name][i] = old
        grads[name] = g
    return grads


def relative_error(a: Params, b: Params) -> float:
    r""":math:`\lVert a-b\rVert / (\lVert a\rVert + \lVert b\rVert)` over all parameters flattened together (0 if both are 0)."""
    if set(a) != set(b):
        raise ValueError(f"gradient dicts have different keys: {sorted(a)} vs {sorted(b)}")
    for key in a:
        if np.shape(a[key]) != np.shape(b[key]):
            raise ValueError(f"shapes differ for {key}: {np.shape(a[key])} vs {np.shape(b[key])}")
    va = np.concatenate([np.ravel(a[k]) for k in sorted(a)]).astype(np.float64)
    vb = np.concatenate([np.ravel(b[k]) for k in sorted(b)]).astype(np.float64)
    denom = np.linalg.norm(va) + np.linalg.norm(vb)
    return 0.0 if denom == 0 else float(np.linalg.norm(va - vb) / denom)
