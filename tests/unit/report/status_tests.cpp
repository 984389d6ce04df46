// The status report of the club: its JSON and its description, as `okr status` prints them.
#include "okr/report/status.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::status") {

    TEST_CASE(
        "the status document: objectives with their key results and KPIs, every KPI, the owners") {
        const test::Club club;
        CHECK(status_json(club.report()) == R"okr({
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
  ]
}
)okr");
    }

    TEST_CASE("the terminal table at 80 columns: objectives, their KRs and their KPI, then the "
              "overall score") {
        const test::Club club;
        CHECK(render_terminal(status_sheet(club.report()), Look{80, false}) ==
              R"okr(Club · 2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed) · as of 2026-11-23

OBJECTIVE / KEY RESULT       PROGRESS          NOW / TARGET  EXP  STATUS
grow  Grow the club [commi…  ████████░░   80%                58%  on-track
  members  Members           ██████░░░░   60%  34 / 50       58%  on-track
  site  Launch the site      ██████████  100%  done          58%  done
  ◆ uptime  Site uptime      █▁                98.2%  >= 99       breach (stale)
teach  Teach beginners       ██▌░░░░░░░   25%  ↑ club/grow   58%  off-track
  classes  Classes held      ██▌░░░░░░░   25%  3 / 12        58%  off-track

2 objectives · overall score 0.52 (yellow)
)okr");
    }

    TEST_CASE(
        "Markdown: the documents' columns, and the supporting KPIs in a section of their own") {
        const test::Club club;
        CHECK(render_markdown(status_sheet(club.report())) == R"okr(# Club — status

2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed)  
as of 2026-11-23  

## Objectives and key results

| Ref | Title | Owner | Progress | Current | Target | Unit | Expected | Status | Confidence | Last check-in | Forecast |
| --- | --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: | --- | ---: |
| club/grow | Grow the club | ann | `████████░░` 80% |  |  |  | 58% | **on-track** |  |  |  |
| &nbsp;&nbsp;&nbsp;club/grow.members | Members | ann | `██████░░░░` 60% | 34 | 50 |  | 58% | **on-track** | 70% | 2026-11-10 | 100% |
| &nbsp;&nbsp;&nbsp;club/grow.site | Launch the site | ann | `██████████` 100% | done | done |  | 58% | **done** | - | 2026-11-01 | 100% |
| club/teach | Teach beginners | bob | `██▌░░░░░░░` 25% |  |  |  | 58% | **off-track** |  |  |  |
| &nbsp;&nbsp;&nbsp;club/teach.classes | Classes held | bob | `██▌░░░░░░░` 25% | 3 | 12 |  | 58% | **off-track** | - | 2026-10-20 | 100% |

2 objectives · overall score 0.52 (yellow)

## Supporting KPIs

| Objective | Ref | Title | Value | Unit | Min | Max | Warn | Health | Stale | Last check-in | Trend |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- |
| club/grow | club/uptime | Site uptime | 98.2 | % | 99 | - | - | **breach** | stale | 2026-11-01 | █▁ |

)okr");
    }

    TEST_CASE("rows made a window at a time render as the same rows held whole, in every format") {
        const test::Club club;
        const Report report = club.report();
        const Sheet made = status_sheet(report);
        test::check_windows_render_as_held(made);
        // Windows of any size make the same rows, in order, each part once: the rows of the
        // first section, made one part at a time, are the ones held whole.
        const auto first_cells = [&](std::size_t window) {
            std::string texts;
            for_each_row(
                made.sections.front(),
                [&](const SheetRow& row) { texts += row.cells.front().text + "\n"; }, window);
            return texts;
        };
        const std::string whole = first_cells(1);
        CHECK_FALSE(whole.empty());
        for (std::size_t window : {1, 2, 3, 1000}) {
            CAPTURE(window);
            CHECK(first_cells(window) == whole);
        }
    }

    TEST_CASE("rows made for one medium build no cell of a column only the other shows") {
        const test::Club club;
        const Report report = club.report();
        const Sheet made = status_sheet(report);
        const auto rows_for = [&](const Section& s, Media medium) {
            std::vector<SheetRow> rows;
            for_each_row(
                s, [&](const SheetRow& row) { rows.push_back(row); }, k_row_window, medium);
            return rows;
        };
        const Section& objectives = made.sections.front();
        for (Media medium : {Media::terminal, Media::documents}) {
            CAPTURE(static_cast<int>(medium));
            const auto rows = rows_for(objectives, medium);
            CHECK(rows.size() >= 4);
            for (const SheetRow& row : rows)
                for (std::size_t i = 0; i < objectives.columns.size() && i < row.cells.size(); ++i)
                    if (objectives.columns[i].media != Media::all &&
                        objectives.columns[i].media != medium)
                        CHECK(row.cells[i].text.empty());
        }
        // Made for every medium, a row has the cells of both (the ref shows in documents only).
        const auto all = rows_for(objectives, Media::all);
        REQUIRE_FALSE(all.empty());
        CHECK_FALSE(all.front().cells[0].text.empty());
        CHECK_FALSE(all.front().cells[1].text.empty());
        // A section of the documents is not made for the terminal.
        REQUIRE(made.sections.size() == 2);
        CHECK(made.sections.back().media == Media::documents);
        CHECK(rows_for(made.sections.back(), Media::terminal).empty());
        CHECK_FALSE(rows_for(made.sections.back(), Media::documents).empty());
    }

} // TEST_SUITE
