#include "okr/report/tree.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/filters.hpp"

namespace okr::cli {

namespace {
struct TreeOptions {
    std::string owner;
    std::string tag;
};
} // namespace

Runner setup_tree(CommandLine& command) {
    auto opts = std::make_shared<TreeOptions>();
    add_owner_option(command, opts->owner, "Only objectives owned by OWNER");
    add_tag_option(command, opts->tag, "Only objectives with tag TAG");
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const auto sel = session.selection(goals, {}, opts->owner, opts->tag, false);
        const auto tree =
            report::build_tree(report::build_report(*goals.index, goals.evaluation, sel));
        out += session.render(
            [&](const report::Spill& spill) { return report::tree_json(tree, spill); },
            [&] { return report::tree_sheet(tree); });
        return ExitCode::ok;
    };
}

} // namespace okr::cli
