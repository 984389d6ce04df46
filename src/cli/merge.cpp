#include "okr/io/merge.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/git.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/io/workspace.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

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
                           "okr merge is run by git as `okr merge %O %A %B %P %L`");
    return std::move(text).value();
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
        io::MergeLabels labels;
        std::string* const given[] = {&labels.ours, &labels.base, &labels.theirs};
        for (std::size_t i = 0; i < opts->labels.size(); ++i)
            *given[i] = opts->labels[i];
        labels.marker_size = static_cast<std::size_t>(opts->marker_size);
        const io::GoalMerge merged = io::merge_goal_files(base, ours, theirs, path, labels);
        if (!merged.merged) {
            // Not goals: a line merge, exactly as git would do it itself.
            if (!session.options().quiet)
                fmt::print(stderr, "okr merge: {}: merged as text: {}\n", path, merged.reason);
            const io::ProgramRun run = io::run_program(
                {"git", "merge-file", "--marker-size", std::to_string(labels.marker_size), "-L",
                 labels.ours, "-L", labels.base, "-L", labels.theirs, opts->ours, opts->base,
                 opts->theirs},
                {});
            if (run.status < 0)
                throw CommandError(ExitCode::io, "cannot run `git merge-file`",
                                   "okr merges files that are not goal files with git");
            if (!run.err.empty()) fmt::print(stderr, "{}", run.err);
            // git merge-file exits with the number of conflicts (negative on an error).
            const double conflicts = run.status > 0 ? run.status : 0;
            finish_write(session, false,
                         {{"merge",
                           opts->ours,
                           0,
                           "",
                           {{"merged_as", std::string("text")}, {"conflicts", conflicts}}}},
                         {}, out);
            return run.status == 0 ? ExitCode::ok : ExitCode::problems;
        }
        if (Result<void> written = io::write_file_atomically(opts->ours, merged.text); !written)
            throw command_error(written.failure());
        finish_write(session, false,
                     {{"merge",
                       opts->ours,
                       0,
                       "",
                       {{"merged_as", std::string("goals")},
                        {"conflicts", static_cast<double>(merged.conflicts)}}}},
                     {}, out);
        if (merged.conflicts > 0) {
            if (!session.options().quiet)
                fmt::print(stderr, "okr merge: {}: {} conflict{} left between markers\n", path,
                           merged.conflicts, merged.conflicts == 1 ? "" : "s");
            return ExitCode::problems;
        }
        return ExitCode::ok;
    };
}

} // namespace okr::cli
