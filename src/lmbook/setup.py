"""The one-line notebook preamble: ``from lmbook.setup import setup_notebook; env = setup_notebook()``."""

from __future__ import annotations

import os
import platform
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

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


_INSTALL_DIR = re.compile(r"~?(?:/[^/\s:'\"()<>]+)*/(site-packages|dist-packages)/")
_STDLIB_DIR = re.compile(r"~?(?:/[^/\s:'\"()<>]+)*/lib/(python3\.\d+)/")


def shorten_paths(text: str) -> str:
    """Strip machine-specific prefixes from file paths in ``text`` (tracebacks, warnings).

    ``/any/where/site-packages/keras/x.py`` becomes ``site-packages/keras/x.py``,
    ``/any/where/lib/python3.11/json/x.py`` becomes ``python3.11/json/x.py``, and this package's
    own files become ``lmbook/x.py`` wherever it is installed (editable checkout or Colab).
    """
    if not isinstance(text, str):
        raise TypeError(f"shorten_paths takes a str, got {type(text).__name__}")
    package_parent = str(Path(__file__).resolve().parent.parent) + os.sep
    text = text.replace(package_parent, "")
    text = _INSTALL_DIR.sub(r"\1/", text)
    text = _STDLIB_DIR.sub(r"\1/", text)
    return text.replace(os.path.expanduser("~") + os.sep, "~" + os.sep)


def _shorten_reader_facing_paths() -> None:
    """Make tracebacks and warnings that a chapter shows free of build-machine paths."""
    formatwarning = warnings.formatwarning
    if not getattr(formatwarning, "_lmbook", False):
        def short_formatwarning(message, category, filename, lineno, line=None):  # type: ignore[no-untyped-def]
            return shorten_paths(formatwarning(message, category, filename, lineno, line))

        short_formatwarning._lmbook = True  # type: ignore[attr-defined]
        warnings.formatwarning = short_formatwarning
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_lmbook_short_paths", False):
        return
    show = shell._showtraceback  # the one place IPython hands a formatted traceback to the front end

    def short_showtraceback(etype, evalue, stb):  # type: ignore[no-untyped-def]
        return show(etype, evalue, [shorten_paths(line) for line in stb])

    shell._showtraceback = short_showtraceback
    shell._lmbook_short_paths = True


def setup_notebook(seed: int = DEFAULT_SEED, *, verbose: bool = True) -> NotebookEnv:
    """Prepare a chapter: quiet TF logs, fixed seeds, deterministic ops, the book's plot style.

    Tracebacks and warnings the chapter shows get short paths (:func:`shorten_paths`).

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

    _shorten_reader_facing_paths()
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
