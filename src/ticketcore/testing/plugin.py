"""The pytest plugin: policy case files (``*.policy.toml``) as test items, one per case.

Installing ticketcore registers it (the ``pytest11`` entry point ``ticketcore``);
``-p no:ticketcore`` switches it off for one run, and the ini option
``ticketcore_policy_files`` (default ``*.policy.toml``; empty collects nothing) says
which file names it collects. A case file that cannot be read is a collection error
naming its line; a failing case reports its diff; the configuration's linter findings
are listed in a ``ticketcore lint`` section of the summary. Strategies of your own come
from the hook ``pytest_ticketcore_strategies(config, path)`` a ``conftest.py`` implements
(the nearest one returning a mapping decides).
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from ticketcore._util import NO_STRATEGIES
from ticketcore.testing import _hooks
from ticketcore.testing._case import Case, CaseFile, CaseFileError, load_case_file
from ticketcore.testing._run import CaseResult, run_case

__all__ = [
    "PolicyCaseFailed",
    "PolicyFile",
    "PolicyItem",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_terminal_summary",
]

_FINDINGS = pytest.StashKey[dict[str, list[str]]]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Declare the hook ``pytest_ticketcore_strategies(config, path)`` a ``conftest.py`` implements.

    It returns the strategies of your own, by name, that the case files below it name
    (``{"mine": Mine()}``), or None; the nearest ``conftest.py`` returning a mapping decides.
    """
    pluginmanager.add_hookspecs(_hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ini option ``ticketcore_policy_files``."""
    parser.addini(
        "ticketcore_policy_files",
        "file name patterns of ticketcore policy case files (empty: collect none)",
        type="args",
        default=["*.policy.toml"],
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PolicyFile | None:
    """A `PolicyFile` for each file whose name matches ``ticketcore_policy_files``."""
    patterns = parent.config.getini("ticketcore_policy_files")
    if any(fnmatch(file_path.name, p) for p in patterns):
        return PolicyFile.from_parent(parent, path=file_path)
    return None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """List the linter findings of the configurations under test, once per file."""
    findings = config.stash.get(_FINDINGS, {})
    if not any(findings.values()):
        return
    terminalreporter.section("ticketcore lint")
    for source, lines in findings.items():
        for line in lines:
            terminalreporter.write_line(f"{source}: {line}")


class PolicyCaseFailed(AssertionError):
    """A policy case failed; ``result`` is its `ticketcore.testing.CaseResult`."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.report())
        self.result = result


class PolicyFile(pytest.File):
    """A case file; its items are its cases."""

    def collect(self) -> Iterator[PolicyItem]:
        """One `PolicyItem` per case; a collection error naming the line for a bad file.

        The file is read with the strategies the hook ``pytest_ticketcore_strategies`` gives.
        """
        own = self.ihook.pytest_ticketcore_strategies(config=self.config, path=self.path)
        try:
            case_file = load_case_file(self.path, strategies=NO_STRATEGIES if own is None else own)
        except CaseFileError as e:
            raise self.CollectError(f"ticketcore case file: {e}") from None
        for case in case_file.cases:
            yield PolicyItem.from_parent(self, name=case.name, case_file=case_file, case=case)


class PolicyItem(pytest.Item):
    """One case of a case file, run on a fresh desk."""

    def __init__(self, *, case_file: CaseFile, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case_file = case_file
        self.case = case

    def runtest(self) -> None:
        """Run the case; raise `PolicyCaseFailed` with its report when it fails."""
        result = run_case(self.case_file, self.case)
        if result.findings:
            seen = self.config.stash.setdefault(_FINDINGS, {}).setdefault(self.case_file.source, [])
            for finding in result.findings:
                if str(finding) not in seen:
                    seen.append(str(finding))
            self.add_report_section("call", "ticketcore lint", "\n".join(map(str, result.findings)))
        if not result.passed:
            raise PolicyCaseFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        """The case's diff for a failed case; pytest's own report for anything else."""
        if isinstance(excinfo.value, PolicyCaseFailed):
            return excinfo.value.result.report()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The case file, the case's line (0-based) and its name."""
        line = None if self.case.line is None else self.case.line - 1
        return self.path, line, f"policy case: {self.case.name}"
