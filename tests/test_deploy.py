"""Tests of lmbook.deploy: TFLite conversion, the LiteRT wrapper, latency timing, bad inputs."""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

from lmbook import deploy


@pytest.fixture(scope="module")
def small_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)])
    x = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")
    return model, x


def test_float_conversion_matches_keras(small_model):
    model, x = small_model
    flat = deploy.to_tflite(model)
    lite = deploy.LiteModel(flat)
    assert lite.size_bytes == len(flat) and lite.input_dtype == np.float32
    np.testing.assert_allclose(lite(x), model(x).numpy(), atol=1e-5)
    np.testing.assert_allclose(lite(x[:1]), model(x[:1]).numpy(), atol=1e-5)  # batch resized back


def test_int8_conversion_is_close_and_smaller_per_weight(small_model, tmp_path):
    model, x = small_model
    flat = deploy.to_tflite(model, "int8", representative=x)
    path = tmp_path / "m.tflite"
    path.write_bytes(flat)
    lite = deploy.LiteModel(path)
    assert lite.input_dtype == np.int8
    scores, reference = lite(x), model(x).numpy()
    assert np.abs(scores - reference).max() < 0.1 * np.abs(reference).max()


def test_bad_inputs(small_model):
    model, x = small_model
    with pytest.raises(ValueError, match="mode must be one of"):
        deploy.to_tflite(model, "int4")
    with pytest.raises(ValueError, match="representative"):
        deploy.to_tflite(model, "int8")
    with pytest.raises(TypeError, match="Keras model"):
        deploy.to_tflite(object())
    with pytest.raises(ValueError, match="TFL3"):
        deploy.LiteModel(b"not a model at all")
    with pytest.raises(TypeError, match="bytes or a file path"):
        deploy.LiteModel(3)
    with pytest.raises(ValueError, match="num_threads"):
        deploy.LiteModel(deploy.to_tflite(model), num_threads=0)
    with pytest.raises(ValueError, match="shape"):
        deploy.LiteModel(deploy.to_tflite(model))(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="repeats"):
        deploy.median_ms(lambda: None, 0)
    with pytest.raises(TypeError, match="callable"):
        deploy.median_ms(3, 5)


def test_median_ms_counts_calls():
    calls = []
    assert deploy.median_ms(lambda: calls.append(1), 5, warmup=2) >= 0.0
    assert len(calls) == 7


def test_native_stderr_is_silenced_and_restored(capfd):
    with deploy.native_stderr_silenced():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    err = capfd.readouterr().err
    assert "hidden" not in err and "shown" in err
