#include "okr/io/edit.hpp"

#include "okr/io/parse.hpp"
#include "okr/io/toml_text.hpp"
#include "toml_layout.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <toml++/toml.h>

namespace okr::io {
namespace {

Failure fail(Failure::Kind kind, std::string message, std::string hint = {}) {
    return make_failure(kind, std::move(message), std::move(hint));
}

std::string describe(const ItemId& item) {
    switch (item.kind) {
    case ItemKind::objective:
        return fmt::format("objective \"{}\"", item.id);
    case ItemKind::kr:
        return fmt::format("key result \"{}.{}\"", item.objective, item.id);
    case ItemKind::kpi:
        return fmt::format("KPI \"{}\"", item.id);
    }
    return "item";
}

// ---- Locating items in the TOML tree --------------------------------------------------------

const toml::table* table_with_id(const toml::node* array, std::string_view id) {
    if (!array || !array->is_array()) return nullptr;
    for (const toml::node& item : *array->as_array())
        if (const auto* t = item.as_table())
            if (const auto* v = t->get_as<std::string>("id"); v && v->get() == id) return t;
    return nullptr;
}

const toml::table* find_table(const toml::table& root, const ItemId& item) {
    if (item.kind == ItemKind::kpi) return table_with_id(root.get("kpi"), item.id);
    const toml::table* objective = table_with_id(root.get("objective"), item.objective);
    if (!objective || item.kind == ItemKind::objective) return objective;
    return table_with_id(objective->get("kr"), item.id);
}

// The style of the last check-in written in `t`, else of any check-in in the file.
InlineStyle checkin_style(const Layout& layout, const toml::table& root, const toml::table& t) {
    auto last_entry = [&](const toml::table& item) -> std::optional<std::string_view> {
        const auto* arr = item.get_as<toml::array>("checkins");
        if (!arr || arr->empty() || !arr->back().is_table()) return std::nullopt;
        const std::size_t b = layout.begin_of(arr->back());
        const std::size_t e = layout.end_of(arr->back());
        if (b >= e || layout.text()[b] != '{') return std::nullopt;
        return layout.text().substr(b, e - b);
    };
    if (auto e = last_entry(t)) return inline_style_of(*e);
    auto scan = [&](const toml::node* array) -> std::optional<std::string_view> {
        if (!array || !array->is_array()) return std::nullopt;
        for (const toml::node& n : *array->as_array())
            if (const auto* item = n.as_table())
                if (auto e = last_entry(*item)) return e;
        return std::nullopt;
    };
    if (const auto* objectives = root.get_as<toml::array>("objective"))
        for (const toml::node& o : *objectives)
            if (const auto* ot = o.as_table())
                if (auto e = scan(ot->get("kr"))) return inline_style_of(*e);
    if (auto e = scan(root.get("kpi"))) return inline_style_of(*e);
    return {};
}

// ---- The model, before and after -------------------------------------------------------------

Objective* find_objective(GoalFile& f, std::string_view id) {
    for (Objective& o : f.objectives)
        if (o.id == id) return &o;
    return nullptr;
}
KeyResult* find_kr(GoalFile& f, std::string_view objective, std::string_view id) {
    Objective* o = find_objective(f, objective);
    if (!o) return nullptr;
    for (KeyResult& kr : o->krs)
        if (kr.id == id) return &kr;
    return nullptr;
}
Kpi* find_kpi(GoalFile& f, std::string_view id) {
    for (Kpi& k : f.kpis)
        if (k.id == id) return &k;
    return nullptr;
}

// Applies `key = value` to an item of the model the way the parser would read it (the schema's
// setter of the key); false when the item does not take the key or the value has another type.
bool assign(GoalFile& file, const ItemId& item, std::string_view key, const Value& v) {
    const schema::Table table = item.kind == ItemKind::objective ? schema::Table::objective
                                : item.kind == ItemKind::kr      ? schema::Table::kr
                                                                 : schema::Table::kpi;
    const schema::Key* k = schema::find(table, key);
    if (!k || !k->settable || !schema::holds(k->type, v)) return false;
    if (k->rule == schema::Rule::one_of &&
        std::find(k->values.begin(), k->values.end(), std::get<std::string>(v)) == k->values.end())
        return false;
    const schema::Where nowhere{};
    switch (item.kind) {
    case ItemKind::objective: {
        Objective* o = find_objective(file, item.id);
        return o && k->apply(*o, v, nowhere);
    }
    case ItemKind::kr: {
        KeyResult* kr = find_kr(file, item.objective, item.id);
        if (!kr || !k->apply(*kr, v, nowhere)) return false;
        // As the parser reads a milestone: from 0 to 1.
        if (kr->type == KrType::milestone) {
            kr->start = 0;
            kr->target = 1;
        }
        return true;
    }
    case ItemKind::kpi: {
        Kpi* kpi = find_kpi(file, item.id);
        return kpi && k->apply(*kpi, v, nowhere);
    }
    }
    return false;
}

// The parsed model of a text that must be valid; a Failure otherwise.
Result<GoalFile> valid_model(std::string_view text, const std::string& path, bool after_edit) {
    ParsedFile parsed = parse_goal_file(text, path);
    Diagnostics errors;
    for (Diagnostic& d : parsed.diagnostics)
        if (d.level == Level::error) errors.push_back(std::move(d));
    if (errors.empty()) return std::move(parsed.file);
    Failure e = after_edit ? fail(Failure::Kind::would_be_invalid,
                                  fmt::format("the change would make {} invalid: {}", path,
                                              errors.front().message),
                                  errors.front().hint)
                           : fail(Failure::Kind::file_invalid,
                                  fmt::format("{} is not a valid goal file", path),
                                  "fix it first; `okr check` lists every problem");
    e.diagnostics = std::move(errors);
    return e;
}

// A parsed TOML tree with its layout, or why the text cannot be edited.
struct Tree {
    std::unique_ptr<toml::table> root; // on the heap, so that pointers into it survive moves
};

Result<Tree> parse_tree(std::string_view text, const std::string& path) {
    if (auto hazard = toml_hazard(text))
        return fail(Failure::Kind::file_invalid,
                    fmt::format("{} is not a valid goal file: {}", path, hazard->message),
                    "fix it first; `okr check` shows where");
    try {
        return Tree{std::make_unique<toml::table>(toml::parse(text, std::string_view(path)))};
    } catch (const toml::parse_error& e) {
        return fail(Failure::Kind::file_invalid,
                    fmt::format("{} is not valid TOML: {}", path, e.description()),
                    "fix it first; `okr check` shows where");
    }
}

// Finishes an edit: applies the splices, re-parses, and compares the new model with `expected`
// (built by the caller from the old model). `expected_fixup` may complete `expected` from the
// new model first (adds take the new item as parsed).
template <class Fixup>
Result<Edit> finish(std::string_view text, const std::string& path, std::vector<Splice> splices,
                    GoalFile expected, Fixup expected_fixup) {
    Edit edit;
    edit.text = apply_splices(text, splices);
    edit.splices = std::move(splices);
    auto after = valid_model(edit.text, path, true);
    if (!after) return std::move(after).failure();
    GoalFile& actual = (*after);
    if (auto problem = expected_fixup(expected, actual); !problem.empty())
        return fail(Failure::Kind::unverified,
                    fmt::format("internal error: {}; {} was not changed", problem, path),
                    "please report this with the file attached");
    if (!same_model(expected, actual))
        return fail(
            Failure::Kind::unverified,
            fmt::format("internal error: the edit changed more than intended; {} was not changed",
                        path),
            "please report this with the file attached");
    return edit;
}

Result<Edit> finish(std::string_view text, const std::string& path, std::vector<Splice> splices,
                    GoalFile expected) {
    return finish(text, path, std::move(splices), std::move(expected),
                  [](GoalFile&, const GoalFile&) { return std::string(); });
}

// Everything an edit of one item needs: the old model, the TOML tree and the item's table.
struct Target {
    GoalFile model;
    Tree tree;
    const toml::table* table = nullptr;
};

Result<Target> locate(std::string_view text, const std::string& path, const ItemId& item) {
    auto model = valid_model(text, path, false);
    if (!model) return std::move(model).failure();
    auto tree = parse_tree(text, path);
    if (!tree) return std::move(tree).failure();
    Target t{std::move(model).value(), std::move(tree).value(), nullptr};
    t.table = find_table(*t.tree.root, item);
    if (!t.table)
        return fail(Failure::Kind::not_found,
                    fmt::format("{} is no longer in {}", describe(item), path),
                    "the file changed since it was read; run the command again");
    return t;
}

// A splice adding `key = value` to table `t` after its last own key, indented like it.
Result<Splice> insert_key(const Layout& layout, const toml::table& t, std::string_view key,
                          const std::string& value) {
    const std::string sep = separator_style(layout, t);
    const auto last = last_own_key(layout, t);
    switch (form_of(layout, t)) {
    case Form::inline_table: {
        if (last) return Splice{last->end, 0, fmt::format(",{}{}{}{}", " ", key, sep, value)};
        const std::size_t b = layout.begin_of(t), e = layout.end_of(t);
        return Splice{b, e - b, fmt::format("{{ {}{}{} }}", key, sep, value)};
    }
    case Form::header: {
        const std::size_t after = last ? last->end : layout.end_of(t);
        const std::string indent = layout.indentation(last ? last->key_offset : layout.begin_of(t));
        const std::size_t at = layout.next_line(after);
        if (at == layout.text().size() && !layout.ends_with_newline())
            return Splice{at, 0, fmt::format("{}{}{}{}{}", layout.eol(), indent, key, sep, value)};
        return Splice{at, 0, fmt::format("{}{}{}{}{}", indent, key, sep, value, layout.eol())};
    }
    case Form::dotted:
        break;
    }
    return fail(Failure::Kind::unsupported,
                "this item is written as a dotted-key table, which okr cannot extend",
                "add the key by hand (`okr edit`)");
}

// The text between a new `key` and its value, written as beside the neighbour key `anchor`:
// its spacing around `=`, and, when keys are aligned (more than one space before `=`), the new
// `=` in the same column. `fallback` when the neighbour's `=` is not on its line.
std::string aligned_separator(const Layout& layout, const toml::key& anchor, std::string_view key,
                              std::string fallback) {
    const std::string_view text = layout.text();
    const std::size_t key_begin = layout.offset(anchor.source().begin);
    const std::size_t key_end = layout.offset(anchor.source().end);
    const std::size_t eq = text.find('=', key_end);
    if (eq == std::string_view::npos ||
        text.substr(key_end, eq - key_end).find_first_not_of(" \t") != std::string_view::npos)
        return fallback;
    std::size_t after = eq + 1;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t'))
        ++after;
    const std::string tail = "=" + std::string(text.substr(eq + 1, after - eq - 1));
    if (eq > key_end + 1) {
        const std::size_t column = eq - key_begin;
        return std::string(column > key.size() ? column - key.size() : 1, ' ') + tail;
    }
    return std::string(text.substr(key_end, eq - key_end)) + tail;
}

// A splice adding the line `INDENT KEY SEP VALUE` at the start of the line after offset `after`
// (at the end of a text without a final newline, on a new line).
Splice line_after(const Layout& layout, std::size_t after, const std::string& indent,
                  std::string_view key, const std::string& sep, const std::string& value) {
    const std::size_t at = layout.next_line(after);
    if (at == layout.text().size() && !layout.ends_with_newline())
        return Splice{at, 0, fmt::format("{}{}{}{}{}", layout.eol(), indent, key, sep, value)};
    return Splice{at, 0, fmt::format("{}{}{}{}{}", indent, key, sep, value, layout.eol())};
}

// A splice adding a new key that `okr set` writes (SPEC §8): after the item's last plain key
// (not an array, not a sub-table) that comes before its first array, so that it never lands
// after `checkins`; its `=` at the column where that key's `=` is when the keys are aligned.
// Elsewhere (inline or dotted tables, no plain key), as insert_key.
Result<Splice> insert_plain_key(const Layout& layout, const toml::table& t, std::string_view key,
                                const std::string& value) {
    if (form_of(layout, t) != Form::header) return insert_key(layout, t, key, value);
    std::size_t first_array = layout.text().size();
    for (auto&& [k, v] : t)
        if (placement(layout, k, v) == Placement::value && v.is_array())
            first_array = std::min(first_array, layout.offset(k.source().begin));
    const toml::key* anchor = nullptr;
    std::size_t anchor_end = 0;
    for (auto&& [k, v] : t) {
        if (placement(layout, k, v) != Placement::value || v.is_array()) continue;
        const std::size_t begin = layout.offset(k.source().begin), end = layout.end_of(v);
        if (begin < first_array && (!anchor || end > anchor_end)) {
            anchor = &k;
            anchor_end = end;
        }
    }
    if (!anchor) return insert_key(layout, t, key, value);
    const std::size_t key_begin = layout.offset(anchor->source().begin);
    const std::string sep = aligned_separator(layout, *anchor, key, separator_style(layout, t));
    return line_after(layout, anchor_end, layout.indentation(key_begin), key, sep, value);
}

std::vector<std::string> item_lines(const std::string& header_indent, const std::string& header,
                                    const std::string& key_indent, const NewItem& item) {
    std::vector<std::string> lines{header_indent + header};
    lines.push_back(fmt::format("{}id = {}", key_indent, toml_string(item.id)));
    lines.push_back(fmt::format("{}title = {}", key_indent, toml_string(item.title)));
    for (const auto& [key, value] : item.keys)
        lines.push_back(fmt::format("{}{} = {}", key_indent, key, toml_value(value)));
    return lines;
}
// Completes `expected` with the item `add` created, after checking the item reads back as written.
std::string take_new_item(GoalFile& expected, const GoalFile& actual, const ItemId& item,
                          const NewItem& spec) {
    GoalFile probe = actual;
    switch (item.kind) {
    case ItemKind::objective: {
        if (actual.objectives.empty() || actual.objectives.back().id != spec.id)
            return "the new objective is not last";
        expected.objectives.push_back(actual.objectives.back());
        break;
    }
    case ItemKind::kr: {
        Objective* o = find_objective(expected, item.objective);
        const Objective* a = nullptr;
        for (const Objective& x : actual.objectives)
            if (x.id == item.objective) a = &x;
        if (!o || !a || a->krs.empty() || a->krs.back().id != spec.id)
            return "the new key result is not last";
        o->krs.push_back(a->krs.back());
        break;
    }
    case ItemKind::kpi: {
        if (actual.kpis.empty() || actual.kpis.back().id != spec.id)
            return "the new KPI is not last";
        expected.kpis.push_back(actual.kpis.back());
        break;
    }
    }
    // Writing the keys again over what was read must change nothing.
    assign(probe, item, "title", spec.title);
    for (const auto& [key, value] : spec.keys)
        if (!assign(probe, item, key, value))
            return fmt::format("`{}` cannot be set on this item", key);
    if (!same_model(probe, actual)) return "the new item does not read back as written";
    return {};
}

} // namespace

namespace {

// The splices that append `checkins` (in order) to the item whose table is `t`, and the same
// check-ins appended to `expected`; a Failure when the layout cannot take them.
Result<void> checkin_splices(const Layout& layout, const toml::table& root, const toml::table& t,
                             const ItemId& item, const std::vector<Checkin>& checkins,
                             const std::string& path, GoalFile& expected,
                             std::vector<Splice>& splices) {
    const InlineStyle style = checkin_style(layout, root, t);
    std::vector<std::string> entries;
    for (const Checkin& c : checkins)
        entries.push_back(checkin_text(c, style));
    const bool inline_item = form_of(layout, t) == Form::inline_table;
    // The entries one per line, each line starting with `indent`, with a comma after each.
    auto lines = [&](const std::string& indent) {
        std::string out;
        for (const std::string& e : entries)
            out += fmt::format("{}{},{}", indent, e, layout.eol());
        return out;
    };
    // The indentation of a new multi-line array's entries and closing bracket.
    auto new_array = [&](const std::string& key_indent) {
        if (inline_item) return fmt::format("[ {} ]", fmt::join(entries, ", "));
        return fmt::format("[{}{}{}]", layout.eol(), lines(key_indent + layout.indent_unit()),
                           key_indent);
    };

    const toml::node* existing = t.get("checkins");
    if (!existing) {
        const auto last = last_own_key(layout, t);
        const std::string indent = layout.indentation(last ? last->key_offset : layout.begin_of(t));
        auto splice = insert_key(layout, t, "checkins", new_array(indent));
        if (!splice) return std::move(splice).failure();
        splices.push_back(std::move(splice).value());
    } else {
        const toml::key* key = nullptr;
        for (auto&& [k, v] : t)
            if (&v == existing) key = &k;
        const auto* arr = existing->as_array();
        if (!arr || !key || placement(layout, *key, *existing) != Placement::value)
            return fail(
                Failure::Kind::unsupported,
                fmt::format("the check-ins of {} are written as [[...checkins]] tables, which okr "
                            "cannot extend",
                            describe(item)),
                "write them as checkins = [ { date = ..., value = ... }, ] or add this one by "
                "hand");
        const std::size_t open = layout.begin_of(*existing);
        const std::size_t close = layout.end_of(*existing) - 1; // the `]`
        const std::string key_indent = layout.indentation(layout.offset(key->source().begin));
        if (arr->empty() && layout.starts_line(close) && layout.line_start(close) > open) {
            // An empty multi-line array (perhaps with comments in it): the entries go on the
            // lines before `]`.
            splices.push_back(
                {layout.line_start(close), 0, lines(key_indent + layout.indent_unit())});
        } else if (arr->empty()) {
            splices.push_back({open, close + 1 - open, new_array(key_indent)});
        } else {
            const toml::node& last = arr->back();
            const std::size_t last_end = layout.end_of(last);
            // Is there a comma after the last entry (blanks, newlines and comments skipped)?
            std::size_t i = last_end;
            const std::string_view s = layout.text();
            while (i < close) {
                if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
                    ++i;
                else if (s[i] == '#')
                    i = layout.next_line(i);
                else
                    break;
            }
            const bool comma = i < close && s[i] == ',';
            const std::size_t after_last = comma ? i + 1 : last_end;
            const bool multi_line =
                layout.starts_line(close) && layout.next_line(after_last) <= close;
            if (multi_line) {
                const std::size_t first = layout.begin_of(last);
                const std::string indent = layout.starts_line(first)
                                               ? layout.indentation(first)
                                               : key_indent + layout.indent_unit();
                if (!comma) splices.push_back({last_end, 0, ","});
                std::string text;
                for (std::size_t n = 0; n < entries.size(); ++n)
                    text += fmt::format("{}{}{}{}", indent, entries[n],
                                        comma || n + 1 < entries.size() ? "," : "", layout.eol());
                splices.push_back({layout.next_line(after_last), 0, std::move(text)});
            } else if (!inline_item && layout.line_start(open) == layout.line_start(close)) {
                // A one-line array becomes one check-in per line now, so that every later
                // check-in is a one-line diff and two branches' check-ins merge.
                const std::string indent = key_indent + layout.indent_unit();
                std::string split = "[" + layout.eol();
                for (const toml::node& n : *arr)
                    split += fmt::format(
                        "{}{},{}", indent,
                        s.substr(layout.begin_of(n), layout.end_of(n) - layout.begin_of(n)),
                        layout.eol());
                for (const std::string& e : entries)
                    split += fmt::format("{}{},{}", indent, e, layout.eol());
                split += key_indent + "]";
                splices.push_back({open, close + 1 - open, std::move(split)});
            } else if (comma) {
                std::string text;
                for (const std::string& e : entries)
                    text += fmt::format(" {},", e);
                splices.push_back({after_last, 0, std::move(text)});
            } else {
                std::string text;
                for (const std::string& e : entries)
                    text += fmt::format(", {}", e);
                splices.push_back({last_end, 0, std::move(text)});
            }
        }
    }

    std::vector<Checkin>* list = nullptr;
    KeyResult* kr = nullptr;
    if (item.kind == ItemKind::kr) {
        kr = find_kr(expected, item.objective, item.id);
        if (kr) list = &kr->checkins;
    } else if (Kpi* k = find_kpi(expected, item.id)) {
        list = &k->checkins;
    }
    if (!list)
        return fail(Failure::Kind::not_found,
                    fmt::format("{} is no longer in {}", describe(item), path),
                    "the file changed since it was read; run the command again");
    list->insert(list->end(), checkins.begin(), checkins.end());
    // The latest check-in (ties: the later one in the file); `current` follows it when it is new.
    const Checkin* latest = nullptr;
    for (const Checkin& c : *list)
        if (!latest || c.date >= latest->date) latest = &c;
    const bool new_latest = latest >= &(*list)[list->size() - checkins.size()];
    if (kr && new_latest && kr->current && *kr->current != latest->value)
        if (const toml::node* current = t.get("current")) {
            const std::size_t b = layout.begin_of(*current), e = layout.end_of(*current);
            splices.push_back({b, e - b, toml_number(latest->value)});
            kr->current = latest->value;
        }
    return {};
}

} // namespace

Result<Edit> append_checkin(std::string_view text, const std::string& path, const ItemId& item,
                            const Checkin& checkin) {
    return append_checkins(text, path, {{item, checkin}});
}

Result<Edit> append_checkins(std::string_view text, const std::string& path,
                             const std::vector<std::pair<ItemId, Checkin>>& checkins) {
    // The check-ins grouped by item, each group in the order given.
    std::vector<std::pair<ItemId, std::vector<Checkin>>> groups;
    for (const auto& [item, checkin] : checkins) {
        if (item.kind == ItemKind::objective)
            return fail(Failure::Kind::unsupported, "objectives take no check-ins",
                        "check in on one of its key results");
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
            return g.first.kind == item.kind && g.first.objective == item.objective &&
                   g.first.id == item.id;
        });
        if (it == groups.end()) {
            groups.push_back({item, {}});
            it = groups.end() - 1;
        }
        it->second.push_back(checkin);
    }
    if (groups.empty()) return Edit{std::string(text), {}};
    auto located = locate(text, path, groups.front().first);
    if (!located) return std::move(located).failure();
    Target& target = *located;
    const Layout layout(text);
    GoalFile expected = target.model;
    std::vector<Splice> splices;
    for (const auto& [item, list] : groups) {
        const toml::table* t = find_table(*target.tree.root, item);
        if (!t)
            return fail(Failure::Kind::not_found,
                        fmt::format("{} is no longer in {}", describe(item), path),
                        "the file changed since it was read; run the command again");
        if (auto spliced =
                checkin_splices(layout, *target.tree.root, *t, item, list, path, expected, splices);
            !spliced)
            return std::move(spliced).failure();
    }
    return finish(text, path, std::move(splices), std::move(expected));
}

