#include "okr/io/merge.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/git.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <unistd.h>

extern char** environ;

namespace okr::cli {

namespace {

struct MergeOptions {
    std::string base;
    std::string ours;
    std::string theirs;
    std::string path;
    int marker_size = 7;
    std::vector<std::string> labels;
};

std::string read_version(const std::string& path, std::string_view name) {
    Result<std::string> text = io::read_file(path);
    if (!text)
        throw CommandError(ExitCode::io,
                           fmt::format("{} (the {} version)", text.failure().message, name),
                           "okr merge is run by git as `okr merge -- %O %A %B %P %L`");
    return std::move(text).value();
}

// git merge runs the driver with the merged branch's name in GITHEAD_<commit> (one such
// variable): the markers then say `HEAD` and that name, as git's own conflicts do.
io::MergeLabels labels_from_git() {
    io::MergeLabels labels;
    std::string name;
    int found = 0;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view var(*e);
        if (!var.starts_with("GITHEAD_")) continue;
        const std::size_t eq = var.find('=');
        if (eq == std::string_view::npos) continue;
        name = std::string(var.substr(eq + 1));
        ++found;
    }
    if (found == 1 && !name.empty()) {
        labels.ours = "HEAD";
        labels.theirs = name;
    }
    return labels;
}

} // namespace

Runner setup_merge(CLI::App& command) {
    auto opts = std::make_shared<MergeOptions>();
    command.add_option("BASE", opts->base, "The common ancestor's version (git's %O)")
        ->required()
        ->check(completes(Complete::files));
    command.add_option("OURS", opts->ours, "Our version; the result is written here (git's %A)")
        ->required()
        ->check(completes(Complete::files));
    command.add_option("THEIRS", opts->theirs, "Their version (git's %B)")
        ->required()
        ->check(completes(Complete::files));
    command.add_option("PATH", opts->path, "The file's path in the repository, for messages (%P)")
        ->check(completes(Complete::files));
    command
        .add_option("MARKER-SIZE", opts->marker_size,
                    "How many characters a conflict marker has (%L; default 7)")
        ->check(CLI::Range(1, 1024))
        ->check(completes(Complete::nothing));
    command
        .add_option("--label", opts->labels,
                    "The names after the conflict markers, in the order ours, base, theirs (as "
                    "git merge-file -L; git 2.44 passes them as %X, %S, %Y)")
        ->type_name("NAME")
        ->allow_extra_args(false) // one name each time: the versions follow
        ->check(completes(Complete::nothing));
    return [opts](const Session& session, std::string& out) {
        const std::string base = read_version(opts->base, "BASE");
        const std::string ours = read_version(opts->ours, "OURS");
        const std::string theirs = read_version(opts->theirs, "THEIRS");
        const std::string path = opts->path.empty() ? opts->ours : opts->path;
        if (opts->labels.size() > 3)
            throw CommandError(ExitCode::usage,
                               fmt::format("--label is given {} times", opts->labels.size()),
                               "give at most three: ours, base and theirs, in that order");
        io::MergeLabels labels = labels_from_git();
        std::string* const given[] = {&labels.ours, &labels.base, &labels.theirs};
        for (std::size_t i = 0; i < opts->labels.size(); ++i)
            *given[i] = opts->labels[i];
        labels.marker_size = static_cast<std::size_t>(opts->marker_size);
        Result<io::GoalMerge> merged =
            io::merge_goal_files(base, ours, theirs, path, labels, io::git_merge_file);
        if (!merged) throw command_error(merged.failure());
        if (Result<void> written = io::write_file_atomically(opts->ours, merged->text); !written)
            throw command_error(written.failure());
        const std::size_t conflicts = merged->conflicts.size();
        finish_write(
            session, false,
            {{"merge", opts->ours, 0, "", {{"conflicts", static_cast<double>(conflicts)}}}}, {},
            out);
        if (!session.options().quiet) {
            // The path and the labels are git's arguments, the items come from the files.
            const std::string shown = report::escape_control(path);
            for (const std::string& note : merged->notes)
                session.print_stderr(
                    fmt::format("okr merge: {}: {}\n", shown, report::escape_control(note)));
            for (const io::MergeConflict& c : merged->conflicts)
                session.print_stderr(fmt::format("okr merge: {}:{}: conflict in {}: {}\n", shown,
                                                 c.line, report::escape_control(c.item),
                                                 report::escape_control(c.what)));
            if (conflicts > 0)
                session.print_stderr(
                    fmt::format("okr merge: {}: in each conflict keep the line you want (or both, "
                                "as two check-ins) and delete the other and the marker lines, then "
                                "run `okr check` and `git add {}`; `git checkout --ours` or "
                                "`--theirs` takes one side whole\n",
                                shown, shown));
        }
        return conflicts > 0 ? ExitCode::problems : ExitCode::ok;
    };
}

} // namespace okr::cli
