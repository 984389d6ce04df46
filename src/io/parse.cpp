#include "okr/io/parse.hpp"

#include "parse_tree.hpp"

#include "okr/core/schema.hpp"
#include "okr/core/suggest.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <span>
#include <toml++/toml.h>
#include <unordered_map>

namespace okr::io {
namespace {

using schema::Key;
using schema::Rule;
using schema::Table;
using schema::Type;
using schema::Value;

SourcePos pos_of(const toml::source_region& r) {
    return {static_cast<std::uint32_t>(r.begin.line), static_cast<std::uint32_t>(r.begin.column)};
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    default:
        return "nothing";
    }
}

std::string format_number(double v) {
    return fmt::format("{}", v);
}

// "\"a\", \"b\" or \"c\""
std::string quoted_choices(std::span<const std::string_view> values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += fmt::format("{}\"{}\"", i == 0 ? "" : (i + 1 == values.size() ? " or " : ", "),
                           values[i]);
    return out;
}

// How the file writes an unknown key that holds a table: `[[objective.krs]]`, `[extra]`; empty
// for a plain value or an inline table.
std::string table_header(std::string_view prefix, std::string_view key, const toml::node& n) {
    if (const auto* t = n.as_table())
        return t->is_inline() ? std::string() : fmt::format("[{}{}]", prefix, key);
    if (const auto* a = n.as_array())
        if (!a->empty() && std::all_of(a->begin(), a->end(), [](const toml::node& item) {
                return item.is_table() && !item.as_table()->is_inline();
            }))
            return fmt::format("[[{}{}]]", prefix, key);
    return {};
}

// Which keys of an item were read without error (bit i: the i-th key of its table).
struct Read {
    std::span<const Key> keys;
    std::uint64_t ok = 0;
    bool has(std::string_view name) const {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i].name == name) return (ok >> i) & 1U;
        return false;
    }
};

// Reads one file's TOML tree into the model, collecting every violation. What each key is and
// where its value goes comes from the schema table; this code adds the rules that tie keys
// together (a milestone takes no target, warn lies beyond its bound, ids are unique, ...).
class Reader {
  public:
    Reader(const std::string& path, GoalFile& file, Diagnostics& diags)
        : m_path(path), m_file(file), m_diags(diags) {}

    void read(const toml::table& root);
    // The objectives and KPIs of `items` as if they were in a file whose top level is `top`.
    void read_items(const toml::table& top, const toml::table& items);

  private:
    void error(SourcePos pos, std::string message, std::string hint = {}) {
        m_diags.push_back({m_path, pos, Level::error, std::move(message), std::move(hint), {}});
    }
    void error_at(const toml::node& n, std::string message, std::string hint = {}) {
        error(pos_of(n.source()), std::move(message), std::move(hint));
    }

    // Reads every key of `t` that `table` knows into `item` and records the others as unknown.
    template <class Item>
    Read read_keys(const toml::table& t, Table table, Item& item, std::string_view prefix);
    std::optional<Value> value(const toml::node& n, const Key& key,
                               std::vector<SourcePos>& entries);
    std::optional<std::string> string(const toml::node& n, std::string_view key,
                                      std::string_view example);
    std::optional<double> number(const toml::node& n, std::string_view key);
    std::optional<Date> date(const toml::node& n, std::string_view key);
    bool checked(const toml::node& n, const Key& key, const Value& v);
    bool cycle_name(const toml::node& n, const std::string& name);
    void require(const toml::table& t, std::string_view key, std::string_view what);

    void read_cycles(const toml::node& n);
    void read_workspace(const toml::node& n);
    void read_objective(const toml::table& t);
    void read_kr(const toml::table& t, Objective& objective);
    void read_kpi(const toml::table& t);
    std::vector<Checkin> read_checkins(const toml::table& owner, bool milestone,
                                       std::string_view prefix);
    const toml::array* array_of_tables(const toml::node& n, std::string_view key,
                                       std::string_view example);

    const std::string& m_path;
    GoalFile& m_file;
    Diagnostics& m_diags;
    const toml::table* m_root = nullptr;
    // Line of each id seen so far, so that duplicates are found in linear time.
    std::unordered_map<std::string, std::uint32_t> m_objective_lines, m_kpi_lines, m_kr_lines;
};