Result<Edit> set_key(std::string_view text, const std::string& path, const ItemId& item,
                     const std::string& key, const Value& value) {
    auto located = locate(text, path, item);
    if (!located) return std::move(located).failure();
    Target& target = *located;
    const Layout layout(text);
    const toml::table& t = *target.table;
    GoalFile expected = target.model;
    if (!assign(expected, item, key, value))
        return fail(Failure::Kind::unsupported,
                    fmt::format("`{}` cannot be set on a {}", key,
                                item.kind == ItemKind::kpi  ? "KPI"
                                : item.kind == ItemKind::kr ? "key result"
                                                            : "objective"));
    std::vector<Splice> splices;
    const std::string text_value = toml_value(value);
    bool found = false;
    for (auto&& [k, v] : t) {
        if (k.str() != key) continue;
        found = true;
        if (placement(layout, k, v) != Placement::value)
            return fail(Failure::Kind::unsupported,
                        fmt::format("`{}` of {} is written as a table, which okr cannot replace",
                                    key, describe(item)),
                        "change it by hand (`okr edit`)");
        const std::size_t b = layout.begin_of(v), e = layout.end_of(v);
        if (layout.text().substr(b, e - b) == text_value)
            return finish(text, path, {}, std::move(expected));
        splices.push_back({b, e - b, text_value});
    }
    if (!found) {
        auto splice = insert_plain_key(layout, t, key, text_value);
        if (!splice) return std::move(splice).failure();
        splices.push_back(std::move(splice).value());
    }
    return finish(text, path, std::move(splices), std::move(expected));
}

