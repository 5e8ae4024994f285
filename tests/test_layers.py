"""The layering is enforced by import-linter (`make lint`); this keeps its list of domain modules complete."""

import tomllib
from pathlib import Path

from bot.config import PROJECT_ROOT

NOT_DOMAIN = {"bot.adapter", "bot.cli", "bot.__main__", "bot.__init__"}


def test_every_domain_module_is_under_the_no_discord_contract() -> None:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    assert "discord" in contract["forbidden_modules"]
    bot = PROJECT_ROOT / "bot"
    modules = {f"bot.{p.stem}" for p in bot.glob("*.py")} | {f"bot.{p.name}" for p in bot.iterdir()
                                                               if p.is_dir() and (p / "__init__.py").exists()}
    assert modules - NOT_DOMAIN - set(contract["source_modules"]) == set()
    assert Path(bot / "adapter").is_dir()
