#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/completion.hpp"
#include "okr/cli/sources.hpp"
#include "okr/cli/write.hpp"
#include "okr/io/source.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>

namespace okr::cli {

namespace {

struct PullOptions {
    std::vector<std::string> refs;
    double timeout = 30;
    bool dry_run = false;
};

// At most this much output is read from a source; a number needs far less.
constexpr std::size_t k_max_output = 4096;

// A KPI is due when its period has passed since its latest check-in (or it has none); a KPI
// without a frequency, when it has no check-in on the as-of date.
bool due(const Kpi& kpi, Date as_of) {
    std::optional<Date> last;
    for (const Checkin& c : kpi.checkins)
        if (c.date <= as_of && (!last || c.date > *last)) last = c.date;
    if (!last) return true;
    if (!kpi.frequency) return *last < as_of;
    return as_of - *last >= period_days(*kpi.frequency);
}

// What the source printed, shortened and escaped for a message.
std::string shown(std::string_view text) {
    constexpr std::size_t k_max = 60;
    std::string cut(text.substr(0, k_max));
    return report::escape_control(cut) + (text.size() > k_max ? "..." : "");
}

std::string trimmed(std::string_view text) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    return std::string(text);
}

// Why a run gave no value, or an empty string when it printed something to read.
std::string run_failure(const io::SourceRun& run, double timeout) {
    using Outcome = io::SourceRun::Outcome;
    std::string why;
    switch (run.outcome) {
    case Outcome::not_started:
        return fmt::format("cannot start its source: {}", run.detail);
    case Outcome::timed_out:
        return fmt::format("its source was still running after {} s; it was stopped",
                           report::format_number(timeout));
    case Outcome::too_much_output:
        return fmt::format("its source printed more than {} bytes; it was stopped", k_max_output);
    case Outcome::signalled:
        why = fmt::format("its source was killed by signal {}", run.signal);
        break;
    case Outcome::exited:
        if (run.exit_code == 0) {
            if (trimmed(run.output).empty()) return "its source printed nothing";
            return {};
        }
        why = fmt::format("its source failed with exit code {}", run.exit_code);
        break;
    }
    const std::string errors = trimmed(run.errors);
    if (!errors.empty()) why += fmt::format(": {}", shown(errors.substr(0, errors.find('\n'))));
    return why;
}

} // namespace

