"""Static checks on the notebooks and the table of contents (fast, no execution)."""

from __future__ import annotations

import ast
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
    # pulled into other pages by {include}: the status tables (status.md), the article map (articles.md)
    included = {"chapters/appendices/status_table", "chapters/appendices/status_suite", "chapters/front/article_map"}
    assert pages - included == set(listed) - {"intro"}, "every chapter page must be in _toc.yml and vice versa"


def test_prose_pins_match(colab_pin):
    """Every install line in the book's prose names the same repository and tag as the notebooks."""
    url_at_tag = colab_pin.split("@ ", 1)[1]
    for page in [ROOT / "intro.md", *(ROOT / "chapters").rglob("*.md")]:
        for found in re.findall(r"git\+https://[^\s\"'`]+", page.read_text(encoding="utf-8")):
            assert found == url_at_tag, f"{page.name}: {found} differs from {url_at_tag}"


# --- guards against the classes of defects the Part I-III review found ------------------------

HEADING_WITH_DIRECTIVE = re.compile(r"^#+\s.*(:::|```\{)", re.M)
INLINE_MATH_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|``?[^`\n]+``?|\{[a-z:]+\}`[^`]*`|\]\([^)]*\)", re.S)
TYPED_NUMBER = re.compile(
    r"(?<![\w.§/-])(?<!TensorFlow )(?<!Python )(?<!Keras )(?<!version )(\d+\.\d+|\d+(?:\.\d+)?\s?%)(?![\w.])"
)
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|‘[^’]*’|（[^）]*）")
SOURCED = re.compile(r"\{cite|§|[Aa]rticle 00\d|[Aa]rticles|\bprinted\b|\bwrites\b|\bclaims?\b|\bstates?\b|\bsays\b|\breports?\b|\bpublished\b")


def prose_sentences(nb: dict) -> list[str]:
    """The markdown prose of a notebook up to its Exercises, sentence by sentence, with math, code,
    roles and links removed (tables, quotes, labels and directives are skipped)."""
    text = markdown(nb).split("## Exercises")[0]
    text = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith(("|", ">", "%", "(", ":", "```")))
    text = INLINE_MATH_OR_CODE.sub(" ", text)
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if s.strip()]


def code_literals(nb: dict) -> set[float]:
    """Every number written as a literal in the notebook's code (settings such as a learning rate)."""
    values = set()
    for cell in code_cells(nb):
        try:
            tree = ast.parse("\n".join(ln for ln in source(cell).splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        values |= {float(n.value) for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)}
    return values


def is_setting(number: str, literals: set[float]) -> bool:
    value = float(number.rstrip("% "))
    candidates = {value, value / 100} if number.endswith("%") else {value}
    return any(abs(c - lit) <= 1e-12 * max(1.0, abs(lit)) for c in candidates for lit in literals)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_directive_inside_a_heading(path):
    """'# :::{admonition}' renders as a second H1 with the directive's markup as its text."""
    bad = HEADING_WITH_DIRECTIVE.findall(markdown(load(path)))
    assert not bad, "a heading line holds a directive; put the ::: fence on its own line"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_measured_numbers_in_prose_are_glued(path):
    """A decimal or percentage typed into the prose is either a setting the code uses (a literal in
    a code cell), or comes from a source (cited, quoted, what an article printed). Anything else is
    a measured number and must be glued, so the prose cannot drift from what the code computes."""
    nb = load(path)
    literals = code_literals(nb)
    typed = []
    for sentence in prose_sentences(nb):
        if SOURCED.search(sentence):
            continue
        for number in TYPED_NUMBER.findall(QUOTED.sub(" ", sentence)):
            if not is_setting(number, literals):
                typed.append(f"{number!r} in: {' '.join(sentence.split())[:160]}")
    assert not typed, "typed numbers in prose (glue them, or cite/quote their source):\n" + "\n".join(typed)


CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _constant_names(tree: ast.AST) -> set[str]:
    """Names bound only to literals anywhere in the notebook (e.g. ``STEPS = 300``)."""
    literal, other = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                    try:
                        ast.literal_eval(node.value)
                    except ValueError:
                        other.add(name)
                    else:
                        literal.add(name)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension, ast.With)):
            other.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return literal - other


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_check_asserts_on_a_measured_value(path):
    """An assert that mentions only literals and constants set by hand can never fail."""
    nb = load(path)
    code = "\n".join(
        ln for c in code_cells(nb) for ln in source(c).splitlines() if not ln.lstrip().startswith(("%", "!"))
    )
    tree = ast.parse(code)
    constants = _constant_names(tree)
    hollow = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            # each part of `a and b` is a claim of its own: `measured < 1e-6 and STEPS >= 100` is half hollow
            parts = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And) else [node.test]
            for part in parts:
                names = {n.id for n in ast.walk(part) if isinstance(n, ast.Name)}
                calls = [n for n in ast.walk(part) if isinstance(n, (ast.Call, ast.Attribute, ast.Subscript))]
                if not calls and names <= constants:
                    hollow.append(ast.unparse(part)[:120])
    assert not hollow, f"asserts on hand-set constants only: {hollow}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_glue_role_inside_inline_code(path):
    """`` `{glue:text}`key`` `` is a code span, not a role: the reader would see the raw markup."""
    found = re.findall(r"`\{glue(?::\w+)?\}`[^`\n]*``", markdown(load(path)))
    assert not found, f"glue role inside inline code (drop the outer backticks): {found}"


def keras_calls_without_verbose(cell_source: str) -> list[str]:
    """Keras ``fit(..., epochs=...)`` and ``evaluate(...)`` calls that do not set ``verbose``: their default
    progress bar is kept by Jupyter as hundreds of separate output boxes."""
    code = "\n".join(ln for ln in cell_source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            names = {k.arg for k in node.keywords}
            keras_fit = node.func.attr == "fit" and "epochs" in names
            if (keras_fit or node.func.attr == "evaluate") and "verbose" not in names:
                found.append(ast.unparse(node)[:80])
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_keras_training_logs_are_compact(path):
    """Exhibits included: the book's change (verbose=2, or 0 with a printed line) is marked BOOK there."""
    found = [call for cell in code_cells(load(path)) for call in keras_calls_without_verbose(source(cell))]
    assert not found, f"set verbose= (2 for one line per epoch) in: {found}"


def test_the_verbose_guard_can_fail():
    assert keras_calls_without_verbose("model.fit(x, y, epochs=3)\nm.evaluate(x, y)") == [
        "model.fit(x, y, epochs=3)", "m.evaluate(x, y)"]
    assert not keras_calls_without_verbose("model.fit(x, y, epochs=3, verbose=2)\nclf.fit(X, y)")
