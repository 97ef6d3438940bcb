"""Queueing theory to check the simulator against: the Erlang C formula for M/M/c."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._util import read_finite

__all__ = ["ErlangC", "erlang_c"]

#: The most servers `erlang_c` computes for (its recursion takes one step per server).
MAX_SERVERS: Final = 1_000_000


@attrs.frozen(kw_only=True)
class ErlangC:
    """The M/M/c queue in steady state.

    ``p_wait`` is the probability that an arrival waits (Erlang C), ``mean_wait`` the
    mean wait over all arrivals, ``utilisation`` the share of servers busy.
    """

    servers: int
    offered_load: float
    utilisation: float
    p_wait: float
    mean_wait: timedelta


def erlang_c(per_hour: float, mean_handling: timedelta, servers: int) -> ErlangC:
    """Erlang C for Poisson arrivals (``per_hour``), exponential handling, ``servers`` agents.

    ``P(wait) = (A^c / c!) · c/(c - A) / (Σ_{k<c} A^k / k! + (A^c / c!) · c/(c - A))``
    with the offered load ``A = λ/μ``, and ``E[wait] = P(wait) / (cμ - λ)``. Computed
    with the Erlang B recursion, which stays exact for hundreds of servers.

    >>> r = erlang_c(per_hour=45, mean_handling=timedelta(minutes=1), servers=1)
    >>> round(r.p_wait, 4), r.mean_wait
    (0.75, datetime.timedelta(seconds=180))

    Raises:
        InvalidInput: a queue that never settles (``A >= servers``), more than 1,000,000
            servers, or a bad argument.

    """
    given: tuple[object, object, object] = (per_hour, mean_handling, servers)
    if isinstance(given[2], bool) or not isinstance(given[2], int) or not 1 <= servers <= MAX_SERVERS:
        raise InvalidInput("servers", f"a whole number of agents from 1 to {MAX_SERVERS:,}", servers)
    if not read_finite(given[0], "per_hour", "an arrival rate above zero") > 0:
        raise InvalidInput("per_hour", "an arrival rate above zero", per_hour)
    if not isinstance(given[1], timedelta) or mean_handling <= timedelta(0):
        raise InvalidInput("mean_handling", "a duration above zero", mean_handling)
    hours = mean_handling / timedelta(hours=1)
    load = per_hour * hours
    if load >= servers:
        raise InvalidInput(
            "per_hour", f"a load under {servers} agents (the queue would grow forever)", per_hour
        )
    b = 1.0  # Erlang B, by the recursion B(k) = A·B(k-1) / (k + A·B(k-1))
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    rho = load / servers
    p_wait = b / (1 - rho * (1 - b))
    wait_hours = p_wait * hours / (servers - load)
    try:
        mean_wait = timedelta(hours=wait_hours)
    except OverflowError:  # a load so close to the servers that the mean wait is beyond timedelta
        raise InvalidInput(
            "per_hour", f"a load far enough under {servers} agents for the queue to settle", per_hour
        ) from None
    return ErlangC(servers=servers, offered_load=load, utilisation=rho, p_wait=p_wait, mean_wait=mean_wait)
