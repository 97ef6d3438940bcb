"""The command line's shared input checks: files read, options checked before any run, the progress bar.

Its one job: turn bad input into `_Refused` (one line, exit status 2) before the first run, and
the small run-time helpers every command shares (the executor for ``--workers``, CSV writing).
It imports only the library's public names and the standard library; every command module imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ticketcore._errors import TicketcoreError
from ticketcore.simulate import SCENARIO_LIMITS, InlineExecutor, Scenario, default_scenario


class _Refused(Exception):
    """Bad input to the command line: the message is printed on one line, the exit status is 2."""


def _read_text(path: str, what: str, limit: int) -> tuple[str, str]:
    """The UTF-8 text of the .toml or .json file at ``path`` and its kind; `_Refused` if bad."""
    file = Path(path)
    kind = file.suffix.lower()
    if kind not in (".toml", ".json"):
        raise _Refused(f"{what}: expected a .toml or .json file, got {path!r}")
    with file.open("rb") as f:  # read no more than the limit, whatever the file is
        data = f.read(limit + 1)
    if len(data) > limit:
        raise _Refused(f"{path}: expected a file of at most {limit:,} bytes, got a longer one")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors write, is fine
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = f"the byte 0x{data[e.start]:02x} at line {line} (byte {e.start + 1})"
        raise _Refused(f"{path}: expected UTF-8 text, got {bad}") from None
    return text, kind


def _load_scenario(path: str | None) -> Scenario:
    """The scenario in the file at ``path`` (the built-in one for None); `_Refused` if bad."""
    if path is None:
        return default_scenario()
    text, kind = _read_text(path, "--scenario", SCENARIO_LIMITS["text_characters"])
    try:
        return Scenario.from_toml(text) if kind == ".toml" else Scenario.from_json(text)
    except TicketcoreError as e:
        raise _Refused(f"{path}: {e}") from None


# -- the commands ----------------------------------------------------------------------


def _scenario_with(args: argparse.Namespace, path: str | None) -> Scenario:
    """The scenario at ``path`` (built in for None) with ``--days`` and ``--seed`` applied."""
    scenario = _load_scenario(path)
    changes: dict[str, Any] = {}
    if args.days is not None:
        changes["days"] = args.days
    if args.seed is not None:
        changes["seed"] = args.seed
    return scenario.replace(**changes) if changes else scenario


def _strategy_list(args: argparse.Namespace, scenario: Scenario) -> list[str | None] | None:
    """``--strategy`` or ``--compare`` (never both), every name checked; None for the scenario's own."""
    if args.compare is not None and args.strategy is not None:
        raise _Refused(
            "--strategy and --compare: give one (--compare A,B runs each strategy named, --strategy runs one)"
        )
    if args.compare is not None:
        names: list[str | None] = [n.strip() for n in args.compare.split(",") if n.strip()]
        if not names:
            raise _Refused("--compare: expected strategy names separated by commas, got none")
        if len(set(names)) != len(names):
            raise _Refused(f"--compare: expected each strategy once, got {args.compare!r}")
    elif args.strategy is not None:
        names = [args.strategy]
    else:
        return None
    for name in names:
        scenario.routing_for(name)  # an unknown name: refused now, before any run
    return names


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for the progress bar."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _progress_bar(stream: Any, what: str = "simulating") -> Callable[[float], None] | None:
    """A progress bar with the time elapsed and left, on an interactive terminal; None (quiet) otherwise."""
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(share: float) -> None:
        elapsed = time.monotonic() - started
        left = f"{_clock(elapsed * (1 - share) / share)} left" if share > 0 else "? left"
        filled = int(share * 30)
        stream.write(
            f"\r  {what} [{'#' * filled}{'.' * (30 - filled)}] {100 * share:3.0f}%  "
            f"{_clock(elapsed)} elapsed, {left}   "
        )
        stream.flush()

    return show


def _end_progress(progress: Callable[[float], None] | None) -> None:
    if progress is not None:
        sys.stderr.write("\r" + " " * 79 + "\r")


# -- checks made before a run ---------------------------------------------------------


def _writable_folder(path: Path, what: str) -> None:
    """``path`` is (or can be made) a folder this process may write in; `_Refused` otherwise."""
    if path.exists():
        if not path.is_dir():
            raise _Refused(f"{what} {path}: expected a folder, but it is a file")
        if not os.access(path, os.W_OK | os.X_OK):
            raise _Refused(f"{what} {path}: the folder is not writable")
        return
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise _Refused(f"{what} {path}: cannot create the folder in {parent} (not a writable folder)")


def _writable_file(path: Path, what: str) -> None:
    """``path`` is a file this process may create or overwrite; `_Refused` otherwise."""
    if path.is_dir():
        raise _Refused(f"{what} {path}: expected a file name, but it is a folder")
    parent = path.parent
    if not parent.is_dir():
        raise _Refused(f"{what} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _Refused(f"{what} {path}: not writable")


def _pyplot() -> Any:
    """Matplotlib's pyplot on the Agg backend (no window); `_Refused` when matplotlib is missing."""
    try:
        import matplotlib as mpl  # noqa: PLC0415 - optional: the 'plot' extra

        mpl.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        raise _Refused("--plot needs matplotlib: pip install 'ticketcore[plot]'") from None
    return plt


def _check_plot(path: str | None) -> None:
    """``--plot FILE``: matplotlib installed, a known image format, a writable file."""
    if path is None:
        return
    plt = _pyplot()
    target = Path(path)
    _writable_file(target, "--plot")
    kinds = plt.figure().canvas.get_supported_filetypes()
    plt.close("all")
    kind = target.suffix.lower().lstrip(".")
    if kind not in kinds:
        raise _Refused(f"--plot {path}: expected a file ending in one of .{', .'.join(sorted(kinds))}")


def _check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= 1024:
        raise _Refused(f"--workers: expected a number of worker processes from 1 to 1,024, got {workers}")


def _check_replications(replications: int) -> None:
    if not 1 <= replications <= 10_000:
        raise _Refused(f"--replications: expected a number from 1 to 10,000, got {replications}")


@contextlib.contextmanager
def _executor(workers: int | None) -> Iterator[Executor | None]:
    """``--workers N``: N processes (1: this process), shut down after; None: the library's default."""
    if workers is None:
        yield None
        return
    pool: Executor = InlineExecutor() if workers == 1 else ProcessPoolExecutor(max_workers=workers)
    with pool:
        yield pool


_T = TypeVar("_T")


def _pooled(args: argparse.Namespace, what: str, run: Callable[..., _T], *given: Any, **options: Any) -> _T:
    """``run(*given, **options, executor=..., progress=...)`` on ``--workers`` processes.

    The progress bar (``what``) shows on an interactive stderr, never with ``--json``, and is cleared after.
    """
    progress = None if args.json else _progress_bar(sys.stderr, what)
    try:
        with _executor(args.workers) as pool:
            return run(*given, **options, executor=pool, progress=progress)
    finally:
        _end_progress(progress)


# -- output ----------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
