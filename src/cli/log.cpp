#include "okr/report/log.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/report/objective_log.hpp"

namespace okr::cli {

namespace {
struct LogOptions {
    std::string ref;
};
} // namespace

Runner setup_log(CommandLine& command) {
    auto opts = std::make_shared<LogOptions>();
    command
        .add_option("REF", opts->ref,
                    "The key result (OBJ.KR, or a unique KR id), KPI or objective")
        ->required()
        ->completes(Complete::references);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        auto kr = index.kr(opts->ref, 0, true);
        auto kpi = index.kpi(opts->ref, 0);
        if (!kr.found && !kpi.found) {
            // An objective: its score and confidence week by week, back through carried_from.
            auto obj = index.objective(opts->ref, 0, WorkspaceIndex::Explain::no);
            if (obj.found) {
                const auto olog =
                    report::build_objective_log(index, *obj.found, goals.evaluation.as_of);
                out += session.render(
                    [&](const report::Spill& spill) {
                        return report::objective_log_json(olog, spill);
                    },
                    [&] { return report::objective_log_sheet(olog); });
                return ExitCode::ok;
            }
        }
        if (kr.found && kpi.found)
            throw CommandError(ExitCode::usage,
                               describe_failure("reference", opts->ref,
                                                {index.ref_of(*kr.found), index.ref_of(*kpi.found)},
                                                {}));
        report::LogReport log;
        if (kr.found)
            log = report::build_kr_log(index, goals.evaluation, *kr.found);
        else if (kpi.found)
            log = report::build_kpi_log(index, goals.evaluation, *kpi.found);
        else {
            auto candidates = kr.candidates;
            candidates.insert(candidates.end(), kpi.candidates.begin(), kpi.candidates.end());
            auto suggestions = kr.suggestions;
            suggestions.insert(suggestions.end(), kpi.suggestions.begin(), kpi.suggestions.end());
            if (suggestions.size() > 3) suggestions.resize(3);
            throw CommandError(ExitCode::usage, describe_failure("key result or KPI", opts->ref,
                                                                 candidates, suggestions));
        }
        out +=
            session.render([&](const report::Spill& spill) { return report::log_json(log, spill); },
                           [&] { return report::log_sheet(log); });
        return ExitCode::ok;
    };
}

} // namespace okr::cli
