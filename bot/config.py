"""Settings, read once from the environment (and `.env`, which the real environment overrides)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path

import platformdirs
from dotenv import dotenv_values

from bot.shards import ShardScope

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run from a source checkout, paths are the checkout's (var/, .env); installed (a wheel, a container), the
# database goes to the user's data directory and .env and relative paths are read from the current directory.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "bot").is_dir()
# The curated dataset is package data (data/ in the checkout, pitwall_data/ once installed).
DEFAULT_DATA_DIR = Path(str(resources.files("pitwall_data"))).resolve()
DEFAULT_DB_PATH = (PROJECT_ROOT / "var" / "pitwall.sqlite3" if IN_CHECKOUT
                   else platformdirs.user_data_path("pitwall") / "pitwall.sqlite3")


def base_dir() -> Path:
    """Where `.env` is read and relative paths start: the checkout, or the current directory once installed."""
    return PROJECT_ROOT if IN_CHECKOUT else Path.cwd()

# A bot token is three base64url segments joined by dots. Checking the shape catches a pasted client
# secret or a stray quote before Discord is asked, without ever echoing the value.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it (never its value)."""


@dataclass(frozen=True)
class Settings:
    # repr=False: a Settings object may end up in a log line or a traceback; the token must not.
    token: str | None = field(default=None, repr=False)
    db_path: Path = DEFAULT_DB_PATH
    # PostgreSQL instead of the SQLite file, for several processes (repr=False: the URL may hold a password).
    database_url: str | None = field(default=None, repr=False)
    # The shards this process serves (`pitwall run --shards`); None: every shard, as Discord recommends them.
    shards: ShardScope | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    # Reminders that fell due while the bot was down are still sent (marked late) within this window.
    reminder_grace: timedelta = timedelta(hours=6)
    # Discord's global limit for this bot, requests per second: 50 unless Discord raised it for the bot.
    global_rate_limit: float = 50.0

    @property
    def database(self) -> Path | str:
        """Where the store is: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.db_path

    @property
    def shared_database(self) -> bool:
        """PostgreSQL: processes coordinate through the database, not a lock file beside it."""
        return self.database_url is not None

    def require_token(self) -> str:
        """The token, or a SettingsError saying how to set it."""
        if not self.token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env "
                "(see .env.example and the README) or export it."
            )
        if not _TOKEN_SHAPE.match(self.token):
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts): copy it again "
                "from the Developer Portal, Bot page, 'Reset Token'."
            )
        return self.token


def _optional(env: Mapping[str, str | None], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Read settings: the real environment first, then `.env` for anything it does not set."""
    env: dict[str, str | None] = {}
    dotenv_path = env_file if env_file is not None else base_dir() / ".env"
    if dotenv_path.is_file():
        env.update(dotenv_values(dotenv_path))
    env.update(os.environ if environ is None else environ)

    guild_raw = _optional(env, "PITWALL_DEV_GUILD_ID")
    if guild_raw is not None and not guild_raw.isdigit():
        raise SettingsError("PITWALL_DEV_GUILD_ID must be a server ID (digits only), or empty.")
    level = (_optional(env, "PITWALL_LOG_LEVEL") or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise SettingsError(f"PITWALL_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
    grace_raw = _optional(env, "PITWALL_REMINDER_GRACE_HOURS") or "6"
    try:
        grace = timedelta(hours=float(grace_raw))
    except (ValueError, OverflowError):
        grace = timedelta(-1)
    if not timedelta(0) <= grace <= timedelta(days=7):
        raise SettingsError("PITWALL_REMINDER_GRACE_HOURS must be a number of hours from 0 to 168.")
    rate_raw = _optional(env, "PITWALL_GLOBAL_RATE_LIMIT") or "50"
    try:
        rate = float(rate_raw)
    except ValueError:
        rate = 0.0
    if not 1 <= rate <= 10_000:
        raise SettingsError("PITWALL_GLOBAL_RATE_LIMIT must be Discord's global limit for this bot, in requests per "
                            "second (50 unless Discord raised it).")
    url = _optional(env, "PITWALL_DATABASE_URL")
    if url is not None and url.startswith("sqlite:///"):
        env["PITWALL_DB_PATH"], url = url.removeprefix("sqlite:///") or None, None
    if url is not None and not url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("PITWALL_DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host/name) or "
                            "sqlite:///path; leave it empty for the SQLite file PITWALL_DB_PATH.")
    db_raw = _optional(env, "PITWALL_DB_PATH")
    data_raw = _optional(env, "PITWALL_DATA_DIR")
    return Settings(
        token=_optional(env, "DISCORD_TOKEN"),
        db_path=_resolve(db_raw) if db_raw else DEFAULT_DB_PATH,
        database_url=url,
        data_dir=_resolve(data_raw) if data_raw else DEFAULT_DATA_DIR,
        dev_guild_id=int(guild_raw) if guild_raw else None,
        log_level=level,
        api_base=_optional(env, "PITWALL_API_BASE"),
        gateway_url=_optional(env, "PITWALL_GATEWAY_URL"),
        reminder_grace=grace,
        global_rate_limit=rate,
    )


def _resolve(raw: str) -> Path:
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base_dir() / path
