#include "okr/report/json_schema.hpp"
#include "okr/core/schema.hpp"
#include "okr/report/json.hpp"

#include <array>

namespace okr::report {
namespace {

using schema::Key;
using schema::Rule;
using schema::Table;
using schema::Type;

// The name under "definitions" of a table other than the file's.
std::string_view definition_name(Table table) {
    switch (table) {
    case Table::file:
        return "file";
    case Table::cycle:
        return "cycle";
    case Table::workspace:
        return "workspace";
    case Table::objective:
        return "objective";
    case Table::kr:
        return "kr";
    case Table::kpi:
        return "kpi";
    case Table::checkin:
        return "checkin";
    }
    return "file";
}

// What a key of Type::tables holds: the table of its entries, and whether it is an array of
// them (`[[objective]]`), a table of named ones (`[cycles.NAME]`) or one table (`[workspace]`).
enum class Holds { array, named, one };
struct Nested {
    Table parent;
    std::string_view name;
    Table table;
    Holds holds;
};
constexpr Nested k_nested[] = {
    {Table::file, "cycles", Table::cycle, Holds::named},
    {Table::file, "workspace", Table::workspace, Holds::one},
    {Table::file, "objective", Table::objective, Holds::array},
    {Table::file, "kpi", Table::kpi, Holds::array},
    {Table::objective, "kr", Table::kr, Holds::array},
    {Table::kr, "checkins", Table::checkin, Holds::array},
    {Table::kpi, "checkins", Table::checkin, Holds::array},
};

// The keys the parser requires of each item (io/parse: "... is missing `id`"). A metric KR's
// `target` depends on its type, which a schema of types cannot say; the parser says it.
struct Required {
    Table table;
    std::array<std::string_view, 2> keys;
};
constexpr Required k_required[] = {
    {Table::cycle, {"start", "end"}},    {Table::objective, {"id", "title"}},
    {Table::kr, {"id", "title"}},        {Table::kpi, {"id", "title"}},
    {Table::checkin, {"date", "value"}},
};

void ref_to(JsonWriter& w, Table table) {
    w.field("$ref", "#/definitions/" + std::string(definition_name(table)));
}

const Nested* nested(const Key& key) {
    for (const Nested& n : k_nested)
        if (n.parent == key.table && n.name == key.name) return &n;
    return nullptr;
}

// The constraints of a string or of a list's entries.
void string_rule(JsonWriter& w, const Key& key) {
    w.field("type", "string");
    switch (key.rule) {
    case Rule::id:
        w.field("pattern", "^[A-Za-z0-9][A-Za-z0-9_-]*$");
        break;
    case Rule::not_empty:
        w.field("pattern", "\\S");
        break;
    case Rule::one_of:
        w.key("enum");
        w.begin_array();
        for (std::string_view v : key.values)
            w.value(v);
        w.end_array();
        break;
    default:
        break;
    }
}

void key_schema(JsonWriter& w, const Key& key) {
    w.begin_object();
    if (std::string_view d = schema::doc(key); !d.empty()) w.field("description", d);
    switch (key.type) {
    case Type::string:
        string_rule(w, key);
        if (key.rule == Rule::one_of && !key.values.empty()) w.field("default", key.values[0]);
        break;
    case Type::number:
        w.field("type", "number");
        if (key.rule == Rule::positive) w.field("exclusiveMinimum", 0.0);
        if (key.rule == Rule::fraction) {
            w.field("minimum", 0.0);
            w.field("maximum", 1.0);
        }
        break;
    case Type::date:
        // A TOML local date reaches a JSON Schema validator as its ISO text.
        w.field("type", "string");
        w.field("format", "date");
        break;
    case Type::string_list:
        w.field("type", "array");
        w.key("items");
        w.begin_object();
        string_rule(w, key);
        w.end_object();
        break;
    case Type::tables:
        if (const Nested* n = nested(key)) {
            if (n->holds == Holds::one) {
                ref_to(w, n->table);
            } else {
                w.field("type", n->holds == Holds::array ? "array" : "object");
                w.key(n->holds == Holds::array ? "items" : "additionalProperties");
                w.begin_object();
                ref_to(w, n->table);
                w.end_object();
            }
        }
        break;
    }
    w.end_object();
}

// The object schema of one table: its keys, the keys it requires, no others.
void table_schema(JsonWriter& w, Table table) {
    w.field("type", "object");
    w.key("properties");
    w.begin_object();
    for (const Key& key : schema::keys_of(table)) {
        w.key(key.name);
        key_schema(w, key);
    }
    w.end_object();
    for (const Required& r : k_required)
        if (r.table == table) {
            w.key("required");
            w.begin_array();
            for (std::string_view k : r.keys)
                w.value(k);
            w.end_array();
        }
    w.field("additionalProperties", false);
}

} // namespace

std::string json_schema() {
    return json_document({}, [](JsonWriter& w) {
        w.field("$schema", "http://json-schema.org/draft-07/schema#");
        w.field("title", "okr goal file");
        w.field("description",
                "A goal file of okr: objectives, key results and KPIs (okr-format(5)). Generated "
                "by okr schema from okr's schema table.");
        table_schema(w, Table::file);
        w.key("definitions");
        w.begin_object();
        for (Table t : {Table::cycle, Table::workspace, Table::objective, Table::kr, Table::kpi,
                        Table::checkin}) {
            w.key(definition_name(t));
            w.begin_object();
            w.field("description", schema::item_name(t));
            table_schema(w, t);
            w.end_object();
        }
        w.end_object();
    });
}

} // namespace okr::report
