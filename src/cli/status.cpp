#include "okr/report/status.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"

namespace okr::cli {

namespace {
struct StatusOptions {
    std::vector<std::string> refs;
    std::string owner;
    std::string tag;
    std::vector<std::string> statuses;
    std::string sort;
    std::vector<std::string> fail_on;
};
} // namespace

Runner setup_status(CommandLine& command) {
    auto opts = std::make_shared<StatusOptions>();
    command.add_option("REF", opts->refs, "Objectives or key results to show (default: all)")
        ->completes(Complete::objectives_and_key_results);
    add_owner_option(command, opts->owner,
                     "Only objectives owned by OWNER (or with a KR they own)");
    add_tag_option(command, opts->tag, "Only objectives with tag TAG");
    add_status_sort_options(command, opts->statuses, opts->sort);
    add_fail_on_option(command, opts->fail_on);
    return [opts](const Session& session, std::string& out) {
        // A report shows no check-in's note.
        const LoadedGoals& goals = session.load(io::Checkins::without_notes);
        const auto sel = session.selection(goals, opts->refs, opts->owner, opts->tag, false);
        report::Report report = report::build_report(*goals.index, goals.evaluation, sel);
        apply_status_sort(report, opts->statuses, opts->sort);
        out += session.render(
            [&](const report::Spill& spill) { return report::status_json(report, spill); },
            [&] { return report::status_sheet(report); });
        return fail_on_exit(session, report::failing(report, fail_on_conditions(opts->fail_on)));
    };
}

} // namespace okr::cli
