#pragma once
// The table format of the read commands: what a person sees in the terminal.

#include "okr/core/diagnostic.hpp"
#include "okr/report/log.hpp"
#include "okr/report/review.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/table.hpp"
#include "okr/report/tree.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace okr::report {

// `okr status`: objectives with their KRs and supporting KPIs.
std::string status_table(const Report& report, const Look& look);
// `okr score`: the grading sheet with totals per owner and overall.
std::string score_table(const Report& report, const Look& look);
// `okr kpi`: KPI health with sparklines.
std::string kpi_table(const std::vector<KpiRow>& kpis, const Look& look);
// Fetches line `line` (1-based) of the file at `path`, for showing context; nullopt if unknown.
using SourceLines =
    std::function<std::optional<std::string>(const std::string& path, std::uint32_t line)>;

// `okr check` and load errors: one `PATH:LINE:COL: level: message [rule]` line per finding,
// each followed by the source line with a caret under the column (when `source` has it) and
// an indented hint.
std::string diagnostics_text(const Diagnostics& findings, const Look& look,
                             const SourceLines& source = {});

// `okr review` (the end-of-cycle review, or the weekly view with --since).
std::string review_text(const Review& review, const Look& look);
// `okr tree`: the alignment tree, indented.
std::string tree_text(const Tree& tree, const Look& look);
// `okr log`: a chart over the check-ins, then the check-in table.
std::string log_text(const LogReport& log, const Look& look);
// A line chart drawn with characters, `height` rows tall and at most `look.width` wide.
std::string chart_text(const Chart& chart, const Look& look, std::size_t height = 10);

Style style_of(Status s);
Style style_of(Band b);
Style style_of(Health h);

} // namespace okr::report
