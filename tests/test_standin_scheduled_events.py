"""Self-test of the stand-in's guild scheduled events: the five routes, Discord's rules for them, the 100-event cap,
the event permissions and the gateway events, both as raw HTTP (each refusal at the right field) and through
discord.py's own API (whose bodies must pass the contract: those tests run strict).

The stand-in's clock is frozen at NOW, so "in the past" never depends on when the suite runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from jsonschema import Draft202012Validator

from tests.discord_standin import CREATE_EVENTS, MANAGE_EVENTS, DiscordStandIn
from tests.discord_standin.contract import SPEC_URI, contract
from tests.discord_standin.harness import running_client

JSON = dict[str, Any]
UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
START = datetime.datetime(2026, 12, 5, 18, 0, tzinfo=UTC)  # a Saturday race night, a week ahead
END = START + datetime.timedelta(hours=2)
EVENTS = CREATE_EVENTS | MANAGE_EVENTS


def external(**extra: Any) -> JSON:
    """A create body as discord.py sends it for an EXTERNAL event (entity_type given explicitly)."""
    body: JSON = {
        "name": "Nations Cup round 4", "scheduled_start_time": START.isoformat(), "entity_type": 3,
        "privacy_level": 2, "scheduled_end_time": END.isoformat(), "entity_metadata": {"location": "Gran Turismo 7"},
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not ...}


# ---- raw HTTP -------------------------------------------------------------------------------------------------

@dataclass
class Raw:
    standin: DiscordStandIn
    guild_id: int

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.standin.token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            kwargs: dict[str, Any] = {} if body is None else {"json": body}
            async with http.request(method, self.standin.api_base + path, **kwargs) as response:
                payload = await response.json() if response.status != 204 else None
                return response.status, payload

    @property
    def events_path(self) -> str:
        return f"/guilds/{self.guild_id}/scheduled-events"

    async def create(self, body: JSON) -> tuple[int, Any]:
        return await self.call("POST", self.events_path, body)

    async def patch(self, event_id: int | str, body: JSON) -> tuple[int, Any]:
        return await self.call("PATCH", f"{self.events_path}/{event_id}", body)


@pytest.fixture
async def raw() -> AsyncIterator[Raw]:
    async with DiscordStandIn(strict=False) as standin:
        standin.set_now(NOW)
        guild = standin.add_guild("Paddock", bot_permissions=EVENTS)
        yield Raw(standin, guild.id)


def refused_at(status: int, body: Any, *path: str) -> list[JSON]:
    """Assert Discord's 50035 shape with errors at ``path``; the errors there."""
    assert status == 400, body
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body", body
    node = body["errors"]
    for key in path:
        assert key in node, body["errors"]
        node = node[key]
    errors: list[JSON] = node["_errors"]
    assert errors and all({"code", "message"} <= set(e) for e in errors), body["errors"]
    return errors


@dataclass
class Case:
    what: str
    body: JSON
    refused_at: tuple[str, ...]
    code: str | None = None


