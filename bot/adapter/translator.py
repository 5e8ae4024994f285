"""Command names, descriptions, options and choices in every catalogue language, through discord.py's Translator.

The English of every command lives in `bot/locales/en.po` like every other sentence; the decorators in `cogs/` take
it from there (`describe_command`, `describe_options`), and this translator gives Discord the other languages'
`name_localizations` and `description_localizations` when the tree is synced. Keys follow from where a string is:

    cmd.<command path>                 a command's or group's name       (cmd.reminders.add)
    cmd.<command path>.description     its description
    opt.<command path>.<parameter>     an option's name                  (opt.champion.year)
    opt.<command path>.<parameter>.description
    choice.<…>                         a fixed choice, keyed where it is made (`choice`)
"""

from __future__ import annotations

from typing import Any

from discord import Locale
from discord.app_commands import (
    Choice,
    Command,
    Group,
    Parameter,
    TranslationContextLocation,
    TranslationContextTypes,
    locale_str,
)
from discord.app_commands import Translator as DiscordTranslator

from bot import i18n
from bot.text import SOURCE_LANGUAGE, keys, template

_DESCRIBED = (TranslationContextLocation.command_description, TranslationContextLocation.group_description,
              TranslationContextLocation.parameter_description)


def command_path(command: Command[Any, ..., Any] | Group) -> str:
    return command.qualified_name.replace(" ", ".")


def describe_command(path: str) -> str:
    """The English description of the command at `path` ("reminders add" or "reminders.add")."""
    return template(f"cmd.{path.replace(' ', '.')}.description", language=SOURCE_LANGUAGE)


def describe_options(path: str, *parameters: str) -> dict[str, str]:
    """English option descriptions for `@app_commands.describe(**describe_options("champion", "year"))`."""
    base = path.replace(" ", ".")
    return {name: template(f"opt.{base}.{name}.description", language=SOURCE_LANGUAGE) for name in parameters}


def command_as_seen(path: str) -> str:
    """ "/reminders list" as a member whose Discord is in the current language sees it ("/rappels liste")."""
    words = path.removeprefix("/").split()
    found = []
    for depth in range(len(words)):
        key = "cmd." + ".".join(words[: depth + 1])
        found.append(template(key) if key in keys() else words[depth])
    return "/" + " ".join(found)


def choice(key: str, value: str) -> Choice[str]:
    """A fixed choice whose name is the catalogue's `choice.<key>`, in English by default and translated on sync."""
    return Choice(name=locale_str(template(f"choice.{key}", language=SOURCE_LANGUAGE), key=f"choice.{key}"),
                  value=value)


def key_of(string: locale_str, context: TranslationContextTypes) -> str | None:
    """The catalogue key of a string discord.py asks to translate."""
    explicit = string.extras.get("key")
    if explicit:
        return str(explicit)
    data = context.data
    suffix = ".description" if context.location in _DESCRIBED else ""
    if isinstance(data, Command | Group):
        return f"cmd.{command_path(data)}{suffix}"
    if isinstance(data, Parameter):
        return f"opt.{command_path(data.command)}.{data.name}{suffix}"
    return None


class CatalogTranslator(DiscordTranslator):
    """Looks each command string up in the catalogue of the locale Discord asks for; English is the default text
    (sent as `name` / `description`), so only other languages are given."""

    async def translate(self, string: locale_str, locale: Locale, context: TranslationContextTypes) -> str | None:
        language = i18n.language_of(locale.value)
        if language == SOURCE_LANGUAGE or language not in i18n.languages():
            return None
        key = key_of(string, context)
        if key is None or key not in keys():
            return None
        translated = template(key, language=language)
        # The same text as the English ("podium" in French) need not be sent: Discord shows the default for a locale
        # without its own.
        return translated if translated != template(key, language=SOURCE_LANGUAGE) else None
