"""In-memory world state of the stand-in: users, guilds, channels, roles, members,
synced application commands, recorded messages and interactions.

Everything here is plain data plus helpers that render Discord v10 JSON payloads.
No I/O happens in this module.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000

# Permission bits used by the defaults.
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_EVENTS = 1 << 33  # edit and delete any scheduled event
CREATE_EVENTS = 1 << 44  # create scheduled events, edit and delete one's own
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 53) - 1
DEFAULT_EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)

EPHEMERAL_FLAG = 1 << 6

# Guild scheduled events: entity types, statuses (COMPLETED is 3, CANCELED 4) and the one privacy level.
ENTITY_STAGE_INSTANCE, ENTITY_VOICE, ENTITY_EXTERNAL = 1, 2, 3
EVENT_SCHEDULED, EVENT_ACTIVE, EVENT_COMPLETED, EVENT_CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2


class SnowflakeGenerator:
    """Generates increasing, realistic Discord snowflakes."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def iso_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def parse_timestamp(value: str) -> datetime.datetime:
    """An ISO 8601 timestamp as Discord reads it; one without an offset is UTC. Raises ValueError."""
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.UTC)


def render_timestamp(value: str | None) -> str | None:
    """A timestamp as Discord answers it: UTC, ``+00:00``."""
    return None if value is None else parse_timestamp(value).astimezone(datetime.UTC).isoformat()


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    managed: bool = False
    mentionable: bool = False
    hoist: bool = False

    def to_payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class PermissionOverwrite:
    """A channel permission overwrite. ``type`` is 0 for a role, 1 for a member."""

    id: int
    type: int = 0
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> JSON:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class Channel:
    id: int
    guild_id: int | None
    name: str
    type: int = 0  # 0 text, 2 voice, 4 category, 5 news, 1 DM
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    permission_overwrites: list[PermissionOverwrite] = field(default_factory=list)
    recipient: User | None = None  # DM channels only

    def to_payload(self) -> JSON:
        if self.type == 1:
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "recipients": [self.recipient.to_payload()] if self.recipient else [],
            }
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": self.nsfw,
            "permission_overwrites": [o.to_payload() for o in self.permission_overwrites],
            "flags": 0,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.type in (0, 5):
            data.update(topic=self.topic, last_message_id=None, rate_limit_per_user=0)
        if self.type == 2:
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        return data


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def to_payload(self, permissions: int | None = None) -> JSON:
        data: JSON = {
            "user": self.user.to_payload(),
            "nick": self.nick,
            "avatar": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    locale: str = "en-US"
    channels: dict[int, Channel] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    scheduled_events: dict[int, GuildScheduledEvent] = field(default_factory=dict)

    @property
    def everyone_role(self) -> Role:
        return self.roles[self.id]

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.everyone_role.permissions
        member = self.members.get(user_id)
        if member is not None:
            for rid in member.roles:
                role = self.roles.get(rid)
                if role is not None:
                    perms |= role.permissions
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def channel_permissions(self, user_id: int, channel_id: int | None) -> int:
        """Discord's permission computation (base + overwrites: everyone, roles, member)."""
        perms = self.base_permissions(user_id)
        if perms == ALL_PERMISSIONS or channel_id is None:
            return perms
        channel = self.channels.get(channel_id)
        if channel is None:
            return perms
        member = self.members.get(user_id)
        member_roles = set(member.roles) if member else set()
        ows = channel.permission_overwrites
        for ow in ows:
            if ow.type == 0 and ow.id == self.id:
                perms = (perms & ~ow.deny) | ow.allow
        allow = deny = 0
        for ow in ows:
            if ow.type == 0 and ow.id in member_roles:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        for ow in ows:
            if ow.type == 1 and ow.id == user_id:
                perms = (perms & ~ow.deny) | ow.allow
        return perms

    def to_create_payload(self) -> JSON:
        """GUILD_CREATE payload (full guild with channels, roles and members)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.to_payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": iso_now(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [m.to_payload() for m in self.members.values()],
            "channels": [c.to_payload() for c in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [e.to_payload() for e in self.scheduled_events.values() if not e.deleted],
            "soundboard_sounds": [],
        }

    def to_rest_payload(self) -> JSON:
        data = self.to_create_payload()
        gateway_only = ("members", "channels", "threads", "presences", "voice_states", "joined_at", "large",
                        "member_count")
        for key in gateway_only:
            data.pop(key, None)
        return data


@dataclass
class GuildScheduledEvent:
    """A guild scheduled event, as stored by the stand-in (timestamps as Discord renders them, UTC)."""

    id: int
    guild_id: int
    creator: User
    name: str
    scheduled_start_time: str
    entity_type: int = ENTITY_EXTERNAL
    scheduled_end_time: str | None = None
    description: str | None = None
    channel_id: int | None = None
    location: str | None = None  # entity_metadata.location (EXTERNAL events only)
    privacy_level: int = GUILD_ONLY
    status: int = EVENT_SCHEDULED
    image: str | None = None  # cover image hash
    recurrence_rule: JSON | None = None
    user_count: int = 0
    deleted: bool = False

    @property
    def start(self) -> datetime.datetime:
        return parse_timestamp(self.scheduled_start_time)

    @property
    def end(self) -> datetime.datetime | None:
        return None if self.scheduled_end_time is None else parse_timestamp(self.scheduled_end_time)

    @property
    def uncompleted(self) -> bool:
        """SCHEDULED or ACTIVE: what Discord's 100-per-guild cap counts."""
        return not self.deleted and self.status in (EVENT_SCHEDULED, EVENT_ACTIVE)

    @property
    def finished(self) -> bool:
        """COMPLETED or CANCELED: Discord refuses any further change (180000)."""
        return self.status in (EVENT_COMPLETED, EVENT_CANCELED)

    def to_payload(self, *, with_user_count: bool = False) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": None if self.channel_id is None else str(self.channel_id),
            "creator_id": str(self.creator.id),
            "creator": self.creator.to_payload(),
            "name": self.name,
            "description": self.description,
            "image": self.image,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": {"location": self.location} if self.entity_type == ENTITY_EXTERNAL else None,
            "recurrence_rule": self.recurrence_rule,
            "guild_scheduled_event_exceptions": [],
        }
        if with_user_count:
            data["user_count"] = self.user_count
        return data