Runner setup_pull(CommandLine& command) {
    auto opts = std::make_shared<PullOptions>();
    command
        .add_option("KPI", opts->refs,
                    "KPIs whose sources to run (default: every KPI with a source whose period "
                    "has passed)")
        ->completes(Complete::kpis);
    command
        .add_option("--timeout", opts->timeout, "Seconds each source may run before it is stopped")
        ->type_name("SECONDS")
        ->completes(Complete::nothing)
        ->capture_default_str();
    add_dry_run_flag(command, opts->dry_run);
    return [opts](const Session& session, std::string& out) {
        if (!(opts->timeout > 0) || !std::isfinite(opts->timeout) || opts->timeout > 86400)
            throw CommandError(ExitCode::usage,
                               fmt::format("--timeout: expected seconds from 0 to 86400, found {}",
                                           report::format_number(opts->timeout)),
                               "e.g. --timeout 10");
        const Date today = session.as_of();
        const LoadedGoals& goals = session.load();
        const WorkspaceIndex& index = *goals.index;
        const std::string root = workspace_root(session);
        const std::vector<KpiSource> all = kpi_sources(session, index, root);

        // Which sources run: the named KPIs', else those of the KPIs that are due.
        std::vector<KpiSource> chosen;
        if (!opts->refs.empty()) {
            for (const std::string& r : opts->refs) {
                const auto res = index.kpi(r, 0);
                if (!res.found)
                    throw CommandError(ExitCode::usage,
                                       describe_failure("KPI", r, res.candidates, res.suggestions));
                const auto it = std::find_if(all.begin(), all.end(), [&](const KpiSource& s) {
                    return s.kpi.file == res.found->file && s.kpi.kpi == res.found->kpi;
                });
                if (it == all.end())
                    throw CommandError(
                        ExitCode::usage,
                        fmt::format("{} has no source to pull from", index.ref_of(*res.found)),
                        fmt::format("give it one: okr set {} source 'COMMAND', or check in by "
                                    "hand: okr checkin {} VALUE",
                                    index.ref_of(*res.found), index.ref_of(*res.found)));
                if (std::none_of(chosen.begin(), chosen.end(),
                                 [&](const KpiSource& s) { return s.ref == it->ref; }))
                    chosen.push_back(*it);
            }
        } else {
            for (const KpiSource& s : all) {
                const Kpi& kpi = index.at(s.kpi);
                if (!kpi.dropped && due(kpi, today)) chosen.push_back(s);
            }
        }
        if (chosen.empty()) {
            if (!session.options().quiet)
                out += all.empty() ? "No KPI has a source; nothing to pull.\n"
                                   : "No KPI with a source is due; nothing to pull.\n";
            return ExitCode::ok;
        }

        // Nothing runs unless the user approved exactly this command in exactly this file, with
        // exactly these files it names, in a store no one else could have written.
        const io::TrustStore store =
            believed_trust_store(trust_store_path(session), ExitCode::usage);
        std::string untrusted;
        std::size_t untrusted_count = 0;
        for (const KpiSource& s : chosen)
            if (const io::TrustCheck check = store.check(root, s.hash, s.files);
                check.verdict != io::TrustCheck::Verdict::trusted) {
                ++untrusted_count;
                untrusted += fmt::format("{}:{}: {}: source = {}\n{}", s.path, s.line, s.ref,
                                         report::escape_control(s.command), describe_trust(check));
            }
        if (untrusted_count > 0)
            throw CommandError(
                ExitCode::usage,
                fmt::format("{} KPI source{} {} new or changed since `okr trust`; nothing was run",
                            untrusted_count, untrusted_count == 1 ? "" : "s",
                            untrusted_count == 1 ? "is" : "are"),
                "read the command" + std::string(untrusted_count == 1 ? "" : "s") +
                    " above; if you would run them yourself, run `okr trust`, then `okr pull`",
                untrusted);

        const auto timeout =
            std::chrono::milliseconds(static_cast<long long>(std::llround(opts->timeout * 1000)));
        std::vector<CheckedCheckin> values;
        std::vector<std::string> value_lines;
        std::size_t failures = 0;
        for (const KpiSource& s : chosen) {
            const io::SourceRun run = io::run_source(s.command, s.folder, timeout, k_max_output);
            std::string why = run_failure(run, opts->timeout);
            if (why.empty()) {
                const std::string text = trimmed(run.output);
                try {
                    if (text.find('\n') != std::string::npos)
                        throw CommandError(
                            ExitCode::usage,
                            fmt::format("its source printed several lines: \"{}\"", shown(text)),
                            "a source prints one number, e.g. 91.2");
                    values.push_back(check_checkin(index, {s.ref, text, today.iso(), "", ""}, today,
                                                   {"its source's output", "date", ""}));
                    value_lines.push_back(fmt::format("{}: {}\n", s.ref, shown(text)));
                } catch (const CommandError& e) {
                    why = e.message();
                    if (!e.hint.empty()) why += fmt::format(" ({})", e.hint);
                }
            }
            if (!why.empty()) {
                ++failures;
                session.print_stderr(fmt::format("okr: error: {}: {}\n  source = {}\n", s.ref,
                                                 report::escape_control(why),
                                                 report::escape_control(s.command)));
            }
        }
        std::vector<Written> written;
        if (!values.empty()) written = record_checkins(session, index, values, opts->dry_run, out);
        std::string text;
        for (const std::string& line : value_lines)
            text += line;
        finish_write(session, opts->dry_run, written, text, out);
        if (failures > 0)
            session.print_stderr(
                fmt::format("okr: {} of {} source{} failed; the others were recorded\n", failures,
                            chosen.size(), chosen.size() == 1 ? "" : "s"));
        return failures > 0 ? ExitCode::problems : ExitCode::ok;
    };
}

} // namespace okr::cli
