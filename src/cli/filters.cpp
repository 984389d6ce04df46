#include "okr/cli/filters.hpp"
#include "okr/cli/command_line.hpp"

#include "okr/cli/completion.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace okr::cli {

void add_owner_option(CommandLine& command, std::string& owner, std::string help) {
    command.add_option("--owner", owner, std::move(help))
        ->type_name("OWNER")
        ->completes(Complete::owners);
}

void add_tag_option(CommandLine& command, std::string& tag, std::string help) {
    command.add_option("--tag", tag, std::move(help))->type_name("TAG")->completes(Complete::tags);
}

void add_fail_on_option(CommandLine& command, std::vector<std::string>& words) {
    command
        .add_option("--fail-on", words,
                    "Exit 1 when a shown item meets one of LIST: off-track, at-risk, breach, "
                    "warn, stale, due (comma-separated)")
        ->delimiter(',')
        ->one_of({"off-track", "at-risk", "breach", "warn", "stale", "due"})
        ->type_name("LIST");
}

std::vector<report::FailOn> fail_on_conditions(const std::vector<std::string>& words) {
    std::vector<report::FailOn> out;
    for (const std::string& w : words)
        if (auto c = report::parse_fail_on(w)) out.push_back(*c);
    return out;
}

ExitCode fail_on_exit(const Session& session, const std::vector<std::string>& failing) {
    if (failing.empty()) return ExitCode::ok;
    if (!session.options().quiet) {
        std::string text =
            fmt::format("okr: --fail-on: {} item{} met a condition: {}\n", failing.size(),
                        failing.size() == 1 ? "" : "s", fmt::join(failing, ", "));
        session.print_stderr(text);
    }
    return ExitCode::problems;
}

void add_status_sort_options(CommandLine& command, std::vector<std::string>& statuses,
                             std::string& sort) {
    command
        .add_option("--status", statuses,
                    "Only items in these states: on-track, at-risk, off-track, done, dropped, "
                    "closed (comma-separated); an objective shows with its matching KRs")
        ->delimiter(',')
        ->one_of({"on-track", "at-risk", "off-track", "done", "dropped", "closed"})
        ->type_name("LIST");
    command
        .add_option("--sort", sort,
                    "Order objectives and their KRs: score, progress (lowest first), status "
                    "(worst first), owner, last (oldest check-in first)")
        ->one_of({"score", "progress", "status", "owner", "last"})
        ->type_name("KEY");
}

void apply_status_sort(report::Report& report, const std::vector<std::string>& statuses,
                       const std::string& sort) {
    if (!statuses.empty()) {
        std::vector<Status> wanted;
        for (const std::string& s : statuses)
            if (auto st = report::parse_status(s)) wanted.push_back(*st);
        report::keep_statuses(report, wanted);
    }
    if (sort.empty()) return;
    using report::SortKey;
    const SortKey key = sort == "score"      ? SortKey::score
                        : sort == "progress" ? SortKey::progress
                        : sort == "status"   ? SortKey::status
                        : sort == "owner"    ? SortKey::owner
                                             : SortKey::last;
    report::sort_report(report, key);
}

} // namespace okr::cli
