r"""Loss functions from scratch in NumPy, written to equal ``keras.losses`` numerically.

Every function returns the mean loss over the ``m`` examples of a batch, as Keras' default
``"sum_over_batch_size"`` reduction does. Probabilities are clipped to
:math:`[\varepsilon, 1-\varepsilon]` with Keras' :math:`\varepsilon = 10^{-7}` so that
:math:`\log 0` never occurs; pass ``eps=0`` for the textbook formula.
"""

from __future__ import annotations

import numpy as np

KERAS_EPSILON = 1e-7


def _pair(y_true: object, y_pred: object, *, probabilities: bool) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (target, prediction) pair and return both as float64 arrays."""
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
    if t.size == 0:
        raise ValueError("y_true and y_pred are empty: a mean over zero examples is undefined")
    if not (np.isfinite(t).all() and np.isfinite(p).all()):
        raise ValueError("y_true and y_pred must be finite (found NaN or inf)")
    if probabilities and ((p < 0).any() or (p > 1).any()):
        raise ValueError("y_pred must hold probabilities in [0, 1]; for raw scores use the *_from_logits form")
    return t, p


def _check_eps(eps: float) -> float:
    if not 0 <= eps < 0.5:
        raise ValueError(f"eps must be in [0, 0.5), got {eps!r}")
    return eps


def mse(y_true: object, y_pred: object, *, half: bool = False) -> float:
    r"""Mean squared error :math:`\frac{1}{m}\sum_i (y_i-\hat y_i)^2`.

    ``half=True`` gives the :math:`\frac{1}{2m}` form whose gradient is :math:`\frac{1}{m}\sum_i(\hat y_i-y_i)`.
    """
    t, p = _pair(y_true, y_pred, probabilities=False)
    value = float(np.mean((t - p) ** 2))
    return value / 2 if half else value


def binary_cross_entropy(y_true: object, y_pred: object, *, eps: float = KERAS_EPSILON) -> float:
    r"""Binary cross-entropy :math:`-\frac{1}{m}\sum_i [y_i\log p_i + (1-y_i)\log(1-p_i)]`."""
    t, p = _pair(y_true, y_pred, probabilities=True)
    p = np.clip(p, _check_eps(eps), 1 - eps)
    with np.errstate(divide="ignore"):  # eps=0 with p in {0, 1} is a true infinity
        terms = t * np.log(p) + (1 - t) * np.log(1 - p)
    return float(-np.mean(terms))


def binary_cross_entropy_from_logits(y_true: object, logits: object) -> float:
    r"""Binary cross-entropy on raw scores :math:`z`, in the overflow-free form

    :math:`\ell(z, y) = \max(z, 0) - z\,y + \log(1 + e^{-|z|})`, equal to
    :math:`-[y\log\sigma(z) + (1-y)\log(1-\sigma(z))]` for every real :math:`z`.
    """
    t, z = _pair(y_true, logits, probabilities=False)
    return float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))


def categorical_cross_entropy(y_true: object, y_pred: object, *, eps: float = KERAS_EPSILON) -> float:
    r"""Categorical cross-entropy :math:`-\frac{1}{m}\sum_i\sum_j y_{ij}\log p_{ij}` over the last axis.

    Like Keras, each row of ``y_pred`` is first rescaled to sum to one.
    """
    t, p = _pair(y_true, y_pred, probabilities=True)
    if t.ndim < 2:
        raise ValueError("categorical cross-entropy needs one row per example: shape (m, classes)")
    p = p / p.sum(axis=-1, keepdims=True)
    p = np.clip(p, _check_eps(eps), 1 - eps)
    return float(-np.mean(np.sum(t * np.log(p), axis=-1)))


def log_softmax(logits: object) -> np.ndarray:
    r""":math:`\log\operatorname{softmax}(z)_j = z_j - \max_k z_k - \log\sum_k e^{z_k-\max_k z_k}` (no overflow)."""
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim < 1 or z.shape[-1] == 0:
        raise ValueError("logits need a non-empty last axis of class scores")
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: object) -> np.ndarray:
    r""":math:`\operatorname{softmax}(z)_j = e^{z_j} / \sum_k e^{z_k}`, computed through :func:`log_softmax`."""
    return np.exp(log_softmax(logits))


def categorical_cross_entropy_from_logits(y_true: object, logits: object) -> float:
    r"""Categorical cross-entropy on raw scores: :math:`-\frac{1}{m}\sum_i\sum_j y_{ij}\log\operatorname{softmax}(z_i)_j`."""
    t, z = _pair(y_true, logits, probabilities=False)
    if t.ndim < 2:
        raise ValueError("categorical cross-entropy needs one row per example: shape (m, classes)")
    return float(-np.mean(np.sum(t * log_softmax(z), axis=-1)))
