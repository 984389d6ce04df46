#include "okr/cli/session.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <optional>

using namespace okr;
using okr::cli::LoadedGoals;
using okr::test::day;
using okr::test::valid_file;

namespace {

LoadedGoals loaded_goals() {
    LoadedGoals goals;
    goals.loaded.workspace.files.push_back(valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "eco"
title = "Become a market leader"
  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
)",
                                                      "growth.toml"));
    goals.index = std::make_unique<WorkspaceIndex>(goals.loaded.workspace);
    goals.evaluation = evaluate(*goals.index, day("2026-11-01"));
    return goals;
}

} // namespace

TEST_SUITE("okr::cli::session") {

    TEST_CASE("every date on the command line is read by one parser, which says why a date does "
              "not exist") {
        const Date today = day("2026-11-23");
        CHECK(cli::parse_date_arg("--as-of", "2026-11-20", today) == day("2026-11-20"));
        CHECK(cli::parse_date_arg("--since", "-1w", today) == day("2026-11-16"));
        CHECK(cli::parse_date_arg("--date", "yesterday", today) == day("2026-11-22"));
        auto error = [&](std::string_view what, std::string_view text) -> std::string {
            try {
                (void)cli::parse_date_arg(what, text, today);
            } catch (const cli::CommandError& e) {
                CHECK(e.code == cli::ExitCode::usage);
                CHECK(e.hint ==
                      "use YYYY-MM-DD (a real calendar date), today, yesterday, -3d or -2w");
                return e.what();
            }
            return "no error";
        };
        CHECK(error("--as-of", "2026-02-30") ==
              "--as-of: 2026-02-30 does not exist: February 2026 has 28 days");
        CHECK(error("--since", "2026-13-01") ==
              "--since: 2026-13-01 does not exist: there is no month 13");
        CHECK(error("--date", "next tuesday") == "--date: not a date: \"next tuesday\"");
    }

    TEST_CASE("loaded goals moved elsewhere keep an index on their own workspace") {
        std::optional<LoadedGoals> first(loaded_goals());
        LoadedGoals moved(std::move(*first));
        first.reset(); // the workspace it was built on is gone
        CHECK(&moved.index->workspace() == &moved.loaded.workspace);
        auto o = moved.index->objective("growth/eco", 0);
        REQUIRE(o.found);
        CHECK(moved.index->at(*o.found).title == "Become a market leader");
        auto kr = moved.index->kr("launch", 0, true);
        REQUIRE(kr.found);
        CHECK(moved.index->ref_of(*kr.found) == "growth/eco.launch");

        LoadedGoals assigned;
        assigned = std::move(moved);
        CHECK(&assigned.index->workspace() == &assigned.loaded.workspace);
        auto k = assigned.index->kpi("csat", 0);
        REQUIRE(k.found);
        CHECK(assigned.index->at(*k.found).title == "CSAT");
    }

} // TEST_SUITE
