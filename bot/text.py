"""Every sentence a user reads, from the gettext catalogues in `bot/locales/` (one `.po` file per language).

Keys are stable identifiers (`msgid`); each language's `msgstr` is a whole sentence, a `str.format` template with
named placeholders. A sentence that counts something has plural forms (`msgid_plural`), chosen by its `count` with
the language's own rule ("Plural-Forms" in each file: French says "1 jour" and "0 jour", English "0 days").
`t()` is the only way code gets a sentence; the language is the current one (`bot.i18n`). A sentence missing from a
catalogue falls back to English, so a half-translated language still answers.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from string import Formatter
from typing import Any, Literal

from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import i18n
from bot.answer import ChannelRef, Content, Link, Moment, RoleRef, concat

SOURCE_LANGUAGE = "en"


def read_catalog(language: str) -> Catalog:
    """The parsed `.po` file of `language` (for the catalogue checks, and to build its translations)."""
    with i18n.catalogues().joinpath(f"{language}.po").open("rb") as handle:
        return read_po(handle, locale=language, domain="pitwall")


@lru_cache(maxsize=16)
def translations(language: str) -> gettext.NullTranslations:
    """`language`'s sentences through the standard library's gettext (plural rule included), English behind them."""
    english = _compiled(SOURCE_LANGUAGE)
    if language == SOURCE_LANGUAGE or language not in i18n.languages():
        return english
    found = _compiled(language)
    found.add_fallback(english)
    return found


def _compiled(language: str) -> gettext.GNUTranslations:
    catalog = read_catalog(language)
    for message in list(catalog):
        # Babel keeps a plural entry with empty forms (a tuple of "" counts as translated) and would write its key:
        # such a sentence is left out, like an empty singular one, so English shows instead.
        forms = message.string
        if message.id and isinstance(forms, tuple | list) and not all(forms):
            catalog.delete(message.id)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # untranslated and fuzzy entries are left out: English shows instead
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=1)
def plural_keys() -> frozenset[str]:
    """The keys whose sentence depends on a `count`."""
    return frozenset(str(m.id[0]) for m in read_catalog(SOURCE_LANGUAGE) if m.id and m.pluralizable)


@lru_cache(maxsize=1)
def keys() -> frozenset[str]:
    return frozenset(str(m.id if isinstance(m.id, str) else m.id[0]) for m in read_catalog(SOURCE_LANGUAGE) if m.id)


def template(key: str, /, count: int | None = None, language: str | None = None) -> str:
    """The sentence `key` in `language` (default: the current one), unfilled."""
    found = translations(language or i18n.language())
    if key in plural_keys():
        if count is None:
            raise KeyError(f"{key} has plural forms: give it a count")
        return found.ngettext(key, key, count)
    if key not in keys():
        raise KeyError(f"no sentence {key!r} in the English catalogue")
    return found.gettext(key)


def t(key: str, /, **values: Any) -> str:
    """The sentence `key` in the current language, filled with `values` (`count` picks a plural form)."""
    return template(key, values.get("count")).format(**values)


def tp(key: str, /, **values: Any) -> Content:
    """Like `t`, where values may be typed pieces (an instant, a channel, a role) or Text: they stay pieces."""
    if not any(isinstance(v, Moment | ChannelRef | RoleRef | Link | tuple) for v in values.values()):
        return t(key, **values)
    parts: list[Content] = []
    for literal, name, spec, conversion in Formatter().parse(template(key, values.get("count"))):
        parts.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Moment | ChannelRef | RoleRef | Link):
            parts.append((value,))
        elif isinstance(value, tuple):
            parts.append(value)
        else:
            parts.append(format(str(value) if conversion == "s" else value, spec or ""))
    return concat(*parts)


def listed(items: list[str], *, style: Literal["standard", "or"] = "standard") -> str:
    """ "A, B and C" ("standard") or "A, B or C" ("or"), with the current language's words and commas."""
    return format_list(items, style=style, locale=i18n.babel_locale()) if items else ""


def permission_names(permissions: list[str]) -> str:
    """Discord permissions (discord.Permissions names) as the member's Discord shows them: "Manage Server",
    "Gérer le serveur"; the name itself for one the catalogue does not have."""
    return listed([t(f"permission.{p}") if f"permission.{p}" in keys() else p.replace("_", " ").title()
                   for p in permissions])
