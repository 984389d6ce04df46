#include "okr/io/merge.hpp"

#include "okr/io/git.hpp"
#include "okr/io/parse.hpp"

#include <doctest/doctest.h>
#include <string>

using okr::io::GoalMerge;
using okr::io::MergeLabels;

namespace {

// A KR with check-ins one per line, as okr writes them.
const std::string k_base = R"(title = "T"
cycle = "2026-Q4"

[[objective]]
id = "o"
title = "O"

  [[objective.kr]]
  id = "k"
  title = "K"
  target = 10
  checkins = [
    { date = 2026-10-01, value = 1 },
    { date = 2026-10-08, value = 2 },
    { date = 2026-10-15, value = 3 },
  ]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return text;
}

// The merge as the driver makes it, on git's line merge.
GoalMerge merge(const std::string& base, const std::string& ours, const std::string& theirs,
                MergeLabels labels = {}) {
    okr::Result<GoalMerge> m =
        okr::io::merge_goal_files(base, ours, theirs, "okr.toml", labels, okr::io::git_merge_file);
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.failure().message));
    return std::move(m).value();
}

bool loads(const std::string& text) {
    const okr::io::ParsedFile p = okr::io::parse_goal_file(text, "okr.toml");
    for (const okr::Diagnostic& d : p.diagnostics)
        if (d.level == okr::Level::error) return false;
    return true;
}

const std::string k_last = "    { date = 2026-10-15, value = 3 },\n";

} // namespace

