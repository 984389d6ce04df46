#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/include_edit.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"
#include "okr/util/diff.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fnmatch.h>
#include <functional>
#include <optional>
#include <variant>

namespace okr::cli {

namespace {

struct InitOptions {
    std::string path;
    std::string owner;
    std::string name_space;
    std::string cycle;
    std::string title;
    bool dry_run = false;
    bool git = false;
};

// The starter file: valid as written, with the file format explained in comments and an example
// objective of two key results that is commented out, so that it never counts in scores.
std::string starter_file(const std::string& title, const std::string& owner,
                         const std::string& name_space, const Cycle& cycle, Date today) {
    const Date baseline = std::clamp(today, cycle.start, cycle.end);
    const Date mid = cycle.start.plus_days((cycle.end - cycle.start) / 2);
    // The file's keys, their comments in one column whatever the values' lengths.
    std::vector<std::pair<std::string, std::string>> keys{
        {"title = " + io::toml_string(title), ""},
        {"owner = " + io::toml_string(owner),
         "owner of everything below unless it says otherwise"}};
    if (!name_space.empty())
        keys.emplace_back("namespace = " + io::toml_string(name_space),
                          fmt::format("other files name this file's items {}/ID", name_space));
    keys.emplace_back(fmt::format("cycle = \"{}\"", cycle.name),
                      "the cycle objectives are graded in: YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM");
    std::size_t column = 29;
    for (const auto& [line, comment] : keys)
        column = std::max(column, line.size() + 2);
    std::string head;
    for (const auto& [line, comment] : keys)
        head += comment.empty() ? line + "\n" : fmt::format("{:<{}}# {}\n", line, column, comment);
    return fmt::format(R"(# Goals for {cycle}: objectives, key results and KPIs, kept by okr.
# Every key is explained in `man okr-format`; `okr check` validates this file.
#
#   okr add objective "TITLE"         a new objective (prints its id, OBJ)
#   okr add kr OBJ "TITLE" --target N a key result of it
#   okr checkin OBJ.KR 40             record a new value (today's date)
#   okr status                        progress of every key result
#
# Dates are TOML dates without quotes: 2026-11-04.

{head}
# An objective is qualitative: where you want to be at the end of the cycle. The example
# below is commented out, so it never counts: remove the leading `# ` of its lines to use it,
# or add your own with `okr add objective "TITLE"`.
#
# [[objective]]
# id = "example"               # the short name used on the command line
# title = "Replace this with your first objective"
# type = "aspirational"        # or "committed": must be fully delivered
# # parent = "company/grow"    # the objective of another file this one supports
#
#   # A key result is measurable: a number moving from `start` to `target`...
#   [[objective.kr]]
#   id = "first-users"
#   title = "Reach 100 weekly users"
#   start = 0
#   target = 100
#   unit = "users"
#   # One check-in per line; `okr checkin` appends them for you.
#   checkins = [
#     {{ date = {start}, value = 0, confidence = 0.5, note = "baseline" }},
#   ]
#
#   # ...or a milestone: done or not done.
#   [[objective.kr]]
#   id = "launch"
#   title = "Launch the beta by {mid}"
#   type = "milestone"

# A KPI is a health metric with bounds instead of a target:
#
# [[kpi]]
# id = "uptime"
# title = "Service uptime"
# unit = "%"
# min = 99.5                 # healthy at or above; use max for lower-is-better
# frequency = "weekly"
)",
                       fmt::arg("cycle", cycle.name), fmt::arg("head", head),
                       fmt::arg("start", baseline.iso()), fmt::arg("mid", mid.iso()));
}

// True when the include glob `pattern` (`*`, `?`, `[...]` within a name, `**` for any number of
// folders) matches `relative`, a path relative to the root's folder.
bool glob_covers(const std::string& pattern, const std::string& relative) {
    auto split = [](const std::string& text) {
        std::vector<std::string> parts;
        std::size_t at = 0;
        while (at <= text.size()) {
            std::size_t slash = text.find('/', at);
            if (slash == std::string::npos) slash = text.size();
            if (slash > at && text.substr(at, slash - at) != ".")
                parts.push_back(text.substr(at, slash - at));
            at = slash + 1;
        }
        return parts;
    };
    const std::vector<std::string> p = split(pattern), r = split(relative);
    std::function<bool(std::size_t, std::size_t)> match = [&](std::size_t i, std::size_t j) {
        if (i == p.size()) return j == r.size();
        if (p[i] == "**") {
            for (std::size_t k = j; k <= r.size(); ++k) {
                if (match(i + 1, k)) return true;
                if (k < r.size() && r[k].starts_with(".")) break; // hidden folders are skipped
            }
            return false;
        }
        return j < r.size() && fnmatch(p[i].c_str(), r[j].c_str(), FNM_PERIOD) == 0 &&
               match(i + 1, j + 1);
    };
    return match(0, 0);
}

// The workspace root a new file at `path` would belong to: the nearest okr.toml in a folder
// above it. A new okr.toml starts a workspace of its own, so it has none.
std::optional<std::string> enclosing_root(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target = fs::absolute(path, ec).lexically_normal();
    if (target.filename() == "okr.toml") return std::nullopt;
    for (fs::path dir = target.parent_path();; dir = dir.parent_path()) {
        const fs::path candidate = dir / "okr.toml";
        if (fs::is_regular_file(candidate, ec)) {
            const fs::path shown = candidate.lexically_proximate(fs::current_path(ec));
            return shown.empty() ? candidate.string() : shown.string();
        }
        if (dir == dir.parent_path() || dir.empty()) break;
    }
    return std::nullopt;
}

} // namespace

