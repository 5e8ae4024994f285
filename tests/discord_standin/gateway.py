"""Gateway v10 over websockets: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats,
RESUME with replay of missed events, dispatch, and forced disconnects.

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
from .state import World

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
    seq: int = 0
    buffer: list[JSON] = field(default_factory=list)
    connection: Connection | None = None
    invalidated: bool = False


class GatewayHub:
    def __init__(self, world: World, *, heartbeat_interval_ms: int) -> None:
        self.world = world
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.gateway_url = ""  # filled in by the server once the port is known
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.presence_updates: list[JSON] = []
        self.received: list[JSON] = []  # every op the client sent (token redacted)
        self._ready = asyncio.Event()
        self._state_changed = asyncio.Condition()

    # ---- public helpers -------------------------------------------------------------
    @property
    def current(self) -> Session | None:
        for sess in reversed(list(self.sessions.values())):
            if not sess.invalidated:
                return sess
        return None

    @property
    def connected(self) -> bool:
        sess = self.current
        return sess is not None and sess.connection is not None and not sess.connection.ws.closed

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def wait_connected(self, *, min_resumes: int = 0) -> None:
        async with self._state_changed:
            await self._state_changed.wait_for(lambda: self.connected and self.resume_count >= min_resumes)

    async def _notify(self) -> None:
        async with self._state_changed:
            self._state_changed.notify_all()

    async def dispatch(self, event: str, data: JSON, *, guild_id: int | None = None, intent: int = 0) -> None:
        """Send a DISPATCH to every live session (buffered for RESUME if disconnected)."""
        for sess in list(self.sessions.values()):
            if sess.invalidated or (intent and not sess.intents & intent):
                continue
            await self._dispatch_to(sess, event, data)

    async def drop(self, *, code: int | None = 4000) -> None:
        """Close the live connection. ``code=None`` aborts the TCP connection abruptly."""
        sess = self.current
        conn = sess.connection if sess else None
        if conn is None:
            return
        if sess is not None:
            sess.connection = None
        if code is None:
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
        else:
            await conn.ws.close(code=code, message=b"stand-in drop")
        await self._notify()

    async def send_op(self, op: int, d: Any) -> None:
        """Send a raw non-dispatch op (e.g. 7 RECONNECT, 9 INVALID_SESSION) on the live connection."""
        sess = self.current
        if sess and sess.connection:
            if op == OP_INVALID_SESSION and d is False:
                sess.invalidated = True
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
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
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
        if d.get("token") not in (self.world.token, f"Bot {self.world.token}"):
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        sess = Session(session_id=secrets.token_hex(16), intents=int(d.get("intents", 0)))
        self.sessions[sess.session_id] = sess
        sess.connection = conn
        conn.session = sess
        world = self.world
        guilds = list(world.guilds.values())
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
        if "shard" in d:
            ready["shard"] = d["shard"]
        await self._dispatch_to(sess, "READY", ready)
        if sess.intents & INTENT_GUILDS:
            for guild in guilds:
                await self._dispatch_to(sess, "GUILD_CREATE", guild.to_create_payload())
        self._ready.set()
        await self._notify()

    async def _resume(self, conn: Connection, d: JSON) -> None:
        sess = self.sessions.get(str(d.get("session_id")))
        if sess is None or sess.invalidated or d.get("token") not in (self.world.token, f"Bot {self.world.token}"):
            await conn.send({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        old = sess.connection
        if old is not None and old is not conn:
            await old.ws.close(code=4000)
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
        if conn.session is None:
            return
        for gid in ids:
            guild = self.world.guilds.get(int(str(gid))) if str(gid).isdigit() else None
            if guild is None:
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
            await self._dispatch_to(conn.session, "GUILD_MEMBERS_CHUNK", chunk)

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
