from dialogs.yes_no import yes_or_no


def test_yes_and_no_are_read_in_english_and_german_and_from_the_buttons():
    assert [yes_or_no(t) for t in ("yes", "Yes!", "ja", "Ja.", "jawohl", "ok", "Yes, link it here", "Ja, hier verknüpfen")] == [True] * 8
    assert [yes_or_no(t) for t in ("no", "No.", "nein", "Nein!", "nee", "No, keep it there", "Nein, dort lassen")] == [False] * 7


def test_anything_else_is_neither():
    assert [yes_or_no(t) for t in ("", None, "maybe", "what?", "yes and no", "123456")] == [None] * 6
