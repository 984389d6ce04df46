#include "okr/report/diff.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/io/git.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <future>

namespace okr::cli {

namespace {

namespace fs = std::filesystem;

struct DiffOptions {
    std::vector<std::string> revs;
    bool exit_code = false;
};

// A workspace loaded from one side of the comparison, with its index and evaluation.
struct Side {
    io::LoadedWorkspace loaded;
    std::unique_ptr<WorkspaceIndex> index;
    Evaluation evaluation;
};

void finish(Side& side, const std::string& name, Date as_of, const Session& session) {
    if (side.loaded.problem) {
        Failure failure = *side.loaded.problem;
        failure.message = fmt::format("{}: {}", name, failure.message);
        throw command_error(failure);
    }
    Diagnostics errors;
    for (const auto& d : side.loaded.diagnostics)
        if (d.level == Level::error) errors.push_back(d);
    if (!errors.empty()) {
        std::string details;
        for (const Diagnostic& d : errors)
            details += fmt::format("{}: {}:{}:{}: error: {}\n", name, d.path, d.pos.line,
                                   d.pos.column, d.message);
        throw CommandError(
            ExitCode::invalid,
            fmt::format("the goal files of {} are invalid; nothing was compared", name),
            "fix them (`okr check`), or compare other revisions", details);
    }
    (void)session;
    side.index = std::make_unique<WorkspaceIndex>(side.loaded.workspace);
    side.evaluation = evaluate(*side.index, as_of);
}

// The root files of the workspace, as on disk: -f paths (folders expanded by the source that
// reads them), OKR_FILE, else the okr.toml found by walking up.
std::vector<std::string> root_paths(const Session& session) {
    std::vector<std::string> given = session.options().files;
    if (given.empty() && session.env().okr_file && !session.env().okr_file->empty())
        given.push_back(*session.env().okr_file);
    if (!given.empty()) return given;
    auto roots = io::find_root_files(session.source());
    if (!roots) throw command_error(roots.failure());
    return std::move(roots).value();
}

// One revision's files, read through git, or why not.
using Opened = Result<io::GitRevision>;

Opened open_revision(const std::string& top, const Session& session, const std::string& rev) {
    return io::GitRevision::open(top, session.env().cwd.string(), rev);
}

Side load_revision(Opened opened, const Session& session, const std::string& rev,
                   const std::vector<std::string>& given, Date as_of, io::ParseMemo& memo) {
    if (!opened) {
        const Failure& failure = opened.failure();
        // An unknown revision is a usage error (SPEC §6): the user named it.
        if (failure.kind == Failure::Kind::not_found)
            throw CommandError(ExitCode::usage, failure.message, failure.hint);
        throw command_error(failure);
    }
    const io::GitRevision& files = *opened;
    std::vector<std::string> roots;
    for (const std::string& path : given) {
        auto below = files.toml_files_below(path);
        if (files.has(path))
            roots.push_back(path);
        else
            roots.insert(roots.end(), below.begin(), below.end());
    }
    Side side;
    side.loaded = io::load_workspace(roots, files, session.source().cache, &memo);
    finish(side, rev, as_of, session);
    return side;
}

Side load_disk(const Session& session, Date as_of, io::ParseMemo& memo) {
    Side side;
    side.loaded = io::load_workspace(session.source(), &memo);
    finish(side, "the working tree", as_of, session);
    return side;
}

} // namespace

Runner setup_diff(CommandLine& command) {
    auto opts = std::make_shared<DiffOptions>();
    command
        .add_option("REV", opts->revs,
                    "Compare REV with the working tree, or the first REV with the second "
                    "(default: HEAD and the working tree)")
        ->expected(0, 2)
        ->completes(Complete::nothing);
    command.add_flag("--exit-code", opts->exit_code,
                     "Exit 1 when something changed (as git diff --exit-code)");
    return [opts](const Session& session, std::string& out) {
        const Date as_of = session.as_of();
        const auto top = io::git_toplevel(session.env().cwd.string());
        if (!top)
            throw CommandError(ExitCode::usage, "okr diff: not inside a git repository",
                               "okr diff compares revisions of goal files kept in git; run it "
                               "inside the repository");
        const std::vector<std::string> given = root_paths(session);
        const std::string from = opts->revs.empty() ? "HEAD" : opts->revs[0];
        const std::string to = opts->revs.size() == 2 ? opts->revs[1] : "the working tree";
        // The files the two sides share (most of them, between reviews) are parsed once.
        io::ParseMemo memo;
        // Two revisions are read from git at once (two `git cat-file` processes).
        std::future<Opened> second;
        if (opts->revs.size() == 2)
            second =
                std::async(std::launch::async, [&] { return open_revision(*top, session, to); });
        Opened first = open_revision(*top, session, from);
        Side before = load_revision(std::move(first), session, from, given, as_of, memo);
        Side after = opts->revs.size() == 2
                         ? load_revision(second.get(), session, to, given, as_of, memo)
                         : load_disk(session, as_of, memo);
        const report::GoalsDiff diff =
            report::diff_goals({before.index.get(), &before.evaluation},
                               {after.index.get(), &after.evaluation}, as_of);
        out += session.render(
            [&](const report::Spill& spill) { return report::diff_json(diff, from, to, spill); },
            [&] { return report::diff_sheet(diff, from, to); });
        return opts->exit_code && !diff.changes.empty() ? ExitCode::problems : ExitCode::ok;
    };
}

} // namespace okr::cli
