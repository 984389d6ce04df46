// The grading sheet of the club: its JSON and its description, as `okr score` prints them.
#include "okr/report/score.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::score") {

    TEST_CASE("the score document: the status document plus the owners and the overall score") {
        const test::Club club;
        CHECK(score_json(club.report()) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "cycle": {
    "name": "2026-Q4",
    "start": "2026-10-01",
    "end": "2026-12-31",
    "elapsed": 0.582417582418
  },
  "cycles": [
    {
      "name": "2026-Q4",
      "start": "2026-10-01",
      "end": "2026-12-31",
      "elapsed": 0.582417582418
    }
  ],
  "objectives": [
    {
      "ref": "club/grow",
      "title": "Grow the club",
      "owner": "ann",
      "type": "committed",
      "score": 0.8,
      "status": "on-track",
      "band": "green",
      "confidence": 0.7,
      "cycle": "2026-Q4",
      "weight": 1,
      "expected": 0.582417582418,
      "missed_commitment": false,
      "closed": null,
      "carried_from": null,
      "parent": null,
      "parent_unresolved": false,
      "tags": [],
      "notes": null,
      "file": "club.toml",
      "key_results": [
        {
          "ref": "club/grow.members",
          "title": "Members",
          "start": 10,
          "target": 50,
          "current": 34,
          "unit": null,
          "progress": 0.6,
          "score": 0.6,
          "status": "on-track",
          "confidence": 0.7,
          "last_checkin": "2026-11-10",
          "forecast": 1,
          "forecast_value": 64.5663430421,
          "expected": 0.582417582418,
          "type": "metric",
          "weight": 1,
          "manual_score": null,
          "band": "yellow",
          "owner": "ann",
          "kpi": null,
          "kpi_unresolved": false
        },
        {
          "ref": "club/grow.site",
          "title": "Launch the site",
          "start": 0,
          "target": 1,
          "current": 1,
          "unit": null,
          "progress": 1,
          "score": 1,
          "status": "done",
          "confidence": null,
          "last_checkin": "2026-11-01",
          "forecast": 1,
          "forecast_value": 2.93548387097,
          "expected": 0.582417582418,
          "type": "milestone",
          "weight": 1,
          "manual_score": null,
          "band": "green",
          "owner": "ann",
          "kpi": null,
          "kpi_unresolved": false
        }
      ],
      "kpis": [
        "club/uptime"
      ],
      "unresolved_kpis": []
    },
    {
      "ref": "club/teach",
      "title": "Teach beginners",
      "owner": "bob",
      "type": "aspirational",
      "score": 0.25,
      "status": "off-track",
      "band": "red",
      "confidence": null,
      "cycle": "2026-Q4",
      "weight": 1,
      "expected": 0.582417582418,
      "missed_commitment": false,
      "closed": null,
      "carried_from": null,
      "parent": "club/grow",
      "parent_unresolved": false,
      "tags": [],
      "notes": null,
      "file": "club.toml",
      "key_results": [
        {
          "ref": "club/teach.classes",
          "title": "Classes held",
          "start": 0,
          "target": 12,
          "current": 3,
          "unit": null,
          "progress": 0.25,
          "score": 0.25,
          "status": "off-track",
          "confidence": null,
          "last_checkin": "2026-10-20",
          "forecast": 1,
          "forecast_value": 14.3684210526,
          "expected": 0.582417582418,
          "type": "metric",
          "weight": 1,
          "manual_score": null,
          "band": "red",
          "owner": "bob",
          "kpi": null,
          "kpi_unresolved": false
        }
      ],
      "kpis": [],
      "unresolved_kpis": []
    }
  ],
  "kpis": [
    {
      "ref": "club/uptime",
      "title": "Site uptime",
      "value": 98.2,
      "min": 99,
      "max": null,
      "health": "breach",
      "stale": true,
      "warn": null,
      "unit": "%",
      "owner": "ann",
      "frequency": "weekly",
      "last_checkin": "2026-11-01",
      "dropped": false,
      "tags": [],
      "history": [
        99.5,
        98.2
      ]
    }
  ],
  "owners": [
    {
      "owner": "ann",
      "score": 0.8,
      "band": "green",
      "objectives": 1,
      "confidence": 0.7
    },
    {
      "owner": "bob",
      "score": 0.25,
      "band": "red",
      "objectives": 1,
      "confidence": null
    }
  ],
  "overall": 0.525,
  "band": "yellow"
}
)okr");
    }

    TEST_CASE("the terminal grading sheet: weights, scores, bands, then the totals per owner") {
        const test::Club club;
        CHECK(render_terminal(score_sheet(club.report()), Look{80, false}) ==
              R"okr(Club · 2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed) · as of 2026-11-23

OBJECTIVE / KEY RESULT   OWNER  TYPE          WEIGHT  SCORE  BAND
grow  Grow the club      ann    committed          1   0.80  green
  members  Members                                 1   0.60  yellow
  site  Launch the site                            1   1.00  green
teach  Teach beginners   bob    aspirational       1   0.25  red
  classes  Classes held                            1   0.25  red

OWNER    OBJECTIVES  SCORE  BAND
ann               1   0.80  green
bob               1   0.25  red
overall           2   0.52  yellow
)okr");
    }

    TEST_CASE("Markdown: the grading sheet and the totals") {
        const test::Club club;
        CHECK(render_markdown(score_sheet(club.report())) == R"okr(# Club — scores

2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed)  
as of 2026-11-23  

## Grading sheet

| Ref | Title | Owner | Type | Weight | Score | Band | Note |
| --- | --- | --- | --- | ---: | ---: | --- | --- |
| club/grow | Grow the club | ann | committed | 1 | 0.80 | **green** |  |
| &nbsp;&nbsp;&nbsp;club/grow.members | Members | ann |  | 1 | 0.60 | **yellow** |  |
| &nbsp;&nbsp;&nbsp;club/grow.site | Launch the site | ann |  | 1 | 1.00 | **green** |  |
| club/teach | Teach beginners | bob | aspirational | 1 | 0.25 | **red** |  |
| &nbsp;&nbsp;&nbsp;club/teach.classes | Classes held | bob |  | 1 | 0.25 | **red** |  |

## Totals

| Owner | Objectives | Score | Band |
| --- | ---: | ---: | --- |
| ann | 1 | 0.80 | **green** |
| bob | 1 | 0.25 | **red** |
| overall | 2 | 0.52 | **yellow** |

)okr");
    }

    TEST_CASE("the grading sheet made a window at a time renders as its rows held whole") {
        const test::Club club;
        const Report report = club.report();
        test::check_windows_render_as_held(score_sheet(report));
    }

    TEST_CASE("the grading sheet is made for the medium it is drawn in") {
        const test::Club club;
        const Report report = club.report(); // the sheet's rows are made from it
        const Sheet sheet = score_sheet(report);
        const auto [terminal, documents] = test::check_rows_made_for_medium(sheet.sections.front());
        CHECK(terminal >= 5);
        CHECK(documents == terminal);
    }

} // TEST_SUITE