Result<Edit> set_file_key(std::string_view text, const std::string& path, const std::string& key,
                          const Value& value) {
    // The file-level keys in the order SPEC §3 lists them, which is where a new one goes.
    static constexpr std::string_view k_order[] = {"title", "owner", "namespace", "cycle"};
    const auto rank = [](std::string_view k) {
        return static_cast<std::size_t>(std::find(std::begin(k_order), std::end(k_order), k) -
                                        std::begin(k_order));
    };
    const schema::Key* k = schema::find(schema::Table::file, key);
    if (!k || !k->settable || !schema::holds(k->type, value) || rank(key) == std::size(k_order))
        return fail(Failure::Kind::unsupported, fmt::format("`{}` cannot be set on a file", key));
    auto model = valid_model(text, path, false);
    if (!model) return std::move(model).failure();
    auto tree = parse_tree(text, path);
    if (!tree) return std::move(tree).failure();
    const toml::table& root = *(*tree).root;
    const Layout layout(text);

    // The model it should become: the key, and the items that take it as their default.
    GoalFile expected = std::move(model).value();
    k->apply(expected, value, schema::Where{});
    const std::string& new_text = std::get<std::string>(value);
    const auto takes_default = [&](const toml::node& n,
                                   std::string_view own) -> const std::string* {
        const auto* t = n.as_table();
        if (!t || t->get(own)) return nullptr;
        const auto* id = t->get_as<std::string>("id");
        return id ? &id->get() : nullptr;
    };
    if (key == "owner" || key == "cycle")
        if (const auto* objectives = root.get_as<toml::array>("objective"))
            for (const toml::node& n : *objectives)
                if (const std::string* id = takes_default(n, key))
                    if (Objective* o = find_objective(expected, *id))
                        (key == "owner" ? o->owner : o->cycle) = new_text;
    if (key == "owner")
        if (const auto* kpis = root.get_as<toml::array>("kpi"))
            for (const toml::node& n : *kpis)
                if (const std::string* id = takes_default(n, key))
                    if (Kpi* kpi = find_kpi(expected, *id)) kpi->owner = new_text;

    const std::string text_value = toml_value(value);
    // The file's own plain keys (not tables, not dotted), by their place in the order.
    const toml::key* before = nullptr; // the last key that comes before `key` in the order
    const toml::key* after = nullptr;  // the first key that comes after it
    const toml::key* last = nullptr;   // the last plain key of any name
    for (auto&& [name, v] : root) {
        if (placement(layout, name, v) != Placement::value || v.is_table()) continue;
        const std::size_t begin = layout.offset(name.source().begin);
        if (name.str() == key) {
            const std::size_t b = layout.begin_of(v), e = layout.end_of(v);
            if (layout.text().substr(b, e - b) == text_value)
                return finish(text, path, {}, std::move(expected));
            return finish(text, path, {{b, e - b, text_value}}, std::move(expected));
        }
        if (!last || begin > layout.offset(last->source().begin)) last = &name;
        const std::size_t r = rank(name.str());
        if (r == std::size(k_order)) continue;
        if (r < rank(key) && (!before || begin > layout.offset(before->source().begin)))
            before = &name;
        if (r > rank(key) && (!after || begin < layout.offset(after->source().begin)))
            after = &name;
    }
    const std::string sep = separator_style(layout, root);
    Splice splice;
    if (const toml::key* anchor = before ? before : (after ? nullptr : last)) {
        splice = line_after(layout, layout.end_of(*root.get(anchor->str())),
                            layout.indentation(layout.offset(anchor->source().begin)), key,
                            aligned_separator(layout, *anchor, key, sep), text_value);
    } else if (after) {
        const std::size_t at = layout.line_start(layout.offset(after->source().begin));
        splice = Splice{at, 0,
                        fmt::format("{}{}{}{}{}", layout.indentation(at), key,
                                    aligned_separator(layout, *after, key, sep), text_value,
                                    layout.eol())};
    } else {
        // No top-level key: above the first table, and above the comment lines right above it
        // (they belong to it); in a file of comments alone, at its end. Without top-level keys,
        // only blank and comment lines come before the first `[` header.
        const auto header = [&](std::size_t line) {
            const std::size_t first = line + layout.indentation(line).size();
            return first < text.size() && text[first] == '[';
        };
        std::size_t at = 0;
        while (at < text.size() && !header(at))
            at = layout.next_line(at);
        if (at < text.size()) {
            while (at > 0 && layout.comment_line(layout.previous_line(at)))
                at = layout.previous_line(at);
            splice = Splice{at, 0, fmt::format("{}{}{}{}", key, sep, text_value, layout.eol())};
        } else {
            splice =
                Splice{at, 0,
                       fmt::format("{}{}{}{}{}",
                                   text.empty() || layout.ends_with_newline() ? "" : layout.eol(),
                                   key, sep, text_value, layout.eol())};
        }
    }
    return finish(text, path, {std::move(splice)}, std::move(expected));
}

