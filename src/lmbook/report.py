"""Glue a computed value into the book's prose.

In a Jupyter Book build the value is stored with MyST-NB's ``glue`` (hidden in the cell output)
and the prose shows it through MyST-NB's ``glue:text`` role. Where MyST-NB is not installed (Colab,
a bare Jupyter), the value is printed instead so the reader still sees every number.
Every glued value is also kept in :func:`glued` so Check cells can assert on it.
"""

from __future__ import annotations

import importlib.util
import numbers
import re

import numpy as np

#: MyST-NB's prefix for glued outputs (``myst_nb.ext.glue.GLUE_PREFIX``), hidden from the page.
GLUE_PREFIX = "application/papermill.record/"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_GLUED: dict[str, float | int | str] = {}


def _plain(value: object) -> float | int | str:
    """Convert NumPy/TF scalars to plain Python ``float``/``int``; keep ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("glue a bool as a str (e.g. 'yes'/'no'): it has no number format")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "numpy") or isinstance(value, np.ndarray):
        arr = np.asarray(value)
        if arr.shape == ():
            return _plain(arr.item())
        raise TypeError(f"glue takes a scalar, got an array of shape {arr.shape}; reduce it first")
    raise TypeError(f"glue takes a number or a str, got {type(value).__name__}")


def glue(key: str, value: object) -> None:
    """Record ``value`` under ``key`` for the prose (read it back with :func:`glued`).

    ``key`` is lower_snake_case so that hygiene tests can match it in the markdown. Returns
    ``None``, so a cell that ends with a ``glue(...)`` call shows no stray value under it.
    """
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"glue key must be lower_snake_case like 'mse_value', got {key!r}")
    plain = _plain(value)
    _GLUED[key] = plain
    if importlib.util.find_spec("myst_nb") is None:
        print(f"{key} = {plain}")
        return
    # What ``myst_nb.glue(key, plain, display=False)`` publishes (tests/test_report.py checks the
    # two are equal), without importing myst_nb.ext.glue: it imports nbformat -> jsonschema ->
    # rfc3987_syntax, whose grammar takes over a second to build in every notebook.
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(plain)
    metadata["scrapbook"] = {"name": key, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


def glued() -> dict[str, float | int | str]:
    """A copy of every value glued so far in this kernel."""
    return dict(_GLUED)
