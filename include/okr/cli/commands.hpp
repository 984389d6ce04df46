#pragma once
// The command table: every subcommand registers its options and returns its runner.

#include "okr/cli/session.hpp"

#include <functional>
#include <span>
#include <string>

namespace CLI {
class App;
}

namespace okr::cli {

// Runs a parsed command: writes its standard output to `out`, returns the exit code.
using Runner = std::function<ExitCode(const Session& session, std::string& out)>;

struct Command {
    const char* name;
    const char* summary;
    Runner (*setup)(CLI::App& command); // adds the command's options and arguments
};

// Every command, in the order `okr --help` lists them.
std::span<const Command> command_table();

Runner setup_status(CLI::App& command);
Runner setup_score(CLI::App& command);
Runner setup_kpi(CLI::App& command);
Runner setup_review(CLI::App& command);
Runner setup_tree(CLI::App& command);
Runner setup_log(CLI::App& command);
Runner setup_due(CLI::App& command);
Runner setup_explain(CLI::App& command);
Runner setup_close(CLI::App& command);
Runner setup_checkin(CLI::App& command);
Runner setup_set(CLI::App& command);
Runner setup_import(CLI::App& command);
Runner setup_pull(CLI::App& command);
Runner setup_trust(CLI::App& command);
Runner setup_drop(CLI::App& command);
Runner setup_init(CLI::App& command);
Runner setup_add(CLI::App& command);
Runner setup_edit(CLI::App& command);
Runner setup_check(CLI::App& command);
Runner setup_merge(CLI::App& command);
Runner setup_diff(CLI::App& command);
Runner setup_mv(CLI::App& command);
Runner setup_rm(CLI::App& command);

Runner setup_completion(CLI::App& command);
// The hidden `okr __complete` that completion scripts call for the workspace's references.
Runner setup_complete(CLI::App& command);

} // namespace okr::cli
