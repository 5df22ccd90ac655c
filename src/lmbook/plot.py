"""The book's figure style, applied once by :func:`lmbook.setup.setup_notebook`.

Chinese text in figures needs a CJK font, and neither a fresh machine nor Colab has one: the
package ships a subset of WenQuanYi Micro Hei renamed "lmbook CJK" (``fonts/``, Apache-2.0) and puts it after
DejaVu Sans in matplotlib's family list, so Latin text keeps the default font and Chinese
characters fall back to the shipped one.
"""

from __future__ import annotations

from importlib import resources

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONT_FILE = "lmbook-cjk.ttf"
CJK_FONT_NAME = "lmbook CJK"  # renamed so that an installed WenQuanYi font cannot shadow it

BOOK_STYLE: dict[str, object] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "font.family": ["DejaVu Sans", CJK_FONT_NAME],
}


def register_cjk_font() -> str:
    """Add the shipped CJK font to matplotlib's font manager; return its file path."""
    path = str(resources.files("lmbook").joinpath("fonts", CJK_FONT_FILE))
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return path


def use_book_style() -> None:
    """Register the CJK font and apply :data:`BOOK_STYLE` to matplotlib's ``rcParams``."""
    register_cjk_font()
    mpl.rcParams.update(BOOK_STYLE)
