// What is due in the club: its JSON and its description, as `okr due` prints them.
#include "okr/report/due.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::due") {

    TEST_CASE("the due document: each silent KR and KPI with the command to check it in") {
        const test::Club club;
        const Report report = club.report();
        const DueReport due = build_due(report, report.kpis, "", true);
        CHECK(due_json(due) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "cycles": [
    {
      "name": "2026-Q4",
      "start": "2026-10-01",
      "end": "2026-12-31",
      "elapsed": 0.582417582418
    }
  ],
  "due": [
    {
      "kind": "kr",
      "ref": "grow.members",
      "title": "Members",
      "owner": "ann",
      "file": "club.toml",
      "last_checkin": "2026-11-10",
      "days": 13,
      "period_days": 7,
      "command": "okr checkin grow.members VALUE"
    },
    {
      "kind": "kr",
      "ref": "teach.classes",
      "title": "Classes held",
      "owner": "bob",
      "file": "club.toml",
      "last_checkin": "2026-10-20",
      "days": 34,
      "period_days": 7,
      "command": "okr checkin teach.classes VALUE"
    },
    {
      "kind": "kpi",
      "ref": "uptime",
      "title": "Site uptime",
      "owner": "ann",
      "file": "club.toml",
      "last_checkin": "2026-11-01",
      "days": 22,
      "period_days": 7,
      "command": "okr checkin uptime VALUE"
    }
  ]
}
)okr");
    }

    TEST_CASE("the terminal list: items, their age, then the commands on lines of their own") {
        const test::Club club;
        const Report report = club.report();
        const DueReport due = build_due(report, report.kpis, "", true);
        CHECK(render_terminal(due_sheet(due), Look{80, false}) ==
              R"okr(Due for a check-in · as of 2026-11-23 · 2026-Q4

     ITEM                         OWNER  LAST        AGE
KR   grow.members  Members        ann    2026-11-10  13d
KR   teach.classes  Classes held  bob    2026-10-20  34d
KPI  uptime  Site uptime          ann    2026-11-01  22d

To check in:
  okr checkin grow.members VALUE
  okr checkin teach.classes VALUE
  okr checkin uptime VALUE

2 key results with no check-in for 7 days, 1 KPI past its period.
)okr");
    }

} // TEST_SUITE
