"""lmbook: the small shared package of the book *Large Models in Practice*.

Modules, one concern each:

- :mod:`lmbook.setup`  -- the notebook preamble (seeds, determinism, quiet logs, style, versions).
- :mod:`lmbook.report` -- ``glue`` that works in Jupyter Book, plain Jupyter and Colab.
- :mod:`lmbook.data`   -- every dataset loader (offline by default, full size on request).
- :mod:`lmbook.plot`   -- the book's figure style.
- :mod:`lmbook.costs`  -- parameter, memory and compute estimates (layer formulas, 6ND).
- :mod:`lmbook.losses` -- from-scratch loss functions checked against Keras.
- :mod:`lmbook.activations` -- activation functions and their derivatives from scratch.
- :mod:`lmbook.backprop` -- forward and backward pass of a two-layer perceptron in NumPy.
- :mod:`lmbook.optimizers` -- SGD, momentum, AdaGrad, RMSProp and Adam from scratch, equal to Keras'.
- :mod:`lmbook.training` -- a compiled Adam loop and accuracy for tiny Keras classifiers.
- :mod:`lmbook.metrics` -- classification metrics from scratch, equal to scikit-learn's.
- :mod:`lmbook.attention` -- scaled dot-product and multi-head attention, masks, positions, a KV cache.
- :mod:`lmbook.deploy` -- the TFLite/LiteRT converter and interpreter, and latency timing.
- :mod:`lmbook.text` -- the People's Daily split, vocabularies, bits per character, unigram and Kneser-Ney models.
- :mod:`lmbook.gpt` -- a tiny GPT in Keras: build, train (warm-up + cosine, clipping), score, sample, the pretrained model.
"""

from importlib.metadata import version

__version__ = version("lmbook")  # single source: pyproject.toml
