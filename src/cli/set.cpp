#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/suggest.hpp"
#include "okr/io/parse.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <span>

namespace okr::cli {

namespace {

struct SetOptions {
    std::string ref;
    std::string key;
    std::string value;
    bool dry_run = false;
};

// The keys `okr set` may change, per kind of item (SPEC §3; check-ins and KRs have commands of
// their own).
constexpr std::string_view k_objective_keys[] = {
    "id", "title", "owner", "type", "parent", "kpis", "tags", "notes", "weight", "status", "cycle"};
constexpr std::string_view k_kr_keys[] = {"id",    "title",  "start", "target", "current",
                                          "unit",  "weight", "type",  "score",  "kpi",
                                          "owner", "status", "notes"};
constexpr std::string_view k_kpi_keys[] = {"id",        "title", "unit", "min",    "max",  "warn",
                                           "frequency", "owner", "tags", "status", "notes"};

std::span<const std::string_view> keys_of(io::ItemKind kind) {
    switch (kind) {
    case io::ItemKind::objective:
        return k_objective_keys;
    case io::ItemKind::kr:
        return k_kr_keys;
    case io::ItemKind::kpi:
        return k_kpi_keys;
    }
    return {};
}

const char* kind_name(io::ItemKind kind) {
    return kind == io::ItemKind::objective ? "an objective"
           : kind == io::ItemKind::kr      ? "a key result"
                                           : "a KPI";
}

std::string enum_arg(const std::string& key, const std::string& text,
                     std::initializer_list<const char*> values) {
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

// The value for `key` of the target typed and range-checked as the file format wants it.
io::Value typed_value(const WorkspaceIndex& index, const WriteTarget& target,
                      const std::string& key, const std::string& text) {
    const io::ItemKind kind = target.item.kind;
    const GoalFile& file = index.workspace().files[target.file];
    if (key == "start" || key == "target" || key == "current" || key == "min" || key == "max" ||
        key == "warn")
        return parse_number_arg(key, text);
    if (key == "weight") {
        const double w = parse_number_arg(key, text);
        if (w <= 0)
            throw CommandError(
                ExitCode::usage, fmt::format("weight: must be greater than 0, found {}", text),
                fmt::format("to stop counting it, drop it instead: okr drop {}", target.ref));
        return w;
    }
    if (key == "score") return parse_fraction_arg(key, text);
    if (key == "type")
        return kind == io::ItemKind::objective ? enum_arg(key, text, {"aspirational", "committed"})
                                               : enum_arg(key, text, {"metric", "milestone"});
    if (key == "status") return enum_arg(key, text, {"active", "dropped"});
    if (key == "frequency")
        return enum_arg(key, text, {"daily", "weekly", "monthly", "quarterly", "yearly"});
    if (key == "tags") return list_arg(text);
    if (key == "kpis") {
        auto refs = list_arg(text);
        for (const std::string& r : refs)
            check_kpi_ref(index, target.file, key, r);
        return refs;
    }
    if (key == "kpi") {
        check_kpi_ref(index, target.file, key, text);
        return text;
    }
    if (key == "parent") {
        auto r = index.objective(text, target.file);
        if (!r.found)
            throw CommandError(
                ExitCode::usage,
                fmt::format("parent: {}",
                            describe_failure("objective", text, r.candidates, r.suggestions)));
        if (r.found->file == target.file && index.at(*r.found).id == target.item.id)
            throw CommandError(ExitCode::usage, "parent: an objective cannot be its own parent");
        return text;
    }
    if (key == "cycle") {
        if (!index.cycle(text) && !builtin_cycle(text))
            throw CommandError(
                ExitCode::usage, fmt::format("cycle: unknown cycle \"{}\"", text),
                "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a cycle declared under [cycles]");
        return text;
    }
    if (key == "id") {
        if (!io::is_valid_id(text))
            throw CommandError(
                ExitCode::usage, fmt::format("id: invalid id \"{}\"", text),
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
            throw CommandError(ExitCode::usage, fmt::format("id: \"{}\" is already taken", text),
                               "choose another id");
        return text;
    }
    if (key == "title" && text.empty())
        throw CommandError(ExitCode::usage, "title: must not be empty");
    return text;
}

} // namespace

Runner setup_set(CLI::App& command) {
    auto opts = std::make_shared<SetOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI")
        ->required()
        ->check(completes(Complete::references));
    command.add_option("KEY", opts->key, "The key to set, e.g. target, title, weight, status")
        ->required()
        ->check(completes(Complete::nothing));
    command.add_option("VALUE", opts->value, "The new value (lists: comma-separated)")
        ->required()
        ->check(completes(Complete::nothing));
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const auto keys = keys_of(target.item.kind);
        if (std::find(keys.begin(), keys.end(), opts->key) == keys.end()) {
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
        const io::Value value = typed_value(index, target, opts->key, opts->value);
        const std::string path = index.workspace().files[target.file].path;
        write_edit(path, opts->dry_run, out, [&](std::string_view text) {
            return io::set_key(text, path, target.item, opts->key, value);
        });
        if (!opts->dry_run && !session.options().quiet)
            out += fmt::format("{}: {} = {}\n", target.ref, opts->key, io::toml_value(value));
        return ExitCode::ok;
    };
}

} // namespace okr::cli