template <class Item>
Read Reader::read_keys(const toml::table& t, Table table, Item& item, std::string_view prefix) {
    Read read{schema::keys_of(table)};
    std::vector<SourcePos> entries;
    for (auto&& [k, node] : t) {
        const std::string_view name = k.str();
        std::size_t i = 0;
        while (i < read.keys.size() && read.keys[i].name != name)
            ++i;
        if (i == read.keys.size()) {
            m_file.unknown_keys.push_back({std::string(name), table_header(prefix, name, node),
                                           nearest(name, schema::names_of(table)),
                                           pos_of(k.source())});
            continue;
        }
        const Key& key = read.keys[i];
        if (key.type == Type::tables) continue; // read by code of its own
        entries.clear();
        auto v = value(node, key, entries);
        if (!v || !checked(node, key, *v)) continue;
        key.apply(item, *v, {pos_of(node.source()), entries});
        read.ok |= std::uint64_t{1} << i;
    }
    return read;
}

std::optional<Value> Reader::value(const toml::node& n, const Key& key,
                                   std::vector<SourcePos>& entries) {
    switch (key.type) {
    case Type::string:
        return string(n, key.name, key.rule == Rule::one_of ? key.values.front() : key.example);
    case Type::number:
        return number(n, key.name);
    case Type::date:
        return date(n, key.name);
    case Type::string_list: {
        const auto* arr = n.as_array();
        const std::string example = key.rule == Rule::kpi_ref ? "[\"csat\"]"
                                    : key.name == "include"   ? "[\"teams/*.toml\"]"
                                                              : "[\"a\", \"b\"]";
        if (!arr) {
            error_at(
                n,
                fmt::format("`{}` must be an array of strings, found {}", key.name, type_name(n)),
                fmt::format("e.g. {} = {}", key.name, example));
            return std::nullopt;
        }
        std::vector<std::string> out;
        out.reserve(arr->size());
        for (const toml::node& item : *arr) {
            if (const auto* s = item.as_string()) {
                out.push_back(s->get());
                entries.push_back(pos_of(item.source()));
            } else {
                error_at(
                    item,
                    fmt::format("`{}` must hold only strings, found {}", key.name, type_name(item)),
                    key.rule == Rule::kpi_ref
                        ? fmt::format("list KPI references in quotes, e.g. {} = {}", key.name,
                                      example)
                    : key.name == "include" ? "put each glob in quotes"
                                            : "put each entry in quotes");
            }
        }
        return out;
    }
    case Type::tables:
        break;
    }
    return std::nullopt;
}

bool Reader::checked(const toml::node& n, const Key& key, const Value& v) {
    switch (key.rule) {
    case Rule::none:
    case Rule::objective_ref:
    case Rule::kpi_ref:
        return true;
    case Rule::id: {
        const std::string& id = std::get<std::string>(v);
        if (schema::is_valid_id(id)) return true;
        if (key.name == "id")
            error_at(n, fmt::format("invalid id \"{}\"", id),
                     "ids start with a letter or digit and contain only letters, digits, `-` and "
                     "`_`");
        else
            error_at(n, fmt::format("invalid {} \"{}\"", key.name, id),
                     fmt::format("a {} starts with a letter or digit and contains only letters, "
                                 "digits, `-` and `_`",
                                 key.name));
        return false;
    }
    case Rule::not_empty:
        if (std::get<std::string>(v).find_first_not_of(" \t") != std::string::npos) return true;
        error_at(n, fmt::format("`{}` must not be empty", key.name),
                 "write the command that prints the value, or remove the key");
        return false;
    case Rule::positive: {
        const double w = std::get<double>(v);
        if (w > 0) return true;
        error_at(n,
                 fmt::format("`{}` must be greater than 0, found {}", key.name, format_number(w)),
                 "use a positive number; drop an item with status = \"dropped\" instead");
        return false;
    }
    case Rule::fraction: {
        const double x = std::get<double>(v);
        if (x >= 0 && x <= 1) return true;
        error_at(n,
                 fmt::format("`{}` must be between 0 and 1, found {}", key.name, format_number(x)),
                 x >= 2 && x <= 100 && x == std::floor(x)
                     ? fmt::format("write a fraction: {} = {}", key.name, format_number(x / 100))
                     : std::string("use a fraction from 0.0 to 1.0"));
        return false;
    }
    case Rule::one_of: {
        const std::string& s = std::get<std::string>(v);
        if (std::find(key.values.begin(), key.values.end(), s) != key.values.end()) return true;
        const std::string near =
            nearest(s, std::vector<std::string>(key.values.begin(), key.values.end()));
        error_at(
            n,
            fmt::format("unknown {} \"{}\": expected {}", key.name, s, quoted_choices(key.values)),
            near.empty() ? "" : fmt::format("did you mean \"{}\"?", near));
        return false;
    }
    case Rule::cycle_name:
        return cycle_name(n, std::get<std::string>(v));
    }
    return true;
}

