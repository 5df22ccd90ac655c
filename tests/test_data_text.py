"""load_peoples_daily_words: the annotators' segmentation of the same lines as load_peoples_daily."""

import pytest

from lmbook.data import load_peoples_daily, load_peoples_daily_words


def test_words_join_to_the_plain_lines():
    words = load_peoples_daily_words(200)
    lines = load_peoples_daily(200)
    assert len(words) == len(lines) == 200
    assert all("".join(w) == line for w, line in zip(words, lines))
    assert ["江", "泽民"] == words[1][-2:]  # person names are split into surname and given name
    assert all("/" not in w for line in words for w in line)


def test_whole_corpus_lines_match():
    assert len(load_peoples_daily_words()) == len(load_peoples_daily())


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_max_lines(bad):
    with pytest.raises(ValueError, match="max_lines"):
        load_peoples_daily_words(bad)
