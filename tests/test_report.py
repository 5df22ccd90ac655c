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
    import builtins

    real_import = builtins.__import__

    def no_myst(name, *args, **kwargs):
        if name == "myst_nb":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst)
    report.glue("shown", 1.25)
    assert "shown = 1.25" in capsys.readouterr().out
