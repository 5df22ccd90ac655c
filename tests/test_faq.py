"""The FAQ appendix (chapters/appendices/faq.md) answers every FAQ question of the five articles,
quotes each question as published, and links every answer to evidence that exists.

- every question of the articles' FAQ sections (000 §9, 001 §9, 002 附录, 003 §9, 004 §9 in
  chapters/front/article_sections.yml) is named in some ``% examines:`` line of the page;
- every answer (the text under each ``(faq-...)=`` target) has at least one ``{ref}`` link, and
  every ``{ref}`` target the page uses is defined exactly once in the book's pages;
- every question quoted 「...」 on the page is the question as the article publishes it.
"""

from __future__ import annotations

import re

import yaml

from book_files import ROOT, load, notebooks, toc_files

FAQ = ROOT / "chapters/appendices/faq.md"
SECTIONS = ROOT / "chapters/front/article_sections.yml"

# the FAQ parent section of each article; its children are the questions
FAQ_PARENTS = {"000": "000 §9", "001": "001 §9", "002": "002 附录", "003": "003 §9", "004": "004 §9"}
EXAMINES = re.compile(r"^%\s*examines:\s*(.+?)\s*$")
TARGET = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$")
FAQ_TARGET = re.compile(r"^\((faq-[a-z0-9-]+)\)=\s*$")
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([A-Za-z0-9_-]+)>?`")
QUESTION = re.compile(r"^- \*\*(\d{3} [^*]+?)\*\* 「([^」]+)」")


def faq_lines() -> list[str]:
    return FAQ.read_text(encoding="utf-8").splitlines()


def article_sections() -> dict[str, dict]:
    return yaml.safe_load(SECTIONS.read_text(encoding="utf-8"))


def faq_questions() -> dict[str, str]:
    """Section id -> published heading, for every individual FAQ question of the five articles."""
    out = {}
    for article, info in article_sections().items():
        parent = FAQ_PARENTS[article]
        for s in info["sections"]:
            key = s["id"]
            if key.startswith(parent + ".") or key.startswith(parent + " "):
                out[key] = s["heading"]
    return out


def examined_ids(lines: list[str]) -> set[str]:
    ids = set()
    for line in lines:
        m = EXAMINES.match(line)
        if m:
            ids |= {k.strip() for k in m.group(1).split(";") if k.strip()}
    return ids


def answers(lines: list[str]) -> dict[str, str]:
    """Label -> the text from its faq target to the next target (an ``% examines:`` line above the
    next target belongs to the next answer)."""
    out: dict[str, str] = {}
    label, body = None, []
    for line in lines:
        m = TARGET.match(line)
        if m:
            if label:
                out[label] = "\n".join(body)
            label = m.group(1) if FAQ_TARGET.match(line) else None
            body = []
        elif label and not EXAMINES.match(line):
            body.append(line)
    if label:
        out[label] = "\n".join(body)
    return out


def page_markdown(path) -> str:
    if path.suffix == ".ipynb":
        return "\n\n".join("".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def book_pages() -> list:
    """Every notebook of the book (test_hygiene checks they are all in _toc.yml), every .md page
    named in _toc.yml, and this page itself (it is staged for the toc; its own targets count)."""
    pages = list(notebooks())
    for name in toc_files():
        md = ROOT / f"{name}.md"
        if md.exists():
            pages.append(md)
    if FAQ not in pages:
        pages.append(FAQ)
    return pages


def defined_labels() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in book_pages():
        for line in page_markdown(path).splitlines():
            m = TARGET.match(line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_articles_have_about_two_dozen_faq_questions():
    # guards the extraction below: if the section ids changed shape, (a) would pass vacuously
    questions = faq_questions()
    per_article = {a: sum(k.startswith(a) for k in questions) for a in FAQ_PARENTS}
    assert all(n >= 3 for n in per_article.values()), per_article
    assert len(questions) >= 20, questions


def test_every_faq_question_is_examined_by_the_page():
    examined = examined_ids(faq_lines())
    missing = sorted(set(faq_questions()) - examined)
    assert not missing, f"FAQ questions with no '% examines:' line in faq.md: {missing}"


def test_every_examined_id_is_an_article_section():
    known = {s["id"] for info in article_sections().values() for s in info["sections"]}
    unknown = sorted(examined_ids(faq_lines()) - known)
    assert not unknown, f"'% examines:' names no article section: {unknown}"


def test_every_examines_line_sits_above_a_faq_target_and_its_heading():
    lines = faq_lines() + [""]
    for i, line in enumerate(lines):
        if EXAMINES.match(line):
            assert FAQ_TARGET.match(lines[i + 1]), f"line {i + 1}: '% examines:' must be directly above a (faq-...)= target"
            assert lines[i + 2].startswith("## "), f"line {i + 2}: the target must be directly above its heading"


def test_the_page_has_one_title():
    h1 = [ln for ln in faq_lines() if re.match(r"^#\s", ln)]
    assert len(h1) == 1, h1


def test_every_answer_links_to_evidence():
    found = answers(faq_lines())
    assert len(found) >= 8, sorted(found)
    for label, body in found.items():
        assert REF.search(body), f"answer {label} has no {{ref}} link to the evidence"


def test_every_ref_target_is_defined_exactly_once():
    counts = defined_labels()
    used = sorted(set(REF.findall(FAQ.read_text(encoding="utf-8"))))
    assert used, "faq.md uses no {ref} links"
    bad = {label: counts.get(label, 0) for label in used if counts.get(label, 0) != 1}
    assert not bad, f"{{ref}} targets not defined exactly once in the book's pages (label: count): {bad}"


def quoted_questions() -> list[tuple[str, str]]:
    return [m.groups() for ln in faq_lines() if (m := QUESTION.match(ln))]


def test_every_quoted_question_is_the_published_heading():
    # article_sections.yml holds the headings as published (generated from the seeds), so this
    # check also runs on a clone without the seed files
    questions = faq_questions()
    quoted = quoted_questions()
    assert sorted(k for k, _ in quoted) == sorted(questions), "every question is quoted exactly once, under its id"
    for key, text in quoted:
        assert norm(text) == norm(questions[key]), f"{key}: quoted {text!r}, the article asks {questions[key]!r}"


def test_the_count_in_the_introduction_is_the_articles_count():
    m = re.search(r"(\d+) questions in\s+all", FAQ.read_text(encoding="utf-8"))
    assert m and int(m.group(1)) == len(faq_questions()), "the introduction's question count is wrong"
