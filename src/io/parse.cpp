#include "okr/io/parse.hpp"

#include "okr/core/suggest.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <initializer_list>
#include <span>
#include <toml++/toml.h>
#include <unordered_map>

namespace okr::io {
namespace {

using KeyList = std::initializer_list<std::string_view>;
using KeySet = std::span<const std::string_view>;

constexpr std::string_view k_file_keys[] = {"title",  "owner",     "namespace", "cycle",
                                            "cycles", "workspace", "objective", "kpi"};
constexpr std::string_view k_objective_keys[] = {
    "id",    "title",  "owner",  "type",  "parent", "kpis",         "tags",
    "notes", "weight", "status", "cycle", "closed", "carried_from", "kr"};
constexpr std::string_view k_kr_keys[] = {"id",    "title",  "start",    "target", "current",
                                          "unit",  "weight", "type",     "score",  "kpi",
                                          "owner", "status", "checkins", "notes"};
constexpr std::string_view k_kpi_keys[] = {"id",       "title",     "unit",  "min",  "max",
                                           "warn",     "frequency", "owner", "tags", "status",
                                           "checkins", "notes",     "source"};
constexpr std::string_view k_checkin_keys[] = {"date", "value", "confidence", "note"};
constexpr std::string_view k_cycle_keys[] = {"start", "end"};
constexpr std::string_view k_workspace_keys[] = {"include"};

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

// Reads one file's TOML tree into the model, collecting every violation.
class Reader {
  public:
    Reader(const std::string& path, GoalFile& file, Diagnostics& diags)
        : m_path(path), m_file(file), m_diags(diags) {}

    void read(const toml::table& root);

  private:
    void error(SourcePos pos, std::string message, std::string hint = {}) {
        m_diags.push_back({m_path, pos, Level::error, std::move(message), std::move(hint), {}});
    }
    void error_at(const toml::node& n, std::string message, std::string hint = {}) {
        error(pos_of(n.source()), std::move(message), std::move(hint));
    }

    void check_keys(const toml::table& t, KeySet known);
    std::optional<std::string> string(const toml::table& t, std::string_view key,
                                      std::string_view example);
    std::optional<double> number(const toml::table& t, std::string_view key);
    std::optional<Date> date(const toml::table& t, std::string_view key);
    std::optional<std::string> required_id(const toml::table& t, std::string_view what);
    std::optional<std::string> required_title(const toml::table& t, std::string_view what);
    std::vector<std::string> string_list(const toml::table& t, std::string_view key);
    std::optional<std::string> enum_value(const toml::table& t, std::string_view key,
                                          KeyList values);
    bool dropped(const toml::table& t);
    std::optional<double> positive_weight(const toml::table& t);
    std::optional<double> unit_interval(const toml::table& t, std::string_view key);
    void cycle_name(const toml::table& t, std::string& out, SourcePos& out_pos);

    void read_cycles(const toml::node& n);
    void read_workspace(const toml::node& n);
    void read_objective(const toml::table& t);
    void read_kr(const toml::table& t, Objective& objective);
    void read_kpi(const toml::table& t);
    std::vector<Checkin> read_checkins(const toml::table& owner, bool milestone);
    const toml::array* array_of_tables(const toml::node& n, std::string_view key,
                                       std::string_view example);

