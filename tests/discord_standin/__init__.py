"""A local stand-in for Discord's REST v10 API and gateway v10, for end-to-end tests
of discord.py bots. See tests/README.md."""

from .contract import Refusal
from .gateway import shard_of
from .model import (
    ADMINISTRATOR,
    CREATE_EVENTS,
    DEFAULT_EVERYONE_PERMISSIONS,
    EPHEMERAL_FLAG,
    MANAGE_EVENTS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    GuildScheduledEvent,
    Member,
    PermissionOverwrite,
    RecordedMessage,
    RequestRecord,
    Role,
    User,
)
from .scenario import ContractViolation, DiscordStandIn, InteractionResult, InteractionTimeout, ShardSession

__all__ = [
    "ADMINISTRATOR",
    "CREATE_EVENTS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "EPHEMERAL_FLAG",
    "MANAGE_EVENTS",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "Channel",
    "ContractViolation",
    "DiscordStandIn",
    "Guild",
    "GuildScheduledEvent",
    "InteractionResult",
    "InteractionTimeout",
    "Member",
    "PermissionOverwrite",
    "RecordedMessage",
    "Refusal",
    "RequestRecord",
    "Role",
    "ShardSession",
    "User",
    "shard_of",
]
