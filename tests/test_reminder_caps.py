"""Per-server caps, enforced where the rows are written, with a reply that says the cap."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import Core
from bot.errors import BadInput
from bot.reminders.service import (
    MAX_CUSTOM_RELEASES_PER_GUILD,
    MAX_PLANNED_PER_GUILD,
    MAX_SUBSCRIPTIONS_PER_GUILD,
)

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

GUILD, CHANNEL, ADMIN = 1001, 3003, 4004


async def test_a_burst_of_adds_stops_exactly_at_the_subscription_cap(core: Core) -> None:
    burst = 3 * MAX_SUBSCRIPTIONS_PER_GUILD // 2
    results = await asyncio.gather(*(core.reminders.subscribe(GUILD, CHANNEL + i, "future-racer", "0", None, ADMIN)
                                     for i in range(burst)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, BadInput)]
    assert len(await core.reminders.statuses(GUILD)) == MAX_SUBSCRIPTIONS_PER_GUILD
    assert len(refused) == burst - MAX_SUBSCRIPTIONS_PER_GUILD
    assert all(f"already has {MAX_SUBSCRIPTIONS_PER_GUILD} reminder subscriptions" in r.message for r in refused)


async def test_custom_releases_stop_at_the_cap_but_can_still_be_changed(core: Core) -> None:
    results = await asyncio.gather(*(core.reminders.save_custom(GUILD, f"Round {i}", "2027-01-10", None, None, ADMIN)
                                     for i in range(MAX_CUSTOM_RELEASES_PER_GUILD + 5)), return_exceptions=True)
    assert sum(isinstance(r, BadInput) for r in results) == 5
    assert len(await core.store.reminders.custom_releases(GUILD)) == MAX_CUSTOM_RELEASES_PER_GUILD
    moved = await core.reminders.save_custom(GUILD, "Round 0", "2027-02-10", None, None, ADMIN)  # at the cap
    assert moved.date.isoformat() == "2027-02-10"
    with pytest.raises(BadInput, match="custom releases, the most it may have"):
        await core.reminders.save_custom(GUILD, "One more", "2027-01-10", None, None, ADMIN)


async def planned(core: Core) -> int:
    row = await core.store.db.fetchone("SELECT COUNT(*) FROM reminder WHERE state = 'pending'")
    return int(row[0]) if row else 0


EIGHT = "30d, 14d, 7d, 3d, 2d, 1d, 2h, 0"  # eight offsets × fifty releases: about 400 per subscription


async def test_a_subscription_past_the_planned_reminder_cap_is_refused(core: Core) -> None:
    for i in range(MAX_CUSTOM_RELEASES_PER_GUILD):
        await core.reminders.save_custom(GUILD, f"Round {i}", "2027-01-10", None, None, ADMIN)
    added = 0
    with pytest.raises(BadInput, match=f"more than {MAX_PLANNED_PER_GUILD} planned reminders"):
        for i in range(MAX_SUBSCRIPTIONS_PER_GUILD):
            await core.reminders.subscribe(GUILD, CHANNEL + i, None, EIGHT, None, ADMIN)
            added += 1
    assert added == 2 and await planned(core) <= MAX_PLANNED_PER_GUILD
    # Near the cap, moving a release (same reminders, new times) is still allowed.
    await core.reminders.save_custom(GUILD, "Round 0", "2027-01-17", None, None, ADMIN)
    assert await planned(core) <= MAX_PLANNED_PER_GUILD


async def test_a_release_that_would_replan_past_the_cap_is_refused(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    cap = 100  # the rule, at a size that keeps the test small
    monkeypatch.setattr("bot.reminders.service.MAX_PLANNED_PER_GUILD", cap)
    await core.reminders.subscribe(GUILD, CHANNEL, None, EIGHT, None, ADMIN)  # every upcoming release
    saved = 0
    with pytest.raises(BadInput, match=f"more than {cap} planned reminders"):
        for i in range(MAX_CUSTOM_RELEASES_PER_GUILD):
            await core.reminders.save_custom(GUILD, f"Round {i}", "2027-01-10", None, None, ADMIN)
            saved += 1
    assert 0 < saved < MAX_CUSTOM_RELEASES_PER_GUILD and await planned(core) <= cap
    assert len(await core.store.reminders.custom_releases(GUILD)) == saved  # the refused one was not stored
