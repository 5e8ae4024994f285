"""pitwall as an operator installs it: a built wheel, a fresh virtual environment, an empty directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT


def test_every_package_of_the_tree_is_in_the_wheel() -> None:
    listed = set(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(PROJECT_ROOT).parts) for root in ("bot", "cogs")
               for p in (PROJECT_ROOT / root).rglob("__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {sorted(on_disk - listed)}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with pitwall installed from its wheel (not editable), as an operator would."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(dist), str(PROJECT_ROOT)], check=True, timeout=300)
    [wheel] = dist.glob("pitwall-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   timeout=600)
    return env_dir


def _run(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_", "PYTHON", "XDG_"))}
    environ.update(HOME=str(cwd / "home"))
    return subprocess.run([str(env_dir / "bin" / "pitwall"), *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_installed_wheel_answers_from_any_directory(installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "anywhere"
    empty.mkdir()
    champion = _run(installed, empty, "ask", "/champion 2021")
    assert champion.returncode == 0, champion.stderr
    assert "Valerio Gallo" in champion.stdout and "Toyota" in champion.stdout
    check = _run(installed, empty, "data", "check")
    assert check.returncode == 0 and "dataset OK" in check.stdout, check.stderr
    assert [p.name for p in empty.iterdir()] == []  # asking and checking wrote nothing anywhere
    loaded = _run(installed, empty, "data", "load")
    assert loaded.returncode == 0, loaded.stderr
    # The database lives in the user's data directory, not in site-packages or the current directory.
    assert list((empty / "home" / ".local" / "share" / "pitwall").glob("pitwall.sqlite3"))
    assert [p.name for p in empty.iterdir()] == ["home"]
    podium = _run(installed, empty, "ask", "/podium nations-cup 2021")
    assert podium.returncode == 0 and "José Serrano" in podium.stdout and "note" not in podium.stderr
    # The catalogues ship in the wheel: French and Spanish answers, not English fallbacks.
    french = _run(installed, empty, "ask", "--locale", "fr", "/podium coupe des nations 2021")
    assert french.returncode == 0 and "podium de la saison" in french.stdout and "Espagne" in french.stdout
    spanish = _run(installed, empty, "ask", "--locale", "es", "/lanzamiento gt7")
    assert spanish.returncode == 0 and "4 de marzo de 2022" in spanish.stdout
    site = next((installed / "lib").glob("python3*/site-packages"))
    assert not list(site.rglob("*.sqlite3"))
    assert (site / "pitwall_data" / "seasons.toml").is_file()


def test_an_installed_bot_without_a_token_says_how_to_set_it(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "run")
    assert result.returncode == 2 and "DISCORD_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