std::uint32_t file_key_line(std::string_view text, const std::string& path, std::string_view key) {
    auto tree = parse_tree(text, path);
    if (!tree) return 0;
    const toml::node* value = (*tree).root->get(key);
    return value ? static_cast<std::uint32_t>(value->source().begin.line) : 0;
}

Result<Edit> add_objective(std::string_view text, const std::string& path,
                           const NewItem& objective) {
    auto model = valid_model(text, path, false);
    if (!model) return std::move(model).failure();
    auto tree = parse_tree(text, path);
    if (!tree) return std::move(tree).failure();
    const toml::table& root = *(*tree).root;
    const Layout layout(text);
    std::size_t at = text.size();
    std::string header_indent, key_indent;
    const auto* objectives = root.get_as<toml::array>("objective");
    const auto* kpis = root.get_as<toml::array>("kpi");
    if (objectives && !objectives->empty() && objectives->back().is_table()) {
        const toml::table& last = *objectives->back().as_table();
        if (form_of(layout, last) != Form::header)
            return fail(Failure::Kind::unsupported,
                        "the objectives are written inline, which okr cannot extend",
                        "add the objective by hand (`okr edit`)");
        at = layout.next_line(extent_end(layout, last));
        std::tie(header_indent, key_indent) = indents_of(layout, last);
    } else if (kpis && !kpis->empty() && kpis->front().is_table() &&
               form_of(layout, *kpis->front().as_table()) == Form::header) {
        // Before the first KPI, and before the comment lines right above it that belong to it.
        at = layout.line_start(layout.begin_of(*kpis->front().as_table()));
        while (at > 0 && layout.comment_line(layout.previous_line(at)))
            at = layout.previous_line(at);
    }
    std::vector<std::string> lines =
        item_lines(header_indent, "[[objective]]", key_indent, objective);
    std::vector<Splice> splices{insert_block(layout, at, lines)};
    const ItemId id = ItemId::of_objective(objective.id);
    return finish(text, path, std::move(splices), std::move(model).value(),
                  [&](GoalFile& expected, const GoalFile& actual) {
                      return take_new_item(expected, actual, id, objective);
                  });
}

