"""glue() stores plain Python values and refuses what the prose cannot show."""

import numpy as np
import pytest
import tensorflow as tf

from lmbook import report


def test_numpy_and_tf_scalars_become_plain():
    report.glue("a_float", np.float32(0.5))
    report.glue("an_int", np.int64(3))
    report.glue("a_tensor", tf.constant(2.5))
    report.glue("a_text", "ok")
    glued = report.glued()
    assert type(glued["a_float"]) is float and glued["a_float"] == 0.5
    assert type(glued["an_int"]) is int and glued["an_int"] == 3
    assert type(glued["a_tensor"]) is float and glued["a_tensor"] == 2.5
    assert glued["a_text"] == "ok"


def test_glue_returns_none_so_a_last_line_glue_shows_nothing():
    assert report.glue("quiet", 1.5) is None


@pytest.mark.parametrize("key", ["Bad", "1st", "with space", "", None])
def test_bad_keys(key):
    with pytest.raises(ValueError, match="lower_snake_case"):
        report.glue(key, 1.0)


@pytest.mark.parametrize("value", [np.zeros(3), [1, 2], {"a": 1}, True])
def test_non_scalars_are_refused(value):
    with pytest.raises(TypeError):
        report.glue("value", value)


def test_without_myst_nb_the_value_is_printed(monkeypatch, capsys):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "myst_nb" else real_find_spec(name, *a))
    report.glue("shown", 1.25)
    assert "shown = 1.25" in capsys.readouterr().out


@pytest.mark.parametrize("value", [0.125, 3, "a text"])
def test_glue_publishes_what_myst_nb_glue_publishes(monkeypatch, value):
    import IPython.display
    import myst_nb.ext.glue

    published = []
    record = lambda *args, **kwargs: published.append((args, kwargs))  # noqa: E731
    monkeypatch.setattr(myst_nb.ext.glue, "ipy_display", record)
    monkeypatch.setattr(IPython.display, "display", record)
    myst_nb.ext.glue.glue("key", value, display=False)
    report.glue("key", value)
    assert len(published) == 2 and published[0] == published[1], published
    assert report.GLUE_PREFIX == myst_nb.ext.glue.GLUE_PREFIX
