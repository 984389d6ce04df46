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

namespace okr::cli {

namespace {

struct AddObjectiveOptions {
    std::string title, id, owner, type, parent, cycle, in;
    std::vector<std::string> tags;
    bool dry_run = false;
};

struct AddKrOptions {
    std::string objective, title, id, target, start, unit, weight, kpi;
    bool milestone = false;
    bool force = false;
    bool dry_run = false;
};

struct AddKpiOptions {
    std::string title, id, min, max, warn, unit, frequency, owner, in;
    bool dry_run = false;
};

// The workspace file a new objective or KPI goes to: `--in` (a path or a namespace), else the
// only file, else the root file that -f, OKR_FILE or the upward search found.
std::size_t file_for_new_item(const Session& session, const LoadedGoals& goals,
                              const std::string& in) {
    const auto& files = goals.loaded.workspace.files;
    namespace fs = std::filesystem;
    auto same_file = [](const std::string& a, const std::string& b) {
        std::error_code ec;
        return a == b || fs::equivalent(a, b, ec);
    };
    if (!in.empty()) {
        for (std::size_t i = 0; i < files.size(); ++i)
            if (same_file(files[i].path, in) || files[i].name_space == in) return i;
        std::vector<std::string> names;
        for (const GoalFile& f : files)
            names.push_back(f.path);
        throw CommandError(ExitCode::usage,
                           fmt::format("--in: {} is not a file of this workspace", in),
                           fmt::format("files: {}", fmt::join(names, ", ")));
    }
    if (files.size() == 1) return 0;
    auto roots = io::find_root_files(session.source());
    if (roots && roots->size() == 1)
        for (std::size_t i = 0; i < files.size(); ++i)
            if (same_file(files[i].path, roots->front())) return i;
    throw CommandError(
        ExitCode::usage,
        fmt::format("this workspace has {} files; which one should it go to?", files.size()),
        fmt::format("name one with --in PATH, e.g. --in {}", files.front().path));
}

void check_id(const std::string& id) {
    if (!io::is_valid_id(id))
        throw CommandError(
            ExitCode::usage, fmt::format("--id: invalid id \"{}\"", id),
            "ids start with a letter or digit and contain only letters, digits, `-` and `_`");
}

// The new item's id: `given` (--id) when there is one, checked to be valid and not taken where
// it must be unique (else `exists` is the error); otherwise one made from the title that
// `taken` does not have yet.
std::string choose_id(const std::string& given, const std::string& title, std::string_view fallback,
                      const std::function<bool(const std::string&)>& taken_here,
                      const std::function<bool(const std::string&)>& taken,
                      const std::string& exists) {
    if (given.empty()) return make_id(title, fallback, taken);
    check_id(given);
    if (taken_here(given))
        throw CommandError(ExitCode::usage, "--id: " + exists,
                           "choose another id, or leave --id out to have one made from the title");
    return given;
}

void check_title(const std::string& title) {
    if (title.empty())
        throw CommandError(ExitCode::usage, "TITLE: must not be empty", "e.g. \"Grow revenue\"");
}

// Checks an option against the values the schema allows for `key` of `table`.
void check_enum(const std::string& what, const std::string& value, schema::Table table,
                std::string_view key) {
    const schema::Key& k = *schema::find(table, key);
    const std::vector<std::string> values(k.values.begin(), k.values.end());
    if (std::find(values.begin(), values.end(), value) != values.end()) return;
    const std::string near = nearest(value, values);
    throw CommandError(
        ExitCode::usage,
        fmt::format("{}: expected {}, found \"{}\"", what, fmt::join(values, " or "), value),
        near.empty() ? "" : fmt::format("did you mean \"{}\"?", near));
}

// Writes the new item, then prints its reference as the reloaded workspace names it.
// With --format json, prints what was written: the new item's keys, where it starts.
template <class Edit, class Ref>
ExitCode finish_add(const Session& session, LoadedGoals& goals, std::size_t file, bool dry_run,
                    std::string& out, const io::NewItem& item, const io::ItemId& id, Edit edit,
                    Ref ref_of_new) {
    const std::string path = goals.loaded.workspace.files[file].path;
    const std::string text = write_edit(
        session, path, dry_run, out, [&](std::string_view current) { return edit(current, path); });
    // A new objective has no key results yet: they come next, and `check` counts them once
    // they had their chance.
    const std::string count_of_new = fmt::format("objective \"{}\" has ", id.id);
    warn_new_findings(session, goals, file, text, [&](const Diagnostic& d) {
        return id.kind == io::ItemKind::objective && d.rule == "kr-count" &&
               d.message.starts_with(count_of_new);
    });
    std::string ref;
    if (!dry_run) {
        reload_file(goals, file, text, session.as_of());
        ref = ref_of_new(*goals.index);
    }
    if (session.options().format != "json") {
        if (!dry_run)
            out += report::escape_control(ref) + "\n"; // also with -q: scripts take the reference
        return ExitCode::ok;
    }
    Written written{"add",
                    path,
                    dry_run ? 0 : line_of(text, path, id),
                    ref,
                    {{"id", item.id}, {"title", item.title}}};
    written.values.insert(written.values.end(), item.keys.begin(), item.keys.end());
    finish_write(session, dry_run, {written}, {}, out);
    return ExitCode::ok;
}

Runner setup_add_objective(CommandLine& command) {
    auto opts = std::make_shared<AddObjectiveOptions>();
    command.add_option("TITLE", opts->title, "What the objective is about")
        ->required()
        ->completes(Complete::nothing);
    command.add_option("--id", opts->id, "Its id (default: made from the title)")
        ->completes(Complete::nothing);
    command.add_option("--owner", opts->owner, "Its owner (default: the file's owner)")
        ->completes(Complete::owners);
    command.add_option("--type", opts->type, "aspirational (default) or committed")
        ->type_name("TYPE")
        ->completes({"aspirational", "committed"});
    command.add_option("--parent", opts->parent, "The objective it supports: [NAMESPACE/]OBJ")
        ->type_name("REF")
        ->completes(Complete::objectives);
    command
        .add_option("--cycle", opts->cycle,
                    "Its cycle (default: the file's cycle, else this quarter)")
        ->type_name("NAME")
        ->completes(Complete::cycles);
    command.add_option("--tag", opts->tags, "A tag (repeatable)")
        ->type_name("TAG")
        ->completes(Complete::tags);
    command.add_option("--in", opts->in, "The goal file to add it to (default: the root file)")
        ->type_name("PATH")
        ->completes(Complete::files);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        check_title(opts->title);
        LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const std::size_t file = file_for_new_item(session, goals, opts->in);
        const GoalFile& goal_file = goals.loaded.workspace.files[file];
        auto taken = [&](const std::string& id) {
            return std::any_of(goal_file.objectives.begin(), goal_file.objectives.end(),
                               [&](const Objective& o) { return o.id == id; });
        };
        io::NewItem item;
        item.id = choose_id(
            opts->id, opts->title, "objective", taken, taken,
            fmt::format("objective \"{}\" already exists in {}", opts->id, goal_file.path));
        item.title = opts->title;
        if (!opts->owner.empty()) item.keys.emplace_back("owner", opts->owner);
        if (!opts->type.empty()) {
            check_enum("--type", opts->type, schema::Table::objective, "type");
            item.keys.emplace_back("type", opts->type);
        }
        if (!opts->parent.empty()) {
            auto r = index.objective(opts->parent, file);
            if (!r.found)
                throw CommandError(
                    ExitCode::usage,
                    fmt::format("--parent: {}", describe_failure("objective", opts->parent,
                                                                 r.candidates, r.suggestions)));
            item.keys.emplace_back("parent", opts->parent);
        }
        std::string cycle = opts->cycle;
        if (cycle.empty() && goal_file.cycle.empty()) cycle = quarter_name(session.as_of());
        if (!cycle.empty()) {
            // A built-in name needs no declaration, and no objective may use it yet.
            if (!index.cycle(cycle) && !builtin_cycle(cycle))
                throw CommandError(
                    ExitCode::usage, fmt::format("--cycle: unknown cycle \"{}\"", cycle),
                    "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared under [cycles]");
            if (cycle != goal_file.cycle) item.keys.emplace_back("cycle", cycle);
        }
        if (!opts->tags.empty()) item.keys.emplace_back("tags", opts->tags);
        return finish_add(
            session, goals, file, opts->dry_run, out, item, io::ItemId::of_objective(item.id),
            [&](std::string_view text, const std::string& path) {
                return io::add_objective(text, path, item);
            },
            [&](const WorkspaceIndex& now) {
                const auto& objectives = now.workspace().files[file].objectives;
                for (std::size_t o = 0; o < objectives.size(); ++o)
                    if (objectives[o].id == item.id) return now.ref_of(ObjectiveRef{file, o});
                return item.id;
            });
    };
}

Runner setup_add_kr(CommandLine& command) {
    auto opts = std::make_shared<AddKrOptions>();
    command.add_option("OBJ", opts->objective, "The objective it belongs to")
        ->required()
        ->completes(Complete::objectives);
    command.add_option("TITLE", opts->title, "What result is measured")
        ->required()
        ->completes(Complete::nothing);
    command.add_option("--target", opts->target, "The value to reach (a metric key result)")
        ->type_name("N")
        ->completes(Complete::nothing);
    command.add_option("--start", opts->start, "The baseline (default 0)")
        ->type_name("N")
        ->completes(Complete::nothing);
    command.add_flag("--milestone", opts->milestone, "Done / not done instead of a number");
    command.add_option("--unit", opts->unit, "Unit of the values, e.g. km, %, users")
        ->type_name("U")
        ->completes(Complete::nothing);
    command.add_option("--weight", opts->weight, "Weight in the objective's score (default 1)")
        ->type_name("W")
        ->completes(Complete::nothing);
    command.add_option("--id", opts->id, "Its id (default: made from the title)")
        ->completes(Complete::nothing);
    command.add_option("--kpi", opts->kpi, "Take its current value from this KPI")
        ->type_name("REF")
        ->completes(Complete::kpis);
    command.add_flag("--force", opts->force,
                     "Add to an objective that is closed (its frozen grade)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        check_title(opts->title);
        if (opts->milestone == !opts->target.empty())
            throw CommandError(
                ExitCode::usage,
                opts->milestone
                    ? "add kr: --milestone takes no --target"
                    : "add kr: expected --target N (a metric) or --milestone (done / not done)",
                "e.g. okr add kr OBJ \"Reach 1200 users\" --target 1200 --unit users");
        if (opts->milestone && !opts->start.empty())
            throw CommandError(ExitCode::usage, "add kr: --milestone takes no --start",
                               "a milestone goes from 0 (not done) to 1 (done)");
        LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget objective = resolve_target(index, opts->objective, {true, false, false});
        if (!opts->force) refuse_frozen(index, objective, "adding a key result");
        const Objective& o = *objective_of(index, objective);
        const Workspace& ws = goals.loaded.workspace;
        auto taken_here = [&](const std::string& id) {
            return std::any_of(o.krs.begin(), o.krs.end(),
                               [&](const KeyResult& k) { return k.id == id; });
        };
        // Generated ids are unique in the whole workspace, so that the bare id works as a
        // reference.
        auto taken = [&](const std::string& id) {
            for (const GoalFile& f : ws.files)
                for (const Objective& x : f.objectives)
                    for (const KeyResult& k : x.krs)
                        if (k.id == id) return true;
            return false;
        };
        io::NewItem item;
        item.id =
            choose_id(opts->id, opts->title, "kr", taken_here, taken,
                      fmt::format("{} already has a key result \"{}\"", objective.ref, opts->id));
        item.title = opts->title;
        if (opts->milestone) {
            item.keys.emplace_back("type", std::string("milestone"));
        } else {
            const double target = parse_quantity_arg("--target", opts->target, opts->unit);
            const double start =
                opts->start.empty() ? 0 : parse_quantity_arg("--start", opts->start, opts->unit);
            if (target == start)
                throw CommandError(ExitCode::usage,
                                   fmt::format("--target must differ from --start (both are {})",
                                               io::toml_number(start)),
                                   "set the value you aim for; a decreasing key result has a "
                                   "target below its start");
            if (!opts->start.empty()) item.keys.emplace_back("start", start);
            item.keys.emplace_back("target", target);
        }
        if (!opts->unit.empty()) item.keys.emplace_back("unit", opts->unit);
        if (!opts->weight.empty()) {
            const double w = parse_number_arg("--weight", opts->weight);
            if (w <= 0)
                throw CommandError(
                    ExitCode::usage,
                    fmt::format("--weight: must be greater than 0, found {}", opts->weight));
            item.keys.emplace_back("weight", w);
        }
        if (!opts->kpi.empty()) {
            auto r = index.kpi(opts->kpi, objective.file);
            if (!r.found)
                throw CommandError(
                    ExitCode::usage,
                    fmt::format("--kpi: {}",
                                describe_failure("KPI", opts->kpi, r.candidates, r.suggestions)));
            item.keys.emplace_back("kpi", opts->kpi);
        }
        const std::string objective_id = o.id;
        return finish_add(
            session, goals, objective.file, opts->dry_run, out, item,
            io::ItemId::of_kr(objective_id, item.id),
            [&](std::string_view text, const std::string& path) {
                return io::add_kr(text, path, objective_id, item);
            },
            [&](const WorkspaceIndex& now) {
                const auto& objectives = now.workspace().files[objective.file].objectives;
                for (std::size_t i = 0; i < objectives.size(); ++i)
                    if (objectives[i].id == objective_id)
                        for (std::size_t k = 0; k < objectives[i].krs.size(); ++k)
                            if (objectives[i].krs[k].id == item.id)
                                return now.ref_of(KrRef{objective.file, i, k});
                return objective_id + "." + item.id;
            });
    };
}

Runner setup_add_kpi(CommandLine& command) {
    auto opts = std::make_shared<AddKpiOptions>();
    command.add_option("TITLE", opts->title, "What the KPI measures")
        ->required()
        ->completes(Complete::nothing);
    command.add_option("--min", opts->min, "Healthy at or above this value")
        ->type_name("N")
        ->completes(Complete::nothing);
    command.add_option("--max", opts->max, "Healthy at or below this value")
        ->type_name("N")
        ->completes(Complete::nothing);
    command
        .add_option("--warn", opts->warn,
                    "Start of the breach zone beyond the one bound (warning in between)")
        ->type_name("N")
        ->completes(Complete::nothing);
    command.add_option("--unit", opts->unit, "Unit of the values, e.g. %, ms")
        ->type_name("U")
        ->completes(Complete::nothing);
    command
        .add_option("--frequency", opts->frequency, "daily, weekly, monthly, quarterly or yearly")
        ->type_name("F")
        ->completes({"daily", "weekly", "monthly", "quarterly", "yearly"});
    command.add_option("--id", opts->id, "Its id (default: made from the title)")
        ->completes(Complete::nothing);
    command.add_option("--owner", opts->owner, "Its owner (default: the file's owner)")
        ->completes(Complete::owners);
    command.add_option("--in", opts->in, "The goal file to add it to (default: the root file)")
        ->type_name("PATH")
        ->completes(Complete::files);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        check_title(opts->title);
        if (opts->min.empty() && opts->max.empty())
            throw CommandError(
                ExitCode::usage, "add kpi: expected --min N, --max N or both",
                "--min: healthy at or above; --max: healthy at or below; both: a healthy band");
        std::optional<double> min, max, warn;
        if (!opts->min.empty()) min = parse_quantity_arg("--min", opts->min, opts->unit);
        if (!opts->max.empty()) max = parse_quantity_arg("--max", opts->max, opts->unit);
        if (!opts->warn.empty()) warn = parse_quantity_arg("--warn", opts->warn, opts->unit);
        if (min && max && *min > *max)
            throw CommandError(
                ExitCode::usage,
                fmt::format("--min ({}) is greater than --max ({})", opts->min, opts->max),
                "swap them: min is the lower bound of the healthy band");
        if (warn && min && max)
            throw CommandError(ExitCode::usage, "--warn needs exactly one of --min and --max",
                               "remove --warn, or keep only the bound it warns about");
        if (warn && min && *warn >= *min)
            throw CommandError(ExitCode::usage, fmt::format("--warn ({}) must be below --min ({})",
                                                            opts->warn, opts->min));
        if (warn && max && *warn <= *max)
            throw CommandError(ExitCode::usage, fmt::format("--warn ({}) must be above --max ({})",
                                                            opts->warn, opts->max));
        if (!opts->frequency.empty())
            check_enum("--frequency", opts->frequency, schema::Table::kpi, "frequency");

        LoadedGoals& goals = session.load();
        const std::size_t file = file_for_new_item(session, goals, opts->in);
        const Workspace& ws = goals.loaded.workspace;
        const GoalFile& goal_file = ws.files[file];
        auto taken_here = [&](const std::string& id) {
            return std::any_of(goal_file.kpis.begin(), goal_file.kpis.end(),
                               [&](const Kpi& k) { return k.id == id; });
        };
        auto taken = [&](const std::string& id) {
            for (const GoalFile& f : ws.files)
                for (const Kpi& k : f.kpis)
                    if (k.id == id) return true;
            return false;
        };
        io::NewItem item;
        item.id =
            choose_id(opts->id, opts->title, "kpi", taken_here, taken,
                      fmt::format("KPI \"{}\" already exists in {}", opts->id, goal_file.path));
        item.title = opts->title;
        if (!opts->unit.empty()) item.keys.emplace_back("unit", opts->unit);
        if (min) item.keys.emplace_back("min", *min);
        if (max) item.keys.emplace_back("max", *max);
        if (warn) item.keys.emplace_back("warn", *warn);
        if (!opts->frequency.empty()) item.keys.emplace_back("frequency", opts->frequency);
        if (!opts->owner.empty()) item.keys.emplace_back("owner", opts->owner);
        return finish_add(
            session, goals, file, opts->dry_run, out, item, io::ItemId::of_kpi(item.id),
            [&](std::string_view text, const std::string& path) {
                return io::add_kpi(text, path, item);
            },
            [&](const WorkspaceIndex& now) {
                const auto& kpis = now.workspace().files[file].kpis;
                for (std::size_t k = 0; k < kpis.size(); ++k)
                    if (kpis[k].id == item.id) return now.ref_of(KpiRef{file, k});
                return item.id;
            });
    };
}

} // namespace

Runner setup_add(CommandLine& command) {
    command.require_subcommand(1);
    std::vector<std::pair<CommandLine, Runner>> runners;
    CommandLine objective =
        command.add_subcommand("objective", "Add an objective (prints its reference)");
    runners.emplace_back(objective, setup_add_objective(objective));
    CommandLine kr =
        command.add_subcommand("kr", "Add a key result to an objective (prints its reference)");
    runners.emplace_back(kr, setup_add_kr(kr));
    CommandLine kpi = command.add_subcommand("kpi", "Add a KPI (prints its reference)");
    runners.emplace_back(kpi, setup_add_kpi(kpi));
    return [runners](const Session& session, std::string& out) {
        for (const auto& [sub, runner] : runners)
            if (sub.parsed()) return runner(session, out);
        throw CommandError(ExitCode::usage, "add: expected objective, kr or kpi",
                           "e.g. okr add objective \"Grow revenue\"");
    };
}

} // namespace okr::cli
