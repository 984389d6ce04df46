#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/schema.hpp"
#include "okr/core/suggest.hpp"
#include "okr/io/parse.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <filesystem>
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

// The keys of a goal file that `okr set NS/ KEY VALUE` changes.
std::vector<std::string_view> settable_file_keys() {
    std::vector<std::string_view> out;
    for (const schema::Key& k : schema::keys_of(schema::Table::file))
        if (k.settable) out.push_back(k.name);
    return out;
}

// The goal file that REF names, when it names one rather than an item: `NAMESPACE/` (the one
// file of that namespace), or the path of a file of the workspace. nullopt for an item's
// reference. CommandError(usage) for a namespace or a path that names no goal file of the
// workspace, or a namespace that several files share.
std::optional<std::size_t> file_target(const WorkspaceIndex& index, const std::string& ref) {
    const Workspace& ws = index.workspace();
    if (ref.ends_with('/')) {
        const std::string ns = ref.substr(0, ref.size() - 1);
        std::vector<std::size_t> found;
        std::vector<std::string> namespaces;
        for (std::size_t i = 0; i < ws.files.size(); ++i) {
            if (ws.files[i].name_space == ns) found.push_back(i);
            namespaces.push_back(ws.files[i].name_space);
        }
        if (found.size() == 1) return found.front();
        if (found.empty()) {
            const std::string near = nearest(ns, namespaces);
            throw CommandError(
                ExitCode::usage,
                fmt::format("no goal file has the namespace \"{}\"", report::escape_control(ns)),
                near.empty() ? std::string("`okr check` lists the workspace's files")
                             : fmt::format("did you mean {}/?", near));
        }
        std::vector<std::string> paths;
        for (std::size_t i : found)
            paths.push_back(ws.files[i].path);
        throw CommandError(
            ExitCode::usage,
            fmt::format("{} files share the namespace \"{}\": {}", found.size(), ns,
                        fmt::join(paths, ", ")),
            fmt::format("name the file by its path: okr set {} KEY VALUE", paths.front()));
    }
    std::error_code ec;
    const bool is_file = std::filesystem::is_regular_file(ref, ec);
    if (!is_file && !ref.ends_with(".toml")) return std::nullopt;
    if (is_file)
        for (std::size_t i = 0; i < ws.files.size(); ++i)
            if (std::filesystem::equivalent(ref, ws.files[i].path, ec)) return i;
    throw CommandError(
        ExitCode::usage,
        fmt::format("{} is not a goal file of this workspace", report::escape_control(ref)),
        is_file ? "include it from the workspace's root (`okr init` adds it), or run okr with -f"
                : "no such file; `okr check` lists the workspace's files");
}

// The cycle `name` as `okr set` takes it for `cycle`: built in, or declared in the workspace;
// CommandError(usage) with the nearest known name otherwise.
void check_cycle_arg(const WorkspaceIndex& index, const std::string& name) {
    if (index.cycle(name) || builtin_cycle(name)) return;
    std::vector<std::string> known;
    for (const Cycle* c : index.all_cycles())
        known.push_back(c->name);
    const std::string near = nearest(name, known);
    throw CommandError(
        ExitCode::usage, fmt::format("cycle: unknown cycle \"{}\"", report::escape_control(name)),
        near.empty() ? std::string("use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared "
                                   "under [cycles]")
                     : fmt::format("did you mean \"{}\"?", near));
}

// A new namespace for file `file`: a valid id that no other file's ids would clash with, and
// no reference written with the old namespace (`growth/eco`) that would be left dangling.
void check_namespace_arg(const WorkspaceIndex& index, std::size_t file, const std::string& ns) {
    const Workspace& ws = index.workspace();
    const GoalFile& self = ws.files[file];
    if (!io::is_valid_id(ns))
        throw CommandError(
            ExitCode::usage, fmt::format("namespace: invalid namespace \"{}\"", ns),
            "a namespace starts with a letter or digit and has only letters, digits, `-` and `_`");
    if (ns == self.name_space && self.namespace_declared) return;
    // The namespace rules of SPEC §3 on the files that would share it.
    Workspace sharing;
    for (std::size_t i = 0; i < ws.files.size(); ++i)
        if (i != file && ws.files[i].name_space == ns) sharing.files.push_back(ws.files[i]);
    if (!sharing.files.empty()) {
        GoalFile renamed = self;
        renamed.name_space = ns;
        renamed.namespace_declared = true;
        sharing.files.push_back(std::move(renamed));
        const Diagnostics clash = check_workspace_namespaces(sharing);
        if (!clash.empty())
            throw CommandError(ExitCode::usage, "namespace: " + clash.front().message,
                               clash.front().hint);
    }
    if (ns == self.name_space) return;
    // References to this file's items written with its namespace would no longer resolve.
    std::vector<std::string> where;
    auto note = [&](const std::vector<Referrer>& referrers) {
        for (const Referrer& r : referrers)
            if (r.ref.text.find('/') != std::string::npos)
                where.push_back(describe_referrer(index, r));
    };
    for (std::size_t i = 0; i < self.objectives.size(); ++i)
        note(referrers_of(index, ObjectiveRef{file, i}));
    for (std::size_t i = 0; i < self.kpis.size(); ++i)
        note(referrers_of(index, KpiRef{file, i}));
    if (where.empty()) return;
    std::string details;
    for (const std::string& w : where)
        details += w + "\n";
    throw CommandError(
        ExitCode::usage,
        fmt::format("namespace: {} reference{} to {}/ would be left dangling, the first at {}",
                    where.size(), where.size() == 1 ? "" : "s", self.name_space,
                    where.front().substr(0, where.front().find(": "))),
        "okr does not rewrite references across files (`okr mv` renames items, not namespaces): "
        "change those references and this key together by hand (`okr edit`), then run `okr check`",
        details);
}

