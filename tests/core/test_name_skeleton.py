"""core.text.name_skeleton: an ASCII name's skeleton is taken without Unicode's tables."""

import string

from core import text


def test_an_ascii_names_skeleton_is_the_one_unicodes_tables_give():
    names = ["Reader 19", "ALICE", "bob_o'Neil", "x" * 80, string.printable, "", "Ada\tLovelace"]
    names += [chr(code) for code in range(128)]
    for name in names:
        assert text.name_skeleton(name) == text._unicode_name_skeleton(name), repr(name)


def test_an_ascii_name_is_not_looked_up_in_the_confusables(monkeypatch):
    def refuse(character):
        raise AssertionError(f"looked up {character!r}")

    monkeypatch.setattr(text, "_latin_lookalike", refuse)
    assert text.name_skeleton("Reader 19") == "reader 19"


def test_other_names_still_read_lookalikes_as_latin_letters():
    assert text.name_skeleton("\u0430dmin") == "admin"  # Cyrillic a
    assert text.name_skeleton("\uff21\uff24\uff2d\uff29\uff2e") == "admin"  # full-width
