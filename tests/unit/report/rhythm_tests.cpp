// The quarter's rhythm: due items, --fail-on, --status and --sort, the confidence roll-up,
// explain and the next cycle of a built-in one.

#include "../support.hpp"
#include "okr/core/cycle.hpp"
#include "okr/report/due.hpp"
#include "okr/report/explain.hpp"
#include "okr/report/objective_log.hpp"
#include "okr/report/rows.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace okr;
using okr::test::day;
using okr::test::Loaded;

namespace {

constexpr std::string_view k_goals = R"(
owner = "sam"
cycle = "2026-Q4"

[[objective]]
id = "fit"
title = "Get fit"

  [[objective.kr]]
  id = "run"
  title = "Longest run from 8 to 18 km"
  start = 8
  target = 18
  checkins = [
    { date = 2026-10-15, value = 10, confidence = 0.5 },
    { date = 2026-11-12, value = 12, confidence = 0.7 },
    { date = 2026-11-30, value = 13 },
  ]

  [[objective.kr]]
  id = "hr"
  title = "Resting heart rate from 62 to 56"
  owner = "kim"
  start = 62
  target = 56
  weight = 2
  checkins = [ { date = 2026-10-05, value = 61.4, confidence = 0.9 } ]

  [[objective.kr]]
  id = "race"
  title = "Register"
  type = "milestone"
  checkins = [ { date = 2026-10-20, value = 1 } ]

[[objective]]
id = "read"
title = "Read"
owner = "kim"

  [[objective.kr]]
  id = "books"
  title = "Read 12 books"
  target = 12
  checkins = [ { date = 2026-11-14, value = 10, confidence = 0.6 } ]

[[kpi]]
id = "weight"
title = "Body weight"
max = 80
warn = 83
frequency = "weekly"
checkins = [ { date = 2026-11-01, value = 81.5 } ]

[[kpi]]
id = "steps"
title = "Steps a day"
min = 8000
frequency = "daily"
checkins = [ { date = 2026-11-14, value = 9000 } ]
)";

report::Report report_of(const Loaded& l) {
    return report::build_report(l.index, l.evaluation, {});
}

} // namespace

