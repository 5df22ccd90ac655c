"""A MyST target must be followed directly by the heading it names: a target followed by a
comment (or a blank line) has no title, and every {ref} to it fails the build."""

from __future__ import annotations

import re

import pytest

from book_files import ROOT, load, notebooks

TARGET = re.compile(r"^\(([\w-]+)\)=\s*$")
PAGES = [*notebooks(), ROOT / "intro.md", *sorted((ROOT / "chapters").rglob("*.md"))]


def lines_of(path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = [c for c in load(path)["cells"] if c["cell_type"] == "markdown"]
        return [ln for c in cells for ln in ["", *"".join(c["source"]).splitlines()]]
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_each_target_names_the_heading_under_it(path):
    lines = lines_of(path) + [""]
    for i, line in enumerate(lines[:-1]):
        if TARGET.match(line):
            after = lines[i + 1]
            assert re.match(r"^#+\s|^```\{|^:::\{|^\$\$", after), (
                f"{path.name}: target {line.strip()} is followed by {after!r}; put the heading "
                "directly under the target (move '% examines:' comments above it)"
            )
