#include "okr/io/rename.hpp"
#include "okr/io/parse.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace okr::io {

namespace {

ObjectiveRef objective_ref(const WorkspaceIndex& index, std::size_t file, const ItemId& item) {
    const auto& objectives = index.workspace().files[file].objectives;
    for (std::size_t i = 0; i < objectives.size(); ++i)
        if (objectives[i].id == item.objective) return {file, i};
    return {file, 0};
}

KpiRef kpi_ref(const WorkspaceIndex& index, std::size_t file, const ItemId& item) {
    const auto& kpis = index.workspace().files[file].kpis;
    for (std::size_t i = 0; i < kpis.size(); ++i)
        if (kpis[i].id == item.id) return {file, i};
    return {file, 0};
}

} // namespace

std::vector<Referrer> referrers_of_item(const WorkspaceIndex& index, std::size_t file,
                                        const ItemId& item) {
    switch (item.kind) {
    case ItemKind::objective:
        return referrers_of(index, objective_ref(index, file, item));
    case ItemKind::kpi:
        return referrers_of(index, kpi_ref(index, file, item));
    case ItemKind::kr:
        break;
    }
    return {};
}

std::optional<IdProblem> check_new_id(const WorkspaceIndex& index, std::size_t file,
                                      const ItemId& item, const std::string& id) {
    if (!is_valid_id(id))
        return IdProblem{fmt::format("not a valid id: \"{}\"", id),
                         "an id starts with a letter or digit and contains only letters, "
                         "digits, `-` and `_`"};
    const Workspace& ws = index.workspace();
    const std::string& ns = ws.files[file].name_space;
    bool taken = false;
    for (const GoalFile& f : ws.files) {
        if (f.name_space != ns) continue;
        if (item.kind == ItemKind::objective)
            taken = taken || std::any_of(f.objectives.begin(), f.objectives.end(),
                                         [&](const Objective& o) { return o.id == id; });
        if (item.kind == ItemKind::kpi)
            taken = taken || std::any_of(f.kpis.begin(), f.kpis.end(),
                                         [&](const Kpi& k) { return k.id == id; });
    }
    if (item.kind == ItemKind::kr) {
        const auto& objectives = ws.files[file].objectives;
        const auto o = std::find_if(objectives.begin(), objectives.end(),
                                    [&](const Objective& x) { return x.id == item.objective; });
        if (o != objectives.end())
            taken = std::any_of(o->krs.begin(), o->krs.end(),
                                [&](const KeyResult& kr) { return kr.id == id; });
    }
    if (taken)
        return IdProblem{fmt::format("\"{}\" is already used by another {} there", id,
                                     item.kind == ItemKind::kpi  ? "KPI"
                                     : item.kind == ItemKind::kr ? "key result"
                                                                 : "objective"),
                         "choose another id"};
    return std::nullopt;
}

RenamePlan plan_rename(const WorkspaceIndex& index, std::size_t file, const ItemId& item,
                       const std::string& ref, const std::string& new_id) {
    RenamePlan plan;
    const Workspace& ws = index.workspace();
    for (const Referrer& r : referrers_of_item(index, file, item)) {
        const GoalFile& f = ws.files[r.file];
        const Objective& o = f.objectives[r.objective];
        if (r.key == "kpis") continue; // the whole list at once, below
        const ItemId who_item =
            r.kr ? ItemId::of_kr(o.id, o.krs[*r.kr].id) : ItemId::of_objective(o.id);
        const std::string who = r.kr ? index.ref_of(KrRef{r.file, r.objective, *r.kr})
                                     : index.ref_of(ObjectiveRef{r.file, r.objective});
        plan.changes[f.path].push_back({who_item, r.key, renamed_ref(r.ref.text, new_id), who});
    }
    if (item.kind == ItemKind::kpi) {
        const KpiRef kpi = kpi_ref(index, file, item);
        for (std::size_t fi = 0; fi < ws.files.size(); ++fi)
            for (std::size_t oi = 0; oi < ws.files[fi].objectives.size(); ++oi) {
                const Objective& o = ws.files[fi].objectives[oi];
                bool any = false;
                std::vector<std::string> list;
                for (const RefText& r : o.kpis) {
                    auto res = index.kpi(r.text, fi, WorkspaceIndex::Explain::no);
                    const bool hit = res.found && *res.found == kpi;
                    any = any || hit;
                    list.push_back(hit ? renamed_ref(r.text, new_id) : r.text);
                }
                if (any)
                    plan.changes[ws.files[fi].path].push_back({ItemId::of_objective(o.id), "kpis",
                                                               list,
                                                               index.ref_of(ObjectiveRef{fi, oi})});
            }
    }
    plan.new_ref = item.kind == ItemKind::kr ? ref.substr(0, ref.rfind('.') + 1) + new_id
                                             : renamed_ref(ref, new_id);
    plan.changes[ws.files[file].path].push_back({item, "id", new_id, plan.new_ref});
    return plan;
}

Result<Edit> apply_key_changes(std::string_view text, const std::string& path,
                               const std::vector<KeyChange>& changes) {
    Edit edit{std::string(text), {}};
    for (const KeyChange& c : changes) {
        Result<Edit> next = set_key(edit.text, path, c.item, c.key, c.value);
        if (!next) return next;
        edit.text = std::move(next->text);
    }
    return Result<Edit>(std::move(edit));
}

} // namespace okr::io
