#pragma once
// `okr status`: the objectives of the selection with their key results, progress and status:
// its JSON and its description, from the report rows (`rows`). `score` and `review` build on
// the same document and head.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <string>
#include <vector>

namespace okr::report {

// The body of the status document, which `score` and `review` extend: schema_version, as_of,
// cycle, cycles, objectives (with their key results and KPIs), kpis.
void write_report_body(JsonWriter& w, const Report& r);
// Per owner: score, band, objectives and the average confidence of their objectives' active
// KRs (status, score and review).
void write_owners(JsonWriter& w, const Report& r);
// `okr status --format json`: schema_version, as_of, cycle, cycles, objectives, kpis, owners.
std::string status_json(const Report& report, const Spill& spill = {});

// The terminal's first line: title, cycles and as-of date, then a blank line.
std::vector<Line> report_head(const Report& r);
// The documents' lines under the title: cycles, as-of date.
std::vector<std::string> report_subtitle(const Report& r);
// Objective titles show the reference when the report spans several files.
bool multi_file(const Report& r);
// Objectives, their KRs and supporting KPIs as one description (every other format). Its long
// sections make their rows from `report` as they are rendered: keep `report` until then.
Sheet status_sheet(const Report& report);

} // namespace okr::report