BAD_CREATES = [
    Case("no entity_metadata (no location)", external(entity_metadata=...), ("entity_metadata",), "BASE_TYPE_REQUIRED"),
    # The create schema is a union by entity_type; the refusal must come from the EXTERNAL branch, not from the
    # STAGE_INSTANCE or VOICE branch (which would point at entity_type).
    Case("no location and a name of 101 characters", external(entity_metadata=..., name="n" * 101), ("name",)),
    Case("entity_metadata without a location", external(entity_metadata={}), ("entity_metadata", "location")),
    Case("an empty location", external(entity_metadata={"location": ""}), ("entity_metadata", "location")),
    Case("a location of 101 characters", external(entity_metadata={"location": "l" * 101}),
         ("entity_metadata", "location"), "BASE_TYPE_MAX_LENGTH"),
    Case("no end time", external(scheduled_end_time=...), ("scheduled_end_time",), "BASE_TYPE_REQUIRED"),
    Case("a null end time", external(scheduled_end_time=None), ("scheduled_end_time",), "BASE_TYPE_REQUIRED"),
    Case("a start in the past", external(scheduled_start_time=(NOW - datetime.timedelta(minutes=1)).isoformat()),
         ("scheduled_start_time",), "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST"),
    Case("an end before the start", external(scheduled_end_time=(START - datetime.timedelta(hours=1)).isoformat()),
         ("scheduled_end_time",)),
    Case("an end equal to the start", external(scheduled_end_time=START.isoformat()), ("scheduled_end_time",)),
    Case("a name of 101 characters", external(name="n" * 101), ("name",), "BASE_TYPE_MAX_LENGTH"),
    Case("an empty name", external(name=""), ("name",), "BASE_TYPE_BAD_LENGTH"),
    Case("no name", external(name=...), ("name",), "BASE_TYPE_REQUIRED"),
    Case("a description of 1,001 characters", external(description="d" * 1001), ("description",)),
    Case("a channel on an EXTERNAL event", external(channel_id="80351110224678912"), ("channel_id",)),
    Case("a privacy level other than GUILD_ONLY", external(privacy_level=1), ("privacy_level",)),
    Case("a start that is not ISO 8601", external(scheduled_start_time="next Saturday"), ("scheduled_start_time",),
         "DATE_TIME_TYPE_PARSE"),
    # discord.py leaves entity_type out when it infers EXTERNAL from `location=` alone: Discord requires it.
    Case("no entity_type", external(entity_type=...), ("entity_type",), "BASE_TYPE_REQUIRED"),
    Case("a VOICE event without a channel", external(entity_type=2, entity_metadata=None, scheduled_end_time=None),
         ("channel_id",), "BASE_TYPE_REQUIRED"),
]


@pytest.mark.parametrize("case", BAD_CREATES, ids=[c.what for c in BAD_CREATES])
async def test_a_create_discord_refuses_is_refused_at_its_field(raw: Raw, case: Case) -> None:
    status, body = await raw.create(case.body)
    errors = refused_at(status, body, *case.refused_at)
    assert "entity_type" not in body["errors"] or "entity_type" not in case.body, body["errors"]
    if case.code is not None:
        assert case.code in {e["code"] for e in errors}, errors
    [refusal] = raw.standin.refused
    assert refusal.body == case.body
    assert raw.standin.scheduled_events(raw.guild_id) == []


async def test_a_create_makes_a_full_event_and_the_list_holds_it(raw: Raw) -> None:
    status, event = await raw.create(external(description="Rounds 4 to 6, live"))
    assert status == 200, event
    assert event["guild_id"] == str(raw.guild_id) and event["id"].isdigit()
    assert event["channel_id"] is None and event["entity_id"] is None
    assert event["creator_id"] == str(raw.standin.bot_user.id) and event["creator"]["bot"] is True
    assert event["status"] == 1 and event["privacy_level"] == 2 and event["entity_type"] == 3
    assert event["entity_metadata"] == {"location": "Gran Turismo 7"}
    assert event["scheduled_start_time"] == "2026-12-05T18:00:00+00:00"
    assert event["scheduled_end_time"] == "2026-12-05T20:00:00+00:00"
    assert event["description"] == "Rounds 4 to 6, live"

    status, listed = await raw.call("GET", raw.events_path + "?with_user_count=true")
    assert status == 200 and [e["id"] for e in listed] == [event["id"]] and listed[0]["user_count"] == 0
    status, one = await raw.call("GET", f"{raw.events_path}/{event['id']}")
    assert status == 200 and one == event  # without with_user_count, no user_count
    [stored] = raw.standin.scheduled_events(raw.guild_id)
    assert stored.id == int(event["id"]) and stored.location == "Gran Turismo 7" and stored.start == START
    assert [r.route for r in raw.standin.requests_to("/guilds/*/scheduled-events*")] == [
        "POST /guilds/{guild_id}/scheduled-events",
        "GET /guilds/{guild_id}/scheduled-events",
        "GET /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
    ]
    assert raw.standin.refused == [] and raw.standin.unexpected_requests == []


