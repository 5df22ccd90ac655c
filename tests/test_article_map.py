"""The article map (chapters/front/article_map.md) is generated from the chapters' labels, and complete."""

from __future__ import annotations

import sys

from book_files import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import article_map  # noqa: E402


def test_every_article_section_is_examined_or_excused():
    _, problems = article_map.build()
    assert not problems, "\n".join(problems)


def test_the_committed_map_is_what_the_chapters_say():
    text, _ = article_map.build()
    assert article_map.OUT.read_text(encoding="utf-8") == text, "run: python scripts/article_map.py"


def test_every_examined_place_is_a_label_the_book_defines():
    places = article_map.examined_places()
    labels = {p.label for ps in places.values() for p in ps}
    sources = "\n".join(article_map.markdown_of(p) for p in article_map.toc_pages())
    for label in labels:
        assert sources.count(f"({label})=") == 1, f"label {label} must be defined exactly once"
