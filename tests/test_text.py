"""The shared text-table layout of the simulator's report and the command line (`ticketcore._text`)."""

from ticketcore._text import text_table


def test_first_column_left_the_others_right_two_spaces_between() -> None:
    lines = text_table(["agent", "assigned", "share"], [["a1", "3", "50.0%"], ["agent10", "12", "5.0%"]])
    assert lines == [
        "  agent    assigned  share",
        "  a1              3  50.0%",
        "  agent10        12   5.0%",
    ]


def test_rows_may_be_any_iterable_and_none_gives_the_header_alone() -> None:
    assert text_table(["x", "y"], (r for r in [["1", "22"]])) == ["  x   y", "  1  22"]
    assert text_table(["x", "y"], []) == ["  x  y"]
