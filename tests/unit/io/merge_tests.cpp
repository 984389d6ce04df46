#include "okr/io/merge.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <random>
#include <string>

using okr::io::GoalMerge;
using okr::io::merge_goal_files;
using okr::io::MergeMethod;

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

// A team file of several items, one with a multi-line note that holds a header.
const std::string k_team = R"(title = "Team"
cycle = "2026-Q4"

[[objective]]
id = "a"
title = "A"
notes = """
[[objective]]
id = "fake"
"""

  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [
    { date = 2026-10-01, value = 1 },
  ]

# Between a and b
[[objective]]
id = "b"
title = "B"

  [[objective.kr]]
  id = "k"
  title = "K"
  target = 5
  checkins = [
    { date = 2026-10-02, value = 1 },
  ]

[[kpi]]
id = "c"
title = "C"
min = 90
checkins = [
  { date = 2026-10-31, value = 91 },
]
)";

// The text after the n-th (0-based) occurrence of `after`, with `line` inserted there.
std::string insert_after(std::string text, const std::string& after, const std::string& line,
                         std::size_t n = 0) {
    std::size_t at = text.find(after);
    while (n-- > 0 && at != std::string::npos)
        at = text.find(after, at + 1);
    REQUIRE(at != std::string::npos);
    text.insert(at + after.size(), line);
    return text;
}

// Merges by blocks and by whole files, checks that both give the same result, and returns it.
GoalMerge both_ways(const std::string& base, const std::string& ours, const std::string& theirs) {
    const GoalMerge fast = merge_goal_files(base, ours, theirs, "okr.toml");
    const GoalMerge whole =
        merge_goal_files(base, ours, theirs, "okr.toml", {}, MergeMethod::whole_files);
    CHECK(fast.merged == whole.merged);
    CHECK(fast.reason == whole.reason);
    CHECK(fast.conflicts == whole.conflicts);
    CHECK(fast.text == whole.text);
    return fast;
}

} // namespace