async def test_answers_match_discords_published_response_schema(raw: Raw) -> None:
    spec_contract = contract()
    schemas = spec_contract.spec["components"]["schemas"]
    validator = Draft202012Validator({"$ref": SPEC_URI + "#/components/schemas/ExternalScheduledEventResponse"},
                                     registry=spec_contract.registry)
    _, created = await raw.create(external(description=None))
    _, edited = await raw.patch(created["id"], {"status": 2})
    for answer in (created, edited):
        # `creator` is the stand-in's user object, which (like every user it renders) has no `primary_guild`.
        without_creator = {k: v for k, v in answer.items() if k != "creator"}
        assert list(validator.iter_errors(without_creator)) == []
        assert set(schemas["ExternalScheduledEventResponse"]["required"]) <= set(answer)


async def test_an_edit_moves_the_start_and_checks_the_result(raw: Raw) -> None:
    _, event = await raw.create(external())
    later = START + datetime.timedelta(days=1)
    hours = datetime.timedelta(hours=1)
    status, moved = await raw.patch(event["id"], {"scheduled_start_time": later.isoformat(),
                                                  "scheduled_end_time": (later + 3 * hours).isoformat()})
    assert status == 200, moved
    assert moved["scheduled_start_time"] == "2026-12-06T18:00:00+00:00"
    assert raw.standin.scheduled_events(raw.guild_id)[0].start == later

    # Only the start: after the stored end, so the event it would leave ends before it starts.
    status, body = await raw.patch(event["id"], {"scheduled_start_time": (later + 24 * hours).isoformat()})
    refused_at(status, body, "scheduled_end_time")
    status, body = await raw.patch(event["id"], {"scheduled_start_time": (NOW - hours).isoformat()})
    past = refused_at(status, body, "scheduled_start_time")
    assert "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST" in {e["code"] for e in past}
    status, body = await raw.patch(event["id"], {"name": "n" * 101})
    refused_at(status, body, "name")
    status, body = await raw.patch(event["id"], {"entity_metadata": None})  # an EXTERNAL event keeps its location
    refused_at(status, body, "entity_metadata")
    status, body = await raw.patch(event["id"], {"scheduled_end_time": None})
    refused_at(status, body, "scheduled_end_time")
    assert len(raw.standin.refused) == 5
    assert raw.standin.scheduled_events(raw.guild_id)[0].start == later  # nothing refused was applied


@pytest.mark.parametrize(("path", "allowed"), [
    ([2], True), ([4], True), ([2, 3], True),
    ([3], False),  # SCHEDULED → COMPLETED: it never ran
    ([2, 4], False),  # ACTIVE → CANCELED: it is running; end it instead
    ([2, 1], False),  # back to SCHEDULED
])
async def test_only_discords_status_transitions_are_taken(raw: Raw, path: list[int], allowed: bool) -> None:
    _, event = await raw.create(external())
    *before, last = path
    for status_value in before:
        status, body = await raw.patch(event["id"], {"status": status_value})
        assert status == 200, body
    status, body = await raw.patch(event["id"], {"status": last})
    if allowed:
        assert status == 200 and body["status"] == last, body
    else:
        refused_at(status, body, "status")
        assert raw.standin.scheduled_events(raw.guild_id)[0].status == (before[-1] if before else 1)


@pytest.mark.parametrize("final", [3, 4], ids=["completed", "cancelled"])
async def test_a_finished_event_cannot_be_changed_but_can_be_deleted(raw: Raw, final: int) -> None:
    _, event = await raw.create(external())
    for status_value in ([2, 3] if final == 3 else [4]):
        assert (await raw.patch(event["id"], {"status": status_value}))[0] == 200
    for change in ({"name": "Round 4, again"}, {"status": 1}, {"status": 2}):
        status, body = await raw.patch(event["id"], change)
        assert (status, body["code"], body["message"]) == (400, 180000, "Cannot update a finished event"), body
    assert raw.standin.refused == []  # a state error, not a body Discord's contract refuses
    [kept] = raw.standin.scheduled_events(raw.guild_id)
    assert kept.status == final and kept.name == "Nations Cup round 4"
    status, _ = await raw.call("DELETE", f"{raw.events_path}/{event['id']}")
    assert status == 204
    assert raw.standin.scheduled_events(raw.guild_id) == []
    assert [e.id for e in raw.standin.scheduled_events(raw.guild_id, include_deleted=True)] == [int(event["id"])]
    status, body = await raw.call("GET", f"{raw.events_path}/{event['id']}")
    assert (status, body["code"]) == (404, 10070)


