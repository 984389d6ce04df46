#include "okr/core/referrers.hpp"

namespace okr {

std::vector<Referrer> referrers_of(const WorkspaceIndex& index, ObjectiveRef objective) {
    std::vector<Referrer> out;
    const Workspace& ws = index.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f)
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
            const Objective& obj = ws.files[f].objectives[o];
            if (obj.parent) {
                auto r = index.objective(obj.parent->text, f, WorkspaceIndex::Explain::no);
                if (r.found && *r.found == objective)
                    out.push_back({f, o, std::nullopt, "parent", *obj.parent});
            }
            if (obj.carried_from) {
                auto r = index.objective(obj.carried_from->text, f, WorkspaceIndex::Explain::no);
                if (r.found && *r.found == objective)
                    out.push_back({f, o, std::nullopt, "carried_from", *obj.carried_from});
            }
        }
    return out;
}

std::vector<Referrer> referrers_of(const WorkspaceIndex& index, KpiRef kpi) {
    std::vector<Referrer> out;
    const Workspace& ws = index.workspace();
    auto names = [&](const RefText& ref, std::size_t f) {
        auto r = index.kpi(ref.text, f, WorkspaceIndex::Explain::no);
        return r.found && *r.found == kpi;
    };
    for (std::size_t f = 0; f < ws.files.size(); ++f)
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
            const Objective& obj = ws.files[f].objectives[o];
            for (const RefText& ref : obj.kpis)
                if (names(ref, f)) out.push_back({f, o, std::nullopt, "kpis", ref});
            for (std::size_t k = 0; k < obj.krs.size(); ++k)
                if (obj.krs[k].kpi && names(*obj.krs[k].kpi, f))
                    out.push_back({f, o, k, "kpi", *obj.krs[k].kpi});
        }
    return out;
}

std::string renamed_ref(std::string_view ref, std::string_view new_id) {
    const std::size_t slash = ref.rfind('/');
    if (slash == std::string_view::npos) return std::string(new_id);
    return std::string(ref.substr(0, slash + 1)) + std::string(new_id);
}

} // namespace okr
