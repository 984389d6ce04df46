#include "okr/core/schema.hpp"

#include <algorithm>

namespace okr::schema {
namespace {

const std::string& text(const Value& v) {
    return std::get<std::string>(v);
}
double number(const Value& v) {
    return std::get<double>(v);
}
const std::vector<std::string>& list(const Value& v) {
    return std::get<std::vector<std::string>>(v);
}
Date date(const Value& v) {
    return std::get<Date>(v);
}

RefText ref(const Value& v, const Where& w) {
    return RefText{text(v), w.pos};
}

std::vector<RefText> refs(const Value& v, const Where& w) {
    std::vector<RefText> out;
    const auto& items = list(v);
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back({items[i], i < w.entries.size() ? w.entries[i] : SourcePos{}});
    return out;
}

std::optional<Frequency> frequency(std::string_view name) {
    for (Frequency f : {Frequency::daily, Frequency::weekly, Frequency::monthly,
                        Frequency::quarterly, Frequency::yearly})
        if (name == to_string(f)) return f;
    return std::nullopt;
}

template <class Item> constexpr AnySetter on(Setter<Item> f) {
    return f;
}

constexpr std::string_view k_objective_types[] = {"aspirational", "committed"};
constexpr std::string_view k_kr_types[] = {"metric", "milestone"};
constexpr std::string_view k_statuses[] = {"active", "dropped"};
constexpr std::string_view k_frequencies[] = {"daily", "weekly", "monthly", "quarterly", "yearly"};

using T = Table;
using Y = Type;
using R = Rule;
using W = const Where&;
using V = const Value&;

// Each table's keys in the order of SPEC §3. A key's setter is all the parser, `okr set` and
// write verification know of its field.
const Key k_keys[] = {
    // The top level of a file.
    {T::file,
     "title",
     Y::string,
     R::none,
     {},
     "Growth team",
     true,
     on<GoalFile>([](GoalFile& f, V v, W) { f.title = text(v); })},
    {T::file,
     "owner",
     Y::string,
     R::none,
     {},
     "growth",
     true,
     on<GoalFile>([](GoalFile& f, V v, W) { f.owner = text(v); })},
    {T::file,
     "namespace",
     Y::string,
     R::id,
     {},
     "growth",
     true,
     on<GoalFile>([](GoalFile& f, V v, W) {
         f.name_space = text(v);
         f.namespace_declared = true;
     })},
    {T::file,
     "cycle",
     Y::string,
     R::cycle_name,
     {},
     "2026-Q4",
     true,
     on<GoalFile>([](GoalFile& f, V v, W w) {
         f.cycle = text(v);
         f.cycle_pos = w.pos;
     })},
    {T::file, "cycles", Y::tables, R::none, {}, {}, false, {}},
    {T::file, "workspace", Y::tables, R::none, {}, {}, false, {}},
    {T::file, "objective", Y::tables, R::none, {}, {}, false, {}},
    {T::file, "kpi", Y::tables, R::none, {}, {}, false, {}},

    // [cycles.NAME]
    {T::cycle, "start", Y::date, R::none, {}, "2026-11-01", false, on<Cycle>([](Cycle& c, V v, W) {
         c.start = date(v);
     })},
    {T::cycle, "end", Y::date, R::none, {}, "2026-11-21", false, on<Cycle>([](Cycle& c, V v, W) {
         c.end = date(v);
     })},

    // [workspace]
    {T::workspace,
     "include",
     Y::string_list,
     R::none,
     {},
     "teams/*.toml",
     false,
     on<GoalFile>([](GoalFile& f, V v, W w) { f.includes = refs(v, w); })},

    // [[objective]]
    {T::objective,
     "id",
     Y::string,
     R::id,
     {},
     "grow-revenue",
     true,
     on<Objective>([](Objective& o, V v, W) { o.id = text(v); })},
    {T::objective,
     "title",
     Y::string,
     R::none,
     {},
     "...",
     true,
     on<Objective>([](Objective& o, V v, W) { o.title = text(v); })},
    {T::objective,
     "owner",
     Y::string,
     R::none,
     {},
     "alice",
     true,
     on<Objective>([](Objective& o, V v, W) { o.owner = text(v); })},
    {T::objective, "type", Y::string, R::one_of, k_objective_types, "committed", true,
     on<Objective>([](Objective& o, V v, W) {
         o.type = text(v) == "committed" ? ObjectiveType::committed : ObjectiveType::aspirational;
     })},
    {T::objective,
     "parent",
     Y::string,
     R::objective_ref,
     {},
     "company/grow",
     true,
     on<Objective>([](Objective& o, V v, W w) { o.parent = ref(v, w); })},
    {T::objective,
     "kpis",
     Y::string_list,
     R::kpi_ref,
     {},
     "csat",
     true,
     on<Objective>([](Objective& o, V v, W w) { o.kpis = refs(v, w); })},
    {T::objective,
     "tags",
     Y::string_list,
     R::none,
     {},
     "a, b",
     true,
     on<Objective>([](Objective& o, V v, W) { o.tags = list(v); })},
    {T::objective,
     "notes",
     Y::string,
     R::none,
     {},
     "...",
     true,
     on<Objective>([](Objective& o, V v, W) { o.notes = text(v); })},
    {T::objective,
     "weight",
     Y::number,
     R::positive,
     {},
     "2",
     true,
     on<Objective>([](Objective& o, V v, W) { o.weight = number(v); }),
     {.grade = true}},
    {T::objective,
     "status",
     Y::string,
     R::one_of,
     k_statuses,
     "dropped",
     true,
     on<Objective>([](Objective& o, V v, W) { o.dropped = text(v) == "dropped"; }),
     {.grade = true}},
    // The day `okr drop` dropped it, for objectives, KRs and KPIs alike (a file written before
    // the key says so in the item's notes, which lint's drop_date still reads).
    {T::objective,
     "dropped",
     Y::date,
     R::none,
     {},
     "2026-11-23",
     true,
     on<Objective>([](Objective& o, V v, W) { o.dropped_on = date(v); })},
    {T::objective,
     "cycle",
     Y::string,
     R::cycle_name,
     {},
     "2026-Q4",
     true,
     on<Objective>([](Objective& o, V v, W w) {
         o.cycle = text(v);
         o.cycle_pos = w.pos;
     }),
     {.grade = true}},
    {T::objective,
     "closed",
     Y::date,
     R::none,
     {},
     "2026-12-31",
     true,
     on<Objective>([](Objective& o, V v, W w) {
         o.closed = date(v);
         o.closed_pos = w.pos;
     })},
    {T::objective,
     "carried_from",
     Y::string,
     R::objective_ref,
     {},
     "growth/eco",
     true,
     on<Objective>([](Objective& o, V v, W w) { o.carried_from = ref(v, w); })},
    {T::objective, "kr", Y::tables, R::none, {}, {}, false, {}},

    // [[objective.kr]]
    {T::kr,
     "id",
     Y::string,
     R::id,
     {},
     "grow-revenue",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.id = text(v); })},
    {T::kr, "title", Y::string, R::none, {}, "...", true, on<KeyResult>([](KeyResult& k, V v, W) {
         k.title = text(v);
     })},
    {T::kr,
     "start",
     Y::number,
     R::none,
     {},
     "2",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.start = number(v); }),
     {.grade = true, .unit = true}},
    {T::kr,
     "target",
     Y::number,
     R::none,
     {},
     "20",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.target = number(v); }),
     {.grade = true, .unit = true}},
    {T::kr,
     "current",
     Y::number,
     R::none,
     {},
     "7",
     true,
     on<KeyResult>(
         [](KeyResult& k, V v, W w) {
             k.current = number(v);
             k.current_pos = w.pos;
         }),
     {.grade = true, .unit = true}},
    {T::kr, "unit", Y::string, R::none, {}, "users", true, on<KeyResult>([](KeyResult& k, V v, W) {
         k.unit = text(v);
     })},
    {T::kr,
     "weight",
     Y::number,
     R::positive,
     {},
     "2",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.weight = number(v); }),
     {.grade = true}},
    // A milestone's start and target (0 and 1) are set by the parser, which also refuses them.
    {T::kr,
     "type",
     Y::string,
     R::one_of,
     k_kr_types,
     "milestone",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) {
         k.type = text(v) == "milestone" ? KrType::milestone : KrType::metric;
     }),
     {.grade = true}},
    {T::kr,
     "score",
     Y::number,
     R::fraction,
     {},
     "0.7",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.score = number(v); }),
     {.grade = true}},
    {T::kr,
     "kpi",
     Y::string,
     R::kpi_ref,
     {},
     "csat",
     true,
     on<KeyResult>([](KeyResult& k, V v, W w) { k.kpi = ref(v, w); }),
     {.grade = true}},
    {T::kr, "owner", Y::string, R::none, {}, "alice", true, on<KeyResult>([](KeyResult& k, V v, W) {
         k.owner = text(v);
     })},
    {T::kr,
     "status",
     Y::string,
     R::one_of,
     k_statuses,
     "dropped",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.dropped = text(v) == "dropped"; }),
     {.grade = true}},
    {T::kr,
     "dropped",
     Y::date,
     R::none,
     {},
     "2026-11-23",
     true,
     on<KeyResult>([](KeyResult& k, V v, W) { k.dropped_on = date(v); })},
    {T::kr, "checkins", Y::tables, R::none, {}, {}, false, {}},
    {T::kr, "notes", Y::string, R::none, {}, "...", true, on<KeyResult>([](KeyResult& k, V v, W) {
         k.notes = text(v);
     })},

    // [[kpi]]
    {T::kpi, "id", Y::string, R::id, {}, "grow-revenue", true, on<Kpi>([](Kpi& k, V v, W) {
         k.id = text(v);
     })},
    {T::kpi, "title", Y::string, R::none, {}, "...", true, on<Kpi>([](Kpi& k, V v, W) {
         k.title = text(v);
     })},
    {T::kpi, "unit", Y::string, R::none, {}, "%", true, on<Kpi>([](Kpi& k, V v, W) {
         k.unit = text(v);
     })},
    {T::kpi,
     "min",
     Y::number,
     R::none,
     {},
     "80",
     true,
     on<Kpi>([](Kpi& k, V v, W) { k.min = number(v); }),
     {.unit = true}},
    {T::kpi,
     "max",
     Y::number,
     R::none,
     {},
     "100",
     true,
     on<Kpi>([](Kpi& k, V v, W) { k.max = number(v); }),
     {.unit = true}},
    {T::kpi,
     "warn",
     Y::number,
     R::none,
     {},
     "50",
     true,
     on<Kpi>([](Kpi& k, V v, W) { k.warn = number(v); }),
     {.unit = true}},
    {T::kpi, "frequency", Y::string, R::one_of, k_frequencies, "weekly", true,
     on<Kpi>([](Kpi& k, V v, W) { k.frequency = frequency(text(v)); })},
    {T::kpi, "owner", Y::string, R::none, {}, "support", true, on<Kpi>([](Kpi& k, V v, W) {
         k.owner = text(v);
     })},
    {T::kpi, "tags", Y::string_list, R::none, {}, "a, b", true, on<Kpi>([](Kpi& k, V v, W) {
         k.tags = list(v);
     })},
    {T::kpi, "status", Y::string, R::one_of, k_statuses, "dropped", true,
     on<Kpi>([](Kpi& k, V v, W) { k.dropped = text(v) == "dropped"; })},
    {T::kpi, "dropped", Y::date, R::none, {}, "2026-11-23", true, on<Kpi>([](Kpi& k, V v, W) {
         k.dropped_on = date(v);
     })},
    {T::kpi, "checkins", Y::tables, R::none, {}, {}, false, {}},
    {T::kpi, "notes", Y::string, R::none, {}, "...", true, on<Kpi>([](Kpi& k, V v, W) {
         k.notes = text(v);
     })},
    // Read and written as text only: nothing but `okr pull` ever runs it.
    {T::kpi,
     "source",
     Y::string,
     R::not_empty,
     {},
     "./scripts/csat.sh",
     true,
     on<Kpi>([](Kpi& k, V v, W w) {
         k.source = text(v);
         k.source_pos = w.pos;
     })},

    // A check-in, `{ date = ..., value = ... }`
    {T::checkin,
     "date",
     Y::date,
     R::none,
     {},
     "2026-11-04",
     false,
     on<Checkin>([](Checkin& c, V v, W) { c.date = date(v); })},
    {T::checkin,
     "value",
     Y::number,
     R::none,
     {},
     "12.5",
     false,
     on<Checkin>([](Checkin& c, V v, W) { c.value = number(v); }),
     {.unit = true}},
    {T::checkin,
     "confidence",
     Y::number,
     R::fraction,
     {},
     "0.6",
     false,
     on<Checkin>([](Checkin& c, V v, W) { c.confidence = number(v); })},
    {T::checkin, "note", Y::string, R::none, {}, "...", false, on<Checkin>([](Checkin& c, V v, W) {
         c.note = text(v);
     })},
    // Not in SPEC §3: written by `okr checkin` into a closed objective (SPEC §10, issue 26).
    {T::checkin,
     "recorded",
     Y::date,
     R::none,
     {},
     "2027-01-06",
     false,
     on<Checkin>([](Checkin& c, V v, W) { c.recorded = date(v); })},
};

