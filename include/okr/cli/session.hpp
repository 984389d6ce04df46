#pragma once
// What every command gets: the global options, the environment read once at start-up,
// and the shared steps of the read commands (resolve the as-of date, load the workspace).

#include "okr/core/date.hpp"
#include "okr/core/reference.hpp"
#include "okr/core/result.hpp"
#include "okr/core/scoring.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/json.hpp"
#include "okr/report/rows.hpp"
#include "okr/report/sheet.hpp"
#include "okr/report/table.hpp"
#include "okr/report/terminal.hpp"
#include "okr/util/lifetime.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace okr::cli {

// Exit codes of SPEC §6.
enum class ExitCode : int { ok = 0, problems = 1, usage = 2, invalid = 3, io = 4 };

// A failure that ends the command: printed once at the top as `okr: error: message`,
// after `details` (e.g. the file diagnostics), with `hint` below.
// The message is read with message(), never with what(): what() is a C string, which a NUL in a
// file's text or a source's output would cut short.
struct CommandError : std::runtime_error {
    CommandError(ExitCode c, std::string message, std::string h = {}, std::string d = {})
        : std::runtime_error(message), code(c), hint(std::move(h)), details(std::move(d)),
          m_message(std::move(message)) {}
    const std::string& message() const { return m_message; }
    ExitCode code;
    std::string hint;
    std::string details;

  private:
    std::string m_message;
};

// The one writer of human text to standard error (src/cli/app.cpp): every message, warning and
// finding passes here, directly or through Session::print_stderr, and is made safe by
// report::escape_output (SPEC §9), the last line of defence; `colour` keeps okr's own colours.
// A caller that puts outside text (a file name, a source's output, an argument) into a message
// still escapes that piece with report::escape_control, so that a newline in it cannot forge a
// line. Nothing else in okr writes to standard error (tests/cli/escape_test.py holds to that).
void write_stderr(std::string_view text, bool colour = false);

// The one writer of the language server's frames to standard output (`okr lsp`): each frame is
// its Content-Length header and a JSON body that util::json wrote (every control character and
// invalid byte escaped), so it is written as is. False when the client has gone.
bool write_protocol(std::string_view bytes);

// The CommandError for a failure below the CLI, with the exit code of its kind (SPEC §6): a
// change that would make a file invalid or that the layout cannot take is a usage error, a file
// that is invalid already is invalid, everything about reaching or writing files is an I/O error.
// `suffix` is added to the message (e.g. "; nothing was written").
CommandError command_error(const Failure& failure, std::string_view suffix = {});

// The one reader of a date on the command line, for every option and argument (SPEC §6:
// YYYY-MM-DD, today, yesterday, -3d, -2w, relative dates counted from `today`). Otherwise a
// CommandError(usage) naming `what` (`--as-of`, `--date`, ...) that says why a well-formed date
// does not exist (2026-02-30: February 2026 has 28 days).
Date parse_date_arg(std::string_view what, std::string_view text, Date today);

struct GlobalOptions {
    std::vector<std::string> files;
    std::string as_of;
    std::string cycle;
    std::string format = "table";
    std::string color = "auto";
    bool no_pager = false;
    bool quiet = false;
};

// The process environment, read once by `run` (the only code that calls getenv) so that
// commands need no globals; each value is passed down to what needs it.
struct Environment {
    Date today;
    std::filesystem::path cwd;
    std::optional<std::string> okr_file;
    std::optional<std::string> columns;        // COLUMNS
    bool no_color = false;                     // NO_COLOR set and non-empty
    bool dumb_terminal = false;                // TERM=dumb
    std::optional<std::string> visual;         // VISUAL, then EDITOR: the editor of `okr edit`
    std::optional<std::string> editor;         // EDITOR
    std::optional<std::string> okr_pager;      // OKR_PAGER, then PAGER
    std::optional<std::string> pager;          // PAGER
    std::optional<std::string> lock_timeout;   // OKR_LOCK_TIMEOUT, in seconds
    std::optional<std::string> user;           // USER: the owner `okr init` suggests
    std::optional<std::string> home;           // HOME
    std::optional<std::string> xdg_data_home;  // XDG_DATA_HOME: where the trust store lives
    std::optional<std::string> xdg_cache_home; // XDG_CACHE_HOME (default ~/.cache)
    std::optional<std::string> okr_cache;      // OKR_CACHE (`off` turns the cache off)
    std::optional<std::string> okr_cache_size; // OKR_CACHE_SIZE: the cache's bound
    bool stdout_is_terminal = false;
    bool stdin_is_terminal = false;
    std::size_t terminal_width = 0; // 0: unknown
};

