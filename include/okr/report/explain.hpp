#pragma once
// `okr explain REF` (SPEC §10): every step of an item's arithmetic with its real numbers and
// where they come from, for a KR, an objective or a KPI. The steps are re-derived here from the
// model, independently of `evaluate`, so that a test can hold the two against each other. The
// model, its JSON and its description.

#include "okr/core/reference.hpp"
#include "okr/core/scoring.hpp"
#include "okr/report/json.hpp"
#include "okr/report/sheet.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace okr::report {

// A value a step names: a number, a text, a flag or nothing (JSON null).
using ExplainValue = std::variant<std::monostate, double, std::string, bool>;

struct ExplainStep {
    std::string step;               // stable key: cycle, elapsed, checkins, values, progress, ...
    std::string label;              // what the table shows on the left: "Cycle", "Progress"
    std::vector<std::string> lines; // the step in words, with the formula filled in
    std::vector<std::pair<std::string, ExplainValue>> values; // the same as data
};

// What the steps arrive at, as `status` reports it.
struct ExplainResult {
    std::optional<double> current, progress, score, forecast, forecast_value, confidence, value;
    Status status = Status::none;
    Band band = Band::none;
    Health health = Health::unknown;
    bool stale = false;
};

struct Explanation {
    std::string kind; // objective, kr or kpi
    std::string ref;
    std::string title;
    std::string file;
    std::uint32_t line = 0;
    Date as_of;
    std::vector<ExplainStep> steps;
    ExplainResult result;
};

Explanation explain_kr(const WorkspaceIndex& index, KrRef ref, Date as_of);
Explanation explain_objective(const WorkspaceIndex& index, ObjectiveRef ref, Date as_of);
Explanation explain_kpi(const WorkspaceIndex& index, KpiRef ref, Date as_of);

// `okr explain --format json`: the item, its steps as text and data, and the result.
std::string explain_json(const Explanation& e, const Spill& spill = {});
// The steps in the terminal as "Label  text" lines; documents: one row per line of a step.
Sheet explain_sheet(const Explanation& e);

} // namespace okr::report
