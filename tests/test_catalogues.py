"""The catalogues as translators leave them: complete, well-formed, and not English by accident."""

from __future__ import annotations

import gettext
import re
from string import Formatter

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message

from bot.i18n import languages
from bot.text import SOURCE_LANGUAGE, read_catalog, template

TRANSLATED = [code for code in languages() if code != SOURCE_LANGUAGE]
# Discord's rule for command and option names (https://discord.com/developers/docs/interactions/application-commands).
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
# Texts the same in a translation on purpose: proper names, placeholders and symbols, words shared by the languages.
SAME_ON_PURPOSE = {
    "about.sources", "sources.title", "discord_events.series", "discord_events.series_only", "console.utc",
    "nav.next", "nav.previous", "notice.title", "reason.legacy", "release.by", "release.title", "reminders.list_row",
    "schedule.winner", "cmd.champion", "cmd.podium", "cmd.reminders.pause", "opt.champion.competition",
    "opt.podium.competition", "opt.custom-release.add.date", "opt.reminders.add.role", "console.label",
}


def _key(message: Message) -> str:
    return str(message.id if isinstance(message.id, str) else message.id[0])


def _forms(message: Message) -> list[str]:
    return [str(s) for s in message.string] if isinstance(message.string, tuple | list) else [str(message.string)]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def _messages(catalog: Catalog) -> dict[str, Message]:
    return {_key(m): m for m in catalog if m.id}


ENGLISH = _messages(read_catalog(SOURCE_LANGUAGE))


def test_the_english_catalogue_is_complete_and_every_sentence_is_whole() -> None:
    assert len(ENGLISH) > 250
    for key, message in ENGLISH.items():
        assert all(form.strip() for form in _forms(message)), key
        if message.pluralizable:  # chosen by a `count` (shown, or only choosing the words: "permission(s)")
            assert len(_forms(message)) == 2, key


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_has_every_key_and_no_other(language: str) -> None:
    translated = _messages(read_catalog(language))
    assert set(translated) == set(ENGLISH)
    untranslated = [key for key, message in translated.items() if not all(f.strip() for f in _forms(message))]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_plural_forms_match_the_english(language: str) -> None:
    catalog = read_catalog(language)
    expected_plurals = catalog.num_plurals
    # The file's gettext rule picks the singular exactly where CLDR says a count is "one" (French: 0 and 1); a
    # language with one form (Japanese) has nothing to pick.
    rule, cldr = gettext.c2py(catalog.plural_expr), Locale.parse(language)
    if expected_plurals > 1:
        assert all((rule(n) == 0) == (cldr.plural_form(n) == "one") for n in range(1000))
    for key, message in _messages(catalog).items():
        english = ENGLISH[key]
        wanted = set().union(*(_placeholders(f) for f in _forms(english)))
        assert message.pluralizable == english.pluralizable, key
        if message.pluralizable:
            assert len(_forms(message)) == expected_plurals, key
        for form in _forms(message):
            assert _placeholders(form) == wanted, (key, form)


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_is_not_english_left_in_by_accident(language: str) -> None:
    translated = _messages(read_catalog(language))
    same = {key for key, message in translated.items() if _forms(message) == _forms(ENGLISH[key])}
    assert same <= SAME_ON_PURPOSE, sorted(same - SAME_ON_PURPOSE)


@pytest.mark.parametrize("language", [SOURCE_LANGUAGE, *TRANSLATED])
def test_command_names_are_names_discord_accepts_and_unique_among_siblings(language: str) -> None:
    names = {key: template(key, language=language) for key in ENGLISH
             if key.startswith(("cmd.", "opt.")) and not key.endswith(".description")}
    for key, name in names.items():
        assert COMMAND_NAME.match(name) and name == name.lower(), (key, name)
    siblings: dict[tuple[str, str], list[str]] = {}
    for key, name in names.items():
        kind, _, path = key.partition(".")
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        siblings.setdefault((kind if kind == "opt" else "cmd", parent), []).append(name)
    for scope, found in siblings.items():
        assert len(found) == len(set(found)), (scope, found)
    for key in ENGLISH:
        if key.startswith(("cmd.", "opt.")) and key.endswith(".description"):
            assert 1 <= len(template(key, language=language)) <= 100, key


@pytest.mark.parametrize(("language", "counts"), [
    ("en", {0: "GT7 — in 0 days", 1: "GT7 — in 1 day", 2: "GT7 — in 2 days"}),
    ("fr", {0: "GT7 — dans 0 jour", 1: "GT7 — dans 1 jour", 2: "GT7 — dans 2 jours"}),  # 0 is singular in French
    ("es", {0: "GT7 — dentro de 0 días", 1: "GT7 — dentro de 1 día", 2: "GT7 — dentro de 2 días"}),
])
def test_plural_forms_follow_each_languages_rule(language: str, counts: dict[int, str]) -> None:
    for count, expected in counts.items():
        assert template("reminder.in_days", count=count, language=language).format(title="GT7", count=count) == expected


def test_a_plural_sentence_left_empty_falls_back_to_english_not_to_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.text

    def french_without_one_plural(language: str) -> Catalog:
        catalog = read_catalog(language)
        if language == "fr":
            catalog["lines.more"].string = ("", "")
        return catalog

    monkeypatch.setattr(bot.text, "read_catalog", french_without_one_plural)
    bot.text.translations.cache_clear()
    try:
        assert template("lines.more", count=3, language="fr") == template("lines.more", count=3, language="en")
    finally:
        monkeypatch.undo()
        bot.text.translations.cache_clear()


@pytest.mark.parametrize("language", [SOURCE_LANGUAGE, *TRANSLATED])
def test_a_command_named_in_a_sentence_is_named_as_that_languages_discord_shows_it(language: str) -> None:
    """ "`/rappels liste`" in French: the names a member of that language sees in Discord's picker."""
    # (parent path, name as shown) -> path: "liste" is a subcommand of two groups.
    commands = {(key.removeprefix("cmd.").rpartition(".")[0], template(key, language=language)):
                key.removeprefix("cmd.")
                for key in ENGLISH if key.startswith("cmd.") and not key.endswith(".description")}
    options = {key: template(key, language=language) for key in ENGLISH
               if key.startswith("opt.") and not key.endswith(".description")}
    for key, message in _messages(read_catalog(language)).items():
        for form in _forms(message):
            for quoted in re.findall(r"`(/[^`]+)`", form):
                words, path, depth = quoted.removeprefix("/").split(), "", 0
                while depth < len(words) and (path, words[depth]) in commands:  # the command, then its subcommand
                    path, depth = commands[(path, words[depth])], depth + 1
                assert depth, (key, quoted)
                named = {v for k, v in options.items() if k.startswith(f"opt.{path}.")}
                for word in words[depth:]:
                    name, colon, _ = word.partition(":")
                    assert not colon or name in named, (key, quoted)  # an option by name: that command's own
