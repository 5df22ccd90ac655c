"""Vision data: scikit-image's faces / non-faces subset and the synthetic digit scenes with known boxes."""

import numpy as np
import pytest

from lmbook import data


def test_lfw_subset_shapes_and_labels():
    images, labels = data.load_lfw_subset()
    assert images.shape == (200, 25, 25) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0 and images.std() > 0.1
    assert labels.tolist() == [1] * 100 + [0] * 100


def test_lfw_subset_without_scikit_image_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_skimage(name, *args, **kwargs):
        if name == "skimage" or name.startswith("skimage."):
            raise ImportError("No module named 'skimage'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_skimage)
    with pytest.raises(ImportError, match="pip install scikit-image"):
        data.load_lfw_subset()


def _digits(n=50, seed=0):
    """Small fake 'digits': a bright rectangle of random size somewhere in a 28 x 28 frame."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), "float32")
    for img in images:
        h, w = rng.integers(6, 20, 2)
        y, x = rng.integers(0, 28 - h), rng.integers(0, 28 - w)
        img[y:y + h, x:x + w] = 1.0
    return images, np.arange(n) % 10


def test_scenes_shapes_types_and_boxes_inside_canvas():
    images, labels = _digits()
    scenes, y, boxes = data.make_digit_scenes(images, labels, 64, canvas=40, size_range=(12, 30), clutter=2)
    assert scenes.shape == (64, 40, 40) and scenes.dtype == np.float32
    assert y.shape == (64,) and set(y) <= set(labels)
    assert boxes.shape == (64, 4) and boxes.dtype == np.float32
    assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 40).all()
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()
    longer = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    assert longer.min() >= 12 - 1 and longer.max() <= 30
    assert 0.0 <= scenes.min() and scenes.max() <= 1.0 + 1e-6


def test_without_clutter_all_ink_is_inside_the_box_and_fills_it():
    images, labels = _digits()
    scenes, _, boxes = data.make_digit_scenes(images, labels, 32, canvas=40, clutter=0, seed=3)
    for scene, (x0, y0, x1, y1) in zip(scenes, boxes.astype(int)):
        inside = np.zeros_like(scene, bool)
        inside[y0:y1, x0:x1] = True
        assert scene[~inside].max() == 0.0
        assert scene[y0:y1, x0:x1].mean() > 0.5  # the rectangle 'digit' fills its box


def test_clutter_adds_ink_outside_the_box():
    images, labels = _digits()
    plain, _, boxes = data.make_digit_scenes(images, labels, 64, canvas=40, clutter=0, seed=5)
    cluttered, _, boxes2 = data.make_digit_scenes(images, labels, 64, canvas=40, clutter=3, seed=5)
    assert np.array_equal(boxes, boxes2)  # clutter is drawn after the digits, from the same generator
    assert cluttered.sum() > plain.sum()


def test_scenes_are_deterministic_per_seed():
    images, labels = _digits()
    a = data.make_digit_scenes(images, labels, 16, seed=1)
    b = data.make_digit_scenes(images, labels, 16, seed=1)
    c = data.make_digit_scenes(images, labels, 16, seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[2], c[2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n must be an int"),
        ({"canvas": 4}, "canvas must be an int"),
        ({"clutter": -1}, "clutter must be an int"),
        ({"size_range": (12, 50)}, "size_range must satisfy"),
        ({"size_range": (20, 10)}, "size_range must satisfy"),
    ],
)
def test_scenes_reject_bad_arguments(kwargs, message):
    images, labels = _digits()
    args = {"n": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        data.make_digit_scenes(images, labels, **args)


def test_scenes_reject_bad_images():
    images, labels = _digits()
    with pytest.raises(ValueError, match="same length"):
        data.make_digit_scenes(images, labels[:-1], 4)
    with pytest.raises(ValueError, match="shape"):
        data.make_digit_scenes(images[:, :8, :8], labels, 4)
    blank = images.copy()
    blank[3] = 0.0
    with pytest.raises(ValueError, match="no pixel above"):
        data.make_digit_scenes(blank, labels, 4)


def test_each_image_is_used_once_before_any_twice():
    images, labels = _digits(n=20)
    _, y, _ = data.make_digit_scenes(images, np.arange(20), 20, seed=7)
    assert sorted(y.tolist()) == list(range(20))
    _, y, _ = data.make_digit_scenes(images, np.arange(20), 50, seed=7)
    assert np.bincount(y, minlength=20).min() >= 2 and np.bincount(y).max() <= 3
