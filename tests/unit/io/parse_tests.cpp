#include "okr/io/parse.hpp"
#include "okr/io/workspace.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace okr;
using okr::test::located;
using okr::test::parse;
using okr::test::valid_file;

namespace {

using Strings = std::vector<std::string>;

// Every error of a goal file as `LINE:COL: message`, in the order of the file.
Strings errors_of(std::string_view text) {
    Diagnostics diagnostics = parse(text).diagnostics;
    sort_diagnostics(diagnostics);
    Strings out;
    for (const Diagnostic& d : diagnostics) {
        CHECK(d.path == "x.toml");
        if (d.level == Level::error) out.push_back(located(d));
    }
    return out;
}

// The one diagnostic of a goal file, as `LINE:COL: message`; the test fails unless there is
// exactly one.
std::string only_error(std::string_view text) {
    const Strings errors = errors_of(text);
    INFO("errors: ", fmt::format("{}", fmt::join(errors, " | ")));
    REQUIRE(errors.size() == 1);
    return errors.front();
}

// The hint of the one diagnostic.
std::string only_hint(std::string_view text) {
    const auto parsed = parse(text);
    REQUIRE(parsed.diagnostics.size() == 1);
    return parsed.diagnostics.front().hint;
}

} // namespace

TEST_SUITE("okr::io::parse") {

    TEST_CASE("a file without objectives or KPIs is valid and empty") {
        const GoalFile f = valid_file("");
        CHECK(f.objectives.empty());
        CHECK(f.kpis.empty());
        CHECK(f.path == "x.toml");
    }

    TEST_CASE("objectives inherit owner and cycle from the file and may override them") {
        const GoalFile f = valid_file(R"(
owner = "growth"
cycle = "2026-Q4"
[[objective]]
id = "a"
title = "A"
[[objective]]
id = "b"
title = "B"
owner = "alice"
cycle = "2026-H2"
)");
        REQUIRE(f.objectives.size() == 2);
        CHECK(f.objectives[0].owner == "growth");
        CHECK(f.objectives[0].cycle == "2026-Q4");
        CHECK(f.objectives[0].cycle_pos == SourcePos{2, 9});
        CHECK(f.objectives[1].owner == "alice");
        CHECK(f.objectives[1].cycle == "2026-H2");
        CHECK(f.objectives[1].cycle_pos == SourcePos{10, 9});
    }

    TEST_CASE("an objective is aspirational with weight 1 unless it says otherwise") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "a"
title = "A"
[[objective]]
id = "b"
title = "B"
type = "committed"
weight = 2.5
status = "dropped"
)");
        CHECK(f.objectives[0].type == ObjectiveType::aspirational);
        CHECK(f.objectives[0].weight == 1);
        CHECK_FALSE(f.objectives[0].dropped);
        CHECK(f.objectives[1].type == ObjectiveType::committed);
        CHECK(f.objectives[1].weight == 2.5);
        CHECK(f.objectives[1].dropped);
    }

    TEST_CASE("a key result is a metric with start 0 and weight 1 by default") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
)");
        const KeyResult& kr = f.objectives[0].krs.at(0);
        CHECK(kr.type == KrType::metric);
        CHECK(kr.start == 0);
        CHECK(kr.target == 10);
        CHECK(kr.weight == 1);
        CHECK_FALSE(kr.current);
        CHECK_FALSE(kr.score);
        CHECK_FALSE(kr.kpi);
        CHECK_FALSE(kr.dropped);
        CHECK(kr.owner.empty()); // the objective's owner, resolved when shown
        CHECK(kr.pos == SourcePos{5, 3});
    }

    TEST_CASE("a milestone key result goes from 0 to 1") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "m"
  title = "M"
  type = "milestone"
)");
        const KeyResult& kr = f.objectives[0].krs.at(0);
        CHECK(kr.type == KrType::milestone);
        CHECK(kr.start == 0);
        CHECK(kr.target == 1);
    }

    TEST_CASE("every key of a key result is read") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "sat"
  title = "Satisfaction"
  start = 88
  target = 95.5
  current = 90
  unit = "%"
  weight = 2
  score = 0.4
  kpi = "csat"
  owner = "bob"
  status = "dropped"
  notes = "n"
  checkins = [
    { date = 2026-10-14, value = 1, confidence = 0.6, note = "first" },
    { date = 2026-11-04, value = 2 },
  ]
)");
        const KeyResult& kr = f.objectives[0].krs.at(0);
        CHECK(kr.id == "sat");
        CHECK(kr.title == "Satisfaction");
        CHECK(kr.start == 88);
        CHECK(kr.target == 95.5);
        CHECK(kr.current == 90);
        CHECK(kr.current_pos == SourcePos{10, 13});
        CHECK(kr.unit == "%");
        CHECK(kr.weight == 2);
        CHECK(kr.score == 0.4);
        REQUIRE(kr.kpi);
        CHECK(kr.kpi->text == "csat");
        CHECK(kr.kpi->pos == SourcePos{14, 9});
        CHECK(kr.owner == "bob");
        CHECK(kr.dropped);
        CHECK(kr.notes == "n");
        REQUIRE(kr.checkins.size() == 2);
        CHECK(kr.checkins[0].date == test::day("2026-10-14"));
        CHECK(kr.checkins[0].value == 1);
        CHECK(kr.checkins[0].confidence == 0.6);
        CHECK(kr.checkins[0].note == "first");
        CHECK(kr.checkins[0].pos == SourcePos{19, 5});
        CHECK_FALSE(kr.checkins[1].has_confidence());
    }

    TEST_CASE("a KPI inherits the file's owner and reads its bounds and frequency") {
        const GoalFile f = valid_file(R"(
owner = "support"
[[kpi]]
id = "csat"
title = "Customer satisfaction"
unit = "%"
min = 90
warn = 85
frequency = "monthly"
tags = ["customer", "lagging"]
checkins = [ { date = 2026-10-31, value = 91.2 } ]
[[kpi]]
id = "latency"
title = "Latency"
max = 200
owner = "ops"
)");
        REQUIRE(f.kpis.size() == 2);
        const Kpi& csat = f.kpis[0];
        CHECK(csat.owner == "support");
        CHECK(csat.min == 90);
        CHECK_FALSE(csat.max);
        CHECK(csat.warn == 85);
        CHECK(csat.frequency == Frequency::monthly);
        CHECK(csat.tags == Strings{"customer", "lagging"});
        CHECK(csat.checkins.size() == 1);
        CHECK(f.kpis[1].owner == "ops");
        CHECK(f.kpis[1].max == 200);
        CHECK_FALSE(f.kpis[1].frequency);
    }

    TEST_CASE("closed and carried_from of an objective are read with their positions") {
        const GoalFile f = valid_file(R"(
cycle = "2027-Q1"
[[objective]]
id = "eco-2027-q1"
title = "Eco"
closed = 2027-03-31
carried_from = "growth/eco"
[[objective]]
id = "plain"
title = "Plain"
)");
        REQUIRE(f.objectives.size() == 2);
        const Objective& o = f.objectives[0];
        REQUIRE(o.closed.has_value());
        CHECK(o.closed->iso() == "2027-03-31");
        CHECK(o.closed_pos == SourcePos{5, 10});
        REQUIRE(o.carried_from.has_value());
        CHECK(o.carried_from->text == "growth/eco");
        CHECK(o.carried_from->pos == SourcePos{6, 16});
        CHECK_FALSE(f.objectives[1].closed.has_value());
        CHECK_FALSE(f.objectives[1].carried_from.has_value());
        CHECK(f.unknown_keys.empty());
    }

    TEST_CASE("a KPI's source is read as written, with its position, and never run") {
        const GoalFile f = valid_file(R"(
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
source = "./scripts/csat.sh --last 30d"
[[kpi]]
id = "nps"
title = "NPS"
min = 30
)");
        REQUIRE(f.kpis.size() == 2);
        REQUIRE(f.kpis[0].source.has_value());
        CHECK(*f.kpis[0].source == "./scripts/csat.sh --last 30d");
        CHECK(f.kpis[0].source_pos == SourcePos{5, 10});
        CHECK_FALSE(f.kpis[1].source.has_value());
        CHECK(f.unknown_keys.empty());
    }

    TEST_CASE("the namespace is the file stem unless the file names one") {
        CHECK(io::parse_goal_file("", "teams/growth.toml").file.name_space == "growth");
        CHECK(io::parse_goal_file("namespace = \"grow\"\n", "teams/growth.toml").file.name_space ==
              "grow");
    }

    TEST_CASE("the file's title, custom cycles, includes and objective references are read") {
        const GoalFile f = valid_file(R"(
title = "Growth team"
[workspace]
include = ["teams/*.toml"]
[cycles.launch-sprint]
start = 2026-11-01
end = 2026-11-21
[[objective]]
id = "o"
title = "O"
cycle = "launch-sprint"
parent = "company/leader"
kpis = ["csat"]
tags = ["customer"]
notes = "Retro"
)");
        CHECK(f.title == "Growth team");
        REQUIRE(f.includes.size() == 1);
        CHECK(f.includes[0].text == "teams/*.toml");
        REQUIRE(f.cycles.size() == 1);
        CHECK(f.cycles[0] ==
              Cycle{"launch-sprint", test::day("2026-11-01"), test::day("2026-11-21")});
        const Objective& o = f.objectives.at(0);
        CHECK(o.cycle == "launch-sprint");
        REQUIRE(o.parent);
        CHECK(o.parent->text == "company/leader");
        CHECK(o.parent->pos == SourcePos{11, 10});
        REQUIRE(o.kpis.size() == 1);
        CHECK(o.kpis[0].pos == SourcePos{12, 9});
        CHECK(o.tags == Strings{"customer"});
        CHECK(o.notes == "Retro");
    }

    TEST_CASE("unknown keys are recorded with the nearest known key, and are not errors") {
        const auto parsed = parse(R"(
titel = "T"
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
ownr = "a"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  wieght = 2
  checkins = [ { date = 2026-10-14, value = 1, notes = "x" } ]
[[kpi]]
id = "k"
title = "K"
min = 1
frobnicate = true
)");
        CHECK(parsed.diagnostics.empty());
        Strings found;
        for (const UnknownKey& u : parsed.file.unknown_keys)
            found.push_back(
                fmt::format("{}:{}: {} -> {}", u.pos.line, u.pos.column, u.key, u.suggestion));
        std::sort(found.begin(), found.end());
        CHECK(found == Strings{"11:3: wieght -> weight", "12:48: notes -> note",
                               "17:1: frobnicate -> ", "1:1: titel -> title",
                               "6:1: ownr -> owner"});
    }

    TEST_CASE("is_valid_id accepts [A-Za-z0-9][A-Za-z0-9_-]*") {
        for (const char* id : {"a", "Z", "0", "grow-revenue", "q4_2026", "A-b_C-9"}) {
            CAPTURE(id);
            CHECK(io::is_valid_id(id));
        }
        for (const char* id : {"", "-a", "_a", "a b", "a.b", "a/b", "é", "a!"}) {
            CAPTURE(id);
            CHECK_FALSE(io::is_valid_id(id));
        }
    }

    // --- Syntax ---------------------------------------------------------------------------------

    TEST_CASE("an unterminated string is reported at its opening quote") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "Launch the page
)") == "4:9: TOML syntax error: unterminated string");
    }

    TEST_CASE("a byte that is not UTF-8 is reported at that byte") {
        CHECK(only_error("cycle = \"2026-Q4\"\ntitle = \"caf\xe9\"\n") ==
              "2:13: the file is not valid UTF-8");
        CHECK(only_hint("title = \"caf\xe9\"\n") == "save the file as UTF-8");
    }

    TEST_CASE("a key given twice is a syntax error on the second one") {
        CHECK(only_error(R"(
title = "a"
title = "b"
)") == "2:9: TOML syntax error in key-value pair: cannot redefine existing string 'title'");
    }

    TEST_CASE("a date that is not in the calendar is a syntax error") {
        const std::string e = only_error(R"(
[cycles.s]
start = 2026-02-30
end = 2026-03-10
)");
        CHECK(e.rfind("2:", 0) == 0);
        CHECK(e.find("TOML syntax error in date") != std::string::npos);
    }

    // --- Types ----------------------------------------------------------------------------------

    TEST_CASE("a string key with another type is an error at the value") {
        CHECK(only_error("title = 5\n") == "1:9: `title` must be a string, found an integer");
        CHECK(only_hint("title = 5\n") == "write it in quotes, e.g. title = \"Growth team\"");
    }

    TEST_CASE("a number in quotes is an error with a hint to remove them") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
weight = "2"
)";
        CHECK(only_error(text) == "5:10: `weight` must be a number, found a string");
        CHECK(only_hint(text) == "remove the quotes: weight = 2");
    }

    TEST_CASE("a number that is not a number at all is an error") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = true
)";
        CHECK(only_error(text) == "8:12: `target` must be a number, found a boolean");
        CHECK(only_hint(text) == "write a number without quotes, e.g. target = 10");
    }

    TEST_CASE("a quoted number with words after it gets no hint that is itself invalid") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = "10 users"
)";
        CHECK(only_error(text) == "8:12: `target` must be a number, found a string");
        CHECK(only_hint(text) == "write a number without quotes, e.g. target = 10");
    }

    TEST_CASE("a quoted percentage confidence is hinted as a fraction, a quoted percentage target "
              "as a number") {
        const std::string_view confidence = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14, value = 1, confidence = "70%" } ]
)";
        CHECK(only_hint(confidence) == "write a fraction without quotes: confidence = 0.7");
        const std::string_view target = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = "95%"
)";
        CHECK(only_hint(target) ==
              "write the number without quotes and put % in `unit`: target = 95");
    }

    TEST_CASE("nan and inf are not numbers a goal file may hold") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = nan
)") == "8:12: `target` must be a finite number, found nan");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14, value = -inf } ]
)") == "5:43: `value` must be a finite number, found -inf");
    }

    TEST_CASE("check-ins must be an array of tables") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = 5
)") == "5:12: `checkins` must be an array of tables, found an integer");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14, value = 1 }, 5 ]
)") == "5:48: each entry of `checkins` must be a table, found an integer");
    }

    TEST_CASE("a check-in date in quotes is an error with a hint to remove them") {
        const std::string_view text = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = "2026-10-14", value = 1 } ]
)";
        CHECK(only_error(text) == "5:23: `date` must be a date, found a string");
        CHECK(only_hint(text) == "remove the quotes: date = 2026-10-14");
    }

    TEST_CASE("a check-in date with a time of day is an error with a hint to drop the time") {
        const std::string_view text = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14T09:30:00, value = 1 } ]
)";
        CHECK(only_error(text) == "5:23: `date` must be a date, found a date-time");
        CHECK(only_hint(text) == "drop the time of day: date = 2026-10-14");
    }

    TEST_CASE("tags must be an array of strings") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
