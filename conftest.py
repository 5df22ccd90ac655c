"""Test-run plumbing shared by every test (loaded by pytest from the repository root).

One execution per notebook. nbmake executes each chapter (its asserts are the chapter's tests);
this plugin stores every successful execution in Jupyter Book's execution cache, exactly as
MyST-NB would have stored it, so the book build that follows renders those same executions
instead of running every notebook a second time (``execute_notebooks: cache`` in ``_config.yml``).
It works the same for ``make test`` and for a reader's ``pytest --nbmake chapters/<file>.ipynb``.

Order. The book tests (marker ``book``) run after everything else, so a plain ``pytest`` executes
the notebooks first and then builds from the warm cache. ``make test`` runs them as a second stage
after a parallel first stage (see the Makefile).

CI. Under ``CI=true`` a skipped test is reported as a failure: in CI a skip is a hidden failure.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent
CACHE_DIR = ROOT / "_build" / ".jupyter_cache"  # Jupyter Book's default for `execute: cache: ""`


def cache_execution(source: Path, executed: nbformat.NotebookNode, seconds: float) -> None:
    """Store ``executed`` as the cached execution of ``source``, keyed the way MyST-NB looks it up.

    The cache key hashes the notebook's code and metadata, not its outputs; nbclient adds timing
    metadata to executed cells, so the outputs are copied into a fresh read of the source.
    """
    from filelock import FileLock
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    notebook = nbformat.read(source, as_version=4)
    for cell, done in zip(notebook.cells, executed.cells, strict=True):
        if cell.cell_type == "code":
            cell.outputs = done.outputs
            cell.execution_count = done.execution_count
    CACHE_DIR.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(CACHE_DIR) + ".lock"):  # parallel test workers share one SQLite cache
        get_cache(str(CACHE_DIR)).cache_notebook_bundle(
            CacheBundleIn(notebook, str(source.resolve()), data={"execution_seconds": seconds}),
            check_validity=False,
            overwrite=True,
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "book: builds or inspects the HTML book (runs after the notebooks)")
    try:
        from nbmake import pytest_items
        from nbmake.nb_run import NotebookRun
    except ImportError:
        return

    class CachingNotebookRun(NotebookRun):
        """nbmake's runner, plus: a successful execution lands in the book's execution cache."""

        def execute(self):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            result = super().execute()
            if result.error is None:
                cache_execution(Path(self.filename), result.nb, time.perf_counter() - start)
            return result

    pytest_items.NotebookRun = CachingNotebookRun  # the name NotebookItem.runtest looks up


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("book") is not None)  # stable: book tests last


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if _ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"
