"""The command line's argument parser: every command, its options and its help text.

Imports nothing of the commands (the dispatch table is in the package's ``__init__``).
"""

from __future__ import annotations

import argparse
from typing import Final, NoReturn

from ticketcore._version import __version__

#: The top-level ``--help`` description: the commands.
DESCRIPTION: Final = """\
python -m ticketcore: the command line.

commands:
  simulate   run a scenario (the built-in team by default) and print a report; --compare
             runs several strategies on the same tickets, --replications R gives each
             figure with its 95% confidence interval
  sweep      run a scenario over a grid of its fields (agents, caps, strategies, arrival
             rate ...) and print a tidy table, one row per point and strategy
  staff      find the smallest team that meets a service-level target
  scenario   print the built-in scenario as TOML, the starting point for one's own
  check      lint a desk configuration (exit status 1 when there are findings)
  test       run policy case files (exit status 1 when a case fails; --junit-xml for CI)
  demo       print real due dates from a real calendar (Munich office hours with
             Bavarian public holidays), the same on every machine and every day

Bad input exits with status 2 and one line naming the problem.
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and still exit with status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


_PLAIN: Final = argparse.RawDescriptionHelpFormatter

_SIMULATE_HELP: Final = """\
Run a scenario through the real dispatcher, SLA clocks and backlog tracker, and print a report.

examples:
  python -m ticketcore simulate                          the built-in team, four weeks
  python -m ticketcore simulate --days 7 --compare sequential,least_loaded,least_loaded_cap_8
  python -m ticketcore simulate --scenario team.toml --replications 10
  python -m ticketcore simulate --csv out/ --plot run.png

Strategies are called by the library's names (sequential, least_loaded, longest_idle ...)
or by a variant the scenario defines. --strategy runs one, --compare several on the same
tickets; giving both is an error. With --replications R each figure is the mean over R
seeds with its 95% confidence interval, and --compare adds the paired difference of each
strategy against the first. Everything (the scenario, the strategies, the output paths,
matplotlib for --plot) is checked before the first run; bad input exits with status 2.
"""

_SWEEP_HELP: Final = """\
Run a scenario at every point of a grid over its fields and print one row per point and
strategy: each figure's mean with its 95% confidence interval over the replications.

examples:
  python -m ticketcore sweep --grid agents=8,10,12 --grid cap=3,8 --replications 5 --days 7
  python -m ticketcore sweep team.toml --grid arrivals.per_day=500,1000 --compare sequential,least_loaded
  python -m ticketcore sweep --grid concurrency.chat=1,2,3 --csv runs.csv --plot sweep.png

A grid key is a dotted path into the scenario's dict form (arrivals.per_day,
routing.pools[0].cap, customers.reply_probability), or agents (that many agents like the
scenario's), cap (every pool's cap) or strategy (the variant each point runs). Values are
read as TOML (8, 0.5, true, "text"); anything else is text. --csv writes the tidy table,
one row per point, strategy and replication. Replication r of every point and strategy
runs on the same seed (common random numbers).
"""

_STAFF_HELP: Final = """\
Find the smallest number of agents whose service level meets a target with 95% confidence,
by replicated runs (the same seeds for every team size), beside the Erlang C answer.

example:
  python -m ticketcore staff --target "first_response<=1h@80%" --days 7 --replications 5

The target is METRIC<=DURATION@SHARE%, with METRIC wait (to an agent), first_response or
resolution, in elapsed time from the ticket's creation. The scenario's agents must differ
only by their ids.

--per-block finds the count per block of the week instead (blocks in local time: a length
in hours dividing a day, or days and hours such as "mon-fri 08-12", repeated); agent i works
the blocks that need at least i agents, and the blocks are settled in week order:

  python -m ticketcore staff --target "wait<=10m@80%" --days 14 --per-block "mon-fri 08-12" \\
      --per-block "mon-fri 12-18"
