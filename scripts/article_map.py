"""Generate the article map: for every section of the five articles, the places in the book that examine it.

Usage: python scripts/article_map.py          # rewrite chapters/front/article_map.md
       python scripts/article_map.py --check  # exit 1 if the committed file is out of date

The map is built from what the chapters really carry, never typed by hand. A place that examines
an article section is a MyST target with an ``examines`` comment just above it, in any page of the book::

    % examines: 000 §6.1; 003 §6 自然语言处理
    (gpt-vs-ngram)=
    ## The GPT against the n-gram baselines

(The comment goes above the target: a target attaches to the element after it, and a target
followed by a comment has no title for ``{ref}``. The map writes explicit link text either way.)

Section ids are those of ``chapters/front/article_sections.yml``. A section nobody examines must
be listed, with the reason, in ``chapters/front/article_unexamined.yml``; a section with
subsections is covered "through its subsections" when at least one of them is examined and each of
the others is examined or listed as unexamined with its reason.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ROOT / "chapters/front/article_sections.yml"
UNEXAMINED = ROOT / "chapters/front/article_unexamined.yml"
OUT = ROOT / "chapters/front/article_map.md"
TARGET = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$")
EXAMINES = re.compile(r"^%\s*examines:\s*(.+?)\s*$")
HEADING = re.compile(r"^#{1,6}\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Place:
    label: str
    page: str  # path without suffix, relative to the book root
    title: str  # the heading under the target


def toc_files() -> list[str]:
    """Every file named in _toc.yml (without suffix), root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    return names


def toc_pages() -> list[Path]:
    """The book's pages in toc order, as paths to their .md or .ipynb sources."""
    return [p for name in toc_files() for p in (ROOT / f"{name}.md", ROOT / f"{name}.ipynb") if p.exists()]


def markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def examined_places() -> dict[str, list[Place]]:
    """Section id -> the labelled places that say they examine it, in book order."""
    found: dict[str, list[Place]] = {}
    for path in toc_pages():
        lines = markdown_of(path).splitlines()
        page = str(path.relative_to(ROOT).with_suffix(""))
        for i, line in enumerate(lines):
            m = EXAMINES.match(line)
            if not m:
                continue
            near = [*range(i + 1, min(i + 3, len(lines))), *range(i - 1, max(i - 3, -1), -1)]
            label_line = next((lines[j] for j in near if TARGET.match(lines[j])), None)
            if label_line is None:
                raise SystemExit(f"{page}: '% examines:' must sit next to a (label)= line: {line!r}")
            label = TARGET.match(label_line).group(1)
            title = next((HEADING.match(ln).group(1) for ln in lines[i + 1:i + 5] if HEADING.match(ln)), label)
            for key in (k.strip() for k in m.group(1).split(";")):
                if key:
                    found.setdefault(key, []).append(Place(label, page, title))
    return found


def escape(title: str) -> str:
    """A heading as explicit link text: no markup that would break the role."""
    return re.sub(r"[`<>|]", "", re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", title)).strip()


def load_sections() -> dict[str, dict]:
    return yaml.safe_load(SECTIONS.read_text(encoding="utf-8"))


def children(ids: list[str], key: str) -> list[str]:
    """Direct and indirect subsections of ``key`` among ``ids`` (``003 §6`` -> ``003 §6 自然语言处理``)."""
    return [k for k in ids if k != key and (k.startswith(key + ".") or k.startswith(key + " "))]


def build() -> tuple[str, list[str]]:
    """The map's markdown, and the list of problems (unknown ids, sections neither examined nor excused)."""
    sections = load_sections()
    places = examined_places()
    excused = yaml.safe_load(UNEXAMINED.read_text(encoding="utf-8")) or {} if UNEXAMINED.exists() else {}
    all_ids = [s["id"] for art in sections.values() for s in art["sections"]]
    problems = [f"'% examines: {k}' names no article section" for k in places if k not in all_ids]
    problems += [f"article_unexamined.yml: {k} is not an article section" for k in excused if k not in all_ids]
    problems += [f"{k} is examined and also listed as unexamined" for k in excused if k in places]
    out = [
        "<!-- Generated by scripts/article_map.py from the chapters' `% examines:` labels: do not edit. -->",
        "",
    ]
    counts = {"examined": 0, "by subsections": 0, "not examined": 0}
    for article, info in sections.items():
        ids = [s["id"] for s in info["sections"]]
        out += [f"### Article {article}", "", f"Source file `{info['file']}`; {len(ids)} sections.", "",
                "| § | heading (as published) | examined in |", "|---|---|---|"]
        for s in info["sections"]:
            key, heading = s["id"], s["heading"]
            number = key.split(" ", 1)[1]
            if key in places:
                cell = "; ".join(dict.fromkeys(f"{{ref}}`{escape(p.title)} <{p.label}>`" for p in places[key]))
                counts["examined"] += 1
            elif key in excused:
                cell = f"*not examined:* {excused[key]}"
                counts["not examined"] += 1
            elif (subs := children(ids, key)) and all(
                k in places or k in excused or children(ids, k) for k in subs
            ) and any(k in places for k in subs):
                cell = "through its subsections (below)"
                counts["by subsections"] += 1
            else:
                cell = "**not yet examined**"
                problems.append(f"{key} ({heading}) is examined nowhere and not listed in article_unexamined.yml")
            out.append(f"| {number} | {heading} | {cell} |")
        out.append("")
    summary = (f"Of {len(all_ids)} sections, {counts['examined']} are examined directly, "
               f"{counts['by subsections']} through their subsections, and {counts['not examined']} are not "
               "examined, each with its reason.")
    out.insert(2, summary + "\n")
    return "\n".join(out).rstrip() + "\n", problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed map is out of date")
    args = parser.parse_args()
    text, problems = build()
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            raise SystemExit(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/article_map.py")
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(problems)} problems)")


if __name__ == "__main__":
    main()
