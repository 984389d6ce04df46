#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/core/lint.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/report/terminal.hpp"
#include "okr/report/text.hpp"
#include "okr/util/diff.hpp"
#include "okr/util/process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace okr::cli {

namespace {

namespace fs = std::filesystem;

struct EditOptions {
    std::string ref;
    bool dry_run = false;
};

// The findings and the question are for the person at the terminal, in okr's colours.
void to_stderr(const std::string& text) {
    write_stderr(text, true);
}

// Runs `$VISUAL`/`$EDITOR` (through the shell, so it may carry arguments) on `file` at `line`,
// in the foreground (Ctrl-C is for the editor, not for okr); returns its exit status, or -1 when
// it could not be started.
int run_editor(const std::string& editor, std::uint32_t line, const std::string& file) {
    util::ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", editor + " \"$@\"", "sh"};
    if (line > 0) spec.argv.push_back(fmt::format("+{}", line));
    spec.argv.push_back(file);
    return util::run_in_foreground(spec);
}

bool ask_yes(const std::string& question) {
    to_stderr(question);
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    return answer.empty() || answer[0] == 'y' || answer[0] == 'Y';
}

// What `okr check` says about the edited text of the file, within the loaded workspace.
Diagnostics check_edited(const LoadedGoals& goals, std::size_t file, const std::string& text,
                         Date as_of) {
    const std::string& path = goals.loaded.workspace.files[file].path;
    io::ParsedFile parsed = io::parse_goal_file(text, path);
    Diagnostics findings = parsed.diagnostics;
    if (has_errors(findings)) return findings;
    Workspace ws = goals.loaded.workspace;
    ws.files[file] = std::move(parsed.file);
    const WorkspaceIndex index(ws);
    for (Diagnostic& d : lint(index, evaluate(index, as_of)))
        if (d.path == path) findings.push_back(std::move(d));
    sort_diagnostics(findings);
    return findings;
}

} // namespace

Runner setup_edit(CommandLine& command) {
    auto opts = std::make_shared<EditOptions>();
    command.add_option("REF", opts->ref, "The objective, key result or KPI to open")
        ->required()
        ->completes(Complete::references);
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const WriteTarget target = resolve_target(index, opts->ref, {true, true, true});
        const std::string path = index.workspace().files[target.file].path;
        Result<std::string> original = io::read_file(path);
        if (!original) throw command_error(original.failure());

        // The editor works on a copy, so that the file is replaced only by a text that was checked.
        std::string dir_template = (fs::temp_directory_path() / "okr-edit-XXXXXX").string();
        if (!::mkdtemp(dir_template.data()))
            throw CommandError(ExitCode::io, fmt::format("cannot make a temporary folder: {}",
                                                         std::strerror(errno)));
        const std::string copy = (fs::path(dir_template) / fs::path(path).filename()).string();
        auto cleanup = [&] {
            std::error_code ec;
            fs::remove_all(dir_template, ec);
        };
        {
            std::ofstream f(copy, std::ios::binary);
            f << *original;
            if (!f) {
                cleanup();
                throw CommandError(ExitCode::io,
                                   fmt::format("cannot write the temporary copy {}", copy));
            }
        }
        const Environment& env = session.env();
        const std::string editor = env.visual && !env.visual->empty()   ? *env.visual
                                   : env.editor && !env.editor->empty() ? *env.editor
                                                                        : "vi";
        const bool interactive = env.stdin_is_terminal;

        std::uint32_t line = io::item_line(*original, path, target.item);
        std::string edited;
        for (;;) {
            const int status = run_editor(editor, line, copy);
            if (status != 0) {
                cleanup();
                throw CommandError(
                    ExitCode::io,
                    status < 0
                        ? fmt::format("cannot start the editor `{}`", editor)
                        : fmt::format("the editor `{}` exited with status {}; nothing was written",
                                      editor, status),
                    "set VISUAL or EDITOR to the editor you use");
            }
            Result<std::string> text = io::read_file(copy);
            if (!text) {
                cleanup();
                // The failure says which file and why ("not a regular file", say).
                throw CommandError(ExitCode::io,
                                   fmt::format("the edited copy {}", text.failure().message));
            }
            edited = *text;
            // An emptied file is much more likely an editor or a crash gone wrong than a wish
            // to delete every goal: `okr drop` removes items, `rm` the file.
            if (edited.find_first_not_of(" \t\r\n") == std::string::npos && !original->empty())
                throw CommandError(
                    ExitCode::invalid,
                    fmt::format("the edited copy of {} is empty; nothing was written", path),
                    fmt::format("your edited version is kept at {}; to remove goals use `okr "
                                "drop`, to remove the file `rm` it",
                                copy));
            if (edited == *original) {
                cleanup();
                finish_write(session, opts->dry_run, {},
                             fmt::format("{}: no changes\n", report::escape_control(path)), out);
                return ExitCode::ok;
            }
            const Diagnostics findings = check_edited(goals, target.file, edited, session.as_of());
            Diagnostics errors;
            for (const Diagnostic& d : findings)
                if (d.level == Level::error) errors.push_back(d);
            if (errors.empty()) break;
            const std::string shown = edited;
            to_stderr(report::diagnostics_text(
                errors, session.look(),
                [&](const std::string&, std::uint32_t n) -> std::optional<std::string> {
                    std::size_t at = 0;
                    for (std::uint32_t i = 1; i < n; ++i) {
                        at = shown.find('\n', at);
                        if (at == std::string::npos) return std::nullopt;
                        ++at;
                    }
                    std::string l = shown.substr(at, shown.find('\n', at) - at);
                    if (!l.empty() && l.back() == '\r') l.pop_back();
                    return l;
                }));
            if (interactive &&
                ask_yes(fmt::format("{} error{} in your edit. Reopen the editor to fix {}? [Y/n] ",
                                    errors.size(), errors.size() == 1 ? "" : "s",
                                    errors.size() == 1 ? "it" : "them"))) {
                line = errors.front().pos.line;
                continue;
            }
            throw CommandError(ExitCode::invalid,
                               fmt::format("{} error{} after editing {}; nothing was written",
                                           errors.size(), errors.size() == 1 ? "" : "s", path),
                               fmt::format("your edited version is kept at {}", copy));
        }

        const Written written{"edit", path, line_of(edited, path, target.item), target.ref, {}};
        warn_new_findings(session, goals, target.file, edited);
        if (opts->dry_run) {
            out += report::escape_lines(util::unified_diff(*original, edited, path));
            cleanup();
            finish_write(session, true, {written}, {}, out);
            return ExitCode::ok;
        }
        auto opened = io::LockedFile::open(path, lock_timeout(session.env()));
        // A failure keeps the user's edited version, and says where.
        auto keep_copy = [&copy](Failure failure) {
            failure.add_to_hint("your edited version is kept at " + copy);
            return command_error(failure);
        };
        if (!opened) throw keep_copy(std::move(opened).failure());
        io::LockedFile& file = *opened;
        // Someone else wrote the file meanwhile: replacing it would lose their change.
        if (file.text() != *original)
            throw CommandError(
                ExitCode::io,
                fmt::format("{} changed while you were editing it; nothing was written", path),
                fmt::format("your edited version is kept at {}; merge it by hand", copy));
        if (Result<void> replaced = file.replace(edited); !replaced)
            throw keep_copy(std::move(replaced).failure());
        cleanup();
        finish_write(session, false, {written},
                     fmt::format("{}: saved; it is valid\n", report::escape_control(path)), out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