"""


def _add_scenario_file(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="a .toml or .json scenario (default: built in)"
    )


def _add_run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--days", type=float, help="how many days to simulate")
    command.add_argument("--seed", type=int, help="the random seed (same seed, same run)")
    command.add_argument(
        "--json", action="store_true", help="print machine-readable JSON instead of the report"
    )
    command.add_argument(
        "--workers", type=int, metavar="N", help="run in N processes (1: in this one; default: every core)"
    )


def _parser() -> _Parser:
    parser = _Parser(prog="python -m ticketcore", description=DESCRIPTION, formatter_class=_PLAIN)
    parser.add_argument("--version", action="version", version=f"ticketcore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="print due dates from a real business calendar")
    sim = sub.add_parser(
        "simulate",
        help="simulate a support team (the built-in scenario by default) and print a report",
        description=_SIMULATE_HELP,
        formatter_class=_PLAIN,
    )
    sim.add_argument("--scenario", metavar="FILE", help="a scenario in TOML or JSON (default: built in)")
    sim.add_argument("--strategy", help="a strategy variant of the scenario, or a built-in strategy name")
    sim.add_argument("--compare", metavar="A,B,C", help="run these strategies on the same tickets")
    sim.add_argument(
        "--replications", type=int, metavar="R", help="run R seeds; each figure with its 95%% CI"
    )
    sim.add_argument("--csv", metavar="DIR", help="write every table as CSV files into DIR")
    sim.add_argument(
        "--plot", metavar="FILE.png", help="plot backlog, waits, time working and SLA (matplotlib)"
    )
    _add_run_options(sim)
    swp = sub.add_parser(
        "sweep",
        help="run a scenario over a grid of its fields, with replications (a tidy table)",
        description=_SWEEP_HELP,
        formatter_class=_PLAIN,
    )
    _add_scenario_file(swp)
    swp.add_argument(
        "--grid", metavar="KEY=V1,V2", action="append", required=True, help="a field and its values (repeat)"
    )
    swp.add_argument("--strategy", help="the strategy every point runs")
    swp.add_argument("--compare", metavar="A,B,C", help="run each of these strategies at every point")
    swp.add_argument("--replications", type=int, default=1, metavar="R", help="runs per point (default 1)")
    swp.add_argument(
        "--figure", action="append", metavar="NAME", help="a figure to show, such as wait_mean_s (repeat)"
    )
    swp.add_argument("--csv", metavar="FILE", help="write the tidy table (one row per run) as CSV")
    swp.add_argument("--plot", metavar="FILE.png", help="each figure against the first grid key, with bands")
    _add_run_options(swp)
    stf = sub.add_parser(
        "staff",
        help="the smallest team that meets a service-level target, by replicated runs",
        description=_STAFF_HELP,
        formatter_class=_PLAIN,
    )
    _add_scenario_file(stf)
    stf.add_argument("--target", required=True, metavar="GOAL", help="such as first_response<=1h@80%%")
    stf.add_argument("--strategy", help="the strategy to staff for")
    stf.add_argument(
        "--replications", type=int, default=10, metavar="R", help="runs per team size (default 10)"
    )
    stf.add_argument("--low", type=int, default=1, help="the fewest agents to try (default 1)")
    stf.add_argument("--high", type=int, default=200, help="the most agents to try (default 200)")
    stf.add_argument(
        "--per-block",
        action="append",
        metavar="BLOCK",
        help='staff each block of the week: a length such as 4h, or blocks such as "mon-fri 08-12" (repeat)',
    )
    _add_run_options(stf)
    scn = sub.add_parser(
        "scenario",
        help="print the built-in scenario as TOML, the starting point for one's own",
        description="Print a scenario (the built-in one, or --scenario FILE) as TOML that reads back "
        "to an equal scenario.",
    )
    scn.add_argument(
        "--scenario", metavar="FILE", help="a scenario in TOML or JSON to print (default: built in)"
    )
    check = sub.add_parser(
        "check",
        help="lint a desk configuration (exit status 1 when there are findings)",
        description="Find what in a desk configuration can never work: rules shadowed by earlier rules, "
        "pools nobody can serve or reach, goals a calendar cannot reach, tickets no policy covers.",
    )
    check.add_argument("config", metavar="CONFIG", help="the configuration, a .toml or .json file")
    check.add_argument(
        "--at",
        metavar="INSTANT",
        help="an ISO 8601 instant with offset, for the checks that depend on the date",
    )
    test = sub.add_parser(
        "test",
        help="run policy case files (exit status 1 when a case fails)",
        description="Run routing and SLA policy cases (*.policy.toml) on a real desk; see docs/testing.md.",
    )
    test.add_argument(
        "cases", metavar="CASES", nargs="+", help="case files, or folders to search for *.policy.toml"
    )
    test.add_argument("--junit-xml", metavar="PATH", help="also write the results as JUnit XML to PATH")
    return parser