tags = "customer"
)") == "5:8: `tags` must be an array of strings, found a string");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
tags = ["customer", 7]
)") == "5:21: `tags` must hold only strings, found an integer");
    }

    TEST_CASE("kpis must be an array of strings") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
kpis = ["csat", 2]
)") == "5:17: `kpis` must hold only strings, found an integer");
    }

    TEST_CASE("closed must be a local date, at its value") {
        const std::string head = "cycle = \"2026-Q4\"\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n";
        CHECK(only_error(head + "closed = \"2026-12-31\"\n") ==
              "5:10: `closed` must be a date, found a string");
        CHECK(only_hint(head + "closed = \"2026-12-31\"\n") ==
              "remove the quotes: closed = 2026-12-31");
        CHECK(only_error(head + "closed = 2026-12-31T10:00:00\n") ==
              "5:10: `closed` must be a date, found a date-time");
        CHECK(only_hint(head + "closed = 2026-12-31T10:00:00\n") ==
              "drop the time of day: closed = 2026-12-31");
        CHECK(only_error(head + "closed = true\n") ==
              "5:10: `closed` must be a date, found a boolean");
    }

    TEST_CASE("carried_from must be a string reference, at its value") {
        const std::string head = "cycle = \"2026-Q4\"\n[[objective]]\nid = \"o\"\ntitle = \"O\"\n";
        CHECK(only_error(head + "carried_from = 3\n") ==
              "5:16: `carried_from` must be a string, found an integer");
        CHECK(only_error(head + "carried_from = [\"a\"]\n") ==
              "5:16: `carried_from` must be a string, found an array");
    }

    TEST_CASE("a KPI's source must be a non-empty string, at its value") {
        const std::string head = "[[kpi]]\nid = \"k\"\ntitle = \"K\"\nmin = 1\n";
        CHECK(only_error(head + "source = [\"curl\", \"x\"]\n") ==
              "5:10: `source` must be a string, found an array");
        CHECK(only_error(head + "source = 42\n") ==
              "5:10: `source` must be a string, found an integer");
        CHECK(only_error(head + "source = \"  \"\n") == "5:10: `source` must not be empty");
    }

    TEST_CASE("a single [objective] table is an error: objectives are [[objective]]") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[objective]
