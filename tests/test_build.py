"""Build the HTML book with warnings as errors and check what a reader gets.

The build executes the notebooks through Jupyter Book's cache (``_build/.jupyter_cache``), so a
later ``make book`` starts warm; ``--all`` re-reads every page, so a warning on an unchanged page
is not hidden by Sphinx's incremental build.
"""

from __future__ import annotations

import functools
import json
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, notebooks, toc_files

HTML = ROOT / "_build" / "html"
MERMAID_ENTRY = "_static/mermaid/mermaid.esm.min.mjs"


@pytest.fixture(scope="module")
def built() -> Path:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--all", "-W", "--keep-going"], capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return HTML


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


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no Chromium: diagrams checked structurally only")
def test_diagrams_and_math_render_in_a_browser(built):
    """Load pages over a loopback server in headless Chromium and read the rendered DOM.

    Every diagram must hold an SVG with node labels (an empty SVG is a failed render), and on
    every page with math MathJax must have typeset it with no error.
    """
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    names = sorted(set(pages_with_mermaid()) | {n for n in toc_files() if "mathematics" in n})
    try:
        for name in names:
            dom = subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--virtual-time-budget=30000", "--dump-dom",
                 f"http://127.0.0.1:{server.server_address[1]}/{name}.html"],
                capture_output=True, text=True, timeout=180,
            ).stdout
            for source, block in zip(mermaid_sources(name), re.findall(r'<pre\s+class="mermaid[^>]*>(.*?)</pre>', dom, flags=re.S)):
                # each diagram drew its own nodes into its own SVG (no more, no fewer)
                assert block.count("<svg") == 1, f"{name}: a diagram did not render"
                assert block.count('class="nodeLabel"') == count_nodes(source), f"{name}: diagram drew the wrong nodes"
            n_math = page(built, name).count('class="math notranslate nohighlight"')
            if n_math:
                assert dom.count("<mjx-container") >= n_math, f"{name}: MathJax did not typeset all the math"
                assert "<mjx-merror" not in dom, f"{name}: MathJax reported a TeX error"
                assert dom.count("tex-mml-chtml.js") == 1
            assert dom.count("tex-mml-chtml.js") <= 1, f"{name}: MathJax must not be loaded twice"
    finally:
        server.shutdown()
