"""Shared fixtures: the repository's settings, read from the files that own them."""

from __future__ import annotations

import tomllib

import pytest
import yaml

from book_files import ROOT


@pytest.fixture(scope="session")
def colab_pin() -> str:
    """The pip requirement every Colab setup cell must install: repository URL at the release tag."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    return f"lmbook @ git+{config['repository']['url']}@v{version}"
