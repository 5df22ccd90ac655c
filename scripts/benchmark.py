"""Execute every chapter notebook once, time it, and write the Execution status table.

Usage: python scripts/benchmark.py [--out chapters/appendices/status_table.md]

Each notebook runs in a fresh kernel with its own folder as working directory (as nbmake and
Jupyter Book run it). The table lands in the book's "Execution status" appendix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 90.0  # per notebook, BOOK.md
TOTAL_BUDGET_S = 15 * 60  # whole test run, BOOK.md


def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def table(rows: list[tuple[str, float]]) -> str:
    import tensorflow as tf

    total = sum(s for _, s in rows)
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPU cores, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, TensorFlow {tf.__version__}.",
        "",
        "| notebook | wall time (s) | within 90 s |",
        "|---|---:|:---:|",
    ]
    lines += [f"| `{name}` | {secs:.1f} | {'yes' if secs <= BUDGET_S else '**no**'} |" for name, secs in rows]
    lines += [f"| **all {len(rows)} notebooks** | **{total:.1f}** | |", ""]
    lines.append(f"Total notebook time {total / 60:.1f} min of the {TOTAL_BUDGET_S // 60}-minute budget for the whole test run.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "chapters/appendices/status_table.md")
    args = parser.parse_args()
    rows = []
    for path in notebooks():
        secs = run(path)
        name = str(path.relative_to(ROOT / "chapters"))
        print(f"{secs:7.1f} s  {name}", flush=True)
        rows.append((name, secs))
    args.out.write_text(table(rows), encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
