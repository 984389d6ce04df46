#include "okr/core/schema.hpp"

#include "okr/core/lint.hpp"
#include "okr/io/edit.hpp"
#include "okr/io/parse.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

using namespace okr;
using okr::test::text_of;
using okr::test::valid_file;

namespace {

using Strings = std::vector<std::string>;

Strings names(schema::Table table) {
    return schema::names_of(table);
}

const std::string k_base = std::string(text_of(R"(
cycle = "2026-Q3"
[[objective]]
id = "eco"
title = "Eco"
  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 5
[[objective]]
id = "other"
title = "Other"
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
)"));

// The values to try for a key: each allowed value, else its example as the CLI would type it.
std::vector<schema::Value> candidates(const schema::Key& key) {
    std::vector<schema::Value> out;
    if (key.rule == schema::Rule::one_of) {
        for (std::string_view v : key.values)
            out.emplace_back(std::string(v));
        return out;
    }
    const std::string example(key.example);
    switch (key.type) {
    case schema::Type::number: {
        double n = 0;
        auto [ptr, ec] = std::from_chars(example.data(), example.data() + example.size(), n);
        REQUIRE(ec == std::errc{});
        out.emplace_back(n);
        break;
    }
    case schema::Type::date:
        out.emplace_back(*Date::parse_iso(example));
        break;
    case schema::Type::string_list: {
        std::vector<std::string> items;
        std::size_t at = 0;
        while (at <= example.size()) {
            std::size_t comma = std::min(example.find(", ", at), example.size());
            items.push_back(example.substr(at, comma - at));
            at = comma + 2;
        }
        out.emplace_back(items);
        break;
    }
    case schema::Type::string:
        out.emplace_back(example);
        break;
    case schema::Type::tables:
        break;
    }
    return out;
}

io::ItemId item_of(schema::Table table) {
    if (table == schema::Table::objective) return io::ItemId::of_objective("eco");
    if (table == schema::Table::kr) return io::ItemId::of_kr("eco", "launch");
    return io::ItemId::of_kpi("csat");
}

} // namespace

TEST_SUITE("okr::schema") {

    // `dropped` (the day `okr drop` dropped an item) is not in SPEC §3's list: issue 28 made it
    // data.
    TEST_CASE("the table holds the keys of SPEC §3, each at its level, in the spec's order") {
        CHECK(names(schema::Table::file) == Strings{"title", "owner", "namespace", "cycle",
                                                    "cycles", "workspace", "objective", "kpi"});
        CHECK(names(schema::Table::cycle) == Strings{"start", "end"});
        CHECK(names(schema::Table::workspace) == Strings{"include"});
        CHECK(names(schema::Table::objective) ==
              Strings{"id", "title", "owner", "type", "parent", "kpis", "tags", "notes", "weight",
                      "status", "dropped", "cycle", "closed", "carried_from", "kr"});
        CHECK(names(schema::Table::kr) == Strings{"id", "title", "start", "target", "current",
                                                  "unit", "weight", "type", "score", "kpi", "owner",
                                                  "status", "dropped", "checkins", "notes"});
        CHECK(names(schema::Table::kpi) == Strings{"id", "title", "unit", "min", "max", "warn",
                                                   "frequency", "owner", "tags", "status",
                                                   "dropped", "checkins", "notes", "source"});
        CHECK(names(schema::Table::checkin) ==
              Strings{"date", "value", "confidence", "note", "recorded"});
    }

    TEST_CASE("every key but a table has a setter for its level, and only items and a file's own "
              "keys are settable") {
        for (const schema::Key& key : schema::all_keys()) {
            INFO(schema::item_name(key.table), " ", key.name);
            CHECK((key.type == schema::Type::tables) ==
                  std::holds_alternative<std::monostate>(key.set));
            const bool item = key.table == schema::Table::objective ||
                              key.table == schema::Table::kr || key.table == schema::Table::kpi;
            // A file's title, owner, namespace and cycle: `okr set NS/ KEY VALUE` (issue 26).
            const bool file = key.table == schema::Table::file;
            CHECK(key.settable == ((item || file) && key.type != schema::Type::tables));
            CHECK((key.rule == schema::Rule::one_of) == !key.values.empty());
        }
    }

    TEST_CASE("the table says which keys make a grade and which are quantities in the item's "
              "unit") {
        auto with = [](schema::Table table, bool schema::Traits::*trait) {
            Strings out;
            for (const schema::Key& key : schema::keys_of(table))
                if (key.traits.*trait) out.emplace_back(key.name);
            return out;
        };
        using schema::Table;
        using schema::Traits;
        // A closed objective's grade is frozen: these are what `okr set` and `okr drop` refuse to
        // change there without --force. Titles, owners, notes, tags and references stay free.
        CHECK(with(Table::objective, &Traits::grade) == Strings{"weight", "status", "cycle"});
        CHECK(with(Table::kr, &Traits::grade) ==
              Strings{"start", "target", "current", "weight", "type", "score", "kpi", "status"});
        CHECK(with(Table::kpi, &Traits::grade).empty());
        // The command line takes these with the item's own unit: `58 bpm`, `70%`.
        CHECK(with(Table::kr, &Traits::unit) == Strings{"start", "target", "current"});
        CHECK(with(Table::kpi, &Traits::unit) == Strings{"min", "max", "warn"});
        CHECK(with(Table::checkin, &Traits::unit) == Strings{"value"});
        CHECK(with(Table::objective, &Traits::unit).empty());
        for (const schema::Key& key : schema::all_keys()) {
            INFO(schema::item_name(key.table), " ", key.name);
            if (key.traits.unit) CHECK(key.type == schema::Type::number);
            if (key.traits.grade) CHECK(key.settable);
        }
    }

    TEST_CASE("every settable key round-trips: set, re-parse, and the model is the one intended") {
        const GoalFile before = valid_file(k_base);
        for (const schema::Key& key : schema::all_keys()) {
            if (!key.settable) continue;
            INFO(schema::item_name(key.table), " ", key.name);
            int written = 0;
            for (const schema::Value& value : candidates(key)) {
                // set_key builds the intended model with the key's setter, writes the text,
                // re-parses it and compares the two models with ==.
                const Result<io::Edit> e =
                    key.table == schema::Table::file
                        ? io::set_file_key(k_base, "x.toml", std::string(key.name), value)
                        : io::set_key(k_base, "x.toml", item_of(key.table), std::string(key.name),
                                      value);
                if (!e.ok()) {
                    // Only a value the rest of the item forbids may be refused (a milestone
                    // takes no target).
                    CHECK(e.failure().kind == Failure::Kind::would_be_invalid);
                    continue;
                }
                ++written;
                CHECK(e->text != k_base);
                CHECK(e->text.find(std::string(key.name) + " = ") != std::string::npos);
                const GoalFile after = valid_file(e->text);
                CHECK(after.unknown_keys.empty());
                // A default value written out changes the text, not the goals.
                const bool is_default = key.rule == schema::Rule::one_of &&
                                        std::get<std::string>(value) == key.values.front();
                if (!is_default) CHECK(after != before);
            }
            CHECK(written > 0);
        }
    }

    TEST_CASE("keys that okr set does not change are read too, and none is unknown") {
        const GoalFile f = valid_file(R"(
title = "Growth"
owner = "growth"
namespace = "grow"
cycle = "sprint"
[cycles.sprint]
start = 2026-11-01
end = 2026-11-21
[workspace]
include = ["teams/*.toml"]
[[kpi]]
id = "csat"
title = "CSAT"
min = 90
checkins = [ { date = 2026-11-02, value = 91, confidence = 0.5, note = "n" } ]
)");
        CHECK(f.unknown_keys.empty());
        CHECK(f.title == "Growth");
        CHECK(f.name_space == "grow");
        CHECK(f.cycle == "sprint");
        REQUIRE(f.cycles.size() == 1);
        CHECK(f.cycles[0].end.iso() == "2026-11-21");
        REQUIRE(f.includes.size() == 1);
        CHECK(f.includes[0].pos == SourcePos{9, 12});
        REQUIRE(f.kpis[0].checkins.size() == 1);
        CHECK(f.kpis[0].checkins[0].confidence == 0.5);
        CHECK(f.kpis[0].checkins[0].note == "n");
    }

    TEST_CASE("model equality ignores positions but not content") {
        const GoalFile a = valid_file(k_base);
        const GoalFile moved = valid_file("\n\n# moved down\n" + k_base);
        CHECK(a.objectives[0].pos.line != moved.objectives[0].pos.line);
        CHECK(a == moved);
        GoalFile changed = a;
        changed.objectives[0].krs[0].checkins.push_back({});
        CHECK(a != changed);
        ModelPos p = SourcePos{3, 4};
        CHECK(p == ModelPos(SourcePos{7, 1}));
        CHECK(p == SourcePos{3, 4});
        CHECK_FALSE(p == SourcePos{7, 1});
    }

    TEST_CASE("an unknown table is named as the file writes it, with the table it may mean") {
        const GoalFile f = valid_file(R"(
cycle = "2026-Q4"
[[objective]]
id = "eco"
title = "Eco"
  [[objective.krs]]
  id = "launch"
  title = "Launch"
  target = 5
[[kpis]]
id = "csat"
title = "CSAT"
min = 90
)");
        REQUIRE(f.unknown_keys.size() == 2);
        CHECK(f.kpis.empty());
        CHECK(f.objectives[0].krs.empty());
        Strings found;
        for (const UnknownKey& u : f.unknown_keys) {
            const Diagnostic d = unknown_key_finding(f, u);
            found.push_back(
                fmt::format("{}:{}: {} ({})", d.pos.line, d.pos.column, d.message, d.hint));
        }
        std::sort(found.begin(), found.end());
        CHECK(found == Strings{"5:15: unknown table `[[objective.krs]]` (did you mean "
                               "`[[objective.kr]]`?)",
                               "9:3: unknown table `[[kpis]]` (did you mean `[[kpi]]`?)"});
        Workspace ws;
        ws.files.push_back(f);
        CHECK(unknown_keys_summary(ws) ==
              "x.toml:5:15: unknown table `[[objective.krs]]` is not read; did you mean "
              "`[[objective.kr]]`? (and 1 more unknown key: `okr check` lists them)");
    }

    TEST_CASE("every key has a one-line doc for editors") {
        for (const schema::Key& key : schema::all_keys()) {
            CAPTURE(key.name);
            const std::string_view d = schema::doc(key);
            CHECK(!d.empty());
            CHECK(d.find('\n') == std::string_view::npos);
        }
    }

} // TEST_SUITE