std::optional<std::string> Reader::string(const toml::node& n, std::string_view key,
                                          std::string_view example) {
    if (const auto* s = n.as_string()) return s->get();
    error_at(n, fmt::format("`{}` must be a string, found {}", key, type_name(n)),
             fmt::format("write it in quotes, e.g. {} = \"{}\"", key, example));
    return std::nullopt;
}

std::optional<double> Reader::number(const toml::node& n, std::string_view key) {
    double v = 0;
    if (const auto* i = n.as_integer()) {
        v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
        v = f->get();
        if (!std::isfinite(v)) {
            error_at(n,
                     fmt::format("`{}` must be a finite number, found {}", key,
                                 std::isnan(v) ? "nan"
                                 : v < 0       ? "-inf"
                                               : "inf"),
                     "nan and inf are not allowed in goal files");
            return std::nullopt;
        }
    } else {
        std::string hint = "write a number without quotes, e.g. " + std::string(key) + " = 10";
        if (const auto* str = n.as_string()) {
            const std::string& text = str->get();
            double parsed = 0;
            const char* end = text.data() + text.size();
            if (!text.empty() && text.back() == '%') {
                auto [ptr, ec] = std::from_chars(text.data(), end - 1, parsed);
                const bool fraction = key == "confidence" || key == "score";
                if (ec == std::errc{} && ptr == end - 1)
                    hint = fraction
                               ? fmt::format("write a fraction without quotes: {} = {}", key,
                                             format_number(parsed / 100))
                               : fmt::format(
                                     "write the number without quotes and put % in `unit`: {} = {}",
                                     key, format_number(parsed));
            } else if (auto [ptr, ec] = std::from_chars(text.data(), end, parsed);
                       ec == std::errc{} && ptr == end) {
                hint = fmt::format("remove the quotes: {} = {}", key, text);
            }
        }
        error_at(n, fmt::format("`{}` must be a number, found {}", key, type_name(n)), hint);
        return std::nullopt;
    }
    if (!is_number_in_range(v)) {
        error_at(n, fmt::format("`{}` is out of range: {}", key, format_number(v)),
                 fmt::format("okr takes numbers from -{0} to {0}, and none closer to 0 than {1} "
                             "(okr-format(5))",
                             format_number(k_max_magnitude), "2.2e-308"));
        return std::nullopt;
    }
    return v;
}

std::optional<Date> Reader::date(const toml::node& n, std::string_view key) {
    if (const auto* d = n.as_date()) {
        const toml::date v = d->get();
        if (auto out = Date::from_ymd(v.year, v.month, v.day)) return out;
        error_at(n, fmt::format("`{}` is not a supported date", key),
                 "use a year between 1 and 9999");
        return std::nullopt;
    }
    std::string hint = fmt::format("write a local date without quotes, e.g. {} = 2026-11-04", key);
    if (const auto* s = n.as_string())
        if (Date::parse_iso(s->get()))
            hint = fmt::format("remove the quotes: {} = {}", key, s->get());
    if (const auto* dt = n.as_date_time())
        hint = fmt::format(
            "drop the time of day: {} = {}", key,
            Date::from_ymd(dt->get().date.year, dt->get().date.month, dt->get().date.day)
                .value_or(Date())
                .iso());
    error_at(n, fmt::format("`{}` must be a date, found {}", key, type_name(n)), hint);
    return std::nullopt;
}

bool Reader::cycle_name(const toml::node& n, const std::string& c) {
    if (!builtin_cycle(c) && !schema::is_valid_id(c)) {
        error_at(n, fmt::format("invalid cycle name \"{}\"", c),
                 "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM or a name declared under [cycles]");
        return false;
    }
    const bool looks_builtin =
        c.size() >= 5 && std::all_of(c.begin(), c.begin() + 4, ::isdigit) && c[4] == '-';
    if (looks_builtin && !builtin_cycle(c) &&
        std::none_of(m_file.cycles.begin(), m_file.cycles.end(),
                     [&](const Cycle& k) { return k.name == c; })) {
        error_at(n, fmt::format("invalid cycle name \"{}\"", c),
                 "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM or a name declared under [cycles]");
        return false;
    }
    return true;
}

