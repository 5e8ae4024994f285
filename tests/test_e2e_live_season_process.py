"""The live season with real `pitwall run` processes: a result announced exactly once per channel across a SIGKILL,
and a SIGHUP reload while members are asking questions."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from tests.discord_standin import DiscordStandIn
from tests.e2e import embed_text, reply_of, standin
from tests.test_e2e_live_season import DECIDED_2026
from tests.test_e2e_reminder_burst import _start_bot, _wait_for_posts, pending_count, posted
from tests.test_e2e_startup import pitwall_environ

GUILDS, CHANNELS_PER_GUILD = 10, 20  # 200 channels subscribed to results
ADMIN = 1


def decide_2026(data: Path, champion: str = "José Serrano") -> None:
    seasons = data / "seasons.toml"
    text = seasons.read_text(encoding="utf-8")
    marker = 'title = "2026 Nations Cup"\nseries = "Test Championships"\nstatus = "in-progress"'
    assert marker in text
    seasons.write_text(text.replace(marker, marker.replace("in-progress", "concluded"))
                       + DECIDED_2026.format(champion=champion), encoding="utf-8")


async def test_a_result_is_announced_exactly_once_per_channel_across_a_sigkill(tmp_path: Path,
                                                                               data_copy: Path) -> None:
    async with standin() as discord:
        discord.set_rate_limit("POST /channels/*/messages", limit=5, window=5.0)
        world = {}
        for g in range(GUILDS):
            guild = discord.add_guild(f"League {g}")
            world[guild.id] = [discord.add_channel(guild.id, f"results-{c}") for c in range(CHANNELS_PER_GUILD)]
        database = tmp_path / "results.sqlite3"
        settings = Settings(db_path=database, data_dir=data_copy)
        now = datetime.now(UTC).replace(microsecond=0)
        # Every channel subscribed an hour ago; the result appears in the data two minutes ago (a `data load`).
        core = await Core.open(settings, FixedClock(now - timedelta(hours=1)))
        for guild_id, channels in world.items():
            for channel in channels:
                await core.reminders.subscribe(guild_id, channel.id, "results", None, None, ADMIN)
        decide_2026(data_copy)
        assert (await core.reload(settings, FixedClock(now - timedelta(minutes=2)))).changed
        expected = await pending_count(core)
        assert expected == GUILDS * CHANNELS_PER_GUILD
        await core.close()

        environ = pitwall_environ(discord, database) | {"PITWALL_DATA_DIR": str(data_copy)}
        first = await _start_bot(environ)
        await _wait_for_posts(discord, world, expected // 3)
        first.send_signal(signal.SIGKILL)  # possibly between a post and its "sent" mark
        await asyncio.wait_for(first.wait(), timeout=30)
        assert 0 < len(posted(discord, world)) < expected

        second = await _start_bot(environ)
        try:
            await _wait_for_posts(discord, world, expected)
            await asyncio.sleep(0.5)  # anything extra would arrive now
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), timeout=30)
        finally:
            if second.returncode is None:
                second.kill()
        assert second.returncode == 0, stderr.decode()[-2000:]
        for channels in world.values():
            for channel in channels:
                [post] = discord.messages(channel.id)  # exactly one per channel
                assert post.embeds[0]["title"] == "🏆 2026 Nations Cup: the season is decided"
        nonces = posted(discord, world)
        assert len(nonces) == expected == len(set(nonces))


async def _ask_podium(discord: DiscordStandIn) -> str:
    result = await discord.invoke("podium", {"competition": "nations-cup", "year": 2021}, timeout=10)
    embed, _, _ = reply_of(result)
    return embed_text(embed)


async def test_sighup_reloads_the_data_while_questions_are_answered(tmp_path: Path, data_copy: Path) -> None:
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        discord.add_channel(guild.id, "general")
        environ = pitwall_environ(discord, tmp_path / "reload.sqlite3") | {"PITWALL_DATA_DIR": str(data_copy)}
        bot = await _start_bot(environ)
        try:
            async with asyncio.timeout(30):
                while True:
                    try:
                        if "Valerio Gallo" in await _ask_podium(discord):
                            break
                    except Exception:
                        await asyncio.sleep(0.2)

            stop = asyncio.Event()

            async def ask_repeatedly() -> list[str]:
                answers = []
                while not stop.is_set():
                    answers.append(await _ask_podium(discord))
                return answers

            askers = [asyncio.create_task(ask_repeatedly()) for _ in range(3)]
            await asyncio.sleep(0.5)
            # A broken dataset first: refused, and the loaded one keeps answering.
            events = data_copy / "events.toml"
            good_events = events.read_text(encoding="utf-8")
            events.write_text(good_events.replace('country = "JP"', 'country = "Japan"'), encoding="utf-8")
            bot.send_signal(signal.SIGHUP)
            await asyncio.sleep(1.0)
            # Then a good change: the champion's name and the source it cites change together.
            events.write_text(good_events, encoding="utf-8")
            seasons, sources = data_copy / "seasons.toml", data_copy / "sources.toml"
            seasons.write_text(seasons.read_text(encoding="utf-8").replace(
                'name = "Valerio Gallo"', 'name = "Valerio Gallo (corrected)"', 1), encoding="utf-8")
            sources.write_text(sources.read_text(encoding="utf-8").replace(
                'title = "Official results"', 'title = "Official results, corrected"', 1), encoding="utf-8")
            bot.send_signal(signal.SIGHUP)
            async with asyncio.timeout(30):
                while "(corrected)" not in await _ask_podium(discord):  # noqa: ASYNC110 - another process
                    await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            stop.set()
            answers = [a for task in askers for a in await task]
            bot.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
        finally:
            if bot.returncode is None:
                bot.kill()
        assert bot.returncode == 0
        log = stderr.decode()
        assert "dataset reload refused" in log and "'JAPAN' is not an ISO 3166-1 alpha-2 country code" in log
        assert "dataset reloaded from" in log and "Traceback" not in log
        old = [a for a in answers if "Valerio Gallo (corrected)" not in a]
        new = [a for a in answers if "Valerio Gallo (corrected)" in a]
        assert old and new
        assert all("Official results, corrected" not in a and "Valerio Gallo" in a for a in old)
        assert all("Official results, corrected" in a for a in new)
