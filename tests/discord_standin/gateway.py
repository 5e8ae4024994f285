"""Gateway v10 over websockets: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats,
RESUME with replay of missed events, dispatch, and forced disconnects.

Sharding, as Discord does it: IDENTIFY may carry ``"shard": [shard_id, num_shards]``; a session then gets
(in READY and after) only the guilds with ``(guild_id >> 22) % num_shards == shard_id``, and events without a
guild (DMs) only go to shard 0. No ``shard`` means ``[0, 1]``: every guild. Many sessions may be live at once
(one per shard, from any number of processes). A second IDENTIFY for a shard that already has a live session is
accepted and the older session is *not* closed: Discord lets a shard have several sessions (that is how a bot
run twice answers twice) and sends the shard's events to each; closing one is the client's business. A client
that closes its socket with 1000/1001 ends its session (Discord invalidates it), as discord.py does on close().

Compression: ``compress=zlib-stream`` gets one persistent zlib stream per connection,
flushed with Z_SYNC_FLUSH per message (binary frames). ``compress=zstd-stream`` gets
zstd frames if a zstd module is importable here, otherwise plain text frames (which
discord.py accepts regardless of what it asked for). No ``compress`` = text frames.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from .faults import json_response
from .model import JSON
from .state import MAIN_TOKEN_LABEL, World

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16

CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010

# Dispatches whose payload is the guild itself (its id is "id"); every other guild event has "guild_id".
_GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's formula: the shard (of ``shard_count``) that receives a guild's events."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: JSON) -> int | None:
    """The guild a dispatch is about, or None (DMs, user-installed contexts outside a guild)."""
    raw = data.get("id") if event in _GUILD_OBJECT_EVENTS else data.get("guild_id")
    return int(raw) if raw is not None and str(raw).isdigit() else None


def _parse_shard(raw: Any) -> tuple[int, int] | None:
    """``[shard_id, num_shards]`` from IDENTIFY, or None if Discord would close with 4010 (Invalid shard)."""
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        return None
    shard_id, count = int(raw[0]), int(raw[1])
    return (shard_id, count) if count >= 1 and 0 <= shard_id < count else None


class _Compressor(Protocol):
    def compress(self, data: bytes) -> bytes | None: ...


class _ZlibStream:
    def __init__(self) -> None:
        self._obj = zlib.compressobj()

    def compress(self, data: bytes) -> bytes:
        return self._obj.compress(data) + self._obj.flush(zlib.Z_SYNC_FLUSH)


class _ZstdStream:
    def __init__(self) -> None:
        import zstandard  # type: ignore[import-not-found,unused-ignore]

        self._obj: Any = zstandard.ZstdCompressor().compressobj()
        self._flush_mode: Any = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    def compress(self, data: bytes) -> bytes:
        return bytes(self._obj.compress(data)) + bytes(self._obj.flush(self._flush_mode))


def _make_compressor(kind: str | None) -> _Compressor | None:
    if kind == "zlib-stream":
        return _ZlibStream()
    if kind == "zstd-stream":
        try:
            return _ZstdStream()
        except ImportError:
            return None
    return None


class Connection:
    """One websocket connection (a session may use several over its life)."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, compression: str | None) -> None:
        self.request = request
        self.ws = ws
        self.compression = compression
        self._compressor = _make_compressor(compression)
        self._lock = asyncio.Lock()
        self.session: Session | None = None
        self.heartbeats = 0
        self.closed_by_server = False  # so a 1000/1001 close code we sent is not taken for the client's own

    async def close(self, code: int, message: bytes = b"") -> None:
        self.closed_by_server = True
        await self.ws.close(code=code, message=message)

    async def send(self, payload: JSON) -> None:
        raw = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                return
            try:
                if self._compressor is not None:
                    data = self._compressor.compress(raw.encode())
                    await self.ws.send_bytes(data or b"")
                else:
                    await self.ws.send_str(raw)
            except (ConnectionError, RuntimeError):
                _log.debug("send on closing gateway socket dropped")


@dataclass
class Session:
    session_id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    sharded: bool = False  # IDENTIFY carried "shard" (READY then echoes it)
    label: str = MAIN_TOKEN_LABEL  # which of the bot's tokens IDENTIFYed (see DiscordStandIn.issue_token)
    ready: bool = False
    seq: int = 0
    buffer: list[JSON] = field(default_factory=list)
    connection: Connection | None = None
    invalidated: bool = False

    @property
    def shard(self) -> tuple[int, int]:
        return self.shard_id, self.shard_count

    @property
    def connected(self) -> bool:
        return self.connection is not None and not self.connection.ws.closed

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session gets the guild's events; events without a guild go to shard 0 only."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id


