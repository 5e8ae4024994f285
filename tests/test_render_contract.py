"""Whatever an answer holds, the message pitwall makes of it is one Discord takes (its published contract)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapter.embeds import discord_text, to_embed
from bot.answer import Answer, Field, FollowUp, SourceRef
from bot.present import TOTAL_LIMIT, fit_lines, page_count, pages
from cogs.components import build_view
from tests.discord_standin.contract import contract

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ASKER = 80351110224678912

text = st.text(st.characters(codec="utf-8"), max_size=1500)
short = st.text(min_size=1, max_size=120)
lines = st.lists(st.text(max_size=300).map(lambda s: s.replace("\n", " ")), max_size=60).map("\n".join)
follow_ups = st.lists(st.builds(FollowUp, label=short, line=st.from_regex(r"/podium [a-z-]{1,40} 20[0-9]{2}",
                                                                          fullmatch=True)),
                      max_size=30, unique_by=lambda f: f.line).map(tuple)
answers = st.builds(
    Answer,
    title=st.text(max_size=400),
    description=st.one_of(text, lines),
    fields=st.lists(st.builds(Field, name=st.text(min_size=1, max_size=300), value=st.one_of(short, lines)),
                    max_size=30).map(tuple),
    sources=st.lists(st.builds(SourceRef, label=st.text(min_size=1, max_size=400),
                               url=st.just("https://www.gran-turismo.com/world/news/")), max_size=12).map(tuple),
    footer=st.text(max_size=2500),
    items=st.lists(st.one_of(short, lines), max_size=70).map(tuple),
    neighbours=follow_ups.map(lambda f: f[:2]),
    alternatives=follow_ups,
    line=st.sampled_from(["", "/reminders list"]),
)


def refusal(payload: dict[str, Any]) -> object:
    return contract().check("POST", "/channels/1/messages", payload)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=answers, page=st.integers(min_value=0, max_value=10))
async def test_any_answer_makes_a_message_discord_takes(answer: Answer, page: int) -> None:
    embed = to_embed(answer, page)
    payload: dict[str, Any] = {"embeds": [embed.to_dict()], "allowed_mentions": {"parse": []}}
    view = build_view(answer, ASKER, page, NOW)
    if view is not None:
        payload["components"] = view.to_components()
    assert refusal(payload) is None
    assert len(embed) <= TOTAL_LIMIT


@given(rows=st.lists(st.text(min_size=1, max_size=900).map(lambda s: s.replace("\n", " ")), min_size=1,
                     max_size=80))
def test_pages_hold_every_row_once_in_order(rows: list[str]) -> None:
    answer = Answer(title="Reminder subscriptions", items=tuple(rows))
    shown = [row for page in pages(answer, discord_text) for row in page.split("\n")]
    assert shown == rows and page_count(answer, discord_text) == len(pages(answer, discord_text))


plain_line = st.text(st.characters(exclude_characters="\n…"), min_size=1, max_size=200)


@given(lines_=st.lists(plain_line, max_size=40), limit=st.integers(min_value=40, max_value=1024))
def test_a_cut_list_ends_with_a_whole_line_and_the_count_of_the_rest(lines_: list[str], limit: int) -> None:
    fitted = fit_lines(lines_, limit)
    assert len(fitted) <= limit
    if fitted == "\n".join(lines_):
        return
    *kept, last = fitted.split("\n")
    if not kept and not last.startswith("…and "):  # one line alone, too long: clipped, visibly
        assert len(lines_) == 1 and fitted.endswith("…")
        return
    assert last == f"…and {len(lines_) - len(kept)} more"
    whole, first = kept == lines_[: len(kept)], kept[:1] != lines_[:1]
    # Every kept line is whole, except a first line too long to fit beside the count, which is clipped.
    assert whole or (len(kept) == 1 and first and kept[0].endswith("…"))