Runner setup_init(CommandLine& command) {
    auto opts = std::make_shared<InitOptions>();
    command
        .add_option("PATH", opts->path,
                    "The file to create, or a folder for PATH/okr.toml (default: okr.toml)")
        ->completes(Complete::files);
    command.add_option("--owner", opts->owner, "The file's owner (default: $USER)")
        ->type_name("O")
        ->completes(Complete::owners);
    command
        .add_option("--namespace", opts->name_space,
                    "The prefix other files name this file's items with (default: the file's stem)")
        ->type_name("N")
        ->completes(Complete::nothing);
    command
        .add_option("--cycle", opts->cycle,
                    "The cycle: YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM (default: this quarter)")
        ->type_name("C")
        ->completes(Complete::cycles);
    command.add_option("--title", opts->title, "Shown in report headers")
        ->type_name("T")
        ->completes(Complete::nothing);
    command.add_flag("--git", opts->git,
                     "Set up the git merge driver for the workspace's files (also when the "
                     "workspace exists)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        namespace fs = std::filesystem;
        std::error_code ec;
        // `init --git` in an existing workspace only sets up git.
        if (opts->git && (opts->path.empty() ? io::find_root_files(session.source()).ok()
                                             : fs::exists(opts->path, ec))) {
            const GitSetup git = set_up_git_merge(session, opts->dry_run, out);
            finish_write(session, opts->dry_run, git.written, git.text, out);
            return ExitCode::ok;
        }
        std::string path = opts->path;
        if (path.empty())
            path =
                session.options().files.size() == 1 ? session.options().files.front() : "okr.toml";
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
            const auto& user = session.env().user;
            owner = user && !user->empty() ? *user : "me";
        }
        const std::string title = !opts->title.empty() ? opts->title
                                  : owner == "me"      ? std::string("My goals")
                                                       : fmt::format("{}'s goals", owner);
        if (!opts->name_space.empty() && !io::is_valid_id(opts->name_space))
            throw CommandError(
                ExitCode::usage,
                fmt::format("--namespace: invalid namespace \"{}\"", opts->name_space),
                "a namespace starts with a letter or digit and contains only "
                "letters, digits, `-` and `_`");
        const std::string text =
            starter_file(title, owner, opts->name_space, *cycle, session.as_of());
        // The starter file must itself be valid, whatever was typed.
        const io::ParsedFile parsed = io::parse_goal_file(text, path);
        if (has_errors(parsed.diagnostics))
            throw CommandError(ExitCode::usage, fmt::format("cannot make a valid starter file: {}",
                                                            parsed.diagnostics.front().message));
        std::vector<Written> written{
            {"init", path, 1, {}, {{"title", title}, {"owner", owner}, {"cycle", cycle->name}}}};
        if (!opts->name_space.empty())
            written.front().values.emplace_back("namespace", opts->name_space);
        if (fs::exists(fs::symlink_status(path, ec)))
            throw CommandError(ExitCode::io,
                               fmt::format("{} already exists; not overwriting it", path),
                               "choose another path, or remove the file first");
        const std::optional<std::string> root = enclosing_root(path);
        std::optional<std::string> include;
        if (root) {
            const fs::path dir = fs::weakly_canonical(fs::absolute(*root).parent_path(), ec);
            const std::string relative = fs::weakly_canonical(fs::absolute(path), ec)
                                             .lexically_relative(dir)
                                             .generic_string();
            // An unreadable root lists no includes: the new file is then added to them, and
            // that write reports why the root cannot be read.
            const Result<std::string> root_text = io::read_file(*root);
            const io::ParsedFile root_file =
                io::parse_goal_file(root_text ? *root_text : std::string(), *root);
            const bool covered =
                std::any_of(root_file.file.includes.begin(), root_file.file.includes.end(),
                            [&](const RefText& glob) { return glob_covers(glob.text, relative); });
            if (!covered && !relative.empty() && !relative.starts_with("..")) include = relative;
        }
        // A workspace set up with --git gets the new file's pattern in .gitattributes too, so
        // that it merges with the driver like the others: a pattern git cannot read is refused
        // before anything is created.
        const bool set_up_git = opts->git || (include && git_merge_set_up(session));
        if (set_up_git) check_git_patterns(session, path);
        if (opts->dry_run) {
            out += report::escape_lines(util::unified_diff("", text, path));
            if (include)
                write_edit(session, *root, true, out, [&](std::string_view current) {
                    return io::add_include(current, *root, *include);
                });
            if (opts->git) {
                const GitSetup git = set_up_git_merge(session, true, out, path);
                written.insert(written.end(), git.written.begin(), git.written.end());
            }
            finish_write(session, true, written, {}, out);
            return ExitCode::ok;
        }
        // Missing folders are created, as `mkdir -p` would.
        if (const fs::path folder = fs::path(path).parent_path(); !folder.empty()) {
            fs::create_directories(folder, ec);
            if (ec)
                throw CommandError(
                    ExitCode::io,
                    fmt::format("cannot create the folder {}: {}", folder.string(), ec.message()),
                    "check the path and your permissions");
        }
        if (Result<void> created = io::create_file(path, text); !created)
            throw command_error(created.failure());
        if (include) {
            std::string ignored;
            write_edit(session, *root, false, ignored, [&](std::string_view current) {
                return io::add_include(current, *root, *include);
            });
        }
        // Paths come from outside: they cannot drive the terminal.
        const std::string shown = report::escape_control(path);
        std::string said = fmt::format("created {} for {} ({} to {})\n", shown, cycle->name,
                                       cycle->start.iso(), cycle->end.iso());
        if (include)
            said += fmt::format("added \"{}\" to [workspace] include in {}\n",
                                report::escape_control(*include), report::escape_control(*root));
        const std::string f = path == "okr.toml" || include || root ? "" : "-f " + shown + " ";
        said += fmt::format("next: `okr {}add objective \"TITLE\"`, then `okr {}status`\n", f, f);
        if (set_up_git) {
            const GitSetup git = set_up_git_merge(session, false, out, path);
            written.insert(written.end(), git.written.begin(), git.written.end());
            said += git.text;
        }
        finish_write(session, false, written, said, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
