#include "okr/cli/session.hpp"

#include "okr/cli/pager.hpp"

#include "okr/core/lint.hpp"
#include "okr/core/suggest.hpp"
#include "okr/report/terminal.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace okr::cli {

CommandError command_error(const Failure& failure, std::string_view suffix) {
    using Kind = Failure::Kind;
    std::string message = failure.message + std::string(suffix);
    switch (failure.kind) {
    case Kind::would_be_invalid:
    case Kind::unsupported:
        return CommandError(ExitCode::usage, std::move(message), failure.hint);
    case Kind::file_invalid:
        return CommandError(ExitCode::invalid, std::move(message), failure.hint);
    case Kind::unverified:
        return CommandError(ExitCode::invalid, failure.message, failure.hint);
    case Kind::io:
    case Kind::not_found:
    case Kind::read_only:
    case Kind::exists:
    case Kind::lock_held:
    case Kind::lock_stale:
    case Kind::changed:
        break;
    }
    return CommandError(ExitCode::io, std::move(message), failure.hint);
}

Date parse_date_arg(std::string_view what, std::string_view text, Date today) {
    if (auto d = parse_cli_date(text, today)) return *d;
    std::string message = fmt::format("{}: not a date: \"{}\"", what, report::escape_control(text));
    // A well-formed date that does not exist says why.
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        int y = 0, m = 0, d = 0;
        auto num = [&](std::size_t at, std::size_t n, int& v) {
            auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + n, v);
            return ec == std::errc{} && p == text.data() + at + n;
        };
        static constexpr const char* k_months[] = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};
        if (num(0, 4, y) && num(5, 2, m) && num(8, 2, d)) {
            if (m < 1 || m > 12)
                message = fmt::format("{}: {} does not exist: there is no month {}", what, text, m);
            else if (d < 1 || d > days_in_month(y, m))
                message = fmt::format("{}: {} does not exist: {} {} has {} days", what, text,
                                      k_months[m - 1], y, days_in_month(y, m));
        }
    }
    throw CommandError(ExitCode::usage, message,
                       "use YYYY-MM-DD (a real calendar date), today, yesterday, -3d or -2w");
}

Date Session::as_of() const {
    if (m_options.as_of.empty()) return m_env.today;
    return parse_date_arg("--as-of", m_options.as_of, m_env.today);
}

report::Look Session::look() const {
    report::Look look;
    look.width = 80;
    std::size_t columns = 0;
    if (m_env.columns) {
        const std::string& c = *m_env.columns;
        auto [ptr, ec] = std::from_chars(c.data(), c.data() + c.size(), columns);
        if (ec != std::errc{} || ptr != c.data() + c.size()) columns = 0;
    }
    if (columns > 0)
        look.width = columns;
    else if (m_env.stdout_is_terminal && m_env.terminal_width > 0)
        look.width = m_env.terminal_width;
    if (m_options.color == "always")
        look.color = true;
    else if (m_options.color == "never")
        look.color = false;
    else
        look.color = m_env.stdout_is_terminal && !m_env.no_color && !m_env.dumb_terminal;
    return look;
}

io::WorkspaceSource Session::source() const {
    return {m_options.files, m_env.okr_file, m_env.cwd,
            io::cache_settings(m_env.okr_cache, m_env.xdg_cache_home, m_env.home,
                               m_env.okr_cache_size)};
}

void Session::warn(std::string_view text) const {
    // A warning is one line: a newline in a file name it names is shown as `\n`.
    if (m_warn && !m_options.quiet)
        m_warn(fmt::format("okr: warning: {}\n", report::escape_control(text)));
}

LoadedGoals& Session::load(io::Checkins checkins) const {
    const Date date = as_of();
    LoadedGoals goals;
    io::WorkspaceSource from = source();
    from.checkins = checkins;
    goals.loaded = io::load_workspace(from);
    if (goals.loaded.problem) throw command_error(*goals.loaded.problem);
    if (const std::string unknown = unknown_keys_summary(goals.loaded.workspace); !unknown.empty())
        warn(unknown);
    Diagnostics errors;
    for (const auto& d : goals.loaded.diagnostics)
        if (d.level == Level::error) errors.push_back(d);
    if (!errors.empty()) {
        report::Look plain = look();
        throw CommandError(ExitCode::invalid,
                           fmt::format("{} error{} in goal files; nothing was shown", errors.size(),
                                       errors.size() == 1 ? "" : "s"),
                           "fix the positions above; `okr check` lists every finding",
                           report::diagnostics_text(errors, plain, source_lines()));
    }
    goals.index = std::make_unique<WorkspaceIndex>(goals.loaded.workspace);
    goals.evaluation = evaluate(*goals.index, date);
    return m_kept->keep(std::move(goals));
}