// A loaded, valid workspace with its index and evaluation. It owns all three: moving it moves
// the workspace and keeps the index on it, so the index never points at a workspace that is gone.
struct LoadedGoals {
    io::LoadedWorkspace loaded;
    std::unique_ptr<WorkspaceIndex> index;
    Evaluation evaluation;

    LoadedGoals() = default;
    LoadedGoals(LoadedGoals&& other) noexcept { *this = std::move(other); }
    LoadedGoals& operator=(LoadedGoals&& other) noexcept {
        loaded = std::move(other.loaded);
        index = std::move(other.index);
        evaluation = std::move(other.evaluation);
        if (index) index->follow(loaded.workspace);
        return *this;
    }
    LoadedGoals(const LoadedGoals&) = delete;
    LoadedGoals& operator=(const LoadedGoals&) = delete;
};

// Source lines for diagnostics, read from the goal files on demand.
report::SourceLines source_lines();

class Session {
  public:
    // `write` sends text to standard output; commands that stream large output use it. `warn`
    // sends text to standard error (warnings, hints and findings beside the output). What the
    // command loads lives in `kept`, the run's.
    Session(GlobalOptions options, Environment env, util::Keeper& kept,
            std::function<void(std::string_view)> write = {},
            std::function<void(std::string_view)> warn = {})
        : m_options(std::move(options)), m_env(std::move(env)), m_kept(&kept),
          m_write(std::move(write)), m_warn(std::move(warn)) {}

    const GlobalOptions& options() const { return m_options; }
    const Environment& env() const { return m_env; }

    // Writes `text` to standard output at once (for prompts); without a writer, nowhere.
    void print(std::string_view text) const {
        if (m_write) m_write(text);
    }
    // Writes `text` to standard error at once (through write_stderr); without a writer, nowhere.
    void print_stderr(std::string_view text) const {
        if (m_warn) m_warn(text);
    }

    // The --as-of date (default today); CommandError(usage) when it does not parse.
    Date as_of() const;
    // Width and colour for tables (COLUMNS, else the terminal, else 80; --color, NO_COLOR, TERM).
    report::Look look() const;
    // Where -f, OKR_FILE or the upward search points.
    io::WorkspaceSource source() const;
    // Prints `okr: warning: TEXT` on standard error, unless -q.
    void warn(std::string_view text) const;

    // Loads and evaluates the workspace; CommandError(io) or CommandError(invalid) on failure.
    // Unknown keys in its files are reported in one warning line (SPEC §3). A command that shows
    // no check-in's note loads with Checkins::without_notes (io::WorkspaceSource). The goals are
    // the run's: they live as long as its Keeper (in okr, until the process ends).
    LoadedGoals& load(io::Checkins checkins = io::Checkins::read) const;
    // The selection for reports from --cycle and the command's filters; CommandError(usage)
    // when a reference or cycle does not resolve.
    report::Selection selection(const LoadedGoals& goals, std::vector<std::string> refs,
                                std::string owner, std::string tag, bool kpi_refs) const;

    // The command's output in the --format asked for: JSON from the report rows (SPEC §9),
    // every other format rendered from the report's one description (its sheet).
    std::string render(const std::function<std::string(const report::Spill&)>& json,
                       const std::function<report::Sheet()>& sheet) const;

  private:
    // CommandError(usage) when --owner or --tag `value` matches nothing in the workspace (with
    // "did you mean"); a hint on stderr when it matches only outside the selected cycles.
    void check_filter(const LoadedGoals& goals, std::string_view option, const std::string& value,
                      bool kpis_only) const;

    GlobalOptions m_options;
    Environment m_env;
    util::Keeper* m_kept;
    std::function<void(std::string_view)> m_write;
    std::function<void(std::string_view)> m_warn;
};

} // namespace okr::cli