// An item without a required `id` or `title` is reported at its header.
void Reader::require(const toml::table& t, std::string_view key, std::string_view what) {
    if (t.get(key)) return;
    error(pos_of(t.source()), fmt::format("{} is missing `{}`", what, key),
          key == "id" ? "add a short identifier, e.g. id = \"grow-revenue\""
                      : fmt::format("add {} = \"...\"", key));
}

const toml::array* Reader::array_of_tables(const toml::node& n, std::string_view key,
                                           std::string_view example) {
    const auto* arr = n.as_array();
    if (!arr) {
        error_at(n, fmt::format("`{}` must be an array of tables, found {}", key, type_name(n)),
                 fmt::format("write each entry as {}", example));
        return nullptr;
    }
    bool ok = true;
    for (const toml::node& item : *arr)
        if (!item.is_table()) {
            error_at(
                item,
                fmt::format("each entry of `{}` must be a table, found {}", key, type_name(item)),
                fmt::format("write each entry as {}", example));
            ok = false;
        }
    return ok ? arr : nullptr;
}

void Reader::read_cycles(const toml::node& n) {
    const auto* t = n.as_table();
    if (!t) {
        error_at(n, fmt::format("`cycles` must be a table, found {}", type_name(n)),
                 "declare each cycle as [cycles.NAME] with start and end dates");
        return;
    }
    for (auto&& [key, value] : *t) {
        const std::string name(key.str());
        const auto* ct = value.as_table();
        if (!ct) {
            error_at(value, fmt::format("cycle `{}` must be a table with start and end", name),
                     fmt::format("write [cycles.{}] followed by start = ... and end = ...", name));
            continue;
        }
        if (!schema::is_valid_id(name) || builtin_cycle(name)) {
            error(pos_of(key.source()), fmt::format("invalid custom cycle name \"{}\"", name),
                  "use letters, digits, `-` and `_`, not a built-in name like 2026-Q4");
            continue;
        }
        Cycle cycle{name, {}, {}};
        const Read read = read_keys(*ct, Table::cycle, cycle, "cycles." + name + ".");
        for (auto key_name : {"start", "end"})
            if (!ct->get(key_name))
                error(pos_of(ct->source()),
                      fmt::format("cycle `{}` is missing `{}`", name, key_name),
                      fmt::format("add {} = 2026-11-01", key_name));
        if (read.has("start") && read.has("end")) {
            if (cycle.end <= cycle.start) {
                error_at(*ct->get("end"),
                         fmt::format("cycle `{}` must end after it starts ({} is not after {})",
                                     name, cycle.end.iso(), cycle.start.iso()),
                         "swap the dates or fix the end date");
                continue;
            }
            m_file.cycles.push_back(std::move(cycle));
        }
    }
}

void Reader::read_workspace(const toml::node& n) {
    const auto* t = n.as_table();
    if (!t) {
        error_at(n, fmt::format("`workspace` must be a table, found {}", type_name(n)),
                 "write [workspace] followed by include = [\"teams/*.toml\"]");
        return;
    }
    read_keys(*t, Table::workspace, m_file, "workspace.");
}

std::vector<Checkin> Reader::read_checkins(const toml::table& owner, bool milestone,
                                           std::string_view prefix) {
    std::vector<Checkin> out;
    const toml::node* n = owner.get("checkins");
    if (!n) return out;
    const auto* arr = array_of_tables(*n, "checkins", "{ date = 2026-11-04, value = 1 }");
    if (!arr) return out;
    out.reserve(arr->size());
    for (const toml::node& item : *arr) {
        const toml::table& t = *item.as_table();
        Checkin c;
        c.pos = pos_of(t.source());
        const Read read = read_keys(t, Table::checkin, c, prefix);
        bool ok = read.has("date") && read.has("value");
        if (!t.get("date")) error(c.pos, "check-in is missing `date`", "add date = 2026-11-04");
        if (!t.get("value")) error(c.pos, "check-in is missing `value`", "add value = 12.5");
        if (milestone && read.has("value") && c.value != 0 && c.value != 1) {
            error_at(
                *t.get("value"),
                fmt::format("a milestone check-in is 0 or 1, found {}", format_number(c.value)),
                "write value = 1 when it is done, 0 when it is not");
            ok = false;
        }
        if (ok) out.push_back(std::move(c));
    }
    return out;
}

