r"""Activation functions and their derivatives from scratch in NumPy, equal to ``keras.activations``.

Each elementwise activation :math:`f` comes with its derivative :math:`f'` written as a function
of the *pre-activation* :math:`z` (the value the neuron computes before the non-linearity), which
is what backpropagation needs: :math:`\delta = \frac{\partial L}{\partial a} \odot f'(z)`.
Everything is computed in ``float64``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from lmbook.losses import softmax  # one softmax in the book: max-shifted, through log_softmax

__all__ = [
    "ACTIVATIONS",
    "get",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "softmax_vjp",
    "tanh",
    "tanh_grad",
]

Array = np.ndarray


def _as_float(x: object) -> Array:
    """Return ``x`` as a float64 array; reject text, objects and NaN with a named error."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"activations take numbers or arrays of numbers, got {type(x).__name__}") from err
    if np.isnan(arr).any():
        raise ValueError("input holds NaN: an activation of NaN is undefined")
    return arr


def sigmoid(z: object) -> Array:
    r"""Logistic sigmoid :math:`\sigma(z) = \frac{1}{1+e^{-z}}`, computed without overflow.

    For :math:`z < 0` it uses the equal form :math:`e^{z}/(1+e^{z})`, so :math:`e^{-z}` is never
    evaluated for a large negative :math:`z`.
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z: object) -> Array:
    r""":math:`\sigma'(z) = \sigma(z)\,(1-\sigma(z))`, at most :math:`\tfrac14` (at :math:`z=0`)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: object) -> Array:
    r"""Hyperbolic tangent :math:`\tanh z = \frac{e^{z}-e^{-z}}{e^{z}+e^{-z}} = 2\sigma(2z)-1`."""
    return np.tanh(_as_float(z))


def tanh_grad(z: object) -> Array:
    r""":math:`\tanh'(z) = 1-\tanh^2 z`, at most 1 (at :math:`z=0`)."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z: object) -> Array:
    r"""Rectified linear unit :math:`\mathrm{ReLU}(z) = \max(z, 0)`."""
    z = _as_float(z)
    return np.maximum(z, 0.0)


def relu_grad(z: object) -> Array:
    r""":math:`\mathrm{ReLU}'(z) = 1` for :math:`z>0`, else 0.

    The derivative does not exist at :math:`z=0`; like TensorFlow, this returns 0 there.
    """
    z = _as_float(z)
    return (z > 0).astype(np.float64)


def softmax_jacobian(z: object) -> Array:
    r"""Jacobian of softmax over the last axis: :math:`J_{jk} = s_j(\delta_{jk} - s_k)`, i.e.
    :math:`J = \operatorname{diag}(s) - s s^\top` with :math:`s = \operatorname{softmax}(z)`.

    For ``z`` of shape ``(..., c)`` the result has shape ``(..., c, c)``.
    """
    z = _as_float(z)
    if z.ndim < 1 or z.shape[-1] == 0:
        raise ValueError("softmax needs a non-empty last axis of scores")
    s = softmax(z)
    return s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]


def softmax_vjp(z: object, upstream: object) -> Array:
    r"""Backpropagate ``upstream`` :math:`g = \partial L/\partial s` through softmax without forming :math:`J`:

    :math:`\frac{\partial L}{\partial z} = J^\top g = s \odot \big(g - \langle g, s\rangle\big)`.
    """
    z, g = _as_float(z), _as_float(upstream)
    if z.shape != g.shape:
        raise ValueError(f"z and upstream must have the same shape, got {z.shape} and {g.shape}")
    if z.ndim < 1 or z.shape[-1] == 0:
        raise ValueError("softmax needs a non-empty last axis of scores")
    s = softmax(z)
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, tuple[Callable[[object], Array], Callable[[object], Array]]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
}


def get(name: str) -> tuple[Callable[[object], Array], Callable[[object], Array]]:
    """The pair ``(f, f_prime)`` for an elementwise activation: ``"sigmoid"``, ``"tanh"`` or ``"relu"``."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str, got {type(name).__name__}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None
