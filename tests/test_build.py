"""Build the HTML book with warnings as errors and check what a reader gets.

The build renders the executions the notebook tests stored in Jupyter Book's cache
(``_build/.jupyter_cache``, see the root ``conftest.py``): run after the notebooks, it executes
nothing, and a later ``make book`` starts warm. ``--all`` re-reads every page, so a warning on an
unchanged page is not hidden by Sphinx's incremental build. Then every page is opened in headless
Chromium at desktop and phone width and checked as a reader would see it (``reader_view.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import reader_view
from book_files import ROOT, notebooks, toc_files

pytestmark = pytest.mark.book
EXECUTING = re.compile(r"(\S+\.ipynb): Executing notebook")

HTML = ROOT / "_build" / "html"
MERMAID_ENTRY = "_static/mermaid/mermaid.esm.min.mjs"


@pytest.fixture(scope="module")
def build_log() -> str:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--all", "-W", "--keep-going"], capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def built(build_log) -> Path:
    return HTML


def test_the_build_renders_the_tests_executions(build_log, request):
    """Each notebook runs once per test run: the build takes the notebook tests' executions from the cache.

    In ``make test`` the notebooks ran in the first stage (``LMBOOK_NOTEBOOKS_RAN=1``); in a plain
    ``pytest`` they ran earlier in this session. Run alone, this test has nothing to compare with.
    """
    ran_here = any(item.get_closest_marker("book") is None and item.nodeid.endswith(".ipynb")
                   for item in request.session.items)
    if not ran_here and os.environ.get("LMBOOK_NOTEBOOKS_RAN") != "1":
        pytest.skip("the notebooks did not run before the build (run `make test`, or pytest with the chapters)")
    executed = EXECUTING.findall(build_log)
    assert not executed, f"the build executed {len(executed)} notebook(s) a second time: {executed}"
    assert build_log.count("Using cached notebook") == len(notebooks())


def page(built: Path, name: str) -> str:
    return (built / f"{name}.html").read_text(encoding="utf-8")


def pages_with_mermaid() -> list[str]:
    names = []
    for name in toc_files():
        path = next(p for p in (ROOT / f"{name}.md", ROOT / f"{name}.ipynb") if p.exists())
        if "```mermaid" in path.read_text(encoding="utf-8"):
            names.append(name)
    return names


def mermaid_sources(name: str) -> list[str]:
    path = next(p for p in (ROOT / f"{name}.md", ROOT / f"{name}.ipynb") if p.exists())
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def count_nodes(source: str) -> int:
    """How many labels a flowchart draws: its distinct node ids plus one title per subgraph."""
    keywords = ("subgraph", "end", "direction", "style", "classDef", "class ", "linkStyle", "click", "%%")
    lines = [ln for ln in source.split("\n")[1:] if not ln.strip().startswith(keywords)]
    body = re.sub(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|\|[^|]*\|", "", "\n".join(lines))
    subgraphs = sum(ln.strip().startswith("subgraph") for ln in source.split("\n"))  # titles are labels too
    return len(set(re.findall(r"[A-Za-z_][\w-]*", re.sub(r'"[^"]*"', "", body)))) + subgraphs


def test_every_page_is_built(built):
    for name in toc_files():
        assert (built / f"{name}.html").exists(), name
    assert (built / "index.html").exists()


def test_math_is_rendered(built):
    html = page(built, "chapters/mathematics/01_loss_functions")
    assert html.count('class="math notranslate nohighlight"') >= 10
    assert "$$" not in re.sub(r"<script.*?</script>", "", html, flags=re.S), "raw $$ left in the page"
    assert "_static/mathjax/tex-mml-chtml.js" in html, "MathJax must be the vendored copy"
    assert (built / "_static/mathjax/output/chtml/fonts/woff-v2").is_dir()
    # TeX packages such as \boldsymbol are autoloaded from here at view time
    assert len(list((built / "_static/mathjax/input/tex/extensions").glob("*.js"))) >= 30


def test_glue_is_resolved(built):
    for name in toc_files():
        assert "{glue:" not in page(built, name), f"unresolved glue role on {name}"


def test_diagrams_are_directives_with_a_local_script(built):
    names = pages_with_mermaid()
    assert len(names) >= 2, "expected diagrams on the articles page and the losses chapter"
    for name in names:
        html = page(built, name)
        assert re.search(r'<pre\s+class="mermaid"', html), f"{name}: mermaid fence left as a code block"
        assert "highlight-mermaid" not in html
        assert "cdn.jsdelivr.net" not in html, f"{name}: the page must not need the network"
        assert "mermaid/mermaid.esm.min.mjs" in html


def test_vendored_mermaid_is_complete(built):
    """Every module the vendored entry point imports, transitively, is in the built book."""
    seen, todo = set(), [built / MERMAID_ENTRY]
    while todo:
        path = todo.pop()
        assert path.exists(), f"missing vendored module {path.relative_to(built)}"
        if path in seen:
            continue
        seen.add(path)
        text = path.read_text(encoding="utf-8")
        for spec in re.findall(r"""(?:from|import)\s*["'](\.{1,2}/[^"']+)["']""", text):
            todo.append((path.parent / spec).resolve())
    assert len(seen) > 10


def test_colab_links(built):
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    repo = url.removeprefix("https://github.com/")
    for path in notebooks():
        rel = path.relative_to(ROOT)
        link = f"https://colab.research.google.com/github/{repo}/blob/main/{rel.as_posix()}"
        assert link in page(built, str(rel.with_suffix(""))), f"no Colab link to {rel}"


@pytest.fixture(scope="module")
def browser():
    if reader_view.chromium() is None:
        pytest.skip("no Chromium: install it (`apt-get install chromium`; .ci/run does) to check pages in a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=reader_view.chromium(), args=reader_view.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def seen(built, browser):
    """What a reader's browser shows on each page, loaded once per width and remembered."""
    with reader_view.serve(built) as base:
        desktop = browser.new_page(viewport=reader_view.DESKTOP)
        phone = browser.new_page(viewport=reader_view.PHONE)
        cache: dict[str, dict] = {}

        def look(name: str) -> dict:
            if name not in cache:
                url = f"{base}/{name}.html"
                found = [f"desktop: {p}" for p in reader_view.problems(desktop, url, desktop=True)]
                cache[name] = {
                    "labels": desktop.evaluate(
                        "() => [...document.querySelectorAll('pre.mermaid')].map(p => "
                        "p.querySelectorAll('svg').length === 1 ? p.querySelectorAll('.nodeLabel').length : -1)"),
                    "typeset": desktop.evaluate("() => document.querySelectorAll('mjx-container').length"),
                    "mathjax_scripts": desktop.evaluate(
                        "() => document.querySelectorAll('script[src*=\"tex-mml-chtml.js\"]').length"),
                }
                found += [f"phone: {p}" for p in reader_view.problems(phone, url, desktop=False)]
                cache[name]["problems"] = found
            return cache[name]

        yield look
        desktop.close()
        phone.close()


@pytest.mark.parametrize("name", toc_files())
def test_a_reader_sees_a_clean_page(name, seen):
    """Clean console, one H1, legible diagrams and figures, nothing cut off or leaking (reader_view.py)."""
    found = seen(name)["problems"]
    assert not found, f"{name}:\n" + "\n".join(found)


@pytest.mark.parametrize("name", pages_with_mermaid())
def test_each_diagram_draws_its_own_nodes(name, seen):
    expected = [count_nodes(source) for source in mermaid_sources(name)]
    assert seen(name)["labels"] == expected, f"{name}: labels drawn per diagram, expected {expected}"


@pytest.mark.parametrize("name", [n for n in toc_files() if n != "intro"])
def test_math_is_typeset_once(name, seen, built):
    n_math = page(built, name).count('class="math notranslate nohighlight"')
    view = seen(name)
    assert view["typeset"] >= n_math, f"{name}: MathJax typeset {view['typeset']} of {n_math} formulas"
    assert view["mathjax_scripts"] <= 1, f"{name}: MathJax loaded {view['mathjax_scripts']} times"