TEST_SUITE("okr::merge") {
    TEST_CASE("check-ins added on both sides are all kept, in date order, one per line") {
        const std::string ours =
            with(k_base, "value = 1 } ]", "value = 1 }, { date = 2026-10-20, value = 4 } ]");
        const std::string theirs =
            with(k_base, "value = 1 } ]", "value = 1 }, { date = 2026-10-10, value = 2 } ]");
        const auto m = both_ways(k_base, ours, theirs);
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
        const auto m = both_ways(k_base, both, both);
        REQUIRE(m.merged);
        CHECK(m.text == both);
    }

    TEST_CASE("a key changed on one side only takes that change") {
        const auto m = both_ways(k_base, with(k_base, "title = \"T\"", "title = \"U\""),
                                 with(k_base, "target = 10", "target = 12"));
        REQUIRE(m.merged);
        CHECK(m.text ==
              with(with(k_base, "title = \"T\"", "title = \"U\""), "target = 10", "target = 12"));
    }

    TEST_CASE("the same key changed both ways is a conflict around that item alone") {
        const auto m = both_ways(k_base, with(k_base, "target = 10", "target = 11"),
                                 with(k_base, "target = 10", "target = 12"));
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
        const auto m = both_ways(k_base, with(k_base, "title = \"T\"", "title = \"U\""), added);
        REQUIRE(m.merged);
        CHECK(m.text == with(added, "title = \"T\"", "title = \"U\""));
    }

    TEST_CASE("a version that is not a goal file is left to the line merge") {
        const auto m = both_ways(k_base, "title = [", k_base);
        CHECK_FALSE(m.merged);
        CHECK(m.reason.find("OURS is not valid TOML") == 0);
    }

    TEST_CASE("an item changed on both sides is merged by blocks, the others taken whole") {
        const std::string ours =
            insert_after(k_team, "  checkins = [\n", "    { date = 2026-10-20, value = 4 },\n");
        const std::string theirs = with(
            insert_after(k_team, "  checkins = [\n", "    { date = 2026-10-10, value = 2 },\n"),
            "title = \"B\"", "title = \"B2\"");
        const auto m = both_ways(k_team, ours, theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.conflicts == 0);
        CHECK(m.text == with(insert_after(k_team, "    { date = 2026-10-01, value = 1 },\n",
                                          "    { date = 2026-10-10, value = 2 },\n"
                                          "    { date = 2026-10-20, value = 4 },\n"),
                             "title = \"B\"", "title = \"B2\""));
    }

    TEST_CASE("items changed on one side only are taken from that side") {
        const std::string ours = with(k_team, "target = 5", "target = 6");
        const std::string theirs = with(k_team, "min = 90", "min = 92");
        const auto m = both_ways(k_team, ours, theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.text == with(ours, "min = 90", "min = 92"));
    }

    TEST_CASE("a header inside a multi-line note does not split the item") {
        const std::string ours =
            insert_after(k_team, "  checkins = [\n", "    { date = 2026-10-20, value = 4 },\n");
        const std::string theirs = with(k_team, "id = \"fake\"\n", "id = \"fake\"\n[[kpi]]\n");
        const auto m = both_ways(k_team, ours, theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.text == with(ours, "id = \"fake\"\n", "id = \"fake\"\n[[kpi]]\n"));
    }

    TEST_CASE("an item added on one side and one removed on the other are both kept") {
        const std::string b_block =
            k_team.substr(k_team.find("[[objective]]\nid = \"b\""),
                          k_team.find("[[kpi]]") - k_team.find("[[objective]]\nid = \"b\""));
        const std::string ours = with(k_team, b_block, "");
        const std::string theirs =
            with(k_team, "[[kpi]]", "[[objective]]\nid = \"d\"\ntitle = \"D\"\n\n[[kpi]]");
        const auto m = both_ways(k_team, ours, theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.text.find("id = \"b\"") == std::string::npos);
        // After its predecessor in THEIRS that OURS still has.
        CHECK(m.text.find("  ]\n\n[[objective]]\nid = \"d\"\ntitle = \"D\"\n\n# Between") !=
              std::string::npos);
    }

    TEST_CASE("an item removed on one side and edited on the other is a conflict by blocks too") {
        const std::string c_block = k_team.substr(k_team.find("[[kpi]]"));
        const auto m =
            both_ways(k_team, with(k_team, c_block, ""), with(k_team, "min = 90", "min = 95"));
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.conflicts == 1);
        CHECK(m.text.find("<<<<<<< ours\n=======\n[[kpi]]\nid = \"c\"") != std::string::npos);
    }

    TEST_CASE("comments between blocks are kept with the side that changed them") {
        const std::string ours = with(k_team, "# Between a and b", "# Between A and B, renamed");
        const std::string theirs = with(with(k_team, "title = \"A\"", "title = \"A2\""),
                                        "title = \"B\"", "title = \"B2\"");
        const auto m = both_ways(k_team, ours, theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.text == with(with(ours, "title = \"A\"", "title = \"A2\""), "title = \"B\"",
                             "title = \"B2\""));
    }

    TEST_CASE("the same key changed both ways in one item marks that item alone, by blocks") {
        const auto m = both_ways(k_team, with(k_team, "target = 5", "target = 6"),
                                 with(k_team, "target = 5", "target = 7"));
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.conflicts == 1);
        CHECK(m.text.find("id = \"a\"") < m.text.find("<<<<<<< ours"));
    }

    TEST_CASE("a version the blocks cannot vouch for is merged whole, with the same result") {
        // A duplicate id across blocks: each block is valid alone, the file is not.
        const std::string dup = with(k_team, "id = \"b\"", "id = \"a\"");
        auto m = both_ways(k_team, k_team, dup);
        CHECK_FALSE(m.merged);
        CHECK(m.reason.find("THEIRS is not a valid goal file") == 0);
        // A table of the top after the items: merged, but whole.
        const std::string late = k_team + "\n[cycles.sprint]\nstart = 2026-11-01\nend = "
                                          "2026-11-21\n";
        m = both_ways(late, with(late, "title = \"A\"", "title = \"A2\""), late);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::whole_files);
        // An item that names a cycle its top declares is valid only with that top.
        const std::string cycled = with(
            with(k_team, "cycle = \"2026-Q4\"\n",
                 "cycle = \"2026-Q4\"\n[cycles.2026-x]\nstart = 2026-11-01\nend = 2026-11-21\n"),
            "id = \"b\"\n", "id = \"b\"\ncycle = \"2026-x\"\n");
        m = both_ways(cycled, cycled,
                      with(cycled, "[cycles.2026-x]\nstart = 2026-11-01\nend = 2026-11-21\n", ""));
        CHECK_FALSE(m.merged);
        CHECK(m.reason.find("THEIRS is not a valid goal file") == 0);
        m = both_ways(cycled, with(cycled, "title = \"A\"", "title = \"A2\""), cycled);
        CHECK(m.method == MergeMethod::by_blocks);
    }

    TEST_CASE("random edits on both sides merge by blocks exactly as whole files do") {
        std::mt19937 random(20261127);
        auto pick = [&](std::size_t n) {
            return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
        };
        auto count = [](const std::string& text, const std::string& what) {
            std::size_t n = 0;
            for (std::size_t at = text.find(what); at != std::string::npos;
                 at = text.find(what, at + 1))
                ++n;
            return n;
        };
        // One random edit: a check-in, a title, a target, a comment, an item added or removed.
        auto edit = [&](std::string text) {
            switch (pick(7)) {
            case 0:
            case 1: {
                const std::size_t n = count(text, "  checkins = [\n");
                if (n == 0) return text;
                return insert_after(text, "  checkins = [\n",
                                    fmt::format("    {{ date = 2026-10-{:02}, value = {} }},\n",
                                                1 + pick(28), pick(50)),
                                    pick(n));
            }
            case 2: {
                const std::size_t n = count(text, "title = \"");
                return n == 0
                           ? text
                           : insert_after(text, "title = \"", fmt::format("x{}", pick(3)), pick(n));
            }
            case 3: {
                const std::size_t n = count(text, "target = ");
                return n == 0 ? text
                              : insert_after(text, "target = ", fmt::format("{}", 1 + pick(3)),
                                             pick(n));
            }
            case 4: {
                const std::size_t n = count(text, "\n[[");
                return n == 0 ? text
                              : insert_after(text, "\n", fmt::format("# note {}\n", pick(9)),
                                             pick(count(text, "\n")));
            }
            case 5: { // remove an item
                const std::size_t n = count(text, "\n[[objective]]\n") + count(text, "\n[[kpi]]\n");
                if (n == 0) return text;
                std::size_t at = 0;
                for (std::size_t i = 0, k = pick(n) + 1; i < k; ++i) {
                    const std::size_t o = text.find("\n[[objective]]\n", at + 1);
                    const std::size_t c = text.find("\n[[kpi]]\n", at + 1);
                    at = std::min(o, c);
                }
                std::size_t end = std::min(text.find("\n[[objective]]\n", at + 1),
                                           text.find("\n[[kpi]]\n", at + 1));
                if (end == std::string::npos) end = text.size() - 1;
                text.erase(at + 1, end - at);
                return text;
            }
            default: { // add an item
                const std::string id = fmt::format("n{}", pick(4));
                const std::string item =
                    pick(2) ? fmt::format("\n[[objective]]\nid = \"{}\"\ntitle = \"N\"\n", id)
                            : fmt::format("\n[[kpi]]\nid = \"{}\"\ntitle = \"N\"\nmax = 3\n", id);
                return text + item;
            }
            }
        };
        std::size_t by_blocks = 0, cases = 300;
        for (std::size_t i = 0; i < cases; ++i) {
            std::string ours = k_team, theirs = k_team;
            for (std::size_t e = pick(4); e > 0; --e)
                ours = edit(ours);
            for (std::size_t e = pick(4); e > 0; --e)
                theirs = edit(theirs);
            CAPTURE(ours);
            CAPTURE(theirs);
            const GoalMerge m = both_ways(k_team, ours, theirs);
            if (m.method == MergeMethod::by_blocks) ++by_blocks;
        }
        CHECK(by_blocks > cases / 2);
    }

    TEST_CASE("a key result and an objective added at one place keep their order by blocks") {
        const std::string theirs =
            with(k_team, "  ]\n\n# Between a and b\n",
                 "  ]\n\n  [[objective.kr]]\n  id = \"k2\"\n  title = \"K2\"\n  target = 3\n\n"
                 "[[objective]]\nid = \"d\"\ntitle = \"D\"\n\n# Between a and b\n");
        const auto m = both_ways(k_team, with(k_team, "target = 10", "target = 11"), theirs);
        REQUIRE(m.merged);
        CHECK(m.method == MergeMethod::by_blocks);
        CHECK(m.text == with(theirs, "target = 10", "target = 11"));
    }
}
