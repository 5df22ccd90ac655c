"""Spoken digits synthesized offline with eSpeak NG: shapes, labels, noise, reproducibility, errors."""

from __future__ import annotations

import io
import subprocess
import sys
import wave
import zipfile

import numpy as np
import pytest

from lmbook import data


def test_synthesize_speech_returns_audio_at_the_requested_rate():
    slow = data.synthesize_speech("seven", "en-us", rate=120)
    fast = data.synthesize_speech("seven", "en-us", rate=300)
    native = data.synthesize_speech("seven", "en-us", rate=120, sample_rate=data.ESPEAK_SAMPLE_RATE)
    assert slow.dtype == np.float32 and slow.ndim == 1
    assert 0.05 < np.abs(slow).max() <= 1.05
    assert len(fast) < 0.8 * len(slow), "a higher rate must speak faster"
    assert abs(len(native) / data.ESPEAK_SAMPLE_RATE - len(slow) / 16000) < 0.01


def test_voices_and_families():
    voices = data.speech_voices()
    assert len(voices) > 50 and "f3" in voices and voices == sorted(voices)
    assert data.voice_family("iven3") == "iven" and data.voice_family("Mike") == "mike"
    assert data.voice_family("m1") == data.voice_family("m8") == "m"
    # a variant really changes the voice
    plain = data.synthesize_speech("nine", "en-us")
    female = data.synthesize_speech("nine", "en-us+f3")
    n = min(len(plain), len(female))
    assert not np.allclose(plain[:n], female[:n], atol=1e-3)


def test_load_spoken_digits_shapes_labels_and_noise():
    waves, info = data.load_spoken_digits(["f3", "m2"], takes=2, seed=3)
    assert waves.shape == (40, 16000) and waves.dtype == np.float32
    assert list(info.columns) == ["digit", "word", "voice", "family", "accent", "rate", "pitch", "snr_db",
                                  "seconds"]
    assert sorted(info["digit"].value_counts().tolist()) == [4] * 10
    assert (info["word"] == [data.SPOKEN_DIGITS[d] for d in info["digit"]]).all()
    assert set(info["voice"]) == {"f3", "m2"} and set(info["accent"]) <= set(data.ENGLISH_ACCENTS)
    assert info["snr_db"].between(5, 30).all() and info["rate"].between(140, 240).all()
    assert (info["seconds"] > 0.1).all() and (info["seconds"] <= 1.0).all()
    clean, clean_info = data.load_spoken_digits(["f3"], snr_db=None, seed=3)
    assert np.isinf(clean_info["snr_db"]).all()
    silent_share = np.mean(np.abs(clean) < 1e-6)
    noisy_share = np.mean(np.abs(waves) < 1e-6)
    assert silent_share > 0.3 > noisy_share, "clean clips keep their silence, noisy ones do not"


def test_add_noise_hits_the_requested_snr():
    rng = np.random.default_rng(0)
    tone = (0.5 * np.sin(np.linspace(0, 2000, 16000))).astype("float32")
    noisy = data.add_noise(tone, 10.0, rng)
    snr = 10 * np.log10(np.mean(tone**2) / np.mean((noisy - tone) ** 2))
    assert abs(snr - 10.0) < 0.2
    with pytest.raises(ValueError, match="silent"):
        data.add_noise(np.zeros(100, "float32"), 10.0, rng)
    with pytest.raises(TypeError, match="Generator"):
        data.add_noise(tone, 10.0, 42)
    with pytest.raises(TypeError, match="decibels"):
        data.add_noise(tone, "10 dB", rng)


def test_clip_length_and_sample_rate_set_the_shape():
    waves, info = data.load_spoken_digits(["m2"], clip_seconds=0.75, sample_rate=8000, snr_db=None, seed=1)
    assert waves.shape == (10, 6000) and len(info) == 10
    assert (info["seconds"] <= 0.75).all()


def test_same_seed_same_draws_other_seed_other_draws():
    """Within one process eSpeak's pitch flutter keeps its phase, so audio is only nearly equal;
    the settings drawn (accent, rate, pitch, SNR) repeat exactly and word lengths nearly."""
    a_waves, a_info = data.load_spoken_digits(["f3"], seed=7)
    b_waves, b_info = data.load_spoken_digits(["f3"], seed=7)
    _, c_info = data.load_spoken_digits(["f3"], seed=8)
    drawn = ["digit", "voice", "accent", "rate", "pitch", "snr_db"]
    assert a_info[drawn].equals(b_info[drawn])
    length_change = np.abs(a_info["seconds"] - b_info["seconds"])
    assert np.median(length_change) < 0.005 and length_change.max() < 0.05
    assert not a_info[["accent", "rate", "pitch"]].equals(c_info[["accent", "rate", "pitch"]])
    energy_a, energy_b = np.mean(a_waves**2, axis=1), np.mean(b_waves**2, axis=1)
    assert np.allclose(energy_a, energy_b, rtol=0.2)


