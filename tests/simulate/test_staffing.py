"""The staffing search shared by `staff` and `staff_blocks` (`simulate/_staffing.py`)."""

import pytest

from ticketcore.simulate._staffing import _smallest


@pytest.mark.parametrize(
    ("start", "floor", "high", "passing_from", "answer", "tried"),
    [
        (5, 1, 10, 3, 3, [5, 4, 3, 2]),  # passes: walk down until the one below fails
        (5, 4, 10, 1, 4, [5, 4]),  # ... but never under the floor
        (5, 1, 10, 7, 7, [5, 6, 7]),  # fails: walk up until one passes
        (5, 1, 6, 9, None, [5, 6]),  # ... and none up to high does
        (6, 1, 6, 9, None, [6]),
    ],
)
def test_smallest(  # noqa: PLR0917 - the parameters of the case
    start: int, floor: int, high: int, passing_from: int, answer: int | None, tried: list[int]
) -> None:
    seen: list[int] = []

    def passes(n: int) -> bool:
        seen.append(n)
        return n >= passing_from

    assert _smallest(start, floor, high, passes) == answer
    assert seen == tried
