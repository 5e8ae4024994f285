"""The offline front: a slash-command line in, the same Answer as Discord out, as text."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.answer import Answer
from bot.errors import UserError
from bot.questions import Questions
from bot.render import error_answer
from bot.text import template

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2

USAGE = """Usage (the same commands as in Discord):
  /champion <year> [competition]      e.g. /champion 2021   /champion 2021 nations-cup
  /podium <competition> [year]        e.g. /podium nations-cup 2021   /podium Manufacturers Cup
  /release <game>                     e.g. /release gt7   /release Gran Turismo 7
  /releases
  /schedule [season]                  e.g. /schedule   /schedule 2026
  /next
  /about
Options may also be named as in Discord: /champion year:2021 competition:nations-cup
With --locale fr or es, answers are in that language, and the commands' French or Spanish names work too."""

COMMANDS: dict[str, tuple[str, ...]] = {
    "champion": ("year", "competition"),
    "podium": ("competition", "year"),
    "release": ("game",),
    "releases": (),
    "schedule": ("season",),
    "next": (),
    "about": (),
}
# Commands whose options are all optional (the rest need their first one, as in Discord).
OPTIONAL_ONLY = frozenset({"releases", "schedule", "next", "about"})
MAX_LINE = 300
EXAMPLES = {"year": "2021", "competition": "nations-cup", "game": "gt7", "season": "2026"}


class UsageError(ValueError):
    """The line is not a command we know, or its options do not fit it."""


@dataclass
class ParsedLine:
    command: str
    options: dict[str, str] = field(default_factory=dict)


def _is_year(token: str) -> bool:
    """A trailing number is the year, whatever its size: the core says politely if it is not on record."""
    return token.isascii() and token.isdigit()


def parse_line(line: str) -> ParsedLine:
    """Split "/podium nations cup 2021" into a command and its options, as Discord would deliver them."""
    if len(line) > MAX_LINE:
        raise UsageError(f"that line is too long ({len(line)} characters; at most {MAX_LINE})")
    try:
        tokens = shlex.split(line)
    except ValueError:
        # An apostrophe in a name ("Robert's Cup") is not a quoting mistake worth refusing the line for.
        tokens = line.split()
    if not tokens:
        raise UsageError("empty line")
    name = _command_named(tokens[0].removeprefix("/").lower())
    if name is None:
        raise UsageError(f"unknown command {tokens[0]!r}")
    allowed, rest = COMMANDS[name], [_english_option(name, token) for token in tokens[1:]]
    named = [t for t in rest if t.split(":", 1)[0] in allowed and ":" in t]
    if named:
        options = _named_options(name, rest, allowed)
        # The first option of each command is required, as in Discord; a missing one is a usage error.
        if allowed and name not in OPTIONAL_ONLY and allowed[0] not in options:
            raise UsageError(f"/{name} needs {allowed[0]} (e.g. {allowed[0]}:{EXAMPLES[allowed[0]]})")
        return ParsedLine(name, options)
    return ParsedLine(name, _positional_options(name, rest))


def _command_named(typed: str) -> str | None:
    """The command a name means: its English name, or its name in the current language ("/sortie" in French)."""
    if typed in COMMANDS:
        return typed
    return next((name for name in COMMANDS if template(f"cmd.{name}").lower() == typed), None)


def _english_option(command: str, token: str) -> str:
    """ "année:2021" -> "year:2021" in French, as Discord delivers a localised option under its own name."""
    key, sep, value = token.partition(":")
    if not sep or key in COMMANDS[command]:
        return token
    found = next((o for o in COMMANDS[command] if template(f"opt.{command}.{o}").lower() == key.lower()), None)
    return f"{found}:{value}" if found else token


def _named_options(name: str, tokens: list[str], allowed: tuple[str, ...]) -> dict[str, str]:
    options: dict[str, str] = {}
    current: str | None = None
    for token in tokens:
        key, sep, value = token.partition(":")
        if sep and key in allowed:
            if key in options:
                raise UsageError(f"option {key!r} given twice")
            current, options[key] = key, value
        elif current is not None:
            options[current] = f"{options[current]} {token}".strip()
        else:
            raise UsageError(f"/{name}: unexpected {token!r} before any option")
    return options


def _positional_options(name: str, tokens: list[str]) -> dict[str, str]:
    if name in ("releases", "next", "about"):
        if tokens:
            raise UsageError(f"/{name} takes no options")
        return {}
    if name == "schedule":
        if len(tokens) > 1:
            raise UsageError("/schedule takes one season, e.g. /schedule 2026")
        return {"season": tokens[0]} if tokens else {}
    if not tokens:
        raise UsageError(f"/{name} needs {COMMANDS[name][0]}")
    if name == "champion":
        options = {"year": tokens[0]}
        if tokens[1:]:
            options["competition"] = " ".join(tokens[1:])
        return options
    if name == "podium":
        if len(tokens) > 1 and _is_year(tokens[-1]):
            return {"competition": " ".join(tokens[:-1]), "year": tokens[-1]}
        return {"competition": " ".join(tokens)}
    return {"game": " ".join(tokens)}


async def ask(questions: Questions, line: str) -> tuple[Answer | None, int]:
    """Answer one line. Returns (answer, exit code); a usage error returns (None, EXIT_USAGE)."""
    parsed = parse_line(line)
    options = parsed.options
    services = questions.services
    try:
        match parsed.command:
            case "champion":
                answer = await questions.champion(services.parse_year(options["year"]), options.get("competition"))
            case "podium":
                year = services.parse_year(options["year"]) if "year" in options else None
                answer = await questions.podium(options.get("competition", ""), year)
            case "release":
                answer = await questions.release(options.get("game", ""))
            case "releases":
                answer = await questions.releases()
            case "schedule":
                season = services.parse_year(options["season"]) if "season" in options else None
                answer = await questions.schedule(season)
            case "next":
                answer = await questions.next_events()
            case _:
                answer = await questions.about()
    except UserError as error:
        return error_answer(error), EXIT_USER_ERROR
    return answer, EXIT_OK
