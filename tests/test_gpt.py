"""lmbook.gpt on tiny sizes: shapes, causality, schedule parity, training, scoring, sampling, the cache."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from lmbook import costs, gpt
from lmbook.text import split_lines

CFG = gpt.GPTConfig(vocab_size=20, context=8, layers=1, width=16, heads=2)
IDS = np.tile(np.arange(10), 60)


def test_parameter_count_matches_the_formula():
    tied = gpt.build_gpt(CFG)
    assert tied.count_params() == costs.gpt_params(1, 16, 20, 8) + 20  # + the output bias
    plain = gpt.build_gpt(gpt.GPTConfig(vocab_size=20, context=8, layers=1, width=16, heads=2, output_bias=False))
    assert plain.count_params() == costs.gpt_params(1, 16, 20, 8)
    untied = gpt.build_gpt(gpt.GPTConfig(vocab_size=20, context=8, layers=1, width=16, heads=2, tie_weights=False))
    assert untied.count_params() == tied.count_params() + 20 * 16


def test_same_seed_same_weights_and_unigram_bias():
    a, b = gpt.build_gpt(CFG, seed=3), gpt.build_gpt(CFG, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))
    model = gpt.build_gpt(CFG, unigram_ids=np.array([1, 1, 1, 2]))
    bias = model.get_layer("logits").bias.numpy()
    assert np.exp(bias).sum() == pytest.approx(1.0, abs=1e-5) and bias.argmax() == 1


def test_causal():
    model = gpt.build_gpt(CFG)
    x = np.array([[1, 2, 3, 4, 5, 6, 7, 8]])
    y = x.copy()
    y[0, 5:] = [9, 9, 9]
    lx, ly = model(x).numpy(), model(y).numpy()
    assert np.allclose(lx[0, :5], ly[0, :5], atol=1e-6)
    assert not np.allclose(lx[0, 5:], ly[0, 5:], atol=1e-3)


@pytest.mark.parametrize("warmup", [0, 10])
def test_schedule_equals_keras_cosine_decay(warmup):
    config = gpt.TrainConfig(steps=100, warmup_steps=warmup, peak_lr=0.01, min_lr_ratio=0.1)
    ours = gpt.lr_at(np.arange(100), config)
    schedule = gpt.keras_schedule(config)
    keras_lr = np.array([float(schedule(step)) for step in range(100)])
    assert np.max(np.abs(ours - keras_lr)) < 1e-8
    assert ours.max() == pytest.approx(0.01) and ours[-1] == pytest.approx(0.001, rel=0.01)
    constant = gpt.TrainConfig(steps=100, warmup_steps=0, schedule="constant")
    assert np.all(gpt.lr_at(np.arange(100), constant) == constant.peak_lr)


def test_training_learns_repeats_and_reuses_its_compilation():
    config = gpt.TrainConfig(steps=80, batch_size=8, peak_lr=1e-2, warmup_steps=5)
    model = gpt.build_gpt(CFG)
    first = gpt.train(model, IDS, config, eval_ids=IDS[:50], eval_every=40)
    assert first.losses[-5:].mean() < 0.3 < 2.5 < first.losses[0]
    assert first.eval_steps.tolist() == [40, 80] and first.eval_loss[-1] < first.eval_loss[0]
    assert first.tokens == 80 * 8 * 8
    model.set_weights(gpt.build_gpt(CFG).get_weights())  # same model object, fresh weights
    again = gpt.train(model, IDS, config)
    assert np.array_equal(first.losses, again.losses)  # the optimizer was reset and batches repeat


def test_clipping_is_applied_and_recorded():
    def first_update(clip):
        model = gpt.build_gpt(CFG)
        before = [w.copy() for w in model.get_weights()]
        result = gpt.train(model, IDS, gpt.TrainConfig(steps=1, batch_size=4, peak_lr=1e-2, warmup_steps=0,
                                                        clip_norm=clip, weight_decay=0.0))
        change = sum(float(np.abs(a - b).sum()) for a, b in zip(model.get_weights(), before))
        return change, float(result.grad_norms[0])

    free, norm = first_update(None)
    clipped, same_norm = first_update(1e-9)
    assert np.isfinite(free) and free > 0 and norm > 0 and same_norm == pytest.approx(norm)
    # Adam divides by sqrt(v) + eps: a gradient clipped to norm 1e-9 is swamped by eps = 1e-7
    assert clipped < 0.1 * free


def test_log_probs_score_each_position_once():
    model = gpt.build_gpt(CFG)
    short = IDS[:8]
    direct = tf.nn.log_softmax(model(short[None])).numpy()[0, np.arange(7), short[1:]]
    assert np.allclose(gpt.log_probs(model, short), direct, atol=1e-5)
    long = IDS[:37]
    lp = gpt.log_probs(model, long)
    assert lp.shape == (36,) and np.all(lp < 0)
    # position 30 is scored in a window starting at 24 (context half = 4): 6 ids of context
    window = long[24:33]
    expected = tf.nn.log_softmax(model(window[None, :-1])).numpy()[0, 5, long[30]]
    assert lp[29] == pytest.approx(expected, abs=1e-5)


def test_generate_greedy_and_top_k():
    model = gpt.build_gpt(CFG)
    gpt.train(model, IDS, gpt.TrainConfig(steps=80, batch_size=8, peak_lr=1e-2, warmup_steps=5))
    greedy = gpt.generate(model, IDS[:3], 12, temperature=0)
    assert greedy.tolist() == list(range(10)) + [0, 1, 2, 3, 4]
    top1 = gpt.generate(model, IDS[:3], 12, temperature=5.0, top_k=1, seed=7)
    assert np.array_equal(top1, greedy)
    batch = gpt.generate(model, np.stack([IDS[:3], IDS[4:7]]), 5, temperature=1.0, seed=1)
    assert batch.shape == (2, 8)
    assert np.array_equal(batch, gpt.generate(model, np.stack([IDS[:3], IDS[4:7]]), 5, temperature=1.0, seed=1))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: gpt.GPTConfig(vocab_size=10, width=10, heads=3), ValueError, "divisible"),
        (lambda: gpt.GPTConfig(vocab_size=0), ValueError, "vocab_size"),
        (lambda: gpt.TrainConfig(steps=10, warmup_steps=10), ValueError, "warmup_steps"),
        (lambda: gpt.TrainConfig(schedule="linear"), ValueError, "schedule"),
        (lambda: gpt.TrainConfig(clip_norm=0), ValueError, "clip_norm"),
        (lambda: gpt.build_gpt("small"), TypeError, "GPTConfig"),
        (lambda: gpt.train(gpt.build_gpt(CFG), IDS, {"steps": 3}), TypeError, "TrainConfig"),
        (lambda: gpt.train(gpt.build_gpt(CFG), IDS + 15, gpt.TrainConfig(steps=2, warmup_steps=0)), ValueError, r"\[0, 20\)"),
        (lambda: gpt.train(gpt.build_gpt(CFG), IDS[:5], gpt.TrainConfig(steps=2, warmup_steps=0)), ValueError, "at least"),
        (lambda: gpt.log_probs(gpt.build_gpt(CFG), "abc"), TypeError, "integer"),
        (lambda: gpt.generate(gpt.build_gpt(CFG), IDS[:3], 0), ValueError, "n_new"),
        (lambda: gpt.generate(gpt.build_gpt(CFG), IDS[:3], 2, temperature=-1), ValueError, "temperature"),
        (lambda: gpt.generate(gpt.build_gpt(CFG), IDS[:3], 2, top_k=0), ValueError, "top_k"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_pretrained_gpt_caches_and_survives_a_broken_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(gpt.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(gpt, "_SHIPPED", tmp_path / "nothing_shipped")
    lines = [f"第{i % 9}号文件说明{i % 4}项" for i in range(400)]
    split = split_lines(lines, block_lines=10)
    model_cfg = gpt.GPTConfig(vocab_size=12, context=8, layers=1, width=16, heads=2)
    train_cfg = gpt.TrainConfig(steps=20, batch_size=4, peak_lr=1e-2, warmup_steps=2)
    fresh, vocab, info = gpt.pretrained_gpt(model_cfg, train_cfg, split=split)
    assert info["source"] == "trained" and len(vocab) == 12
    cached, _, info2 = gpt.pretrained_gpt(model_cfg, train_cfg, split=split)
    assert info2["source"] == "cache"
    assert np.array_equal(info2["result"].losses, info["result"].losses)
    assert all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), cached.get_weights()))
    weights = tmp_path / f"{info['name']}.weights.h5"
    weights.write_bytes(b"not an h5 file")
    again, _, info3 = gpt.pretrained_gpt(model_cfg, train_cfg, split=split)
    assert info3["source"] == "trained"
    assert all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), again.get_weights()))
    assert json.loads((tmp_path / f"{info['name']}.json").read_text())["result"]["tokens"] == 20 * 4 * 8
    with pytest.raises(ValueError, match="distinct tokens"):
        gpt.pretrained_gpt(gpt.GPTConfig(vocab_size=500, context=8, layers=1, width=16, heads=2), train_cfg, split=split)
