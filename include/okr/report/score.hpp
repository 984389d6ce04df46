#pragma once
// `okr score`: the grading sheet, scores and bands per objective, owner and overall: its JSON
// (the status document plus the totals) and its description.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <string>

namespace okr::report {

// The totals of `score` and `review`: per owner, then overall.
void write_totals(JsonWriter& w, const Report& r);
// `okr score --format json`: the status document plus owners and overall.
std::string score_json(const Report& report, const Spill& spill = {});
// The grading sheet and the totals as one description (every other format).
Sheet score_sheet(const Report& report);

} // namespace okr::report