// The span of each table's keys in k_keys, found once.
struct Spans {
    std::span<const Key> of[7];
    Spans() {
        const std::span<const Key> all(k_keys);
        for (std::size_t i = 0; i < all.size();) {
            std::size_t j = i;
            while (j < all.size() && all[j].table == all[i].table)
                ++j;
            of[static_cast<std::size_t>(all[i].table)] = all.subspan(i, j - i);
            i = j;
        }
    }
};

const Spans& spans() {
    static const Spans s;
    return s;
}

} // namespace

std::span<const Key> all_keys() {
    return k_keys;
}

std::span<const Key> keys_of(Table table) {
    return spans().of[static_cast<std::size_t>(table)];
}

const Key* find(Table table, std::string_view name) {
    for (const Key& k : keys_of(table))
        if (k.name == name) return &k;
    return nullptr;
}

std::vector<std::string> names_of(Table table) {
    std::vector<std::string> out;
    for (const Key& k : keys_of(table))
        out.emplace_back(k.name);
    return out;
}

std::string_view item_name(Table table) {
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
        return "key result";
    case Table::kpi:
        return "KPI";
    case Table::checkin:
        return "check-in";
    }
    return "";
}

bool holds(Type type, const Value& value) {
    switch (type) {
    case Type::string:
        return std::holds_alternative<std::string>(value);
    case Type::number:
        return std::holds_alternative<double>(value);
    case Type::date:
        return std::holds_alternative<Date>(value);
    case Type::string_list:
        return std::holds_alternative<std::vector<std::string>>(value);
    case Type::tables:
        return false;
    }
    return false;
}

bool is_valid_id(std::string_view id) {
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (id.empty() || !alnum(id.front())) return false;
    return std::all_of(id.begin(), id.end(),
                       [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

} // namespace okr::schema
