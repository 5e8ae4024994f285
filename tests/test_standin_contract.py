"""Self-test of the stand-in's contract: what Discord refuses is refused, as Discord refuses it; what it takes passes.

Requests are sent as raw HTTP (not through discord.py, which checks a few limits itself), so each case reaches the
validator exactly as written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from tests.discord_standin import DiscordStandIn
from tests.discord_standin.scenario import Where

JSON = dict[str, Any]


def command(name: str = "podium", description: str = "A season's podium", **extra: Any) -> JSON:
    return {"type": 1, "name": name, "description": description, **extra}


def option(name: str = "year", type_: int = 4, description: str = "The season", **extra: Any) -> JSON:
    return {"type": type_, "name": name, "description": description, **extra}


def embed(**extra: Any) -> JSON:
    return {"title": "2021 champions", "description": "Valerio Gallo", **extra}


def fields(count: int, name: str = "Nations Cup", value: str = "Valerio Gallo") -> list[JSON]:
    return [{"name": name, "value": value, "inline": False} for _ in range(count)]


@dataclass
class Case:
    """One request body sent to one kind of route; ``refused_at`` is where Discord's errors object points."""

    what: str
    route: str  # "commands" | "message" | "command_callback" | "autocomplete_callback" | "followup" | "edit"
    body: Any
    refused_at: tuple[str, ...] | None  # None: accepted


