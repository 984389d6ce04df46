#include "okr/io/merge.hpp"

#include <doctest/doctest.h>
#include <string>

using okr::io::merge_goal_files;

namespace {

const std::string k_base = R"(title = "T"
cycle = "2026-Q4"

[[objective]]
id = "o"
title = "O"

  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [ { date = 2026-10-01, value = 1 } ]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

} // namespace

TEST_SUITE("okr::merge") {
    TEST_CASE("check-ins added on both sides are all kept, in date order, one per line") {
        const std::string ours =
            with(k_base, "value = 1 } ]", "value = 1 }, { date = 2026-10-20, value = 4 } ]");
        const std::string theirs =
            with(k_base, "value = 1 } ]", "value = 1 }, { date = 2026-10-10, value = 2 } ]");
        const auto m = merge_goal_files(k_base, ours, theirs, "okr.toml");
        REQUIRE(m.merged);
        CHECK(m.conflicts == 0);
        CHECK(m.text == with(k_base, "  checkins = [ { date = 2026-10-01, value = 1 } ]\n",
                             "  checkins = [\n"
                             "    { date = 2026-10-01, value = 1 },\n"
                             "    { date = 2026-10-10, value = 2 },\n"
                             "    { date = 2026-10-20, value = 4 },\n"
                             "  ]\n"));
    }

    TEST_CASE("the same check-in added on both sides is kept once") {
        const std::string both =
            with(k_base, "value = 1 } ]", "value = 1 }, { date = 2026-10-20, value = 4 } ]");
        const auto m = merge_goal_files(k_base, both, both, "okr.toml");
        REQUIRE(m.merged);
        CHECK(m.text == both);
    }

    TEST_CASE("a key changed on one side only takes that change") {
        const auto m = merge_goal_files(k_base, with(k_base, "title = \"T\"", "title = \"U\""),
                                        with(k_base, "target = 10", "target = 12"), "okr.toml");
        REQUIRE(m.merged);
        CHECK(m.text ==
              with(with(k_base, "title = \"T\"", "title = \"U\""), "target = 10", "target = 12"));
    }

    TEST_CASE("the same key changed both ways is a conflict around that item alone") {
        const auto m = merge_goal_files(k_base, with(k_base, "target = 10", "target = 11"),
                                        with(k_base, "target = 10", "target = 12"), "okr.toml");
        REQUIRE(m.merged);
        CHECK(m.conflicts == 1);
        CHECK(m.text.find("<<<<<<< ours\n  [[objective.kr]]\n") != std::string::npos);
        CHECK(m.text.find("target = 11\n  checkins = [ { date = 2026-10-01, value = 1 } ]\n"
                          "=======\n  [[objective.kr]]") != std::string::npos);
        CHECK(m.text.find("target = 12\n  checkins = [ { date = 2026-10-01, value = 1 } ]\n"
                          ">>>>>>> theirs\n") != std::string::npos);
        CHECK(m.text.find("[[objective]]\nid = \"o\"") < m.text.find("<<<<<<<"));
    }

    TEST_CASE("an objective added on one side is added after its predecessor") {
        const std::string added = k_base + "\n[[objective]]\nid = \"p\"\ntitle = \"P\"\n";
        const auto m = merge_goal_files(k_base, with(k_base, "title = \"T\"", "title = \"U\""),
                                        added, "okr.toml");
        REQUIRE(m.merged);
        CHECK(m.text == with(added, "title = \"T\"", "title = \"U\""));
    }

    TEST_CASE("a version that is not a goal file is left to the line merge") {
        const auto m = merge_goal_files(k_base, "title = [", k_base, "okr.toml");
        CHECK_FALSE(m.merged);
        CHECK(m.reason.find("OURS is not valid TOML") == 0);
    }
}