id = "o"
title = "O"
)") == "2:1: `objective` must be an array of tables, found a table");
    }

    TEST_CASE("cycles, workspace includes, kpis and key results must have the right shape") {
        CHECK(only_error("cycles = 5\n") == "1:10: `cycles` must be a table, found an integer");
        CHECK(only_error("[workspace]\ninclude = \"teams/*.toml\"\n") ==
              "2:11: `include` must be an array of strings, found a string");
        CHECK(only_error("[workspace]\ninclude = [\"a.toml\", 3]\n") ==
              "2:22: `include` must hold only strings, found an integer");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
kpis = "csat"
)") == "5:8: `kpis` must be an array of strings, found a string");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
kr = 5
)") == "5:6: `kr` must be an array of tables, found an integer");
    }

    TEST_CASE("a date in year 0 is not supported") {
        const std::string_view text = R"(
[cycles.s]
start = 0000-01-01
end = 2026-03-10
)";
        CHECK(only_error(text) == "2:9: `start` is not a supported date");
        CHECK(only_hint(text) == "use a year between 1 and 9999");
    }

    // --- Missing keys ---------------------------------------------------------------------------

    TEST_CASE("an objective without id or title is an error at its header") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
title = "O"
)") == "2:1: objective is missing `id`");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
)") == "2:1: objective is missing `title`");
    }

    TEST_CASE("a key result without title is an error at its header") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  target = 10
)") == "5:3: key result is missing `title`");
    }

    TEST_CASE("a metric key result without target is an error at its header") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "signups"
  title = "Sign-ups"
  start = 200
)";
        CHECK(only_error(text) == "5:3: key result \"signups\" is missing `target`");
        CHECK(only_hint(text) ==
              "add target = N, or type = \"milestone\" for a done / not done result");
    }

    TEST_CASE("a KPI without id is an error at its header") {
        CHECK(only_error(R"(
[[kpi]]
title = "K"
min = 1
)") == "1:1: KPI is missing `id`");
    }

    TEST_CASE("a check-in without date or value is an error at the check-in") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { value = 1 } ]
)") == "5:14: check-in is missing `date`");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14 } ]
)") == "5:14: check-in is missing `value`");
    }

    TEST_CASE("an objective with no cycle in it or in its file is an error") {
        CHECK(only_error(R"(
[[objective]]
id = "o"
title = "O"
)") == "1:1: objective \"o\" has no cycle");
    }

    // --- Ranges ---------------------------------------------------------------------------------

    TEST_CASE("a weight of 0 or less is an error at the value") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  weight = 0
)") == "9:12: `weight` must be greater than 0, found 0");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
weight = -1.5
)") == "5:10: `weight` must be greater than 0, found -1.5");
    }

    TEST_CASE("a score outside 0 to 1 is an error at the value") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  score = 1.5
)";
        CHECK(only_error(text) == "9:11: `score` must be between 0 and 1, found 1.5");
        CHECK(only_hint(text) == "use a fraction from 0.0 to 1.0");
    }

    TEST_CASE("scores and confidences of exactly 0 and 1 are valid") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  score = 0
  checkins = [ { date = 2026-10-14, value = 1, confidence = 1 } ]
  [[objective.kr]]
  id = "b"
  title = "B"
  target = 10
  score = 1
  checkins = [ { date = 2026-10-14, value = 1, confidence = 0 } ]
)");
        CHECK(f.objectives[0].krs[0].score == 0.0);
        CHECK(f.objectives[0].krs[1].score == 1.0);
    }

    TEST_CASE("a confidence outside 0 to 1 is an error; a percentage gets a hint") {
        const std::string_view negative = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14, value = 1, confidence = -0.1 } ]
)";
        CHECK(only_error(negative) == "5:59: `confidence` must be between 0 and 1, found -0.1");
        const std::string_view percent = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
