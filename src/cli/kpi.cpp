#include "okr/report/kpi.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"

namespace okr::cli {

namespace {
struct KpiOptions {
    std::vector<std::string> refs;
    std::string owner;
    std::string tag;
    std::vector<std::string> fail_on;
};
} // namespace

Runner setup_kpi(CommandLine& command) {
    auto opts = std::make_shared<KpiOptions>();
    command.add_option("REF", opts->refs, "KPIs to show (default: all)")->completes(Complete::kpis);
    add_owner_option(command, opts->owner, "Only KPIs owned by OWNER");
    add_tag_option(command, opts->tag, "Only KPIs with tag TAG");
    add_fail_on_option(command, opts->fail_on);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const auto sel = session.selection(goals, opts->refs, opts->owner, opts->tag, true);
        const auto rows = report::build_kpi_rows(*goals.index, goals.evaluation, sel);
        const Date as_of = goals.evaluation.as_of;
        out += session.render(
            [&](const report::Spill& spill) { return report::kpi_json(as_of, rows, spill); },
            [&] {
                return report::kpi_sheet(as_of, rows, goals.index->workspace().files.size() == 1);
            });
        return fail_on_exit(session,
                            report::failing(rows, as_of, fail_on_conditions(opts->fail_on)));
    };
}

} // namespace okr::cli
