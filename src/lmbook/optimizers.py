r"""Gradient-descent optimizers from scratch in NumPy, written to equal ``keras.optimizers`` step by step.

Each optimizer keeps its own state (velocities, accumulators, the step counter) and updates
parameters with :meth:`Optimizer.step`. The update rules follow the Keras 3 source exactly,
including where :math:`\varepsilon` sits and how accumulators start, so that a trajectory
computed here equals the one Keras computes (to rounding) for any number of steps.
:meth:`Optimizer.to_keras` builds the Keras optimizer with the same settings.

Notation: :math:`\theta` parameters, :math:`g_t = \nabla J(\theta_{t-1})` the gradient at step
:math:`t = 1, 2, \dots`, :math:`\alpha` the learning rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

ArrayOrArrays = np.ndarray | Sequence[np.ndarray]


def _positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _fraction(name: str, value: object, *, allow_zero: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value < 1):
        interval = "[0, 1)" if allow_zero else "(0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return float(value)


class Optimizer:
    """Base class: validates inputs, keeps per-parameter state, counts steps."""

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.iterations = 0
        self._shapes: list[tuple[int, ...]] | None = None
        self._state: list[dict[str, np.ndarray]] = []

    # -- what subclasses define -------------------------------------------------
    def _init_state(self, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
        return {}

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], t: int) -> np.ndarray:
        raise NotImplementedError

    def _keras_kwargs(self) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    # -- the public interface ---------------------------------------------------
    def step(self, params: ArrayOrArrays, grads: ArrayOrArrays) -> ArrayOrArrays:
        """Apply one update; return the new parameters (same structure: one array or a list).

        The inputs are not modified. The first call fixes the parameter shapes; later calls
        must pass arrays of the same shapes.
        """
        single = isinstance(params, np.ndarray) or np.isscalar(params)
        p_list = [params] if single else list(params)
        g_list = [grads] if single else list(grads)
        if not p_list:
            raise ValueError("params is empty: nothing to update")
        if len(p_list) != len(g_list):
            raise ValueError(f"got {len(p_list)} parameter arrays but {len(g_list)} gradient arrays")
        ps = [np.array(p, dtype=np.float64) for p in p_list]
        gs = [np.asarray(g, dtype=np.float64) for g in g_list]
        for i, (p, g) in enumerate(zip(ps, gs)):
            if p.shape != g.shape:
                raise ValueError(f"parameter {i} has shape {p.shape} but its gradient has shape {g.shape}")
        shapes = [p.shape for p in ps]
        if self._shapes is None:
            self._shapes = shapes
            self._state = [self._init_state(s) for s in shapes]
        elif shapes != self._shapes:
            raise ValueError(f"parameter shapes changed from {self._shapes} to {shapes}; call reset() first")
        self.iterations += 1
        new = [self._update(p, g, s, self.iterations) for p, g, s in zip(ps, gs, self._state)]
        return new[0] if single else new

    def reset(self) -> None:
        """Forget all state (velocities, accumulators, step count)."""
        self.iterations = 0
        self._shapes = None
        self._state = []

    def to_keras(self) -> Any:
        """The ``keras.optimizers`` object that computes the same updates.

        Hyperparameters are passed as ``np.float64``: Keras converts a Python ``float`` such as
        ``momentum=0.9`` through a ``float32`` tensor, which would round it even for ``float64``
        weights. The learning rate is kept by Keras in a ``float32`` variable whatever is passed,
        so exact parity in ``float64`` needs a learning rate representable in ``float32`` (e.g. 2**-7).
        """
        import keras

        cls, kwargs = self._keras_kwargs()
        kwargs = {k: np.float64(v) if isinstance(v, float) else v for k, v in kwargs.items()}
        return getattr(keras.optimizers, cls)(**kwargs)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_") and k != "iterations")
        return f"{type(self).__name__}({fields})"


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum, in Keras' form.

    Plain: :math:`\theta_t = \theta_{t-1} - \alpha g_t`.
    Momentum :math:`\mu`: :math:`m_t = \mu m_{t-1} - \alpha g_t,\ \theta_t = \theta_{t-1} + m_t`, with :math:`m_0 = 0`.
    Nesterov: :math:`\theta_t = \theta_{t-1} + \mu m_t - \alpha g_t`.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = _fraction("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        self.nesterov = nesterov

    def _init_state(self, shape):
        return {"m": np.zeros(shape)}

    def _update(self, theta, g, state, t):
        if self.momentum == 0:
            return theta - g * self.learning_rate
        m = state["m"] = state["m"] * self.momentum - g * self.learning_rate
        if self.nesterov:
            return theta + (m * self.momentum - g * self.learning_rate)
        return theta + m

    def _keras_kwargs(self):
        return "SGD", {"learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov}


class MomentumEMA(Optimizer):
    r"""Momentum as an exponential moving average of gradients (the "(1-γ)" form).

    :math:`v_t = \gamma v_{t-1} + (1-\gamma) g_t,\ \theta_t = \theta_{t-1} - \alpha v_t`, with :math:`v_0 = 0`.
    It equals Keras' :class:`SGD` momentum with learning rate :math:`\alpha(1-\gamma)`, which is
    what :meth:`to_keras` returns.
    """

    def __init__(self, learning_rate: float = 0.01, gamma: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.gamma = _fraction("gamma", gamma)

    def _init_state(self, shape):
        return {"v": np.zeros(shape)}

    def _update(self, theta, g, state, t):
        v = state["v"] = self.gamma * state["v"] + (1 - self.gamma) * g
        return theta - self.learning_rate * v

    def _keras_kwargs(self):
        return "SGD", {"learning_rate": self.learning_rate * (1 - self.gamma), "momentum": self.gamma}


class Adagrad(Optimizer):
    r"""AdaGrad as Keras computes it: the accumulator starts at ``initial_accumulator_value`` (0.1).

    :math:`a_t = a_{t-1} + g_t^2,\ \theta_t = \theta_{t-1} - \alpha g_t / \sqrt{a_t + \varepsilon}`
    (:math:`\varepsilon` inside the root).
    """

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        if isinstance(initial_accumulator_value, bool) or not isinstance(initial_accumulator_value, (int, float)):
            raise TypeError("initial_accumulator_value must be a number")
        if not initial_accumulator_value >= 0:
            raise ValueError(f"initial_accumulator_value must be >= 0, got {initial_accumulator_value!r}")
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = _positive("epsilon", epsilon)

    def _init_state(self, shape):
        return {"a": np.full(shape, self.initial_accumulator_value)}

    def _update(self, theta, g, state, t):
        a = state["a"] = state["a"] + g * g
        return theta - (self.learning_rate * g) / np.sqrt(a + self.epsilon)

    def _keras_kwargs(self):
        return "Adagrad", {"learning_rate": self.learning_rate,
                           "initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    r"""RMSProp as Keras computes it (no momentum, not centred).

    :math:`s_t = \rho s_{t-1} + (1-\rho) g_t^2,\ \theta_t = \theta_{t-1} - \alpha g_t / \sqrt{s_t + \varepsilon}`,
    with :math:`s_0 = 0` and :math:`\varepsilon` inside the root.
    """

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.rho = _fraction("rho", rho)
        self.epsilon = _positive("epsilon", epsilon)

    def _init_state(self, shape):
        return {"s": np.zeros(shape)}

    def _update(self, theta, g, state, t):
        s = state["s"] = self.rho * state["s"] + (1 - self.rho) * (g * g)
        return theta - (self.learning_rate * g) / np.sqrt(s + self.epsilon)

    def _keras_kwargs(self):
        return "RMSprop", {"learning_rate": self.learning_rate, "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    r"""Adam with bias correction.

    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2` (both start at 0).

    ``epsilon_placement="keras"`` (default, what ``keras.optimizers.Adam`` does) folds the bias
    corrections into the step size:
    :math:`\alpha_t = \alpha\sqrt{1-\beta_2^t}/(1-\beta_1^t),\ \theta_t = \theta_{t-1} - \alpha_t m_t/(\sqrt{v_t} + \varepsilon)`.

    ``epsilon_placement="paper"`` is Algorithm 1 of Kingma & Ba (and article 003 §4):
    :math:`\hat m_t = m_t/(1-\beta_1^t),\ \hat v_t = v_t/(1-\beta_2^t),\ \theta_t = \theta_{t-1} - \alpha\hat m_t/(\sqrt{\hat v_t} + \varepsilon)`.
    The two agree exactly when :math:`\varepsilon = 0`.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, epsilon_placement: str = "keras") -> None:
        super().__init__(learning_rate)
        self.beta_1 = _fraction("beta_1", beta_1)
        self.beta_2 = _fraction("beta_2", beta_2)
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon >= 0:
            raise ValueError(f"epsilon must be a number >= 0, got {epsilon!r}")
        self.epsilon = float(epsilon)
        if epsilon_placement not in ("keras", "paper"):
            raise ValueError(f"epsilon_placement must be 'keras' or 'paper', got {epsilon_placement!r}")
        self.epsilon_placement = epsilon_placement

    def _init_state(self, shape):
        return {"m": np.zeros(shape), "v": np.zeros(shape)}

    def _update(self, theta, g, state, t):
        m = state["m"] = state["m"] + (g - state["m"]) * (1 - self.beta_1)
        v = state["v"] = state["v"] + (g * g - state["v"]) * (1 - self.beta_2)
        c1, c2 = 1 - self.beta_1**t, 1 - self.beta_2**t
        if self.epsilon_placement == "paper":
            return theta - self.learning_rate * (m / c1) / (np.sqrt(v / c2) + self.epsilon)
        alpha_t = self.learning_rate * np.sqrt(c2) / c1
        return theta - (m * alpha_t) / (np.sqrt(v) + self.epsilon)

    def _keras_kwargs(self):
        if self.epsilon_placement != "keras":
            raise ValueError("Keras has no paper-placement Adam; use epsilon_placement='keras'")
        return "Adam", {"learning_rate": self.learning_rate, "beta_1": self.beta_1, "beta_2": self.beta_2,
                        "epsilon": self.epsilon}


def minimize(optimizer: Optimizer, grad_fn: Callable[[np.ndarray], np.ndarray], x0: object,
             steps: int) -> np.ndarray:
    r"""Run ``steps`` updates from ``x0``; return the trajectory, shape ``(steps + 1, *x0.shape)``.

    ``grad_fn(x)`` returns :math:`\nabla J(x)`. The optimizer is reset first. A trajectory that
    overflows keeps its ``inf``/``nan`` values (useful for learning-rate sweeps).
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an lmbook.optimizers.Optimizer, got {type(optimizer).__name__}")
    if not callable(grad_fn):
        raise TypeError("grad_fn must be callable: x -> gradient of the loss at x")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    x = np.array(x0, dtype=np.float64)
    optimizer.reset()
    path = np.empty((int(steps) + 1, *x.shape))
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(steps) + 1):
            x = optimizer.step(x, grad_fn(x))
            path[k] = x
    return path