def test_voice_family_rejects_non_strings():
    with pytest.raises(TypeError, match="non-empty str"):
        data.voice_family("")
    with pytest.raises(TypeError, match="non-empty str"):
        data.voice_family(3)


def _digits_in_fresh_process() -> str:
    code = (  # a stub stands in for TensorFlow, which the speech loaders do not use: the check stays fast
        "import hashlib, sys, types; sys.modules['tensorflow'] = types.ModuleType('tensorflow'); "
        "from lmbook import data; "
        "w, i = data.load_spoken_digits(['f3', 'klatt'], seed=5); "
        "print(hashlib.sha256(w.tobytes()).hexdigest(), list(i['rate']))"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_a_fresh_process_reproduces_the_data():
    assert _digits_in_fresh_process() == _digits_in_fresh_process()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"voices": ["no-such-voice"]}, ValueError, "speech_voices"),
        ({"voices": []}, ValueError, "at least one"),
        ({"voices": "f3"}, TypeError, "list of variants"),
        ({"seed": -1}, ValueError, "seed"),
        ({"sample_rate": 1000}, ValueError, "sample_rate"),
        ({"pitch": (20, 120)}, ValueError, "pitch"),
        ({"accents": ("xx-nowhere",)}, ValueError, "no voice"),
        ({"takes": 0}, ValueError, "takes"),
        ({"rate": (300, 200)}, ValueError, "rate"),
        ({"rate": 175}, TypeError, "tuple"),
        ({"snr_db": (10.0,)}, TypeError, "snr_db"),
        ({"clip_seconds": 0.01}, ValueError, "clip_seconds"),
        ({"accents": ()}, ValueError, "accents"),
    ],
)
def test_load_spoken_digits_rejects_bad_input(kwargs, error, match):
    kwargs = {"voices": ["f3"], **kwargs}
    with pytest.raises(error, match=match):
        data.load_spoken_digits(**kwargs, full=False)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("",), {}, ValueError, "non-empty"),
        (("seven", "xx-nowhere"), {}, ValueError, "no voice"),
        (("seven",), {"rate": 20}, ValueError, "rate"),
        (("seven",), {"rate": 900}, ValueError, "80-450"),
        (("seven",), {"pitch": 120}, ValueError, "0-99"),
        (("seven",), {"sample_rate": 100}, ValueError, "sample_rate"),
        (("seven", 3), {}, TypeError, "voice"),
    ],
)
def test_synthesize_speech_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        data.synthesize_speech(*args, **kwargs)


def test_missing_espeakng_loader_says_what_to_install(monkeypatch):
    monkeypatch.setattr(data, "_ESPEAK", {})
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)  # makes `import espeakng_loader` fail
    with pytest.raises(ModuleNotFoundError, match="pip install espeakng-loader==0.2.4"):
        data.synthesize_speech("seven")


def test_real_recordings_offline_say_what_to_do(monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    monkeypatch.setenv(data.FULL_DATA_ENV, "1")
    with pytest.raises(ConnectionError, match="Unset LMBOOK_FULL_DATA"):
        data.load_spoken_digits()


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def test_real_recordings_are_read_from_the_archive(monkeypatch, tmp_path):
    import keras

    archive = tmp_path / "fsdd.zip"
    tone = 0.5 * np.sin(np.linspace(0, 600, 4000))
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("free-spoken-digit-dataset-1.0.10/recordings/7_theo_3.wav", _wav_bytes(tone, 8000))
        zf.writestr("free-spoken-digit-dataset-1.0.10/recordings/0_lucas_12.wav", _wav_bytes(tone, 8000))
        zf.writestr("free-spoken-digit-dataset-1.0.10/README.md", "not audio")
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: str(archive))
    waves, info = data.load_spoken_digits(full=True, snr_db=None)
    assert waves.shape == (2, 16000)
    assert info["digit"].tolist() == [0, 7] and info["voice"].tolist() == ["lucas", "theo"]
    assert np.allclose(info["seconds"], 0.5, atol=0.01)