void Reader::read_kr(const toml::table& t, Objective& objective) {
    KeyResult kr;
    kr.pos = pos_of(t.source());
    const Read read = read_keys(t, Table::kr, kr, "objective.kr.");
    require(t, "id", "key result");
    require(t, "title", "key result");
    const bool milestone = kr.type == KrType::milestone;
    // With an unknown type we cannot tell whether a target is needed: report only the type.
    const bool type_known = read.has("type") || !t.get("type");
    if (milestone) {
        for (auto key : {"start", "target"})
            if (const toml::node* n = t.get(key))
                error_at(*n, fmt::format("a milestone key result takes no `{}`", key),
                         "remove it: a milestone goes from 0 (not done) to 1 (done)");
        kr.start = 0;
        kr.target = 1;
    } else {
        if (!read.has("start")) kr.start = 0;
        if (!t.get("target") && type_known) {
            error(kr.pos,
                  fmt::format("key result \"{}\" is missing `target`",
                              read.has("id") ? kr.id : std::string("?")),
                  "add target = N, or type = \"milestone\" for a done / not done result");
        } else if (read.has("target") && kr.target == kr.start) {
            error_at(*t.get("target"),
                     fmt::format("`target` must differ from `start` (both are {})",
                                 format_number(kr.target)),
                     "set the target you aim for, or the baseline with start = N");
        }
    }
    kr.checkins = read_checkins(t, milestone, "objective.kr.checkins.");
    if (!read.has("id") || !read.has("title")) return;
    if (auto [first, fresh] = m_kr_lines.emplace(kr.id, kr.pos.line); !fresh) {
        error_at(
            *t.get("id"),
            fmt::format("duplicate key result id \"{}\" in objective \"{}\"", kr.id, objective.id),
            fmt::format("the first one is at line {}; give each key result its own id",
                        first->second));
        return;
    }
    objective.krs.push_back(std::move(kr));
}

void Reader::read_objective(const toml::table& t) {
    Objective o;
    o.pos = pos_of(t.source());
    o.owner = m_file.owner;
    o.cycle = m_file.cycle;
    o.cycle_pos = m_file.cycle_pos;
    const Read read = read_keys(t, Table::objective, o, "objective.");
    require(t, "id", "objective");
    require(t, "title", "objective");
    if (!read.has("id")) o.id.clear();
    if (o.cycle.empty() && !t.get("cycle") && !m_root->get("cycle"))
        error(o.pos, fmt::format("objective \"{}\" has no cycle", o.id),
              "add cycle = \"2026-Q4\" at the top of the file or to the objective");
    m_kr_lines.clear();
    if (const toml::node* krs = t.get("kr"))
        if (const auto* arr = array_of_tables(*krs, "kr", "[[objective.kr]]"))
            for (const toml::node& item : *arr)
                read_kr(*item.as_table(), o);
    if (!read.has("id") || !read.has("title")) return;
    if (auto [first, fresh] = m_objective_lines.emplace(o.id, o.pos.line); !fresh) {
        error_at(*t.get("id"), fmt::format("duplicate objective id \"{}\"", o.id),
                 fmt::format("the first one is at line {}; give each objective its own id",
                             first->second));
        return;
    }
    m_file.objectives.push_back(std::move(o));
}

void Reader::read_kpi(const toml::table& t) {
    Kpi k;
    k.pos = pos_of(t.source());
    k.owner = m_file.owner;
    const Read read = read_keys(t, Table::kpi, k, "kpi.");
    require(t, "id", "KPI");
    require(t, "title", "KPI");
    if (!t.get("min") && !t.get("max"))
        error(
            k.pos,
            fmt::format("KPI \"{}\" has neither `min` nor `max`",
                        read.has("id") ? k.id : std::string("?")),
            "add min = N (healthy at or above), max = N (healthy at or below), or both for a band");
    if (k.min && k.max && *k.min > *k.max)
        error_at(*t.get("min"),
                 fmt::format("`min` ({}) is greater than `max` ({})", format_number(*k.min),
                             format_number(*k.max)),
                 "swap them: min is the lower bound of the healthy band");
    if (k.warn) {
        const toml::node& wn = *t.get("warn");
        if (t.get("min") && t.get("max"))
            error_at(wn, "`warn` needs exactly one of `min` and `max`, but this KPI has both",
                     "remove `warn`, or keep only the bound it warns about");
        else if (k.min && *k.warn >= *k.min)
            error_at(wn,
                     fmt::format("`warn` ({}) must be below `min` ({})", format_number(*k.warn),
                                 format_number(*k.min)),
                     "warn marks the start of the warning zone under the healthy minimum");
        else if (k.max && *k.warn <= *k.max)
            error_at(wn,
                     fmt::format("`warn` ({}) must be above `max` ({})", format_number(*k.warn),
                                 format_number(*k.max)),
                     "warn marks the end of the warning zone above the healthy maximum");
    }
    k.checkins = read_checkins(t, false, "kpi.checkins.");
    if (!read.has("id") || !read.has("title")) return;
    if (auto [first, fresh] = m_kpi_lines.emplace(k.id, k.pos.line); !fresh) {
        error_at(
            *t.get("id"), fmt::format("duplicate KPI id \"{}\"", k.id),
            fmt::format("the first one is at line {}; give each KPI its own id", first->second));
        return;
    }
    m_file.kpis.push_back(std::move(k));
}