async def test_a_guild_holds_at_most_100_uncompleted_events(raw: Raw) -> None:
    standin = raw.standin
    for i in range(100):
        standin.add_scheduled_event(raw.guild_id, f"Daily race {i}", start=START + datetime.timedelta(days=i),
                                    end=END + datetime.timedelta(days=i))
    status, body = await raw.create(external())
    assert (status, body["code"]) == (400, 30038), body
    assert body["message"] == "Maximum number of uncompleted guild scheduled events reached (100)"
    assert standin.refused == [] and len(standin.scheduled_events(raw.guild_id)) == 100

    # A cancelled (or completed) event no longer counts; a deleted one is gone.
    first = standin.scheduled_events(raw.guild_id)[0]
    assert (await raw.patch(first.id, {"status": 4}))[0] == 200
    status, made = await raw.create(external())
    assert status == 200, made
    assert (await raw.create(external()))[1]["code"] == 30038
    assert (await raw.call("DELETE", f"{raw.events_path}/{made['id']}"))[0] == 204
    assert (await raw.create(external()))[0] == 200
    assert len(standin.scheduled_events(raw.guild_id)) == 101  # the cancelled one is kept


async def test_event_permissions_are_discords(raw: Raw) -> None:
    standin = raw.standin
    missing = (403, 50013)
    standin.revoke_bot_permissions(raw.guild_id, EVENTS)
    status, body = await raw.create(external())
    assert (status, body["code"], body["message"]) == (*missing, "Missing Permissions")

    # MANAGE_EVENTS alone no longer lets a bot create (Discord, since 23 February 2026) ...
    standin.grant_bot_permissions(raw.guild_id, MANAGE_EVENTS)
    assert ((await raw.create(external()))[1]["code"]) == 50013
    # ... CREATE_EVENTS does, and lets it edit and delete its own events, not someone else's.
    standin.revoke_bot_permissions(raw.guild_id, MANAGE_EVENTS)
    standin.grant_bot_permissions(raw.guild_id, CREATE_EVENTS)
    status, own = await raw.create(external())
    assert status == 200, own
    assert (await raw.patch(own["id"], {"name": "Round 4 (moved)"}))[0] == 200
    theirs = standin.add_scheduled_event(raw.guild_id, "Members' meet", start=START, end=END,
                                         creator=standin.default_user)
    status, body = await raw.patch(theirs.id, {"name": "Mine now"})
    assert (status, body["code"]) == missing
    assert (await raw.call("DELETE", f"{raw.events_path}/{theirs.id}"))[1]["code"] == 50013
    # MANAGE_EVENTS edits and deletes anyone's.
    standin.grant_bot_permissions(raw.guild_id, MANAGE_EVENTS)
    assert (await raw.patch(theirs.id, {"name": "Members' meet (stewarded)"}))[0] == 200
    assert (await raw.call("DELETE", f"{raw.events_path}/{theirs.id}"))[0] == 204
    # Reading needs nothing for an EXTERNAL event.
    standin.revoke_bot_permissions(raw.guild_id, EVENTS)
    assert (await raw.call("GET", raw.events_path))[0] == 200
    assert (await raw.call("DELETE", f"{raw.events_path}/{own['id']}"))[1]["code"] == 50013


async def test_revoking_what_everyone_has_is_refused_by_the_helper(raw: Raw) -> None:
    guild = raw.standin.add_guild("Open paddock", everyone_permissions=EVENTS)
    with pytest.raises(ValueError, match="still has"):
        raw.standin.revoke_bot_permissions(guild.id, MANAGE_EVENTS)
    assert raw.standin.grant_bot_permissions(guild.id, 0) & EVENTS == EVENTS


async def test_unknown_events_and_guilds(raw: Raw) -> None:
    status, body = await raw.patch(123456789012345678, {"status": 2})
    assert (status, body["code"]) == (404, 10070)  # a body judged against no event: the 404, not a 400
    assert (await raw.call("DELETE", f"{raw.events_path}/1"))[1]["code"] == 10070
    assert (await raw.call("GET", "/guilds/42/scheduled-events"))[1]["code"] == 10004
    assert raw.standin.refused == []


