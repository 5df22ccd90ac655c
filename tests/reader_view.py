"""What a reader sees: load built pages in headless Chromium and list what is wrong with them.

Used by ``tests/test_build.py`` (every page, desktop and phone width) and by authors' preview
scripts. Each check measures the rendered page, not the HTML source:

- the console is clean (no JavaScript error, no failed request);
- exactly one visible H1;
- every Mermaid diagram is drawn, its text is at least ``MIN_TEXT_PX`` CSS pixels at the size it is
  shown, and a diagram wider than the column can be scrolled;
- tables fit the column or sit in a box that scrolls; display equations fit the column on a
  desktop and scroll on a phone;
- figures are not shrunk so far that their text falls below 9 pt (desktop);
- no markup leaks (``:::``, ``:class:``, ``{glue``, ``{ref}``...) in the visible text;
- cell outputs show no progress bars (backspace or bar glyphs), no floods of output boxes and no
  build-machine paths.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 12.0  # 9 pt
# A figure's smallest text is 10 pt (BOOK_STYLE) drawn at 100 dpi, i.e. 13.9 px: it stays >= 9 pt
# (12 px) as long as the figure is shown at >= 0.864 of its natural width.
MIN_FIGURE_SCALE = MIN_TEXT_PX / (10.0 * 100 / 72)
MAX_OUTPUT_BOXES = 12  # per cell: more means a progress-bar or print flood
LEAKS = re.compile(r":::|:class:|\{glue|\{ref\}|\{doc\}|\{cite\}|\{numref\}|```|\]\(\.\./")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp|usr|opt|private|var/folders)/")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]

MEASURE_JS = r"""
() => {
  const visible = el => !el.closest('.onlyprint') && el.getClientRects().length > 0;
  const article = document.querySelector('article.bd-article') || document.body;
  const scrolls = el => {
    for (let e = el; e && e !== article; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if ((o === 'auto' || o === 'scroll') && e.clientWidth < e.scrollWidth + 1) return e.clientWidth;
    }
    return null;
  };
  const column = article.clientWidth;
  const out = {column, h1: [...document.querySelectorAll('h1')].filter(visible).length};
  out.diagrams = [...document.querySelectorAll('pre.mermaid')].map(pre => {
    const svg = pre.querySelector('svg');
    if (!svg) return {drawn: false};
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const labels = [...svg.querySelectorAll('.nodeLabel, .edgeLabel, text')];
    const sizes = labels.map(l => parseFloat(getComputedStyle(l).fontSize)).filter(x => x > 0);
    const scale = vb && vb.width ? box.width / vb.width : 1;
    return {drawn: true, textPx: sizes.length ? Math.min(...sizes) * scale : null,
            width: box.width, fits: box.right <= article.getBoundingClientRect().right + 1,
            scrollBox: scrolls(svg)};
  });
  const overflow = sel => [...document.querySelectorAll(sel)].filter(visible).map(el => {
    const box = el.getBoundingClientRect(), col = article.getBoundingClientRect();
    const wide = el.scrollWidth > el.clientWidth + 1 || box.right > col.right + 1;
    const o = getComputedStyle(el).overflowX;
    const selfScrolls = (o === 'auto' || o === 'scroll');
    return {wide, ok: !wide || selfScrolls || scrolls(el) !== null,
            text: el.textContent.trim().slice(0, 60)};
  });
  out.tables = overflow('table');
  out.equations = overflow('mjx-container[display="true"]');
  out.mathErrors = document.querySelectorAll('mjx-merror').length;
  out.figures = [...document.querySelectorAll('.cell_output img, figure img')].filter(visible).map(img => ({
    natural: img.naturalWidth, shown: img.getBoundingClientRect().width, alt: img.alt || '',
    src: img.getAttribute('src')}));
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .highlight, .cell_output, mjx-container, svg').forEach(e => e.remove());
  out.text = clone.textContent;
  out.outputs = [...document.querySelectorAll('.cell_output')].map(o => ({
    boxes: o.querySelectorAll(':scope > .output').length, text: o.textContent}));
  return out;
}
"""


def chromium() -> str | None:
    """The Chromium executable: ``$LMBOOK_CHROMIUM``, else ``chromium`` (or Chrome) on the PATH."""
    names = ("chromium", "chromium-browser", "google-chrome")
    return os.environ.get("LMBOOK_CHROMIUM") or next(filter(None, map(shutil.which, names)), None)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over loopback HTTP (the diagram script is an ES module: no file://)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def load(page, url: str) -> list[str]:  # page: playwright.sync_api.Page
    """Open ``url``, wait until diagrams and math are drawn; return the console's complaints."""
    complaints: list[str] = []
    handlers = {
        "console": lambda m: m.type in ("error", "warning") and complaints.append(f"console {m.type}: {m.text[:200]}"),
        "pageerror": lambda e: complaints.append(f"page error: {str(e)[:200]}"),
        "requestfailed": lambda r: complaints.append(f"request failed: {r.url}"),
        "response": lambda r: r.status >= 400 and complaints.append(f"HTTP {r.status}: {r.url}"),
    }
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_function(
            "() => [...document.querySelectorAll('pre.mermaid')].every(p => p.querySelector('svg'))", timeout=30_000
        )
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.wait_for_timeout(200)
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
    return complaints


