// An objective's history week by week, as `okr log OBJ` prints it.
#include "okr/report/objective_log.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::objective_log") {

    TEST_CASE("the document: the chain of objectives and their weeks") {
        const test::Club club;
        const ObjectiveLog log =
            build_objective_log(club.index, club.objective_ref("grow"), club.as_of());
        CHECK(objective_log_json(log) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "kind": "objective",
  "ref": "club/grow",
  "title": "Grow the club",
  "chain": [
    {
      "ref": "club/grow",
      "title": "Grow the club",
      "cycle": {
        "name": "2026-Q4",
        "start": "2026-10-01",
        "end": "2026-12-31"
      },
      "closed": null,
      "weeks": [
        {
          "date": "2026-10-01",
          "score": 0,
          "confidence": null
        },
        {
          "date": "2026-10-08",
          "score": 0,
          "confidence": null
        },
        {
          "date": "2026-10-15",
          "score": 0.125,
          "confidence": 0.6
        },
        {
          "date": "2026-10-22",
          "score": 0.125,
          "confidence": 0.6
        },
        {
          "date": "2026-10-29",
          "score": 0.125,
          "confidence": 0.6
        },
        {
          "date": "2026-11-05",
          "score": 0.625,
          "confidence": 0.6
        },
        {
          "date": "2026-11-12",
          "score": 0.8,
          "confidence": 0.7
        },
        {
          "date": "2026-11-19",
          "score": 0.8,
          "confidence": 0.7
        },
        {
          "date": "2026-11-23",
          "score": 0.8,
          "confidence": 0.7
        }
      ]
    }
  ],
  "unresolved": []
}
)okr");
    }

    TEST_CASE("the terminal: the chart and a row per week") {
        const test::Club club;
        const ObjectiveLog log =
            build_objective_log(club.index, club.objective_ref("grow"), club.as_of());
        CHECK(render_terminal(objective_log_sheet(log), Look{80, false}) ==
              R"okr(club/grow  Grow the club
club/grow (2026-Q4) · as of 2026-11-23

       1 ┤──────────────────────────────────────────────────────────────────────
         ┤
         ┤                              ••●••••●••●
         ┤                           ●••···········
         ┤           ···············•·
         ┤                         •
         ┤                       ••
         ┤                      •
         ┤        •••●••••●••••●
       0 ┤●••••●••
         └──────────────────────────────────────────────────────────────────────
          2026-10-01                                                  2026-12-31
          ● score  · confidence  ─ done 1

DATE        CYCLE    OBJECTIVE  SCORE              CONF
2026-10-01  2026-Q4  club/grow   0.00  ░░░░░░░░░░     -
2026-10-08  2026-Q4  club/grow   0.00  ░░░░░░░░░░     -
2026-10-15  2026-Q4  club/grow   0.12  █▎░░░░░░░░   60%
2026-10-22  2026-Q4  club/grow   0.12  █▎░░░░░░░░   60%
2026-10-29  2026-Q4  club/grow   0.12  █▎░░░░░░░░   60%
2026-11-05  2026-Q4  club/grow   0.62  ██████▎░░░   60%
2026-11-12  2026-Q4  club/grow   0.80  ████████░░   70%
2026-11-19  2026-Q4  club/grow   0.80  ████████░░   70%
2026-11-23  2026-Q4  club/grow   0.80  ████████░░   70%
)okr");
    }

} // TEST_SUITE
