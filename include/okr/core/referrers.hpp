#pragma once
// Who refers to an item (SPEC §6 `mv`, `rm`): the `parent` and `carried_from` of objectives
// that name an objective, the `kpis` of objectives and the `kpi` of KRs that name a KPI.

#include "okr/core/reference.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr {

// One reference to an item, as written in a file.
struct Referrer {
    std::size_t file = 0;
    std::size_t objective = 0;
    std::optional<std::size_t> kr; // set when the reference is a KR's `kpi`
    std::string key;               // parent, carried_from, kpis or kpi
    RefText ref;
};

// Every reference in the workspace that resolves to the objective or KPI, in file order.
std::vector<Referrer> referrers_of(const WorkspaceIndex& index, ObjectiveRef objective);
std::vector<Referrer> referrers_of(const WorkspaceIndex& index, KpiRef kpi);

// `ref` with its last id replaced: `growth/eco` -> `growth/planet`, `eco` -> `planet`.
std::string renamed_ref(std::string_view ref, std::string_view new_id);

} // namespace okr