checkins = [ { date = 2026-10-14, value = 1, confidence = 70 } ]
)";
        CHECK(only_error(percent) == "5:59: `confidence` must be between 0 and 1, found 70");
        CHECK(only_hint(percent) == "write a fraction: confidence = 0.7");
    }

    TEST_CASE("a metric target equal to its start is an error at the target") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  start = 5
  target = 5
)") == "9:12: `target` must differ from `start` (both are 5)");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 0
)") == "8:12: `target` must differ from `start` (both are 0)");
    }

    TEST_CASE("a milestone takes no start or target and its check-ins are 0 or 1") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "m"
  title = "M"
  type = "milestone"
  target = 3
)") == "9:12: a milestone key result takes no `target`");
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "m"
  title = "M"
  type = "milestone"
  checkins = [ { date = 2026-10-14, value = 2 } ]
)") == "9:45: a milestone check-in is 0 or 1, found 2");
    }

    TEST_CASE("a KPI needs min or max, with min at most max") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
)") == "1:1: KPI \"k\" has neither `min` nor `max`");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 10
max = 5
)") == "4:7: `min` (10) is greater than `max` (5)");
        CHECK(valid_file("[[kpi]]\nid = \"k\"\ntitle = \"K\"\nmin = 5\nmax = 5\n").kpis.size() ==
              1);
    }

    TEST_CASE("warn needs exactly one bound and lies beyond it") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 7
