"""Discord's deadlines, limits and faults, through the stand-in: nothing lost, nothing doubled, store intact."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapter.client import PitwallBot
from tests.discord_standin import DiscordStandIn
from tests.e2e import SlowQuestions, reply_of

CALLBACK = "POST /interactions/*/*/callback"


def assert_each_answered_exactly_once(discord: DiscordStandIn) -> None:
    for result in discord.interactions():
        if result.record.type == 2:
            accepted = [r for r in discord.requests_to(CALLBACK) if str(result.interaction_id) in r.path
                        and r.status < 300]
            assert len(accepted) == 1, result.record.command_name
            assert len(result.messages) == 1, result.record.command_name


async def test_a_slow_answer_is_deferred_within_the_deadline_then_edited_into_the_answer(
    discord: DiscordStandIn, pitwall: PitwallBot
) -> None:
    discord.interaction_deadline = 1.0
    pitwall.defer_after = 0.2
    pitwall.core.questions = SlowQuestions(pitwall.core.questions, delay=1.5)  # type: ignore[assignment]
    result = await discord.invoke("podium", {"competition": "nations-cup", "year": 2021}, timeout=10)
    assert result.deferred and not result.record.rejected
    # Discord's documented pattern: the "thinking…" message is edited into the answer; no second message.
    assert result.followups == [] and not result.loading
    assert len(discord.requests_to("PATCH /webhooks/*/*/messages/@original")) == 1
    assert result.record.callback_at is not None
    assert result.record.callback_at - result.record.created_at < discord.interaction_deadline
    embed, ephemeral, _ = reply_of(result)
    assert "Valerio Gallo" in embed["description"] and not ephemeral
    assert_each_answered_exactly_once(discord)


async def test_a_slow_error_is_deferred_and_still_private(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    pitwall.defer_after = 0.1
    pitwall.core.questions = SlowQuestions(pitwall.core.questions, delay=0.5)  # type: ignore[assignment]
    result = await discord.invoke("podium", {"competition": "nations-cup", "year": 2026}, timeout=10)
    await result.wait_followups(1, timeout=10)
    embed, ephemeral, _ = reply_of(result)
    assert ephemeral and "not decided yet" in embed["description"]


async def test_a_429_is_waited_out_and_the_answer_arrives_once(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    discord.rate_limit_next(CALLBACK, count=1, retry_after=0.3)
    result = await discord.invoke("champion", {"year": 2021}, timeout=10)
    assert discord.rate_limited_count == 1
    assert "Valerio Gallo" in reply_of(result)[0]["fields"][0]["value"]
    assert_each_answered_exactly_once(discord)


async def test_a_5xx_is_retried_and_the_answer_arrives_once(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    discord.fail_next(CALLBACK, 1, status=502)
    result = await discord.invoke("release", {"game": "gt7"}, timeout=15)
    assert "March 4, 2022" in reply_of(result)[0]["description"]
    assert_each_answered_exactly_once(discord)


async def test_an_answer_too_late_for_discord_is_reported_clearly_and_the_bot_carries_on(
    discord: DiscordStandIn, pitwall: PitwallBot, caplog: pytest.LogCaptureFixture
) -> None:
    discord.interaction_deadline = 0.2
    pitwall.defer_after = 5.0  # as if deferring were forgotten: the callback arrives after the deadline
    real_questions = pitwall.core.questions
    pitwall.core.questions = SlowQuestions(pitwall.core.questions, delay=0.5)  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING, logger="cogs.errors"):
        result = await discord.invoke("champion", {"year": 2021}, timeout=10)
        for _ in range(100):
            if "interaction expired" in caplog.text:
                break
            await asyncio.sleep(0.02)
    assert result.record.rejected and result.record.rejected[0][1]["code"] == 10062
    assert "/champion (guild" in caplog.text and "the interaction expired before the answer was sent" in caplog.text
    pitwall.core.questions = real_questions
    discord.interaction_deadline = 3.0
    assert "Valerio Gallo" in reply_of(await discord.invoke("champion", {"year": 2021}))[0]["fields"][0]["value"]


@pytest.mark.parametrize("close_code", [4000, None], ids=["close-4000", "abrupt"])
async def test_a_dropped_gateway_resumes_and_keeps_answering(discord: DiscordStandIn, pitwall: PitwallBot,
                                                             close_code: int | None) -> None:
    assert "Gallo" in reply_of(await discord.invoke("champion", {"year": 2021}))[0]["fields"][0]["value"]
    await discord.drop_gateway(code=close_code)
    await discord.wait_connected(min_resumes=1, timeout=15)
    result = await discord.invoke("podium", {"competition": "mc", "year": 2021}, timeout=10)
    assert "Toyota" in reply_of(result)[0]["description"]
    assert discord.identify_count == 1 and discord.resume_count >= 1
    assert_each_answered_exactly_once(discord)
