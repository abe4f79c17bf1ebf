"""The layers are checked, not only described: `make lint` runs import-linter with the contracts
in pyproject.toml, and a forbidden import breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "presentation", "services", "emulator", "sandbox")
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
    assert "Contracts: 6 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "emulator/core.py",
            "from bot.settings import Settings",
            "The emulator imports nothing of Axın BROKEN",
        ),
        (
            "services/phones.py",
            "import aiogram",
            "Services are free of aiogram and of the layers above them BROKEN",
        ),
        (
            "handlers/groups.py",
            "import emulator",
            "The bot does not use the emulator; the sandbox is loaded only by its command BROKEN",
        ),
        (
            "presentation/render.py",
            "from handlers import start",
            "Layers: bot → handlers → presentation → services BROKEN",
        ),
        (
            "presentation/render.py",
            "from bot.sender import wake",
            "Layers: bot → handlers → presentation → services BROKEN",
        ),
        (
            "handlers/start.py",
            "from bot.sender import wake",
            "Layers: bot → handlers → presentation → services BROKEN",
        ),
        (
            "services/db/deals.py",
            "from services import intake",
            "Persistence is below the services: services.db imports none of them BROKEN",
        ),
        (
            "bot/sweeps/digests.py",
            "from bot.app import App",
            "Only the entry points build the app BROKEN",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_lint(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    tree = copy_of_the_code(tmp_path)
    source = tree / module
    source.write_text(source.read_text() + f"\n{line}  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert broken in result.stdout
    assert "Contracts: 5 kept, 1 broken." in result.stdout


def test_no_module_is_part_of_an_import_cycle() -> None:
    """Imports for types only count too: a cycle they close is still a tangle to read."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = [
        (module, path)
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if (path := graph.find_shortest_chain(importer=imported, imported=module))
    ]
    assert cycles == []