max = 9
warn = 6
)") == "6:8: `warn` needs exactly one of `min` and `max`, but this KPI has both");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 90
warn = 95
)") == "5:8: `warn` (95) must be below `min` (90)");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 90
warn = 90
)") == "5:8: `warn` (90) must be below `min` (90)");
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
max = 10
warn = 5
)") == "5:8: `warn` (5) must be above `max` (10)");
    }

    TEST_CASE("a custom cycle must end after it starts") {
        CHECK(only_error(R"(
[cycles.sprint]
start = 2026-11-21
end = 2026-11-01
)") == "3:7: cycle `sprint` must end after it starts (2026-11-01 is not after 2026-11-21)");
        CHECK(only_error(R"(
[cycles.sprint]
start = 2026-11-21
end = 2026-11-21
)") == "3:7: cycle `sprint` must end after it starts (2026-11-21 is not after 2026-11-21)");
    }

    TEST_CASE("a custom cycle needs both dates") {
        CHECK(only_error(R"(
[cycles.sprint]
start = 2026-11-21
)") == "1:1: cycle `sprint` is missing `end`");
    }

    TEST_CASE("a custom cycle may not take a built-in name") {
        CHECK(only_error(R"(
[cycles.2026-Q1]
start = 2026-01-01
end = 2026-03-31
)") == "1:9: invalid custom cycle name \"2026-Q1\"");
    }

    // --- Enumerations ---------------------------------------------------------------------------

    TEST_CASE("an unknown objective type lists the valid ones") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
type = "stretch"
)") == "5:8: unknown type \"stretch\": expected \"aspirational\" or \"committed\"");
    }

    TEST_CASE("an unknown status suggests the nearest one") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  status = "dorpped"
)";
        CHECK(only_error(text) ==
              "9:12: unknown status \"dorpped\": expected \"active\" or \"dropped\"");
        CHECK(only_hint(text) == "did you mean \"dropped\"?");
    }

    TEST_CASE("an unknown frequency lists all five") {
        const std::string_view text = R"(
[[kpi]]
id = "k"
title = "K"
min = 1
frequency = "montly"
)";
        CHECK(only_error(text) == "5:13: unknown frequency \"montly\": expected \"daily\", "
                                  "\"weekly\", \"monthly\", \"quarterly\" or \"yearly\"");
        CHECK(only_hint(text) == "did you mean \"monthly\"?");
    }

    TEST_CASE("an unknown KR type is the only error, not also a missing target") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  type = "milstone"
)") == "8:10: unknown type \"milstone\": expected \"metric\" or \"milestone\"");
    }

    // --- Ids ------------------------------------------------------------------------------------

    TEST_CASE("an id must match [A-Za-z0-9][A-Za-z0-9_-]*") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "-launch"
