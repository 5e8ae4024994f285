"""A local stand-in for Discord's REST v10 API and gateway v10, for end-to-end tests
of discord.py bots. See tests/README.md."""

from .contract import Refusal
from .model import (
    ADMINISTRATOR,
    DEFAULT_EVERYONE_PERMISSIONS,
    EPHEMERAL_FLAG,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Member,
    PermissionOverwrite,
    RecordedMessage,
    RequestRecord,
    Role,
    User,
)
from .scenario import ContractViolation, DiscordStandIn, InteractionResult, InteractionTimeout

__all__ = [
    "ADMINISTRATOR",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "EPHEMERAL_FLAG",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "Channel",
    "ContractViolation",
    "DiscordStandIn",
    "Guild",
    "InteractionResult",
    "InteractionTimeout",
    "Member",
    "PermissionOverwrite",
    "RecordedMessage",
    "Refusal",
    "RequestRecord",
    "Role",
    "User",
]