class GatewayHub:
    def __init__(self, world: World, *, heartbeat_interval_ms: int, recommended_shards: int = 1) -> None:
        self.world = world
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.recommended_shards = recommended_shards  # the "shards" GET /gateway/bot answers
        self.gateway_url = ""  # filled in by the server once the port is known
        self.sessions: dict[str, Session] = {}  # every session ever IDENTIFYed, by session id
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.presence_updates: list[JSON] = []
        self.received: list[JSON] = []  # every op the client sent (token redacted)
        self._ready = asyncio.Event()
        self._state_changed = asyncio.Condition()

    # ---- public helpers -------------------------------------------------------------
    def live(self, shard_id: int | None = None) -> list[Session]:
        """Sessions still valid (connected, or disconnected but resumable), oldest first; of one shard if given."""
        return [s for s in self.sessions.values()
                if not s.invalidated and (shard_id is None or s.shard_id == shard_id)]

    @property
    def current(self) -> Session | None:
        """The most recently IDENTIFYed live session (of any shard): the one session of an unsharded bot."""
        live = self.live()
        return live[-1] if live else None

    @property
    def connected(self) -> bool:
        sess = self.current
        return sess is not None and sess.connected

    def ready_shards(self) -> set[tuple[int, int]]:
        """(shard_id, shard_count) of every live session that got READY."""
        return {s.shard for s in self.live() if s.ready}

    def connected_shards(self) -> set[tuple[int, int]]:
        return {s.shard for s in self.live() if s.connected}

    async def wait_ready(self, shards: int | None = None) -> None:
        """Without ``shards``: until any session got READY (ever). With it: until that many distinct shards have
        a live session that got READY."""
        if shards is None:
            await self._ready.wait()
            return
        async with self._state_changed:
            await self._state_changed.wait_for(lambda: len(self.ready_shards()) >= shards)

    async def wait_connected(self, *, min_resumes: int = 0, shards: int | None = None) -> None:
        """Until the current session is connected (with ``shards``: that many distinct shards are) and at least
        ``min_resumes`` RESUMEs happened."""
        def done() -> bool:
            up = self.connected if shards is None else len(self.connected_shards()) >= shards
            return up and self.resume_count >= min_resumes

        async with self._state_changed:
            await self._state_changed.wait_for(done)

    async def _notify(self) -> None:
        async with self._state_changed:
            self._state_changed.notify_all()

    async def dispatch(self, event: str, data: JSON, *, guild_id: int | None = None, intent: int = 0) -> None:
        """Send a DISPATCH to every live session of the shard that owns the event's guild (``guild_id``, else
        read from ``data``; no guild: shard 0), buffered for RESUME if disconnected."""
        gid = guild_id if guild_id is not None else guild_of(event, data)
        for sess in self.live():
            if sess.owns(gid) and not (intent and not sess.intents & intent):
                await self._dispatch_to(sess, event, data)

    def _targets(self, shard_id: int | None) -> list[Session]:
        return [s for s in self.live(shard_id) if s.connection is not None]

    async def drop(self, *, code: int | None = 4000, shard_id: int | None = None) -> None:
        """Close the live connection(s): of every live session, or of ``shard_id``'s. ``code=None`` aborts the
        TCP connection abruptly. The sessions stay resumable."""
        for sess in self._targets(shard_id):
            conn = sess.connection
            assert conn is not None
            sess.connection = None
            if code is None:
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()
            else:
                await conn.close(code, b"stand-in drop")
        await self._notify()

    async def send_op(self, op: int, d: Any, *, shard_id: int | None = None) -> None:
        """Send a raw non-dispatch op (e.g. 7 RECONNECT, 9 INVALID_SESSION) on the live connection(s): of every
        live session, or of ``shard_id``'s."""
        for sess in self._targets(shard_id):
            if op == OP_INVALID_SESSION and d is False:
                sess.invalidated = True
            assert sess.connection is not None
            await sess.connection.send({"op": op, "d": d, "s": None, "t": None})

    # ---- websocket handler ----------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return json_response({"message": "404: Not Found", "code": 0}, status=404)
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        compression = request.query.get("compress")
        conn = Connection(request, ws, compression)
        self.connections.append(conn)
        await conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None,
                         "t": None})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_message(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await self._on_message(conn, json.loads(msg.data.decode()))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            sess = conn.session
            if sess is not None and sess.connection is conn:
                sess.connection = None
                # Discord: a client closing with 1000/1001 ends its session (no RESUME, no more events).
                if not conn.closed_by_server and ws.close_code in (1000, 1001):
                    sess.invalidated = True
            if conn in self.connections:
                self.connections.remove(conn)
            await self._notify()
        return ws

    async def _on_message(self, conn: Connection, payload: JSON) -> None:
        op = payload.get("op")
        d = payload.get("d")
        logged = dict(payload)
        if isinstance(d, dict) and "token" in d:
            logged["d"] = {**d, "token": "<redacted>"}
        self.received.append(logged)
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            self.heartbeat_count += 1
            await conn.send({"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == OP_IDENTIFY:
            await self._identify(conn, d or {})
        elif op == OP_RESUME:
            await self._resume(conn, d or {})
        elif op == OP_PRESENCE:
            self.presence_updates.append(d or {})
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(conn, d or {})
        else:
            _log.debug("stand-in gateway ignoring op %s", op)

    async def _identify(self, conn: Connection, d: JSON) -> None:
        label = self.world.token_label(d.get("token"))
        if label is None:
            await conn.close(CLOSE_AUTHENTICATION_FAILED, b"Authentication failed.")
            return
        if conn.session is not None:
            await conn.close(CLOSE_ALREADY_AUTHENTICATED, b"Already authenticated.")
            return
        shard = _parse_shard(d["shard"]) if "shard" in d else (0, 1)
        if shard is None:
            await conn.close(CLOSE_INVALID_SHARD, b"Invalid shard.")
            return
        self.identify_count += 1
        sess = Session(session_id=secrets.token_hex(16), intents=int(d.get("intents", 0)), shard_id=shard[0],
                       shard_count=shard[1], sharded="shard" in d, label=label)
        self.sessions[sess.session_id] = sess
        sess.connection = conn
        conn.session = sess
        world = self.world
        guilds = [g for g in world.guilds.values() if sess.owns(g.id)]
        ready: JSON = {
            "v": 10,
            "user": {**world.bot.to_payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": sess.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if sess.sharded:
            ready["shard"] = list(sess.shard)
        await self._dispatch_to(sess, "READY", ready)
        if sess.intents & INTENT_GUILDS:
            for guild in guilds:
                await self._dispatch_to(sess, "GUILD_CREATE", guild.to_create_payload())
        sess.ready = True
        self._ready.set()
        await self._notify()

    async def _resume(self, conn: Connection, d: JSON) -> None:
        # The session id names the session (hence its shard); any of the bot's tokens may resume it.
        sess = self.sessions.get(str(d.get("session_id")))
        if sess is None or sess.invalidated or self.world.token_label(d.get("token")) is None:
            await conn.send({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        old = sess.connection
        if old is not None and old is not conn:
            await old.close(4000)
        sess.connection = conn
        conn.session = sess
        last = int(d.get("seq") or 0)
        for payload in sess.buffer:
            if int(payload["s"]) > last:
                await conn.send(payload)
        self.resume_count += 1
        await self._dispatch_to(sess, "RESUMED", {})
        await self._notify()

    async def _request_members(self, conn: Connection, d: JSON) -> None:
        guild_ids = d.get("guild_id")
        ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        sess = conn.session
        if sess is None:
            return
        for gid in ids:
            guild = self.world.guilds.get(int(str(gid))) if str(gid).isdigit() else None
            if guild is None or not sess.owns(guild.id):  # a shard only answers for its own guilds
                continue
            members = [m.to_payload() for m in guild.members.values()]
            wanted = d.get("user_ids")
            if wanted:
                wanted_set = {str(u) for u in (wanted if isinstance(wanted, list) else [wanted])}
                members = [m for m in members if m["user"]["id"] in wanted_set]
            chunk: JSON = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1}
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            if d.get("presences"):
                chunk["presences"] = []
            await self._dispatch_to(sess, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_to(self, sess: Session, event: str, data: JSON) -> None:
        sess.seq += 1
        payload: JSON = {"op": OP_DISPATCH, "t": event, "s": sess.seq, "d": data}
        if event not in ("READY", "RESUMED"):
            sess.buffer.append(payload)
            if len(sess.buffer) > 1000:
                del sess.buffer[:-1000]
        conn = sess.connection
        if conn is not None and not conn.ws.closed:
            await conn.send(payload)
