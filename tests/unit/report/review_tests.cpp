// The review of the club: its JSON and its description, as `okr review` prints them.
#include "okr/report/review.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::review") {

    TEST_CASE("the review document: the score document plus each list of the review") {
        const test::Club club;
        const Review review = build_review(club.index, club.evaluation,
                                           evaluate(club.index, default_window_start(club.as_of())),
                                           Selection{}, std::nullopt);
        CHECK(review_json(review) == R"okr({
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
  "band": "yellow",
  "since": null,
  "window_start": "2026-10-26",
  "overall_before": 0.1875,
  "distribution": {
    "0.0-0.2": 0,
    "0.2-0.4": 1,
    "0.4-0.6": 0,
    "0.6-0.8": 1,
    "0.8-1.0": 1,
    "green": 1,
    "yellow": 1,
    "red": 1
  },
  "delivered": [
    {
      "ref": "club/grow.site",
      "title": "Launch the site",
      "owner": "ann",
      "score": 1,
      "progress": 1,
      "value": 1,
      "target": 1,
      "unit": null,
      "outcome": "delivered",
      "value_before": 0,
      "progress_before": 0,
      "delta": 1,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-01",
          "value": 1,
          "note": null
        }
      ]
    }
  ],
  "in_progress": [
    {
      "ref": "club/grow.members",
      "title": "Members",
      "owner": "ann",
      "score": 0.6,
      "progress": 0.6,
      "value": 34,
      "target": 50,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 20,
      "progress_before": 0.25,
      "delta": 14,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-10",
          "value": 34,
          "note": null
        }
      ]
    },
    {
      "ref": "club/teach.classes",
      "title": "Classes held",
      "owner": "bob",
      "score": 0.25,
      "progress": 0.25,
      "value": 3,
      "target": 12,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 3,
      "progress_before": 0.25,
      "delta": 0,
      "days_silent": 34,
      "checkins": []
    }
  ],
  "missed": [],
  "missed_commitments": [],
  "dropped": [],
  "movers": [
    {
      "ref": "club/grow.site",
      "title": "Launch the site",
      "owner": "ann",
      "score": 1,
      "progress": 1,
      "value": 1,
      "target": 1,
      "unit": null,
      "outcome": "delivered",
      "value_before": 0,
      "progress_before": 0,
      "delta": 1,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-01",
          "value": 1,
          "note": null
        }
      ]
    },
    {
      "ref": "club/grow.members",
      "title": "Members",
      "owner": "ann",
      "score": 0.6,
      "progress": 0.6,
      "value": 34,
      "target": 50,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 20,
      "progress_before": 0.25,
      "delta": 14,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-10",
          "value": 34,
          "note": null
        }
      ]
    }
  ],
  "no_recent_checkin": [
    {
      "ref": "club/teach.classes",
      "title": "Classes held",
      "owner": "bob",
      "score": 0.25,
      "progress": 0.25,
      "value": 3,
      "target": 12,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 3,
      "progress_before": 0.25,
      "delta": 0,
      "days_silent": 34,
      "checkins": []
    }
  ],
  "kpi_alerts": [
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
  "kpi_stale": [
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
  "notes": [],
  "moved": [
    {
      "ref": "club/grow.members",
      "title": "Members",
      "owner": "ann",
      "score": 0.6,
      "progress": 0.6,
      "value": 34,
      "target": 50,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 20,
      "progress_before": 0.25,
      "delta": 14,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-10",
          "value": 34,
          "note": null
        }
      ]
    },
    {
      "ref": "club/grow.site",
      "title": "Launch the site",
      "owner": "ann",
      "score": 1,
      "progress": 1,
      "value": 1,
      "target": 1,
      "unit": null,
      "outcome": "delivered",
      "value_before": 0,
      "progress_before": 0,
      "delta": 1,
      "days_silent": null,
      "checkins": [
        {
          "date": "2026-11-01",
          "value": 1,
          "note": null
        }
      ]
    }
  ],
  "not_moved": [
    {
      "ref": "club/teach.classes",
      "title": "Classes held",
      "owner": "bob",
      "score": 0.25,
      "progress": 0.25,
      "value": 3,
      "target": 12,
      "unit": null,
      "outcome": "in-progress",
      "value_before": 3,
      "progress_before": 0.25,
      "delta": 0,
      "days_silent": 34,
      "checkins": []
    }
  ]
}
)okr");
    }

    TEST_CASE("the terminal review: scores, confidence, the distribution and each list") {
        const test::Club club;
        const Review review = build_review(club.index, club.evaluation,
                                           evaluate(club.index, default_window_start(club.as_of())),
                                           Selection{}, std::nullopt);
        CHECK(render_terminal(review_sheet(review), Look{80, false}) ==
              R"okr(Club · 2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed) · as of 2026-11-23

Overall score 0.52 (yellow)
  ann           0.80 (green) · confidence 70%
  bob           0.25 (red)

Confidence by objective (average of its active KRs)
  grow  Grow the club  70%
  teach  Teach beginners  -

Key result scores (3)
  0.0-0.2    0  
  0.2-0.4    1  ██████████████████████████████
  0.4-0.6    0  
  0.6-0.8    1  ██████████████████████████████
  0.8-1.0    1  ██████████████████████████████
  green 1 · yellow 1 · red 1

Delivered, score >= 0.7 (1)
KEY RESULT                  OWNER  NOW / TARGET  SCORE
grow.site  Launch the site  ann    done           1.00

In progress (2)
KEY RESULT                   OWNER  NOW / TARGET  SCORE
grow.members  Members        ann    34 / 50        0.60
teach.classes  Classes held  bob    3 / 12         0.25

Missed (0)
  none

Missed commitments (0)
  none

Dropped (0)
  none

Biggest movers since 2026-10-26
KEY RESULT                    BEFORE   NOW  CHANGE  PROGRESS
grow.site  Launch the site  not done  done      +1  +100 pts
grow.members  Members             20    34     +14   +35 pts

No check-in for 14 days (1)
  teach.classes  Classes held  34 days

KPIs in warning or breach (1)
KPI                  VALUE  HEALTHY  HEALTH          LAST
uptime  Site uptime  98.2%  >= 99    breach (stale)  2026-11-01

Stale KPIs (1)
KPI                  VALUE  HEALTHY  HEALTH          LAST
uptime  Site uptime  98.2%  >= 99    breach (stale)  2026-11-01

Notes
  none
)okr");
    }

    TEST_CASE("Markdown: one section per list, \"none\" where a list is empty") {
        const test::Club club;
        const Review review = build_review(club.index, club.evaluation,
                                           evaluate(club.index, default_window_start(club.as_of())),
                                           Selection{}, std::nullopt);
        CHECK(render_markdown(review_sheet(review)) == R"okr(# Club — review

2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed)  
as of 2026-11-23  

## Scores

| Owner | Objectives | Score | Band | Confidence |
| --- | ---: | ---: | --- | ---: |
| ann | 1 | 0.80 | **green** | 70% |
| bob | 1 | 0.25 | **red** | - |
| overall | 2 | 0.52 | **yellow** |  |

Key result scores: 0.0-0.2: 0, 0.2-0.4: 1, 0.4-0.6: 0, 0.6-0.8: 1, 0.8-1.0: 1 (green 1, yellow 1, red 1).

## Confidence by objective (average of its active KRs)

| Ref | Title | Score | Confidence | Carried from |
| --- | --- | ---: | ---: | --- |
| grow | Grow the club | 0.80 | 70% |  |
| teach | Teach beginners | 0.25 | - |  |

## Objectives

| Ref | Title | Owner | Type | Score | Band | Confidence | Note |
| --- | --- | --- | --- | ---: | --- | ---: | --- |
| grow | Grow the club | ann | committed | 0.80 | **green** | 70% |  |
| teach | Teach beginners | bob | aspirational | 0.25 | **red** | - |  |

## Delivered, score &gt;= 0.7 (1)

| Ref | Title | Owner | Value | Target | Unit | Score | Outcome |
| --- | --- | --- | --- | --- | --- | ---: | --- |
| grow.site | Launch the site | ann | done | done |  | 1.00 | **delivered** |

## In progress (2)

| Ref | Title | Owner | Value | Target | Unit | Score | Outcome |
| --- | --- | --- | ---: | ---: | --- | ---: | --- |
| grow.members | Members | ann | 34 | 50 |  | 0.60 | **in-progress** |
| teach.classes | Classes held | bob | 3 | 12 |  | 0.25 | **in-progress** |

## Missed (0)

_None._

## Missed commitments (0)

_None._

## Dropped (0)

_None._

## Biggest movers since 2026-10-26

| Ref | Title | Owner | Before | Now | Change | Progress | Unit | Notes |
| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |
| grow.site | Launch the site | ann | not done | done | +1 | +100 pts |  |  |
| grow.members | Members | ann | 20 | 34 | +14 | +35 pts |  |  |

## No check-in for 14 days (1)

| Key result | Ref | Title | Owner | Now / target | Value | Target | Unit | Score | Outcome |
| --- | --- | --- | --- | ---: | ---: | ---: | --- | ---: | --- |
| teach.classes  Classes held | teach.classes | Classes held | bob | 3 / 12 | 3 | 12 |  | 0.25 | **in-progress** |

## KPIs in warning or breach (1)

| Ref | Title | Owner | Value | Unit | Min | Max | Warn | Health | Stale | Last check-in | Trend |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- |
| uptime | Site uptime | ann | 98.2 | % | 99 | - | - | **breach** | stale | 2026-11-01 | █▁ |

## Stale KPIs (1)

| Ref | Title | Owner | Value | Unit | Min | Max | Warn | Health | Stale | Last check-in | Trend |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- |
| uptime | Site uptime | ann | 98.2 | % | 99 | - | - | **breach** | stale | 2026-11-01 | █▁ |

## Notes

_None._

)okr");
    }

    TEST_CASE("since a date: what moved, with its notes, and what did not") {
        const test::Club club;
        const Review review =
            build_review(club.index, club.evaluation, evaluate(club.index, test::day("2026-11-01")),
                         Selection{}, test::day("2026-11-01"));
        CHECK(render_terminal(review_sheet(review), Look{80, false}) ==
              R"okr(Club · 2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed) · as of 2026-11-23

Since 2026-11-01: overall score 0.43 → 0.52 (yellow)

Confidence by objective (average of its active KRs)
  grow  Grow the club  70%
  teach  Teach beginners  -

Moved since 2026-11-01 (1)
KEY RESULT             BEFORE  NOW  CHANGE  PROGRESS
grow.members  Members      20   34     +14   +35 pts

Did not move (2)
KEY RESULT                   OWNER  NOW / TARGET  SCORE
grow.site  Launch the site   ann    done           1.00
teach.classes  Classes held  bob    3 / 12         0.25

KPIs in warning or breach (1)
KPI                  VALUE  HEALTHY  HEALTH          LAST
uptime  Site uptime  98.2%  >= 99    breach (stale)  2026-11-01
)okr");
    }

    TEST_CASE("the review made a window at a time renders as its rows held whole") {
        const test::Club club;
        for (std::optional<Date> since :
             {std::optional<Date>(), std::optional<Date>(test::day("2026-11-01"))}) {
            const Review review = build_review(
                club.index, club.evaluation,
                evaluate(club.index, since ? *since : default_window_start(club.as_of())),
                Selection{}, since);
            test::check_windows_render_as_held(review_sheet(review));
        }
    }

    TEST_CASE("a KR that several lists show is held once, and its notes are the model's text") {
        const test::Club club;
        const Review review =
            build_review(club.index, club.evaluation, evaluate(club.index, test::day("2026-10-10")),
                         Selection{}, test::day("2026-10-10"));
        // Every KR is in one of delivered, in progress or missed and in one of moved or not
        // moved: three KRs, held once each.
        REQUIRE(review.krs.size() == 3);
        CHECK(review.delivered.size() + review.in_progress.size() + review.missed.size() == 3);
        CHECK(review.moved.size() + review.not_moved.size() == 3);
        for (const ReviewKrs* list :
             {&review.delivered, &review.in_progress, &review.missed, &review.moved,
              &review.not_moved, &review.movers, &review.silent})
            for (const std::size_t at : *list)
                CHECK(at < review.krs.size());
        const ReviewKr& members = review.krs.front();
        CHECK(members.ref == "club/grow.members");
        REQUIRE(members.notes.size() == 2);
        const Checkin& open_day = club.workspace.files[0].objectives[0].krs[0].checkins[0];
        CHECK(members.notes[0].note == "open day");
        CHECK(members.notes[0].note.data() == open_day.note.view().data());
    }

    TEST_CASE("the review's lists of KRs are made for the medium they are drawn in") {
        const test::Club club;
        for (std::optional<Date> since :
             {std::optional<Date>(), std::optional<Date>(test::day("2026-11-01"))}) {
            const Review review = build_review(
                club.index, club.evaluation,
                evaluate(club.index, since ? *since : default_window_start(club.as_of())),
                Selection{}, since);
            const Sheet sheet = review_sheet(review);
            std::size_t lists = 0, rows = 0;
            for (const Section& s : sheet.sections) {
                if (!s.more_rows.make || s.columns.empty() || s.columns.front().key == "kpi")
                    continue;
                ++lists;
                const auto [terminal, documents] = test::check_rows_made_for_medium(s);
                rows += terminal + documents;
            }
            CHECK(lists >= 2);
            CHECK(rows > 0);
        }
    }

} // TEST_SUITE
