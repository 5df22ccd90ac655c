"""The publishing workflow (.github/workflows/book.yml) is valid, safe, and does what CI does.

It cannot run here; two linters that work offline check it: check-jsonschema against the
GitHub-workflow schema it vendors, and zizmor's security audits (config: .github/zizmor.yml).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from book_files import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_workflow_matches_the_github_schema():
    result = run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_passes_zizmor():
    result = run(str(BIN / "zizmor"), "--offline", "--config", str(ROOT / ".github/zizmor.yml"), str(WORKFLOW))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_workflow_tests_with_the_ci_script_and_publishes_the_book():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    build = flow["jobs"]["test-and-build"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in build), "the workflow must run what CI runs"
    upload = next(s for s in build if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "test-and-build" and "refs/heads/main" in deploy["if"]
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages") for s in deploy["steps"])