title = "O"
)") == "3:6: invalid id \"-launch\"");
        CHECK(only_error(R"(
[[kpi]]
id = "csat score"
title = "K"
min = 1
)") == "2:6: invalid id \"csat score\"");
    }

    TEST_CASE("a duplicate objective id is an error at the second id") {
        const std::string_view text = R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
[[objective]]
id = "o"
title = "P"
)";
        CHECK(only_error(text) == "6:6: duplicate objective id \"o\"");
        CHECK(only_hint(text) == "the first one is at line 2; give each objective its own id");
    }

    TEST_CASE("a duplicate KR id within one objective is an error, across objectives it is fine") {
        CHECK(only_error(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 1
  [[objective.kr]]
  id = "a"
  title = "B"
  target = 1
)") == "10:8: duplicate key result id \"a\" in objective \"o\"");
        CHECK(valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 1
[[objective]]
id = "p"
title = "P"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 1
)")
                  .objectives.size() == 2);
    }

    TEST_CASE("a duplicate KPI id is an error at the second id") {
        CHECK(only_error(R"(
[[kpi]]
id = "k"
title = "K"
min = 1
[[kpi]]
id = "k"
title = "L"
min = 1
)") == "6:6: duplicate KPI id \"k\"");
    }

    // --- Cycles and namespaces ------------------------------------------------------------------

    TEST_CASE("a cycle name that looks built in but is not is an error") {
        CHECK(only_error("cycle = \"2026-Q5\"\n") == "1:9: invalid cycle name \"2026-Q5\"");
        CHECK(only_error("cycle = \"2026-13\"\n") == "1:9: invalid cycle name \"2026-13\"");
        CHECK(only_error(R"(
[[objective]]
id = "o"
title = "O"
cycle = "next quarter"
)") == "4:9: invalid cycle name \"next quarter\"");
    }

    TEST_CASE("every built-in cycle form and a declared name are valid cycle names") {
        for (const char* name : {"2026", "2026-H1", "2026-Q3", "2026-07", "sprint"}) {
            CAPTURE(name);
            const GoalFile f =
                valid_file(fmt::format("cycle = \"{}\"\n[cycles.sprint]\nstart = 2026-11-01\nend = "
                                       "2026-11-21\n",
                                       name));
            CHECK(f.cycle == name);
        }
    }

    TEST_CASE("a namespace must be a valid id") {
        CHECK(only_error("namespace = \"a/b\"\n") == "1:13: invalid namespace \"a/b\"");
    }

    // --- All at once ----------------------------------------------------------------------------

    TEST_CASE("every violation in a file is reported, not just the first") {
        CHECK(errors_of(R"(
cycle = "2026-Q4"
[[objective]]
id = "o"
title = "O"
weight = 0
type = "stretch"
  [[objective.kr]]
  id = "a"
  title = "A"
  target = 10
  score = 2
[[kpi]]
id = "k"
title = "K"
)") == Strings{"5:10: `weight` must be greater than 0, found 0",
               "6:8: unknown type \"stretch\": expected \"aspirational\" or \"committed\"",
               "11:11: `score` must be between 0 and 1, found 2",
               "12:1: KPI \"k\" has neither `min` nor `max`"});
    }

    TEST_CASE("merge-conflict markers are an unresolved merge conflict at the first marker") {
        CHECK(only_error(R"(
title = "T"
[[objective]]
id = "a"
title = "A"
<<<<<<< HEAD
owner = "x"
=======
owner = "y"
>>>>>>> theirs
)") == "5:1: unresolved merge conflict in objective a: HEAD against theirs, lines 5-9");
        // A conflict inside a key result names it, and the labels are the markers' own.
        CHECK(only_error("title = \"T\"\n[[objective]]\nid = \"grow\"\ntitle = \"G\"\n"
                         "  [[objective.kr]]\n  id = \"arr\"\n  title = \"A\"\n  target = 2\n"
                         "  checkins = [\n<<<<<<<<< main\n    { date = 2026-11-08, value = 6 },\n"
                         "=========\n    { date = 2026-11-08, value = 5 },\n>>>>>>>>> alice\n"
                         "  ]\n") ==
              "10:1: unresolved merge conflict in kr grow.arr: main against alice, lines 10-14");
        // A conflict is a set: start, separator and end, of one size, in that order.
        CHECK(io::first_conflict_marker("a = 1\r\n<<<<<<< a\r\nb\r\n=======\r\n>>>>>>> b\r\n") ==
              SourcePos{2, 1});
        CHECK(io::first_conflict_marker("notes = \"\"\"\n<<<<<<<\n=======\n>>>>>>>\n\"\"\"\n") ==
              SourcePos{2, 1}); // inside a multi-line string too
        // A lone marker line, an underline or an arrow in a note, is content.
        CHECK_FALSE(io::first_conflict_marker("title = \"T\"\n=======\n"));
        CHECK_FALSE(io::first_conflict_marker("notes = \"\"\"\nPlan\n==========\n\"\"\"\n"));
        CHECK_FALSE(io::first_conflict_marker("a = 1\r\n>>>>>>> b\r\n"));
        CHECK_FALSE(io::first_conflict_marker("<<<<<<< a\n>>>>>>> b\n=======\n")); // out of order
        // Not at the start of a line is not a marker.
        CHECK_FALSE(io::first_conflict_marker("notes = \"<<<<<<< x\"\n  =======\n  >>>>>>> y\n"));
        // git's conflict-marker-size makes them longer; all three the same size.
        CHECK(io::first_conflict_marker("a = 1\n<<<<<<<<< ours\n=========\n>>>>>>>>> theirs\n") ==
              SourcePos{2, 1});
        CHECK_FALSE(io::first_conflict_marker("<<<<<<<<< ours\n=======\n>>>>>>>>> theirs\n"));
        CHECK_FALSE(io::first_conflict_marker("<<<<<< six\n======\n>>>>>> six\n"));
        CHECK_FALSE(io::first_conflict_marker("<<<<<<<x\n=======>\n>>>>>>>\n"));
        CHECK(parse("a = 1\n<<<<<<< a\n=======\n>>>>>>> b\n")
                  .diagnostics.front()
                  .hint.find("okr init --git") != std::string::npos);
    }

} // TEST_SUITE

TEST_CASE("ParseMemo: the same path and text are parsed once, another text again") {
    io::ParseMemo memo;
    const std::string one = "title = \"One\"\n";
    const io::ParsedFile first = memo.parse("a.toml", one);
    const io::ParsedFile again = memo.parse("a.toml", one);
    CHECK(first.file.title == "One");
    CHECK(again.file.title == "One");
    CHECK(again.file.path == "a.toml");
    const io::ParsedFile changed = memo.parse("a.toml", "title = \"Two\"\n");
    CHECK(changed.file.title == "Two");
    const io::ParsedFile other = memo.parse("b.toml", one);
    CHECK(other.file.path == "b.toml");
    const io::ParsedFile bad = memo.parse("a.toml", "title = \n");
    CHECK_FALSE(bad.diagnostics.empty());
}