    const std::string& m_path;
    GoalFile& m_file;
    Diagnostics& m_diags;
    const toml::table* m_root = nullptr;
};

void Reader::check_keys(const toml::table& t, KeySet known) {
    for (auto&& [key, value] : t) {
        const std::string_view k = key.str();
        if (std::find(known.begin(), known.end(), k) != known.end()) continue;
        std::vector<std::string> candidates(known.begin(), known.end());
        m_file.unknown_keys.push_back(
            {std::string(k), nearest(k, candidates), pos_of(key.source())});
    }
}

std::optional<std::string> Reader::string(const toml::table& t, std::string_view key,
                                          std::string_view example) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (const auto* s = n->as_string()) return s->get();
    error_at(*n, fmt::format("`{}` must be a string, found {}", key, type_name(*n)),
             fmt::format("write it in quotes, e.g. {} = \"{}\"", key, example));
    return std::nullopt;
}

std::optional<double> Reader::number(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    double v = 0;
    if (const auto* i = n->as_integer()) {
        v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
        v = f->get();
        if (!std::isfinite(v)) {
            error_at(*n,
                     fmt::format("`{}` must be a finite number, found {}", key,
                                 std::isnan(v) ? "nan"
                                 : v < 0       ? "-inf"
                                               : "inf"),
                     "nan and inf are not allowed in goal files");
            return std::nullopt;
        }
    } else {
        std::string hint = "write a number without quotes, e.g. " + std::string(key) + " = 10";
        if (const auto* str = n->as_string()) {
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
        error_at(*n, fmt::format("`{}` must be a number, found {}", key, type_name(*n)), hint);
        return std::nullopt;
    }
    return v;
}

std::optional<Date> Reader::date(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (const auto* d = n->as_date()) {
        const toml::date v = d->get();
        if (auto out = Date::from_ymd(v.year, v.month, v.day)) return out;
        error_at(*n, fmt::format("`{}` is not a supported date", key),
                 "use a year between 1 and 9999");
        return std::nullopt;
    }
    std::string hint = fmt::format("write a local date without quotes, e.g. {} = 2026-11-04", key);
    if (const auto* s = n->as_string())
        if (Date::parse_iso(s->get()))
            hint = fmt::format("remove the quotes: {} = {}", key, s->get());
    if (const auto* dt = n->as_date_time())
        hint = fmt::format(
            "drop the time of day: {} = {}", key,
            Date::from_ymd(dt->get().date.year, dt->get().date.month, dt->get().date.day)
                .value_or(Date())
                .iso());
    error_at(*n, fmt::format("`{}` must be a date, found {}", key, type_name(*n)), hint);
    return std::nullopt;
}

std::optional<std::string> Reader::required_id(const toml::table& t, std::string_view what) {
    const toml::node* n = t.get("id");
    if (!n) {
        error(pos_of(t.source()), fmt::format("{} is missing `id`", what),
              "add a short identifier, e.g. id = \"grow-revenue\"");
        return std::nullopt;
    }
    auto id = string(t, "id", "grow-revenue");
    if (!id) return std::nullopt;
    if (!is_valid_id(*id)) {
        error_at(*n, fmt::format("invalid id \"{}\"", *id),
                 "ids start with a letter or digit and contain only letters, digits, `-` and `_`");
        return std::nullopt;
    }
    return id;
}

std::optional<std::string> Reader::required_title(const toml::table& t, std::string_view what) {
    if (!t.get("title")) {
        error(pos_of(t.source()), fmt::format("{} is missing `title`", what),
              "add title = \"...\"");
        return std::nullopt;
    }
    return string(t, "title", "...");
}

std::vector<std::string> Reader::string_list(const toml::table& t, std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const auto* arr = n->as_array();
    if (!arr) {
        error_at(*n, fmt::format("`{}` must be an array of strings, found {}", key, type_name(*n)),
                 fmt::format("e.g. {} = [\"a\", \"b\"]", key));
        return out;
    }
    for (const toml::node& item : *arr) {
        if (const auto* s = item.as_string())
            out.push_back(s->get());
        else
            error_at(item,
                     fmt::format("`{}` must hold only strings, found {}", key, type_name(item)),
                     "put each entry in quotes");
    }
    return out;
}

std::optional<std::string> Reader::enum_value(const toml::table& t, std::string_view key,
                                              KeyList values) {
    auto v = string(t, key, *values.begin());
    if (!v) return std::nullopt;
    if (std::find(values.begin(), values.end(), *v) != values.end()) return v;
    std::vector<std::string> candidates(values.begin(), values.end());
    std::string expected;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        expected += fmt::format(
            "{}\"{}\"", i == 0 ? "" : (i + 1 == candidates.size() ? " or " : ", "), candidates[i]);
    const std::string near = nearest(*v, candidates);
    error_at(*t.get(key), fmt::format("unknown {} \"{}\": expected {}", key, *v, expected),
             near.empty() ? "" : fmt::format("did you mean \"{}\"?", near));
    return std::nullopt;
}

bool Reader::dropped(const toml::table& t) {
    auto s = enum_value(t, "status", {"active", "dropped"});
    return s && *s == "dropped";
}

std::optional<double> Reader::positive_weight(const toml::table& t) {
    auto w = number(t, "weight");
    if (w && *w <= 0) {
        error_at(*t.get("weight"),
                 fmt::format("`weight` must be greater than 0, found {}", format_number(*w)),
                 "use a positive number; drop an item with status = \"dropped\" instead");
        return std::nullopt;
    }
    return w;
}

std::optional<double> Reader::unit_interval(const toml::table& t, std::string_view key) {
    auto v = number(t, key);
    if (v && (*v < 0 || *v > 1)) {
        error_at(*t.get(key),
                 fmt::format("`{}` must be between 0 and 1, found {}", key, format_number(*v)),
                 *v >= 2 && *v <= 100 && *v == std::floor(*v)
                     ? fmt::format("write a fraction: {} = {}", key, format_number(*v / 100))
                     : std::string("use a fraction from 0.0 to 1.0"));
        return std::nullopt;
    }
    return v;
}

void Reader::cycle_name(const toml::table& t, std::string& out, SourcePos& out_pos) {
    auto c = string(t, "cycle", "2026-Q4");
    if (!c) return;
    const toml::node& n = *t.get("cycle");
    if (!builtin_cycle(*c) && !is_valid_id(*c)) {
        error_at(n, fmt::format("invalid cycle name \"{}\"", *c),
                 "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM or a name declared under [cycles]");
        return;
    }
    const bool looks_builtin =
        c->size() >= 5 && std::all_of(c->begin(), c->begin() + 4, ::isdigit) && (*c)[4] == '-';
    if (looks_builtin && !builtin_cycle(*c) &&
        std::none_of(m_file.cycles.begin(), m_file.cycles.end(),
                     [&](const Cycle& k) { return k.name == *c; })) {
        error_at(n, fmt::format("invalid cycle name \"{}\"", *c),
                 "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM or a name declared under [cycles]");
        return;
    }
    out = *c;
    out_pos = pos_of(n.source());
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
        if (!is_valid_id(name) || builtin_cycle(name)) {
            error(pos_of(key.source()), fmt::format("invalid custom cycle name \"{}\"", name),
                  "use letters, digits, `-` and `_`, not a built-in name like 2026-Q4");
            continue;
        }
        check_keys(*ct, k_cycle_keys);
        auto start = date(*ct, "start");
        auto end = date(*ct, "end");
        for (auto key_name : {"start", "end"})
            if (!ct->get(key_name))
                error(pos_of(ct->source()),
                      fmt::format("cycle `{}` is missing `{}`", name, key_name),
                      fmt::format("add {} = 2026-11-01", key_name));
        if (start && end) {
            if (*end <= *start) {
                error_at(*ct->get("end"),
                         fmt::format("cycle `{}` must end after it starts ({} is not after {})",
                                     name, end->iso(), start->iso()),
                         "swap the dates or fix the end date");
                continue;
            }
            m_file.cycles.push_back({name, *start, *end});
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
    check_keys(*t, k_workspace_keys);
    const toml::node* include = t->get("include");
    if (!include) return;
    const auto* arr = include->as_array();
    if (!arr) {
        error_at(
            *include,
            fmt::format("`include` must be an array of strings, found {}", type_name(*include)),
            "e.g. include = [\"teams/*.toml\"]");
        return;
    }
    for (const toml::node& item : *arr) {
        if (const auto* s = item.as_string())
            m_file.includes.push_back({s->get(), pos_of(item.source())});
        else
            error_at(item,
                     fmt::format("`include` must hold only strings, found {}", type_name(item)),
                     "put each glob in quotes");
    }
}

std::vector<Checkin> Reader::read_checkins(const toml::table& owner, bool milestone) {
    std::vector<Checkin> out;
    const toml::node* n = owner.get("checkins");
    if (!n) return out;
    const auto* arr = array_of_tables(*n, "checkins", "{ date = 2026-11-04, value = 1 }");
    if (!arr) return out;
    out.reserve(arr->size());
    for (const toml::node& item : *arr) {
        const toml::table& t = *item.as_table();
        check_keys(t, k_checkin_keys);
        Checkin c;
        c.pos = pos_of(t.source());
        bool ok = true;
        if (!t.get("date")) {
            error(c.pos, "check-in is missing `date`", "add date = 2026-11-04");
            ok = false;
        } else if (auto d = date(t, "date")) {
            c.date = *d;
        } else {
            ok = false;
        }
        if (!t.get("value")) {
            error(c.pos, "check-in is missing `value`", "add value = 12.5");
            ok = false;
        } else if (auto v = number(t, "value")) {
            c.value = *v;
            if (milestone && *v != 0 && *v != 1) {
                error_at(*t.get("value"),
                         fmt::format("a milestone check-in is 0 or 1, found {}", format_number(*v)),
                         "write value = 1 when it is done, 0 when it is not");
                ok = false;
            }
        } else {
            ok = false;
        }
        if (auto conf = unit_interval(t, "confidence")) c.confidence = *conf;
        if (auto note = string(t, "note", "...")) c.note = std::move(*note);
        if (ok) out.push_back(std::move(c));
    }
    return out;
}

void Reader::read_kr(const toml::table& t, Objective& objective) {
    check_keys(t, k_kr_keys);
    KeyResult kr;
    kr.pos = pos_of(t.source());
    auto id = required_id(t, "key result");
    auto title = required_title(t, "key result");
    const auto type = enum_value(t, "type", {"metric", "milestone"});
    if (type) kr.type = *type == "milestone" ? KrType::milestone : KrType::metric;
    const bool milestone = kr.type == KrType::milestone;
    // With an unknown type we cannot tell whether a target is needed: report only the type.
    const bool type_known = type || !t.get("type");
    auto start = number(t, "start");
    auto target = number(t, "target");
    if (milestone) {
        for (auto key : {"start", "target"})
            if (const toml::node* n = t.get(key))
                error_at(*n, fmt::format("a milestone key result takes no `{}`", key),
                         "remove it: a milestone goes from 0 (not done) to 1 (done)");
        kr.start = 0;
        kr.target = 1;
    } else {
        kr.start = start.value_or(0);
        if (!t.get("target") && type_known) {
            error(kr.pos, fmt::format("key result \"{}\" is missing `target`", id.value_or("?")),
                  "add target = N, or type = \"milestone\" for a done / not done result");
        } else if (target) {
            kr.target = *target;
            if (*target == kr.start)
                error_at(*t.get("target"),
                         fmt::format("`target` must differ from `start` (both are {})",
                                     format_number(*target)),
                         "set the target you aim for, or the baseline with start = N");
        }
    }
    if (auto c = number(t, "current")) {
        kr.current = *c;
        kr.current_pos = pos_of(t.get("current")->source());
    }
    if (auto unit = string(t, "unit", "users")) kr.unit = std::move(*unit);
    if (auto w = positive_weight(t)) kr.weight = *w;
    kr.score = unit_interval(t, "score");
    if (auto kpi = string(t, "kpi", "csat"))
        kr.kpi = RefText{std::move(*kpi), pos_of(t.get("kpi")->source())};
    if (auto owner = string(t, "owner", "alice")) kr.owner = std::move(*owner);
    if (auto notes = string(t, "notes", "...")) kr.notes = std::move(*notes);
    kr.dropped = dropped(t);
    kr.checkins = read_checkins(t, milestone);
    if (!id || !title) return;
    for (const auto& other : objective.krs)
        if (other.id == *id) {
            error_at(*t.get("id"),
                     fmt::format("duplicate key result id \"{}\" in objective \"{}\"", *id,
                                 objective.id),
                     fmt::format("the first one is at line {}; give each key result its own id",
                                 other.pos.line));
            return;
        }
    kr.id = std::move(*id);
    kr.title = std::move(*title);
    objective.krs.push_back(std::move(kr));
}

void Reader::read_objective(const toml::table& t) {
    check_keys(t, k_objective_keys);
    Objective o;
    o.pos = pos_of(t.source());
    auto id = required_id(t, "objective");
    auto title = required_title(t, "objective");
    o.id = id.value_or("");
    o.owner = string(t, "owner", "alice").value_or(m_file.owner);
    if (auto type = enum_value(t, "type", {"aspirational", "committed"}))
        o.type = *type == "committed" ? ObjectiveType::committed : ObjectiveType::aspirational;
    if (auto parent = string(t, "parent", "company/grow"))
        o.parent = RefText{std::move(*parent), pos_of(t.get("parent")->source())};
    if (auto closed = date(t, "closed")) {
        o.closed = *closed;
        o.closed_pos = pos_of(t.get("closed")->source());
    }
    if (auto from = string(t, "carried_from", "growth/eco"))
        o.carried_from = RefText{std::move(*from), pos_of(t.get("carried_from")->source())};
    if (const toml::node* kpis = t.get("kpis")) {
        if (const auto* arr = kpis->as_array()) {
            for (const toml::node& item : *arr) {
                if (const auto* s = item.as_string())
                    o.kpis.push_back({s->get(), pos_of(item.source())});
                else
                    error_at(
                        item,
                        fmt::format("`kpis` must hold only strings, found {}", type_name(item)),
                        "list KPI references in quotes, e.g. kpis = [\"csat\"]");
            }
        } else {
            error_at(*kpis,
                     fmt::format("`kpis` must be an array of strings, found {}", type_name(*kpis)),
                     "e.g. kpis = [\"csat\"]");
        }
    }
    o.tags = string_list(t, "tags");
    if (auto notes = string(t, "notes", "...")) o.notes = std::move(*notes);
    if (auto w = positive_weight(t)) o.weight = *w;
    o.dropped = dropped(t);
    o.cycle = m_file.cycle;
    o.cycle_pos = m_file.cycle_pos;
    cycle_name(t, o.cycle, o.cycle_pos);
    if (o.cycle.empty() && !t.get("cycle") && !m_root->get("cycle"))
        error(o.pos, fmt::format("objective \"{}\" has no cycle", o.id),
              "add cycle = \"2026-Q4\" at the top of the file or to the objective");
    if (const toml::node* krs = t.get("kr"))
        if (const auto* arr = array_of_tables(*krs, "kr", "[[objective.kr]]"))
            for (const toml::node& item : *arr)
                read_kr(*item.as_table(), o);
    if (!id || !title) return;
    for (const auto& other : m_file.objectives)
        if (other.id == o.id) {
            error_at(*t.get("id"), fmt::format("duplicate objective id \"{}\"", o.id),
                     fmt::format("the first one is at line {}; give each objective its own id",
                                 other.pos.line));
            return;
        }
    o.title = std::move(*title);
    m_file.objectives.push_back(std::move(o));
}

void Reader::read_kpi(const toml::table& t) {
    check_keys(t, k_kpi_keys);
    Kpi k;
    k.pos = pos_of(t.source());
    auto id = required_id(t, "KPI");
    auto title = required_title(t, "KPI");
    if (auto unit = string(t, "unit", "%")) k.unit = std::move(*unit);
    k.owner = string(t, "owner", "support").value_or(m_file.owner);
    k.min = number(t, "min");
    k.max = number(t, "max");
    k.warn = number(t, "warn");
    if (!t.get("min") && !t.get("max"))
        error(
            k.pos, fmt::format("KPI \"{}\" has neither `min` nor `max`", id.value_or("?")),
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
    if (auto f =
            enum_value(t, "frequency", {"daily", "weekly", "monthly", "quarterly", "yearly"})) {
        static constexpr std::pair<std::string_view, Frequency> k_map[] = {
            {"daily", Frequency::daily},
            {"weekly", Frequency::weekly},
            {"monthly", Frequency::monthly},
            {"quarterly", Frequency::quarterly},
            {"yearly", Frequency::yearly}};
        for (auto [name, value] : k_map)
            if (name == *f) k.frequency = value;
    }
    k.tags = string_list(t, "tags");
    if (auto notes = string(t, "notes", "...")) k.notes = std::move(*notes);
    if (auto source = string(t, "source", "./scripts/csat.sh")) {
        const toml::node& n = *t.get("source");
        if (source->find_first_not_of(" \t") == std::string::npos)
            error_at(n, "`source` must not be empty",
                     "write the command that prints the value, or remove the key");
        else {
            k.source = std::move(*source);
            k.source_pos = pos_of(n.source());
        }
    }
    k.dropped = dropped(t);
    k.checkins = read_checkins(t, false);
    if (!id || !title) return;
    for (const auto& other : m_file.kpis)
        if (other.id == *id) {
            error_at(*t.get("id"), fmt::format("duplicate KPI id \"{}\"", *id),
                     fmt::format("the first one is at line {}; give each KPI its own id",
                                 other.pos.line));
            return;
        }
    k.id = std::move(*id);
    k.title = std::move(*title);
    m_file.kpis.push_back(std::move(k));
}

void Reader::read(const toml::table& root) {
    m_root = &root;
    check_keys(root, k_file_keys);
    if (auto title = string(root, "title", "Growth team")) m_file.title = std::move(*title);
    if (auto owner = string(root, "owner", "growth")) m_file.owner = std::move(*owner);
    if (auto ns = string(root, "namespace", "growth")) {
        if (is_valid_id(*ns))
            m_file.name_space = std::move(*ns);
        else
            error_at(*root.get("namespace"), fmt::format("invalid namespace \"{}\"", *ns),
                     "a namespace starts with a letter or digit and contains only letters, digits, "
                     "`-` and `_`");
    }
    if (const toml::node* c = root.get("cycles")) read_cycles(*c);
    if (const toml::node* w = root.get("workspace")) read_workspace(*w);
    cycle_name(root, m_file.cycle, m_file.cycle_pos);
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

bool is_valid_id(std::string_view id) {
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (id.empty() || !alnum(id.front())) return false;
    return std::all_of(id.begin(), id.end(),
                       [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

ParsedFile parse_goal_file(std::string_view text, const std::string& path) {
    ParsedFile out;
    out.file.path = path;
    out.file.name_space = std::filesystem::path(path).stem().string();
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

} // namespace okr::io