// `okr set NS/ KEY VALUE`, `okr set PATH KEY VALUE`: a file-level key.
ExitCode set_file(const Session& session, std::size_t file, const std::string& key_name,
                  const std::string& text, bool force, bool dry_run, std::string& out) {
    const LoadedGoals& goals = session.load();
    const WorkspaceIndex& index = *goals.index;
    const GoalFile& goal_file = index.workspace().files[file];
    const std::string path = goal_file.path;
    const schema::Key* key = schema::find(schema::Table::file, key_name);
    const auto keys = settable_file_keys();
    if (!key || !key->settable) {
        if (key_name == "objective" || key_name == "kpi")
            throw CommandError(ExitCode::usage,
                               fmt::format("{}: set adds no {}", key_name,
                                           key_name == "kpi" ? "KPIs" : "objectives"),
                               fmt::format("add one with: okr add {} TITLE", key_name));
        const std::string near =
            nearest(key_name, std::vector<std::string>(keys.begin(), keys.end()));
        throw CommandError(ExitCode::usage,
                           fmt::format("{} is a goal file; set changes its {}, not `{}`",
                                       report::escape_control(path), fmt::join(keys, ", "),
                                       report::escape_control(key_name)),
                           near.empty() ? std::string("change the rest of the file with `okr edit`")
                                        : fmt::format("did you mean `{}`?", near));
    }
    if (text.find_first_not_of(" \t") == std::string::npos)
        throw CommandError(ExitCode::usage, fmt::format("{}: must not be empty", key_name));
    if (key_name == "cycle") {
        check_cycle_arg(index, text);
        // Objectives that take the file's cycle move with it: a closed one's grade is frozen.
        for (const Objective& o : goal_file.objectives)
            if (!force && o.closed && o.cycle == goal_file.cycle &&
                o.cycle_pos.line == goal_file.cycle_pos.line &&
                o.cycle_pos.column == goal_file.cycle_pos.column && text != goal_file.cycle)
                throw CommandError(
                    ExitCode::usage,
                    fmt::format(
                        "cycle: objective {} takes the file's cycle and is closed "
                        "(closed = {} at {}:{}:{}); its grade is frozen",
                        index.ref_of(ObjectiveRef{
                            file, static_cast<std::size_t>(&o - goal_file.objectives.data())}),
                        o.closed->iso(), path, o.closed_pos.line, o.closed_pos.column),
                    "--force changes it anyway");
    }
    if (key_name == "namespace") check_namespace_arg(index, file, text);
    const io::Value value = text;
    const std::string written = write_edit(session, path, dry_run, out, [&](std::string_view now) {
        return io::set_file_key(now, path, key_name, value);
    });
    warn_new_findings(session, goals, file, written);
    finish_write(
        session, dry_run,
        {{"set", path, io::file_key_line(written, path, key_name), "", {{key_name, value}}}},
        fmt::format("{}: {} = {}\n", report::escape_control(path), key_name,
                    report::escape_control(io::toml_value(value))),
        out);
    return ExitCode::ok;
}

} // namespace

Runner setup_set(CommandLine& command) {
    auto opts = std::make_shared<SetOptions>();
    command
        .add_option("REF", opts->ref,
                    "The objective, key result or KPI; or a goal file, as NAMESPACE/ or its path "
                    "(keys title, owner, namespace, cycle)")
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
        if (const auto file = file_target(index, opts->ref))
            return set_file(session, *file, opts->key, opts->value, opts->force, opts->dry_run,
                            out);
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
