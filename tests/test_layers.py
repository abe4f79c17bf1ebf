"""The layers are checked, not only described: `make lint` runs import-linter with the contracts
in pyproject.toml, and a forbidden import breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "services", "emulator", "sandbox")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.json")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_its_layers(tmp_path: Path) -> None:
    result = lint(copy_of_the_code(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_emulator_importing_the_bot_breaks_the_lint(tmp_path: Path) -> None:
    tree = copy_of_the_code(tmp_path)
    core = tree / "emulator" / "core.py"
    core.write_text(core.read_text() + "\nfrom bot.settings import Settings  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "The emulator imports nothing of Axın BROKEN" in result.stdout
    assert "emulator.core -> bot.settings" in result.stdout


def test_a_service_importing_aiogram_breaks_the_lint(tmp_path: Path) -> None:
    tree = copy_of_the_code(tmp_path)
    phones = tree / "services" / "phones.py"
    phones.write_text(phones.read_text() + "\nimport aiogram  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "Services are free of aiogram and of the layers above them BROKEN" in result.stdout
