#include "okr/cli/commands.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/git.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"
#include "okr/util/diff.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <variant>

namespace okr::cli {

namespace {

namespace fs = std::filesystem;

const char* const k_driver = "okr merge -- %O %A %B %P %L";
const char* const k_driver_name = "okr goal files";

// `path` relative to the work tree's top, as an anchored .gitattributes pattern.
std::string anchored(const fs::path& top, const fs::path& path) {
    std::error_code ec;
    fs::path full = fs::weakly_canonical(fs::absolute(path, ec), ec);
    const fs::path rel = full.lexically_relative(top);
    std::string text = rel.generic_string();
    if (rel.empty() || text.starts_with(".."))
        throw CommandError(
            ExitCode::usage,
            fmt::format("{} is outside the git work tree {}", path.string(), top.string()),
            "run `okr init --git` inside the repository that holds the goal files");
    return text == "." ? "/" : "/" + text;
}

// A pattern for .gitattributes and where it comes from, for a message that refuses it.
struct Pattern {
    std::string text;
    std::string origin; // "the include \"teams/*.toml\" at okr.toml:6", "the path of okr.toml"
    bool operator==(const Pattern& other) const { return text == other.text; }
};

// git's limit on a line of .gitattributes (ATTR_MAX_LINE_LENGTH): a longer line is ignored.
constexpr std::size_t k_git_max_line = 2048;

// The start of the .gitattributes line of `pattern`, written as git reads it back (SPEC §12): as
// it is, or C-quoted when it holds a blank, a `"` or a `\` (git unquotes a pattern that begins
// with `"`; unquoted, a blank would end it). A pattern git cannot read back, one with a control
// character (a newline would start a line of the author's choosing, a NUL ends it) or too long
// for git's line limit, is refused, naming where it comes from.
std::string attribute_pattern(const Pattern& pattern) {
    const std::string& text = pattern.text;
    const auto refuse = [&](std::string_view why) {
        throw CommandError(
            ExitCode::usage,
            fmt::format("cannot write {} to .gitattributes: {}", pattern.origin, why),
            "rename the file or change the include so that git can read its pattern; nothing "
            "was written");
    };
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t') {
            refuse(c == '\n'   ? "it holds a newline, which would start a line of its own"
                   : c == '\0' ? "it holds a NUL, which ends a pattern for git"
                               : fmt::format("it holds the control character {}, which git "
                                             "cannot read in a pattern",
                                             report::escape_control(std::string_view(&c, 1))));
        }
        if (u == 0x7f)
            refuse("it holds the control character \\x7f, which git cannot read in a pattern");
    }
    std::string line = text;
    if (text.find_first_of(" \t\"\\") != std::string::npos) {
        line = "\"";
        for (const char c : text) {
            if (c == '"' || c == '\\') line += '\\';
            line += c == '\t' ? std::string("\\t") : std::string(1, c);
        }
        line += '"';
    }
    if (line.size() + std::string_view(" merge=okr").size() >= k_git_max_line)
        refuse(fmt::format("its line would be {} bytes long, and git ignores a line of {} or more",
                           line.size() + std::string_view(" merge=okr").size(), k_git_max_line));
    return line;
}

// The patterns that name the workspace's goal files: each root file and its include globs, or
// every *.toml below a folder given with -f.
std::vector<Pattern> workspace_patterns(const Session& session, const fs::path& top,
                                        const std::string& created) {
    std::vector<std::string> given = session.options().files;
    if (given.empty() && session.env().okr_file && !session.env().okr_file->empty())
        given.push_back(*session.env().okr_file);
    if (given.empty()) {
        auto roots = io::find_root_files(session.source());
        if (!roots) {
            if (created.empty()) throw command_error(roots.failure());
            given.push_back(created);
        } else {
            given = std::move(roots).value();
        }
    }
    std::vector<Pattern> patterns;
    auto add = [&](std::string p, std::string origin) {
        Pattern pattern{std::move(p), std::move(origin)};
        if (std::find(patterns.begin(), patterns.end(), pattern) == patterns.end())
            patterns.push_back(std::move(pattern));
    };
    for (const std::string& path : given) {
        fs::path p = fs::path(path).is_absolute() ? fs::path(path) : session.env().cwd / path;
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            add(anchored(top, p) + "/**/*.toml",
                fmt::format("the folder {}", report::escape_control(path)));
            continue;
        }
        add(anchored(top, p), fmt::format("the path of {}", report::escape_control(path)));
        Result<std::string> text = io::read_file(p.string());
        if (!text) continue; // an unreadable file: the loader says why
        const io::ParsedFile parsed = io::parse_goal_file(*text, path);
        const std::string dir = anchored(top, p.parent_path());
        for (const RefText& include : parsed.file.includes) {
            std::string glob = include.text;
            while (glob.starts_with("./"))
                glob.erase(0, 2);
            add((dir == "/" ? "" : dir) + "/" + glob,
                fmt::format("the include \"{}\" at {}:{}", report::escape_control(include.text),
                            report::escape_control(path), include.pos.line));
        }
    }
    return patterns;
}

bool has_pattern(std::string_view attributes, std::string_view pattern) {
    std::size_t at = 0;
    while (at < attributes.size()) {
        std::size_t end = attributes.find('\n', at);
        if (end == std::string_view::npos) end = attributes.size();
        std::string_view line = attributes.substr(at, end - at);
        at = end + 1;
        if (line.starts_with(pattern) && line.size() > pattern.size() &&
            (line[pattern.size()] == ' ' || line[pattern.size()] == '\t') &&
            line.find("merge=okr") != std::string_view::npos)
            return true;
    }
    return false;
}

