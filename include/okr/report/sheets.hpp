#pragma once
// The sheets (format-neutral reports) of each read command, for CSV, Markdown and HTML.

#include "okr/report/log.hpp"
#include "okr/report/review.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"
#include "okr/report/tree.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

Sheet status_sheet(const Report& report);
Sheet score_sheet(const Report& report);
Sheet kpi_sheet(Date as_of, const std::vector<KpiRow>& kpis);
Sheet review_sheet(const Review& review);
Sheet tree_sheet(const Tree& tree);
Sheet log_sheet(const LogReport& log);

// Renders a sheet as csv, markdown or html.
std::string render_sheet(const Sheet& sheet, std::string_view format);

// "2026-Q4 (2026-10-01 → 2026-12-31, 58% elapsed)" for each cycle, joined by " · ".
std::string describe_cycles(const std::vector<CycleInfo>& cycles);

} // namespace okr::report
