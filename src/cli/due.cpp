#include "okr/report/due.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"

namespace okr::cli {

namespace {
struct DueOptions {
    std::string owner;
    std::vector<std::string> fail_on;
};
} // namespace

Runner setup_due(CommandLine& command) {
    auto opts = std::make_shared<DueOptions>();
    add_owner_option(command, opts->owner, "Only key results and KPIs that OWNER owns");
    add_fail_on_option(command, opts->fail_on);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        // Due is about running cycles only: never the one that ended last. --owner is checked
        // as status checks it (a typo is a usage error, never "nothing is due"), and applied
        // by build_due to KRs and KPIs alike.
        auto sel = session.selection(goals, {}, opts->owner, {}, false);
        sel.owner.clear();
        const auto report = report::build_report(*goals.index, goals.evaluation, sel);
        const auto due = report::build_due(report, report.kpis, opts->owner,
                                           goals.loaded.workspace.files.size() == 1);
        out +=
            session.render([&](const report::Spill& spill) { return report::due_json(due, spill); },
                           [&] { return report::due_sheet(due); });
        return fail_on_exit(session, report::failing(due, fail_on_conditions(opts->fail_on)));
    };
}

} // namespace okr::cli
