"""Every counted REST request waits for the global pacer; interaction responses and webhooks, which Discord does not
count against the global limit, never do."""

from typing import Any

from discord.http import Route
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapter import pacing
from bot.reminders.dispatcher import GLOBAL_LIMIT_SHARE, LATE_EDGE_MARGIN, Pacer, next_slot, shared_pace


class CountingPacer(Pacer):
    def __init__(self) -> None:
        super().__init__(1e9)
        self.waits = 0

    async def wait(self) -> None:
        self.waits += 1


class FakeHTTP:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def request(self, route: Route, **kwargs: Any) -> Any:
        self.sent.append(route.path)
        return {"ok": True}


async def test_counted_routes_wait_and_interaction_responses_do_not() -> None:
    http, pacer = FakeHTTP(), CountingPacer()
    pacing.install(http, pacer)  # type: ignore[arg-type]
    assert await http.request(Route("POST", "/channels/{channel_id}/messages", channel_id=1)) == {"ok": True}
    await http.request(Route("PUT", "/applications/{application_id}/commands", application_id=2))
    await http.request(Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                             interaction_id=3, interaction_token="t"))
    await http.request(Route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                             webhook_id=4, webhook_token="t"))
    assert pacer.waits == 2 and len(http.sent) == 4


@settings(max_examples=200, deadline=None)
@given(count=st.integers(1, 16), data=st.data())
def test_processes_on_different_shards_never_share_a_slot_and_together_keep_one_pace(count: int,
                                                                                      data: st.DataObject) -> None:
    """Shards split among processes that never see each other: each sends only in its own slots of the bot's pace,
    so no two sends share a slot and, all together, they send no faster than one process would."""
    owners = data.draw(st.lists(st.integers(0, 3), min_size=count, max_size=count))  # shard -> process
    interval, start = 1 / 48.5, data.draw(st.floats(1.7e9, 1.8e9))
    sent: list[float] = []
    for process in set(owners):
        owned = frozenset(shard for shard, owner in enumerate(owners) if owner == process)
        at = start
        for _ in range(3 * count):  # each process sends as fast as it may
            slot = next_slot(start, at, interval, owned, count)
            assert slot >= at - 1e-6
            assert round(slot / interval) % count in owned  # only in its own shards' slots
            sent.append(slot)
            at = slot + interval / 2
    slots = [round(s / interval) for s in sent]
    # Never two sends in one slot: together at most one per slot of the bot's pace, so within its global limit.
    assert len(slots) == len(set(slots))


def test_the_bot_pace_leaves_room_for_each_other_process_and_never_drops_below_half() -> None:
    assert shared_pace(50, (0, 1, 2, 3), 8) == 50 * GLOBAL_LIMIT_SHARE - LATE_EDGE_MARGIN  # two processes
    assert shared_pace(50, (0,), 4) == 50 * GLOBAL_LIMIT_SHARE - 3 * LATE_EDGE_MARGIN
    assert shared_pace(50, (0,), 1000) == 50 * GLOBAL_LIMIT_SHARE / 2


def test_one_process_with_every_shard_sends_in_every_slot() -> None:
    interval = 1 / 48.5
    at, slots = 1.75e9, []
    for _ in range(10):
        slot = next_slot(1.75e9, at, interval, frozenset({0, 1}), 2)
        slots.append(round(slot / interval))
        at = slot + interval / 2
    assert slots == list(range(slots[0], slots[0] + 10))
