#pragma once
// The schema of a goal file (SPEC §3) as one table: each key with the table it lives in, its
// TOML type, the values it allows and the field of the model it fills. The parser, the
// unknown-key lint and its suggestions, `okr set`, `okr add` and the verification of every
// write read this table, so a key added here is known to all of them (ccache's config key
// table is the model).

#include "okr/core/date.hpp"
#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace okr::schema {

// Where a key is written.
enum class Table { file, cycle, workspace, objective, kr, kpi, checkin };

// The TOML type of a key's value.
enum class Type {
    string,
    number,      // an integer or a float, finite
    date,        // a TOML local date
    string_list, // an array of strings
    tables,      // a table or an array of tables, read by code of its own (objective, kr, ...)
};

// What a value must be beyond its type.
enum class Rule {
    none,
    id,            // [A-Za-z0-9][A-Za-z0-9_-]*
    not_empty,     // a string with more than white space
    positive,      // a number > 0
    fraction,      // a number from 0 to 1
    one_of,        // one of the key's `values`
    cycle_name,    // YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a declared cycle
    objective_ref, // a reference to an objective (resolved by the index, not the parser)
    kpi_ref,       // a reference (or, in a list, references) to KPIs
};

// A value of a key, in the model's terms.
using Value = std::variant<double, std::string, Date, std::vector<std::string>>;

// Where a value was written: the value itself and, for a list, each of its entries.
struct Where {
    SourcePos pos;
    std::span<const SourcePos> entries;
};

// Puts a checked value into its field of the model, the way the parser reads it.
template <class Item> using Setter = void (*)(Item& item, const Value& value, const Where& where);
using AnySetter = std::variant<std::monostate, Setter<GoalFile>, Setter<Cycle>, Setter<Objective>,
                               Setter<KeyResult>, Setter<Kpi>, Setter<Checkin>>;

// What a key's value is to the commands that change it, beyond its type and rule.
struct Traits {
    bool grade = false; // part of a KR's or objective's grade, frozen once the objective is closed
    bool unit = false;  // a number in the item's own `unit`: the command line takes `58 bpm`
};

struct Key {
    Table table = Table::file;
    std::string_view name;
    Type type = Type::string;
    Rule rule = Rule::none;
    std::span<const std::string_view> values; // Rule::one_of: the allowed values, default first
    std::string_view example;                 // a valid value as typed on the command line
    bool settable = false;                    // `okr set` may change it
    AnySetter set;                            // empty for Type::tables
    Traits traits = {};

    // Calls the setter on `item`; false when the key fills another kind of item or none.
    template <class Item> bool apply(Item& item, const Value& value, const Where& where) const {
        if (const auto* f = std::get_if<Setter<Item>>(&set)) {
            (*f)(item, value, where);
            return true;
        }
        return false;
    }
};

// Every key, grouped by table, each table's keys in the order SPEC §3 lists them.
std::span<const Key> all_keys();
// The keys of one table.
std::span<const Key> keys_of(Table table);
// The key `name` of `table`, or nullptr.
const Key* find(Table table, std::string_view name);
// How messages name an item of a table: "objective", "key result", "KPI", "check-in", ...
std::string_view item_name(Table table);

// The key's meaning in one line, for editors (`okr schema`, `okr lsp`); empty for none.
std::string_view doc(const Key& key);

// The names of a table's keys, for "did you mean" and hints.
std::vector<std::string> names_of(Table table);

// True when `value` has the alternative that `type` needs.
bool holds(Type type, const Value& value);

// True when `id` matches [A-Za-z0-9][A-Za-z0-9_-]*.
bool is_valid_id(std::string_view id);

} // namespace okr::schema
