"""The stand-in's world: one bot application, its guilds, synced commands, the messages
the bot sent, the interactions dispatched to it and a log of every REST request.

Handlers (REST and gateway) mutate the world; the scenario API reads it.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .contract import Refusal
from .model import (
    DEFAULT_EVERYONE_PERMISSIONS,
    ENTITY_EXTERNAL,
    EVENT_SCHEDULED,
    GUILD_ONLY,
    JSON,
    Channel,
    Guild,
    GuildScheduledEvent,
    InteractionRecord,
    Member,
    RecordedMessage,
    RequestRecord,
    Role,
    SnowflakeGenerator,
    User,
    render_timestamp,
)

# "A guild can have a maximum of 100 events with SCHEDULED or ACTIVE status at any time."
SCHEDULED_EVENTS_PER_GUILD = 100

# The label of the token the stand-in was created with (see World.issue_token for the others).
MAIN_TOKEN_LABEL = "main"


@dataclass
class SyncCall:
    """One bulk overwrite (PUT) of application commands."""

    guild_id: int | None
    commands: list[JSON]
    at: float = field(default_factory=time.monotonic)


class World:
    def __init__(self, *, token: str, application_id: int | None, bot_name: str, nonce_window: float) -> None:
        self.ids = SnowflakeGenerator()
        self.token = token
        self.tokens: dict[str, str] = {token: MAIN_TOKEN_LABEL}  # every accepted token -> its label
        self.application_id = application_id or self.ids.next()
        # On Discord a bot user's id equals its application id.
        self.bot = User(id=self.application_id, username=bot_name, bot=True)
        self.owner = User(id=self.ids.next(), username="owner")
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self.sync_calls: list[SyncCall] = []
        self.synced = asyncio.Event()
        self.messages: dict[int, RecordedMessage] = {}
        self.channel_messages: dict[int, list[RecordedMessage]] = {}
        self.nonce_window = nonce_window
        self._nonces: dict[tuple[int, str], tuple[float, RecordedMessage]] = {}
        self.interactions_by_id: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.requests: list[RequestRecord] = []
        self.refused: list[Refusal] = []
        self.frozen_now: datetime.datetime | None = None  # the stand-in's clock; None: real UTC time

    def now(self) -> datetime.datetime:
        """The stand-in's notion of now (aware, UTC): what "in the past" means for a scheduled event."""
        return self.frozen_now or datetime.datetime.now(datetime.UTC)

    # ---- tokens ---------------------------------------------------------------------
    def issue_token(self, label: str) -> str:
        """Another token of the same bot user, accepted wherever the main one is; what it does is recorded
        under ``label``. Shaped like a real bot token (id.timestamp.hmac), since bots check the shape."""
        if label in self.tokens.values():
            raise ValueError(f"token label {label!r} is taken")
        user_part = base64.urlsafe_b64encode(str(self.bot.id).encode()).decode().rstrip("=")
        token = f"{user_part}.{secrets.token_urlsafe(6)}.{secrets.token_urlsafe(27)}"
        self.tokens[token] = label
        return token

    def token_label(self, token: Any) -> str | None:
        """Label of a gateway token (raw, or with the ``Bot `` prefix), None if the bot has no such token."""
        if not isinstance(token, str):
            return None
        return self.tokens.get(token) or self.tokens.get(token.removeprefix("Bot "))

    def authorization_label(self, header: str | None) -> str | None:
        """Label of a REST ``Authorization: Bot <token>`` header, None if it is not one of the bot's tokens."""
        if header is None or not header.startswith("Bot "):
            return None
        return self.tokens.get(header[len("Bot "):])

    # ---- entities -------------------------------------------------------------------
    def add_user(self, username: str, *, user_id: int | None = None, bot: bool = False) -> User:
        user = User(id=user_id or self.ids.next(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, guild_id: int | None = None, everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int | None = None, owner_id: int | None = None, locale: str = "en-US",
    ) -> Guild:
        gid = guild_id or self.ids.next()
        guild = Guild(id=gid, name=name, owner_id=owner_id or self.owner.id, locale=locale)
        guild.roles[gid] = Role(id=gid, guild_id=gid, name="@everyone", permissions=everyone_permissions)
        bot_roles: list[int] = []
        if bot_permissions is not None:
            # The managed integration role Discord creates when a bot joins with permissions.
            role = Role(id=self.ids.next(), guild_id=gid, name=self.bot.username, permissions=bot_permissions,
                        position=1, managed=True)
            guild.roles[role.id] = role
            bot_roles.append(role.id)
        guild.members[self.bot.id] = Member(user=self.bot, guild_id=gid, roles=bot_roles)
        owner = self.users.get(guild.owner_id) or self.owner
        guild.members.setdefault(owner.id, Member(user=owner, guild_id=gid))
        self.guilds[gid] = guild
        return guild

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise KeyError(f"unknown guild {guild_id}; call add_guild() first") from None

    def find_channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            ch = guild.channels.get(channel_id)
            if ch is not None:
                return ch
        return self.dm_channels.get(channel_id)

    def dm_channel_for(self, user: User) -> Channel:
        for ch in self.dm_channels.values():
            if ch.recipient is not None and ch.recipient.id == user.id:
                return ch
        ch = Channel(id=self.ids.next(), guild_id=None, name="", type=1, recipient=user)
        self.dm_channels[ch.id] = ch
        return ch

    # ---- commands -------------------------------------------------------------------
    def overwrite_commands(self, guild_id: int | None, payload: list[JSON]) -> list[JSON]:
        """Bulk overwrite: keep ids of commands whose (name, type) already existed."""
        old = {(c["name"], c.get("type", 1)): c for c in self.commands.get(guild_id, [])}
        result: list[JSON] = []
        for cmd in payload:
            key = (cmd["name"], cmd.get("type", 1))
            prev = old.get(key)
            stored = self.render_command(cmd, guild_id, prev["id"] if prev else str(self.ids.next()))
            result.append(stored)
        self.commands[guild_id] = result
        self.sync_calls.append(SyncCall(guild_id, [dict(c) for c in payload]))
        self.synced.set()
        return result

    def render_command(self, cmd: JSON, guild_id: int | None, cmd_id: str) -> JSON:
        stored: JSON = {
            "id": cmd_id,
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "type": cmd.get("type", 1),
            "name": cmd["name"],
            "description": cmd.get("description", ""),
            "options": cmd.get("options", []),
            "default_member_permissions": cmd.get("default_member_permissions"),
            "dm_permission": cmd.get("dm_permission", True),
            "nsfw": cmd.get("nsfw", False),
            "name_localizations": cmd.get("name_localizations"),
            "description_localizations": cmd.get("description_localizations"),
            "integration_types": cmd.get("integration_types", [0]),
            "contexts": cmd.get("contexts"),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored

    def find_command(self, name: str, guild_id: int | None, type_: int = 1) -> JSON | None:
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == type_:
                    return cmd
        return None

    # ---- messages -------------------------------------------------------------------
    def new_message(
        self, channel_id: int, payload: JSON, kind: str, *, attachments: list[str] | None = None,
        interaction_id: int | None = None, posted_by: str | None = None,
    ) -> RecordedMessage:
        ch = self.find_channel(channel_id)
        msg = RecordedMessage(
            id=self.ids.next(), channel_id=channel_id, author=self.bot, payload=dict(payload), kind=kind,
            attachments=attachments or [], interaction_id=interaction_id,
            guild_id=ch.guild_id if ch is not None else None, posted_by=posted_by,
        )
        self.messages[msg.id] = msg
        self.channel_messages.setdefault(channel_id, []).append(msg)
        return msg

    def nonce_lookup(self, channel_id: int, nonce: str) -> RecordedMessage | None:
        entry = self._nonces.get((channel_id, nonce))
        if entry is None or time.monotonic() - entry[0] > self.nonce_window:
            return None
        return entry[1]

    def nonce_store(self, channel_id: int, nonce: str, msg: RecordedMessage) -> None:
        self._nonces[(channel_id, nonce)] = (time.monotonic(), msg)

    # ---- scheduled events -----------------------------------------------------------
    def find_scheduled_event(self, guild_id: int, event_id: int) -> GuildScheduledEvent | None:
        guild = self.guilds.get(guild_id)
        event = guild.scheduled_events.get(event_id) if guild is not None else None
        return None if event is None or event.deleted else event

    def uncompleted_scheduled_events(self, guild_id: int) -> int:
        return sum(e.uncompleted for e in self.guild(guild_id).scheduled_events.values())

    def new_scheduled_event(self, guild_id: int, body: JSON, creator: User) -> GuildScheduledEvent:
        """Store an event from a create body (already checked against Discord's contract)."""
        event = GuildScheduledEvent(
            id=self.ids.next(), guild_id=guild_id, creator=creator, name=str(body["name"]),
            scheduled_start_time=str(render_timestamp(str(body["scheduled_start_time"]))),
            entity_type=int(body.get("entity_type") or ENTITY_EXTERNAL), privacy_level=int(
                body.get("privacy_level") or GUILD_ONLY), status=EVENT_SCHEDULED,
        )
        self.apply_scheduled_event_edit(event, {k: v for k, v in body.items() if k != "status"})
        self.guild(guild_id).scheduled_events[event.id] = event
        return event

    @staticmethod
    def apply_scheduled_event_edit(event: GuildScheduledEvent, body: JSON) -> None:
        """Apply a create or modify body. As Discord does, ``entity_metadata`` only counts for EXTERNAL events."""
        if "name" in body:
            event.name = str(body["name"])
        if "description" in body:
            event.description = body["description"]
        if body.get("scheduled_start_time") is not None:
            event.scheduled_start_time = str(render_timestamp(str(body["scheduled_start_time"])))
        if "scheduled_end_time" in body:
            end = body["scheduled_end_time"]
            event.scheduled_end_time = render_timestamp(str(end)) if end is not None else None
        if body.get("privacy_level") is not None:
            event.privacy_level = int(body["privacy_level"])
        if body.get("entity_type") is not None:
            event.entity_type = int(body["entity_type"])
        if "channel_id" in body:
            event.channel_id = int(body["channel_id"]) if body["channel_id"] is not None else None
        if body.get("status") is not None:
            event.status = int(body["status"])
        if "image" in body:
            image = body["image"]
            event.image = hashlib.sha256(str(image).encode()).hexdigest()[:32] if image is not None else None
        if "recurrence_rule" in body:
            event.recurrence_rule = body["recurrence_rule"]
        metadata = body.get("entity_metadata")
        if isinstance(metadata, dict) and "location" in metadata:
            event.location = metadata["location"]
        if event.entity_type != ENTITY_EXTERNAL:
            event.location = None

    # ---- requests -------------------------------------------------------------------
    def record_request(self, record: RequestRecord) -> None:
        self.requests.append(record)

    def record_refusal(self, refusal: Refusal) -> None:
        self.refused.append(refusal)

    def major_parameters(self, match: dict[str, Any]) -> str:
        keys = ("channel_id", "guild_id", "webhook_id", "webhook_token")
        return "+".join(str(match[k]) for k in keys if k in match)
