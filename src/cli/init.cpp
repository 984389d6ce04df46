#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/util/diff.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

namespace okr::cli {

namespace {

struct InitOptions {
    std::string path;
    std::string owner;
    std::string cycle;
    std::string title;
    bool dry_run = false;
};

// The starter file: valid as written, with one example objective of two key results and the
// file format explained in comments.
std::string starter_file(const std::string& title, const std::string& owner, const Cycle& cycle,
                         Date today) {
    const Date baseline = std::clamp(today, cycle.start, cycle.end);
    const Date mid = cycle.start.plus_days((cycle.end - cycle.start) / 2);
    return fmt::format(R"(# Goals for {cycle}: objectives, key results and KPIs, kept by okr.
# Every key is explained in `man okr-format`; `okr check` validates this file.
#
#   okr status                        progress of every key result
#   okr checkin first-users 40        record a new value (today's date)
#   okr add kr example "TITLE" --target N
#
# Dates are TOML dates without quotes: 2026-11-04.

title = {title}
owner = {owner}              # owner of everything below unless it says otherwise
cycle = "{cycle}"            # the cycle objectives are graded in: YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM

# An objective is qualitative: where you want to be at the end of the cycle.
[[objective]]
id = "example"               # the short name used on the command line
title = "Replace this with your first objective"
type = "aspirational"        # or "committed": must be fully delivered
# parent = "company/grow"    # the objective of another file this one supports

  # A key result is measurable: a number moving from `start` to `target`...
  [[objective.kr]]
  id = "first-users"
  title = "Reach 100 weekly users"
  start = 0
  target = 100
  unit = "users"
  # One check-in per line; `okr checkin` appends them for you.
  checkins = [
    {{ date = {start}, value = 0, confidence = 0.5, note = "baseline" }},
  ]

  # ...or a milestone: done or not done.
  [[objective.kr]]
  id = "launch"
  title = "Launch the beta by {mid}"
  type = "milestone"

# A KPI is a health metric with bounds instead of a target:
#
# [[kpi]]
# id = "uptime"
# title = "Service uptime"
# unit = "%"
# min = 99.5                 # healthy at or above; use max for lower-is-better
# frequency = "weekly"
)",
                       fmt::arg("cycle", cycle.name), fmt::arg("title", io::toml_string(title)),
                       fmt::arg("owner", io::toml_string(owner)), fmt::arg("start", baseline.iso()),
                       fmt::arg("mid", mid.iso()));
}

} // namespace

Runner setup_init(CLI::App& command) {
    auto opts = std::make_shared<InitOptions>();
    command
        .add_option("PATH", opts->path,
                    "The file to create, or a folder for PATH/okr.toml (default: okr.toml)")
        ->check(completes(Complete::files));
    command.add_option("--owner", opts->owner, "The file's owner (default: $USER)")
        ->type_name("O")
        ->check(completes(Complete::owners));
    command
        .add_option("--cycle", opts->cycle,
                    "The cycle: YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM (default: this quarter)")
        ->type_name("C")
        ->check(completes(Complete::cycles));
    command.add_option("--title", opts->title, "Shown in report headers")
        ->type_name("T")
        ->check(completes(Complete::nothing));
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        namespace fs = std::filesystem;
        std::string path = opts->path;
        if (path.empty())
            path =
                session.options().files.size() == 1 ? session.options().files.front() : "okr.toml";
        std::error_code ec;
        if (fs::is_directory(path, ec)) path = (fs::path(path) / "okr.toml").string();

        std::string cycle_name = opts->cycle.empty() ? session.options().cycle : opts->cycle;
        if (cycle_name.empty()) cycle_name = quarter_name(session.as_of());
        const std::optional<Cycle> cycle = builtin_cycle(cycle_name);
        if (!cycle)
            throw CommandError(ExitCode::usage,
                               fmt::format("--cycle: not a cycle name: \"{}\"", cycle_name),
                               "use YYYY, YYYY-H1, YYYY-Q4 or YYYY-MM; declare custom cycles under "
                               "[cycles] afterwards");
        std::string owner = opts->owner;
        if (owner.empty()) {
            const char* user = std::getenv("USER");
            owner = user && *user ? user : "me";
        }
        const std::string title = !opts->title.empty() ? opts->title
                                  : owner == "me"      ? std::string("My goals")
                                                       : fmt::format("{}'s goals", owner);
        const std::string text = starter_file(title, owner, *cycle, session.as_of());
        // The starter file must itself be valid, whatever was typed.
        const io::ParsedFile parsed = io::parse_goal_file(text, path);
        if (has_errors(parsed.diagnostics))
            throw CommandError(ExitCode::usage, fmt::format("cannot make a valid starter file: {}",
                                                            parsed.diagnostics.front().message));
        if (opts->dry_run) {
            if (fs::exists(fs::symlink_status(path, ec)))
                throw CommandError(ExitCode::io,
                                   fmt::format("{} already exists; not overwriting it", path),
                                   "choose another path, or remove the file first");
            out += util::unified_diff("", text, path);
            return ExitCode::ok;
        }
        if (auto e = io::create_file(path, text))
            throw CommandError(ExitCode::io, e->message, e->hint);
        if (!session.options().quiet)
            out += fmt::format("created {} for {} ({} to {})\nnext: edit it with `okr {}edit "
                               "example`, then `okr {}status`\n",
                               path, cycle->name, cycle->start.iso(), cycle->end.iso(),
                               path == "okr.toml" ? "" : "-f " + path + " ",
                               path == "okr.toml" ? "" : "-f " + path + " ");
        return ExitCode::ok;
    };
}

} // namespace okr::cli
