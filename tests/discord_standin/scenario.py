"""Scenario API used by tests: start the stand-in, build the world, invoke commands and
inspect what the bot did.

    async with DiscordStandIn(heartbeat_interval=0.5) as discord:
        guild = discord.add_guild("Paddock")
        chan = discord.add_channel(guild.id, "general")
        ...  # point discord.py at discord.api_base / discord.gateway_url and start the bot
        await discord.wait_ready()
        await discord.wait_synced()
        res = await discord.invoke("champion", {"year": 2021})
        assert "Verstappen" in res.content
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NamedTuple

from .contract import Refusal
from .faults import CHANNEL_FAULTS, ChannelFault, FaultPlan, RateLimiter
from .gateway import INTENT_GUILD_MEMBERS, INTENT_GUILD_SCHEDULED_EVENTS, INTENT_GUILDS, GatewayHub, shard_of
from .model import (
    DEFAULT_EVERYONE_PERMISSIONS,
    ENTITY_EXTERNAL,
    EPHEMERAL_FLAG,
    EVENT_SCHEDULED,
    JSON,
    Channel,
    Guild,
    GuildScheduledEvent,
    InteractionRecord,
    Member,
    PermissionOverwrite,
    RecordedMessage,
    RequestRecord,
    Role,
    User,
)
from .routes import LOADING_FLAG, Routes
from .server import API_PREFIX, StandInServer
from .state import SyncCall, World

# Application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


GUILD_INSTALL, USER_INSTALL = 0, 1
CONTEXTS = {"guild": 0, "bot_dm": 1, "private_channel": 2}


@dataclass(frozen=True)
class Where:
    """Where an interaction happens (Discord's interaction context type) and who installed the app for it."""

    context: str
    installed: str

    @classmethod
    def of(cls, context: str, installed: str) -> Where:
        if context not in CONTEXTS or installed not in ("guild", "user"):
            raise ValueError(f"context is one of {sorted(CONTEXTS)}, installed 'guild' or 'user'")
        if context == "private_channel" and installed != "user":
            raise ValueError("only a user-installed app can be used in a private channel")
        return cls(context, installed)

    @property
    def context_type(self) -> int:
        return CONTEXTS[self.context]

    @property
    def integration_type(self) -> int:
        return USER_INSTALL if self.installed == "user" else GUILD_INSTALL

    def owners(self, guild_id: int | None, user_id: int) -> dict[str, str]:
        if self.installed == "user":
            return {str(USER_INSTALL): str(user_id)}
        return {str(GUILD_INSTALL): str(guild_id or 0)}

    def check_offered(self, command: JSON) -> None:
        """Discord offers a command only in its contexts and installation types (defaults as Discord's)."""
        integration_types = command.get("integration_types") or [GUILD_INSTALL]
        contexts = command.get("contexts")
        if contexts is None:
            contexts = [0] if command.get("dm_permission") is False else [0, 1, 2]
        if self.integration_type not in integration_types or self.context_type not in contexts:
            raise ValueError(f"/{command['name']} is not offered in context {self.context} to a "
                             f"{self.installed}-installed app (contexts {contexts}, "
                             f"integration_types {integration_types})")


def _find_component(message: RecordedMessage, custom_id: str | None, label: str | None) -> JSON:
    for row in message.components:
        for component in row.get("components") or []:
            if custom_id is not None and component.get("custom_id") == custom_id:
                return dict(component)
            if label is not None and component.get("label") == label:
                return dict(component)
    shown = [(c.get("label"), c.get("custom_id")) for r in message.components for c in r.get("components") or []]
    raise ValueError(f"message {message.id} has no component {custom_id or label!r}; it has {shown}")


class ShardSession(NamedTuple):
    """A live gateway session: its shard (``[0, 1]`` when IDENTIFY named none) and the label of its token."""

    shard_id: int
    shard_count: int
    label: str


class InteractionTimeout(TimeoutError):
    """The bot did not (fully) answer an interaction in time."""


class ContractViolation(AssertionError):
    """The bot sent requests that Discord would have refused (HTTP 400, code 50035)."""

    def __init__(self, refused: list[Refusal]) -> None:
        self.refused = refused
        listed = "\n  ".join(str(r) for r in refused)
        super().__init__(f"{len(refused)} request(s) Discord would refuse:\n  {listed}")


@dataclass
class InteractionResult:
    """What the bot did with one interaction. Live: follow-ups keep arriving after return."""

    record: InteractionRecord
    dispatched_at: float

    @property
    def interaction_id(self) -> int:
        return self.record.id

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def callback_type(self) -> int | None:
        return self.record.callback_type

    @property
    def acknowledged(self) -> bool:
        return self.record.acknowledged

    @property
    def deferred(self) -> bool:
        return self.record.deferred

    @property
    def original(self) -> RecordedMessage | None:
        return None if self.record.original_deleted else self.record.original

    @property
    def loading(self) -> bool:
        """Deferred and neither edited nor followed up yet."""
        orig = self.record.original
        return orig is not None and bool(orig.flags & LOADING_FLAG)

    @property
    def content(self) -> str:
        """Content of the original response (after a defer: of the edit/first follow-up)."""
        return self.original.content if self.original is not None else ""

    @property
    def embeds(self) -> list[JSON]:
        return self.original.embeds if self.original is not None else []

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.original.allowed_mentions if self.original is not None else None

    @property
    def components(self) -> list[JSON]:
        return self.original.components if self.original is not None else []

    @property
    def flags(self) -> int:
        return self.original.flags if self.original is not None else 0

    @property
    def ephemeral(self) -> bool:
        if self.record.deferred:
            return self.record.deferred_ephemeral
        return bool(self.flags & EPHEMERAL_FLAG)

    @property
    def message(self) -> RecordedMessage | None:
        """For a click: the message whose component was used (as the bot's update left it)."""
        return self.record.message

    @property
    def followups(self) -> list[RecordedMessage]:
        """Follow-up messages (after a defer the first one is also the original)."""
        return [m for m in self.record.followups if not m.deleted]

    @property
    def messages(self) -> list[RecordedMessage]:
        """Original response (if any) followed by the other follow-ups."""
        out: list[RecordedMessage] = []
        if self.original is not None:
            out.append(self.original)
        out.extend(m for m in self.followups if m is not self.original)
        return out

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (callback type 8)."""
        data = self.record.callback_data or {}
        return list(data.get("choices") or [])

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the accepted initial callback."""
        if self.record.callback_at is None:
            return None
        return self.record.callback_at - self.dispatched_at

    @property
    def rejected(self) -> list[tuple[int, JSON]]:
        """Callbacks the stand-in refused: (status, error body), e.g. (404, code 10062)."""
        return list(self.record.rejected)

    @property
    def error_code(self) -> int | None:
        return int(self.record.rejected[0][1]["code"]) if self.record.rejected else None

    @property
    def expired(self) -> bool:
        return self.error_code == 10062

    def _settled(self) -> bool:
        rec = self.record
        if rec.rejected and not rec.acknowledged:
            return True
        if not rec.acknowledged:
            return False
        if rec.callback_type == 5:
            return not self.loading or rec.original_deleted
        if rec.callback_type == 6 and rec.message is not None:
            return rec.updates > 0 or bool(rec.followups)
        return True

    async def wait_followups(self, count: int = 1, *, timeout: float = 5.0) -> list[RecordedMessage]:
        """Wait until at least ``count`` follow-ups were sent."""
        await _wait_until(self.record, lambda: len(self.followups) >= count, timeout,
                          f"expected {count} follow-up(s), got {len(self.followups)}")
        return self.followups


async def _wait_until(rec: InteractionRecord, predicate: Any, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        remaining = end - loop.time()
        if remaining <= 0:
            raise InteractionTimeout(f"/{rec.command_name}: {what} within {timeout}s")
        rec.changed.clear()
        if predicate():
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rec.changed.wait(), timeout=remaining)


class DiscordStandIn:
    """A local Discord (REST v10 + gateway v10) for one bot application.

    Parameters: ``token`` the bot token the client must present; ``heartbeat_interval``
    seconds sent in HELLO; ``interaction_deadline`` seconds an initial callback may take
    (Discord: 3); ``nonce_window`` seconds an ``enforce_nonce`` nonce is remembered;
    ``default_bucket`` (limit, window) for every route bucket; ``global_limit`` requests/s; ``strict``: leaving
    the ``async with`` block raises :class:`ContractViolation` if any request was refused by Discord's contract
    (a test that sends bad payloads on purpose passes ``strict=False`` and reads :attr:`refused`);
    ``recommended_shards`` the shard count GET /gateway/bot recommends (what ``discord.AutoShardedClient`` without
    ``shard_count`` uses).

    Sharding is Discord's (see :mod:`.gateway`): a session IDENTIFYed with ``[shard_id, num_shards]`` gets only
    the guilds with ``(guild_id >> 22) % num_shards == shard_id``, and events without a guild go to shard 0.
    Several clients (processes) may run shards of the same bot at once, each with the main token or one from
    :meth:`issue_token`.
    """

    def __init__(
        self,
        *,
        token: str = "standin-token",
        application_id: int | None = None,
        bot_name: str = "pitwall",
        heartbeat_interval: float = 41.25,
        interaction_deadline: float = 3.0,
        nonce_window: float = 300.0,
        default_bucket: tuple[int, float] = (50, 1.0),
        global_limit: int = 50,
        strict: bool = True,
        recommended_shards: int = 1,
    ) -> None:
        self.strict = strict
        self.world = World(token=token, application_id=application_id, bot_name=bot_name, nonce_window=nonce_window)
        self.interaction_deadline = interaction_deadline
        self.gateway = GatewayHub(self.world, heartbeat_interval_ms=int(heartbeat_interval * 1000))
        self.recommended_shards = recommended_shards
        self.limiter = RateLimiter(default_limit=default_bucket[0], default_window=default_bucket[1],
                                   global_limit=global_limit)
        self.faults = FaultPlan()
        self.routes = Routes(self.world, self.gateway)
        self.server = StandInServer(self.world, self.gateway, self.routes, self.limiter, self.faults)
        self.default_user = self.world.add_user("driver")

    # ---- lifecycle ------------------------------------------------------------------
    async def start(self) -> DiscordStandIn:
        await self.server.start()
        self.gateway.gateway_url = self.gateway_url
        return self

    async def close(self) -> None:
        await self.server.stop()

    async def __aenter__(self) -> DiscordStandIn:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        await self.close()
        if self.strict and exc is None:
            self.assert_nothing_refused()

    @property
    def refused(self) -> list[Refusal]:
        """Requests refused as Discord would refuse them (400, code 50035), in order."""
        return list(self.world.refused)

    def assert_nothing_refused(self) -> None:
        """Raise :class:`ContractViolation` listing every request Discord would have refused."""
        if self.world.refused:
            raise ContractViolation(list(self.world.refused))

    @property
    def token(self) -> str:
        return self.world.token

    def issue_token(self, label: str) -> str:
        """Another token for the same bot user, accepted wherever :attr:`token` is (REST ``Bot <token>``, gateway
        IDENTIFY and RESUME); messages it posts carry ``posted_by == label`` (the main token's label is
        ``"main"``), and its sessions ``label``. For tests running several processes of one bot."""
        return self.world.issue_token(label)

    @property
    def recommended_shards(self) -> int:
        """The ``shards`` GET /gateway/bot answers."""
        return self.gateway.recommended_shards

    @recommended_shards.setter
    def recommended_shards(self, count: int) -> None:
        if count < 1:
            raise ValueError("Discord recommends at least one shard")
        self.gateway.recommended_shards = count

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        return self.world.bot

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self.server.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self.server.port}/"

    # ---- world building -------------------------------------------------------------
    def guild_id_on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh snowflake for a guild that Discord puts on ``shard_id`` of ``shard_count``: pass it to
        ``add_guild(guild_id=...)``."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"no shard {shard_id} of {shard_count}")
        # The shard comes from the timestamp bits (id >> 22): move those up to the next millisecond on the shard,
        # keeping the generator's unique low bits, so the id stays unique and at most shard_count ms ahead.
        fresh = self.world.ids.next()
        ms = fresh >> 22
        gid = ((ms + (shard_id - ms) % shard_count) << 22) | (fresh & 0x3FFFFF)
        assert shard_of(gid, shard_count) == shard_id
        return gid
    def add_user(self, username: str, *, user_id: int | None = None, bot: bool = False) -> User:
        return self.world.add_user(username, user_id=user_id, bot=bot)

    def add_guild(
        self, name: str = "Paddock", *, guild_id: int | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS, bot_permissions: int | None = None,
        owner_id: int | None = None, locale: str = "en-US",
    ) -> Guild:
        """Add a guild the bot is in. After READY this also dispatches GUILD_CREATE."""
        guild = self.world.add_guild(name, guild_id=guild_id, everyone_permissions=everyone_permissions,
                                     bot_permissions=bot_permissions, owner_id=owner_id, locale=locale)
        guild.members.setdefault(self.default_user.id, Member(user=self.default_user, guild_id=guild.id))
        self._live("GUILD_CREATE", guild.to_create_payload(), INTENT_GUILDS)
        return guild

    def add_channel(
        self, guild_id: int, name: str, *, channel_id: int | None = None, type: int = 0,
        topic: str | None = None, parent_id: int | None = None,
        overwrites: list[PermissionOverwrite] | None = None,
    ) -> Channel:
        guild = self.world.guild(guild_id)
        ch = Channel(id=channel_id or self.world.ids.next(), guild_id=guild_id, name=name, type=type,
                     topic=topic, parent_id=parent_id, position=len(guild.channels),
                     permission_overwrites=list(overwrites or []))
        guild.channels[ch.id] = ch
        self._live("CHANNEL_CREATE", ch.to_payload(), INTENT_GUILDS)
        return ch

    def add_role(
        self, guild_id: int, name: str, *, permissions: int = 0, role_id: int | None = None,
        members: list[int] | None = None, color: int = 0, mentionable: bool = False,
    ) -> Role:
        guild = self.world.guild(guild_id)
        role = Role(id=role_id or self.world.ids.next(), guild_id=guild_id, name=name, permissions=permissions,
                    position=len(guild.roles), color=color, mentionable=mentionable)
        guild.roles[role.id] = role
        self._live("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": role.to_payload()}, INTENT_GUILDS)
        for uid in members or []:
            self.add_member(guild_id, self.world.users[uid], roles=[role.id])
        return role

    def add_member(self, guild_id: int, user: User, *, roles: list[int] | None = None,
                   nick: str | None = None) -> Member:
        guild = self.world.guild(guild_id)
        member = guild.members.get(user.id)
        if member is None:
            member = Member(user=user, guild_id=guild_id, nick=nick)
            guild.members[user.id] = member
        for rid in roles or []:
            if rid not in member.roles:
                member.roles.append(rid)
        return member

    def set_guild_locale(self, guild_id: int, locale: str) -> None:
        """An admin changes the server's primary language (Community settings); after READY this dispatches
        GUILD_UPDATE with the guild (without the members and channels only GUILD_CREATE carries)."""
        guild = self.world.guild(guild_id)
        guild.locale = locale
        payload = {k: v for k, v in guild.to_create_payload().items()
                   if k not in ("members", "channels", "threads", "presences", "voice_states", "stage_instances",
                                "guild_scheduled_events", "joined_at", "large", "unavailable", "member_count")}
        self._live("GUILD_UPDATE", payload, INTENT_GUILDS)

    def grant_bot_permissions(self, guild_id: int, permissions: int) -> int:
        """Give the bot ``permissions`` in the guild (on its managed role, created if it has none, as when it joins
        with permissions); returns its guild permissions. After READY this dispatches GUILD_ROLE_UPDATE (or
        GUILD_ROLE_CREATE and GUILD_MEMBER_UPDATE).

        E.g. ``grant_bot_permissions(guild.id, CREATE_EVENTS | MANAGE_EVENTS)`` for scheduled events."""
        guild = self.world.guild(guild_id)
        member = guild.members[self.world.bot.id]
        role = next((guild.roles[r] for r in member.roles if r in guild.roles and guild.roles[r].managed), None)
        if role is None:
            role = Role(id=self.world.ids.next(), guild_id=guild_id, name=self.world.bot.username,
                        permissions=permissions, position=len(guild.roles), managed=True)
            guild.roles[role.id] = role
            member.roles.append(role.id)
            self._live("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": role.to_payload()}, INTENT_GUILDS)
            self._live("GUILD_MEMBER_UPDATE", {**member.to_payload(), "guild_id": str(guild_id)},
                       INTENT_GUILD_MEMBERS)
        else:
            role.permissions |= permissions
            self._live("GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role.to_payload()}, INTENT_GUILDS)
        return guild.base_permissions(self.world.bot.id)

    def revoke_bot_permissions(self, guild_id: int, permissions: int) -> int:
        """Take ``permissions`` off every role the bot has in the guild; returns its guild permissions. Raises
        ValueError if the bot would still have them (from @everyone, ADMINISTRATOR or owning the guild)."""
        guild = self.world.guild(guild_id)
        for rid in guild.members[self.world.bot.id].roles:
            role = guild.roles.get(rid)
            if role is not None and role.permissions & permissions:
                role.permissions &= ~permissions
                self._live("GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role.to_payload()},
                           INTENT_GUILDS)
        left = guild.base_permissions(self.world.bot.id)
        if left & permissions:
            raise ValueError(f"the bot still has {left & permissions:#x} in guild {guild_id} "
                             "(from @everyone, ADMINISTRATOR or ownership)")
        return left

    def add_scheduled_event(
        self, guild_id: int, name: str, *, start: datetime.datetime, end: datetime.datetime | None = None,
        location: str | None = "Online", description: str | None = None, status: int = EVENT_SCHEDULED,
        entity_type: int = ENTITY_EXTERNAL, channel_id: int | None = None, creator: User | None = None,
    ) -> GuildScheduledEvent:
        """Put a scheduled event in the guild without a request (no rules checked: e.g. to fill the 100-event cap,
        or to give the bot an event someone else created). After READY this dispatches GUILD_SCHEDULED_EVENT_CREATE."""
        body: JSON = {"name": name, "scheduled_start_time": start.isoformat(), "entity_type": entity_type,
                      "description": description, "channel_id": channel_id,
                      "scheduled_end_time": end.isoformat() if end is not None else None}
        if entity_type == ENTITY_EXTERNAL:
            body["entity_metadata"] = {"location": location}
        event = self.world.new_scheduled_event(guild_id, body, creator or self.world.bot)
        event.status = status
        self._live("GUILD_SCHEDULED_EVENT_CREATE", event.to_payload(), INTENT_GUILD_SCHEDULED_EVENTS)
        return event

    def _live(self, event: str, data: JSON, intent: int) -> None:
        if self.gateway.sessions:
            asyncio.get_running_loop().create_task(self.gateway.dispatch(event, data, intent=intent))

    # ---- waiting --------------------------------------------------------------------
    async def wait_ready(self, timeout: float = 10.0, *, shards: int | None = None) -> None:
        """Wait until a client IDENTIFYed and got READY + GUILD_CREATEs; with ``shards``, until that many
        distinct shards have a live session that did (e.g. ``shards=2`` for both shards of ``shard_count=2``).

        Note: discord.py fires ``on_ready`` ``guild_ready_timeout`` (default 2 s) after the
        last GUILD_CREATE; pass ``guild_ready_timeout=0.1`` to the test client to shorten it.
        """
        await asyncio.wait_for(self.gateway.wait_ready(shards), timeout)

    async def wait_synced(self, timeout: float = 10.0) -> None:
        """Wait until at least one bulk command overwrite (PUT) was received."""
        await asyncio.wait_for(self.world.synced.wait(), timeout)

    async def wait_connected(self, *, min_resumes: int = 0, timeout: float = 10.0, shards: int | None = None) -> None:
        """Wait for a live gateway session (with ``shards``: for that many distinct shards connected), after at
        least ``min_resumes`` RESUMEs in all."""
        await asyncio.wait_for(self.gateway.wait_connected(min_resumes=min_resumes, shards=shards), timeout)

    # ---- inspection -----------------------------------------------------------------
    def synced_commands(self, guild_id: int | None = None) -> list[JSON]:
        """Commands as currently registered (global if guild_id is None), ids assigned."""
        return list(self.world.commands.get(guild_id, []))

    @property
    def sync_count(self) -> int:
        """Number of bulk overwrite PUTs (global + guild)."""
        return len(self.world.sync_calls)

    @property
    def sync_calls(self) -> list[SyncCall]:
        return list(self.world.sync_calls)

    def scheduled_events(self, guild_id: int, *, include_deleted: bool = False) -> list[GuildScheduledEvent]:
        """The guild's scheduled events in creation order, whatever their status (cancelled and completed ones
        included); deleted ones only with ``include_deleted``."""
        return [e for e in self.world.guild(guild_id).scheduled_events.values() if include_deleted or not e.deleted]

    @property
    def now(self) -> datetime.datetime:
        """The stand-in's clock (aware, UTC): a scheduled event may not start before it."""
        return self.world.now()

    def set_now(self, when: datetime.datetime | None) -> None:
        """Freeze the stand-in's clock at ``when`` (aware), or with None follow real UTC time again. Only the
        scheduled-event rules read it; snowflakes, rate limits and deadlines keep real time."""
        if when is not None and when.tzinfo is None:
            raise ValueError("set_now() takes an aware datetime")
        self.world.frozen_now = when.astimezone(datetime.UTC) if when is not None else None

    def messages(self, channel_id: int) -> list[RecordedMessage]:
        """Messages the bot created via POST /channels/{id}/messages (not deleted)."""
        return [m for m in self.world.channel_messages.get(channel_id, [])
                if m.kind == "channel" and not m.deleted]

    @property
    def requests(self) -> list[RequestRecord]:
        return list(self.world.requests)

    def requests_to(self, pattern: str) -> list[RequestRecord]:
        """Requests whose ``"METHOD /path"`` or route template matches the glob ``pattern``."""
        from .faults import route_matches

        out = []
        for r in self.world.requests:
            template = r.route.partition(" ")[2]
            if route_matches(pattern, r.method, r.path, template):
                out.append(r)
        return out

    @property
    def unexpected_requests(self) -> list[RequestRecord]:
        """Requests no route handled (answered with the generic 404)."""
        return [r for r in self.world.requests if not r.matched]

    @property
    def rate_limited_count(self) -> int:
        return self.limiter.rate_limited_count

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    @property
    def heartbeat_count(self) -> int:
        return self.gateway.heartbeat_count

    def sessions(self, *, connected: bool = True) -> list[ShardSession]:
        """Live gateway sessions by shard, then IDENTIFY order: only connected ones, or with
        ``connected=False`` also those disconnected but still resumable. Closed (1000/1001) or invalidated
        sessions are not listed."""
        live = [s for s in self.gateway.live() if s.connected or not connected]
        return [ShardSession(s.shard_id, s.shard_count, s.label) for s in sorted(live, key=lambda s: s.shard_id)]

    # ---- faults and limits ----------------------------------------------------------
    def set_rate_limit(self, pattern: str, *, limit: int, window: float) -> None:
        """Bucket size for routes matching ``pattern`` (e.g. ``"POST /channels/*/messages"``)."""
        self.limiter.configure(pattern, limit=limit, window=window)

    def rate_limit_next(self, pattern: str, *, count: int = 1, retry_after: float = 0.2,
                        is_global: bool = False) -> None:
        """Answer the next ``count`` matching requests with 429."""
        self.limiter.force(pattern, count=count, retry_after=retry_after, is_global=is_global)

    def set_global_limit(self, requests: int, *, window: float = 1.0) -> None:
        """Global limit: ``requests`` per ``window`` seconds (Discord: 50 per 1 s)."""
        self.limiter.global_limit = requests
        self.limiter.global_window = window

    def disable_rate_limits(self) -> None:
        self.limiter.enabled = False

    def fail_next(self, pattern: str, count: int = 1, *, status: int = 500) -> None:
        """Answer the next ``count`` requests matching ``pattern`` with ``status`` (5xx)."""
        self.faults.add_server_errors(pattern, count, status)

    def fail_channel(self, channel_id: int, kind: str = "missing_permissions", *,
                     methods: list[str] | None = None) -> None:
        """Every request to /channels/{channel_id}/... fails. ``kind``: missing_permissions
        (403/50013), missing_access (403/50001) or unknown_channel (404/10003)."""
        status, code, message = CHANNEL_FAULTS[kind]
        self.faults.channel_faults[channel_id] = ChannelFault(
            status, code, message, frozenset(m.upper() for m in methods) if methods else None)

    def clear_channel_fault(self, channel_id: int) -> None:
        self.faults.channel_faults.pop(channel_id, None)

    async def drop_gateway(self, code: int | None = 4000, *, shard_id: int | None = None) -> None:
        """Close the bot's gateway socket(s) (``None`` = abrupt TCP abort): every live one, or only
        ``shard_id``'s. discord.py resumes."""
        await self.gateway.drop(code=code, shard_id=shard_id)

    async def invalidate_session(self, resumable: bool = False, *, shard_id: int | None = None) -> None:
        """Send INVALID_SESSION to every live session, or only to ``shard_id``'s."""
        await self.gateway.send_op(9, resumable, shard_id=shard_id)

    async def request_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send RECONNECT to every live session, or only to ``shard_id``'s."""
        await self.gateway.send_op(7, None, shard_id=shard_id)

    async def dispatch(self, event: str, data: JSON, *, guild_id: int | None = None) -> None:
        """Send an arbitrary DISPATCH event to the bot: to the shard owning ``guild_id`` (default: the guild
        ``data`` names; none: shard 0)."""
        await self.gateway.dispatch(event, data, guild_id=guild_id)

    # ---- interactions ---------------------------------------------------------------
    async def invoke(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: User | int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        permissions: int | None = None,
        dm: bool = False,
        context: str | None = None,
        installed: str = "guild",
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Dispatch a slash command (``"reminders add"`` for subcommands) and wait until the
        bot answered: callback type 4/6/7/9, or a 5 followed by an edit or follow-up, or
        a rejected (late/duplicate) callback. Raises :class:`InteractionTimeout` otherwise.

        ``context``: ``"guild"`` (default), ``"bot_dm"`` (same as ``dm=True``) or ``"private_channel"`` (a DM or
        group DM between members, where only a user-installed app can be used). ``installed``: ``"guild"`` or
        ``"user"``. A command whose synced ``contexts`` / ``integration_types`` exclude these cannot be invoked,
        as Discord would not offer it: ``ValueError``."""
        where = Where.of(context or ("bot_dm" if dm else "guild"), installed)
        rec = await self._dispatch_interaction(2, command, options or {}, None, user=user, guild_id=guild_id,
                                               channel_id=channel_id, locale=locale, permissions=permissions,
                                               where=where)
        result = InteractionResult(rec, rec.created_at)
        await _wait_until(rec, result._settled, timeout, "no complete response")
        return result

    async def click(
        self, message: RecordedMessage, custom_id: str | None = None, *, label: str | None = None,
        values: list[str] | None = None, user: User | int | None = None, locale: str = "en-US",
        permissions: int | None = None, timeout: float = 5.0,
    ) -> InteractionResult:
        """Use a button (by ``custom_id`` or ``label``) or a select (``values``) on a message the bot sent, as a
        member would, and wait for the bot's answer: an update of that message (7, or 6 then an edit), a new
        message (4, or 5 then an edit) or a rejected callback. Raises ``ValueError`` for what a member could not
        do: a component that is not there or is disabled, or an ephemeral message that only another member sees."""
        component = _find_component(message, custom_id, label)
        if component.get("disabled"):
            raise ValueError(f"component {component.get('custom_id')!r} is disabled")
        clicker = self._resolve_user(user)
        shown_to = self._ephemeral_viewer(message)
        if shown_to is not None and shown_to.id != clicker.id:
            raise ValueError(f"message {message.id} is ephemeral: only {shown_to.username} sees it")
        data: JSON = {"custom_id": component["custom_id"], "component_type": component["type"]}
        if component["type"] != 2:
            allowed = {o["value"] for o in component.get("options") or []}
            chosen = list(values or [])
            if not chosen or not set(chosen) <= allowed:
                raise ValueError(f"select {component['custom_id']!r} offers {sorted(allowed)}, not {chosen}")
            data["values"] = chosen
        where = Where.of("guild" if message.guild_id is not None else "bot_dm", "guild")
        rec = await self._dispatch(3, f"component {component['custom_id']}", data, user=clicker,
                                   guild_id=message.guild_id, channel_id=message.channel_id, locale=locale,
                                   permissions=permissions, where=where, message=message)
        result = InteractionResult(rec, rec.created_at)
        await _wait_until(rec, result._settled, timeout, "no answer to the click")
        return result

    async def autocomplete(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        focused: str,
        user: User | int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        permissions: int | None = None,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Send an autocomplete interaction (type 4) and return the bot's choices."""
        result = await self.autocomplete_result(command, options, focused=focused, user=user, guild_id=guild_id,
                                                channel_id=channel_id, locale=locale, permissions=permissions,
                                                timeout=timeout)
        return result.choices

    async def autocomplete_result(
        self, command: str, options: dict[str, Any] | None = None, *, focused: str,
        user: User | int | None = None, guild_id: int | None = None, channel_id: int | None = None,
        locale: str = "en-US", permissions: int | None = None, timeout: float = 5.0,
    ) -> InteractionResult:
        rec = await self._dispatch_interaction(4, command, options or {}, focused, user=user, guild_id=guild_id,
                                               channel_id=channel_id, locale=locale, permissions=permissions,
                                               where=Where.of("guild", "guild"))
        result = InteractionResult(rec, rec.created_at)
        await _wait_until(rec, result._settled, timeout, "no autocomplete result")
        return result

    def interactions(self) -> list[InteractionResult]:
        return [InteractionResult(r, r.created_at) for r in self.world.interactions_by_id.values()]

    # ---- interaction payload building -----------------------------------------------
    def _resolve_user(self, user: User | int | None) -> User:
        if user is None:
            return self.default_user
        if isinstance(user, User):
            self.world.users.setdefault(user.id, user)
            return user
        found = self.world.users.get(user)
        if found is None:
            raise KeyError(f"unknown user {user}; call add_user() first")
        return found

    def _ephemeral_viewer(self, message: RecordedMessage) -> User | None:
        if not message.ephemeral or message.interaction_id is None:
            return None
        origin = self.world.interactions_by_id.get(message.interaction_id)
        return origin.user if origin is not None else None

    async def _dispatch_interaction(
        self, itype: int, command: str, options: dict[str, Any], focused: str | None, *,
        user: User | int | None, guild_id: int | None, channel_id: int | None, locale: str,
        permissions: int | None, where: Where,
    ) -> InteractionRecord:
        world = self.world
        guild: Guild | None = None
        if where.context == "guild":
            if guild_id is None:
                if not world.guilds:
                    raise ValueError("no guild: add_guild() first or pass dm=True")
                guild_id = next(iter(world.guilds))
            guild = world.guild(guild_id)
        else:
            guild_id = None
        parts = command.split()
        cmd = world.find_command(parts[0], guild_id)
        if cmd is None:
            raise KeyError(f"command {parts[0]!r} was not synced (guild={guild_id}); synced: "
                           f"{ {k: [c['name'] for c in v] for k, v in world.commands.items()} }")
        where.check_offered(cmd)
        data_options, resolved = self._build_options(cmd, parts[1:], options, focused, guild)
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": cmd.get("type", 1)}
        if data_options:
            data["options"] = data_options
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._dispatch(itype, command, data, user=user, guild_id=guild_id, channel_id=channel_id,
                                    locale=locale, permissions=permissions, where=where)

    async def _dispatch(
        self, itype: int, name: str, data: JSON, *, user: User | int | None, guild_id: int | None,
        channel_id: int | None, locale: str, permissions: int | None, where: Where,
        message: RecordedMessage | None = None,
    ) -> InteractionRecord:
        world = self.world
        invoker = self._resolve_user(user)
        guild = world.guild(guild_id) if guild_id is not None else None
        if guild is not None:
            if channel_id is None:
                text = [c for c in guild.channels.values() if c.type in (0, 5)]
                if not text:
                    raise ValueError(f"guild {guild.id} has no text channel: add_channel() first")
                channel_id = text[0].id
            channel = guild.channels.get(channel_id)
            if channel is None:
                raise KeyError(f"unknown channel {channel_id} in guild {guild.id}")
            member = guild.members.get(invoker.id) or Member(user=invoker, guild_id=guild.id)
            guild.members.setdefault(invoker.id, member)
            perms = permissions if permissions is not None else guild.channel_permissions(invoker.id, channel.id)
        elif where.context == "private_channel":
            # A DM between two members: the bot is not in it, and the channel is not one the bot knows.
            friend = User(id=world.ids.next(), username="friend")
            channel = Channel(id=world.ids.next(), guild_id=None, name="", type=1, recipient=friend)
        else:
            channel = world.dm_channel_for(invoker)

        loop = asyncio.get_running_loop()
        rec = InteractionRecord(
            id=world.ids.next(), token=f"aW50ZXJhY3Rpb246{world.ids.next()}", type=itype,
            command_name=name, guild_id=guild.id if guild else None, channel_id=channel.id, user=invoker,
            payload={}, created_at=loop.time(), deadline=self.interaction_deadline, message=message,
        )
        payload: JSON = {
            "id": str(rec.id),
            "application_id": str(world.application_id),
            "type": itype,
            "data": data,
            "channel": channel.to_payload(),
            "channel_id": str(channel.id),
            "token": rec.token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 8 * 1024 * 1024,
            "authorizing_integration_owners": where.owners(guild.id if guild else None, invoker.id),
            "context": where.context_type,
        }
        if message is not None:
            payload["message"] = message.to_payload()
        if guild is not None:
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member.to_payload(permissions=perms),
                app_permissions=str(guild.channel_permissions(world.bot.id, channel.id)),
            )
        else:
            payload.update(user=invoker.to_payload(), app_permissions=str(DEFAULT_EVERYONE_PERMISSIONS))
        rec.payload = payload
        world.interactions_by_id[rec.id] = rec
        world.interactions_by_token[rec.token] = rec
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return rec

    def _build_options(
        self, cmd: JSON, path: list[str], values: dict[str, Any], focused: str | None, guild: Guild | None,
    ) -> tuple[list[JSON], JSON]:
        resolved: JSON = {}
        defs: list[JSON] = list(cmd.get("options") or [])
        chain: list[JSON] = []
        for name in path:
            sub = next((o for o in defs if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)),
                       None)
            if sub is None:
                raise KeyError(f"/{cmd['name']} has no subcommand (group) {name!r}")
            chain.append(sub)
            defs = list(sub.get("options") or [])
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in defs):
            raise ValueError(f"/{cmd['name']} {' '.join(path)} needs a subcommand: "
                             f"{[o['name'] for o in defs]}")
        leaf: list[JSON] = []
        known = {o["name"]: o for o in defs}
        for name, value in values.items():
            odef = known.get(name)
            if odef is None:
                raise KeyError(f"/{cmd['name']} has no option {name!r}; options: {list(known)}")
            if value is None:
                raise ValueError(f"/{cmd['name']}: Discord never sends an option without a value; omit {name!r}")
            opt: JSON = {"name": name, "type": odef["type"],
                         "value": self._option_value(odef["type"], value, resolved, guild, name == focused)}
            if name == focused:
                opt["focused"] = True
            leaf.append(opt)
        if focused is None:
            missing = [o["name"] for o in defs if o.get("required") and o["name"] not in values]
            if missing:
                raise ValueError(f"/{cmd['name']}: missing required option(s) {missing}")
        elif focused not in values:
            leaf.append({"name": focused, "type": known[focused]["type"], "value": "", "focused": True})
        options = leaf
        for sub in reversed(chain):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        return options, resolved

    def _option_value(self, otype: int, value: Any, resolved: JSON, guild: Guild | None, focused: bool) -> Any:
        if focused:
            return str(value)  # Discord sends the partial, unvalidated text for focused options
        if otype == STRING:
            return str(value)
        if otype == INTEGER:
            return int(value)
        if otype == NUMBER:
            return float(value)
        if otype == BOOLEAN:
            return bool(value)
        snowflake = int(getattr(value, "id", value))
        if otype in (USER, MENTIONABLE) and snowflake in self.world.users:
            user = self.world.users[snowflake]
            resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
            if guild is not None and user.id in guild.members:
                member = guild.members[user.id].to_payload(permissions=guild.base_permissions(user.id))
                member.pop("user")
                resolved.setdefault("members", {})[str(user.id)] = member
        elif otype in (ROLE, MENTIONABLE) and guild is not None and snowflake in guild.roles:
            resolved.setdefault("roles", {})[str(snowflake)] = guild.roles[snowflake].to_payload()
        elif otype == CHANNEL:
            ch = self.world.find_channel(snowflake)
            if ch is not None:
                cp = ch.to_payload()
                resolved.setdefault("channels", {})[str(snowflake)] = {
                    "id": cp["id"], "type": cp["type"], "name": cp.get("name", ""), "permissions": "0",
                    "parent_id": cp.get("parent_id"),
                }
        return str(snowflake)