std::string git_config(const std::string& top, const std::string& key) {
    io::ProgramRun run = io::run_program({"git", "config", "--get", key}, top);
    while (!run.out.empty() && run.out.back() == '\n')
        run.out.pop_back();
    return run.status == 0 ? run.out : std::string();
}

} // namespace

bool git_merge_set_up(const Session& session) {
    const auto top = io::git_toplevel(session.env().cwd.string());
    if (!top) return false;
    const Result<std::string> attributes =
        io::read_file((fs::path(*top) / ".gitattributes").string());
    return attributes && attributes->find("merge=okr") != std::string::npos;
}

namespace {

std::string git_top(const Session& session) {
    const auto top = io::git_toplevel(session.env().cwd.string());
    if (!top)
        throw CommandError(ExitCode::usage, "--git: not inside a git repository",
                           "run `git init` first, or run okr inside the repository");
    return *top;
}

} // namespace

void check_git_patterns(const Session& session, const std::string& created) {
    const fs::path top(git_top(session));
    for (const Pattern& p : workspace_patterns(session, top, created))
        (void)attribute_pattern(p);
    (void)attribute_pattern(
        {anchored(top, created), fmt::format("the path of {}", report::escape_control(created))});
}

GitSetup set_up_git_merge(const Session& session, bool dry_run, std::string& out,
                          const std::string& created) {
    const fs::path cwd = session.env().cwd;
    const std::string top_text = git_top(session);
    const fs::path top(top_text);
    // Every line is made, or refused, before anything is read or written.
    std::vector<std::string> patterns;
    for (const Pattern& p : workspace_patterns(session, top, created))
        patterns.push_back(attribute_pattern(p));

    const std::string attributes_path = (top / ".gitattributes").string();
    Result<std::string> read = io::read_file(attributes_path);
    // Only a missing .gitattributes is new; one that cannot be read is not replaced.
    if (!read && read.failure().error_number != ENOENT) throw command_error(read.failure());
    const std::optional<std::string> existing =
        read ? std::optional<std::string>(std::move(read).value()) : std::nullopt;
    std::string attributes = existing.value_or("");
    std::vector<std::string> added;
    for (const std::string& p : patterns)
        if (!has_pattern(attributes, p)) {
            if (!attributes.empty() && attributes.back() != '\n') attributes += '\n';
            attributes += p + " merge=okr\n";
            added.push_back(p);
        }
    // A driver line of an older okr (without %L) is replaced like any other.
    const std::string old_driver = git_config(top_text, "merge.okr.driver");
    const bool set_driver = old_driver != k_driver;
    const bool set_name = git_config(top_text, "merge.okr.name") != k_driver_name;
    std::error_code ec;
    const fs::path shown = fs::proximate(attributes_path, cwd, ec);
    GitSetup setup;
    if (!added.empty()) {
        if (dry_run) {
            out += util::unified_diff(existing.value_or(""), attributes, shown.generic_string());
        } else {
            Result<void> written = existing ? io::write_file_atomically(attributes_path, attributes)
                                            : io::create_file(attributes_path, attributes);
            if (!written) throw command_error(written.failure());
        }
        for (const std::string& p : added)
            setup.text +=
                fmt::format("added to .gitattributes: {} merge=okr\n", report::escape_control(p));
        setup.written.push_back({"init", shown.generic_string(), 0, {}, {{"merge=okr", added}}});
    }
    if (set_driver || set_name) {
        if (!dry_run) {
            for (auto [key, value] : {std::pair{"merge.okr.name", k_driver_name},
                                      std::pair{"merge.okr.driver", k_driver}}) {
                const io::ProgramRun run = io::run_program({"git", "config", key, value}, top_text);
                if (run.status != 0)
                    throw CommandError(ExitCode::io,
                                       fmt::format("git config {} failed: {}", key, run.err),
                                       "check that the repository's config can be written");
            }
        } else if (session.options().format != "json" && !session.options().quiet) {
            out += fmt::format("would set merge.okr.driver = \"{}\" in the repository's config\n",
                               k_driver);
        }
        setup.text += fmt::format(
            "set merge.okr.driver = \"{}\" in the repository's config{}\n", k_driver,
            set_driver && !old_driver.empty() ? fmt::format(" (it was \"{}\")", old_driver) : "");
        // The repository's own config file, which `git config` wrote.
        io::ProgramRun dir = io::run_program({"git", "rev-parse", "--git-common-dir"}, top_text);
        while (!dir.out.empty() && (dir.out.back() == '\n' || dir.out.back() == '\r'))
            dir.out.pop_back();
        const fs::path config = fs::path(top_text) / dir.out / "config";
        setup.written.push_back({"init",
                                 fs::proximate(config.lexically_normal(), cwd, ec).generic_string(),
                                 0,
                                 {},
                                 {{"merge.okr.name", std::string(k_driver_name)},
                                  {"merge.okr.driver", std::string(k_driver)}}});
    }
    if (added.empty() && !set_driver && !set_name)
        setup.text += "the git merge driver is already set up; nothing to change\n";
    if (!added.empty())
        setup.text +=
            "commit .gitattributes; each clone runs `okr init --git` once for the config\n";
    return setup;
}

} // namespace okr::cli
