"""JUnit XML for CI systems, from case results (the text; the caller writes the file)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.etree import ElementTree as ET

from ticketcore._errors import InvalidInput
from ticketcore.testing._run import CaseResult

__all__ = ["junit_xml"]


def junit_xml(results: Sequence[CaseResult]) -> str:
    """The results as JUnit XML: one ``testsuite`` per case file, one ``testcase`` per case.

    A failing case has a ``failure`` element whose message is its first failing
    expectation and whose text is the whole report; linter findings go to ``system-out``.
    """
    given: object = results
    items = list(given) if isinstance(given, Iterable) and not isinstance(given, str) else None
    if items is None or not all(isinstance(r, CaseResult) for r in items):
        raise InvalidInput("results", "a list of ticketcore.testing.CaseResult", results)
    root = ET.Element("testsuites", name="ticketcore policy cases")
    suites: dict[str, ET.Element] = {}
    for r in items:
        suite = suites.get(r.source)
        if suite is None:
            suite = suites[r.source] = ET.SubElement(root, "testsuite", name=r.source)
        case = ET.SubElement(suite, "testcase", classname=r.source, name=r.case)
        if r.line is not None:
            case.set("file", r.source)
            case.set("line", str(r.line))
        if not r.passed:
            first = r.failures[0]
            failure = ET.SubElement(case, "failure", message=f"step {first.step}: {first.what}")
            failure.text = r.report()
        if r.findings:
            ET.SubElement(case, "system-out").text = "\n".join(f"lint: {f}" for f in r.findings)
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", "0")
    root.set("tests", str(len(results)))
    root.set("failures", str(sum(1 for r in items if not r.passed)))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