KNOWN_BAD = [
    # Application commands: names, descriptions, options, choices.
    Case("command name with a capital", "commands", [command("Podium")], ("0", "name")),
    Case("command name with a space", "commands", [command("release date")], ("0", "name")),
    Case("command name of 33 characters", "commands", [command("x" * 33)], ("0", "name")),
    Case("empty command description", "commands", [command(description="")], ("0", "description")),
    Case("command description of 101 characters", "commands", [command(description="d" * 101)],
         ("0", "description")),
    Case("option without a description", "commands", [command(options=[{"type": 4, "name": "year"}])],
         ("0", "options", "0", "description")),
    Case("26 options", "commands", [command(options=[option(f"o{i}") for i in range(26)])], ("0", "options")),
    Case("26 choices", "commands",
         [command(options=[option(choices=[{"name": str(i), "value": i} for i in range(26)])])],
         ("0", "options", "0", "choices")),
    Case("a required option after an optional one", "commands",
         [command(options=[option("year"), option("competition", 3, required=True)])],
         ("0", "options", "1", "required")),
    Case("two options of one name", "commands", [command(options=[option("year"), option("year", 3)])],
         ("0", "options", "1", "name")),
    Case("a string choice value of 101 characters", "commands",
         [command(options=[option(type_=3, choices=[{"name": "long", "value": "v" * 101}])])],
         ("0", "options", "0", "choices", "0", "value")),
    Case("autocomplete on an option with choices", "commands",
         [command(options=[option(type_=3, autocomplete=True, choices=[{"name": "nc", "value": "nc"}])])],
         ("0", "options", "0", "autocomplete")),
    Case("subcommands mixed with options", "commands",
         [command(options=[option("add", 1, options=[]), option("year")])], ("0", "options")),
    Case("two commands of one name", "commands", [command(), command()], ("1", "name")),
    Case("option name in capitals", "commands", [command(options=[option("Year")])], ("0", "options", "0", "name")),
    Case("contexts outside 0-2", "commands", [command(contexts=[3])], ("0", "contexts", "0")),
    # Autocomplete responses.
    Case("26 autocomplete choices", "autocomplete_callback",
         {"type": 8, "data": {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}},
         ("data", "choices")),
    Case("an autocomplete value of 101 characters", "autocomplete_callback",
         {"type": 8, "data": {"choices": [{"name": "Season 3 launch", "value": "s" * 101}]}},
         ("data", "choices", "0", "value")),
    Case("an empty autocomplete choice name", "autocomplete_callback",
         {"type": 8, "data": {"choices": [{"name": "", "value": "gt7"}]}}, ("data", "choices", "0", "name")),
    Case("a message answering an autocomplete", "autocomplete_callback",
         {"type": 4, "data": {"content": "hello"}}, ("type",)),
    Case("choices answering a slash command", "command_callback", {"type": 8, "data": {"choices": []}}, ("type",)),
    Case("an unknown callback type", "command_callback", {"type": 3, "data": {"content": "x"}}, ("type",)),
    # Messages.
    Case("content of 2,001 characters", "message", {"content": "c" * 2001}, ("content",)),
    Case("an embed title of 257 characters", "message", {"embeds": [embed(title="t" * 257)]},
         ("embeds", "0", "title")),
    Case("an embed description of 4,097 characters", "message", {"embeds": [embed(description="d" * 4097)]},
         ("embeds", "0", "description")),
    Case("26 embed fields", "message", {"embeds": [embed(fields=fields(26))]}, ("embeds", "0", "fields")),
    Case("a field name of 257 characters", "message", {"embeds": [embed(fields=fields(1, name="n" * 257))]},
         ("embeds", "0", "fields", "0", "name")),
    Case("a field value of 1,025 characters", "message", {"embeds": [embed(fields=fields(1, value="v" * 1025))]},
         ("embeds", "0", "fields", "0", "value")),
    Case("an empty field value", "message", {"embeds": [embed(fields=fields(1, value=""))]},
         ("embeds", "0", "fields", "0", "value")),
    Case("a footer of 2,049 characters", "message", {"embeds": [embed(footer={"text": "f" * 2049})]},
         ("embeds", "0", "footer", "text")),
    Case("an author name of 257 characters", "message", {"embeds": [embed(author={"name": "a" * 257})]},
         ("embeds", "0", "author", "name")),
    Case("6,001 characters over two embeds", "message",
         {"embeds": [{"description": "d" * 3000}, {"description": "d" * 3001}]}, ("embeds",)),
    Case("11 embeds", "message", {"embeds": [embed() for _ in range(11)]}, ("embeds",)),
    Case("a nonce of 26 characters", "message", {"content": "hi", "nonce": "n" * 26}, ("nonce",)),
    Case("parse users with a list of users", "message",
         {"content": "hi", "allowed_mentions": {"parse": ["users"], "users": ["80351110224678912"]}},
         ("allowed_mentions", "parse")),
    Case("parse 'here'", "message", {"content": "hi", "allowed_mentions": {"parse": ["here"]}},
         ("allowed_mentions", "parse", "0")),
    Case("an ephemeral channel message", "message", {"content": "hi", "flags": 64}, ("flags",)),
    Case("six action rows", "message",
         {"content": "hi", "components": [{"type": 1, "components": [
             {"type": 2, "style": 1, "label": "b", "custom_id": f"b{i}"}]} for i in range(6)]}, ("components",)),
    Case("a button with no custom_id", "message",
         {"content": "hi", "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "b"}]}]},
         ("components", "0", "components", "0")),
    Case("a custom_id of 101 characters", "message",
         {"content": "hi", "components": [{"type": 1, "components": [
             {"type": 2, "style": 1, "label": "b", "custom_id": "c" * 101}]}]},
         ("components", "0", "components", "0", "custom_id")),
    Case("two components with one custom_id", "message",
         {"content": "hi", "components": [{"type": 1, "components": [
             {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
             {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}]},
         ("components", "0", "components", "1", "custom_id")),
    Case("a select beside a button", "message",
         {"content": "hi", "components": [{"type": 1, "components": [
             {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]},
             {"type": 2, "style": 1, "label": "b", "custom_id": "b"}]}]}, ("components", "0", "components")),
    Case("a follow-up of 2,001 characters", "followup", {"content": "c" * 2001}, ("content",)),
    Case("an edit with a 257-character title", "edit", {"embeds": [embed(title="t" * 257)]},
         ("embeds", "0", "title")),
    Case("a response with a 1,025-character field", "command_callback",
         {"type": 4, "data": {"embeds": [embed(fields=fields(1, value="v" * 1025))]}},
         ("data", "embeds", "0", "fields", "0", "value")),
]

KNOWN_GOOD = [
    Case("a command set like pitwall's", "commands", [
        command("champion", "Who won a season", options=[option(required=True, autocomplete=True),
                                                          option("competition", 3, "Only this one")],
                integration_types=[0, 1], contexts=[0, 1, 2]),
        command("reminders", "Release reminders", default_member_permissions=32, contexts=[0],
                options=[option("list", 1, "This server's subscriptions")]),
        command("course-é", "Unicode letters are allowed, lowercase", name_localizations={"fr": "podium-fr"}),
    ], None),
    Case("25 autocomplete choices of 100 characters", "autocomplete_callback",
         {"type": 8, "data": {"choices": [{"name": "n" * 100, "value": f"{i:03d}" + "v" * 97} for i in range(25)]}},
         None),
    Case("an embed at exactly the limits", "message",
         {"embeds": [{"title": "t" * 256, "description": "d" * 3000, "fields": fields(2, "n" * 256, "v" * 1024),
                      "footer": {"text": "f" * 184}}], "allowed_mentions": {"parse": []},
          "nonce": "pw12g3", "enforce_nonce": True}, None),
    Case("an ephemeral response with buttons", "command_callback",
         {"type": 4, "data": {"flags": 64, "embeds": [embed()], "allowed_mentions": {"parse": []},
                              "components": [{"type": 1, "components": [
                                  {"type": 2, "style": 2, "label": "◀ 2020", "custom_id": "pw:podium:nc:2020"},
                                  {"type": 2, "style": 5, "label": "Source", "url": "https://www.gran-turismo.com/"}]}]}},
         None),
    Case("a deferred ephemeral response", "command_callback", {"type": 5, "data": {"flags": 64}}, None),
]


@pytest.fixture
async def lenient() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn(strict=False) as standin:
        guild = standin.add_guild("Paddock")
        standin.add_channel(guild.id, "general")
        yield standin


async def send(standin: DiscordStandIn, case: Case) -> tuple[int, Any]:
    """Send the case's body to a real instance of its kind of route; (status, JSON body)."""
    guild_id = next(iter(standin.world.guilds))
    channel_id = next(iter(standin.world.guild(guild_id).channels))
    app = standin.application_id
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession(standin.api_base + "/", headers=headers) as http:
        if case.route != "commands":
            # Interactions need a synced command to answer.
            ok = [command("champion", "Who won", options=[option(required=True, autocomplete=True)])]
            async with http.put(f"applications/{app}/commands", json=ok) as response:
                assert response.status == 200, await response.text()
        if case.route in ("command_callback", "autocomplete_callback", "followup", "edit"):
            itype = 4 if case.route == "autocomplete_callback" else 2
            rec = await standin._dispatch_interaction(
                itype, "champion", {"year": 2021} if itype == 2 else {}, "year" if itype == 4 else None,
                user=None, guild_id=None, channel_id=None, locale="en-US", permissions=None,
                where=Where.of("guild", "guild"))
            url = {
                "command_callback": f"interactions/{rec.id}/{rec.token}/callback?with_response=true",
                "autocomplete_callback": f"interactions/{rec.id}/{rec.token}/callback?with_response=true",
                "followup": f"webhooks/{app}/{rec.token}?wait=true",
                "edit": f"webhooks/{app}/{rec.token}/messages/@original",
            }[case.route]
        else:
            url = {"commands": f"applications/{app}/commands", "message": f"channels/{channel_id}/messages"}[case.route]
        method = {"commands": "PUT", "edit": "PATCH"}.get(case.route, "POST")
        async with http.request(method, url, json=case.body) as response:
            return response.status, await response.json() if response.content_length != 0 else None


@pytest.mark.parametrize("case", KNOWN_BAD, ids=[c.what for c in KNOWN_BAD])
async def test_what_discord_refuses_is_refused_with_its_error(lenient: DiscordStandIn, case: Case) -> None:
    status, body = await send(lenient, case)
    assert status == 400, (case.what, body)
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
    node = body["errors"]
    for key in case.refused_at or ():
        assert key in node, (case.what, body["errors"])
        node = node[key]
    assert node["_errors"] and all({"code", "message"} <= set(e) for e in node["_errors"]), body["errors"]
    [refusal] = lenient.refused
    assert refusal.body == case.body


@pytest.mark.parametrize("case", KNOWN_GOOD, ids=[c.what for c in KNOWN_GOOD])
async def test_what_discord_takes_is_taken(lenient: DiscordStandIn, case: Case) -> None:
    status, body = await send(lenient, case)
    assert status in (200, 201, 204), (case.what, body)
    assert lenient.refused == []


async def test_a_strict_standin_fails_the_test_that_sent_a_bad_request() -> None:
    from tests.discord_standin import ContractViolation

    with pytest.raises(ContractViolation, match=r"embeds\.0\.title"):
        async with DiscordStandIn() as standin:
            guild = standin.add_guild("Paddock")
            channel = standin.add_channel(guild.id, "general")
            headers = {"Authorization": f"Bot {standin.token}"}
            async with aiohttp.ClientSession(headers=headers) as http:
                url = f"{standin.api_base}/channels/{channel.id}/messages"
                async with http.post(url, json={"embeds": [embed(title="t" * 300)]}) as response:
                    assert response.status == 400
