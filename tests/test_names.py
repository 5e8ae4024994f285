from bot.names import NameIndex, clean_user_text, compact, normalise

INDEX = NameIndex.build(
    [
        ("nations-cup", "Nations Cup", ("Coupe des Nations", "NC")),
        ("manufacturers-cup", "Manufacturers Cup", ("Manufacturer Series", "MC")),
    ]
)


def test_spellings_users_type_all_resolve_to_one_competition() -> None:
    for typed in ("nations-cup", "Nations Cup", "NATIONS  CUP", "nc", "coupe des nations", "Coupe des Nátions"):
        assert INDEX.lookup(typed) == "nations-cup", typed


def test_a_near_miss_does_not_resolve_but_is_suggested() -> None:
    assert INDEX.lookup("natoins cup") is None
    assert INDEX.suggest("natoins cup")[0] == "nations-cup"


def test_nothing_close_gets_no_suggestion() -> None:
    assert INDEX.suggest("zzzzzzzz") == []


def test_autocomplete_puts_prefix_matches_first_and_lists_all_on_empty_input() -> None:
    assert INDEX.complete("manu")[0] == "manufacturers-cup"
    assert INDEX.complete("") == ["nations-cup", "manufacturers-cup"]


def test_invisible_and_control_characters_are_dropped() -> None:
    assert clean_user_text("gt\u200b7\u202e\x00") == "gt7"
    assert clean_user_text("  Gran \n Turismo\t7 ") == "Gran Turismo 7"


def test_normalise_and_compact_fold_case_accents_and_punctuation() -> None:
    assert normalise("Coupe-des-Nátions!") == "coupe des nations"
    assert compact("GT-7") == compact("gt 7") == "gt7"


def test_inert_breaks_a_link_wherever_its_scheme_starts() -> None:
    from bot.names import inert

    for text in ("https://evil.example", "1https://evil.example", "Cup_https://evil.example", "éhttps://x.y"):
        assert "://" not in inert(text), text
