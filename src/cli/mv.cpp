#include "okr/cli/commands.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/referrers.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/util/diff.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <map>

namespace okr::cli {

namespace {

struct MvOptions {
    std::string ref;
    std::string new_id;
    bool dry_run = false;
};

// One change to a file: `key` of `item` becomes `value`.
struct KeyChange {
    io::ItemId item;
    std::string key;
    io::Value value;
};

// Checks that `id` is a valid id that nothing in its scope uses yet.
void check_new_id(const WorkspaceIndex& index, const WriteTarget& target, const std::string& id) {
    if (!io::is_valid_id(id))
        throw CommandError(ExitCode::usage, fmt::format("NEW-ID: not a valid id: \"{}\"", id),
                           "an id starts with a letter or digit and contains only letters, "
                           "digits, `-` and `_`");
    const Workspace& ws = index.workspace();
    const std::string& ns = ws.files[target.file].name_space;
    bool taken = false;
    for (const GoalFile& f : ws.files) {
        if (f.name_space != ns) continue;
        if (target.item.kind == io::ItemKind::objective)
            taken = taken || std::any_of(f.objectives.begin(), f.objectives.end(),
                                         [&](const Objective& o) { return o.id == id; });
        if (target.item.kind == io::ItemKind::kpi)
            taken = taken || std::any_of(f.kpis.begin(), f.kpis.end(),
                                         [&](const Kpi& k) { return k.id == id; });
    }
    if (const Objective* o = objective_of(index, target); o && target.item.kind == io::ItemKind::kr)
        taken = std::any_of(o->krs.begin(), o->krs.end(),
                            [&](const KeyResult& kr) { return kr.id == id; });
    if (taken)
        throw CommandError(ExitCode::usage,
                           fmt::format("NEW-ID: \"{}\" is already used by another {} there", id,
                                       target.item.kind == io::ItemKind::kpi  ? "KPI"
                                       : target.item.kind == io::ItemKind::kr ? "key result"
                                                                              : "objective"),
                           "choose another id");
}

ObjectiveRef objective_ref(const WorkspaceIndex& index, const WriteTarget& target) {
    const auto& objectives = index.workspace().files[target.file].objectives;
    for (std::size_t i = 0; i < objectives.size(); ++i)
        if (objectives[i].id == target.item.objective) return {target.file, i};
    return {target.file, 0};
}

KpiRef kpi_ref(const WorkspaceIndex& index, const WriteTarget& target) {
    const auto& kpis = index.workspace().files[target.file].kpis;
    for (std::size_t i = 0; i < kpis.size(); ++i)
        if (kpis[i].id == target.item.id) return {target.file, i};
    return {target.file, 0};
}

} // namespace

std::vector<Referrer> referrers_of_target(const WorkspaceIndex& index, const WriteTarget& target) {
    switch (target.item.kind) {
    case io::ItemKind::objective:
        return referrers_of(index, objective_ref(index, target));
    case io::ItemKind::kpi:
        return referrers_of(index, kpi_ref(index, target));
    case io::ItemKind::kr:
        break;
    }
    return {};
}

std::string describe_referrer(const WorkspaceIndex& index, const Referrer& r) {
    const GoalFile& f = index.workspace().files[r.file];
    const std::string who = r.kr ? index.ref_of(KrRef{r.file, r.objective, *r.kr})
                                 : index.ref_of(ObjectiveRef{r.file, r.objective});
    return fmt::format("{}:{}:{}: {} {} = \"{}\"", f.path, r.ref.pos.line, r.ref.pos.column, who,
                       r.key, r.ref.text);
}

void write_files(
    const std::vector<std::string>& paths, bool dry_run, std::string& out,
    const std::function<io::Edit(const std::string& path, std::string_view text)>& edit,
    std::vector<std::string>* changed) {
    std::vector<std::string> sorted = paths;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    // Locks in path order, so that two writers of the same files cannot deadlock.
    std::vector<io::FileLock> locks;
    if (!dry_run)
        for (const std::string& path : sorted) {
            auto taken = io::FileLock::acquire(path, lock_timeout());
            if (auto* e = std::get_if<io::WriteError>(&taken))
                throw CommandError(ExitCode::io, e->message + "; nothing was written", e->hint);
            locks.push_back(std::move(std::get<io::FileLock>(taken)));
        }
    // Every new text is made and verified before the first one is written.
    std::vector<std::pair<std::string, std::string>> texts; // before, after
    for (const std::string& path : sorted) {
        const std::optional<std::string> text = io::read_file(path);
        if (!text)
            throw CommandError(ExitCode::io, fmt::format("cannot read {}: {}; nothing was written",
                                                         path, std::strerror(errno)));
        io::Edit result = edit(path, *text);
        if (!result.ok())
            throw CommandError(result.error->kind == io::EditError::Kind::file_invalid
                                   ? ExitCode::invalid
                                   : ExitCode::usage,
                               result.error->message + "; nothing was written", result.error->hint);
        texts.emplace_back(*text, std::move(result.text));
    }
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (texts[i].first == texts[i].second) continue;
        if (dry_run) {
            out += util::unified_diff(texts[i].first, texts[i].second, sorted[i]);
            continue;
        }
        if (auto e = io::write_file_atomically(sorted[i], texts[i].second))
            throw CommandError(ExitCode::io, e->message, e->hint);
        if (changed) changed->push_back(sorted[i]);
    }
}