TEST_SUITE("okr::merge") {
    TEST_CASE("check-ins added on both sides are all kept, in date order, ours first on a date") {
        const std::string ours = with(k_base, k_last,
                                      k_last + "    { date = 2026-10-29, value = 5 },\n"
                                               "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs =
            with(k_base, k_last,
                 k_last + "    { date = 2026-10-22, value = 4.5, note = \"theirs\" },\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(k_base, k_last,
                             k_last + "    { date = 2026-10-22, value = 4 },\n"
                                      "    { date = 2026-10-22, value = 4.5, note = \"theirs\" },\n"
                                      "    { date = 2026-10-29, value = 5 },\n"));
        // Two values on one date are both kept, and the driver says so.
        REQUIRE(m.notes.size() == 1);
        CHECK(m.notes[0].find("2026-10-22") != std::string::npos);
    }

    TEST_CASE("the same check-in added on both sides is kept once") {
        const std::string both =
            with(k_base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs = with(
            k_base, k_last,
            k_last +
                "    {date = 2026-10-22, value = 4.0},\n    { date = 2026-10-23, value = 6 },\n");
        const GoalMerge m = merge(k_base, both, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.notes.empty());
        CHECK(m.text == with(k_base, k_last,
                             k_last + "    { date = 2026-10-22, value = 4 },\n"
                                      "    { date = 2026-10-23, value = 6 },\n"));
    }

    TEST_CASE(
        "a check-in changed on one side takes that change, next to the other side's new one") {
        const std::string ours =
            with(k_base, "{ date = 2026-10-15, value = 3 }", "{ date = 2026-10-15, value = 6 }");
        const std::string theirs =
            with(k_base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(ours, "value = 6 },\n",
                             "value = 6 },\n    { date = 2026-10-22, value = 4 },\n"));
    }

    TEST_CASE("a check-in changed differently on both sides is a conflict of that line alone") {
        const std::string ours =
            with(k_base, "{ date = 2026-10-15, value = 3 }", "{ date = 2026-10-15, value = 6 }");
        const std::string theirs =
            with(with(k_base, "{ date = 2026-10-15, value = 3 }",
                      "{ date = 2026-10-15, value = 3, note = \"late\" }"),
                 "{ date = 2026-10-08, value = 2 }", "{ date = 2026-10-08, value = 2.5 }");
        const GoalMerge m = merge(k_base, ours, theirs, {"HEAD", "base", "feature", 7});
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].item == "kr o.k");
        CHECK(m.conflicts[0].line == 15);
        CHECK(m.conflicts[0].what ==
              "check-in of 2026-10-15: changed both ways, differently on HEAD and feature");
        CHECK(m.text == with(k_base, "    { date = 2026-10-08, value = 2 },\n" + k_last,
                             "    { date = 2026-10-08, value = 2.5 },\n"
                             "<<<<<<< HEAD\n"
                             "    { date = 2026-10-15, value = 6 },\n"
                             "=======\n"
                             "    { date = 2026-10-15, value = 3, note = \"late\" },\n"
                             ">>>>>>> feature\n"));
    }

    TEST_CASE("a check-in deleted on one side and annotated on the other is a conflict") {
        const std::string ours = with(k_base, k_last, "");
        const std::string theirs = with(with(k_base, "{ date = 2026-10-15, value = 3 }",
                                             "{ date = 2026-10-15, value = 3, note = \"n\" }"),
                                        "    { date = 2026-10-01, value = 1 },\n", "");
        const GoalMerge m = merge(k_base, ours, theirs);
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].what == "check-in of 2026-10-15: deleted on ours, changed on theirs");
        CHECK(m.text.find("<<<<<<< ours\n=======\n    { date = 2026-10-15, value = 3, note = \"n\" "
                          "},\n>>>>>>> theirs\n") != std::string::npos);
        CHECK(m.text.find("2026-10-01") == std::string::npos); // deleted on theirs alone
    }

    TEST_CASE("a check-in deleted on one side and unchanged on the other is deleted") {
        const std::string ours = with(k_base, k_last, "");
        const std::string theirs =
            with(k_base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(k_base, k_last, "    { date = 2026-10-22, value = 4 },\n"));
    }

    TEST_CASE("a comment added on one side only is kept, as git merge-file keeps it") {
        const std::string ours =
            with(k_base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs =
            with(k_base, "  target = 10\n", "  target = 10 # agreed with finance\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(ours, "  target = 10\n", "  target = 10 # agreed with finance\n"));
    }

    TEST_CASE("keys changed on neighbouring lines, one on each side, are both taken") {
        const std::string ours = with(k_base, "  title = \"K\"\n", "  title = \"K2\"\n");
        const std::string theirs = with(k_base, "  target = 10\n", "  target = 12\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(ours, "  target = 10\n", "  target = 12\n"));
    }

    TEST_CASE("the same key changed both ways is a conflict of that key") {
        const std::string ours = with(k_base, "  target = 10\n", "  target = 11\n");
        const std::string theirs = with(k_base, "  target = 10\n", "  target = 12\n");
        const GoalMerge m = merge(k_base, ours, theirs);
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].what ==
              "key target: changed both ways, differently on ours and theirs");
        CHECK(
            m.text.find("<<<<<<< ours\n  target = 11\n=======\n  target = 12\n>>>>>>> theirs\n") !=
            std::string::npos);
    }

    TEST_CASE("objectives added on both sides at the end are both kept, ours first") {
        const std::string a = "\n[[objective]]\nid = \"a\"\ntitle = \"A\"\n";
        const std::string b = "\n[[objective]]\nid = \"b\"\ntitle = \"B\"\n";
        const GoalMerge m = merge(k_base, k_base + a, k_base + b);
        CHECK(m.conflicts.empty());
        CHECK(m.text == k_base + a + b);
    }

    TEST_CASE("a clean line merge that okr cannot load puts the whole file in conflict") {
        // The same new id, added at two places: git merges it cleanly.
        const std::string ours =
            with(k_base, "[[objective]]\n",
                 "[[objective]]\nid = \"x\"\ntitle = \"X\"\n\n[[objective]]\n");
        const std::string theirs = k_base + "\n[[objective]]\nid = \"x\"\ntitle = \"Y\"\n";
        const GoalMerge m = merge(k_base, ours, theirs);
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].line == 1);
        CHECK(m.text == "<<<<<<< ours\n" + ours + "=======\n" + theirs + ">>>>>>> theirs\n");
        REQUIRE(m.notes.size() == 1);
        CHECK(m.notes[0].find("duplicate") != std::string::npos);
    }

    TEST_CASE("check-ins written as tables, added on both sides, are both kept") {
        const std::string base =
            "cycle = \"2026-Q4\"\n\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n\n"
            "  [[objective.kr]]\n  id = \"k\"\n  title = \"K\"\n  target = 3\n\n"
            "  [[objective.kr.checkins]]\n  date = 2026-10-01\n  value = 1\n";
        const std::string two = "\n  [[objective.kr.checkins]]\n  date = 2026-10-02\n  value = 2\n";
        const std::string three =
            "\n  [[objective.kr.checkins]]\n  date = 2026-10-03\n  value = 3\n";
        const GoalMerge m = merge(base, base + two, base + three);
        CHECK(m.conflicts.empty());
        CHECK(m.text == base + two + three);
        CHECK(loads(m.text));
    }

    TEST_CASE("keys of one table added on both sides to tables are not merged as keys") {
        // Both sides add `value` lines under one header: keys would clash, so it stays a conflict.
        const std::string base =
            "cycle = \"2026-Q4\"\n\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n\n"
            "  [[objective.kr]]\n  id = \"k\"\n  title = \"K\"\n  target = 3\n";
        const GoalMerge m = merge(base, base + "  start = 1\n", base + "  start = 2\n");
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.text == base + "<<<<<<< ours\n  start = 1\n=======\n  start = 2\n>>>>>>> theirs\n");
    }

    TEST_CASE("markers have the size and the labels given") {
        const std::string ours = with(k_base, "  target = 10\n", "  target = 11\n");
        const std::string theirs = with(k_base, "  target = 10\n", "  target = 12\n");
        const GoalMerge m =
            merge(k_base, ours, theirs, {"HEAD", "merged common ancestors", "topic", 9});
        CHECK(m.text.find(
                  "<<<<<<<<< HEAD\n  target = 11\n=========\n  target = 12\n>>>>>>>>> topic\n") !=
              std::string::npos);
    }

    TEST_CASE("a file with CRLF line ends keeps them, in resolved check-ins and in markers") {
        auto crlf = [](std::string s) {
            std::string out;
            for (char c : s) {
                if (c == '\n') out += '\r';
                out += c;
            }
            return out;
        };
        const std::string base = crlf(k_base);
        const std::string ours =
            crlf(with(k_base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n"));
        const std::string theirs =
            crlf(with(with(k_base, k_last, k_last + "    { date = 2026-10-20, value = 5 },\n"),
                      "  target = 10\n", "  target = 12\n"));
        const GoalMerge m = merge(base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == crlf(with(with(k_base, k_last,
                                       k_last + "    { date = 2026-10-20, value = 5 },\n"
                                                "    { date = 2026-10-22, value = 4 },\n"),
                                  "  target = 10\n", "  target = 12\n")));
    }

    TEST_CASE("content that looks like markers does not confuse the merge") {
        const std::string base =
            with(k_base, "title = \"O\"\n",
                 "title = \"O\"\nnotes = \"\"\"\nPlan\n=======\n<<<<<<< not a conflict\n\"\"\"\n");
        const std::string ours =
            with(base, k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs =
            with(base, k_last, k_last + "    { date = 2026-10-23, value = 5 },\n");
        const GoalMerge m = merge(base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(loads(m.text));
        CHECK(m.text == with(ours, "value = 4 },\n",
                             "value = 4 },\n    { date = 2026-10-23, value = 5 },\n"));
    }

    TEST_CASE("a last check-in without a comma gets one when a line follows it") {
        const std::string base = with(k_base, "    { date = 2026-10-15, value = 3 },\n",
                                      "    { date = 2026-10-15, value = 3 }\n");
        const std::string ours =
            with(base, "    { date = 2026-10-15, value = 3 }\n",
                 "    { date = 2026-10-15, value = 3 },\n    { date = 2026-10-22, value = 4 }\n");
        const std::string theirs = with(
            base, "    { date = 2026-10-15, value = 3 }\n",
            "    { date = 2026-10-15, value = 3 },\n    { date = 2026-10-16, value = 9 } # late\n");
        const GoalMerge m = merge(base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(loads(m.text));
        CHECK(m.text == with(base, "    { date = 2026-10-15, value = 3 }\n",
                             "    { date = 2026-10-15, value = 3 },\n"
                             "    { date = 2026-10-16, value = 9 }, # late\n"
                             "    { date = 2026-10-22, value = 4 }\n"));
    }

    TEST_CASE("a one-line array expanded by both sides' first check-ins merges entry by entry") {
        const std::string one =
            "  checkins = [ { date = 2026-10-01, value = 1 }, { date = 2026-10-08, value = 2 } ]\n";
        const std::string base = with(k_base,
                                      "  checkins = [\n    { date = 2026-10-01, value = 1 },\n"
                                      "    { date = 2026-10-08, value = 2 },\n"
                                      "    { date = 2026-10-15, value = 3 },\n  ]\n",
                                      one);
        auto expanded = [](const std::string& extra) {
            return "  checkins = [\n    { date = 2026-10-01, value = 1 },\n"
                   "    { date = 2026-10-08, value = 2 },\n" +
                   extra + "  ]\n";
        };
        const std::string ours =
            with(base, one, expanded("    { date = 2026-10-22, value = 4 },\n"));
        const std::string theirs =
            with(base, one, expanded("    { date = 2026-10-20, value = 3 },\n"));
        const GoalMerge m = merge(base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(base, one,
                             expanded("    { date = 2026-10-20, value = 3 },\n"
                                      "    { date = 2026-10-22, value = 4 },\n")));
        // Changed in the one-line array on one side, appended on the other: the change is taken.
        const std::string changed = with(base, "value = 2 }", "value = 2.5 }");
        const GoalMerge c = merge(base, changed, theirs);
        CHECK(c.conflicts.empty());
        CHECK(c.text == with(base, one,
                             "  checkins = [\n    { date = 2026-10-01, value = 1 },\n"
                             "    { date = 2026-10-08, value = 2.5 },\n"
                             "    { date = 2026-10-20, value = 3 },\n  ]\n"));
    }

    TEST_CASE("current moved on both sides takes the value of the latest merged check-in") {
        const std::string base = with(k_base, "  target = 10\n", "  target = 10\n  current = 3\n");
        const std::string ours = with(with(base, "current = 3", "current = 4"), k_last,
                                      k_last + "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs = with(with(base, "current = 3", "current = 5"), k_last,
                                        k_last + "    { date = 2026-10-29, value = 5 },\n");
        const GoalMerge m = merge(base, ours, theirs);
        CHECK(m.conflicts.empty());
        CHECK(m.text == with(with(base, "current = 3", "current = 5"), k_last,
                             k_last + "    { date = 2026-10-22, value = 4 },\n"
                                      "    { date = 2026-10-29, value = 5 },\n"));
        // Neither is the latest check-in's value: a conflict of that line.
        const std::string odd = with(base, "current = 3", "current = 7");
        const GoalMerge c = merge(base, odd, with(theirs, "current = 5", "current = 6"));
        REQUIRE(c.conflicts.size() == 1);
        CHECK(c.conflicts[0].line == 12);
        CHECK(
            c.text.find("<<<<<<< ours\n  current = 7\n=======\n  current = 6\n>>>>>>> theirs\n") !=
            std::string::npos);
    }

    TEST_CASE("current settles by the latest check-in even when an older check-in conflicts") {
        // Both correct the 10-08 check-in differently (a conflict) and check in later: the
        // latest value is 5 whichever side the conflict takes, so `current` is not in doubt.
        const std::string base = with(k_base, "  target = 10\n", "  target = 10\n  current = 3\n");
        const std::string ours = with(with(with(base, "value = 2 }", "value = 2, note = \"CRM\" }"),
                                           "current = 3", "current = 4"),
                                      k_last, k_last + "    { date = 2026-10-22, value = 4 },\n");
        const std::string theirs =
            with(with(with(base, "value = 2 }", "value = 2.5 }"), "current = 3", "current = 5"),
                 k_last, k_last + "    { date = 2026-10-29, value = 5 },\n");
        const GoalMerge m = merge(base, ours, theirs);
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].what.find("check-in of 2026-10-08") != std::string::npos);
        CHECK(m.text.find("  current = 5\n") != std::string::npos);
        CHECK(m.text.find("current = 4") == std::string::npos);
        // When the conflict is the latest check-in itself, `current` stays in doubt too.
        const GoalMerge d = merge(
            base, with(with(base, "value = 3 }", "value = 3.5 }"), "current = 3", "current = 3.5"),
            with(with(base, "value = 3 }", "value = 3.2 }"), "current = 3", "current = 3.2"));
        CHECK(d.conflicts.size() == 2);
    }
}

TEST_SUITE("okr::merge load check") {
    // The load check of a merged file, a window of check-ins at a time, finds what one parse of
    // the whole file finds, at the same line and column.
    void same_as_whole(const std::string& text) {
        CAPTURE(text);
        const std::optional<okr::Diagnostic> whole =
            okr::io::first_load_error(text, "g.toml", std::string::npos);
        for (std::size_t window : {1, 2, 3}) {
            CAPTURE(window);
            const std::optional<okr::Diagnostic> parts =
                okr::io::first_load_error(text, "g.toml", window);
            REQUIRE(parts.has_value() == whole.has_value());
            if (!whole) continue;
            CHECK(parts->message == whole->message);
            CHECK(parts->pos == whole->pos);
        }
    }

    TEST_CASE("a load check in windows of check-ins finds every error a whole parse finds") {
        const std::string good = with(k_base, "    { date = 2026-10-15, value = 3 },\n",
                                      "    { date = 2026-10-15, value = 3 },\n"
                                      "    # a comment line\n"
                                      "    { date = 2026-10-22, value = 4, note = \"a } b\" },\n"
                                      "    { date = 2026-10-29, value = 5 } # no comma\n");
        CHECK_FALSE(okr::io::first_load_error(good, "g.toml", 1).has_value());
        same_as_whole(good);
        for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"2026-10-08, value = 2", "2026-10-08, value = \"two\""},
                 {"2026-10-08, value = 2", "2026-13-08, value = 2"},
                 {"2026-10-08, value = 2", "2026-10-08"},
                 {"2026-10-08, value = 2", "2026-10-08, value = 2, value = 3"},
                 {"2026-10-08, value = 2", "2026-10-08, value = 2, colour = 1"},
                 {"value = 2 },", "value = 2 }"},                  // a missing comma
                 {"value = 2 },", "value = 2 },,"},                // one comma too many
                 {"value = 2 },", "value = 2, note = \"\"\"a },"}, // a multi-line string opens
                 {"value = 2 },", "value = 2, note = \"\"\"\" },"},
                 {"value = 2 },", "value = 2, note = \"\xff\" },"},
                 {"  target = 10\n", "  target = 10\n  type = \"milestone\"\n"},
                 {"    { date = 2026-10-01, value = 1 },\n",
                  "    { date = 2026-10-01, value = 1 },\n  ]\n  notes = \"\"\"\n"
                  "    { date = 2026-10-01, value = 1 },\n\"\"\"\n  checkins2 = [\n"},
                 {"id = \"k\"",
                  "id = \"k\"\n  title = \"dup\"\n\n  [[objective.kr]]\n  id = \"k\""},
             }) {
            CAPTURE(to);
            const std::string bad = with(good, from, to);
            same_as_whole(bad);
        }
        // A multi-line string that opens on one check-in line and closes on the next: one value.
        const std::string spread = with(with(good, "value = 2 },", "value = 2, note = \"\"\"\" },"),
                                        "value = 3 },", "value = 3, note = \"x\"\"\"\" },");
        CHECK_FALSE(okr::io::first_load_error(spread, "g.toml", std::string::npos).has_value());
        same_as_whole(spread);
        // Two errors: the first in the file is the one reported, whichever window holds it.
        const std::string two = with(with(good, "2026-10-22, value = 4", "2026-10-22, value = x"),
                                     "2026-10-08, value = 2", "2026-10-08, value = \"y\"");
        const std::optional<okr::Diagnostic> first = okr::io::first_load_error(two, "g.toml", 1);
        REQUIRE(first);
        CHECK(first->pos.line == 14);
    }

    TEST_CASE("parts changed on one side each merge without a line merge, as git merges them") {
        // Ours appends check-ins, theirs renames the KR: no part changed on both sides.
        const std::string added = "    { date = 2026-10-22, value = 4 },\n";
        const std::string ours = with(k_base, k_last, k_last + added);
        const std::string theirs = with(k_base, "title = \"K\"", "title = \"K2\"");
        int line_merges = 0;
        const okr::io::LineMerge counted = [&](std::string_view b, std::string_view o,
                                               std::string_view t, std::size_t size) {
            ++line_merges;
            return okr::io::git_merge_file(b, o, t, size);
        };
        okr::Result<GoalMerge> m =
            okr::io::merge_goal_files(k_base, ours, theirs, "okr.toml", {}, counted);
        REQUIRE(m.ok());
        CHECK(line_merges == 0);
        CHECK(m->conflicts.empty());
        CHECK(m->text == with(theirs, k_last, k_last + added));
        // Both sides changing one part differently is the line merge's to decide.
        const std::string theirs2 =
            with(k_base, k_last, k_last + "    { date = 2026-10-23, value = 5 },\n");
        CHECK_FALSE(okr::io::one_sided_merge(k_base, ours, theirs2));
        REQUIRE(okr::io::merge_goal_files(k_base, ours, theirs2, "okr.toml", {}, counted).ok());
        CHECK(line_merges == 1);
    }

    TEST_CASE("a large one-sided merge that does not load is the whole file in conflict, "
              "with the line of its error") {
        // 20,000 new check-ins on ours (the load check reads them in windows, from the parts of
        // the result), one of them with a date that is not one; theirs renames the KR.
        std::string added;
        for (int i = 0; i < 20000; ++i)
            added += i == 15000 ? "    { date = 2026-13-01, value = 1 },\n"
                                : "    { date = 2026-11-01, value = " + std::to_string(i) + " },\n";
        const std::string ours = with(k_base, k_last, k_last + added);
        const std::string theirs = with(k_base, "title = \"K\"", "title = \"K2\"");
        REQUIRE(okr::io::one_sided_merge(k_base, ours, theirs));
        const GoalMerge m = merge(k_base, ours, theirs);
        REQUIRE(m.conflicts.size() == 1);
        CHECK(m.conflicts[0].line == 1);
        CHECK(m.text == "<<<<<<< ours\n" + ours + "=======\n" + theirs + ">>>>>>> theirs\n");
        REQUIRE(m.notes.size() == 1);
        // The base's 15 lines before the first new check-in, then the 15,001st of them.
        CHECK(m.notes[0].find("(line 15016:") != std::string::npos);
    }
}
