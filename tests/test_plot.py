"""Figures use the book's style, and Chinese text renders with the shipped font (no missing glyphs)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from lmbook import plot  # noqa: E402


def test_cjk_font_is_shipped_and_found():
    path = plot.register_cjk_font()
    found = font_manager.findfont(font_manager.FontProperties(family=plot.CJK_FONT_NAME), fallback_to_default=False)
    assert found == path


def test_chinese_text_has_every_glyph():
    plot.use_book_style()
    fig, ax = plt.subplots()
    ax.set_title("正面评论与负面评论：人民日报 １９９８年")
    ax.set_xlabel("loss 损失")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing


def test_without_the_font_glyphs_would_be_missing():
    """The check above can fail: with DejaVu Sans alone the same text loses its glyphs."""
    fig, ax = plt.subplots()
    ax.set_title("正面评论", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)
