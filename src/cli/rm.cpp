#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/remove.hpp"

#include <fmt/format.h>

namespace okr::cli {

namespace {

struct RmOptions {
    std::string ref;
    bool dry_run = false;
};

} // namespace

Runner setup_rm(CommandLine& command) {
    auto opts = std::make_shared<RmOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to delete")
        ->required()
        ->completes(Complete::references);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const std::vector<Referrer> referrers = referrers_of_target(index, target);
        if (!referrers.empty()) {
            std::string details;
            for (const Referrer& r : referrers)
                details += describe_referrer(index, r) + "\n";
            throw CommandError(ExitCode::usage,
                               fmt::format("{} is referred to {} time{}; nothing was deleted",
                                           target.ref, referrers.size(),
                                           referrers.size() == 1 ? "" : "s"),
                               "change or remove those references first (`okr set`), or drop "
                               "the item instead (`okr drop`)",
                               details);
        }
        const std::string path = index.workspace().files[target.file].path;
        // The line the item's header was on, in the text it is deleted from.
        std::uint32_t line = 0;
        const std::string written =
            write_edit(session, path, opts->dry_run, out, [&](std::string_view text) {
                if (session.options().format == "json") line = line_of(text, path, target.item);
                return io::remove_item(text, path, target.item);
            });
        // Honest, as drop is (SPEC §8): an objective left with one key result says so.
        warn_new_findings(session, goals, target.file, written);
        finish_write(session, opts->dry_run, {{"rm", path, line, target.ref, {}}},
                     fmt::format("{}: deleted from {}\n", target.ref, path), out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
