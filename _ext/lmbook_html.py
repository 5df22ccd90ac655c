"""Small fixes to the HTML Jupyter Book v1 writes, so that a reader's browser console stays clean
and wide content stays legible.

- Jupyter Book registers sphinx-thebe's and sphinx-togglebutton's inline scripts twice, so every
  page declared ``const THEBE_JS_URL`` twice (a ``SyntaxError`` in the console): each page keeps
  one copy of every script.
- ``lmbook.css`` (in ``_vendor/``): diagrams at their natural size (scroll when wider than the
  column), tables and display equations that scroll instead of being cut off.
"""

from __future__ import annotations

from typing import Any


def _key(script: Any) -> tuple:
    """A script's identity: its file (None and "" both mean inline) and its attributes (the body)."""
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _one_of_each_script(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict:
    app.connect("html-page-context", _one_of_each_script, priority=900)
    app.add_css_file("lmbook.css", priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
