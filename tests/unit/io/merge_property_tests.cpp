// The merge oracle (tests/fuzz/merge_oracle.hpp) on seeded random three-way edits: the same
// checks the fuzz target makes, on a fixed set of cases in every build.
#include "../../fuzz/merge_oracle.hpp"

#include <cstdlib>
#include <doctest/doctest.h>

TEST_SUITE("okr::merge") {
    TEST_CASE("random three-way edits merge without losing a line, and clean results load") {
        // OKR_MERGE_SEEDS runs more cases (default 300), for a longer look than a build's.
        const char* more = std::getenv("OKR_MERGE_SEEDS");
        const std::uint32_t seeds = more ? static_cast<std::uint32_t>(std::atoi(more)) : 300;
        std::size_t clean = 0, conflicted = 0, one_sided = 0;
        for (std::uint32_t seed = 1; seed <= seeds; ++seed) {
            okr::test::Choices choices(seed);
            const okr::test::ThreeWay w = okr::test::make_three_way(choices);
            const std::vector<std::string> wrong = okr::test::check_merge(w);
            INFO("seed ", seed, "\n--- base ---\n", w.base, "--- ours ---\n", w.ours,
                 "--- theirs ---\n", w.theirs);
            std::string said;
            for (const std::string& x : wrong)
                said += x + "\n";
            CHECK_MESSAGE(wrong.empty(), said);
            okr::Result<okr::io::GoalMerge> m = okr::io::merge_goal_files(
                w.base, w.ours, w.theirs, "okr.toml", {}, okr::io::git_merge_file);
            REQUIRE(m.ok());
            ++(m->conflicts.empty() ? clean : conflicted);
            if (okr::io::one_sided_merge(w.base, w.ours, w.theirs)) ++one_sided;
        }
        // The cases are worth their time: most merge cleanly, some conflict.
        CHECK(clean > seeds / 2);
        CHECK(conflicted > seeds / 30);
        // The merge without a line diff (checked against git's by the oracle) is taken often.
        MESSAGE(one_sided, " of ", seeds, " cases merged by parts changed on one side");
        CHECK(one_sided > seeds / 10);
    }
}
