"""Time the book: every notebook alone, and the whole test suite with 1 and 2 workers.

Usage:
    python scripts/benchmark.py            # notebooks, one at a time -> chapters/appendices/status_table.md
    python scripts/benchmark.py --suite    # also `make test`'s two stages with 1 and 2 workers
                                           #   -> chapters/appendices/status_suite.md
    python scripts/benchmark.py --from-junit   # only the suite table, from the JUnit reports the last
                                               #   `make test` left in _build/junit/ (no second run)

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
    "applications": "IV Applications", "scale": "V Scale", "appendices": "Appendices",
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


def commit(folder: Path = ROOT) -> str:
    """The short commit of the checkout that holds ``folder`` (the code that was measured)."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out or "unknown"


def notebook_table(rows: list[tuple[str, float]], at: str = "") -> str:
    total = sum(s for _, s in rows)
    median = statistics.median(s for _, s in rows)
    slowest_name, slowest = max(rows, key=lambda r: r[1])
    lines = [
        f"Measured {dt.date.today().isoformat()} at commit {at or commit()} on {machine()}; each notebook alone in a "
        "fresh kernel.",
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
    order = list(PARTS.values())
    by_part = dict(sorted(by_part.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    lines += [f"| {p} | {len(v)} | {sum(v):.1f} | {statistics.median(v):.1f} | {max(v):.1f} |" for p, v in by_part.items()]
    lines += [
        "",
        f"Slowest notebook: `{slowest_name}`, {slowest:.1f} s (limit {BUDGET_S:.0f} s). Median {median:.1f} s "
        f"(limit {MEDIAN_BUDGET_S:.0f} s). One after another, the notebooks take {total / 60:.1f} min.",
    ]
    return "\n".join(lines) + "\n"


def read_junit(xml: Path) -> tuple[float, dict[str, float], str]:
    """A pytest JUnit report: the session's wall time, each notebook's time, and a summary line."""
    suite = next(ET.parse(xml).iter("testsuite"))
    times = {}
    for case in suite.iter("testcase"):
        file = case.get("file") or case.get("classname", "")
        if file.endswith(".ipynb") and "/" not in file:  # nbmake's classname: chapters.part.name.ipynb
            file = file.removesuffix(".ipynb").replace(".", "/") + ".ipynb"
        if file.endswith(".ipynb"):
            times[file.split("chapters/", 1)[-1]] = float(case.get("time", 0))
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    summary = (f"{counts['tests'] - counts['failures'] - counts['errors'] - counts['skipped']} passed, "
               f"{counts['failures']} failed, {counts['errors']} errors, {counts['skipped']} skipped")
    return float(suite.get("time", 0)), times, summary


def pytest_stage(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, float], str]:
    """Run one pytest stage; return its wall time, each notebook's time, and a summary line."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", *args, f"--junitxml={xml}", "-q"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"pytest {' '.join(args)} failed:\n{done.stdout[-3000:]}")
        _, times, summary = read_junit(xml)
    return wall, times, summary


def run_suites() -> list[tuple[int, float, float, dict[str, float], str, str]]:
    """Run `make test`'s two stages with 1 and 2 workers."""
    env = dict(os.environ, MPLCONFIGDIR=str(ROOT / ".venv" / "matplotlib"))
    rows = []
    for workers in (1, 2):
        first, times, summary1 = pytest_stage(["-n", str(workers), "-m", "not book"], env)
        second, _, summary2 = pytest_stage(["-m", "book"], dict(env, LMBOOK_NOTEBOOKS_RAN="1"))
        rows.append((workers, first, second, times, summary1, summary2))
    return rows


def junit_suites(folder: Path) -> list[tuple[int, float, float, dict[str, float], str, str]]:
    """The stages `make test` last ran, from the reports it left in ``folder`` (one row per worker count)."""
    rows = []
    for first_xml in sorted(folder.glob("stage1-workers*.xml")):
        workers = int(first_xml.stem.removeprefix("stage1-workers"))
        second_xml = folder / f"stage2-workers{workers}.xml"
        if not second_xml.exists():
            raise SystemExit(f"{second_xml} is missing: run `make test` to the end first")
        first, times, summary1 = read_junit(first_xml)
        second, _, summary2 = read_junit(second_xml)
        rows.append((workers, first, second, times, summary1, summary2))
    if not rows:
        raise SystemExit(f"no JUnit reports in {folder}: run `make test` first")
    return rows


def suite_table(rows: list[tuple[int, float, float, dict[str, float], str, str]], source: str,
                at: str = "") -> str:
    parts: dict[str, dict[int, list[float]]] = {}
    for workers, _, _, times, _, _ in rows:
        for name, secs in times.items():
            parts.setdefault(part(name), {}).setdefault(workers, []).append(secs)
    worker_counts = [r[0] for r in rows]
    lines = [
        f"Measured {dt.date.today().isoformat()} at commit {at or commit()} on {machine()}: {source}, stage by stage "
        "(install excluded).",
        "",
        "| workers | stage 1: tests and notebooks (s) | stage 2: book build and browser (s) | total (min) | within 15 min |",
        "|---:|---:|---:|---:|:---:|",
    ]
    for workers, first, second, *_ in rows:
        total = first + second
        lines.append(f"| {workers} | {first:.0f} | {second:.0f} | {total / 60:.1f} | "
                     f"{'yes' if total <= TOTAL_BUDGET_S else '**no**'} |")
    lines += ["", "Notebook time inside stage 1, per part (the sum of each notebook's test time; with 2 workers "
              "two notebooks share the 2 cores, so each one takes longer while the stage takes less):", "",
              "| part | " + " | ".join(f"{w} worker{'s' if w > 1 else ''} (s)" for w in worker_counts) + " |",
              "|---|" + "---:|" * len(worker_counts)]
    order = list(PARTS.values())
    for p, by_w in sorted(parts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
        lines.append(f"| {p} | " + " | ".join(f"{sum(by_w.get(w, [])):.0f}" for w in worker_counts) + " |")
    slow_name, slow = max(rows[-1][3].items(), key=lambda kv: kv[1]) if rows[-1][3] else ("-", 0.0)
    best = min(rows, key=lambda r: r[1] + r[2])
    lines += ["", f"Slowest notebook inside the suite: `{slow_name}`, {slow:.0f} s. Pytest reported {best[4]} "
              f"(stage 1) and {best[5]} (stage 2)."]
    if len(rows) > 1:
        lines += [f"`make test` uses {best[0]} worker{'s' if best[0] > 1 else ''}, the faster setting here."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "chapters/appendices/status_table.md")
    parser.add_argument("--suite", action="store_true", help="also time the test suite with 1 and 2 workers")
    parser.add_argument("--suite-out", type=Path, default=ROOT / "chapters/appendices/status_suite.md")
    parser.add_argument("--from-junit", nargs="?", type=Path, const=ROOT / "_build/junit", default=None,
                        help="write only the suite table, from the reports of the last `make test`")
    args = parser.parse_args()
    if args.from_junit:
        args.suite_out.write_text(suite_table(junit_suites(args.from_junit), "the README's `make test`",
                                              at=commit(args.from_junit)), encoding="utf-8")
        print(f"wrote {args.suite_out}")
        return
    rows = []
    for path in notebooks():
        secs = run(path)
        name = str(path.relative_to(ROOT / "chapters"))
        print(f"{secs:7.1f} s  {name}", flush=True)
        rows.append((name, secs))
    args.out.write_text(notebook_table(rows), encoding="utf-8")
    print(f"wrote {args.out}")
    if args.suite:
        args.suite_out.write_text(suite_table(run_suites(), "the README's `make test` run by this script"),
                                  encoding="utf-8")
        print(f"wrote {args.suite_out}")


if __name__ == "__main__":
    main()
