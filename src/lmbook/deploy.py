"""Deploying a Keras model: TensorFlow Lite conversion, the LiteRT interpreter, and latency timing.

Shared by the compression and serving chapters. The converter is TensorFlow's
``tf.lite.TFLiteConverter``; the interpreter is LiteRT's (``ai_edge_litert``), which replaces
``tf.lite.Interpreter`` (deprecated in TensorFlow 2.20 and scheduled for deletion).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

MODES = ("float", "dynamic", "float16", "int8")


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Hide what C++ code writes straight to file descriptor 2 (converter and LiteRT log lines).

    Python-level ``sys.stderr`` is flushed first and the descriptor is restored afterwards, so
    errors raised inside the block still reach the reader as normal tracebacks.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real descriptor 2 (some embedded interpreters): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def to_tflite(model: object, mode: str = "float", representative: np.ndarray | None = None) -> bytes:
    """Convert a Keras model to a TFLite flat buffer with ``tf.lite.TFLiteConverter.from_keras_model``.

    ``mode``:

    - ``"float"``: no optimization, float32 weights;
    - ``"dynamic"``: ``Optimize.DEFAULT`` — weights stored as int8 (one scale per output channel),
      activations quantized on the fly where a kernel supports it;
    - ``"float16"``: ``Optimize.DEFAULT`` with ``supported_types=[tf.float16]`` — float16 weights;
    - ``"int8"``: full integer quantization — needs ``representative`` (a few hundred typical
      inputs) to calibrate activation ranges; int8 operators only, int8 input and output.
    """
    import tensorflow as tf

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if not hasattr(model, "inputs"):
        raise TypeError(f"to_tflite converts a Keras model, got {type(model).__name__}")
    if mode == "int8":
        if representative is None or len(representative) == 0:
            raise ValueError("int8 conversion needs representative inputs (e.g. 100-500 training examples)")
        representative = np.asarray(representative, dtype=np.float32)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode != "float":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if mode == "int8":
        def calibration_inputs() -> Iterator[list[np.ndarray]]:
            for example in representative:
                yield [example[None]]

        converter.representative_dataset = calibration_inputs
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    with native_stderr_silenced(), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the converter's own notes on ignored legacy flags
        return converter.convert()


def _interpreter_class() -> type:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as err:
        raise ImportError(
            "the LiteRT interpreter is missing: pip install ai-edge-litert==2.3.0 "
            "(tf.lite.Interpreter is deprecated in TensorFlow 2.20)"
        ) from err
    return Interpreter


class LiteModel:
    """A TFLite model in the LiteRT interpreter, called like a function on a batch of inputs.

    Resizes the input to the batch it is given, quantizes float inputs when the model takes
    int8 (``q = round(x / scale) + zero_point``) and dequantizes int8 outputs
    (``x = scale * (q - zero_point)``), so every mode returns float scores.
    """

    def __init__(self, model: bytes | str | Path, *, num_threads: int = 1) -> None:
        if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 1:
            raise ValueError(f"num_threads must be a positive int, got {num_threads!r}")
        if isinstance(model, (bytes, bytearray)):
            content = bytes(model)
        elif isinstance(model, (str, Path)):
            content = Path(model).read_bytes()
        else:
            raise TypeError(f"model must be TFLite bytes or a file path, got {type(model).__name__}")
        if len(content) < 8 or content[4:8] != b"TFL3":
            raise ValueError("not a TFLite flat buffer (its bytes 4-8 must read 'TFL3')")
        self.size_bytes = len(content)
        with native_stderr_silenced():
            self.interpreter = _interpreter_class()(model_content=content, num_threads=num_threads)
        self._in = self.interpreter.get_input_details()[0]
        self._out = self.interpreter.get_output_details()[0]
        self.input_dtype = np.dtype(self._in["dtype"])
        self._shape: tuple[int, ...] | None = None

    @property
    def input_quantization(self) -> tuple[float, int]:
        """(scale, zero point) of the input tensor; (0.0, 0) when the input is not quantized."""
        scale, zero = self._in["quantization"]
        return float(scale), int(zero)

    def _prepare(self, x: np.ndarray) -> np.ndarray:
        if self.input_dtype == np.int8:
            scale, zero = self._in["quantization"]
            return np.clip(np.round(x / scale) + zero, -128, 127).astype(np.int8)
        return x.astype(self.input_dtype)

    def __call__(self, x: object) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        expected = tuple(self._in["shape"][1:])
        if x.shape[1:] != expected:
            raise ValueError(f"inputs must have shape (batch, {', '.join(map(str, expected))}), got {x.shape}")
        if x.shape != self._shape:
            with native_stderr_silenced():  # the first allocation logs the XNNPACK delegate it creates
                self.interpreter.resize_tensor_input(self._in["index"], list(x.shape))
                self.interpreter.allocate_tensors()
            self._shape = x.shape
            self._in = self.interpreter.get_input_details()[0]
            self._out = self.interpreter.get_output_details()[0]
        self.interpreter.set_tensor(self._in["index"], self._prepare(x))
        self.interpreter.invoke()
        out = self.interpreter.get_tensor(self._out["index"])
        if out.dtype == np.int8:
            scale, zero = self._out["quantization"]
            return scale * (out.astype(np.float32) - zero)
        return out.astype(np.float32)


def median_ms(fn: Callable[[], object], repeats: int, *, warmup: int = 1) -> float:
    """Median wall-clock milliseconds of ``fn()`` over ``repeats`` calls, after ``warmup`` calls."""
    for name, value, minimum in (("repeats", repeats, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    for _ in range(warmup):
        fn()
    times = np.empty(repeats)
    for i in range(repeats):
        t0 = time.perf_counter()
        fn()
        times[i] = time.perf_counter() - t0
    return 1e3 * float(np.median(times))
