#include "okr/report/check.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/core/lint.hpp"
#include "okr/report/annotations.hpp"
#include "okr/report/terminal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

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
        Diagnostics findings = loaded.diagnostics;
        const bool invalid = has_errors(findings);
        if (!invalid) {
            // Lint only valid workspaces: a half-read file would produce misleading findings.
            const WorkspaceIndex index(loaded.workspace);
            const Evaluation ev = evaluate(index, as_of);
            Diagnostics lints = lint(index, ev);
            findings.insert(findings.end(), lints.begin(), lints.end());
        } else {
            for (const auto& file : loaded.workspace.files)
                for (const auto& u : file.unknown_keys)
                    findings.push_back(unknown_key_finding(file, u));
            // The dangling references of the files that read well are found all the same, so
            // that one round fixes both; not while a broken file has no items at all (it may
            // define any of them).
            std::set<std::string> broken;
            for (const auto& d : loaded.diagnostics)
                if (d.level == Level::error) broken.insert(d.path);
            const bool unreadable = std::any_of(
                loaded.workspace.files.begin(), loaded.workspace.files.end(),
                [&](const GoalFile& f) {
                    return broken.contains(f.path) && f.objectives.empty() && f.kpis.empty();
                });
            if (!unreadable) {
                const WorkspaceIndex index(loaded.workspace);
                for (Diagnostic& d : lint(index, evaluate(index, as_of)))
                    if (d.rule == "dangling-ref" && !broken.contains(d.path))
                        findings.push_back(std::move(d));
            }
        }
        sort_diagnostics(findings);
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
