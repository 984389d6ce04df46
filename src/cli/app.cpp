#include "okr/cli/app.hpp"

#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/pager.hpp"
#include "okr/core/suggest.hpp"
#include "okr/io/cache.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/report/json.hpp"
#include "okr/report/text.hpp"
#include "okr/util/process.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <set>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef OKR_VERSION
#define OKR_VERSION "0.0.0"
#endif

namespace okr::cli {
namespace {

constexpr const char* k_formats[] = {"table", "json", "csv", "markdown", "html", "github"};

// Today's date in the local time zone: the only place okr reads the date from the clock. Every
// layer below gets it from the Environment.
Date local_today() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return *Date::from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

Environment read_environment() {
    Environment env;
    env.today = local_today();
    std::error_code ec;
    env.cwd = std::filesystem::current_path(ec);
    auto get = [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    env.okr_file = get("OKR_FILE");
    env.columns = get("COLUMNS");
    env.no_color = get("NO_COLOR").value_or("") != "";
    env.dumb_terminal = get("TERM").value_or("") == "dumb";
    env.visual = get("VISUAL");
    env.editor = get("EDITOR");
    env.okr_pager = get("OKR_PAGER");
    env.pager = get("PAGER");
    env.lock_timeout = get("OKR_LOCK_TIMEOUT");
    env.user = get("USER");
    env.home = get("HOME");
    env.xdg_data_home = get("XDG_DATA_HOME");
    env.xdg_cache_home = get("XDG_CACHE_HOME");
    env.okr_cache = get("OKR_CACHE");
    env.okr_cache_size = get("OKR_CACHE_SIZE");
    env.stdout_is_terminal = ::isatty(STDOUT_FILENO) == 1;
    env.stdin_is_terminal = ::isatty(STDIN_FILENO) == 1;
    struct winsize ws {};
    if (env.stdout_is_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        env.terminal_width = ws.ws_col;
    return env;
}

// Writes okr's own text (help, the pointer to `okr init`) to standard output.
void write_stdout(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

int report_error(const std::string& message, const std::string& hint) {
    std::string text = fmt::format("okr: error: {}\n", report::escape_control(message));
    if (!hint.empty()) text += fmt::format("  hint: {}\n", report::escape_control(hint));
    write_stderr(text);
    return static_cast<int>(ExitCode::usage);
}

// Thrown by the writer of standard output when its reader has quit and SIGPIPE is to end okr:
// the command stops there (no output is made that no one reads), and run() returns, after the
// cache's entries are handed off, for main to end the process by SIGPIPE as any tool does.
struct ReaderQuit {};

// What became of standard output in one run: the first error writing it (0: none); EPIPE, a
// reader that quit, is quiet.
struct Output {
    int error = 0;
    bool colour = false;
    // CSV and HTML have their own escaping, which the last line of defence would spoil (a CSV
    // line ends in CR LF): they are written as they are, as they are at the end of the run.
    bool documents = false;
    void write(std::string_view text) {
        if (error) return;
        std::string safe;
        if (!documents && !report::output_unchanged(text)) {
            safe = report::escape_output(text, colour);
            text = safe;
        }
        io::widen_stdout_pipe(text.size());
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
            std::fflush(stdout) != 0) {
            error = errno ? errno : EIO;
            if (error == EPIPE && util::sigpipe_ends_process()) throw ReaderQuit{};
        }
    }
};

// git runs `okr merge` with paths that may look like options (`-hiring.toml`, `--version`):
// after the command's own `--label NAME` options, every argument is taken as a path, as if `--`
// stood before it (SPEC §12). A lone `-h` or `--help` still asks for help. Other commands'
// arguments are returned as they are.
// The place of the command's name in `args`: the first word that is neither a global option
// nor the value of one (args.size() when there is none, or a `--` comes first).
std::size_t command_word(const std::vector<std::string>& args) {
    static const std::set<std::string_view> k_valued = {"-f",      "--file",   "--as-of",
                                                        "--cycle", "--format", "--color"};
    std::size_t i = 1;
    while (i < args.size() && args[i].starts_with("-") && args[i] != "--")
        i += k_valued.count(args[i]) ? 2 : 1;
    return i < args.size() && args[i] != "--" ? i : args.size();
}

std::vector<std::string> merge_arguments_as_paths(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    const std::size_t i = command_word(args);
    if (i >= args.size() || args[i] != "merge") return args;
    std::size_t j = i + 1;
    while (j < args.size()) {
        if (args[j] == "--label" && j + 1 < args.size())
            j += 2;
        else if (args[j].starts_with("--label="))
            ++j;
        else
            break;
    }
    const bool help_alone = j + 1 == args.size() && (args[j] == "-h" || args[j] == "--help");
    if (j < args.size() && args[j] != "--" && !help_alone)
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(j), "--");
    return args;
}

} // namespace

bool write_protocol(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void write_stderr(std::string_view text, bool colour) {
    const std::string safe = report::escape_output(text, colour);
    std::fwrite(safe.data(), 1, safe.size(), stderr);
    std::fflush(stderr);
}

util::Ending run(int argc, char** argv, util::Keeper& kept) {
    CLI::App app{"okr: track objectives, key results and KPIs in plain TOML files", "okr"};
    app.footer("Run `okr COMMAND --help` for a command's options. Exit codes: 0 ok, 1 check found "
               "problems, "
               "2 usage error, 3 invalid goal file, 4 I/O error.");
    app.set_version_flag("--version", std::string("okr ") + OKR_VERSION,
                         "Print the version and exit");
    app.fallthrough();
    app.require_subcommand(0, 1);

    GlobalOptions options;
    app.add_option("-f,--file", options.files,
                   "Goal file or directory (repeatable; default: OKR_FILE, else the "
                   "nearest okr.toml above the working directory)")
        ->type_name("PATH")
        ->check(completes(Complete::files));
    app.add_option("--as-of", options.as_of,
                   "Report as of DATE: YYYY-MM-DD, today, yesterday, -3d, -2w (default: today)")
        ->type_name("DATE")
        ->check(completes(Complete::dates));
    app.add_option("--cycle", options.cycle,
                   "Cycle to report: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM, a declared name, or all "
                   "(default: every cycle "
                   "containing the as-of date, else the one that ended last)")
        ->type_name("NAME")
        ->check(completes(Complete::cycles_or_all));
    app.add_option("--format", options.format,
                   "Output format: of read commands; json also for writes; github for check only")
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(k_formats), std::end(k_formats))))
        ->type_name("FORMAT")
        ->capture_default_str();
    app.add_option("--color", options.color,
                   "Colour: auto (a terminal without NO_COLOR), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->type_name("WHEN")
        ->capture_default_str();
    app.add_flag("--no-pager", options.no_pager, "Never page output");
    app.add_flag("-q,--quiet", options.quiet, "Print only what was asked for");

    // Only the command that runs gets its options: setting up all thirty took more of a small
    // run than loading its goal file (issue 29, item 3). Every command is there, by name, for
    // CLI11; all are set up when the command line names none that the table knows (help, a
    // misspelt command, `okr --help`), or names `completion`, which describes them all.
    const std::vector<std::string> args = merge_arguments_as_paths(argc, argv);
    const std::size_t named_at = command_word(args);
    std::string_view only;
    if (named_at < args.size()) {
        only = args[named_at];
    } else if (std::none_of(args.begin() + 1, args.end(), [](const std::string& a) {
                   return a == "-h" || a == "--help" || a == "--version" || a == "--";
               })) {
        only = "status"; // no command: status, or the pointer to `okr init`
    }
    const auto table = command_table();
    // completion, and the look-ups of commands and options, describe every command.
    const auto complete_what = [&] { return named_at + 1 < args.size() ? args[named_at + 1] : ""; };
    if (only == "completion" ||
        (only == "__complete" && (complete_what() == "commands" || complete_what() == "options")) ||
        std::none_of(table.begin(), table.end(), [&](const Command& c) { return c.name == only; }))
        only = {};
    std::vector<std::pair<CLI::App*, Runner>> runners;
    std::set<const CLI::App*> writes;
    for (const Command& command : table) {
        CLI::App* sub = app.add_subcommand(command.name, command.summary);
        CommandLine line(*sub);
        runners.emplace_back(sub,
                             only.empty() || only == command.name ? command.setup(line) : Runner{});
        if (command.kind == CommandKind::write) writes.insert(sub);
    }
    std::string help_topic;
    CLI::App* help = app.add_subcommand("help", "Show help for a command: okr help COMMAND");
    help->add_option("COMMAND", help_topic, "The command to explain")
        ->check(completes(Complete::commands));

    try {
        std::vector<const char*> arg_ptrs;
        for (const std::string& a : args)
            arg_ptrs.push_back(a.c_str());
        app.parse(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
    } catch (const CLI::ExtrasError& e) {
        // A stray word before any command is most likely a misspelt command.
        if (app.get_subcommands().empty() && !app.remaining().empty()) {
            std::vector<std::string> names;
            for (const Command& c : command_table())
                names.push_back(c.name);
            names.push_back("help");
            const std::string word = app.remaining().front();
            const std::string near = nearest(word, names);
            return util::Ending{report_error(fmt::format("unknown command \"{}\"", word),
                                             near.empty()
                                                 ? "run `okr --help` for the list of commands"
                                                 : fmt::format("did you mean `okr {}`?", near))};
        }
        return util::Ending{report_error(e.what(), "run `okr --help` for usage")};
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return util::Ending{app.exit(e)};
        return util::Ending{report_error(e.what(), "run `okr --help` for usage")};
    }

    if (help->parsed()) {
        if (help_topic.empty()) {
            write_stdout(app.help());
            return {};
        }
        for (const auto& [sub, runner] : runners)
            if (sub->get_name() == help_topic) {
                write_stdout(sub->help("okr"));
                return {};
            }
        return util::Ending{report_error(fmt::format("unknown command \"{}\"", help_topic),
                                         "run `okr --help` for the list")};
    }

    CLI::App* chosen = nullptr;
    Runner runner;
    for (const auto& [sub, r] : runners)
        if (sub->parsed()) {
            chosen = sub;
            runner = r;
        }
    if (chosen && !runner) // a command other than the one named first: not set up (never seen)
        return util::Ending{
            report_error(fmt::format("cannot run `okr {}` here", chosen->get_name()),
                         "give the command first, before its arguments")};
    // OKR_CACHE takes off or an absolute folder (SPEC §14): anything else, for every command,
    // before any folder could be made of it.
    if (const char* cache = std::getenv("OKR_CACHE"))
        if (const auto problem = io::okr_cache_problem(cache))
            return util::Ending{report_error(
                *problem, "OKR_CACHE takes off (or 0, false, no, in any case) to turn the cache "
                          "off, or an absolute folder such as /var/tmp/okr-cache; unset it for "
                          "the default ($XDG_CACHE_HOME/okr, else ~/.cache/okr)")};
    util::hold_sigpipe(); // a reader that quits is an EPIPE: the command and the cache finish
    Output output;
    const Session session(
        options, read_environment(), kept, [&output](std::string_view text) { output.write(text); },
        [&output](std::string_view text) { write_stderr(text, output.colour); });
    output.colour = session.look().color;
    output.documents = options.format == "csv" || options.format == "html";
    if (!chosen) {
        // No command: status where a workspace is found, otherwise a short pointer to `okr init`.
        if (!io::find_root_files(session.source())) {
            write_stdout(
                "okr: track objectives, key results and KPIs in plain TOML files.\n\n"
                "No okr.toml here or above. Create one with `okr init`, or point at one with "
                "-f PATH or OKR_FILE.\nRun `okr --help` for every command.\n");
            return {};
        }
        for (const auto& [sub, r] : runners)
            if (sub->get_name() == std::string("status")) runner = r;
    }
    // A cache that someone else could write was not believed: one line says so and how to fix it
    // (before the output, or the error, that it did not change).
    auto cache_warnings = [&session] {
        for (const std::string& warning : io::take_cache_warnings())
            session.warn(report::escape_control(warning));
    };
    util::Ending ending;
    try {
        std::string out;
        const ExitCode code = runner(session, out);
        cache_warnings();
        // Text for people (and GitHub's log, which draws escape sequences) passes the last line
        // of defence too; JSON, CSV and HTML have their own escaping, which it would spoil.
        if ((options.format == "table" || options.format == "markdown" ||
             options.format == "github") &&
            !report::output_unchanged(out))
            out = report::escape_output(out, output.colour);
        // The command's work is done: a writer process started now shares no page that okr
        // still writes (each such page would be copied for it), and starts before a pager.
        io::start_cache_writers();
        const Environment& env = session.env();
        if (!output.error &&
            !write_paged(out, pager_command(options.no_pager, env.stdout_is_terminal, env.okr_pager,
                                            env.pager)))
            output.error = errno ? errno : EIO;
        ending.code = static_cast<int>(code);
        // Output that could not be written is an I/O error: a report cut short must not pass as
        // one.
        if (output.error != 0 && output.error != EPIPE) {
            write_stderr(fmt::format("okr: error: cannot write the output: {}\n",
                                     std::strerror(output.error)));
            ending.code = static_cast<int>(ExitCode::io);
        }
    } catch (const ReaderQuit&) {
    } catch (const CommandError& e) {
        cache_warnings();
        write_stderr(e.details, output.colour);
        // Messages name files and items: what came from outside cannot drive the terminal.
        std::string text = fmt::format("okr: error: {}\n", report::escape_control(e.message()));
        if (!e.hint.empty()) text += fmt::format("  hint: {}\n", report::escape_control(e.hint));
        write_stderr(text);
        ending.code = static_cast<int>(e.code);
        // A script that reads a write's JSON reads its failure there too.
        if (options.format == "json" && writes.contains(chosen) && !output.error)
            write_stdout(report::json_document({}, [&](report::JsonWriter& w) {
                w.field("schema_version", 1.0);
                w.key("error");
                w.begin_object();
                w.field("message", std::string_view(e.message()));
                w.key("hint");
                if (e.hint.empty())
                    w.null();
                else
                    w.value(std::string_view(e.hint));
                w.field("exit_code", static_cast<double>(static_cast<int>(e.code)));
                w.end_object();
            }));
    }
    // On every way out: the entries of a large first run to their writer process, the others
    // written by now.
    io::start_cache_writers();
    io::finish_cache_writes();
    cache_warnings();
    ending.reader_quit = output.error == EPIPE;
    return ending;
}

int run(int argc, char** argv) {
    util::Keeper kept;
    const util::Ending ending = run(argc, argv, kept);
    return ending.reader_quit && util::sigpipe_ends_process() ? 128 + SIGPIPE : ending.code;
}

} // namespace okr::cli