report::Selection Session::selection(const LoadedGoals& goals, std::vector<std::string> refs,
                                     std::string owner, std::string tag, bool kpi_refs) const {
    report::Selection sel;
    sel.cycle = m_options.cycle;
    if (!sel.cycle.empty() && sel.cycle != "all" && !goals.index->cycle(sel.cycle) &&
        !builtin_cycle(sel.cycle)) {
        std::vector<std::string> names;
        for (const Cycle* c : goals.index->all_cycles())
            names.push_back(c->name);
        throw CommandError(
            ExitCode::usage, fmt::format("--cycle: unknown cycle \"{}\"", sel.cycle),
            names.empty()
                ? "use YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM, a declared cycle or all"
                : fmt::format("cycles in this workspace: {}, or all", fmt::join(names, ", ")));
    }
    for (const std::string& r : refs) {
        if (kpi_refs) {
            auto res = goals.index->kpi(r, 0);
            if (!res.found)
                throw CommandError(ExitCode::usage,
                                   describe_failure("KPI", r, res.candidates, res.suggestions));
            continue;
        }
        auto o = goals.index->objective(r, 0);
        if (o.found) continue;
        auto k = goals.index->kr(r, 0, true);
        if (k.found) continue;
        if (!o.candidates.empty())
            throw CommandError(ExitCode::usage, describe_failure("objective", r, o.candidates, {}));
        if (!k.candidates.empty())
            throw CommandError(ExitCode::usage,
                               describe_failure("key result", r, k.candidates, {}));
        auto suggestions = o.suggestions;
        suggestions.insert(suggestions.end(), k.suggestions.begin(), k.suggestions.end());
        if (suggestions.size() > 3) suggestions.resize(3);
        throw CommandError(ExitCode::usage,
                           describe_failure("objective or key result", r, {}, suggestions));
    }
    sel.refs = std::move(refs);
    check_filter(goals, "--owner", owner, kpi_refs);
    check_filter(goals, "--tag", tag, kpi_refs);
    sel.owner = std::move(owner);
    sel.tag = std::move(tag);
    return sel;
}

void Session::check_filter(const LoadedGoals& goals, std::string_view option,
                           const std::string& value, bool kpis_only) const {
    if (value.empty()) return;
    const bool by_owner = option == "--owner";
    const auto cycles = report::selected_cycles(*goals.index, m_options.cycle, as_of());
    std::vector<std::string> known;     // every owner or tag of the workspace
    std::vector<std::string> elsewhere; // cycles where it matches, not selected
    bool matched = false, matched_here = false;
    auto note = [&](const std::string& v) {
        if (std::find(known.begin(), known.end(), v) == known.end()) known.push_back(v);
    };
    for (const GoalFile& file : goals.index->workspace().files) {
        for (const Objective& o : file.objectives) {
            bool hit = false;
            if (by_owner) {
                note(o.owner);
                hit = o.owner == value;
                for (const KeyResult& kr : o.krs) {
                    if (kr.owner.empty()) continue;
                    note(kr.owner);
                    hit = hit || kr.owner == value;
                }
            } else {
                for (const std::string& t : o.tags)
                    note(t);
                hit = std::find(o.tags.begin(), o.tags.end(), value) != o.tags.end();
            }
            if (!hit) continue;
            matched = true;
            const bool selected = std::any_of(cycles.begin(), cycles.end(),
                                              [&](const Cycle* c) { return c->name == o.cycle; });
            if (selected || kpis_only)
                matched_here = matched_here || selected;
            else if (std::find(elsewhere.begin(), elsewhere.end(), o.cycle) == elsewhere.end())
                elsewhere.push_back(o.cycle);
        }
        for (const Kpi& k : file.kpis) {
            const bool hit = by_owner
                                 ? k.owner == value
                                 : std::find(k.tags.begin(), k.tags.end(), value) != k.tags.end();
            if (by_owner)
                note(k.owner);
            else
                for (const std::string& t : k.tags)
                    note(t);
            // KPIs have no cycle: a match is a match in every report that lists KPIs.
            if (hit) matched = matched_here = true;
        }
    }
    known.erase(std::remove(known.begin(), known.end(), std::string()), known.end());
    if (!matched) {
        const std::string near = nearest(value, known);
        std::sort(known.begin(), known.end());
        throw CommandError(
            ExitCode::usage,
            fmt::format("{}: no {} \"{}\" in this workspace", option, by_owner ? "owner" : "tag",
                        value),
            !near.empty()   ? fmt::format("did you mean \"{}\"?", near)
            : known.empty() ? std::string(by_owner ? "no item has an owner yet"
                                                   : "no objective or KPI has a tag yet")
            : known.size() <= 8
                ? fmt::format("{}: {}", by_owner ? "owners" : "tags", fmt::join(known, ", "))
                : std::string());
    }
    if (!matched_here && !elsewhere.empty() && !m_options.quiet && m_warn)
        m_warn(fmt::format("okr: {} \"{}\" has goals only in {}; nothing in the selected cycle{}\n"
                           "  hint: add --cycle {} (or --cycle all)\n",
                           option, report::escape_control(value), fmt::join(elsewhere, ", "),
                           cycles.size() == 1 ? "" : "s", elsewhere.front()));
}

report::SourceLines source_lines() {
    auto cache = std::make_shared<io::SourceCache>();
    return [cache](const std::string& path, std::uint32_t line) { return cache->line(path, line); };
}

std::string Session::render(const std::function<std::string(const report::Spill&)>& json,
                            const std::function<report::Sheet()>& sheet) const {
    const std::string& format = m_options.format;
    if (format == "github")
        throw CommandError(ExitCode::usage, "--format github is for `okr check` only",
                           "read commands print table, json, csv, markdown or html");
    // Without a pager, long output is written a window at a time as its rows are made (a pager
    // is handed the whole of it, to decide whether it fits the screen), in every format.
    const bool streamed = m_write && pager_command(m_options.no_pager, m_env.stdout_is_terminal,
                                                   m_env.okr_pager, m_env.pager)
                                         .empty();
    if (format == "json") {
        if (!streamed) return json({});
        return json([this](std::string& text) {
            m_write(text);
            text.clear();
        });
    }
    std::string out;
    report::render_sheet(sheet(), format, look(), out,
                         streamed ? report::Spill([this](std::string& text) {
                             m_write(text);
                             text.clear();
                         })
                                  : report::Spill());
    return out;
}

} // namespace okr::cli