Result<Edit> add_kr(std::string_view text, const std::string& path, const std::string& objective_id,
                    const NewItem& kr) {
    auto located = locate(text, path, ItemId::of_objective(objective_id));
    if (!located) return std::move(located).failure();
    Target& target = *located;
    const Layout layout(text);
    const toml::table& o = *target.table;
    if (form_of(layout, o) != Form::header)
        return fail(Failure::Kind::unsupported,
                    "this objective is written inline, which okr cannot extend",
                    "add the key result by hand (`okr edit`)");
    const toml::node* krs = o.get("kr");
    std::optional<std::pair<std::string, std::string>> indents;
    if (krs) {
        const auto* arr = krs->as_array();
        if (!arr || arr->empty() || !arr->back().is_table() ||
            form_of(layout, *arr->back().as_table()) != Form::header)
            return fail(
                Failure::Kind::unsupported,
                "the key results of this objective are written inline, which okr cannot extend",
                "add the key result by hand (`okr edit`)");
        indents = indents_of(layout, *arr->back().as_table());
    } else if (const auto* objectives = target.tree.root->get_as<toml::array>("objective")) {
        // Copy the indentation of key results elsewhere in the file.
        for (const toml::node& n : *objectives)
            if (const auto* other = n.as_table())
                if (const auto* arr = other->get_as<toml::array>("kr"); arr && !indents)
                    if (!arr->empty() && arr->back().is_table() &&
                        form_of(layout, *arr->back().as_table()) == Form::header)
                        indents = indents_of(layout, *arr->back().as_table());
    }
    if (!indents) {
        const std::string base = indents_of(layout, o).first + layout.indent_unit();
        indents = {base, base};
    }
    const std::size_t at = layout.next_line(extent_end(layout, o));
    std::vector<std::string> lines =
        item_lines(indents->first, "[[objective.kr]]", indents->second, kr);
    std::vector<Splice> splices{insert_block(layout, at, lines)};
    const ItemId id = ItemId::of_kr(objective_id, kr.id);
    return finish(text, path, std::move(splices), std::move(target.model),
                  [&](GoalFile& expected, const GoalFile& actual) {
                      return take_new_item(expected, actual, id, kr);
                  });
}

