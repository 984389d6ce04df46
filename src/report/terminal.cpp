#include "okr/report/terminal.hpp"

#include "okr/report/sheets.hpp"
#include "okr/report/text.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "okr/core/lint.hpp"

namespace okr::report {
namespace {

constexpr std::size_t k_bar_width = 10;

std::string score_text(std::optional<double> s) {
    return s ? format_score(*s) : "-";
}

std::string status_text(Status s) {
    return s == Status::none ? "-" : to_string(s);
}

std::string with_unit(const std::string& number, const std::string& unit) {
    if (unit.empty()) return number;
    if (unit == "%") return number + "%";
    return number + " " + escape_control(unit);
}

std::string milestone_text(double value) {
    return value >= 1 ? "done" : "not done";
}

std::string kr_value(const KrRow& kr) {
    if (kr.type == KrType::milestone) return milestone_text(kr.current);
    return fmt::format("{} / {}", format_number(kr.current),
                       with_unit(format_number(kr.target), kr.unit));
}

std::string kpi_bounds(const KpiRow& k) {
    if (k.min && k.max) return fmt::format("{}..{}", format_number(*k.min), format_number(*k.max));
    std::string out;
    if (k.min) out = fmt::format(">= {}", format_number(*k.min));
    if (k.max) out = fmt::format("<= {}", format_number(*k.max));
    if (k.warn) out += fmt::format(" (warn {})", format_number(*k.warn));
    return out;
}

std::string kpi_value(const KpiRow& k) {
    return k.value ? with_unit(format_number(*k.value), k.unit) : "-";
}

std::string age_text(std::optional<int> days) {
    if (!days) return "-";
    if (*days < 0) return "future";
    return fmt::format("{}d", *days);
}

std::string heading(const Report& r, const Look& look) {
    std::string line = r.title.empty() ? std::string() : escape_control(r.title) + " · ";
    line += escape_control(describe_cycles(r.cycles)) + " · as of " + r.as_of.iso();
    return paint(truncate_to_width(line, look.width), Style::bold, look.color) + "\n\n";
}

// Objective titles show the reference when the report spans several files.
bool multi_file(const Report& r) {
    for (const auto& o : r.objectives)
        if (o.file != r.objectives.front().file) return true;
    return false;
}

} // namespace

Style style_of(Status s) {
    switch (s) {
    case Status::done:
        return Style::blue;
    case Status::on_track:
        return Style::green;
    case Status::at_risk:
        return Style::yellow;
    case Status::off_track:
        return Style::red;
    case Status::dropped:
        return Style::dim;
    case Status::none:
        return Style::dim;
    }
    return Style::plain;
}

Style style_of(Band b) {
    switch (b) {
    case Band::green:
        return Style::green;
    case Band::yellow:
        return Style::yellow;
    case Band::red:
        return Style::red;
    case Band::none:
        return Style::dim;
    }
    return Style::plain;
}

Style style_of(Health h) {
    switch (h) {
    case Health::ok:
        return Style::green;
    case Health::warn:
        return Style::yellow;
    case Health::breach:
        return Style::red;
    case Health::unknown:
        return Style::dim;
    }
    return Style::plain;
}

std::string status_table(const Report& r, const Look& look) {
    std::string out = heading(r, look);
    if (r.objectives.empty())
        return out + "No objectives in this selection. Try --cycle all, or add one with `okr add "
                     "objective`.\n";
    const bool refs = multi_file(r);
    Table t({{"OBJECTIVE / KEY RESULT", Align::left, true, 0},
             {"PROGRESS", Align::left, false, 3},
             {"", Align::right, false, 0},
             {"NOW / TARGET", Align::left, true, 5, 16},
             {"EXP", Align::right, false, 4},
             {"STATUS", Align::left, false, 0},
             {"CONF", Align::right, false, 6},
             {"LAST", Align::right, false, 7}});
    for (const auto& o : r.objectives) {
        const std::string name = (refs ? o.ref : o.id) + "  " + o.title;
        const std::string type = o.type == ObjectiveType::committed ? " [committed]" : "";
        t.add_row({{escape_control(name) + type, Style::bold},
                   {o.score ? progress_bar(*o.score, k_bar_width) : "", style_of(o.status)},
                   {o.score ? format_percent(*o.score) : "-", Style::plain},
                   {o.parent.empty() ? ""
                                     : "↑ " + escape_control(o.parent) +
                                           (o.parent_unresolved ? " (unresolved)" : ""),
                    o.parent_unresolved ? Style::red : Style::dim},
                   {format_percent(o.expected), Style::dim},
                   {status_text(o.status), style_of(o.status)},
                   {},
                   {}});
        for (const auto& kr : o.krs) {
            const bool dropped = kr.status == Status::dropped;
            std::string value = kr_value(kr);
            if (!kr.kpi_ref.empty())
                value += kr.kpi_unresolved ? " (kpi " + escape_control(kr.kpi_ref) + " unresolved)"
                                           : " (kpi " + escape_control(kr.kpi_ref) + ")";
            t.add_row({{"  " + escape_control(kr.id + "  " + kr.title),
                        dropped ? Style::dim : Style::plain},
                       {progress_bar(kr.progress, k_bar_width),
                        dropped ? Style::dim : style_of(kr.status)},
                       {format_percent(kr.progress), Style::plain},
                       {value, kr.kpi_unresolved ? Style::red : Style::plain},
                       {format_percent(kr.expected), Style::dim},
                       {status_text(kr.status), style_of(kr.status)},
                       {kr.confidence ? format_percent(*kr.confidence) : "", Style::plain},
                       {age_text(kr.age_days),
                        kr.age_days && *kr.age_days > 14 ? Style::yellow : Style::dim}});
        }
        for (const auto& k : o.kpis)
            t.add_row({{"  ◆ " + escape_control(k.id + "  " + k.title), Style::cyan},
                       {sparkline(k.history), Style::cyan},
                       {},
                       {kpi_value(k) + "  " + kpi_bounds(k), Style::plain},
                       {},
                       {std::string(to_string(k.health)) + (k.stale ? " (stale)" : ""),
                        style_of(k.health)},
                       {},
                       {k.date ? age_text(r.as_of - *k.date) : "-", Style::dim}});
        for (const auto& missing : o.missing_kpis)
            t.add_row({{"  ◆ " + escape_control(missing), Style::red},
                       {},
                       {},
                       {"unresolved KPI", Style::red},
                       {},
                       {},
                       {},
                       {}});
    }
    out += t.render(look);
    if (r.overall)
        out += fmt::format("\n{} objective{} · overall score {} ({})\n", r.objectives.size(),
                           r.objectives.size() == 1 ? "" : "s", format_score(*r.overall),
                           paint(to_string(r.overall_band), style_of(r.overall_band), look.color));
    return out;
}

std::string score_table(const Report& r, const Look& look) {
    std::string out = heading(r, look);
    if (r.objectives.empty()) return out + "No objectives in this selection. Try --cycle all.\n";
    const bool refs = multi_file(r);
    Table t({{"OBJECTIVE / KEY RESULT", Align::left, true, 0},
             {"OWNER", Align::left, true, 3},
             {"TYPE", Align::left, false, 2},
             {"WEIGHT", Align::right, false, 4},
             {"SCORE", Align::right, false, 0},
             {"BAND", Align::left, false, 0},
             {"NOTE", Align::left, true, 5}});
    for (const auto& o : r.objectives) {
        std::string note;
        if (o.status == Status::dropped) note = "dropped";
        if (o.missed_commitment) note = "missed commitment";
        t.add_row(
            {{escape_control((refs ? o.ref : o.id) + "  " + o.title), Style::bold},
             {escape_control(o.owner), Style::plain},
             {to_string(o.type), o.type == ObjectiveType::committed ? Style::bold : Style::plain},
             {format_number(o.weight), Style::plain},
             {score_text(o.score), style_of(o.band)},
             {o.band == Band::none ? "-" : to_string(o.band), style_of(o.band)},
             {note, o.missed_commitment ? Style::red : Style::dim}});
        for (const auto& kr : o.krs) {
            std::string kr_note;
            if (kr.status == Status::dropped)
                kr_note = "dropped";
            else if (kr.manual_score)
                kr_note = "manual score";
            t.add_row({{"  " + escape_control(kr.id + "  " + kr.title),
                        kr.status == Status::dropped ? Style::dim : Style::plain},
                       {kr.owner == o.owner ? "" : escape_control(kr.owner), Style::plain},
                       {},
                       {format_number(kr.weight), Style::plain},
                       {score_text(kr.score), style_of(kr.band)},
                       {kr.band == Band::none ? "-" : to_string(kr.band), style_of(kr.band)},
                       {kr_note, Style::dim}});
        }
    }
    out += t.render(look);
    out += "\n";
    Table totals({{"OWNER", Align::left, true, 0},
                  {"OBJECTIVES", Align::right, false, 0},
                  {"SCORE", Align::right, false, 0},
                  {"BAND", Align::left, false, 0}});
    for (const auto& o : r.owners)
        totals.add_row({{escape_control(o.owner.empty() ? "(no owner)" : o.owner), Style::plain},
                        {fmt::format("{}", o.objectives), Style::plain},
                        {score_text(o.score), style_of(o.band)},
                        {o.band == Band::none ? "-" : to_string(o.band), style_of(o.band)}});
    std::size_t counted = 0;
    for (const auto& o : r.owners)
        counted += o.objectives;
    totals.add_row({{"overall", Style::bold},
                    {fmt::format("{}", counted), Style::bold},
                    {score_text(r.overall), style_of(r.overall_band)},
                    {r.overall_band == Band::none ? "-" : to_string(r.overall_band),
                     style_of(r.overall_band)}});
    out += totals.render(look);
    return out;
}

std::string kpi_table(const std::vector<KpiRow>& kpis, const Look& look) {
    if (kpis.empty()) return "No KPIs in this selection. Add one with `okr add kpi`.\n";
    Table t({{"KPI", Align::left, true, 0},
             {"VALUE", Align::right, false, 0},
             {"HEALTHY", Align::left, false, 3},
             {"HEALTH", Align::left, false, 0},
             {"LAST", Align::left, false, 4},
             {"TREND", Align::left, false, 2},
             {"OWNER", Align::left, true, 5}});
    for (const auto& k : kpis) {
        std::string health = to_string(k.health);
        if (k.dropped) health = "dropped";
        t.add_row({{escape_control(k.ref + "  " + k.title), k.dropped ? Style::dim : Style::plain},
                   {kpi_value(k), Style::plain},
                   {kpi_bounds(k), Style::dim},
                   {health, k.dropped ? Style::dim : style_of(k.health)},
                   {k.date ? k.date->iso() + (k.stale ? " stale" : "") : "never",
                    k.stale ? Style::yellow : Style::dim},
                   {sparkline(k.history), Style::cyan},
                   {escape_control(k.owner), Style::plain}});
    }
    return t.render(look);
}

std::string diagnostics_text(const Diagnostics& findings, const Look& look,
                             const SourceLines& source) {
    std::string out;
    for (const auto& d : findings) {
        const bool error = d.level == Level::error;
        std::string where =
            d.pos.line ? fmt::format("{}:{}:{}", d.path, d.pos.line, d.pos.column) : d.path;
        out += fmt::format(
            "{}: {} {}", escape_control(where),
            paint(error ? "error:" : "warning:", error ? Style::red : Style::yellow, look.color),
            escape_control(d.message));
        if (!d.rule.empty()) out += fmt::format(" [{}]", d.rule);
        out += '\n';
        if (auto text = source && d.pos.line ? source(d.path, d.pos.line) : std::nullopt) {
            // The caret goes under the column (counted in code points, as toml++ counts them);
            // tabs are shown as four spaces so that it lines up in any terminal.
            std::string line = *text;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            const std::string before = line.substr(
                0, util::skip_code_points(line, 0, d.pos.column ? d.pos.column - 1 : 0));
            auto shown = [](const std::string& raw) {
                std::string expanded;
                for (char c : raw)
                    expanded += c == '\t' ? std::string(4, ' ') : std::string(1, c);
                return escape_control(expanded);
            };
            const std::string pad(display_width(shown(before)), ' ');
            const std::string number = fmt::format("{}", d.pos.line);
            out += fmt::format(" {} | {}\n", number, shown(line));
            out += fmt::format(" {} | {}{}\n", std::string(number.size(), ' '), pad,
                               paint("^", error ? Style::red : Style::yellow, look.color));
        }
        if (!d.hint.empty())
            out += fmt::format("  {} {}\n", paint("hint:", Style::cyan, look.color),
                               escape_control(d.hint));
    }
    return out;
}

} // namespace okr::report

