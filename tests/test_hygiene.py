"""Static checks on the notebooks and the table of contents (fast, no execution)."""

from __future__ import annotations

import re

import pytest

from book_files import ROOT, load, notebooks, toc_files

NOTEBOOKS = notebooks()
IDS = [str(p.relative_to(ROOT / "chapters")) for p in NOTEBOOKS]
GLUE_CALL = re.compile(r"""\bglue\(\s*["']([a-z0-9_]+)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([a-z0-9_]+)(?::[^`\n]*)?`")


def source(cell: dict) -> str:
    return "".join(cell["source"])


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def markdown(nb: dict) -> str:
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_there_are_notebooks():
    assert NOTEBOOKS, "chapters/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stored_outputs(path):
    for cell in code_cells(load(path)):
        assert not cell.get("outputs") and cell.get("execution_count") is None, source(cell)[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_then_setup_cell(path, colab_pin):
    nb = load(path)
    assert nb["cells"][0]["cell_type"] == "markdown" and source(nb["cells"][0]).startswith("# ")
    setup = source(code_cells(nb)[0])
    assert 'if "google.colab" in sys.modules:' in setup, "the Colab install must be guarded"
    assert f'"{colab_pin}"' in setup, f"the setup cell must install exactly {colab_pin!r}"
    assert "setup_notebook(" in setup


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_check_cell_asserts(path):
    cells = load(path)["cells"]
    heads = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "## Check" in source(c)]
    assert heads, "a chapter needs a '## Check' section"
    after = cells[heads[-1] + 1]
    assert after["cell_type"] == "code" and source(after).count("assert ") >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_glued_key_is_used_and_every_used_key_glued(path):
    nb = load(path)
    glued = set(GLUE_CALL.findall("\n".join(source(c) for c in code_cells(nb))))
    used = set(GLUE_ROLE.findall(markdown(nb)))
    assert glued == used, f"glued but unused: {sorted(glued - used)}; used but never glued: {sorted(used - glued)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_alt_text(path):
    for cell in code_cells(load(path)):
        if "plt.show()" in source(cell):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, f"figure cell without alt text: {source(cell)[:60]!r}"


def test_toc_and_chapters_agree():
    listed = toc_files()
    for name in listed:
        assert any((ROOT / f"{name}{ext}").exists() for ext in (".md", ".ipynb")), f"_toc.yml names missing {name}"
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "chapters").rglob("*") if p.suffix in {".md", ".ipynb"}}
    included = {"chapters/appendices/status_table"}  # pulled into status.md by {include}
    assert pages - included == set(listed) - {"intro"}, "every chapter page must be in _toc.yml and vice versa"


def test_prose_pins_match(colab_pin):
    """Every install line in the book's prose names the same repository and tag as the notebooks."""
    url_at_tag = colab_pin.split("@ ", 1)[1]
    for page in [ROOT / "intro.md", *(ROOT / "chapters").rglob("*.md")]:
        for found in re.findall(r"git\+https://[^\s\"'`]+", page.read_text(encoding="utf-8")):
            assert found == url_at_tag, f"{page.name}: {found} differs from {url_at_tag}"