@dataclass
class RecordedMessage:
    """A message the bot created: channel message, interaction response or follow-up."""

    id: int
    channel_id: int
    author: User
    payload: JSON
    kind: str  # "channel" | "interaction_response" | "followup"
    created_at: float = field(default_factory=time.monotonic)
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    attachments: list[str] = field(default_factory=list)
    interaction_id: int | None = None
    guild_id: int | None = None
    # Channel messages (POST /channels/{id}/messages): label of the bot token that created it ("main", or one
    # from DiscordStandIn.issue_token). None for interaction responses and follow-ups (interaction token).
    posted_by: str | None = None

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.payload.get("embeds") or [])

    @property
    def allowed_mentions(self) -> JSON | None:
        am = self.payload.get("allowed_mentions")
        return dict(am) if isinstance(am, dict) else None

    @property
    def nonce(self) -> str | int | None:
        n = self.payload.get("nonce")
        return n if isinstance(n, (str, int)) else None

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    @property
    def components(self) -> list[JSON]:
        return list(self.payload.get("components") or [])

    def apply_edit(self, patch: JSON) -> None:
        for key, value in patch.items():
            if key == "flags" and value is not None:
                # Only SUPPRESS_EMBEDS (4) can be toggled by an edit; keep EPHEMERAL.
                self.payload["flags"] = (self.flags & EPHEMERAL_FLAG) | (int(value) & ~EPHEMERAL_FLAG)
            else:
                self.payload[key] = value
        self.edited_timestamp = iso_now()

    def to_payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": bool(self.payload.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(i + 1),
                    "filename": name,
                    "size": 0,
                    "url": f"https://cdn.invalid/attachments/{self.id}/{name}",
                    "proxy_url": f"https://cdn.invalid/attachments/{self.id}/{name}",
                }
                for i, name in enumerate(self.attachments)
            ],
            "embeds": self.embeds,
            "pinned": False,
            "type": 0 if self.kind == "channel" else (20 if self.kind == "interaction_response" else 0),
            "flags": self.flags,
            "components": self.components,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.kind != "channel":
            data["webhook_id"] = str(self.author.id)
            data["application_id"] = str(self.author.id)
        return data


@dataclass
class InteractionRecord:
    """Server-side state of one dispatched interaction."""

    id: int
    token: str
    type: int  # 2 = application command, 3 = message component, 4 = autocomplete
    command_name: str
    guild_id: int | None
    channel_id: int
    user: User
    payload: JSON
    created_at: float  # loop.time() when INTERACTION_CREATE was dispatched
    deadline: float  # seconds allowed for the initial callback
    callback_type: int | None = None
    callback_data: JSON | None = None
    callback_at: float | None = None
    original: RecordedMessage | None = None
    deferred: bool = False
    deferred_ephemeral: bool = False
    followups: list[RecordedMessage] = field(default_factory=list)
    rejected: list[tuple[int, JSON]] = field(default_factory=list)  # (http status, error body)
    original_deleted: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    # A component interaction (type 3): the message clicked, and how many times the bot edited it in answer.
    message: RecordedMessage | None = None
    updates: int = 0

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    def notify(self) -> None:
        self.changed.set()


@dataclass
class RequestRecord:
    """One HTTP request received by the REST API."""

    method: str
    path: str  # path below the API base, e.g. /channels/1/messages
    route: str  # route template, e.g. POST /channels/{channel_id}/messages
    query: dict[str, str]
    body: Any
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    matched: bool = True  # False when the 404 fallback answered
    fault: str | None = None  # e.g. "rate_limited", "injected_5xx", "channel_fault"
    token_label: str | None = None  # which of the bot's tokens authorised it (None: none, or not the bot's)
