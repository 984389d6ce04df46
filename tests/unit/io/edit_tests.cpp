#include "okr/io/edit.hpp"

#include "okr/io/parse.hpp"
#include "okr/util/diff.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace okr;
using namespace okr::io;
using okr::test::day;
using okr::test::text_of;
using okr::test::valid_file;

namespace {

Checkin checkin(std::string_view date, double value, double confidence = NAN,
                std::string note = {}) {
    Checkin c;
    c.date = day(date);
    c.value = value;
    if (!std::isnan(confidence)) c.confidence = confidence;
    c.note = std::move(note);
    return c;
}

// The new text of an edit that must succeed.
std::string edited(const Result<Edit>& e) {
    if (!e.ok()) FAIL(e.failure().message);
    return e->text;
}

// Lines added and removed between two texts, like `git diff --numstat`.
std::pair<int, int> numstat(std::string_view before, std::string_view after) {
    int added = 0, removed = 0;
    std::string diff = okr::util::unified_diff(before, after, "x.toml");
    std::size_t at = 0;
    while (at < diff.size()) {
        std::size_t nl = diff.find('\n', at);
        std::string_view line(diff.data() + at, (nl == std::string::npos ? diff.size() : nl) - at);
        if (line.starts_with("+") && !line.starts_with("+++")) ++added;
        if (line.starts_with("-") && !line.starts_with("---")) ++removed;
        at = nl == std::string::npos ? diff.size() : nl + 1;
    }
    return {added, removed};
}

const std::string k_commented = std::string(text_of(R"(
# Growth team, Q4
title = "Growth team"          # optional
cycle = "2026-Q4"

[[objective]]
id = "eco"                     # comment after the id
title = "Become a market leader in eco-friendly products"

  [[objective.kr]]
  id = "launch"
  title = "Launch two new sustainable products"
  target = 2
  current = 1                  # kept in step by okr
  checkins = [
    { date = 2026-10-14, value = 1, confidence = 0.6, note = "first in beta" },  # first
    { date = 2026-11-04, value = 1, confidence = 0.5 },
    # more to come
  ]
  # trailing comment of the KR

  [[objective.kr]]
  id = "partners"
  title = "Partner with three environmental organizations"
  type = "milestone"
  checkins = [ { date = 2026-11-10, value = 0 } ]

  [[objective.kr]]
  id = "sat"
  title = "Customer satisfaction reaches 95%"   # no check-ins yet
  start = 88
  target = 95

# KPIs below

[[kpi]]
id = "csat"
title = "Customer satisfaction score"
min = 90
checkins = []
)"));

} // namespace

TEST_SUITE("okr::edit") {

    TEST_CASE("a check-in adds exactly one line to a multi-line array, after the last entry") {
        const std::string before = text_of(R"(
cycle = "2026-Q4"
[[objective]]
id = "eco"
title = "Eco"
  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
  checkins = [
    { date = 2026-10-14, value = 1 },
    # a comment stays last
  ]
)")
                                       .data();
        const std::string after =
            edited(append_checkin(before, "x.toml", ItemId::of_kr("eco", "launch"),
                                  checkin("2026-11-20", 2, 0.8, "shipped")));
        CHECK(after == text_of(R"(
cycle = "2026-Q4"
[[objective]]
id = "eco"
title = "Eco"
  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
  checkins = [
    { date = 2026-10-14, value = 1 },
    { date = 2026-11-20, value = 2, confidence = 0.8, note = "shipped" },
    # a comment stays last
  ]
)"));
        CHECK(numstat(before, after) == std::pair{1, 0});
    }

    TEST_CASE("a check-in also updates current, which makes one changed line") {
        const std::string after = edited(append_checkin(
            k_commented, "x.toml", ItemId::of_kr("eco", "launch"), checkin("2026-11-20", 2)));
        CHECK(after.find("  current = 2                  # kept in step by okr\n") !=
              std::string::npos);
        CHECK(after.find("    { date = 2026-11-04, value = 1, confidence = 0.5 },\n"
                         "    { date = 2026-11-20, value = 2 },\n"
                         "    # more to come\n") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{2, 1});
    }

    TEST_CASE("a backdated check-in leaves current alone") {
        const std::string after = edited(append_checkin(
            k_commented, "x.toml", ItemId::of_kr("eco", "launch"), checkin("2026-10-01", 0)));
        CHECK(after.find("  current = 1 ") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{1, 0});
    }

    TEST_CASE("a single-line array becomes one check-in per line at its first append") {
        const std::string after = edited(append_checkin(
            k_commented, "x.toml", ItemId::of_kr("eco", "partners"), checkin("2026-11-20", 1)));
        CHECK(after.find("  checkins = [\n"
                         "    { date = 2026-11-10, value = 0 },\n"
                         "    { date = 2026-11-20, value = 1 },\n"
                         "  ]\n") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{4, 1});
        const std::string again = edited(append_checkin(
            after, "x.toml", ItemId::of_kr("eco", "partners"), checkin("2026-11-21", 1)));
        CHECK(numstat(after, again) == std::pair{1, 0});
    }

    TEST_CASE("a KR without check-ins gets a multi-line array after its last key") {
        const std::string after = edited(append_checkin(
            k_commented, "x.toml", ItemId::of_kr("eco", "sat"), checkin("2026-11-20", 90)));
        CHECK(after.find("  target = 95\n"
                         "  checkins = [\n"
                         "    { date = 2026-11-20, value = 90 },\n"
                         "  ]\n"
                         "\n"
                         "# KPIs below\n") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{3, 0});
    }

    TEST_CASE("an empty check-ins array becomes a multi-line array") {
        const std::string after = edited(append_checkin(
            k_commented, "x.toml", ItemId::of_kpi("csat"), checkin("2026-11-30", 88.4)));
        CHECK(
            after.ends_with("min = 90\ncheckins = [\n  { date = 2026-11-30, value = 88.4 },\n]\n"));
    }

    TEST_CASE("without a trailing comma the previous entry gets one and the new entry none") {
        const std::string before = text_of(R"(
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
checkins = [
  {date=2026-10-31,value=91.2},
  {date=2026-11-30,value=88.4}
]
)")
                                       .data();
        const std::string after = edited(
            append_checkin(before, "x.toml", ItemId::of_kpi("csat"), checkin("2026-12-31", 92)));
        CHECK(after == text_of(R"(
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
checkins = [
  {date=2026-10-31,value=91.2},
  {date=2026-11-30,value=88.4},
  {date=2026-12-31,value=92}
]
)"));
    }

    TEST_CASE("CRLF line endings and tabs are kept, and new lines use them") {
        const std::string before =
            "cycle = \"2026-Q4\"\r\n[[objective]]\r\nid = \"o\"\r\ntitle = \"O\"\r\n"
            "\t[[objective.kr]]\r\n\tid = \"k\"\r\n\ttitle = \"K\"\r\n\ttarget = 10\r\n";
        const std::string after = edited(
            append_checkin(before, "x.toml", ItemId::of_kr("o", "k"), checkin("2026-11-01", 3)));
        CHECK(after ==
              before + "\tcheckins = [\r\n\t\t{ date = 2026-11-01, value = 3 },\r\n\t]\r\n");
        const std::string again = edited(
            append_checkin(after, "x.toml", ItemId::of_kr("o", "k"), checkin("2026-11-08", 4)));
        CHECK(again == before + "\tcheckins = [\r\n\t\t{ date = 2026-11-01, value = 3 },\r\n"
                                "\t\t{ date = 2026-11-08, value = 4 },\r\n\t]\r\n");
    }

    TEST_CASE("a file without a final newline keeps going without one") {
        const std::string before = "[[kpi]]\nid = \"k\"\ntitle = \"K\"\nmax = 3";
        const std::string after =
            edited(append_checkin(before, "x.toml", ItemId::of_kpi("k"), checkin("2026-11-01", 2)));
        CHECK(after == before + "\ncheckins = [\n  { date = 2026-11-01, value = 2 },\n]");
    }

    TEST_CASE("dotted keys and unusual spacing in an item are kept byte for byte") {
        const std::string before = text_of(R"(
cycle="2026-Q4"
[[objective]]
id="o"
title="O"
[[objective.kr]]
id    =   "k"
title =   "K"
target=10
meta.source = "crm"      # unknown dotted key, kept
meta.team   = "growth"
)")
                                       .data();
        const std::string after = edited(
            append_checkin(before, "x.toml", ItemId::of_kr("o", "k"), checkin("2026-11-01", 3)));
        CHECK(after == before + "checkins = [\n  { date = 2026-11-01, value = 3 },\n]\n");
        const std::string with_unit = edited(
            set_key(before, "x.toml", ItemId::of_kr("o", "k"), "unit", std::string("deals")));
        // A new key goes after the last plain key, before the dotted sub-table, spaced like it.
        std::string expected = before;
        expected.insert(expected.find("meta.source"), "unit=\"deals\"\n");
        CHECK(with_unit == expected);
    }

    TEST_CASE("UTF-8 titles before an edit do not shift its position, and notes are escaped") {
        const std::string before = text_of(R"(
cycle = "2026-Q4"
[[objective]]
id = "e"
title = "Été 🌱 — croissance"
[[objective]]
id = "o"
title = "Ünïcödé 🚀🚀🚀"
  [[objective.kr]]
  id = "k"
  title = "日本語のタイトル"
  target = 10
  checkins = [ { date = 2026-10-01, value = 1, note = "café ☕" } ]
)")
                                       .data();
        const std::string after =
            edited(append_checkin(before, "x.toml", ItemId::of_kr("o", "k"),
                                  checkin("2026-11-01", 3, NAN, "said \"ok\" \\ done\ttab")));
        CHECK(after.find("note = \"café ☕\" },\n    { date = 2026-11-01, value = 3, note = "
                         "\"said \\\"ok\\\" \\\\ done\\ttab\" },\n  ]") != std::string::npos);
        const GoalFile f = valid_file(after);
        CHECK(f.objectives[1].krs[0].checkins.back().note == "said \"ok\" \\ done\ttab");
    }

    TEST_CASE("set replaces a value in place and keeps its comment") {
        const std::string after =
            edited(set_key(k_commented, "x.toml", ItemId::of_kr("eco", "launch"), "target", 3.0));
        CHECK(after.find("  target = 3\n  current = 1 ") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{1, 1});
        const std::string title = edited(set_key(k_commented, "x.toml", ItemId::of_objective("eco"),
                                                 "title", std::string("Lead")));
        CHECK(title.find("title = \"Lead\"\n\n  [[objective.kr]]") != std::string::npos);
    }

    TEST_CASE("set adds a missing key after the item's last key, indented like its siblings") {
        const std::string after = edited(
            set_key(k_commented, "x.toml", ItemId::of_kr("eco", "sat"), "unit", std::string("%")));
        CHECK(after.find("  target = 95\n  unit = \"%\"\n\n# KPIs below") != std::string::npos);
        const std::string objective =
            edited(set_key(k_commented, "x.toml", ItemId::of_objective("eco"), "tags",
                           std::vector<std::string>{"a", "b"}));
        CHECK(objective.find("title = \"Become a market leader in eco-friendly products\"\ntags = "
                             "[\"a\", \"b\"]\n\n") != std::string::npos);
    }

    TEST_CASE("set writes closed as a date, carried_from and a KPI's source as strings") {
        const std::string closed = edited(set_key(
            k_commented, "x.toml", ItemId::of_objective("eco"), "closed", day("2026-12-31")));
        CHECK(valid_file(closed).objectives[0].closed == day("2026-12-31"));
        const std::string carried = edited(set_key(closed, "x.toml", ItemId::of_objective("eco"),
                                                   "carried_from", std::string("growth/eco")));
        CHECK(valid_file(carried).objectives[0].carried_from->text == "growth/eco");
        CHECK(numstat(k_commented, carried) == std::pair{2, 0});
        const std::string source = edited(set_key(k_commented, "x.toml", ItemId::of_kpi("csat"),
                                                  "source", std::string("./csat.sh")));
        CHECK(valid_file(source).kpis[0].source == "./csat.sh");
    }

    TEST_CASE("a file's title, owner, namespace and cycle change on their own line (issue 26)") {
        const std::string title =
            edited(set_file_key(k_commented, "x.toml", "title", std::string("Growth")));
        CHECK(title.find("\ntitle = \"Growth\"          # optional\n") != std::string::npos);
        CHECK(numstat(k_commented, title) == std::pair{1, 1});
        CHECK(valid_file(title).title == "Growth");
        CHECK(file_key_line(title, "x.toml", "title") == 2);
        CHECK(file_key_line(title, "x.toml", "owner") == 0);
        // The objectives that take the file's cycle follow it.
        const std::string cycle =
            edited(set_file_key(k_commented, "x.toml", "cycle", std::string("2027-Q1")));
        CHECK(numstat(k_commented, cycle) == std::pair{1, 1});
        CHECK(valid_file(cycle).objectives[0].cycle == "2027-Q1");
        // The same value again changes nothing.
        CHECK(edited(set_file_key(k_commented, "x.toml", "cycle", std::string("2026-Q4"))) ==
              k_commented);
    }

    TEST_CASE("a missing file-level key is one line, placed in SPEC order and aligned") {
        // owner goes between title and cycle, its `=` in the column of title's.
        const std::string owner =
            edited(set_file_key(k_commented, "x.toml", "owner", std::string("growth")));
        CHECK(
            owner.find("title = \"Growth team\"          # optional\nowner = \"growth\"\ncycle") !=
            std::string::npos);
        CHECK(numstat(k_commented, owner) == std::pair{1, 0});
        CHECK(valid_file(owner).objectives[0].owner == "growth");
        CHECK(valid_file(owner).kpis[0].owner == "growth");
        const std::string ns =
            edited(set_file_key(owner, "x.toml", "namespace", std::string("grow")));
        CHECK(ns.find("owner = \"growth\"\nnamespace = \"grow\"\ncycle = ") != std::string::npos);
        CHECK(valid_file(ns).name_space == "grow");
        CHECK(valid_file(ns).namespace_declared);
        // Before the first key that comes after it, when none comes before.
        const std::string aligned = std::string(text_of(R"(
owner  = "sam"
cycle  = "2026-Q4"
)"));
        CHECK(edited(set_file_key(aligned, "x.toml", "title", std::string("Sam"))) ==
              "title  = \"Sam\"\nowner  = \"sam\"\ncycle  = \"2026-Q4\"\n");
        CHECK(edited(set_file_key(aligned, "x.toml", "namespace", std::string("s"))) ==
              "owner  = \"sam\"\nnamespace = \"s\"\ncycle  = \"2026-Q4\"\n");
    }

    TEST_CASE("in a file without top-level keys the new key goes above the first table and its "
              "comments") {
        const std::string before = std::string(text_of(R"(
# Sam's goals

# The first one
[[objective]]
id = "fit"
title = "Fit"
cycle = "2026-Q4"
)"));
        const std::string after =
            edited(set_file_key(before, "x.toml", "owner", std::string("sam")));
        CHECK(after.find("# Sam's goals\n\nowner = \"sam\"\n# The first one\n[[objective]]") !=
              std::string::npos);
        CHECK(valid_file(after).objectives[0].owner == "sam");
        // An objective with an owner of its own keeps it.
        const std::string own = std::string(text_of(R"(
[[objective]]
id = "fit"
title = "Fit"
owner = "ann"
cycle = "2026-Q3"
)"));
        const std::string changed =
            edited(set_file_key(own, "x.toml", "owner", std::string("sam")));
        CHECK(valid_file(changed).owner == "sam");
        CHECK(valid_file(changed).objectives[0].owner == "ann");
        const std::string cycle =
            edited(set_file_key(own, "x.toml", "cycle", std::string("2026-Q4")));
        CHECK(valid_file(cycle).objectives[0].cycle == "2026-Q3");
    }

    TEST_CASE("a file-level key that is not a plain string key, or a bad value, is refused") {
        const Result<Edit> e = set_file_key(k_commented, "x.toml", "objective", std::string("x"));
        REQUIRE_FALSE(e.ok());
        CHECK(e.failure().kind == okr::Failure::Kind::unsupported);
        const Result<Edit> bad =
            set_file_key(k_commented, "x.toml", "namespace", std::string("a b"));
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.failure().kind == okr::Failure::Kind::would_be_invalid);
    }

    TEST_CASE("a change that would make the file invalid is refused with the reason") {
        const Result<Edit> e =
            set_key(k_commented, "x.toml", ItemId::of_kr("eco", "sat"), "target", 88.0);
        REQUIRE_FALSE(e.ok());
        CHECK(e.failure().kind == okr::Failure::Kind::would_be_invalid);
        CHECK(e.failure().message ==
              "the change would make x.toml invalid: `target` must differ from "
              "`start` (both are 88)");
    }

    TEST_CASE("an item that is no longer in the text is reported, not guessed") {
        const Result<Edit> e = append_checkin(k_commented, "x.toml", ItemId::of_kr("eco", "gone"),
                                              checkin("2026-11-01", 1));
        REQUIRE_FALSE(e.ok());
        CHECK(e.failure().kind == okr::Failure::Kind::not_found);
        CHECK(e.failure().message == "key result \"eco.gone\" is no longer in x.toml");
    }

    TEST_CASE("check-ins written as [[...checkins]] tables are not extended") {
        const std::string before = text_of(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
[[kpi.checkins]]
date = 2026-10-01
value = 2
)")
                                       .data();
        const Result<Edit> e =
            append_checkin(before, "x.toml", ItemId::of_kpi("k"), checkin("2026-11-01", 3));
        REQUIRE_FALSE(e.ok());
        CHECK(e.failure().kind == okr::Failure::Kind::unsupported);
    }

    TEST_CASE("a key result inside an inline table gets its keys inside the braces") {
        const std::string before = text_of(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
kr = [ { id = "k", title = "K", target = 5 } ]
)")
                                       .data();
        const std::string after = edited(
            append_checkin(before, "x.toml", ItemId::of_kr("o", "k"), checkin("2026-11-01", 3)));
        CHECK(after.find("kr = [ { id = \"k\", title = \"K\", target = 5, checkins = [ { date = "
                         "2026-11-01, value = 3 } ] } ]") != std::string::npos);
    }

    TEST_CASE("a new key result follows the objective's last key result, indented like it") {
        NewItem kr{
            "reviews", "Get 50 reviews", {{"target", 50.0}, {"unit", std::string("reviews")}}};
        const std::string after = edited(add_kr(k_commented, "x.toml", "eco", kr));
        CHECK(after.find("  target = 95\n"
                         "\n"
                         "  [[objective.kr]]\n"
                         "  id = \"reviews\"\n"
                         "  title = \"Get 50 reviews\"\n"
                         "  target = 50\n"
                         "  unit = \"reviews\"\n"
                         "\n"
                         "# KPIs below\n") != std::string::npos);
        CHECK(numstat(k_commented, after) == std::pair{6, 0});
    }

    TEST_CASE("a new objective follows the last objective, before the KPIs and their comments") {
        NewItem o{"hire", "Hire well", {{"type", std::string("committed")}}};
        const std::string after = edited(add_objective(k_commented, "x.toml", o));
        CHECK(after.find("  target = 95\n\n[[objective]]\nid = \"hire\"\ntitle = \"Hire "
                         "well\"\ntype = \"committed\"\n\n"
                         "# KPIs below\n") != std::string::npos);
    }

    TEST_CASE("a new KPI goes after the last KPI, or at the end of the file") {
        NewItem k{"nps", "Net promoter score", {{"min", 30.0}, {"warn", 10.0}}};
        const std::string after = edited(add_kpi(k_commented, "x.toml", k));
        CHECK(after.ends_with("checkins = []\n\n[[kpi]]\nid = \"nps\"\ntitle = \"Net promoter "
                              "score\"\nmin = 30\nwarn = 10\n"));
        const std::string empty = edited(add_kpi("cycle = \"2026-Q4\"\n", "x.toml", k));
        CHECK(empty == "cycle = \"2026-Q4\"\n\n[[kpi]]\nid = \"nps\"\ntitle = \"Net promoter "
                       "score\"\nmin = 30\nwarn = 10\n");
    }

    TEST_CASE("a first objective goes before the KPIs, with the comments right above them") {
        const std::string before =
            "cycle = \"2026-Q4\"\n\n# the KPIs\n[[kpi]]\nid = \"k\"\ntitle = \"K\"\nmin = 1\n";
        const std::string after = edited(add_objective(before, "x.toml", NewItem{"o", "O", {}}));
        CHECK(after == "cycle = \"2026-Q4\"\n\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n\n# the "
                       "KPIs\n[[kpi]]\nid = \"k\"\n"
                       "title = \"K\"\nmin = 1\n");
    }

    TEST_CASE("the item line is where its table starts") {
        CHECK(item_line(k_commented, "x.toml", ItemId::of_objective("eco")) == 5);
        CHECK(item_line(k_commented, "x.toml", ItemId::of_kr("eco", "sat")) == 27);
        CHECK(item_line(k_commented, "x.toml", ItemId::of_kpi("csat")) == 35);
        CHECK(item_line(k_commented, "x.toml", ItemId::of_kpi("nope")) == 0);
    }

    // ---- The round-trip property
    // ------------------------------------------------------------------

    namespace {

    // A random goal file in one of many styles, built together with the model it must parse to.
    struct Style {
        std::string eol, indent, eq, unit;
        bool comments, trailing_comma, inline_checkins, tight_tables;
    };

    Style random_style(std::mt19937& rng) {
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        Style s;
        s.eol = pick(3) == 0 ? "\r\n" : "\n";
        const char* indents[] = {"", "  ", "    ", "\t"};
        s.indent = indents[pick(4)];
        s.unit = s.indent == "\t" ? "\t" : "  ";
        s.eq = pick(4) == 0 ? "=" : pick(2) ? " = " : "   =  ";
        s.comments = pick(2);
        s.trailing_comma = pick(3) != 0;
        s.inline_checkins = pick(4) == 0;
        s.tight_tables = pick(3) == 0;
        return s;
    }

    std::string random_file(std::mt19937& rng, const Style& s) {
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        std::string t;
        auto line = [&](const std::string& indent, const std::string& text) {
            t += indent + text;
            if (s.comments && pick(4) == 0) t += "   # note ü";
            t += s.eol;
        };
        auto kv = [&](const std::string& indent, const std::string& k, const std::string& v) {
            line(indent, k + s.eq + v);
        };
        if (s.comments) t += "# a goal file" + s.eol;
        kv("", "cycle", "\"2026-Q4\"");
        const int objectives = 1 + pick(3);
        for (int o = 0; o < objectives; ++o) {
            t += s.eol;
            line("", "[[objective]]");
            kv("", "id", fmt::format("\"o{}\"", o));
            kv("", "title", fmt::format("\"Objective {} — ünïcode\"", o));
            const int krs = pick(4);
            for (int k = 0; k < krs; ++k) {
                if (!s.tight_tables) t += s.eol;
                line(s.indent, "[[objective.kr]]");
                kv(s.indent, "id", fmt::format("\"k{}\"", k));
                kv(s.indent, "title", fmt::format("\"KR {}\"", k));
                kv(s.indent, "target", std::to_string(10 + k));
                if (pick(2)) kv(s.indent, "current", "0");
                const int checkins = pick(4) - 1; // -1: no array
                if (checkins >= 0) {
                    if (s.inline_checkins) {
                        std::string arr = "[";
                        for (int c = 0; c < checkins; ++c)
                            arr += fmt::format("{}{{ date = 2026-10-{:02}, value = {} }}",
                                               c ? ", " : " ", c + 1, c);
                        arr += checkins ? " ]" : "]";
                        kv(s.indent, "checkins", arr);
                    } else {
                        t += s.indent + "checkins" + s.eq + "[" + s.eol;
                        for (int c = 0; c < checkins; ++c)
                            t += s.indent + s.unit +
                                 fmt::format("{{ date = 2026-10-{:02}, value = {} }}{}", c + 1, c,
                                             c + 1 < checkins || s.trailing_comma ? "," : "") +
                                 s.eol;
                        if (s.comments && pick(2))
                            t += s.indent + s.unit + "# older check-ins were in the wiki" + s.eol;
                        t += s.indent + "]" + s.eol;
                    }
                }
                if (s.comments && pick(2)) t += s.indent + "# end of KR" + s.eol;
            }
        }
        const int kpis = pick(3);
        for (int k = 0; k < kpis; ++k) {
            t += s.eol;
            line("", "[[kpi]]");
            kv("", "id", fmt::format("\"m{}\"", k));
            kv("", "title", fmt::format("\"KPI {}\"", k));
            kv("", "min", "5");
        }
        return t;
    }

    std::size_t count_lines(std::string_view t) {
        return static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n'));
    }

    } // namespace

    TEST_CASE("random edits on random files keep them valid, change the model as asked and nothing "
              "else") {
        std::mt19937 rng(20261123);
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        int edits = 0;
        for (int round = 0; round < 150; ++round) {
            const Style style = random_style(rng);
            std::string text = random_file(rng, style);
            GoalFile model = valid_file(text);
            for (int step = 0; step < 20; ++step, ++edits) {
                GoalFile expected = model;
                Result<Edit> e = Edit{};
                const std::size_t what = pick(6);
                std::vector<std::pair<std::size_t, std::size_t>> krs;
                for (std::size_t o = 0; o < model.objectives.size(); ++o)
                    for (std::size_t k = 0; k < model.objectives[o].krs.size(); ++k)
                        krs.emplace_back(o, k);
                if (what <= 2 && !krs.empty()) {
                    // A check-in on a KR, sometimes backdated.
                    auto [o, k] = krs[pick(krs.size())];
                    KeyResult& kr = expected.objectives[o].krs[k];
                    Checkin c = checkin(pick(4) == 0 ? "2026-09-30" : "2026-12-01",
                                        static_cast<double>(pick(100)) / 4);
                    if (pick(2)) c.confidence = 0.5;
                    if (pick(3) == 0) c.note = "n\"ote é";
                    const bool latest =
                        std::all_of(kr.checkins.begin(), kr.checkins.end(),
                                    [&](const Checkin& x) { return x.date <= c.date; });
                    kr.checkins.push_back(c);
                    if (kr.current && latest) kr.current = c.value;
                    e = append_checkin(text, "x.toml", ItemId::of_kr(model.objectives[o].id, kr.id),
                                       c);
                } else if (what == 3 && !model.kpis.empty()) {
                    const std::size_t k = pick(model.kpis.size());
                    const Checkin c = checkin("2026-11-15", static_cast<double>(pick(50)));
                    expected.kpis[k].checkins.push_back(c);
                    e = append_checkin(text, "x.toml", ItemId::of_kpi(model.kpis[k].id), c);
                } else if (what == 4 && !krs.empty()) {
                    auto [o, k] = krs[pick(krs.size())];
                    KeyResult& kr = expected.objectives[o].krs[k];
                    if (pick(2)) {
                        kr.unit = "u" + std::to_string(pick(9));
                        e = set_key(text, "x.toml", ItemId::of_kr(model.objectives[o].id, kr.id),
                                    "unit", kr.unit);
                    } else {
                        kr.target = 100 + static_cast<double>(pick(9));
                        e = set_key(text, "x.toml", ItemId::of_kr(model.objectives[o].id, kr.id),
                                    "target", kr.target);
                    }
                } else {
                    const std::size_t o = pick(model.objectives.size());
                    const std::string id = fmt::format("new{}", step);
                    e = add_kr(text, "x.toml", model.objectives[o].id,
                               NewItem{id, "New KR ☃", {{"target", 7.0}}});
                    KeyResult kr;
                    kr.id = id;
                    kr.title = "New KR ☃";
                    kr.target = 7;
                    expected.objectives[o].krs.push_back(kr);
                }
                if (!e.ok()) {
                    FAIL_CHECK("edit ", edits, " failed: ", e.failure().message, "\n--- text ---\n",
                               text);
                    break;
                }
                // Every byte outside the spliced spans is unchanged.
                std::string rebuilt;
                std::size_t at = 0;
                for (const Splice& s : e->splices) {
                    REQUIRE(s.offset >= at);
                    rebuilt.append(text, at, s.offset - at);
                    rebuilt += s.text;
                    at = s.offset + s.length;
                }
                rebuilt.append(text, at);
                REQUIRE(rebuilt == e->text);
                for (const Splice& s : e->splices) {
                    // Splices insert whole lines or replace a value: never a line ending of the old
                    // text.
                    CHECK(std::string_view(text).substr(s.offset, s.length).find('\n') ==
                          std::string_view::npos);
                }
                // The line endings stay those of the file.
                if (style.eol == "\r\n")
                    CHECK(count_lines(e->text) == static_cast<std::size_t>([&] {
                              std::size_t n = 0;
                              for (std::size_t i = 1; i < e->text.size(); ++i)
                                  n += e->text[i] == '\n' && e->text[i - 1] == '\r';
                              return n;
                          }()));
                const GoalFile now = valid_file(e->text);
                if (!same_model(expected, now)) {
                    FAIL_CHECK("edit ", edits, " changed the model unexpectedly\n--- before ---\n",
                               text, "\n--- after ---\n", e->text);
                    break;
                }
                text = e->text;
                model = now;
            }
        }
        CHECK(edits == 3000);
    }

} // TEST_SUITE
