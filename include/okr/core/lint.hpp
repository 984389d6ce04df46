#pragma once
// The lint rules of `okr check` (SPEC §7): findings about valid files that deserve attention.

#include "okr/core/diagnostic.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"

namespace okr {

// Every lint finding for the workspace as of `evaluation.as_of`, each with its rule id.
// Rules: kr-count, objective-count, dangling-ref, checkin-outside-cycle, checkin-future,
// kr-no-checkin, kpi-no-owner, kpi-stale, current-mismatch, unknown-key.
Diagnostics lint(const WorkspaceIndex& index, const Evaluation& evaluation);

// Days without a check-in after which a KR in a running cycle is flagged.
inline constexpr int k_checkin_gap_days = 14;

} // namespace okr
