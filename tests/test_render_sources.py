"""The data details checked against public reports, as members read them: disputed days, regions in date order,
early access, a season's own competition name, canonical links beside mirror copies, the seed as a citation."""

from bot.adapter.embeds import to_embed
from bot.console import ask
from bot.core import Core
from bot.present import to_text


async def _text(core: Core, line: str) -> str:
    answer, code = await ask(core.questions, line)
    assert answer is not None and code == 0, line
    return to_text(answer)


async def test_a_disputed_day_gives_every_date_and_regions_come_in_date_order(real_core: Core) -> None:
    text = await _text(real_core, "/release gran-turismo-1997")
    assert "1998 (day disputed: 30 April, 5 May or 12 May 1998)" in text
    assert "day not announced" not in text.split("Sources:")[0]
    assert text.index("(JP)") < text.index("(NA)") < text.index("(EU)")  # Dec 1997, from 30 Apr 1998, 8 May 1998


async def test_an_early_access_launch_is_labelled_and_its_1_0_is_its_own_entry(real_core: Core) -> None:
    text = await _text(real_core, "/release le-mans-ultimate")
    assert "20 February 2024 · early access — PC" in text
    assert "22 July 2025 — PC" in text
    assert "22 July 2025 · early access" not in text  # the 1.0 release is not labelled early access


async def test_podium_names_the_competition_as_it_was_called_that_season(real_core: Core) -> None:
    assert (await _text(real_core, "/podium manufacturers-cup 2021")).startswith("2021 Manufacturer Series")
    assert (await _text(real_core, "/podium manufacturers-cup 2024")).startswith("2024 Manufacturers Cup")


async def test_sources_link_the_canonical_page_name_the_copy_read_and_cite_the_seed_without_a_link(
    real_core: Core
) -> None:
    answer, _ = await ask(real_core.questions, "/release gran-turismo-1997")
    assert answer is not None
    [copy] = [ref for ref in answer.sources if ref.copy_url and "ja.wikipedia.org" in ref.url]
    sources = next(f.value for f in to_embed(answer).fields if f.name == "Sources") or ""
    assert f"]({copy.url}) · read from a copy at {copy.copy_host}" in sources
    answer, _ = await ask(real_core.questions, "/podium nations-cup 2021")
    assert answer is not None
    [seed] = [ref for ref in answer.sources if ref.label.startswith("French news article")]
    assert seed.url == "" and seed.label.endswith("(2021-12)")
    text = to_text(answer)
    assert "shared/seeds" not in text and "CORRECTIONS" not in text