void Reader::read(const toml::table& root) {
    m_root = &root;
    // Cycles first: the file's `cycle` may name one of them.
    if (const toml::node* c = root.get("cycles")) read_cycles(*c);
    if (const toml::node* w = root.get("workspace")) read_workspace(*w);
    read_keys(root, Table::file, m_file, "");
    read_items(root, root);
}

void Reader::read_items(const toml::table& top, const toml::table& root) {
    if (m_root != &top) {
        // What an item takes from the top: the cycles it may name, and the file's cycle.
        m_root = &top;
        if (const toml::node* c = top.get("cycles")) read_cycles(*c);
        read_keys(top, Table::file, m_file, "");
    }
    if (const toml::node* objectives = root.get("objective"))
        if (const auto* arr = array_of_tables(*objectives, "objective", "[[objective]]"))
            for (const toml::node& item : *arr)
                read_objective(*item.as_table());
    if (const toml::node* kpis = root.get("kpi"))
        if (const auto* arr = array_of_tables(*kpis, "kpi", "[[kpi]]"))
            for (const toml::node& item : *arr)
                read_kpi(*item.as_table());
}

std::string syntax_hint(std::string_view description) {
    auto has = [&](std::string_view word) {
        return description.find(word) != std::string_view::npos;
    };
    if (has("utf-8") || has("UTF-8")) return "save the file as UTF-8";
    if (has("redefine") || has("already"))
        return "each key may appear once per table; remove or rename the second one";
    if (has("date") || has("time")) return "write dates as YYYY-MM-DD with a real calendar day";
    if (has("string")) return "close the string with a matching quote";
    return "see https://toml.io for the TOML syntax";
}

// The position of the first byte that is not valid UTF-8 (toml++ points one column early).
std::optional<SourcePos> invalid_utf8_position(std::string_view text) {
    const std::size_t bad = util::first_invalid_utf8(text);
    if (bad == std::string_view::npos) return std::nullopt;
    const std::string_view before = text.substr(0, bad);
    const std::size_t line_start = before.rfind('\n') + 1; // npos + 1 is 0
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    return SourcePos{
        static_cast<std::uint32_t>(line),
        static_cast<std::uint32_t>(1 + util::count_code_points(before.substr(line_start)))};
}

// toml++ notices an unclosed string only at the end of its line; point at its opening quote.
std::optional<SourcePos> unclosed_string_start(std::string_view text, SourcePos at) {
    std::size_t line_start = 0;
    for (std::uint32_t line = 1; line < at.line; ++line) {
        line_start = text.find('\n', line_start);
        if (line_start == std::string_view::npos) return std::nullopt;
        ++line_start;
    }
    const std::size_t line_end = std::min(text.find('\n', line_start), text.size());
    const std::string_view line = text.substr(line_start, line_end - line_start);
    char open = 0;
    std::size_t open_at = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (open) {
            if (c == '\\' && open == '"')
                ++i;
            else if (c == open)
                open = 0;
        } else if (c == '#') {
            break;
        } else if (c == '"' || c == '\'') {
            open = c;
            open_at = i;
        }
    }
    if (!open) return std::nullopt;
    // Columns count code points, as toml++ does.
    return SourcePos{
        at.line, static_cast<std::uint32_t>(1 + util::count_code_points(line.substr(0, open_at)))};
}

} // namespace