async def test_the_clock_follows_real_time_unless_frozen(raw: Raw) -> None:
    raw.standin.set_now(None)
    real = datetime.datetime.now(UTC)
    assert abs((raw.standin.now - real).total_seconds()) < 5
    status, body = await raw.create(external())  # START (2026-12-05) may be past in real time
    assert status == 200 or "scheduled_start_time" in body["errors"]
    raw.standin.set_now(END + datetime.timedelta(days=1))
    refused_at(*(await raw.create(external())), "scheduled_start_time")
    with pytest.raises(ValueError, match="aware"):
        raw.standin.set_now(datetime.datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose


# ---- through discord.py --------------------------------------------------------------------------------------

@dataclass
class Live:
    standin: DiscordStandIn
    client: discord.Client
    guild: discord.Guild


async def eventually(predicate: Callable[[], bool], what: str) -> None:
    """Wait (up to 5 s) until discord.py's cache shows what a gateway event carried."""
    loop = asyncio.get_running_loop()
    end = loop.time() + 5.0
    while not predicate():
        assert loop.time() < end, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def live_client(standin: DiscordStandIn, guild_id: int) -> AsyncIterator[Live]:
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with running_client(client, standin):
        await eventually(lambda: client.get_guild(guild_id) is not None, "the guild in discord.py's cache")
        guild = client.get_guild(guild_id)
        assert guild is not None
        yield Live(standin, client, guild)


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    async with DiscordStandIn() as standin:  # strict: whatever discord.py sends must pass Discord's contract
        standin.set_now(NOW)
        guild = standin.add_guild("Paddock", bot_permissions=EVENTS)
        async with live_client(standin, guild.id) as running:
            yield running


async def create(live: Live, **extra: Any) -> discord.ScheduledEvent:
    options: dict[str, Any] = {
        "name": "Nations Cup round 4", "start_time": START, "end_time": END,
        "entity_type": discord.EntityType.external, "location": "Gran Turismo 7",
        "privacy_level": discord.PrivacyLevel.guild_only,
    }
    options.update(extra)
    return await live.guild.create_scheduled_event(**options)


async def test_discord_py_creates_lists_and_caches_an_event(live: Live) -> None:
    event = await create(live, description="Rounds 4 to 6, live")
    assert event.name == "Nations Cup round 4" and event.location == "Gran Turismo 7"
    assert event.start_time == START and event.end_time == END
    assert event.status is discord.EventStatus.scheduled and event.entity_type is discord.EntityType.external
    assert event.creator_id == live.standin.bot_user.id and event.channel_id is None
    [stored] = live.standin.scheduled_events(live.guild.id)
    assert stored.id == event.id and stored.description == "Rounds 4 to 6, live"
    [sent] = live.standin.requests_to("POST /guilds/{guild_id}/scheduled-events")
    assert sent.body["entity_type"] == 3 and sent.body["entity_metadata"] == {"location": "Gran Turismo 7"}
    assert sent.status == 200

    fetched = await live.guild.fetch_scheduled_events()
    assert [(e.id, e.name, e.user_count) for e in fetched] == [(event.id, event.name, 0)]
    one = await live.guild.fetch_scheduled_event(event.id)
    assert one.end_time == END
    # GUILD_SCHEDULED_EVENT_CREATE reached the client's cache.
    await eventually(lambda: live.guild.get_scheduled_event(event.id) is not None, "GUILD_SCHEDULED_EVENT_CREATE")


async def test_discord_py_edits_the_start_time(live: Live) -> None:
    event = await create(live)
    later = START + datetime.timedelta(hours=1)
    edited = await event.edit(start_time=later, end_time=later + datetime.timedelta(hours=2))
    assert edited.start_time == later
    assert live.standin.scheduled_events(live.guild.id)[0].start == later
    [patch] = live.standin.requests_to("PATCH /guilds/*/scheduled-events/*")
    assert patch.body["channel_id"] is None  # discord.py always sends it for an EXTERNAL event
    await eventually(lambda: (cached := live.guild.get_scheduled_event(event.id)) is not None
                     and cached.start_time == later, "GUILD_SCHEDULED_EVENT_UPDATE")
    renamed = await edited.edit(name="Nations Cup round 4 (late start)", location="GT7 lobby")
    assert renamed.name == "Nations Cup round 4 (late start)" and renamed.location == "GT7 lobby"


async def test_discord_py_cancels_and_a_cancelled_event_stays_put(live: Live) -> None:
    event = await create(live)
    cancelled = await event.cancel()
    assert cancelled.status is discord.EventStatus.cancelled
    [kept] = live.standin.scheduled_events(live.guild.id)
    assert kept.status == 4
    with pytest.raises(discord.HTTPException) as raised:
        await cancelled.edit(name="Back on")
    assert raised.value.status == 400 and raised.value.code == 180000
    assert live.standin.scheduled_events(live.guild.id)[0].name == "Nations Cup round 4"


async def test_discord_py_starts_ends_and_deletes(live: Live) -> None:
    event = await create(live)
    started = await event.start()
    assert started.status is discord.EventStatus.active
    ended = await started.end()
    assert ended.status is discord.EventStatus.completed
    other = await create(live, name="Endurance round 2")
    await other.delete()
    assert [e.name for e in live.standin.scheduled_events(live.guild.id)] == ["Nations Cup round 4"]
    await eventually(lambda: live.guild.get_scheduled_event(other.id) is None, "GUILD_SCHEDULED_EVENT_DELETE")
    assert [r.status for r in live.standin.requests_to("DELETE /guilds/*/scheduled-events/*")] == [204]


async def test_events_made_before_the_client_connects_come_in_guild_create() -> None:
    async with DiscordStandIn() as standin:
        standin.set_now(NOW)
        guild = standin.add_guild("Paddock")
        made = standin.add_scheduled_event(guild.id, "Season launch", start=START, end=END, location="Online")
        async with live_client(standin, guild.id) as running:
            cached = running.guild.get_scheduled_event(made.id)
            assert cached is not None and cached.location == "Online" and cached.start_time == START


@pytest.mark.parametrize(("what", "options", "field"), [
    ("a start in the past", {"start_time": NOW - datetime.timedelta(days=1)}, "scheduled_start_time"),
    ("an end before the start", {"end_time": START - datetime.timedelta(minutes=30)}, "scheduled_end_time"),
    ("a name of 101 characters", {"name": "n" * 101}, "name"),
    ("a location of 101 characters", {"location": "l" * 101}, "entity_metadata"),
])
async def test_discord_py_gets_discords_refusal(what: str, options: JSON, field: str) -> None:
    async with DiscordStandIn(strict=False) as standin:
        standin.set_now(NOW)
        guild = standin.add_guild("Paddock", bot_permissions=EVENTS)
        async with live_client(standin, guild.id) as running:
            with pytest.raises(discord.HTTPException) as raised:
                await create(running, **options)
        assert raised.value.status == 400 and raised.value.code == 50035, what
        assert field in str(raised.value)  # discord.py flattens the errors object into its message
        [refusal] = standin.refused
        assert refusal.violations[0].path[0] == field
        assert standin.scheduled_events(guild.id) == []


async def test_discord_py_sees_the_cap_and_the_missing_permission(live: Live) -> None:
    for i in range(100):
        live.standin.add_scheduled_event(live.guild.id, f"Daily race {i}", start=START, end=END)
    with pytest.raises(discord.HTTPException) as capped:
        await create(live)
    assert capped.value.status == 400 and capped.value.code == 30038

    live.standin.revoke_bot_permissions(live.guild.id, EVENTS)
    first = await live.guild.fetch_scheduled_event(live.standin.scheduled_events(live.guild.id)[0].id)
    with pytest.raises(discord.Forbidden) as forbidden:
        await first.cancel()
    assert forbidden.value.code == 50013
    live.standin.grant_bot_permissions(live.guild.id, MANAGE_EVENTS)
    await first.cancel()
    with pytest.raises(discord.Forbidden):
        await create(live)  # MANAGE_EVENTS alone does not create
    live.standin.grant_bot_permissions(live.guild.id, CREATE_EVENTS)
    assert (await create(live)).status is discord.EventStatus.scheduled
