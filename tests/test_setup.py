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