std::optional<SourcePos> first_conflict_marker(std::string_view text) {
    // Per marker size, the earliest start line still open, and whether its separator was seen.
    struct Open {
        std::uint32_t start = 0;
        bool separated = false;
    };
    std::unordered_map<std::size_t, Open> open;
    std::optional<std::uint32_t> first;
    std::uint32_t line = 1;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t eol = text.find('\n', at);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view s = text.substr(at, eol - at);
        if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
        const char c = s.empty() ? '\0' : s[0];
        if (c == '<' || c == '=' || c == '>') {
            std::size_t n = 1;
            while (n < s.size() && s[n] == c)
                ++n;
            // Seven or more (git's conflict-marker-size); a separator alone on its line, a start
            // or an end followed by a blank or the end of the line.
            const bool alone = n == s.size();
            if (n >= 7 && (alone || (c != '=' && s[n] == ' '))) {
                if (c == '<') {
                    open.try_emplace(n, Open{line, false});
                } else if (auto it = open.find(n); it != open.end()) {
                    if (c == '=') {
                        it->second.separated = true;
                    } else if (it->second.separated) {
                        first = std::min(first.value_or(it->second.start), it->second.start);
                        open.erase(it);
                    }
                }
            }
        }
        at = eol + 1;
        ++line;
    }
    if (first) return SourcePos{*first, 1};
    return std::nullopt;
}

std::vector<std::string> item_names_at(std::string_view text,
                                       const std::vector<std::size_t>& wanted) {
    auto trim = [](std::string_view v) {
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
            v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
            v.remove_suffix(1);
        return v;
    };
    std::vector<std::string> out;
    out.reserve(wanted.size());
    std::string kind = "top", objective, id;
    std::string current = "the file's top";
    std::size_t index = 0;
    for (std::size_t at = 0; at < text.size() && out.size() < wanted.size(); ++index) {
        std::size_t eol = text.find('\n', at);
        if (eol == std::string_view::npos) eol = text.size();
        const std::string_view s = trim(text.substr(at, eol - at));
        at = eol + 1;
        if (s.starts_with("[[objective.kr]]")) {
            kind = "kr";
            id.clear();
            current = fmt::format("a key result of objective {}", objective);
        } else if (s.starts_with("[[objective]]")) {
            kind = "objective";
            objective.clear();
            id.clear();
            current = "an objective";
        } else if (s.starts_with("[[kpi]]")) {
            kind = "kpi";
            id.clear();
            current = "a KPI";
        } else if (kind != "top" && id.empty() && s.starts_with("id") &&
                   trim(s.substr(2)).starts_with("=")) {
            try {
                const toml::table doc = toml::parse(s);
                if (const auto* v = doc.get_as<std::string>("id")) {
                    id = v->get();
                    if (kind == "objective") objective = id;
                    current = kind == "kr" ? fmt::format("kr {}.{}", objective, id)
                                           : fmt::format("{} {}", kind, id);
                }
            } catch (const toml::parse_error&) { // not an id line after all
            }
        }
        while (out.size() < wanted.size() && wanted[out.size()] == index)
            out.push_back(current);
    }
    while (out.size() < wanted.size())
        out.emplace_back("the file's end");
    return out;
}

