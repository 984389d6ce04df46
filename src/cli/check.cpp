#include "okr/report/check.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/report/annotations.hpp"
#include "okr/report/terminal.hpp"

#include <fmt/format.h>

namespace okr::cli {

namespace {
struct CheckOptions {
    bool strict = false;
};
} // namespace

Runner setup_check(CommandLine& command) {
    auto opts = std::make_shared<CheckOptions>();
    command.add_flag("--strict", opts->strict, "Exit 1 on warnings too");
    return [opts](const Session& session, std::string& out) {
        const std::string& format = session.options().format;
        if (format != "table" && format != "json" && format != "github")
            throw CommandError(ExitCode::usage,
                               fmt::format("check prints table, json or github, not {}", format),
                               "run `okr check --format json` for editors, `--format github` for "
                               "GitHub Actions");
        const Date as_of = session.as_of();
        io::LoadedWorkspace loaded = io::load_workspace(session.source());
        if (loaded.problem) throw command_error(*loaded.problem);
        const Diagnostics findings = report::check_findings(loaded, as_of);
        const bool invalid = has_errors(loaded.diagnostics);
        std::size_t errors = 0, warnings = 0;
        for (const auto& d : findings)
            (d.level == Level::error ? errors : warnings)++;
        if (format == "json") {
            out += report::check_json(findings);
        } else if (format == "github") {
            out += report::github_annotations(findings);
        } else {
            out += report::diagnostics_text(findings, session.look(), source_lines());
            if (!session.options().quiet || !findings.empty())
                out += fmt::format("{} file{} checked: {} error{}, {} warning{}\n",
                                   loaded.workspace.files.size(),
                                   loaded.workspace.files.size() == 1 ? "" : "s", errors,
                                   errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
        }
        if (invalid) return ExitCode::invalid;
        if (errors > 0 || (opts->strict && warnings > 0)) return ExitCode::problems;
        return ExitCode::ok;
    };
}

} // namespace okr::cli
