"""REST v10 route handlers. Paths are relative to the API base (``/api/v10``).

Each handler reads the pre-parsed body from ``request[BODY_KEY]`` (set by the middleware in
:mod:`.server`) and returns an aiohttp response. Errors use Discord's JSON error shape.
To add an endpoint, write a handler here and add one line to :meth:`Routes.table`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import faults
from .faults import json_response
from .gateway import INTENT_GUILD_MESSAGES, INTENT_GUILD_SCHEDULED_EVENTS, GatewayHub
from .model import (
    CREATE_EVENTS,
    EPHEMERAL_FLAG,
    JSON,
    MANAGE_EVENTS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Guild,
    GuildScheduledEvent,
    InteractionRecord,
    RecordedMessage,
)
from .state import SCHEDULED_EVENTS_PER_GUILD, World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOADING_FLAG = 1 << 7
BODY_KEY: web.RequestKey[Any] = web.RequestKey("standin_body", object)
FILES_KEY: web.RequestKey[list[str]] = web.RequestKey("standin_files", list)
# Label of the bot token that authorised the request (None: no bot token); set by the server's middleware.
TOKEN_LABEL_KEY: web.RequestKey[str | None] = web.RequestKey("standin_token_label", str)
_TRUE = {"1", "true", "True"}


def error(status: int, code: int, message: str) -> web.Response:
    return json_response(faults.error_body(code, message), status=status)


def not_found() -> web.Response:
    return error(404, 0, "404: Not Found")


def body_of(request: web.Request) -> Any:
    return request.get(BODY_KEY)


def files_of(request: web.Request) -> list[str]:
    files = request.get(FILES_KEY)
    return list(files) if isinstance(files, list) else []


def snowflake(request: web.Request, key: str) -> int | None:
    raw = request.match_info.get(key, "")
    return int(raw) if raw.isdigit() else None


def _is_empty_message(payload: JSON, files: list[str]) -> bool:
    return not (
        payload.get("content") or payload.get("embeds") or payload.get("components") or payload.get("sticker_ids")
        or payload.get("poll") or files
    )


class Routes:
    def __init__(self, world: World, gateway: GatewayHub) -> None:
        self.world = world
        self.gateway = gateway
        self.gateway_url: Callable[[], str] = lambda: gateway.gateway_url

    def table(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("POST", "/applications/{application_id}/commands", self.upsert_command),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self.upsert_command),
            ("POST", "/interactions/{webhook_id}/{webhook_token}/callback", self.interaction_callback),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self.execute_webhook),
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.get_webhook_message),
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.delete_webhook_message),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.list_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_guild_roles),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("GET", "/guilds/{guild_id}/scheduled-events", self.list_scheduled_events),
            ("POST", "/guilds/{guild_id}/scheduled-events", self.create_scheduled_event),
            ("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", self.get_scheduled_event),
            ("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", self.edit_scheduled_event),
            ("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
             self.delete_scheduled_event),
        ]

    # ---- gateway / identity ---------------------------------------------------------
    async def get_gateway(self, request: web.Request) -> web.StreamResponse:
        return json_response({"url": self.gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        return json_response({
            "url": self.gateway_url(),
            "shards": self.gateway.recommended_shards,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
        })

    async def get_me(self, request: web.Request) -> web.StreamResponse:
        return json_response({**self.world.bot.to_payload(), "verified": True, "mfa_enabled": False})

    async def get_user(self, request: web.Request) -> web.StreamResponse:
        uid = snowflake(request, "user_id")
        user = self.world.users.get(uid or 0)
        if user is None:
            return error(404, 10013, "Unknown User")
        return json_response(user.to_payload())

    async def create_dm(self, request: web.Request) -> web.StreamResponse:
        body = body_of(request) or {}
        user = self.world.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        return json_response(self.world.dm_channel_for(user).to_payload())

    async def get_application(self, request: web.Request) -> web.StreamResponse:
        w = self.world
        return json_response({
            "id": str(w.application_id),
            "name": w.bot.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": w.owner.to_payload(),
            "team": None,
            "bot": w.bot.to_payload(),
            "rpc_origins": [],
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
            "approximate_guild_count": len(w.guilds),
        })

    # ---- application commands -------------------------------------------------------
    def _app_ok(self, request: web.Request) -> web.Response | None:
        if snowflake(request, "application_id") != self.world.application_id:
            return error(403, faults.MISSING_ACCESS, "Missing Access")
        gid = snowflake(request, "guild_id")
        if "guild_id" in request.match_info and (gid is None or gid not in self.world.guilds):
            return error(403, faults.MISSING_ACCESS, "Missing Access")
        return None

    async def get_commands(self, request: web.Request) -> web.StreamResponse:
        if (err := self._app_ok(request)) is not None:
            return err
        return json_response(self.world.commands.get(snowflake(request, "guild_id"), []))

    async def put_commands(self, request: web.Request) -> web.StreamResponse:
        if (err := self._app_ok(request)) is not None:
            return err
        body = body_of(request)
        if not isinstance(body, list) or not all(isinstance(c, dict) and "name" in c for c in body):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        return json_response(self.world.overwrite_commands(snowflake(request, "guild_id"), body))

    async def upsert_command(self, request: web.Request) -> web.StreamResponse:
        if (err := self._app_ok(request)) is not None:
            return err
        body = body_of(request)
        if not isinstance(body, dict) or "name" not in body:
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        gid = snowflake(request, "guild_id")
        current = self.world.commands.setdefault(gid, [])
        for i, cmd in enumerate(current):
            if cmd["name"] == body["name"] and cmd.get("type", 1) == body.get("type", 1):
                current[i] = self.world.render_command(body, gid, cmd["id"])
                return json_response(current[i])
        stored = self.world.render_command(body, gid, str(self.world.ids.next()))
        current.append(stored)
        return json_response(stored, status=201)

    # ---- interactions ---------------------------------------------------------------
    def _interaction(self, request: web.Request) -> InteractionRecord | None:
        token = request.match_info.get("webhook_token", "")
        rec = self.world.interactions_by_token.get(token)
        if rec is None:
            return None
        if "callback" in request.path:
            return rec if str(rec.id) == request.match_info.get("webhook_id") else None
        return rec if request.match_info.get("webhook_id") == str(self.world.application_id) else None

    async def interaction_callback(self, request: web.Request) -> web.StreamResponse:
        rec = self._interaction(request)
        if rec is None:
            return error(404, faults.UNKNOWN_INTERACTION, "Unknown interaction")
        loop = asyncio.get_running_loop()
        now = loop.time()
        if rec.acknowledged:
            body = faults.error_body(faults.ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
            rec.rejected.append((400, body))
            rec.notify()
            return json_response(body, status=400)
        if now - rec.created_at > rec.deadline:
            body = faults.error_body(faults.UNKNOWN_INTERACTION, "Unknown interaction")
            rec.rejected.append((404, body))
            rec.notify()
            return json_response(body, status=404)
        payload = body_of(request)
        if not isinstance(payload, dict) or "type" not in payload:
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        cb_type = int(payload["type"])
        data: JSON = dict(payload.get("data") or {})
        files = files_of(request)
        if cb_type == 4 and _is_empty_message(data, files):
            return error(400, 50006, "Cannot send an empty message")

        rec.callback_type = cb_type
        rec.callback_data = data
        rec.callback_at = now
        if cb_type == 4:
            rec.original = self.world.new_message(rec.channel_id, data, "interaction_response",
                                                  attachments=files, interaction_id=rec.id)
        elif cb_type == 5:
            rec.deferred = True
            flags = int(data.get("flags") or 0)
            rec.deferred_ephemeral = bool(flags & EPHEMERAL_FLAG)
            rec.original = self.world.new_message(
                rec.channel_id, {"content": "", "flags": (flags & EPHEMERAL_FLAG) | LOADING_FLAG},
                "interaction_response", interaction_id=rec.id,
            )
        elif cb_type == 6:
            rec.deferred = True
        elif cb_type == 7:
            if rec.message is None:
                return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body (no message to update)")
            rec.message.apply_edit(data)
            rec.updates += 1
        rec.notify()

        if request.query.get("with_response") not in _TRUE:
            return web.Response(status=204)
        inter: JSON = {"id": str(rec.id), "type": rec.type}
        result: JSON = {"interaction": inter}
        if rec.original is not None and cb_type in (4, 5):
            inter["response_message_id"] = str(rec.original.id)
            inter["response_message_loading"] = cb_type == 5
            inter["response_message_ephemeral"] = rec.original.ephemeral
            result["resource"] = {"type": cb_type, "message": rec.original.to_payload()}
        elif cb_type == 7 and rec.message is not None:
            result["resource"] = {"type": cb_type, "message": rec.message.to_payload()}
        elif cb_type in (8, 9):
            result["resource"] = {"type": cb_type}
        return json_response(result)

    def _complete_deferred(self, rec: InteractionRecord, payload: JSON, files: list[str]) -> RecordedMessage | None:
        """Edit or first follow-up after a type-5 defer replaces the loading message."""
        orig = rec.original
        # Once the loading message is deleted, a follow-up is a message of its own (with its own flags).
        if orig is None or rec.original_deleted or not orig.flags & LOADING_FLAG:
            return None
        new_payload = dict(payload)
        new_payload["flags"] = (int(payload.get("flags") or 0) & ~LOADING_FLAG) | (orig.flags & EPHEMERAL_FLAG)
        orig.payload = new_payload
        orig.attachments = files or orig.attachments
        return orig

    async def execute_webhook(self, request: web.Request) -> web.StreamResponse:
        rec = self._interaction(request)
        if rec is None or not rec.acknowledged:
            return error(404, faults.UNKNOWN_WEBHOOK, "Unknown Webhook")
        payload = body_of(request)
        if not isinstance(payload, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        files = files_of(request)
        if _is_empty_message(payload, files):
            return error(400, 50006, "Cannot send an empty message")
        msg = self._complete_deferred(rec, payload, files) if rec.callback_type == 5 else None
        if msg is None:
            msg = self.world.new_message(rec.channel_id, payload, "followup", attachments=files,
                                         interaction_id=rec.id)
        rec.followups.append(msg)
        rec.notify()
        if request.query.get("wait") in _TRUE:
            return json_response(msg.to_payload())
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request, rec: InteractionRecord) -> RecordedMessage | None:
        mid = request.match_info.get("message_id", "")
        if mid == "@original" and rec.message is not None and rec.callback_type in (6, 7):
            return rec.message  # after a (deferred) update, @original is the message whose component was used
        if mid == "@original":
            return None if rec.original_deleted else rec.original
        for msg in rec.followups:
            if str(msg.id) == mid and not msg.deleted:
                return msg
        return None

    def _webhook_target(self, request: web.Request) -> tuple[InteractionRecord, RecordedMessage] | web.Response:
        """The interaction and message a webhook-message route names, or Discord's 404 for whichever is missing."""
        rec = self._interaction(request)
        if rec is None:
            return error(404, faults.UNKNOWN_WEBHOOK, "Unknown Webhook")
        msg = self._webhook_message(request, rec)
        if msg is None:
            return error(404, faults.UNKNOWN_MESSAGE, "Unknown Message")
        return rec, msg

    async def get_webhook_message(self, request: web.Request) -> web.StreamResponse:
        found = self._webhook_target(request)
        if isinstance(found, web.Response):
            return found
        _, msg = found
        return json_response(msg.to_payload())

    async def edit_webhook_message(self, request: web.Request) -> web.StreamResponse:
        found = self._webhook_target(request)
        if isinstance(found, web.Response):
            return found
        rec, msg = found
        payload = body_of(request)
        if not isinstance(payload, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        if msg is rec.original and msg.flags & LOADING_FLAG:
            self._complete_deferred(rec, payload, files_of(request))
            msg.edited_timestamp = None
        else:
            msg.apply_edit(payload)
            if files_of(request):
                msg.attachments = files_of(request)
            if msg is rec.message:
                rec.updates += 1
        rec.notify()
        return json_response(msg.to_payload())

    async def delete_webhook_message(self, request: web.Request) -> web.StreamResponse:
        found = self._webhook_target(request)
        if isinstance(found, web.Response):
            return found
        rec, msg = found
        msg.deleted = True
        if msg is rec.original:
            rec.original_deleted = True
        rec.notify()
        return web.Response(status=204)

    # ---- channels -------------------------------------------------------------------
    def _channel_check(self, request: web.Request, needed: int = VIEW_CHANNEL) -> web.Response | None:
        cid = snowflake(request, "channel_id")
        ch = self.world.find_channel(cid or 0)
        if ch is None:
            return error(404, faults.UNKNOWN_CHANNEL, "Unknown Channel")
        if ch.guild_id is None:
            return None
        perms = self.world.guild(ch.guild_id).channel_permissions(self.world.bot.id, ch.id)
        if not perms & VIEW_CHANNEL:
            return error(403, faults.MISSING_ACCESS, "Missing Access")
        if perms & needed != needed:
            return error(403, faults.MISSING_PERMISSIONS, "Missing Permissions")
        return None

    async def get_channel(self, request: web.Request) -> web.StreamResponse:
        if (err := self._channel_check(request)) is not None:
            return err
        ch = self.world.find_channel(snowflake(request, "channel_id") or 0)
        assert ch is not None
        return json_response(ch.to_payload())

    async def list_messages(self, request: web.Request) -> web.StreamResponse:
        if (err := self._channel_check(request)) is not None:
            return err
        cid = snowflake(request, "channel_id") or 0
        limit = int(request.query.get("limit", "50"))
        msgs = [m for m in self.world.channel_messages.get(cid, []) if not m.deleted]
        return json_response([m.to_payload() for m in reversed(msgs)][:limit])

    async def create_message(self, request: web.Request) -> web.StreamResponse:
        if (err := self._channel_check(request, VIEW_CHANNEL | SEND_MESSAGES)) is not None:
            return err
        cid = snowflake(request, "channel_id") or 0
        payload = body_of(request)
        if not isinstance(payload, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        files = files_of(request)
        if _is_empty_message(payload, files):
            return error(400, 50006, "Cannot send an empty message")
        nonce = payload.get("nonce")
        if payload.get("enforce_nonce") and nonce is not None:
            existing = self.world.nonce_lookup(cid, str(nonce))
            if existing is not None:
                return json_response(existing.to_payload())
        msg = self.world.new_message(cid, payload, "channel", attachments=files,
                                     posted_by=request.get(TOKEN_LABEL_KEY))
        if nonce is not None:
            self.world.nonce_store(cid, str(nonce), msg)
        await self.gateway.dispatch("MESSAGE_CREATE", msg.to_payload(), intent=INTENT_GUILD_MESSAGES)
        return json_response(msg.to_payload())

    def _channel_message(self, request: web.Request) -> RecordedMessage | web.Response:
        """The message a channel-message route names, or Discord's error (channel first, then message)."""
        if (err := self._channel_check(request)) is not None:
            return err
        msg = self.world.messages.get(snowflake(request, "message_id") or 0)
        if msg is None or msg.deleted or msg.channel_id != snowflake(request, "channel_id"):
            return error(404, faults.UNKNOWN_MESSAGE, "Unknown Message")
        return msg

    async def get_message(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        if isinstance(msg, web.Response):
            return msg
        return json_response(msg.to_payload())

    async def edit_message(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        if isinstance(msg, web.Response):
            return msg
        payload = body_of(request)
        if not isinstance(payload, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        msg.apply_edit(payload)
        await self.gateway.dispatch("MESSAGE_UPDATE", msg.to_payload(), intent=INTENT_GUILD_MESSAGES)
        return json_response(msg.to_payload())

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        if isinstance(msg, web.Response):
            return msg
        msg.deleted = True
        data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        await self.gateway.dispatch("MESSAGE_DELETE", data, intent=INTENT_GUILD_MESSAGES)
        return web.Response(status=204)

    async def typing(self, request: web.Request) -> web.StreamResponse:
        if (err := self._channel_check(request, VIEW_CHANNEL | SEND_MESSAGES)) is not None:
            return err
        return web.Response(status=204)

    # ---- guilds ---------------------------------------------------------------------
    def _guild_or_error(self, request: web.Request) -> tuple[Any, web.Response | None]:
        guild = self.world.guilds.get(snowflake(request, "guild_id") or 0)
        if guild is None:
            return None, error(404, 10004, "Unknown Guild")
        return guild, None

    async def get_guild(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        return err or json_response(guild.to_rest_payload())

    async def get_guild_channels(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        return err or json_response([c.to_payload() for c in guild.channels.values()])

    async def get_guild_roles(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        return err or json_response([r.to_payload() for r in guild.roles.values()])

    async def get_member(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        if err is not None:
            return err
        member = guild.members.get(snowflake(request, "user_id") or 0)
        if member is None:
            return error(404, 10007, "Unknown Member")
        return json_response(member.to_payload())

    # ---- guild scheduled events -----------------------------------------------------
    # Bodies were checked by the contract (schema + limits._scheduled_event) before these run. Permissions are
    # Discord's: creating needs CREATE_EVENTS; editing or deleting needs MANAGE_EVENTS, or CREATE_EVENTS for an
    # event the bot created (since 23 February 2026 MANAGE_EVENTS alone no longer lets a bot create events).
    def _event_permissions(self, guild: Guild, channel_id: int | None) -> int:
        return guild.channel_permissions(self.world.bot.id, channel_id)

    def _may_change(self, guild: Guild, event: GuildScheduledEvent) -> bool:
        perms = self._event_permissions(guild, event.channel_id)
        own = event.creator.id == self.world.bot.id
        return bool(perms & MANAGE_EVENTS or (own and perms & CREATE_EVENTS))

    def _scheduled_event(self, request: web.Request) -> tuple[Guild, GuildScheduledEvent] | web.Response:
        guild, err = self._guild_or_error(request)
        if err is not None:
            return err
        event = self.world.find_scheduled_event(guild.id, snowflake(request, "guild_scheduled_event_id") or 0)
        if event is None:
            return error(404, faults.UNKNOWN_SCHEDULED_EVENT, "Unknown Guild Scheduled Event")
        return guild, event

    def _changeable_event(self, request: web.Request) -> tuple[Guild, GuildScheduledEvent] | web.Response:
        """The event a PATCH or DELETE names, if the bot may change it (else the error Discord returns)."""
        found = self._scheduled_event(request)
        if isinstance(found, web.Response):
            return found
        guild, event = found
        if not self._may_change(guild, event):
            return error(403, faults.MISSING_PERMISSIONS, "Missing Permissions")
        return guild, event

    async def list_scheduled_events(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        if err is not None:
            return err
        counts = request.query.get("with_user_count") in _TRUE
        return json_response([e.to_payload(with_user_count=counts) for e in guild.scheduled_events.values()
                              if not e.deleted])

    async def get_scheduled_event(self, request: web.Request) -> web.StreamResponse:
        found = self._scheduled_event(request)
        if isinstance(found, web.Response):
            return found
        return json_response(found[1].to_payload(with_user_count=request.query.get("with_user_count") in _TRUE))

    async def create_scheduled_event(self, request: web.Request) -> web.StreamResponse:
        guild, err = self._guild_or_error(request)
        if err is not None:
            return err
        body = body_of(request)
        if not isinstance(body, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        channel_id = body.get("channel_id")
        if not self._event_permissions(guild, int(channel_id) if channel_id is not None else None) & CREATE_EVENTS:
            return error(403, faults.MISSING_PERMISSIONS, "Missing Permissions")
        if self.world.uncompleted_scheduled_events(guild.id) >= SCHEDULED_EVENTS_PER_GUILD:
            return error(400, faults.MAX_SCHEDULED_EVENTS,
                         "Maximum number of uncompleted guild scheduled events reached (100)")
        event = self.world.new_scheduled_event(guild.id, body, self.world.bot)
        await self.gateway.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event.to_payload(),
                                    intent=INTENT_GUILD_SCHEDULED_EVENTS)
        return json_response(event.to_payload())

    async def edit_scheduled_event(self, request: web.Request) -> web.StreamResponse:
        found = self._changeable_event(request)
        if isinstance(found, web.Response):
            return found
        _, event = found
        if event.finished:
            return error(400, faults.FINISHED_EVENT, "Cannot update a finished event")
        body = body_of(request)
        if not isinstance(body, dict):
            return error(400, faults.INVALID_FORM_BODY, "Invalid Form Body")
        self.world.apply_scheduled_event_edit(event, body)
        await self.gateway.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event.to_payload(),
                                    intent=INTENT_GUILD_SCHEDULED_EVENTS)
        return json_response(event.to_payload())

    async def delete_scheduled_event(self, request: web.Request) -> web.StreamResponse:
        found = self._changeable_event(request)
        if isinstance(found, web.Response):
            return found
        _, event = found
        event.deleted = True
        await self.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event.to_payload(),
                                    intent=INTENT_GUILD_SCHEDULED_EVENTS)
        return web.Response(status=204)
