#pragma once
// The command table: every subcommand registers its options and returns its runner.

#include "okr/cli/command_line.hpp"
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

// A report is a read command that shows its report in every --format (table, json, csv,
// markdown, html); the tests that run every report take the list from `okr __complete reports`.
// A write changes goal files; with --format json it says what it wrote, or why it failed, as JSON.
enum class CommandKind { report, write, other };

struct Command {
    const char* name;
    const char* summary;
    Runner (*setup)(CommandLine& command); // adds the command's options and arguments
    CommandKind kind = CommandKind::other;
};

// Every command, in the order `okr --help` lists them.
std::span<const Command> command_table();

} // namespace okr::cli
