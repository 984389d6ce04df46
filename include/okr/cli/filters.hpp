#pragma once
// Options that several read commands share: `--owner` and `--tag` (every read command and the
// check-in walk), `--fail-on` (status, kpi, review, due) and `--status` / `--sort` (status,
// score), SPEC §11.

#include "okr/cli/command_line.hpp"
#include "okr/cli/session.hpp"
#include "okr/report/due.hpp"

#include <string>
#include <vector>

namespace okr::cli {

// Adds `--owner OWNER` (completed with the workspace's owners); `help` says what it keeps.
void add_owner_option(CommandLine& command, std::string& owner, std::string help);

// Adds `--tag TAG` (completed with the workspace's tags); `help` says what it keeps.
void add_tag_option(CommandLine& command, std::string& tag, std::string help);

// Adds `--fail-on LIST` (comma-separated or repeated; checked against the known conditions).
void add_fail_on_option(CommandLine& command, std::vector<std::string>& words);

// The exit code for `--fail-on`: problems (1) when some shown item meets a condition, after
// naming those items on standard error (unless --quiet); ok otherwise.
ExitCode fail_on_exit(const Session& session, const std::vector<std::string>& failing);

// The conditions named by `--fail-on`.
std::vector<report::FailOn> fail_on_conditions(const std::vector<std::string>& words);

// Adds `--status LIST` and `--sort KEY`.
void add_status_sort_options(CommandLine& command, std::vector<std::string>& statuses,
                             std::string& sort);

// Applies `--status` and `--sort` to a report.
void apply_status_sort(report::Report& report, const std::vector<std::string>& statuses,
                       const std::string& sort);

} // namespace okr::cli