namespace okr::report {
namespace {

std::string section_heading(const std::string& text, const Look& look) {
    return "\n" + paint(text, Style::bold, look.color) + "\n";
}

std::string delta_text(double d, int decimals = 2) {
    const std::string n = format_number(d, decimals);
    return d > 0 ? "+" + n : n;
}

std::string points_text(double delta_progress) {
    const double p = std::round(delta_progress * 100);
    return fmt::format("{}{} pts", p > 0 ? "+" : "", p == 0 ? 0.0 : p);
}

void kr_lines(std::string& out, const std::vector<ReviewKr>& krs, const Look& look,
              bool with_score = true) {
    if (krs.empty()) {
        out += "  none\n";
        return;
    }
    Table t({{"KEY RESULT", Align::left, true, 0},
             {"OWNER", Align::left, true, 3},
             {"NOW / TARGET", Align::left, true, 2, 14},
             {"SCORE", Align::right, false, 0}});
    for (const auto& kr : krs)
        t.add_row({{escape_control(kr.ref + "  " + kr.title), Style::plain},
                   {escape_control(kr.owner), Style::dim},
                   {kr.milestone ? milestone_text(kr.value)
                                 : format_number(kr.value) + " / " +
                                       with_unit(format_number(kr.target), kr.unit),
                    Style::plain},
                   {with_score && kr.score ? format_score(*kr.score) : "-",
                    style_of(band_for(kr.score))}});
    out += t.render(look);
}

void kpi_lines(std::string& out, const std::vector<KpiRow>& kpis, const Look& look) {
    if (kpis.empty()) {
        out += "  none\n";
        return;
    }
    Table t({{"KPI", Align::left, true, 0},
             {"VALUE", Align::right, false, 0},
             {"HEALTHY", Align::left, false, 2},
             {"HEALTH", Align::left, false, 0},
             {"LAST", Align::left, false, 3}});
    for (const auto& k : kpis)
        t.add_row({{escape_control(k.ref + "  " + k.title), Style::plain},
                   {kpi_value(k), Style::plain},
                   {kpi_bounds(k), Style::dim},
                   {to_string(k.health), style_of(k.health)},
                   {k.date ? k.date->iso() + (k.stale ? " (stale)" : "") : "never",
                    k.stale ? Style::yellow : Style::dim}});
    out += t.render(look);
}

void moved_lines(std::string& out, const std::vector<ReviewKr>& krs, const Look& look) {
    if (krs.empty()) {
        out += "  none\n";
        return;
    }
    Table t({{"KEY RESULT", Align::left, true, 0},
             {"BEFORE", Align::right, false, 3},
             {"NOW", Align::right, false, 0},
             {"CHANGE", Align::right, false, 0},
             {"PROGRESS", Align::right, false, 2}});
    for (const auto& kr : krs) {
        const double d = kr.value - kr.value_before;
        t.add_row(
            {{escape_control(kr.ref + "  " + kr.title), Style::plain},
             {kr.milestone ? milestone_text(kr.value_before) : format_number(kr.value_before),
              Style::dim},
             {kr.milestone ? milestone_text(kr.value) : with_unit(format_number(kr.value), kr.unit),
              Style::plain},
             {delta_text(d), d == 0 ? Style::dim : Style::bold},
             {points_text(kr.progress - kr.progress_before),
              kr.progress > kr.progress_before   ? Style::green
              : kr.progress < kr.progress_before ? Style::red
                                                 : Style::dim}});
        for (const auto& n : kr.notes)
            if (!n.note.empty())
                t.add_row({{"    " + n.date.iso() + "  " + escape_control(n.note), Style::dim},
                           {},
                           {},
                           {},
                           {}});
    }
    out += t.render(look);
}

} // namespace

std::string review_text(const Review& rv, const Look& look) {
    const Report& r = rv.report;
    std::string out = heading(r, look);
    const auto overall = [&](std::optional<double> s) {
        return s ? format_score(*s) : std::string("-");
    };
    if (rv.since) {
        out += fmt::format("Since {}: overall score {} → {} ({})\n", rv.since->iso(),
                           overall(rv.overall_before), overall(r.overall),
                           paint(to_string(r.overall_band), style_of(r.overall_band), look.color));
        out += section_heading(fmt::format("Moved since {} ({})", rv.since->iso(), rv.moved.size()),
                               look);
        moved_lines(out, rv.moved, look);
        out += section_heading(fmt::format("Did not move ({})", rv.not_moved.size()), look);
        kr_lines(out, rv.not_moved, look);
        out += section_heading(fmt::format("KPIs in warning or breach ({})", rv.kpi_alerts.size()),
                               look);
        kpi_lines(out, rv.kpi_alerts, look);
        return out;
    }
    out += fmt::format("Overall score {} ({})\n", overall(r.overall),
                       paint(to_string(r.overall_band), style_of(r.overall_band), look.color));
    for (const auto& o : r.owners)
        out += fmt::format("  {}  {} ({})\n", pad_right(escape_control(o.owner), 12),
                           o.score ? format_score(*o.score) : "-",
                           paint(to_string(o.band), style_of(o.band), look.color));
    const std::size_t total = rv.bands[0] + rv.bands[1] + rv.bands[2];
    out += section_heading(fmt::format("Key result scores ({})", total), look);
    static const char* k_buckets[] = {"0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"};
    std::size_t most = 1;
    for (auto n : rv.distribution)
        most = std::max(most, n);
    for (std::size_t i = 0; i < 5; ++i) {
        const std::size_t bar = rv.distribution[i] * 30 / most;
        std::string blocks;
        for (std::size_t b = 0; b < bar; ++b)
            blocks += "█";
        out += fmt::format("  {}  {}  {}\n", k_buckets[i],
                           pad_left(fmt::format("{}", rv.distribution[i]), 3),
                           paint(blocks,
                                 i >= 3   ? Style::green
                                 : i == 2 ? Style::yellow
                                          : Style::red,
                                 look.color));
    }
    out += fmt::format("  green {} · yellow {} · red {}\n", rv.bands[0], rv.bands[1], rv.bands[2]);
    out += section_heading(fmt::format("Delivered, score >= 0.7 ({})", rv.delivered.size()), look);
    kr_lines(out, rv.delivered, look);
    out += section_heading(fmt::format("In progress ({})", rv.in_progress.size()), look);
    kr_lines(out, rv.in_progress, look);
    out += section_heading(fmt::format("Missed ({})", rv.missed.size()), look);
    kr_lines(out, rv.missed, look);
    out +=
        section_heading(fmt::format("Missed commitments ({})", rv.missed_commitments.size()), look);
    if (rv.missed_commitments.empty()) out += "  none\n";
    for (const auto& o : rv.missed_commitments)
        out += fmt::format("  {}  {}  {}\n", escape_control(o.ref), escape_control(o.title),
                           paint(o.score ? format_score(*o.score) : "-", Style::red, look.color));
    out += section_heading(fmt::format("Dropped ({})", rv.dropped.size()), look);
    if (rv.dropped.empty()) out += "  none\n";
    for (const auto& d : rv.dropped)
        out += "  " + escape_control(d) + "\n";
    out += section_heading(fmt::format("Biggest movers since {}", rv.window_start.iso()), look);
    moved_lines(out, rv.movers, look);
    out += section_heading(
        fmt::format("No check-in for {} days ({})", k_checkin_gap_days, rv.silent.size()), look);
    if (rv.silent.empty()) out += "  none\n";
    for (const auto& kr : rv.silent)
        out +=
            fmt::format("  {}  {}  {}\n", escape_control(kr.ref), escape_control(kr.title),
                        paint(fmt::format("{} days", *kr.days_silent), Style::yellow, look.color));
    out +=
        section_heading(fmt::format("KPIs in warning or breach ({})", rv.kpi_alerts.size()), look);
    kpi_lines(out, rv.kpi_alerts, look);
    out += section_heading(fmt::format("Stale KPIs ({})", rv.kpi_stale.size()), look);
    kpi_lines(out, rv.kpi_stale, look);
    out += section_heading("Notes", look);
    if (rv.retro.empty()) out += "  none\n";
    for (const auto& o : rv.retro)
        out += fmt::format("  {}  {}\n    {}\n", escape_control(o.ref), escape_control(o.title),
                           escape_control(o.notes));
    return out;
}

std::string tree_text(const Tree& tree, const Look& look) {
    std::string out =
        paint(truncate_to_width(describe_cycles(tree.cycles) + " · as of " + tree.as_of.iso(),
                                look.width),
              Style::bold, look.color) +
        "\n\n";
    if (tree.nodes.empty()) return out + "No objectives in this selection.\n";
    Table t({{"OBJECTIVE", Align::left, true, 0, 30},
             {"OWNER", Align::left, true, 4, 8},
             {"SCORE", Align::right, false, 0},
             {"STATUS", Align::left, false, 2},
             {"SUBTREE", Align::right, false, 3},
             {"NOTE", Align::left, true, 5, 12}});
    for (const auto& n : tree.nodes) {
        std::string indent;
        for (int d = 0; d < n.depth; ++d)
            indent += d + 1 == n.depth ? "└─ " : "   ";
        t.add_row(
            {{indent + escape_control(n.ref + "  " + n.title),
              n.depth == 0 ? Style::bold : Style::plain},
             {escape_control(n.owner), Style::dim},
             {n.score ? format_score(*n.score) : "-", style_of(n.band)},
             {status_text(n.status), style_of(n.status)},
             {n.descendants && n.rollup ? format_score(*n.rollup) : "", style_of(n.rollup_band)},
             {escape_control(n.note), n.note.empty() ? Style::dim : Style::yellow}});
    }
    out += t.render(look);
    for (const auto& loop : tree.loops)
        out += paint("warning: alignment loop " + escape_control(loop) + " (fix a `parent`)",
                     Style::yellow, look.color) +
               "\n";
    return out;
}

std::string chart_text(const Chart& chart, const Look& look, std::size_t height) {
    constexpr std::size_t k_axis = 9;
    const std::size_t width =
        look.width > k_axis + 20 ? std::min<std::size_t>(look.width - k_axis - 1, 100) : 20;
    const auto range = value_range(chart);
    if (!range) return "  (no check-ins to chart)\n";
    const auto [lo, hi] = *range;
    const double days = std::max(1, chart.to - chart.from);
    std::vector<std::vector<std::string>> grid(height, std::vector<std::string>(width, " "));
    std::vector<std::vector<int>> rank(height, std::vector<int>(width, 0));
    auto row_of = [&](double v) {
        const double f = (v - lo) / (hi - lo);
        return height - 1 -
               static_cast<std::size_t>(
                   std::lround(std::clamp(f, 0.0, 1.0) * static_cast<double>(height - 1)));
    };
    auto col_of = [&](Date d) {
        const double f = std::clamp((d - chart.from) / days, 0.0, 1.0);
        return static_cast<std::size_t>(std::lround(f * static_cast<double>(width - 1)));
    };
    auto put = [&](std::size_t r, std::size_t c, const char* glyph, int priority) {
        if (r < height && c < width && priority >= rank[r][c]) {
            grid[r][c] = glyph;
            rank[r][c] = priority;
        }
    };
    for (const auto& [label, v] : chart.bounds)
        for (std::size_t c = 0; c < width; ++c)
            put(row_of(v), c, "─", 1);
    for (std::size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        const char* line = s.dashed ? (si == 1 ? "·" : "┄") : "•";
        const int prio = s.dashed ? 2 : 3;
        for (std::size_t p = 0; p + 1 < s.points.size(); ++p) {
            const auto [d0, v0] = s.points[p];
            const auto [d1, v1] = s.points[p + 1];
            const std::size_t c0 = col_of(d0), c1 = col_of(d1);
            for (std::size_t c = c0; c <= c1 && c1 > c0; ++c) {
                const double f = static_cast<double>(c - c0) / static_cast<double>(c1 - c0);
                put(row_of(v0 + f * (v1 - v0)), c, line, prio);
            }
        }
        if (s.markers)
            for (const auto& [d, v] : s.points)
                put(row_of(v), col_of(d), "●", 4);
    }
    std::string out;
    for (std::size_t r = 0; r < height; ++r) {
        std::string label;
        if (r == 0) label = format_number(hi);
        if (r == height - 1) label = format_number(lo);
        std::string line = pad_left(label, k_axis - 1) + " ┤";
        for (std::size_t c = 0; c < width; ++c) {
            const int k = rank[r][c];
            const Style st = k == 4 || k == 3 ? Style::cyan : k == 1 ? Style::red : Style::dim;
            line += k ? paint(grid[r][c], st, look.color) : grid[r][c];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    const std::string from = chart.from.iso(), to = chart.to.iso();
    std::string axis;
    for (std::size_t c = 0; c < width; ++c)
        axis += "─";
    out += std::string(k_axis, ' ') + "└" + axis + "\n";
    out += std::string(k_axis + 1, ' ') + from +
           std::string(width > from.size() + to.size() ? width - from.size() - to.size() : 1, ' ') +
           to + "\n";
    std::string legend = std::string(k_axis + 1, ' ') + "● check-in";
    for (std::size_t si = 1; si < chart.series.size(); ++si)
        legend += fmt::format("  {} {}", si == 1 ? "·" : "┄", chart.series[si].label);
    for (const auto& [label, v] : chart.bounds)
        legend += fmt::format("  ─ {} {}", label, format_number(v));
    out += truncate_to_width(legend, look.width) + "\n";
    return out;
}

std::string log_text(const LogReport& log, const Look& look) {
    std::string out =
        paint(truncate_to_width(escape_control(log.ref + "  " + log.title), look.width),
              Style::bold, look.color) +
        "\n";
    if (log.is_kpi) {
        KpiRow k;
        k.min = log.min;
        k.max = log.max;
        k.warn = log.warn;
        k.unit = log.unit;
        if (!log.entries.empty()) k.value = log.entries.back().value;
        out += fmt::format("{} · healthy {} · {}{} · as of {}\n\n", kpi_value(k), kpi_bounds(k),
                           paint(to_string(log.health), style_of(log.health), look.color),
                           log.stale ? " (stale)" : "", log.as_of.iso());
    } else {
        out += fmt::format("{} → {} · now {} · progress {} · {}", format_number(log.start),
                           with_unit(format_number(log.target), log.unit),
                           format_number(log.current), format_percent(log.progress),
                           paint(status_text(log.status), style_of(log.status), look.color));
        if (log.forecast_score)
            out += fmt::format(" · forecast {}", format_score(*log.forecast_score));
        if (!log.follows_kpi.empty()) out += " · follows " + escape_control(log.follows_kpi);
        out += fmt::format(" · as of {}\n\n", log.as_of.iso());
    }
    out += chart_text(log_chart(log), look) + "\n";
    if (log.entries.empty()) return out + "No check-ins yet.\n";
    Table t({{"DATE", Align::left, false, 0},
             {"VALUE", Align::right, false, 0},
             {"CHANGE", Align::right, false, 0},
             {"CONF", Align::right, false, 2},
             {"NOTE", Align::left, true, 0, 20}});
    for (const auto& e : log.entries)
        t.add_row({{e.date.iso(), Style::plain},
                   {with_unit(format_number(e.value), log.unit), Style::plain},
                   {e.delta ? delta_text(*e.delta) : "", Style::dim},
                   {e.confidence ? format_percent(*e.confidence) : "", Style::plain},
                   {escape_control(e.note), Style::dim}});
    return out + t.render(look);
}

} // namespace okr::report
