"""The console front: the same answers as Discord, exit codes a script can rely on, nothing stored changed."""

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.console import COMMANDS
from tests.conftest import MINI_DATA, NOW, REAL_DATA, dump_database


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("PITWALL_DB_PATH", str(db))
    monkeypatch.setenv("PITWALL_DATA_DIR", str(REAL_DATA))
    monkeypatch.setenv("DISCORD_TOKEN", "")
    monkeypatch.setenv("PITWALL_LOG_LEVEL", "INFO")
    return db


def ask(line: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["ask", line], clock=FixedClock(NOW), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_champion_2021_names_gallo_for_the_nations_and_toyota_for_the_manufacturers(env: Path) -> None:
    code, out, _ = ask("/champion 2021")
    assert code == 0
    nations, manufacturers = out.split("Manufacturer", 1)
    assert "Valerio Gallo — 🇮🇹 Italy" in nations
    assert "Toyota" in manufacturers.split("\n\n")[0]


def test_podium_2021_is_gallo_serrano_miyazono_in_that_order(env: Path) -> None:
    code, out, _ = ask("/podium nations-cup 2021")
    assert code == 0
    gallo, serrano, miyazono = (out.index(n) for n in ("Valerio Gallo", "José Serrano", "Takuma Miyazono"))
    assert gallo < serrano < miyazono
    assert "José Serrano — 🇪🇸 Spain" in out
    assert "Jorge" not in out and "France" not in out.split("World Final race")[0]


def test_release_gt7_gives_the_day_and_both_platforms(env: Path) -> None:
    code, out, _ = ask("/release gt7")
    assert code == 0
    assert "4 March 2022" in out and "PS5" in out and "PS4" in out
    assert "Polyphony Digital" in out and "Sony Interactive Entertainment" in out


def test_a_trailing_number_is_always_the_year(env: Path) -> None:
    code, out, _ = ask("/podium nations-cup 02021")
    assert code == 0 and "Valerio Gallo" in out
    code, _, err = ask("/podium nations-cup 999999")
    assert code == 1 and "no season on record for 999999" in err


def test_named_options_work_like_discord(env: Path) -> None:
    code, out, _ = ask("/champion year:2021 competition:Coupe des Nations")
    assert code == 0 and "Valerio Gallo" in out and "Toyota" not in out


HOSTILE_USER_ERRORS = [
    "/champion 1999",
    "/champion 99999",
    "/champion 2021 \"'; DROP TABLE season; --\"",
    "/podium @everyone",
    "/podium <@&123456789012345678>",
    "/release \u200b",
    "/release 🏎️🏎️",
    "/release Robert'); DROP TABLE game;--",
    "/champion abc",
    "/podium nations-cup 1850",
    "/champion 2021 '; DROP TABLE season; --",
    '/release "unbalanced',
    "/podium nations-cup 2021 2022",
]
HOSTILE_USAGE_ERRORS = [
    "", "/", "/champion", "/frobnicate", "/about now", "/podium " + "x" * 400,
]


def test_hostile_input_gets_a_clear_reply_an_exit_code_and_changes_nothing(env: Path) -> None:
    assert main(["data", "load"], clock=FixedClock(NOW), out=io.StringIO(), err=io.StringIO()) == 0
    before = dump_database(env)
    for line in HOSTILE_USER_ERRORS:
        code, out, err = ask(line)
        assert code == 1, line
        assert "Sorry, I can't answer that" in err and "Traceback" not in err + out, line
    for line in HOSTILE_USAGE_ERRORS:
        code, out, err = ask(line)
        assert code == 2, line
        assert "Usage" in err and "Traceback" not in err + out, line
    assert dump_database(env) == before


def _malformed_forms() -> list[str]:
    """Every command with its options missing, empty, doubled, unknown, misplaced or malformed."""
    forms = []
    for command, allowed in COMMANDS.items():
        forms += [f"/{command}", f"/{command} :", f"/{command} nonsense:1", f"/{command} {'x' * 299}"]
        for name in allowed:
            others = [o for o in allowed if o != name]
            forms += [f"/{command} {name}:", f"/{command} {name}:a {name}:b", f"/{command} {name}:@everyone",
                      f"/{command} {name}:{chr(0x202E)}rtl", f"/{command} stray {name}:x"]
            forms += [f"/{command} {other}:nc" for other in others]  # the required one missing
    return forms


@pytest.mark.parametrize("line", _malformed_forms())
def test_every_malformed_form_of_every_command_gets_a_polite_reply(env: Path, line: str) -> None:
    code, out, err = ask(line)
    assert code in (0, 1, 2), line
    assert "Traceback" not in out + err and "Error:" not in out + err, (line, err)
    if code:
        assert "Sorry, I can't answer that" in err or "Usage" in err, (line, err)


def test_data_check_passes_on_the_mini_dataset(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PITWALL_DATA_DIR", str(MINI_DATA))
    out = io.StringIO()
    assert main(["data", "check"], out=out, err=io.StringIO()) == 0
    assert "dataset OK" in out.getvalue()


def _run_cli(*args: str, token: str | None = None, extra: dict[str, str] | None = None,
             tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
    environ.update({"PITWALL_DB_PATH": str(tmp_path / "sub.sqlite3"), "DISCORD_TOKEN": token or ""})
    environ.update(extra or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=environ,
                          cwd=PROJECT_ROOT, timeout=60, check=False)


def test_python_m_bot_answers_offline(tmp_path: Path) -> None:
    result = _run_cli("ask", "/champion 2021", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Valerio Gallo" in result.stdout


def test_run_without_a_token_says_how_to_set_it_in_one_line(tmp_path: Path) -> None:
    result = _run_cli("run", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr


def test_run_with_a_malformed_token_never_echoes_it(tmp_path: Path) -> None:
    secret = "my-secret-pasted-client-secret"
    result = _run_cli("run", token=secret, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert secret not in result.stderr + result.stdout


async def test_run_with_a_token_discord_rejects_says_so_clearly(tmp_path: Path) -> None:
    """A REST endpoint answering 401 like Discord does for a revoked token, reached via PITWALL_API_BASE."""
    from aiohttp import web

    async def unauthorized(request: web.Request) -> web.Response:
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401,
                                 content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", unauthorized)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    token = "MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
    environ.update({"PITWALL_DB_PATH": str(tmp_path / "r.sqlite3"), "DISCORD_TOKEN": token,
                    "PITWALL_API_BASE": f"http://127.0.0.1:{port}/api/v10",
                    "PITWALL_GATEWAY_URL": f"ws://127.0.0.1:{port}/"})
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=environ,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        await runner.cleanup()
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 2
    assert "Discord rejected DISCORD_TOKEN" in output
    assert token not in output and "Traceback" not in output


def test_console_answers_each_line_and_quits(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
    environ["PITWALL_DB_PATH"] = str(tmp_path / "console.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="/podium nc 2021\n/frobnicate\nhelp\nquit\n",
        capture_output=True, text=True, env=environ, cwd=PROJECT_ROOT, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Valerio Gallo" in result.stdout
    assert "unknown command '/frobnicate'" in result.stdout and "Usage" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), clock=FixedClock(NOW), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_asking_never_creates_migrates_or_loads_the_database(env: Path) -> None:
    code, out, _ = ask("/champion 2021")
    assert code == 0 and "Valerio Gallo" in out  # from a private in-memory copy of the dataset
    assert not env.exists()
    code, out, _ = run_cli("db", "migrate")
    assert code == 0 and "0001" in out and env.exists()
    assert "none needed" in run_cli("db", "migrate")[1]


def test_a_changed_dataset_is_reported_not_loaded_by_the_offline_tools(env: Path, data_copy: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PITWALL_DATA_DIR", str(data_copy))
    assert run_cli("data", "load")[0] == 0
    seasons = data_copy / "seasons.toml"
    seasons.write_text(seasons.read_text().replace("Valerio Gallo", "Valerio Gallo Jr"))
    before = dump_database(env)
    code, out, err = ask("/champion 2021")
    assert code == 0 and "Valerio Gallo" in out and "Gallo Jr" not in out  # what the bot serves
    assert "has changed since it was loaded" in err and "pitwall data load" in err
    assert dump_database(env) == before
    code, out, _ = run_cli("data", "load")
    assert code == 0 and "loaded" in out
    assert "Gallo Jr" in ask("/champion 2021")[1]


def test_migrating_under_a_running_bot_is_refused_and_loading_asks_it_to_reload(env: Path) -> None:
    import signal

    from bot.process_lock import DatabaseLock

    assert run_cli("data", "load")[0] == 0
    hangups: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda number, _: hangups.append(number))
    try:
        with DatabaseLock(env):  # what a running `pitwall run` holds (here: this test's own pid)
            code, _, err = run_cli("db", "migrate")
            assert code == 2 and "already running" in err and "migrates and loads data/ itself" in err
            code, out, _ = run_cli("data", "load")
            assert code == 0 and f"(pid {os.getpid()}): asked it to reload" in out
            assert hangups == [signal.SIGHUP]  # the running bot is the one that loads, and swaps atomically
            assert ask("/podium nc 2021")[0] == 0  # reading beside it is fine
        with DatabaseLock(env, "migrate"):  # not a bot: SIGHUP would end it, so it is never sent one
            code, _, err = run_cli("data", "load")
            assert code == 2 and "already running" in err and hangups == [signal.SIGHUP]
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_loading_a_broken_dataset_says_why_and_changes_nothing(env: Path, data_copy: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("data", "load")[0] == 0
    before = dump_database(env)
    (data_copy / "events.toml").write_text('[[event]]\nid = "x"\n', encoding="utf-8")
    monkeypatch.setenv("PITWALL_DATA_DIR", str(data_copy))
    code, _, err = run_cli("data", "load")
    assert code == 1 and "nothing was loaded" in err and "missing `season`" in err
    assert dump_database(env) == before


def test_a_database_from_an_older_pitwall_is_not_migrated_by_asking(env: Path) -> None:
    import sqlite3

    with sqlite3.connect(env) as connection:
        connection.execute("PRAGMA user_version = 1")
    code, _, err = ask("/about")
    assert code == 2 and "pitwall db migrate" in err and "Traceback" not in err


def test_a_database_path_that_cannot_be_used_is_said_in_one_line(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("PITWALL_DB_PATH", str(blocker / "pitwall.sqlite3"))
    monkeypatch.setenv("PITWALL_DATA_DIR", str(MINI_DATA))
    for command in (("data", "load"), ("db", "migrate"), ("health",)):
        code, out, err = run_cli(*command)
        assert code == 2 and "Traceback" not in out + err, command
        assert err.startswith("pitwall: ") and len(err.strip().splitlines()) == 1, (command, err)
    assert ask("/champion 2021")[0] == 0  # reading needs no database file: the dataset answers


def test_next_counts_down_from_the_clocks_now_offline(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PITWALL_DATA_DIR", str(MINI_DATA))
    code, out, _ = ask("/next")  # the suite's clock: 2026-11-29 12:00 UTC
    assert code == 0
    assert "1 December 2026 18:00 UTC – 1 December 2026 20:00 UTC" in out  # an exact start, written out
    assert "5\u2009–\u20096 December 2026 · in 5 days" in out  # Tokyo's 5 December starts at 4 December 15:00 UTC
    assert "February 2027 (day not announced)\n" in out  # no countdown to a day nobody announced


def ask_in(locale: str, line: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["ask", "--locale", locale, line], clock=FixedClock(NOW), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("locale", "line", "title", "second"), [
    ("fr", "/podium coupe-des-nations 2021", "Nations Cup 2021 — podium de la saison", "José Serrano — 🇪🇸 Espagne"),
    ("es", "/podium copa de las naciones 2021", "Nations Cup 2021 — podio de la temporada", "José Serrano — 🇪🇸 España"),
])
def test_ask_with_a_locale_answers_in_that_language(env: Path, locale: str, line: str, title: str,
                                                    second: str) -> None:
    code, out, _ = ask_in(locale, line)
    assert code == 0
    assert out.splitlines()[0] == title
    assert second in out


def test_ask_takes_the_commands_names_in_the_locales_language_and_says_errors_in_it(env: Path) -> None:
    code, out, _ = ask_in("fr", "/sortie gt7")
    assert code == 0 and "4 mars 2022" in out
    code, out, _ = ask_in("es", "/lanzamiento juego:gt7")
    assert code == 0 and "4 de marzo de 2022" in out
    code, _, err = ask_in("es", "/podio natoins cup")
    assert code == 1 and "¿Querías decir nations-cup?" in err


def test_ask_refuses_a_locale_it_does_not_speak_and_names_those_it_does(env: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["ask", "--locale", "de", "/about"], clock=FixedClock(NOW))
    assert exited.value.code == 2
    assert "en, es, fr" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "says"), [
    (["--shards", "0-1"], "--shards needs --shard-count"),
    (["--shards", "5", "--shard-count", "4"], "names shard 5, but --shard-count 4 has shards 0-3"),
    (["--shards", "3-1", "--shard-count", "4"], "runs backwards"),
    (["--shards", "one", "--shard-count", "4"], "such as 0-3 or 0,2,5"),
    (["--shard-count", "0"], "1 or more"),
])
def test_shard_options_that_cannot_work_are_refused_in_one_line(env: Path, args: list[str], says: str) -> None:
    code, _, err = run_cli("run", *args)
    assert code == 2 and says in err and "Traceback" not in err
