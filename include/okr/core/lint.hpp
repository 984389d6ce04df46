#pragma once
// The lint rules of `okr check` (SPEC §7): findings about valid files that deserve attention.

#include "okr/core/diagnostic.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"

#include <optional>
#include <string_view>

namespace okr {

// Every lint finding for the workspace as of `evaluation.as_of`, each with its rule id.
// Rules: kr-count, objective-count, dangling-ref, checkin-outside-cycle, checkin-future,
// checkin-dropped, checkin-after-closed, kr-no-checkin, kpi-no-owner, kpi-stale, current-mismatch,
// unknown-key.
Diagnostics lint(const WorkspaceIndex& index, const Evaluation& evaluation);

// How many dangling references `lint` explains with suggestions ("did you mean"): the first ones,
// in the order of its files; each costs a pass over every id.
inline constexpr std::size_t k_explained_references = 50;

// The findings of `lint` in one file, unsorted and in lint's order: every rule but
// objective-count, which counts across files. The first `explain` of its dangling references
// have suggestions (`lint` gives a file what is left of k_explained_references after the files
// before it); `dangling` is set to how many it has. `okr lsp` lints an edited file alone.
Diagnostics lint_file(const WorkspaceIndex& index, const Evaluation& evaluation, std::size_t file,
                      std::size_t explain, std::size_t& dangling);

// The objective-count findings of `lint` (owners with more than 5 active objectives in a cycle,
// across files), in its order.
Diagnostics lint_objective_counts(const WorkspaceIndex& index);

// The `unknown-key` finding (a warning) for a key or table the schema does not know.
Diagnostic unknown_key_finding(const GoalFile& file, const UnknownKey& key);

// One line that says a workspace has unknown keys: how many, the first (a table before a key)
// with its position and suggestion, and where to see them all (SPEC §3); empty when there are none.
// Every command but `okr check` prints it, so that a typo such as `[[kpis]]` never hides goals
// without a word.
std::string unknown_keys_summary(const Workspace& workspace);

// The day an older `okr drop` recorded in an item's notes ("Dropped 2026-11-23"; the last such
// date); nullopt when the notes do not say.
std::optional<Date> dropped_in_notes(std::string_view notes);

// The day an item (objective, KR or KPI) was dropped: its `dropped` key, else, in a file written
// before `okr drop` wrote that key, the day its notes record; nullopt when neither says.
template <class Item> std::optional<Date> drop_date(const Item& item) {
    return item.dropped_on ? item.dropped_on : dropped_in_notes(item.notes);
}

// Days without a check-in after which a KR in a running cycle is flagged.
inline constexpr int k_checkin_gap_days = 14;

} // namespace okr
