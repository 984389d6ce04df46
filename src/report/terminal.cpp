#include "okr/report/terminal.hpp"

#include "okr/report/text.hpp"

#include <fmt/format.h>

namespace okr::report {
namespace {

constexpr std::size_t k_bar_width = 10;

std::string score_text(std::optional<double> s) { return s ? format_score(*s) : "-"; }

std::string status_text(Status s) { return s == Status::none ? "-" : to_string(s); }

std::string with_unit(const std::string& number, const std::string& unit) {
    if (unit.empty()) return number;
    if (unit == "%") return number + "%";
    return number + " " + escape_control(unit);
}

std::string kr_value(const KrRow& kr) {
    if (kr.type == KrType::milestone) return kr.current >= 1 ? "done" : "not done";
    return fmt::format("{} / {}", format_number(kr.current), with_unit(format_number(kr.target), kr.unit));
}

std::string kpi_bounds(const KpiRow& k) {
    if (k.min && k.max) return fmt::format("{}..{}", format_number(*k.min), format_number(*k.max));
    std::string out;
    if (k.min) out = fmt::format(">= {}", format_number(*k.min));
    if (k.max) out = fmt::format("<= {}", format_number(*k.max));
    if (k.warn) out += fmt::format(" (warn {})", format_number(*k.warn));
    return out;
}

std::string kpi_value(const KpiRow& k) { return k.value ? with_unit(format_number(*k.value), k.unit) : "-"; }

std::string age_text(std::optional<int> days) {
    if (!days) return "-";
    if (*days < 0) return "future";
    return fmt::format("{}d", *days);
}

std::string cycles_line(const Report& r) {
    std::string out;
    for (const auto& c : r.cycles) {
        if (!out.empty()) out += " · ";
        out += fmt::format("{} ({} → {}, {} elapsed)", escape_control(c.name), c.start.iso(), c.end.iso(),
                           format_percent(c.elapsed));
    }
    if (out.empty()) out = "no cycle";
    return out;
}

std::string heading(const Report& r, const Look& look) {
    std::string line = r.title.empty() ? std::string() : escape_control(r.title) + " · ";
    line += cycles_line(r) + " · as of " + r.as_of.iso();
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
    case Status::done: return Style::blue;
    case Status::on_track: return Style::green;
    case Status::at_risk: return Style::yellow;
    case Status::off_track: return Style::red;
    case Status::dropped: return Style::dim;
    case Status::none: return Style::dim;
    }
    return Style::plain;
}

Style style_of(Band b) {
    switch (b) {
    case Band::green: return Style::green;
    case Band::yellow: return Style::yellow;
    case Band::red: return Style::red;
    case Band::none: return Style::dim;
    }
    return Style::plain;
}

Style style_of(Health h) {
    switch (h) {
    case Health::ok: return Style::green;
    case Health::warn: return Style::yellow;
    case Health::breach: return Style::red;
    case Health::unknown: return Style::dim;
    }
    return Style::plain;
}

std::string status_table(const Report& r, const Look& look) {
    std::string out = heading(r, look);
    if (r.objectives.empty()) return out + "No objectives in this selection. Try --cycle all, or add one with `okr add objective`.\n";
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
                   {o.parent.empty() ? "" : "↑ " + escape_control(o.parent) + (o.parent_unresolved ? " (unresolved)" : ""),
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
            t.add_row({{"  " + escape_control(kr.id + "  " + kr.title), dropped ? Style::dim : Style::plain},
                       {progress_bar(kr.progress, k_bar_width), dropped ? Style::dim : style_of(kr.status)},
                       {format_percent(kr.progress), Style::plain},
                       {value, kr.kpi_unresolved ? Style::red : Style::plain},
                       {format_percent(kr.expected), Style::dim},
                       {status_text(kr.status), style_of(kr.status)},
                       {kr.confidence ? format_percent(*kr.confidence) : "", Style::plain},
                       {age_text(kr.age_days), kr.age_days && *kr.age_days > 14 ? Style::yellow : Style::dim}});
        }
        for (const auto& k : o.kpis)
            t.add_row({{"  ◆ " + escape_control(k.id + "  " + k.title), Style::cyan},
                       {sparkline(k.history), Style::cyan},
                       {},
                       {kpi_value(k) + "  " + kpi_bounds(k), Style::plain},
                       {},
                       {std::string(to_string(k.health)) + (k.stale ? " (stale)" : ""), style_of(k.health)},
                       {},
                       {k.date ? age_text(r.as_of - *k.date) : "-", Style::dim}});
        for (const auto& missing : o.missing_kpis)
            t.add_row({{"  ◆ " + escape_control(missing), Style::red}, {}, {}, {"unresolved KPI", Style::red}, {}, {}, {}, {}});
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
        t.add_row({{escape_control((refs ? o.ref : o.id) + "  " + o.title), Style::bold},
                   {escape_control(o.owner), Style::plain},
                   {to_string(o.type), o.type == ObjectiveType::committed ? Style::bold : Style::plain},
                   {format_number(o.weight), Style::plain},
                   {score_text(o.score), style_of(o.band)},
                   {o.band == Band::none ? "-" : to_string(o.band), style_of(o.band)},
                   {note, o.missed_commitment ? Style::red : Style::dim}});
        for (const auto& kr : o.krs) {
            std::string kr_note;
            if (kr.status == Status::dropped) kr_note = "dropped";
            else if (kr.manual_score) kr_note = "manual score";
            t.add_row({{"  " + escape_control(kr.id + "  " + kr.title), kr.status == Status::dropped ? Style::dim : Style::plain},
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
    for (const auto& o : r.owners) counted += o.objectives;
    totals.add_row({{"overall", Style::bold},
                    {fmt::format("{}", counted), Style::bold},
                    {score_text(r.overall), style_of(r.overall_band)},
                    {r.overall_band == Band::none ? "-" : to_string(r.overall_band), style_of(r.overall_band)}});
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
                   {k.date ? k.date->iso() + (k.stale ? " stale" : "") : "never", k.stale ? Style::yellow : Style::dim},
                   {sparkline(k.history), Style::cyan},
                   {escape_control(k.owner), Style::plain}});
    }
    return t.render(look);
}

std::string diagnostics_text(const Diagnostics& findings, const Look& look) {
    std::string out;
    for (const auto& d : findings) {
        const bool error = d.level == Level::error;
        std::string where = d.pos.line ? fmt::format("{}:{}:{}", d.path, d.pos.line, d.pos.column) : d.path;
        out += fmt::format("{}: {} {}", escape_control(where),
                           paint(error ? "error:" : "warning:", error ? Style::red : Style::yellow, look.color),
                           escape_control(d.message));
        if (!d.rule.empty()) out += fmt::format(" [{}]", d.rule);
        out += '\n';
        if (!d.hint.empty()) out += fmt::format("  {} {}\n", paint("hint:", Style::cyan, look.color), escape_control(d.hint));
    }
    return out;
}

} // namespace okr::report
