#pragma once
// `okr review`: the end-of-cycle review and, with --since, the weekly view of what moved: the
// model, its JSON and its description.

#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okr::report {

// A KR's note from one check-in: the note is the model's text (the workspace outlives the
// review), not a copy.
struct CheckinNote {
    Date date;
    double value = 0;
    std::string_view note;
};

// One KR as the review sees it.
struct ReviewKr {
    std::string ref;
    std::string title;
    std::string owner;
    std::string unit;
    bool milestone = false;
    std::optional<double> score;
    double progress = 0;
    double value = 0;
    double target = 0;
    std::string outcome;            // delivered, in-progress, missed or dropped
    std::optional<int> days_silent; // days since the last check-in (or the cycle start)
    // Over the window (the movers, or --since):
    double value_before = 0;
    double progress_before = 0;
    std::vector<CheckinNote> notes; // check-ins inside the window
};

// One list of the review's KRs: their positions in `Review::krs`, in the list's order. A KR
// that several lists show is held once (the review of 1,000 files has 20,000 KRs and their
// check-ins in at least two lists each).
using ReviewKrs = std::vector<std::size_t>;

struct ReviewObjective {
    std::string ref;
    std::string title;
    std::string owner;
    std::optional<double> score;
    std::string notes;
};

struct Review {
    Report report;             // overall, per owner, the objectives of the selection
    std::optional<Date> since; // set: the weekly view
    Date window_start;         // since, else as_of - 28 days (for the biggest movers)
    std::optional<double> overall_before;
    std::array<std::size_t, 5> distribution{}; // KR scores in [0,.2) [.2,.4) [.4,.6) [.6,.8) [.8,1]
    std::array<std::size_t, 3> bands{};        // green, yellow, red
    std::vector<ReviewKr> krs;                 // every KR that a list below shows, once
    ReviewKrs delivered, in_progress, missed;
    std::vector<ReviewObjective> missed_commitments;
    std::vector<std::string> dropped; // refs of dropped objectives and KRs, with titles
    ReviewKrs movers;                 // biggest |change of progress| over the window, at most 5
    ReviewKrs silent;                 // no check-in for 14 days in a running cycle
    std::vector<KpiRow> kpi_alerts;   // warn or breach
    std::vector<KpiRow> kpi_stale;
    std::vector<ReviewObjective> retro; // objectives with notes
    // The weekly view:
    ReviewKrs moved;     // a check-in inside the window
    ReviewKrs not_moved; // none
};

// Builds the review for the selection as of `now.as_of`; `before` is the same workspace
// evaluated at the window start (the --since date, or four weeks before the as-of date).
Review build_review(const WorkspaceIndex& index, const Evaluation& now, const Evaluation& before,
                    const Selection& selection, std::optional<Date> since);

// The window start used for the biggest movers when no --since is given.
Date default_window_start(Date as_of);

// `okr review --format json`: the score document plus the review's lists.
std::string review_json(const Review& review, const Spill& spill = {});
// The review as one description: scores, confidence, then each list in a section of its own;
// with --since, what moved and what did not (every other format).
Sheet review_sheet(const Review& review);

} // namespace okr::report
