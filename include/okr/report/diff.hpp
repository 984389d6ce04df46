#pragma once
// What changed in the goals between two versions of a workspace (`okr diff`, SPEC §12), both
// evaluated as of the same date, so that only the data differ. Pure.

#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <vector>

namespace okr::report {

// One change, in the order the items appear in the newer version (removed items last).
struct GoalChange {
    // added, removed, renamed (before: the old ref), dropped, reactivated, closed, carried,
    // checkin, score, status, health, goalpost, title, owner, weight, unit, type
    std::string change;
    std::string item; // objective, kr or kpi
    std::string ref;
    std::string title;
    std::string before;                              // the old value as shown (empty: none)
    std::string after;                               // the new value as shown
    std::optional<double> score_before, score_after; // for score changes, as data
    std::optional<Checkin> checkin;                  // for a new check-in
    bool flagged = false; // a moved goalpost: start or target changed while the cycle runs
};

struct GoalsDiff {
    Date as_of;
    std::vector<GoalChange> changes;
};

// The one workspace evaluated, with its index.
struct EvaluatedGoals {
    const WorkspaceIndex* index = nullptr;
    const Evaluation* evaluation = nullptr;
};

GoalsDiff diff_goals(const EvaluatedGoals& before, const EvaluatedGoals& after, Date as_of);

// The changes as the one description every human format renders (the terminal table, CSV,
// Markdown, HTML), and as JSON.
Sheet diff_sheet(const GoalsDiff& diff, const std::string& from, const std::string& to);
std::string diff_json(const GoalsDiff& diff, const std::string& from, const std::string& to,
                      const Spill& spill = {});

} // namespace okr::report
