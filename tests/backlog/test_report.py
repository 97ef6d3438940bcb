"""The report's outputs: plain records (for pandas or JSON) and the text table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from ticketcore import Priority
from ticketcore.backlog import BacklogOptions, backlog_report

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
RECORDS = [
    {"id": "A", "created": T0, "solved": T0 + 3 * H, "channel": "chat", "priority": Priority.HIGH},
    {"id": "B", "created": T0 + H, "channel": "email", "priority": Priority.LOW},
    {
        "id": "C",
        "created": T0 + 8 * 24 * H,
        "solved": T0 + 9 * 24 * H,
        "channel": "chat",
        "priority": Priority.HIGH,
    },
]


def test_records_are_flat_json_values_one_per_week_and_group() -> None:
    report = backlog_report(RECORDS, BacklogOptions(by=("channel", "priority")))
    records = report.to_records(iso=True)
    assert json.loads(json.dumps(records)) == records
    assert [(r["week"], r["total"], r.get("channel"), r.get("priority")) for r in records] == [
        ("2026-03-02", True, None, None),
        ("2026-03-02", False, "chat", "high"),
        ("2026-03-02", False, "email", "low"),
        ("2026-03-09", True, None, None),
        ("2026-03-09", False, "chat", "high"),
        ("2026-03-09", False, "email", "low"),
    ]
    assert records[1]["resolution_median_s"] == 3 * 3600.0
    assert {len(r) for r in records[1:]} == {len(records[1])}


def test_the_text_table() -> None:
    text = backlog_report(RECORDS, BacklogOptions(by="channel")).text()
    assert text.splitlines()[:5] == [
        "Backlog by week (UTC, weeks from Mon; ratio = unresolved / mean solved per week over 4 weeks)",
        "",
        "all tickets",
        "week        created solved reopened unresolved  ratio  trend      <1d 1-3d 3-7d >=7d"
        "   median      p90  reopen%",
        "2026-03-02       2      1        0          1   1.00  stable       0    0    1    0"
        "    3h00m    3h00m      0.0",
    ]
    assert "channel=email" in text
    assert str(backlog_report(RECORDS)) == backlog_report(RECORDS).text()
