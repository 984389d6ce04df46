#include "okr/core/lint.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace okr;
using okr::test::day;
using okr::test::Loaded;
using okr::test::located;

namespace {

using Strings = std::vector<std::string>;

// The findings of one rule, each as `LINE:COL: message`.
Strings findings(std::string_view text, std::string_view as_of, std::string_view rule) {
    Loaded ws(text, day(as_of));
    Strings out;
    for (const Diagnostic& d : lint(ws.index, ws.evaluation))
        if (d.rule == rule) out.push_back(located(d));
    return out;
}

// Every finding as `RULE LEVEL`.
Strings rules_of(std::string_view text, std::string_view as_of) {
    Loaded ws(text, day(as_of));
    Strings out;
    for (const Diagnostic& d : lint(ws.index, ws.evaluation))
        out.push_back(d.rule + (d.level == Level::error ? " error" : " warning"));
    return out;
}

} // namespace

TEST_SUITE("okr::lint") {

    TEST_CASE("a clean file has no findings") {
        CHECK(rules_of(R"(
owner = "alice"
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-11-10, value = 3 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  type = "milestone"
  checkins = [ { date = 2026-11-10, value = 0 } ]
)",
                       "2026-11-15")
                  .empty());
    }

    TEST_CASE("an objective with fewer than 2 active KRs is a warning at the objective") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
  status = "dropped"
)";
        CHECK(findings(text, "2026-10-01", "kr-count") ==
              Strings{"2:1: objective \"o\" has 1 active key result"});
        CHECK(rules_of(text, "2026-10-01") == Strings{"kr-count warning"});
    }

    TEST_CASE("an objective with more than 5 active KRs is a warning, and 2 to 5 are fine") {
        std::string text = "cycle = \"2026-Q4\"\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n";
        for (int i = 1; i <= 6; ++i) {
            text += fmt::format("[[objective.kr]]\nid = \"k{}\"\ntitle = \"K\"\ntarget = 10\n", i);
            if (i >= 2 && i <= 5) CHECK(findings(text, "2026-10-01", "kr-count").empty());
        }
        CHECK(findings(text, "2026-10-01", "kr-count") ==
              Strings{"2:1: objective \"o\" has 6 active key results"});
    }

    TEST_CASE("a dropped objective is not counted for its KRs") {
        CHECK(findings(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
status = "dropped"
)",
                       "2026-10-01", "kr-count")
                  .empty());
    }

    TEST_CASE("more than 5 active objectives of one owner in one cycle is a warning at the sixth") {
        std::string text = "owner = \"alice\"\ncycle = \"2026-Q4\"\n";
        for (int i = 1; i <= 6; ++i)
            text += fmt::format("[[objective]]\nid = \"o{}\"\ntitle = \"O\"\n", i);
        CHECK(findings(text, "2026-10-01", "objective-count") ==
              Strings{"18:1: owner \"alice\" has 6 active objectives in 2026-Q4"});
        text += "status = \"dropped\"\n";
        CHECK(findings(text, "2026-10-01", "objective-count").empty());
    }

    TEST_CASE("a dangling parent, kpi or kpis reference is an error at the reference") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
