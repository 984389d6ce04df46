#include "okr/report/review.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace okr::cli {

namespace {
struct ReviewOptions {
    std::string since;
    std::string owner;
    std::string tag;
    std::vector<std::string> fail_on;
};
} // namespace

Runner setup_review(CommandLine& command) {
    auto opts = std::make_shared<ReviewOptions>();
    command
        .add_option("--since", opts->since,
                    "Weekly view: what moved since DATE (YYYY-MM-DD, yesterday, -3d, -2w; relative "
                    "to --as-of)")
        ->type_name("DATE")
        ->completes(Complete::dates);
    add_owner_option(command, opts->owner,
                     "Only objectives owned by OWNER (or with a KR they own)");
    add_tag_option(command, opts->tag, "Only objectives with tag TAG");
    add_fail_on_option(command, opts->fail_on);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        std::optional<Date> since;
        if (!opts->since.empty()) {
            since = parse_date_arg("--since", opts->since, goals.evaluation.as_of);
            if (*since > goals.evaluation.as_of)
                throw CommandError(ExitCode::usage,
                                   fmt::format("--since {} is after the as-of date {}",
                                               since->iso(), goals.evaluation.as_of.iso()),
                                   "pick an earlier date, or a later --as-of");
        }
        const auto sel = session.selection(goals, {}, opts->owner, opts->tag, false);
        const Evaluation before = evaluate(
            *goals.index, since.value_or(report::default_window_start(goals.evaluation.as_of)));
        const auto review =
            report::build_review(*goals.index, goals.evaluation, before, sel, since);
        out += session.render(
            [&](const report::Spill& spill) { return report::review_json(review, spill); },
            [&] { return report::review_sheet(review); });
        // The review shows its objectives and KRs, and the KPIs it raises (alerts, stale).
        const auto conditions = fail_on_conditions(opts->fail_on);
        auto failing = report::failing(review.report, conditions);
        std::vector<report::KpiRow> shown = review.kpi_alerts;
        for (const auto& k : review.kpi_stale)
            if (std::none_of(shown.begin(), shown.end(),
                             [&](const report::KpiRow& s) { return s.ref == k.ref; }))
                shown.push_back(k);
        for (auto& f : report::failing(shown, goals.evaluation.as_of, conditions))
            if (std::find(failing.begin(), failing.end(), f) == failing.end())
                failing.push_back(std::move(f));
        return fail_on_exit(session, failing);
    };
}

} // namespace okr::cli
