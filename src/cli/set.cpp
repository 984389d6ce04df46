#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/schema.hpp"
#include "okr/core/suggest.hpp"
#include "okr/io/parse.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <span>

namespace okr::cli {

namespace {

struct SetOptions {
    std::string ref;
    std::string key;
    std::string value;
    bool force = false;
    bool dry_run = false;
};

schema::Table table_of(io::ItemKind kind) {
    return kind == io::ItemKind::objective ? schema::Table::objective
           : kind == io::ItemKind::kr      ? schema::Table::kr
                                           : schema::Table::kpi;
}

// The keys `okr set` may change on this kind of item (check-ins, key results: commands of their
// own).
std::vector<std::string_view> settable_keys(io::ItemKind kind) {
    std::vector<std::string_view> out;
    for (const schema::Key& k : schema::keys_of(table_of(kind)))
        if (k.settable) out.push_back(k.name);
    return out;
}

const char* kind_name(io::ItemKind kind) {
    return kind == io::ItemKind::objective ? "an objective"
           : kind == io::ItemKind::kr      ? "a key result"
                                           : "a KPI";
}

std::string enum_arg(const std::string& key, const std::string& text,
                     std::span<const std::string_view> values) {
    std::vector<std::string> names(values.begin(), values.end());
    if (std::find(names.begin(), names.end(), text) != names.end()) return text;
    std::string expected;
    for (std::size_t i = 0; i < names.size(); ++i)
        expected += fmt::format("{}\"{}\"", i == 0 ? "" : (i + 1 == names.size() ? " or " : ", "),
                                names[i]);
    const std::string near = nearest(text, names);
    throw CommandError(ExitCode::usage,
                       fmt::format("{}: expected {}, found \"{}\"", key, expected, text),
                       near.empty() ? "" : fmt::format("did you mean \"{}\"?", near));
}

// A comma-separated list: `a, b` -> ["a", "b"]; an empty text is an empty list.
std::vector<std::string> list_arg(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(at, comma - at);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out.push_back(item);
        at = comma + 1;
    }
    return out;
}

void check_kpi_ref(const WorkspaceIndex& index, std::size_t file, const std::string& what,
                   const std::string& ref) {
    auto r = index.kpi(ref, file);
    if (!r.found)
        throw CommandError(
            ExitCode::usage,
            fmt::format("{}: {}", what, describe_failure("KPI", ref, r.candidates, r.suggestions)));
}

void check_objective_ref(const WorkspaceIndex& index, const WriteTarget& target,
                         const std::string& key, const std::string& ref) {
    auto r = index.objective(ref, target.file);
    if (!r.found)
        throw CommandError(
            ExitCode::usage,
            fmt::format("{}: {}", key,
                        describe_failure("objective", ref, r.candidates, r.suggestions)));
    if (r.found->file == target.file && index.at(*r.found).id == target.item.id)
        throw CommandError(ExitCode::usage,
                           key == "parent"
                               ? std::string("parent: an objective cannot be its own parent")
                               : fmt::format("{}: an objective cannot name itself", key));
}

// `set REF id X` on an objective or KPI that other goals point at would leave their references
// dangling: refused, naming where they are; `okr mv` renames and rewrites them.
void refuse_referenced_rename(const WorkspaceIndex& index, const WriteTarget& target,
                              const std::string& new_id) {
    const Workspace& ws = index.workspace();
    std::vector<std::string> where;
    for (const Referrer& r : referrers_of_target(index, target))
        where.push_back(fmt::format("{}:{}:{} ({} = \"{}\")", ws.files[r.file].path, r.ref.pos.line,
                                    r.ref.pos.column, r.key, r.ref.text));
    if (where.empty()) return;
    throw CommandError(
        ExitCode::usage,
        fmt::format("id: {} is referenced {} time{}: {}; renaming it here would leave {} dangling",
                    target.ref, where.size(), where.size() == 1 ? "" : "s", fmt::join(where, ", "),
                    where.size() == 1 ? "it" : "them"),
        fmt::format("rename it with `okr mv {} {}`, which rewrites every reference", target.ref,
                    new_id));
}

// The value for `key` of the target, typed and checked by the key's schema entry as the file
// format wants it, plus what only the workspace can tell (references resolve, ids are free).
io::Value typed_value(const Session& session, const WorkspaceIndex& index,
                      const WriteTarget& target, const schema::Key& key, const std::string& text) {
    const io::ItemKind kind = target.item.kind;
    const GoalFile& file = index.workspace().files[target.file];
    const std::string name(key.name);
    switch (key.type) {
    case schema::Type::number: {
        if (key.rule == schema::Rule::fraction) return parse_fraction_arg(name, text);
        // A quantity may carry the item's own unit (`58 bpm`, `70%`).
        const KeyResult* kr = kind == io::ItemKind::kr ? kr_of(index, target) : nullptr;
        const Kpi* kpi = kind == io::ItemKind::kpi ? kpi_of(index, target) : nullptr;
        const double n = key.traits.unit ? parse_quantity_arg(name, text,
                                                              kr    ? kr->unit
                                                              : kpi ? kpi->unit
                                                                    : std::string())
                                         : parse_number_arg(name, text);
        if (key.rule == schema::Rule::positive && n <= 0)
            throw CommandError(
                ExitCode::usage, fmt::format("{}: must be greater than 0, found {}", name, text),
                fmt::format("to stop counting it, drop it instead: okr drop {}", target.ref));
        return n;
    }
    case schema::Type::date:
        return parse_date_arg(name, text, session.as_of());
    case schema::Type::string_list: {
        auto items = list_arg(text);
        if (key.rule == schema::Rule::kpi_ref)
            for (const std::string& r : items)
                check_kpi_ref(index, target.file, name, r);
        return items;
    }
    case schema::Type::string:
    case schema::Type::tables:
        break;
    }
    switch (key.rule) {
    case schema::Rule::one_of:
        return enum_arg(name, text, key.values);
    case schema::Rule::kpi_ref:
        check_kpi_ref(index, target.file, name, text);
        return text;
    case schema::Rule::objective_ref:
        check_objective_ref(index, target, name, text);
        return text;
    case schema::Rule::cycle_name:
        if (!index.cycle(text) && !builtin_cycle(text))
            throw CommandError(
                ExitCode::usage, fmt::format("{}: unknown cycle \"{}\"", name, text),
                "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared under [cycles]");
        return text;
    case schema::Rule::not_empty:
        if (text.find_first_not_of(" \t") == std::string::npos)
            throw CommandError(ExitCode::usage, fmt::format("{}: must not be empty", name));
        return text;
    case schema::Rule::id: {
        if (!io::is_valid_id(text))
            throw CommandError(
                ExitCode::usage, fmt::format("{}: invalid id \"{}\"", name, text),
                "ids start with a letter or digit and contain only letters, digits, `-` and `_`");
        bool taken = false;
        if (kind == io::ItemKind::objective)
            taken = std::any_of(file.objectives.begin(), file.objectives.end(),
                                [&](const Objective& o) { return o.id == text; });
        else if (kind == io::ItemKind::kpi)
            taken = std::any_of(file.kpis.begin(), file.kpis.end(),
                                [&](const Kpi& k) { return k.id == text; });
        else if (const Objective* o = objective_of(index, target))
            taken = std::any_of(o->krs.begin(), o->krs.end(),
                                [&](const KeyResult& k) { return k.id == text; });
        if (taken && text != target.item.id)
            throw CommandError(ExitCode::usage,
                               fmt::format("{}: \"{}\" is already taken", name, text),
                               "choose another id");
        if (text != target.item.id) refuse_referenced_rename(index, target, text);
        return text;
    }
    case schema::Rule::none:
    case schema::Rule::positive:
    case schema::Rule::fraction:
        break;
    }
    // An item is named by its title: an empty one would leave it nameless in every report.
    if (key.name == "title" && text.empty())
        throw CommandError(ExitCode::usage, "title: must not be empty");
    return text;
}

} // namespace

