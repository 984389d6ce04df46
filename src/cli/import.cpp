#include "okr/io/import.hpp"
#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/workspace.hpp"
#include "okr/report/text.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace okr::cli {

namespace {

struct ImportOptions {
    std::string input;
    bool force = false;
    bool dry_run = false;
};

// At most this many bad rows are listed; the count says how many there were.
constexpr std::size_t k_max_listed_rows = 20;

std::string read_input(const Session& session, const std::string& input) {
    std::string text;
    if (input.empty() || input == "-") {
        if (input.empty() && session.env().stdin_is_terminal)
            throw CommandError(ExitCode::usage,
                               "import needs a FILE, or the rows on standard input",
                               "e.g. okr import checkins.csv, or: some-export | okr import -");
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0)
                throw CommandError(ExitCode::io, fmt::format("cannot read standard input: {}",
                                                             std::strerror(errno)));
            if (n == 0) break;
            text.append(buffer, static_cast<std::size_t>(n));
            // Bounded like a file: `okr import - < /dev/zero` must end.
            if (text.size() > io::k_max_file_bytes)
                throw CommandError(ExitCode::io,
                                   fmt::format("cannot read standard input: larger than {} MiB",
                                               io::k_max_file_bytes >> 20),
                                   "import at most 64 MiB at a time; split the rows");
        }
        return text;
    }
    struct stat st {};
    if (::stat(input.c_str(), &st) != 0)
        throw CommandError(ExitCode::io,
                           fmt::format("cannot read {}: {}", input, std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        throw CommandError(ExitCode::io, fmt::format("cannot read {}: not a regular file", input),
                           "give a CSV or JSON file, or - for standard input");
    Result<std::string> read = io::read_file(input);
    if (!read) throw command_error(read.failure());
    return std::move(read).value();
}

} // namespace

Runner setup_import(CommandLine& command) {
    auto opts = std::make_shared<ImportOptions>();
    command
        .add_option("FILE", opts->input,
                    "CSV (header ref,date,value[,confidence][,note]) or JSON (an array of "
                    "objects with those keys); - or nothing: standard input")
        ->completes(Complete::files);
    command.add_flag("--force", opts->force,
                     "Record rows that would not count (in the future, after their cycle, on a "
                     "dropped item or a closed objective)");
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        const Date today = session.as_of();
        const std::string name =
            opts->input.empty() || opts->input == "-" ? "<stdin>" : opts->input;
        const std::string text = read_input(session, opts->input);
        auto parsed = io::parse_import(text);
        if (!parsed) {
            const Failure& e = parsed.failure();
            throw CommandError(ExitCode::usage,
                               e.pos.column ? fmt::format("{}:{}:{}: {}; nothing was imported",
                                                          name, e.pos.line, e.pos.column, e.message)
                                            : fmt::format("{}:{}: {}; nothing was imported", name,
                                                          e.pos.line, e.message),
                               e.hint);
        }
        const auto& rows = *parsed;

        // Every row is checked, against the rules of `okr checkin`, before anything is written.
        LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const CheckinFields fields{"value", "date", "confidence"};
        std::vector<CheckedCheckin> checked;
        checked.reserve(rows.size());
        std::string bad;
        std::size_t bad_rows = 0;
        for (const io::ImportRow& row : rows) {
            try {
                CheckedCheckin c = check_checkin(
                    index, {row.ref, row.value, row.date, row.confidence, row.note}, today, fields);
                if (!opts->force) refuse_uncounted(index, c.target, c.checkin.date, today);
                checked.push_back(std::move(c));
            } catch (const CommandError& e) {
                if (++bad_rows > k_max_listed_rows) continue;
                // The row's fields are in the message: one line, its control characters shown.
                bad += fmt::format("{}:{}: error: row {}: {}\n", report::escape_control(name),
                                   row.line, row.number, report::escape_control(e.message()));
                if (!e.hint.empty())
                    bad += fmt::format("  hint: {}\n", report::escape_control(e.hint));
            }
        }
        if (bad_rows > 0) {
            if (bad_rows > k_max_listed_rows)
                bad += fmt::format("... and {} more\n", bad_rows - k_max_listed_rows);
            throw CommandError(ExitCode::usage,
                               fmt::format("{} of {} row{} cannot be imported; nothing was written",
                                           bad_rows, rows.size(), rows.size() == 1 ? "" : "s"),
                               "fix those rows and run the import again", bad);
        }
        if (rows.empty()) {
            finish_write(session, opts->dry_run, {},
                         fmt::format("{}: no rows; nothing to import\n", name), out);
            return ExitCode::ok;
        }

        std::map<std::string, std::string> texts;
        const std::vector<Written> written =
            record_checkins(session, index, checked, opts->dry_run, out, &texts);
        // Like every write, it says what `okr check` would now find that it did not before.
        for (std::size_t f = 0; f < index.workspace().files.size(); ++f)
            if (auto t = texts.find(index.workspace().files[f].path); t != texts.end())
                warn_new_findings(session, goals, f, t->second);
        std::map<std::string, std::size_t> per_file;
        for (const Written& w : written)
            ++per_file[w.path];
        std::string summary;
        for (const auto& [path, count] : per_file)
            summary += fmt::format("{}: {} check-in{}\n", path, count, count == 1 ? "" : "s");
        summary += fmt::format("imported {} check-in{} into {} file{}\n", written.size(),
                               written.size() == 1 ? "" : "s", per_file.size(),
                               per_file.size() == 1 ? "" : "s");
        finish_write(session, opts->dry_run, written, summary, out);
        return ExitCode::ok;
    };
}

} // namespace okr::cli