Result<Edit> add_kpi(std::string_view text, const std::string& path, const NewItem& kpi) {
    auto model = valid_model(text, path, false);
    if (!model) return std::move(model).failure();
    auto tree = parse_tree(text, path);
    if (!tree) return std::move(tree).failure();
    const toml::table& root = *(*tree).root;
    const Layout layout(text);
    std::size_t at = text.size();
    std::string header_indent, key_indent;
    if (const auto* kpis = root.get_as<toml::array>("kpi");
        kpis && !kpis->empty() && kpis->back().is_table()) {
        const toml::table& last = *kpis->back().as_table();
        if (form_of(layout, last) != Form::header)
            return fail(Failure::Kind::unsupported,
                        "the KPIs are written inline, which okr cannot extend",
                        "add the KPI by hand (`okr edit`)");
        at = layout.next_line(extent_end(layout, last));
        std::tie(header_indent, key_indent) = indents_of(layout, last);
    } else if (const auto* objectives = root.get_as<toml::array>("objective");
               objectives && !objectives->empty() && objectives->front().is_table()) {
        std::tie(header_indent, key_indent) = indents_of(layout, *objectives->front().as_table());
    }
    std::vector<std::string> lines = item_lines(header_indent, "[[kpi]]", key_indent, kpi);
    std::vector<Splice> splices{insert_block(layout, at, lines)};
    const ItemId id = ItemId::of_kpi(kpi.id);
    return finish(text, path, std::move(splices), std::move(model).value(),
                  [&](GoalFile& expected, const GoalFile& actual) {
                      return take_new_item(expected, actual, id, kpi);
                  });
}

std::uint32_t item_line(std::string_view text, const std::string& path, const ItemId& item,
                        std::string_view key) {
    auto tree = parse_tree(text, path);
    if (!tree) return 0;
    const toml::table* t = find_table(*(*tree).root, item);
    if (!t) return 0;
    if (const toml::node* value = key.empty() ? nullptr : t->get(key))
        return static_cast<std::uint32_t>(value->source().begin.line);
    return static_cast<std::uint32_t>(t->source().begin.line);
}

bool same_model(const GoalFile& a, const GoalFile& b) {
    return a == b;
}

} // namespace okr::io