std::optional<TomlHazard> toml_hazard(std::string_view text) {
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    auto column_of = [&](std::size_t at) {
        return static_cast<std::uint32_t>(
            1 + util::count_code_points(text.substr(line_start, at - line_start)));
    };
    // Skips a string opened just before `from` and closed by `close`; returns where it ends.
    auto skip_string = [&](std::size_t from, std::string_view close, bool escapes, bool one_line) {
        for (std::size_t i = from; i < text.size(); ++i) {
            if (escapes && text[i] == '\\') {
                ++i;
                if (i < text.size() && text[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
                continue;
            }
            if (text[i] == '\n') {
                if (one_line) return i; // unterminated: the parser reports it
                ++line;
                line_start = i + 1;
            }
            if (text.substr(i, close.size()) == close) return i + close.size();
        }
        return text.size();
    };
    // A run is bare-key characters, quoted strings, blanks and dots: it counts the dots of one
    // dotted key or table header (a number or a date has at most one).
    std::size_t dots = 0, run_start = 0;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '#') {
            while (i < text.size() && text[i] != '\n')
                ++i;
            dots = 0;
            continue;
        }
        if (c == '"' || c == '\'') {
            const std::string_view quotes = c == '"' ? R"(""")" : R"(''')";
            const bool multi = text.substr(i, 3) == quotes;
            if (multi) dots = 0; // a multi-line string is a value, never a key
            i = skip_string(i + (multi ? 3 : 1), multi ? quotes : quotes.substr(0, 1), c == '"',
                            !multi);
            continue;
        }
        if (c == '.') {
            if (dots == 0) run_start = i;
            if (++dots >= k_max_key_parts) {
                // Point at the start of the key: back over the run to what precedes it.
                std::size_t at = run_start;
                while (at > line_start && text[at - 1] != '[' && text[at - 1] != '{' &&
                       text[at - 1] != ',' && text[at - 1] != '=')
                    --at;
                while (at < i && (text[at] == ' ' || text[at] == '\t'))
                    ++at;
                return TomlHazard{
                    {line, column_of(at)},
                    fmt::format("a dotted key with more than {} parts", k_max_key_parts)};
            }
        } else if (c == '\n') {
            ++line;
            line_start = i + 1;
            dots = 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-' || c == ' ' || c == '\t')) {
            dots = 0;
        }
        ++i;
    }
    return std::nullopt;
}

bool is_number_in_range(double v) {
    const double a = std::fabs(v);
    return a <= k_max_magnitude && (a == 0 || a >= std::numeric_limits<double>::min());
}

bool is_valid_id(std::string_view id) {
    return schema::is_valid_id(id);
}

namespace {

// `unresolved merge conflict in kr grow.arr: HEAD against alice, lines 7-11`: the item the
// conflict that starts at `line` (1-based) is in, the labels of its markers and its lines.
std::string conflict_message(std::string_view text, std::uint32_t line) {
    std::string_view start, end_label;
    std::uint32_t end_line = 0, n = 1;
    std::size_t size = 0;
    for (std::size_t at = 0; at < text.size(); ++n) {
        std::size_t eol = text.find('\n', at);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view s = text.substr(at, eol - at);
        at = eol + 1;
        if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
        if (n == line) {
            while (size < s.size() && s[size] == '<')
                ++size;
            start = s.substr(std::min(s.size(), size + 1));
        } else if (n > line && s.size() >= size && s.find_first_not_of('>') >= size &&
                   (s.size() == size || s[size] == ' ')) {
            end_label = s.substr(std::min(s.size(), size + 1));
            end_line = n;
            break;
        }
    }
    // A label is a branch name: shown as it is, but no control character and at most 40 bytes.
    auto label = [](std::string_view l, const char* none) {
        std::string out(l.substr(0, 40));
        for (char& c : out)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        return out.empty() ? std::string(none) : out;
    };
    const std::string item = item_names_at(text, {std::size_t{line} - 1}).front();
    return fmt::format("unresolved merge conflict in {}: {} against {}, lines {}-{}", item,
                       label(start, "ours"), label(end_label, "theirs"), line, end_line);
}

} // namespace

ParsedFile parse_goal_file(std::string_view text, const std::string& path) {
    ParsedFile out;
    out.file.path = path;
    out.file.name_space = std::filesystem::path(path).stem().string();
    if (auto marker = first_conflict_marker(text)) {
        out.diagnostics.push_back({path,
                                   *marker,
                                   Level::error,
                                   conflict_message(text, marker->line),
                                   "keep the lines you want between the markers, delete the "
                                   "others and the marker lines, then run `okr check` "
                                   "(okr-merge(1) explains each conflict; without okr's merge "
                                   "driver, `okr init --git` sets it up to merge check-ins)",
                                   {}});
        return out;
    }
    if (auto hazard = toml_hazard(text)) {
        out.diagnostics.push_back({path,
                                   hazard->pos,
                                   Level::error,
                                   hazard->message,
                                   fmt::format("okr reads keys and table headers of at most {} "
                                               "dotted parts (okr-format(5))",
                                               k_max_key_parts),
                                   {}});
        return out;
    }
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        std::string description(e.description());
        SourcePos pos = pos_of(e.source());
        std::string message = "TOML syntax error: " + description;
        if (description.rfind("Error while parsing ", 0) == 0)
            message = "TOML syntax error in " +
                      description.substr(std::string_view("Error while parsing ").size());
        if (auto bad = invalid_utf8_position(text)) {
            pos = *bad;
            message = "the file is not valid UTF-8";
        } else if (description.find("string") != std::string::npos)
            if (auto start = unclosed_string_start(text, pos)) {
                pos = *start;
                message = "TOML syntax error: unterminated string";
            }
        out.diagnostics.push_back({path, pos, Level::error, message, syntax_hint(description), {}});
        return out;
    }
    Reader(path, out.file, out.diagnostics).read(root);
    return out;
}

Diagnostics read_goal_items(const toml::table& top, const toml::table& items,
                            const std::string& path) {
    ParsedFile out;
    out.file.path = path;
    Reader(path, out.file, out.diagnostics).read_items(top, items);
    return std::move(out.diagnostics);
}

ParsedFile read_goal_table(const toml::table& root, const std::string& path) {
    ParsedFile out;
    out.file.path = path;
    out.file.name_space = std::filesystem::path(path).stem().string();
    Reader(path, out.file, out.diagnostics).read(root);
    return out;
}

} // namespace okr::io