def problems(page, url: str, *, desktop: bool) -> list[str]:
    """Everything a reader would find wrong on the page at ``url`` (empty list: clean)."""
    found = load(page, url)
    m = page.evaluate(MEASURE_JS)
    if m["h1"] != 1:
        found.append(f"{m['h1']} visible H1 headings (want exactly 1)")
    for i, d in enumerate(m["diagrams"], 1):
        if not d["drawn"]:
            found.append(f"diagram {i} was not drawn")
            continue
        if d["textPx"] is not None and d["textPx"] < MIN_TEXT_PX:
            found.append(f"diagram {i}: text shown at {d['textPx']:.1f}px (< {MIN_TEXT_PX}px)")
        if not d["fits"] and d["scrollBox"] is None:
            found.append(f"diagram {i} is wider than the column and cannot be scrolled")
    for t in m["tables"]:
        if not t["ok"]:
            found.append(f"table cut off (wider than the column, no scroll): {t['text']!r}")
    for t in m["equations"]:
        if desktop and t["wide"]:  # on a desktop an equation must fit; on a phone it may scroll
            found.append(f"display equation wider than the column: {t['text']!r} (split it with aligned)")
        elif not t["ok"]:
            found.append(f"display equation cut off (no scroll): {t['text']!r}")
    if m["mathErrors"]:
        found.append(f"{m['mathErrors']} MathJax errors")
    if desktop:
        for f in m["figures"]:
            if f["natural"] and f["shown"] / f["natural"] < MIN_FIGURE_SCALE:
                found.append(
                    f"figure {f['src']} shown at {f['shown'] / f['natural']:.2f} of its size: its text falls "
                    f"below 9 pt (at 100 dpi make it <= {f['shown'] / MIN_FIGURE_SCALE / 100:.1f} in wide)"
                )
    for leak in sorted(set(LEAKS.findall(m["text"]))):
        found.append(f"markup leaks into the text: {leak!r}")
    for i, o in enumerate(m["outputs"], 1):
        if o["boxes"] > MAX_OUTPUT_BOXES:
            found.append(f"output {i} has {o['boxes']} boxes (a progress bar or print flood)")
        if "\b" in o["text"] or "━━━━━━━━" in o["text"]:
            found.append(f"output {i} shows a progress bar")
        path = MACHINE_PATH.search(o["text"])
        if path:
            found.append(f"output {i} shows a machine path: {o['text'][max(0, path.start() - 20):path.end() + 40]!r}")
    return found
