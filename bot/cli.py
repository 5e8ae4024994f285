"""`pitwall` (and `python -m bot`): run the bot, sync its commands, ask offline, check the dataset."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot import __version__, health
from bot.clock import Clock, SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.console import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, USAGE, UsageError, ask
from bot.core import Core, load_into_database
from bot.dataset.check import check_dataset
from bot.dataset.loader import DatasetError
from bot.i18n import DEFAULT_LOCALE, languages, supported, using
from bot.present import to_text
from bot.process_lock import AlreadyRunning, DatabaseLock
from bot.shards import parse_shards
from bot.store import Store, StoreError
from bot.store.copy import copy_database, location
from bot.store.postgres import redacted

log = logging.getLogger("pitwall")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pitwall", description="Gran Turismo championships and release dates.")
    parser.add_argument("--version", action="version", version=f"pitwall {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="connect to Discord and answer commands (needs DISCORD_TOKEN)")
    _shard_options(run)
    run.add_argument("--standby", action="store_true",
                     help="wait until no other process serves these shards, then take them over (PostgreSQL)")
    sync = commands.add_parser("sync", help="push the slash commands to Discord now (needs DISCORD_TOKEN)")
    sync.add_argument("--guild", type=int, help="sync to this server only (appears at once)")
    ask_parser = commands.add_parser("ask", help='answer one command offline, e.g. pitwall ask "/champion 2021"')
    ask_parser.add_argument("line", help="a slash command as you would type it in Discord")
    console = commands.add_parser("console", help="an interactive prompt answering the same commands offline")
    for answering in (ask_parser, console):
        answering.add_argument("--locale", default=DEFAULT_LOCALE, type=_locale,
                               help=f"answer in this language: {', '.join(languages())} (default {DEFAULT_LOCALE}); "
                                    "a region picks its date style, e.g. en-US")
    data = commands.add_parser("data", help="dataset tools")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_commands.add_parser("check", help="validate data/*.toml (schema, keys, podiums, countries, sources)")
    data_commands.add_parser("load", help="check data/ and load it: into the database, or into the running bot")
    _shard_options(commands.add_parser(
        "health", help="exit 0 if a running bot recorded a heartbeat lately (container checks)"))
    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("migrate", help="bring the database's schema up to date (with the bot stopped)")
    copy = db_commands.add_parser("copy", help="copy every row of one database into a new, empty one "
                                               "(SQLite to PostgreSQL), ids kept, with the bot stopped")
    copy.add_argument("source", help="a SQLite file (or sqlite:///path), or a postgresql:// URL")
    copy.add_argument("target", help="a postgresql:// URL (or a SQLite file) holding no pitwall rows yet")
    return parser


def _shard_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shards", metavar="IDS",
                        help="the Discord shards this process serves, e.g. 0-3 (needs --shard-count)")
    parser.add_argument("--shard-count", type=int, metavar="N",
                        help="how many shards the bot has in all (default: as Discord recommends)")


def _with_shards(settings: Settings, args: argparse.Namespace) -> Settings:
    """--shards and --shard-count into the settings; SettingsError for a combination that cannot work."""
    if args.shards is None and args.shard_count is None:
        return settings
    if args.shard_count is None or args.shard_count < 1:
        raise SettingsError("--shards needs --shard-count, the bot's number of shards in all (1 or more)")
    try:
        scope = parse_shards(args.shards if args.shards is not None else f"0-{args.shard_count - 1}",
                             args.shard_count)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return dataclasses.replace(settings, shards=scope)


def _locale(text: str) -> str:
    if not supported(text):
        raise argparse.ArgumentTypeError(f"pitwall speaks {', '.join(languages())}; not {text!r}")
    return text


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """The console script. Returns the exit code: 0 answered, 1 polite refusal, 2 usage or setup problem."""
    out, err = out or sys.stdout, err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command in ("run", "health"):
            settings = _with_shards(settings, args)
    except SettingsError as exc:
        print(f"pitwall: {exc}", file=err)
        return EXIT_USAGE
    _setup_logging(settings.log_level, quiet=args.command != "run")
    clock = clock or SystemClock()
    try:
        match args.command:
            case "run":
                return _run(settings, clock, err, standby=args.standby)
            case "sync":
                if args.guild:
                    settings = dataclasses.replace(settings, dev_guild_id=args.guild)
                return _run(settings, clock, err, sync_only=True)
            case "ask":
                with using(args.locale):
                    return asyncio.run(_ask_once(settings, clock, args.line, out, err))
            case "console":
                try:
                    with using(args.locale):
                        return asyncio.run(_console(settings, clock, out, err))
                except KeyboardInterrupt:
                    print(file=out)
                    return EXIT_OK
            case "db" if args.db_command == "copy":
                return asyncio.run(_copy(args.source, args.target, out))
            case "db":
                return asyncio.run(_migrate(settings, out))
            case "health":
                return asyncio.run(_health(settings, clock, out))
            case "data" if args.data_command == "load":
                return asyncio.run(_load(settings, clock, out, err))
            case _:
                return _check(settings, out, err)
    except AlreadyRunning as exc:  # from `db migrate` and `data load`; `run` reports its own
        print(f"pitwall: {exc} The bot migrates and loads data/ itself when it starts.", file=err)
        return EXIT_USAGE
    except (StoreError, DatasetError) as exc:
        print(f"pitwall: {exc}", file=err)
        return EXIT_USAGE


def _setup_logging(level: str, *, quiet: bool) -> None:
    """Log to stderr. Offline commands stay quiet below WARNING unless DEBUG is asked for."""
    if quiet and level == "INFO":
        level = "WARNING"
    root = logging.getLogger()
    if not root.handlers:
        # The standard library's handler, in the layout discord.py's own setup_logging uses.
        logging.basicConfig(format="%(asctime)s %(levelname)-8s %(name)s %(message)s",
                            datefmt="%Y-%m-%d %H:%M:%S")
    root.setLevel(getattr(logging, level))


def _run(settings: Settings, clock: Clock, err: TextIO, *, sync_only: bool = False, standby: bool = False) -> int:
    from bot.adapter.launch import run  # imported here so `ask` and `data check` never load discord

    return run(settings, clock, err, sync_only=sync_only, standby=standby)


async def _health(settings: Settings, clock: Clock, out: TextIO) -> int:
    store = await Store.open_readonly(settings.database)
    try:
        healthy, line = await health.check(store, clock.now(), settings.shards)
    finally:
        await store.close()
    print(line, file=out)
    return EXIT_OK if healthy else 1


async def _migrate(settings: Settings, out: TextIO) -> int:
    if settings.shared_database:  # PostgreSQL: processes starting together migrate once (an advisory lock)
        store = await Store.open(settings.database)
        await store.close()
    else:
        with DatabaseLock(settings.db_path, "migrate"):  # never under a running bot
            store = await Store.open(settings.db_path)
            await store.close()
    applied = ", ".join(store.applied_migrations) or "none needed"
    print(f"database {store.where}: up to date (migrations applied: {applied})", file=out)
    return EXIT_OK


async def _copy(source: str, target: str, out: TextIO) -> int:
    from_, to = location(source), location(target)
    # Never under a running bot on the SQLite side (PostgreSQL's side is a new, empty database).
    locks = [DatabaseLock(where, "copy") for where in (from_, to) if isinstance(where, Path)]
    for lock in locks:
        lock.acquire()
    try:
        copied = await copy_database(from_, to)
    finally:
        for lock in locks:
            lock.release()
    print(f"copied {sum(copied.values())} rows: " + ", ".join(f"{t} {n}" for t, n in copied.items() if n), file=out)
    return EXIT_OK


async def _load(settings: Settings, clock: Clock, out: TextIO, err: TextIO) -> int:
    """Validate data/, then load it: into the database when no bot runs on it, or by asking the running bot to
    reload (SIGHUP), so that the bot that answers is the one that swaps (it never answers from a half-load)."""
    report = check_dataset(settings.data_dir)
    if not report.ok:
        for problem in report.problems:
            print(f"problem: {problem}", file=err)
        print(f"pitwall: {settings.data_dir} has {len(report.problems)} problem(s); nothing was loaded", file=err)
        return EXIT_USER_ERROR
    if settings.shared_database:
        # PostgreSQL: load into the database; every running process notices the new content and answers from it
        # (bot.adapter.client watches the stored content hash), wherever it runs.
        hash_ = await load_into_database(settings, clock, report.dataset)
        where = redacted(settings.database_url or "")
        print(f"database {where}: dataset from {settings.data_dir} loaded (content {hash_ and hash_[:12]}); running "
              "bots answer from it within a minute", file=out)
        return EXIT_OK
    try:
        lock = DatabaseLock(settings.db_path, "load")
        lock.acquire()
    except AlreadyRunning as running:
        if running.pid is None or running.role != "run":  # only a bot reloads on SIGHUP; it would end the others
            raise
        try:
            os.kill(running.pid, signal.SIGHUP)
        except OSError as exc:  # gone meanwhile, or not ours to signal (another user, another pid namespace)
            print(f"pitwall: a bot holds {settings.db_path} (pid {running.pid}) but cannot be asked to reload "
                  f"({exc.strerror}). Reload it yourself (SIGHUP, `systemctl reload`), or restart it.", file=err)
            return EXIT_USAGE
        print(f"a pitwall bot is running on {settings.db_path} (pid {running.pid}): asked it to reload "
              f"{settings.data_dir} (SIGHUP); its log says when it answers from the new data", file=out)
        return EXIT_OK
    try:
        hash_ = await load_into_database(settings, clock, report.dataset)
    finally:
        lock.release()
    print(f"database {settings.db_path}: dataset from {settings.data_dir} loaded (content {hash_ and hash_[:12]})",
          file=out)
    return EXIT_OK


async def _offline(settings: Settings, clock: Clock, err: TextIO) -> Core:
    core, notes = await Core.open_offline(settings, clock)
    for note in notes:
        print(f"pitwall: note: {note}", file=err)
    return core


async def _ask_once(settings: Settings, clock: Clock, line: str, out: TextIO, err: TextIO) -> int:
    core = await _offline(settings, clock, err)
    try:
        return await _answer(core, line, out, err)
    finally:
        await core.close()


async def _answer(core: Core, line: str, out: TextIO, err: TextIO) -> int:
    try:
        answer, code = await ask(core.questions, line)
    except UsageError as exc:
        print(f"pitwall: {exc}\n\n{USAGE}", file=err)
        return EXIT_USAGE
    assert answer is not None
    print(to_text(answer, core.services.clock.now()), end="", file=out if code == EXIT_OK else err)
    return code


async def _console(settings: Settings, clock: Clock, out: TextIO, err: TextIO) -> int:
    core = await _offline(settings, clock, out)
    print(f"pitwall {__version__} console. Type a command (e.g. /champion 2021), 'help', or 'quit'.", file=out)
    try:
        loop = asyncio.get_running_loop()
        while True:
            print("> ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip() in ("quit", "exit"):
                return EXIT_OK
            if line.strip() in ("help", "?"):
                print(USAGE, file=out)
            elif line.strip():
                await _answer(core, line.strip(), out, out)
    finally:
        await core.close()


def _check(settings: Settings, out: TextIO, err: TextIO) -> int:
    report = check_dataset(settings.data_dir)
    data = report.dataset
    print(f"{len(data.sources)} sources, {len(data.competitions)} competitions, {len(data.seasons)} seasons, "
          f"{len(data.games)} games, {sum(len(g.releases) for g in data.games)} releases", file=out)
    for warning in report.warnings:
        print(f"warning: {warning}", file=out)
    for problem in report.problems:
        print(f"problem: {problem}", file=err)
    print("dataset OK" if report.ok else f"dataset has {len(report.problems)} problem(s)", file=out)
    return EXIT_OK if report.ok else 1
