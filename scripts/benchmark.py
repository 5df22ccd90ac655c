"""Time the book: every notebook alone, and the whole test suite with 1 and 2 workers.

Usage:
    python scripts/benchmark.py            # notebooks, one at a time -> chapters/appendices/status_table.md
    python scripts/benchmark.py --suite    # also `make test`'s two stages with 1 and 2 workers
                                           #   -> chapters/appendices/status_suite.md

Run it on an otherwise idle machine. Each notebook runs in a fresh kernel with its own folder as
working directory (as nbmake and Jupyter Book run it). The suite run times the README's test
command stage by stage (``pytest -n W -m "not book"`` then ``pytest -m book``), reading each
notebook's time from pytest's JUnit XML, so the page can show totals per part of the book.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 90.0  # per notebook, BOOK.md
MEDIAN_BUDGET_S = 30.0  # median notebook, BOOK.md
TOTAL_BUDGET_S = 15 * 60  # whole test run, BOOK.md
PARTS = {
    "concepts": "I Concepts", "mathematics": "II Mathematics", "worked_examples": "III Worked examples",
    "applications": "IV Applications", "scale": "V Scale",
}


def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def part(name: str) -> str:
    return PARTS.get(name.split("/")[0], name.split("/")[0])


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def machine() -> str:
    import tensorflow as tf

    return (f"{os.cpu_count()} CPU cores, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, TensorFlow {tf.__version__}")


def notebook_table(rows: list[tuple[str, float]]) -> str:
    total = sum(s for _, s in rows)
    median = statistics.median(s for _, s in rows)
    slowest_name, slowest = max(rows, key=lambda r: r[1])
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}; each notebook alone in a fresh kernel.",
        "",
        "| notebook | wall time (s) | within 90 s |",
        "|---|---:|:---:|",
    ]
    lines += [f"| `{name}` | {secs:.1f} | {'yes' if secs <= BUDGET_S else '**no**'} |" for name, secs in rows]
    lines += [f"| **all {len(rows)} notebooks** | **{total:.1f}** | |", ""]
    by_part: dict[str, list[float]] = {}
    for name, secs in rows:
        by_part.setdefault(part(name), []).append(secs)
    lines += ["| part | notebooks | total (s) | median (s) | slowest (s) |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {p} | {len(v)} | {sum(v):.1f} | {statistics.median(v):.1f} | {max(v):.1f} |" for p, v in by_part.items()]
    lines += [
        "",
        f"Slowest notebook: `{slowest_name}`, {slowest:.1f} s (limit {BUDGET_S:.0f} s). Median {median:.1f} s "
        f"(limit {MEDIAN_BUDGET_S:.0f} s). One after another, the notebooks take {total / 60:.1f} min.",
    ]
    return "\n".join(lines) + "\n"


def pytest_stage(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, float], str]:
    """Run one pytest stage; return its wall time, each notebook's time, and pytest's summary line."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", *args, f"--junitxml={xml}", "-q"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        summary = (done.stdout.strip().splitlines() or ["?"])[-1]
        if done.returncode:
            raise SystemExit(f"pytest {' '.join(args)} failed:\n{done.stdout[-3000:]}")
        times = {}
        for case in ET.parse(xml).iter("testcase"):
            file = case.get("file") or case.get("classname", "")
            if file.endswith(".ipynb") or case.get("name", "").endswith(".ipynb"):
                name = (file if file.endswith(".ipynb") else case.get("name")).split("chapters/", 1)[-1]
                times[name] = float(case.get("time", 0))
    return wall, times, summary


def suite_table() -> str:
    env = dict(os.environ, MPLCONFIGDIR=str(ROOT / ".venv" / "matplotlib"))
    rows, parts = [], {}
    for workers in (1, 2):
        first, times, summary1 = pytest_stage(["-n", str(workers), "-m", "not book"], env)
        second, _, summary2 = pytest_stage(["-m", "book"], dict(env, LMBOOK_NOTEBOOKS_RAN="1"))
        rows.append((workers, first, second, summary1, summary2))
        for name, secs in times.items():
            parts.setdefault(part(name), {}).setdefault(workers, []).append(secs)
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}: the README's `make test`, stage by stage "
        "(install excluded).",
        "",
        "| workers | stage 1: tests and notebooks (s) | stage 2: book build and browser (s) | total (min) | within 15 min |",
        "|---:|---:|---:|---:|:---:|",
    ]
    for workers, first, second, *_ in rows:
        total = first + second
        lines.append(f"| {workers} | {first:.0f} | {second:.0f} | {total / 60:.1f} | "
                     f"{'yes' if total <= TOTAL_BUDGET_S else '**no**'} |")
    lines += ["", "Notebook time inside stage 1, per part (sum of each notebook's test time; with 2 workers two "
              "notebooks share the 2 cores, so each one takes longer while the stage takes less):", "",
              "| part | 1 worker (s) | 2 workers (s) |", "|---|---:|---:|"]
    for p, by_w in parts.items():
        lines.append(f"| {p} | {sum(by_w.get(1, [])):.0f} | {sum(by_w.get(2, [])):.0f} |")
    best = min(rows, key=lambda r: r[1] + r[2])
    lines += ["", f"Pytest reported: {best[3]} (stage 1), {best[4]} (stage 2). `make test` uses "
              f"{best[0]} worker{'s' if best[0] > 1 else ''}, the faster setting here."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "chapters/appendices/status_table.md")
    parser.add_argument("--suite", action="store_true", help="also time the test suite with 1 and 2 workers")
    parser.add_argument("--suite-out", type=Path, default=ROOT / "chapters/appendices/status_suite.md")
    args = parser.parse_args()
    rows = []
    for path in notebooks():
        secs = run(path)
        name = str(path.relative_to(ROOT / "chapters"))
        print(f"{secs:7.1f} s  {name}", flush=True)
        rows.append((name, secs))
    args.out.write_text(notebook_table(rows), encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)}")
    if args.suite:
        args.suite_out.write_text(suite_table(), encoding="utf-8")
        print(f"wrote {args.suite_out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
