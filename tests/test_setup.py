"""setup_notebook() makes runs repeatable and reports what it found."""

import numpy as np
import pytest
import tensorflow as tf

from lmbook.setup import in_colab, setup_notebook


def draw():
    return float(np.random.rand()), float(tf.random.uniform(()))


def test_same_seed_same_numbers(capsys):
    env = setup_notebook(7)
    first = draw()
    setup_notebook(7)
    assert draw() == first
    setup_notebook(8, verbose=False)
    assert draw() != first
    out = capsys.readouterr().out
    assert "seed=7 (local)" in out and "tensorflow" in out
    assert env.versions["tensorflow"] == tf.__version__
    assert env.in_colab is False and in_colab() is False


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        setup_notebook(seed)


def test_plot_style_applied():
    import matplotlib as mpl

    setup_notebook(verbose=False)
    assert mpl.rcParams["axes.grid"] is True


def test_paths_are_shortened_for_the_reader():
    import warnings
    from pathlib import Path

    import lmbook
    from lmbook.setup import shorten_paths

    tb = 'File /root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/keras/src/layers/x.py:12, in call'
    assert shorten_paths(tb) == "File site-packages/keras/src/layers/x.py:12, in call"
    assert shorten_paths("/usr/lib/python3.12/json/decoder.py:337") == "python3.12/json/decoder.py:337"
    own = str(Path(lmbook.__file__).resolve().parent / "data.py")
    assert shorten_paths(f"File {own}:3") == "File lmbook/data.py:3"
    assert shorten_paths("File ~/.pyenv/versions/3.11.7/lib/python3.11/json/x.py:3") == "File python3.11/json/x.py:3"
    assert shorten_paths("no paths here") == "no paths here"
    setup_notebook(verbose=False)
    text = warnings.formatwarning("careful", UserWarning, "/opt/x/site-packages/keras/y.py", 7)
    assert text.startswith("site-packages/keras/y.py:7: UserWarning: careful")
    with pytest.raises(TypeError, match="str"):
        shorten_paths(None)
