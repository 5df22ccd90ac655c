"""The one-line notebook preamble: ``from lmbook.setup import setup_notebook; env = setup_notebook()``."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field

DEFAULT_SEED = 42


@dataclass(frozen=True)
class NotebookEnv:
    """What :func:`setup_notebook` set up and found."""

    seed: int
    in_colab: bool
    versions: dict[str, str] = field(default_factory=dict)


def in_colab() -> bool:
    """True when running inside Google Colab (its ``google.colab`` module is importable)."""
    if "google.colab" in sys.modules:
        return True
    try:
        import google.colab  # noqa: F401
    except ImportError:
        return False
    return True


def setup_notebook(seed: int = DEFAULT_SEED, *, verbose: bool = True) -> NotebookEnv:
    """Prepare a chapter: quiet TF logs, fixed seeds, deterministic ops, the book's plot style.

    Seeds Python's ``random``, NumPy and TensorFlow through ``keras.utils.set_random_seed`` and
    turns on ``tf.config.experimental.enable_op_determinism`` so reruns give the same numbers.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before the first TF import; hides CUDA probing on CPUs
    os.environ.setdefault("PYTHONHASHSEED", str(seed))

    import keras
    import matplotlib
    import numpy as np
    import tensorflow as tf

    from lmbook import __version__
    from lmbook.plot import use_book_style

    tf.get_logger().setLevel("ERROR")
    tf.config.list_physical_devices()  # probe devices now, so their log lines stay in this cell
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    use_book_style()

    versions = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "lmbook": __version__,
    }
    env = NotebookEnv(seed=seed, in_colab=in_colab(), versions=versions)
    if verbose:
        where = "Colab" if env.in_colab else "local"
        print(f"seed={seed} ({where}) | " + " | ".join(f"{k} {v}" for k, v in versions.items()))
    return env