TEST_SUITE("okr::rhythm") {
    TEST_CASE("next cycle of a built-in cycle is the next of the same kind") {
        CHECK(next_cycle_name("2026-Q4") == "2027-Q1");
        CHECK(next_cycle_name("2026-Q1") == "2026-Q2");
        CHECK(next_cycle_name("2026-H2") == "2027-H1");
        CHECK(next_cycle_name("2026-12") == "2027-01");
        CHECK(next_cycle_name("2026-09") == "2026-10");
        CHECK(next_cycle_name("2026") == "2027");
        CHECK_FALSE(next_cycle_name("launch-sprint").has_value());
    }

    TEST_CASE("a KR with no check-in for 7 days is due; one checked in 6 days ago is not") {
        Loaded l(k_goals, day("2026-11-20"));
        const auto r = report_of(l);
        const auto due = report::build_due(r, r.kpis, "", true);
        std::vector<std::string> refs;
        for (const auto& i : due.items)
            refs.push_back(i.ref);
        // run: 8 days (11-12); hr: 46 days; race: done; books: 6 days. weight: 19 days; steps:
        // 6 days, daily.
        CHECK(refs == std::vector<std::string>{"fit.run", "fit.hr", "weight", "steps"});
        CHECK(due.items[0].command == "okr checkin fit.run VALUE");
        CHECK(due.items[0].days == 8);
        CHECK(due.items[2].period == 7);
    }

    TEST_CASE("due --owner keeps the KRs and KPIs that owner owns") {
        Loaded l(k_goals, day("2026-11-22"));
        const auto r = report_of(l);
        const auto due = report::build_due(r, r.kpis, "kim", true);
        REQUIRE(due.items.size() == 2);
        CHECK(due.items[0].ref == "fit.hr");
        CHECK(due.items[1].ref == "read.books");
    }

    TEST_CASE("fail-on names the shown items that meet a condition") {
        Loaded l(k_goals, day("2026-11-20"));
        const auto r = report_of(l);
        using report::FailOn;
        const auto f = report::failing(r, {FailOn::off_track});
        CHECK(f == std::vector<std::string>{"x/fit.hr (off-track)"});
        CHECK(report::failing(r.kpis, l.evaluation.as_of, {FailOn::warn, FailOn::stale}) ==
              std::vector<std::string>{"x/weight (warn)", "x/weight (stale)", "x/steps (stale)"});
        CHECK(report::failing(r, {FailOn::breach}).empty());
    }

    TEST_CASE("--status keeps matching KRs and their objectives, and retotals") {
        Loaded l(k_goals, day("2026-11-20"));
        auto r = report_of(l);
        report::keep_statuses(r, {Status::done});
        REQUIRE(r.objectives.size() == 1);
        CHECK(r.objectives[0].ref == "x/fit");
        REQUIRE(r.objectives[0].krs.size() == 1);
        CHECK(r.objectives[0].krs[0].ref == "x/fit.race");
        REQUIRE(r.owners.size() == 1);
        CHECK(r.owners[0].owner == "sam");
    }

    TEST_CASE("--sort score puts the lowest first, KRs within objectives too") {
        Loaded l(k_goals, day("2026-11-20"));
        auto r = report_of(l);
        report::sort_report(r, report::SortKey::score);
        CHECK(r.objectives[0].ref == "x/fit");
        CHECK(r.objectives[0].krs[0].ref == "x/fit.hr");
        CHECK(r.objectives[0].krs[2].ref == "x/fit.race");
        report::sort_report(r, report::SortKey::last);
        CHECK(r.objectives[0].krs[0].ref == "x/fit.hr"); // 2026-10-05
    }

    TEST_CASE("confidence roll-up: the mean of the active KRs' confidences") {
        Loaded l(k_goals, day("2026-11-20"));
        const auto r = report_of(l);
        REQUIRE(r.objectives[0].confidence.has_value());
        CHECK(*r.objectives[0].confidence == doctest::Approx((0.7 + 0.9) / 2));
        REQUIRE(r.owners.size() == 2);
        CHECK(r.owners[0].owner == "kim");
        CHECK(*r.owners[0].confidence == doctest::Approx(0.6));
    }

    TEST_CASE("explain skips a future check-in and agrees with the evaluation") {
        Loaded l(k_goals, day("2026-11-20"));
        const auto ref = l.kr_ref("fit.run");
        const auto e = report::explain_kr(l.index, ref, l.evaluation.as_of);
        const auto& ke = l.evaluation.at(ref);
        CHECK(*e.result.current == ke.current);
        CHECK(*e.result.progress == doctest::Approx(ke.progress));
        CHECK(*e.result.score == doctest::Approx(*ke.score));
        CHECK(e.result.status == ke.status);
        CHECK(*e.result.forecast_value == doctest::Approx(*ke.forecast));
        const auto& checkins = *std::find_if(e.steps.begin(), e.steps.end(),
                                             [](const auto& s) { return s.step == "checkins"; });
        CHECK(checkins.lines.back() ==
              "skipped 2026-11-30 value 13 (x.toml:16): future: after the as-of date 2026-11-20");
    }

    TEST_CASE("explain of an objective writes out the weighted mean") {
        Loaded l(k_goals, day("2026-11-20"));
        const auto e =
            report::explain_objective(l.index, l.objective_ref("fit"), l.evaluation.as_of);
        CHECK(*e.result.score == doctest::Approx(*l.objective_eval("fit").score));
        const auto& mean = *std::find_if(e.steps.begin(), e.steps.end(),
                                         [](const auto& s) { return s.step == "score"; });
        CHECK(mean.lines[0].rfind("weighted mean (0.4 × 1 + 0.1 × 2 + 1 × 1) / (1 + 2 + 1)", 0) ==
              0);
    }

    TEST_CASE("objective log: a point a week from the cycle's start, and the last day") {
        Loaded l(k_goals, day("2026-10-20"));
        const auto log =
            report::build_objective_log(l.index, l.objective_ref("fit"), l.evaluation.as_of);
        REQUIRE(log.spans.size() == 1);
        const auto& weeks = log.spans[0].weeks;
        REQUIRE(weeks.size() == 4); // 10-01, 10-08, 10-15, 10-20
        CHECK(weeks.back().date == day("2026-10-20"));
        CHECK(*weeks[0].score == doctest::Approx(0.0));
    }
}
