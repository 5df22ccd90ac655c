"""Colab rehearsal: run a chapter where ``lmbook`` arrives only through the notebook's setup cell.

A fresh virtual environment sees the project's third-party packages (as Colab preinstalls its
stack) but not ``lmbook``; a ``sitecustomize`` makes ``google.colab`` importable, so the setup
cell takes its Colab branch; a local clone of this repository, tagged like a release, stands in
for GitHub. pip works offline (``PIP_NO_INDEX``): everything but ``lmbook`` is already there.
The rehearsal installs what is committed, so it runs on a clean checkout (as CI has).

It executes the chapter's setup cell and its imports cell (the chapter's first two code cells):
enough to prove that the pinned install works and the package imports from the installed copy,
while the complete chapter runs once, under nbmake, like every other notebook.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from book_files import ROOT

CHAPTER = ROOT / "chapters" / "mathematics" / "01_loss_functions.ipynb"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


@pytest.mark.slow
def test_notebook_installs_lmbook_itself(tmp_path, colab_pin):
    if run("git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "pyproject.toml").stdout.strip():
        pytest.fail("commit src/ and pyproject.toml first: the rehearsal installs the committed package")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    clone = tmp_path / "github"
    assert run("git", "clone", "-q", str(ROOT), str(clone)).returncode == 0
    assert run("git", "-C", str(clone), "tag", "-f", f"v{version}").returncode == 0

    venv = tmp_path / "colab"
    # --without-pip: the project's own (current) pip is found through the path file below.
    assert run(sys.executable, "-m", "venv", "--without-pip", str(venv)).returncode == 0
    python = venv / "bin" / "python"
    venv_site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    # The project's packages, as plain paths: their .pth files (the editable lmbook) stay inactive.
    (venv_site / "preinstalled.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (venv_site / "sitecustomize.py").write_text(
        textwrap.dedent(
            """\
            import sys, types
            sys.modules.setdefault("google.colab", types.ModuleType("google.colab"))
            """
        )
    )
    assert run(str(python), "-c", "import lmbook").returncode != 0, "lmbook must not be importable before the cell"

    notebook = json.loads(CHAPTER.read_text(encoding="utf-8"))
    local_pin = colab_pin.replace(colab_pin.split("git+", 1)[1].split("@v")[0], clone.as_uri())
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    source = "".join(first_code["source"])
    assert colab_pin in source
    first_code["source"] = source.replace(colab_pin, local_pin)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    notebook["cells"] = code[:2]  # setup + imports; nbmake runs the whole chapter
    assert "from lmbook" in "".join(code[1]["source"]), "the second code cell should import from lmbook"
    work = tmp_path / "chapter"
    work.mkdir()
    (work / CHAPTER.name).write_text(json.dumps(notebook), encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER"))}
    # Offline: no index, and build lmbook with the setuptools already present (pip reads
    # PIP_NO_BUILD_ISOLATION=0 as "turn build isolation off").
    env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=f"{venv / 'bin'}:{env['PATH']}")
    executed = run(
        str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--output", "out.ipynb",
        "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3", CHAPTER.name,
        cwd=work, env=env, timeout=900,
    )
    assert executed.returncode == 0, executed.stderr[-4000:]
    outputs = json.loads((work / "out.ipynb").read_text(encoding="utf-8"))["cells"]
    setup_out = "".join(
        "".join(o.get("text", "")) for c in outputs if c["cell_type"] == "code" for o in c.get("outputs", [])[:3]
    )
    assert "(Colab)" in setup_out, "setup_notebook() should have detected the (stub) Colab"
    probe = "import lmbook, lmbook.plot, os; p = lmbook.plot.register_cjk_font(); print(p, os.path.getsize(p))"
    installed = run(str(python), "-c", probe, env=env)
    assert installed.returncode == 0 and str(venv) in installed.stdout, installed.stdout + installed.stderr