Runner setup_set(CommandLine& command) {
    auto opts = std::make_shared<SetOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI")
        ->required()
        ->completes(Complete::references);
    command.add_option("KEY", opts->key, "The key to set, e.g. target, title, weight, status")
        ->required()
        ->completes(Complete::nothing);
    command.add_option("VALUE", opts->value, "The new value (lists: comma-separated)")
        ->required()
        ->completes(Complete::nothing);
    command.add_flag("--force", opts->force,
                     "Change a key result or objective whose objective is closed (its frozen "
                     "grade)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const auto keys = settable_keys(target.item.kind);
        const schema::Key* key = schema::find(table_of(target.item.kind), opts->key);
        if (!key || !key->settable) {
            if (opts->key == "checkins")
                throw CommandError(
                    ExitCode::usage, "checkins: set adds no check-ins",
                    fmt::format("record one with: okr checkin {} VALUE", target.ref));
            if (opts->key == "kr")
                throw CommandError(
                    ExitCode::usage, "kr: set adds no key results",
                    fmt::format("add one with: okr add kr {} TITLE --target N", target.ref));
            const std::string near =
                nearest(opts->key, std::vector<std::string>(keys.begin(), keys.end()));
            throw CommandError(ExitCode::usage,
                               fmt::format("{} is {}, which has no key `{}`", target.ref,
                                           kind_name(target.item.kind), opts->key),
                               near.empty() ? fmt::format("its keys: {}", fmt::join(keys, ", "))
                                            : fmt::format("did you mean `{}`?", near));
        }
        const io::Value value = typed_value(session, index, target, *key, opts->value);
        if (!opts->force) refuse_frozen(index, target, fmt::format("setting {}", opts->key), key);
        const std::string path = index.workspace().files[target.file].path;
        const std::string text =
            write_edit(session, path, opts->dry_run, out, [&](std::string_view now) {
                return io::set_key(now, path, target.item, opts->key, value);
            });
        warn_new_findings(session, goals, target.file, text);
        // A new id moves the item: find it again under that id.
        io::ItemId item = target.item;
        if (opts->key == "id") {
            item.id = opts->value;
            if (item.kind == io::ItemKind::objective) item.objective = opts->value;
        }
        finish_write(
            session, opts->dry_run,
            {{"set", path, line_of(text, path, item, opts->key), target.ref, {{opts->key, value}}}},
            fmt::format("{}: {} = {}\n", report::escape_control(target.ref),
                        report::escape_control(opts->key),
                        report::escape_control(io::toml_value(value))),
            out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