Runner setup_mv(CLI::App& command) {
    auto opts = std::make_shared<MvOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to rename")->required();
    command.add_option("NEW-ID", opts->new_id, "Its new id")->required();
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const Workspace& ws = index.workspace();
        if (target.item.id == opts->new_id) {
            if (!session.options().quiet)
                out += fmt::format("{} is already called {}; nothing to change\n", target.ref,
                                   opts->new_id);
            return ExitCode::ok;
        }
        check_new_id(index, target, opts->new_id);

        // The references to rewrite, per file; the rename itself comes last, since the
        // references are found by their own items' ids.
        std::map<std::string, std::vector<KeyChange>> changes;
        for (const Referrer& r : referrers_of_target(index, target)) {
            const GoalFile& f = ws.files[r.file];
            const Objective& o = f.objectives[r.objective];
            if (r.key == "kpis") continue; // the whole list at once, below
            const io::ItemId item =
                r.kr ? io::ItemId::of_kr(o.id, o.krs[*r.kr].id) : io::ItemId::of_objective(o.id);
            changes[f.path].push_back({item, r.key, renamed_ref(r.ref.text, opts->new_id)});
        }
        if (target.item.kind == io::ItemKind::kpi) {
            const KpiRef kpi = kpi_ref(index, target);
            for (std::size_t fi = 0; fi < ws.files.size(); ++fi)
                for (const Objective& o : ws.files[fi].objectives) {
                    bool any = false;
                    std::vector<std::string> list;
                    for (const RefText& ref : o.kpis) {
                        auto res = index.kpi(ref.text, fi, WorkspaceIndex::Explain::no);
                        const bool hit = res.found && *res.found == kpi;
                        any = any || hit;
                        list.push_back(hit ? renamed_ref(ref.text, opts->new_id) : ref.text);
                    }
                    if (any)
                        changes[ws.files[fi].path].push_back(
                            {io::ItemId::of_objective(o.id), "kpis", list});
                }
        }
        const std::string target_path = ws.files[target.file].path;
        changes[target_path].push_back({target.item, "id", opts->new_id});

        std::vector<std::string> paths;
        for (const auto& [path, list] : changes)
            paths.push_back(path);
        std::vector<std::string> changed;
        write_files(
            paths, opts->dry_run, out,
            [&](const std::string& path, std::string_view text) {
                io::Edit edit;
                edit.text = std::string(text);
                for (const KeyChange& c : changes[path]) {
                    io::Edit next = io::set_key(edit.text, path, c.item, c.key, c.value);
                    if (!next.ok()) return next;
                    edit.text = std::move(next.text);
                }
                return edit;
            },
            &changed);
        if (!opts->dry_run && !session.options().quiet) {
            const std::string new_ref =
                target.item.kind == io::ItemKind::kr
                    ? target.ref.substr(0, target.ref.rfind('.') + 1) + opts->new_id
                    : renamed_ref(target.ref, opts->new_id);
            out += fmt::format("{} -> {}\n", target.ref, new_ref);
            for (const std::string& path : changed)
                out += fmt::format("changed {}\n", path);
        }
        return ExitCode::ok;
    };
}

} // namespace okr::cli
