"""Posting a reminder through discord.py, and turning Discord's refusals into what the dispatcher needs."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.adapter.embeds import to_embed
from bot.reminders.dispatcher import DeliveryFailed, DeliveryRefused, DeliveryRejected
from bot.reminders.messages import OutgoingReminder

log = logging.getLogger(__name__)

# Discord's JSON error codes that mean "this channel will not take our messages until someone acts".
REFUSALS = {
    50001: "I can no longer see that channel (Missing Access)",
    50013: "I am missing permissions to post there (View Channel, Send Messages, Embed Links)",
    10003: "the channel no longer exists (Unknown Channel)",
}


class DiscordPoster:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        channel = self.client.get_partial_messageable(channel_id)
        if message.role_id:
            # Exactly the configured role may be pinged; never @everyone, @here or users.
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(message.role_id)])
        else:
            mentions = discord.AllowedMentions.none()
        try:
            ping = f"<@&{message.role_id}>" if message.role_id else None  # the configured role, and only it
            sent = await channel.send(content=ping, embed=to_embed(message.answer),
                                      allowed_mentions=mentions, nonce=nonce)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DeliveryRefused(REFUSALS.get(exc.code, f"Discord refused: {exc.status} {exc.text}")) from exc
        except discord.HTTPException as exc:
            if exc.status == 400:
                raise DeliveryRejected(f"Discord rejected the message: code {exc.code} {exc.text}") from exc
            # discord.py already waited out 429s and retried 5xx a few times before giving up.
            raise DeliveryFailed(f"HTTP {exc.status} (code {exc.code})") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryFailed(f"network: {exc.__class__.__name__}") from exc
        return sent.id
