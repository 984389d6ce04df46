#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/referrers.hpp"
#include "okr/io/parse.hpp"

#include <algorithm>
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
    std::string ref; // the item's reference, as reports print it
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

Runner setup_mv(CommandLine& command) {
    auto opts = std::make_shared<MvOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to rename")
        ->required()
        ->completes(Complete::references);
    command.add_option("NEW-ID", opts->new_id, "Its new id")
        ->required()
        ->completes(Complete::nothing);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const Workspace& ws = index.workspace();
        if (target.item.id == opts->new_id) {
            finish_write(session, opts->dry_run, {},
                         fmt::format("{} is already called {}; nothing to change\n", target.ref,
                                     opts->new_id),
                         out);
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
            const std::string who = r.kr ? index.ref_of(KrRef{r.file, r.objective, *r.kr})
                                         : index.ref_of(ObjectiveRef{r.file, r.objective});
            changes[f.path].push_back({item, r.key, renamed_ref(r.ref.text, opts->new_id), who});
        }
        if (target.item.kind == io::ItemKind::kpi) {
            const KpiRef kpi = kpi_ref(index, target);
            for (std::size_t fi = 0; fi < ws.files.size(); ++fi)
                for (std::size_t oi = 0; oi < ws.files[fi].objectives.size(); ++oi) {
                    const Objective& o = ws.files[fi].objectives[oi];
                    bool any = false;
                    std::vector<std::string> list;
                    for (const RefText& ref : o.kpis) {
                        auto res = index.kpi(ref.text, fi, WorkspaceIndex::Explain::no);
                        const bool hit = res.found && *res.found == kpi;
                        any = any || hit;
                        list.push_back(hit ? renamed_ref(ref.text, opts->new_id) : ref.text);
                    }
                    if (any)
                        changes[ws.files[fi].path].push_back({io::ItemId::of_objective(o.id),
                                                              "kpis", list,
                                                              index.ref_of(ObjectiveRef{fi, oi})});
                }
        }
        const std::string new_ref =
            target.item.kind == io::ItemKind::kr
                ? target.ref.substr(0, target.ref.rfind('.') + 1) + opts->new_id
                : renamed_ref(target.ref, opts->new_id);
        const std::string target_path = ws.files[target.file].path;
        changes[target_path].push_back({target.item, "id", opts->new_id, new_ref});

        // Every file as one write (SPEC §8): locked in path order, each written atomically.
        std::vector<FileEdit> edits;
        for (const auto& entry : changes) {
            const std::string path = entry.first;
            const std::vector<KeyChange>* list = &entry.second;
            edits.push_back({path, [path, list](std::string_view text) {
                                 io::Edit edit{std::string(text), {}};
                                 for (const KeyChange& c : *list) {
                                     Result<io::Edit> next =
                                         io::set_key(edit.text, path, c.item, c.key, c.value);
                                     if (!next) return next;
                                     edit.text = std::move(next->text);
                                 }
                                 return Result<io::Edit>(std::move(edit));
                             }});
        }
        const std::vector<std::string> texts = write_edits(session, edits, opts->dry_run, out);

        io::ItemId renamed = target.item;
        renamed.id = opts->new_id;
        if (renamed.kind == io::ItemKind::objective) renamed.objective = opts->new_id;
        const bool json = session.options().format == "json";
        std::vector<Written> written;
        std::string text = fmt::format("{} -> {}\n", target.ref, new_ref);
        for (std::size_t f = 0; f < edits.size(); ++f) {
            const std::string& path = edits[f].path;
            for (const KeyChange& c : changes[path]) {
                const io::ItemId item = c.key == "id" ? renamed : c.item;
                written.push_back({"mv",
                                   path,
                                   json ? line_of(texts[f], path, item) : 0,
                                   c.ref,
                                   {{c.key, c.value}}});
            }
            text += fmt::format("changed {}\n", path);
        }
        // The renamed item first, then the references, file by file.
        std::stable_partition(written.begin(), written.end(),
                              [](const Written& w) { return w.values.front().first == "id"; });
        finish_write(session, opts->dry_run, written, text, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