parent = "company/leader"
kpis = ["csat", "nps"]
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  kpi = "cstat"
[[kpi]]
id = "csat"
title = "C"
min = 1
owner = "x"
)";
        CHECK(findings(text, "2026-10-01", "dangling-ref") ==
              Strings{"5:10: unknown objective `company/leader`", "6:17: unknown KPI `nps`",
                      "11:9: unknown KPI `cstat`"});
        Loaded ws(text, day("2026-10-01"));
        for (const Diagnostic& d : lint(ws.index, ws.evaluation))
            if (d.rule == "dangling-ref") {
                CHECK(d.level == Level::error);
                if (d.message == "unknown KPI `cstat`") CHECK(d.hint == "did you mean csat?");
            }
    }

    TEST_CASE("a dangling carried_from is an error at the reference; a resolved one is fine") {
        const std::string_view text = R"(
cycle = "2027-Q1"
[[objective]]
id = "eco"
title = "Eco"
cycle = "2026-Q4"
closed = 2026-12-31
[[objective]]
id = "eco-2027-q1"
title = "Eco"
carried_from = "eco"
[[objective]]
id = "old-2027-q1"
title = "Old"
carried_from = "ecco"
)";
        CHECK(findings(text, "2027-01-10", "dangling-ref") ==
              Strings{"14:16: unknown objective `ecco`"});
    }

    TEST_CASE("a check-in in the future is a warning at the check-in") {
        CHECK(findings(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [
    { date = 2026-11-10, value = 3 },
    { date = 2026-11-16, value = 4 },
  ]
)",
                       "2026-11-15", "checkin-future") ==
              Strings{"11:5: check-in dated 2026-11-16 is in the future (as of 2026-11-15)"});
    }

    TEST_CASE("a check-in outside its objective's cycle is a warning") {
        CHECK(findings(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-09-30, value = 3 }, { date = 2026-10-01, value = 4 } ]
)",
                       "2026-11-15", "checkin-outside-cycle") ==
              Strings{"9:16: check-in dated 2026-09-30 is outside cycle 2026-Q4 (2026-10-01 to "
                      "2026-12-31)"});
    }

    namespace {

    constexpr std::string_view k_quiet_kr = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [ { date = 2026-11-01, value = 3 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
)";

    } // namespace

    TEST_CASE("a KR without a check-in for more than 14 days in a running cycle is a warning") {
        CHECK(findings(k_quiet_kr, "2026-10-15", "kr-no-checkin").empty());
        CHECK(findings(k_quiet_kr, "2026-10-16", "kr-no-checkin") ==
              Strings{"5:3: key result \"o.a\" has no check-in yet, 15 days into 2026-Q4",
                      "10:3: key result \"o.b\" has no check-in yet, 15 days into 2026-Q4"});
        CHECK(findings(k_quiet_kr, "2026-11-15", "kr-no-checkin") ==
              Strings{"10:3: key result \"o.b\" has no check-in yet, 45 days into 2026-Q4"});
        CHECK(findings(k_quiet_kr, "2026-11-16", "kr-no-checkin") ==
              Strings{"5:3: key result \"o.a\" has had no check-in for 15 days",
                      "10:3: key result \"o.b\" has no check-in yet, 46 days into 2026-Q4"});
    }

    TEST_CASE("a KR in a cycle that has ended is not asked for check-ins") {
        CHECK(findings(k_quiet_kr, "2027-01-01", "kr-no-checkin").empty());
    }

    TEST_CASE("a KPI without an owner is a warning, unless the file gives one") {
        const std::string_view kpi = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
)";
        CHECK(findings(kpi, "2026-10-01", "kpi-no-owner") ==
              Strings{"1:1: KPI \"k\" has no owner"});
        CHECK(findings(std::string("owner = \"ops\"\n") + std::string(test::text_of(kpi)),
                       "2026-10-01", "kpi-no-owner")
                  .empty());
    }

    TEST_CASE("a stale KPI is a warning that says how old its latest value is") {
        const std::string_view text = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
owner = "ops"
frequency = "weekly"
checkins = [ { date = 2026-11-07, value = 3 } ]
)";
        CHECK(findings(text, "2026-11-14", "kpi-stale").empty());
        CHECK(
            findings(text, "2026-11-15", "kpi-stale") ==
            Strings{
                "1:1: KPI \"k\" is stale: last measured 2026-11-07, 8 days ago, but it is weekly"});
    }

    TEST_CASE("current disagreeing with the latest check-in is a warning at current") {
        CHECK(findings(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  current = 5
  checkins = [ { date = 2026-11-01, value = 6 }, { date = 2026-10-20, value = 5 } ]
)",
                       "2026-11-15", "current-mismatch") ==
              Strings{"9:13: `current` is 5 but the latest check-in (2026-11-01) says 6"});
    }

    TEST_CASE("an unknown key is a warning with a did-you-mean hint") {
        Loaded ws(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
tittle = "O"
title = "O"
)",
                  day("2026-10-01"));
        const Diagnostics d = lint(ws.index, ws.evaluation);
        const auto it = std::find_if(d.begin(), d.end(),
                                     [](const Diagnostic& x) { return x.rule == "unknown-key"; });
        REQUIRE(it != d.end());
        CHECK(located(*it) == "4:1: unknown key `tittle`");
        CHECK(it->level == Level::warning);
        CHECK(it->hint == "did you mean `title`?");
    }

    TEST_CASE("findings come sorted by position") {
        Loaded ws(k_quiet_kr, day("2026-11-20"));
        const Diagnostics d = lint(ws.index, ws.evaluation);
        REQUIRE(d.size() >= 2);
        for (std::size_t i = 1; i < d.size(); ++i)
            CHECK(d[i - 1].pos <= d[i].pos);
    }

    TEST_CASE("a check-in on a dropped item is a warning, from the day it was dropped") {
        constexpr std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  status = "dropped"
  notes = "Dropped 2026-11-10: no longer a goal"
  checkins = [
    { date = 2026-11-01, value = 1 },
    { date = 2026-11-10, value = 2 },
    { date = 2026-11-20, value = 3 },
  ]
  [[objective.kr]]
  id = "j"
  title = "J"
  target = 10
  status = "dropped"
  checkins = [ { date = 2026-11-01, value = 1 } ]
[[kpi]]
id = "p"
title = "P"
owner = "x"
min = 1
status = "dropped"
checkins = [ { date = 2026-11-01, value = 1 } ]
)";
        CHECK(findings(text, "2026-11-23", "checkin-dropped") ==
              Strings{"14:5: key result \"o.k\" is dropped, yet has 2 check-ins since "
                      "2026-11-10, the latest dated 2026-11-20",
                      "21:16: key result \"o.j\" is dropped, yet has a check-in dated 2026-11-01",
                      "28:14: KPI \"p\" is dropped, yet has a check-in dated 2026-11-01"});
        CHECK(dropped_in_notes("Retro. Dropped 2026-11-10: x. Dropped 2026-11-12.") ==
              day("2026-11-12"));
        CHECK_FALSE(dropped_in_notes("Dropped soon"));
    }

    TEST_CASE("the day an item was dropped is its `dropped` key; a file without the key is read "
              "from its notes") {
        constexpr std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  status = "dropped"
  dropped = 2026-11-15
  notes = "Dropped 2026-11-10: the notes no longer say when"
  checkins = [
    { date = 2026-11-10, value = 2 },
    { date = 2026-11-20, value = 3 },
  ]
  [[objective.kr]]
  id = "j"
  title = "J"
  target = 10
  status = "dropped"
  notes = "Dropped 2026-11-10."
  checkins = [
    { date = 2026-11-01, value = 1 },
    { date = 2026-11-12, value = 2 },
  ]
[[kpi]]
id = "p"
title = "P"
owner = "x"
min = 1
status = "dropped"
dropped = 2026-11-05
checkins = [ { date = 2026-11-01, value = 1 } ]
)";
        CHECK(findings(text, "2026-11-23", "checkin-dropped") ==
              Strings{"14:5: key result \"o.k\" is dropped, yet has a check-in dated 2026-11-20",
                      "24:5: key result \"o.j\" is dropped, yet has a check-in dated 2026-11-12"});
        const GoalFile f = okr::test::valid_file(text);
        CHECK(f.objectives[0].krs[0].dropped_on == day("2026-11-15"));
        CHECK(drop_date(f.objectives[0].krs[0]) == day("2026-11-15"));
        CHECK_FALSE(f.objectives[0].krs[1].dropped_on);
        CHECK(drop_date(f.objectives[0].krs[1]) == day("2026-11-10"));
        CHECK(drop_date(f.kpis[0]) == day("2026-11-05"));
        CHECK_FALSE(drop_date(f.objectives[0]));
    }

    TEST_CASE("a check-in dated after its objective was closed is a warning, and nothing asks "
              "for one") {
        constexpr std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
closed = 2026-11-20
  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  score = 0.3
  checkins = [
    { date = 2026-11-01, value = 1 },
    { date = 2026-11-20, value = 2 },
    { date = 2026-11-21, value = 3 },
  ]
  [[objective.kr]]
  id = "j"
  title = "J"
  target = 10
  score = 0
)";
        CHECK(findings(text, "2026-12-20", "checkin-after-closed") ==
              Strings{"14:5: key result \"o.k\" has a check-in dated 2026-11-21, after its "
                      "objective was closed on 2026-11-20"});
        CHECK(findings(text, "2026-12-20", "kr-no-checkin").empty());
    }

    TEST_CASE("two check-ins on one date with different values are a warning naming both") {
        const char* text = R"(
owner = "alice"
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  checkins = [
    { date = 2026-11-10, value = 3 },
    { date = 2026-11-10, value = 3.0, note = "same value" },
    { date = 2026-11-10, value = 4 },
    { date = 2026-11-11, value = 5 },
  ]
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-11-01, value = 1 }, { date = 2026-11-01, value = 2 } ]
)";
        CHECK(findings(text, "2026-11-15", "checkin-same-date") ==
              Strings{"13:5: two check-ins on 2026-11-10 with different values: 4 here and 3 at "
                      "line 11, column 5",
                      "20:48: two check-ins on 2026-11-01 with different values: 2 here and 1 at "
                      "line 20, column 14"});
    }

} // TEST_SUITE
