"""The offline loaders return ready-to-use data; bad input and a failed download are explained."""

import numpy as np
import pytest

from lmbook import data


def test_mnist_subset_shapes_and_balance():
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(n_test=500)
    assert x_tr.shape == (4500, 28, 28) and x_te.shape == (500, 28, 28)
    assert x_tr.dtype == np.float32 and 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    assert np.bincount(y_te).tolist() == [50] * 10


def test_mnist_is_deterministic():
    (a, _), _ = data.load_mnist(seed=1)
    (b, _), _ = data.load_mnist(seed=1)
    assert np.array_equal(a, b)


def test_full_mnist_offline_says_what_to_do(monkeypatch):
    import tensorflow as tf

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(tf.keras.datasets.mnist, "load_data", offline)
    monkeypatch.setenv(data.FULL_DATA_ENV, "1")
    with pytest.raises(ConnectionError, match="Unset LMBOOK_FULL_DATA"):
        data.load_mnist()


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_switch(monkeypatch, raw, expected):
    monkeypatch.setenv(data.FULL_DATA_ENV, raw)
    assert data.full_data_requested() is expected


def test_switch_rejects_garbage(monkeypatch):
    monkeypatch.setenv(data.FULL_DATA_ENV, "maybe")
    with pytest.raises(ValueError, match="set it to 1"):
        data.full_data_requested()


def test_reviews():
    frame = data.load_reviews()
    assert list(frame.columns) == ["text", "label"]
    assert len(frame) > 30_000 and set(frame.label) == {0, 1}
    assert frame.text.str.len().min() > 0


def test_peoples_daily_has_no_tags():
    lines = data.load_peoples_daily(max_lines=50)
    assert len(lines) == 50
    assert "/" not in lines[1] and "中共中央" in lines[1]


@pytest.mark.parametrize("name", data.SKLEARN_SETS)
def test_sklearn_sets(name):
    x, y = data.load_sklearn(name)
    assert x.dtype == np.float32 and len(x) == len(y) > 100


def test_make_dataset_batches():
    x, y = np.arange(10, dtype="float32"), np.arange(10)
    batches = list(data.make_dataset(x, y, batch_size=4, shuffle=False))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    shuffled = np.concatenate([b[0].numpy() for b in data.make_dataset(x, y, batch_size=4)])
    assert sorted(shuffled.tolist()) == x.tolist()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.load_mnist(n_test=0), "n_test"),
        (lambda: data.load_mnist(n_test=4995), "too few"),
        (lambda: data.load_peoples_daily(max_lines=-3), "max_lines"),
        (lambda: data.load_sklearn("mnist"), "choose one of"),
        (lambda: data.make_dataset(np.zeros(3), np.zeros(2)), "same length"),
        (lambda: data.make_dataset(np.zeros(3), np.zeros(3), batch_size=0), "batch_size"),
        (lambda: data.make_dataset(np.zeros(0), np.zeros(0)), "empty"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "load, fallback",
    [
        (lambda: data.load_movielens_100k(), "the bundled MovieLens 100k"),
        (lambda: data.load_ui_translations(), "the bundled UI strings"),
    ],
    ids=["movielens-1m", "tatoeba"],
)
def test_full_size_download_offline_says_what_to_do(monkeypatch, tmp_path, load, fallback):
    """Every full-size download goes through one helper: offline, it names the switch to unset."""
    import urllib.request

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setenv(data.FULL_DATA_ENV, "1")
    with pytest.raises(ConnectionError, match=f"Unset LMBOOK_FULL_DATA to use {fallback}"):
        load()
