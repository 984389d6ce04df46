#include "okr/io/remove.hpp"

#include "okr/io/parse.hpp"
#include "okr/io/toml_text.hpp"
#include "toml_layout.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace okr::io {
namespace {

Failure failure(Failure::Kind kind, std::string message, std::string hint,
                Diagnostics diagnostics = {}) {
    Failure f = make_failure(kind, std::move(message), std::move(hint));
    f.diagnostics = std::move(diagnostics);
    return f;
}

const toml::table* with_id(const toml::node* array, std::string_view id) {
    if (!array || !array->is_array()) return nullptr;
    for (const toml::node& n : *array->as_array())
        if (const auto* t = n.as_table())
            if (auto v = t->get_as<std::string>("id"); v && v->get() == id) return t;
    return nullptr;
}

} // namespace

Result<Edit> remove_item(std::string_view text, const std::string& path, const ItemId& item) {
    ParsedFile before = parse_goal_file(text, path);
    if (has_errors(before.diagnostics))
        return failure(Failure::Kind::file_invalid,
                       fmt::format("{} is not a valid goal file", path),
                       "fix it first; `okr check` lists every problem");
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error&) {
        return failure(Failure::Kind::file_invalid, fmt::format("{} is not valid TOML", path),
                       "fix it first; `okr check` shows where");
    }
    const toml::table* table = nullptr;
    GoalFile expected = before.file;
    if (item.kind == ItemKind::kpi) {
        table = with_id(root.get("kpi"), item.id);
        std::erase_if(expected.kpis, [&](const Kpi& k) { return k.id == item.id; });
    } else {
        const toml::table* objective = with_id(root.get("objective"), item.objective);
        if (item.kind == ItemKind::objective) {
            table = objective;
            std::erase_if(expected.objectives,
                          [&](const Objective& o) { return o.id == item.objective; });
        } else if (objective) {
            table = with_id(objective->get("kr"), item.id);
            for (Objective& o : expected.objectives)
                if (o.id == item.objective)
                    std::erase_if(o.krs, [&](const KeyResult& k) { return k.id == item.id; });
        }
    }
    if (!table)
        return failure(Failure::Kind::not_found, fmt::format("the item is no longer in {}", path),
                       "the file changed since it was read; run the command again");
    const Layout layout(text);
    const std::size_t header = layout.begin_of(*table);
    if (header >= text.size() || text[header] != '[')
        return failure(Failure::Kind::unsupported,
                       "this item is written inline, which okr cannot remove",
                       "remove it by hand (`okr edit`)");
    std::size_t begin = layout.line_start(header);
    std::size_t end = layout.next_line(extent_end(layout, *table));
    const std::size_t after_item = end;
    while (end < text.size() && layout.blank_line(end))
        end = layout.next_line(end);
    if (end == text.size() && after_item == end) // last in the file: drop the blank lines before
        while (begin > 0 && layout.blank_line(layout.previous_line(begin)))
            begin = layout.previous_line(begin);
    Edit edit;
    edit.text = std::string(text.substr(0, begin)) + std::string(text.substr(end));
    edit.splices.push_back({begin, end - begin, {}});
    ParsedFile after = parse_goal_file(edit.text, path);
    if (has_errors(after.diagnostics))
        return failure(Failure::Kind::would_be_invalid,
                       fmt::format("removing it would make {} invalid: {}", path,
                                   after.diagnostics.front().message),
                       after.diagnostics.front().hint, after.diagnostics);
    if (!same_model(expected, after.file))
        return failure(Failure::Kind::unverified,
                       fmt::format("internal error: the removal changed more than the item; {} "
                                   "was not changed",
                                   path),
                       "please report this with the file attached");
    return edit;
}

} // namespace okr::io
