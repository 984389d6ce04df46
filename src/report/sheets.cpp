#include "okr/report/sheets.hpp"

#include "okr/report/text.hpp"

#include <fmt/format.h>

namespace okr::report {
namespace {

std::string status_word(Status s) {
    return s == Status::none ? "" : to_string(s);
}
std::string band_word(Band b) {
    return b == Band::none ? "" : to_string(b);
}

SheetCell score_cell(std::optional<double> s) {
    SheetCell c = number_cell(s);
    if (s) c.text = format_score(*s);
    return c;
}

// The cells of a KPI row, after a leading `objective` cell when `objective` is given.
std::vector<SheetCell> kpi_cells(const KpiRow& k, std::optional<std::string> objective) {
    std::vector<SheetCell> cells;
    if (objective) cells.push_back(text_cell(*objective));
    for (auto& c : {text_cell(k.ref), text_cell(k.title)})
        cells.push_back(c);
    if (!objective) cells.push_back(text_cell(k.owner));
    for (auto& c : {number_cell(k.value), text_cell(k.unit), number_cell(k.min), number_cell(k.max),
                    number_cell(k.warn), status_cell(k.dropped ? "dropped" : to_string(k.health)),
                    text_cell(k.stale ? "stale" : ""), text_cell(k.date ? k.date->iso() : ""),
                    spark_cell(k.history)})
        cells.push_back(c);
    return cells;
}

std::vector<std::string> report_subtitle(const Report& r) {
    return {describe_cycles(r.cycles), "as of " + r.as_of.iso()};
}

} // namespace

std::string describe_cycles(const std::vector<CycleInfo>& cycles) {
    std::string out;
    for (const auto& c : cycles) {
        if (!out.empty()) out += " · ";
        out += fmt::format("{} ({} → {}, {} elapsed)", c.name, c.start.iso(), c.end.iso(),
                           format_percent(c.elapsed));
    }
    return out.empty() ? "no cycle" : out;
}

Sheet status_sheet(const Report& r) {
    Sheet sheet;
    sheet.title = r.title.empty() ? "Status" : r.title + " — status";
    sheet.subtitle = report_subtitle(r);
    Section s;
    s.heading = "Objectives and key results";
    s.columns = {"ref",  "title",    "owner",  "progress",   "current",      "target",
                 "unit", "expected", "status", "confidence", "last_checkin", "forecast"};
    for (const auto& o : r.objectives) {
        s.rows.push_back(
            {"objective",
             0,
             {text_cell(o.ref), text_cell(o.title), text_cell(o.owner), bar_cell(o.score),
              text_cell(""), text_cell(""), text_cell(""), percent_cell(o.expected),
              status_cell(status_word(o.status)), text_cell(""), text_cell(""), text_cell("")}});
        for (const auto& kr : o.krs)
            s.rows.push_back(
                {kr.status == Status::dropped ? "dropped" : "kr",
                 1,
                 {text_cell(kr.ref), text_cell(kr.title), text_cell(kr.owner),
                  bar_cell(kr.progress), number_cell(kr.current), number_cell(kr.target),
                  text_cell(kr.unit), percent_cell(kr.expected),
                  status_cell(status_word(kr.status)), percent_cell(kr.confidence),
                  text_cell(kr.last_checkin ? kr.last_checkin->iso() : ""),
                  percent_cell(kr.forecast_score)}});
    }
    if (r.overall)
        s.paragraphs.push_back(fmt::format("Overall score {} ({}) over {} objectives.",
                                           format_score(*r.overall), to_string(r.overall_band),
                                           r.objectives.size()));
    sheet.sections.push_back(std::move(s));
    Section kpis;
    kpis.heading = "Supporting KPIs";
    kpis.columns = {"objective", "ref",  "title",  "value", "unit",         "min",
                    "max",       "warn", "health", "stale", "last_checkin", "trend"};
    for (const auto& o : r.objectives)
        for (const auto& k : o.kpis)
            kpis.rows.push_back({"kpi", 0, kpi_cells(k, o.ref)});
    if (!kpis.rows.empty()) sheet.sections.push_back(std::move(kpis));
    return sheet;
}

Sheet score_sheet(const Report& r) {
    Sheet sheet;
    sheet.title = r.title.empty() ? "Scores" : r.title + " — scores";
    sheet.subtitle = report_subtitle(r);
    Section s;
    s.heading = "Grading sheet";
    s.columns = {"ref", "title", "owner", "type", "weight", "score", "band", "note"};
    for (const auto& o : r.objectives) {
        std::string note = o.missed_commitment ? "missed commitment"
                                               : (o.status == Status::dropped ? "dropped" : "");
        s.rows.push_back({o.status == Status::dropped ? "dropped" : "objective",
                          0,
                          {text_cell(o.ref), text_cell(o.title), text_cell(o.owner),
                           text_cell(to_string(o.type)), number_cell(o.weight), score_cell(o.score),
                           status_cell(band_word(o.band)), text_cell(note)}});
        for (const auto& kr : o.krs)
            s.rows.push_back(
                {kr.status == Status::dropped ? "dropped" : "kr",
                 1,
                 {text_cell(kr.ref), text_cell(kr.title), text_cell(kr.owner), text_cell(""),
                  number_cell(kr.weight), score_cell(kr.score), status_cell(band_word(kr.band)),
                  text_cell(kr.status == Status::dropped ? "dropped"
                            : kr.manual_score            ? "manual score"
                                                         : "")}});
    }
    sheet.sections.push_back(std::move(s));
    Section totals;
    totals.heading = "Totals";
    totals.columns = {"owner", "objectives", "score", "band"};
    for (const auto& o : r.owners)
        totals.rows.push_back({"owner",
                               0,
                               {text_cell(o.owner), number_cell(static_cast<double>(o.objectives)),
                                score_cell(o.score), status_cell(band_word(o.band))}});
    std::size_t counted = 0;
    for (const auto& o : r.owners)
        counted += o.objectives;
    totals.rows.push_back({"overall",
                           0,
                           {text_cell("overall"), number_cell(static_cast<double>(counted)),
                            score_cell(r.overall), status_cell(band_word(r.overall_band))}});
    sheet.sections.push_back(std::move(totals));
    return sheet;
}

Sheet kpi_sheet(Date as_of, const std::vector<KpiRow>& kpis) {
    Sheet sheet;
    sheet.title = "KPI health";
    sheet.subtitle = {"as of " + as_of.iso()};
    Section s;
    s.heading = "KPIs";
    s.columns = {"ref", "title", "owner",  "value", "unit",         "min",
                 "max", "warn",  "health", "stale", "last_checkin", "trend"};
    for (const auto& k : kpis)
        s.rows.push_back({k.dropped ? "dropped" : "kpi", 0, kpi_cells(k, std::nullopt)});
    sheet.sections.push_back(std::move(s));
    return sheet;
}

std::string render_sheet(const Sheet& sheet, std::string_view format) {
    if (format == "csv") return render_csv(sheet);
    if (format == "markdown") return render_markdown(sheet);
    return render_html(sheet);
}

} // namespace okr::report

namespace okr::report {
namespace {

Section kr_section(std::string heading, const std::vector<ReviewKr>& krs, bool window) {
    Section s;
    s.heading = std::move(heading);
    s.columns = {"ref", "title", "owner", "value", "target", "unit", "score", "outcome"};
    if (window)
        s.columns = {"ref",    "title",           "owner", "value_before", "value",
                     "change", "progress_change", "unit",  "notes"};
    for (const auto& kr : krs) {
        if (!window) {
            s.rows.push_back({"kr",
                              0,
                              {text_cell(kr.ref), text_cell(kr.title), text_cell(kr.owner),
                               number_cell(kr.value), number_cell(kr.target), text_cell(kr.unit),
                               score_cell(kr.score), status_cell(kr.outcome)}});
            continue;
        }
        std::string notes;
        for (const auto& n : kr.notes)
            if (!n.note.empty())
                notes += (notes.empty() ? "" : "; ") + n.date.iso() + ": " + n.note;
        s.rows.push_back({"kr",
                          0,
                          {text_cell(kr.ref), text_cell(kr.title), text_cell(kr.owner),
                           number_cell(kr.value_before), number_cell(kr.value),
                           number_cell(kr.value - kr.value_before),
                           percent_cell(kr.progress - kr.progress_before), text_cell(kr.unit),
                           text_cell(notes)}});
    }
    return s;
}

Section kpi_section(std::string heading, const std::vector<KpiRow>& kpis) {
    Section s;
    s.heading = std::move(heading);
    s.columns = {"ref", "title", "owner",  "value", "unit",         "min",
                 "max", "warn",  "health", "stale", "last_checkin", "trend"};
    for (const auto& k : kpis)
        s.rows.push_back({"kpi", 0, kpi_cells(k, std::nullopt)});
    return s;
}

} // namespace

Sheet review_sheet(const Review& rv) {
    const Report& r = rv.report;
    Sheet sheet;
    sheet.title = (r.title.empty() ? std::string() : r.title + " — ") +
                  (rv.since ? "weekly review" : "review");
    sheet.subtitle = report_subtitle(r);
    Section summary;
    summary.heading = "Scores";
    summary.columns = {"owner", "objectives", "score", "band", "confidence"};
    for (const auto& o : r.owners)
        summary.rows.push_back(
            {"owner",
             0,
             {text_cell(o.owner), number_cell(static_cast<double>(o.objectives)),
              score_cell(o.score), status_cell(band_word(o.band)), percent_cell(o.confidence)}});
    summary.rows.push_back(
        {"overall",
         0,
         {text_cell("overall"), number_cell(static_cast<double>(r.objectives.size())),
          score_cell(r.overall), status_cell(band_word(r.overall_band)), text_cell("")}});
    Section confidence;
    confidence.heading = "Confidence by objective";
    confidence.columns = {"ref", "title", "score", "confidence", "carried_from"};
    for (const auto& o : r.objectives)
        if (o.status != Status::dropped)
            confidence.rows.push_back({"objective",
                                       0,
                                       {text_cell(o.ref), text_cell(o.title), score_cell(o.score),
                                        percent_cell(o.confidence), text_cell(o.carried_from)}});
    if (rv.since) {
        summary.paragraphs.push_back(
            fmt::format("Overall score on {}: {}.", rv.since->iso(),
                        rv.overall_before ? format_score(*rv.overall_before) : "-"));
        sheet.sections.push_back(std::move(summary));
        sheet.sections.push_back(std::move(confidence));
        sheet.sections.push_back(kr_section("Moved since " + rv.since->iso(), rv.moved, true));
        sheet.sections.push_back(kr_section("Did not move", rv.not_moved, false));
        sheet.sections.push_back(kpi_section("KPIs in warning or breach", rv.kpi_alerts));
        return sheet;
    }
    summary.paragraphs.push_back(
        fmt::format("Key result scores: 0.0-0.2: {}, 0.2-0.4: {}, 0.4-0.6: {}, 0.6-0.8: {}, "
                    "0.8-1.0: {} (green {}, yellow {}, red {}).",
                    rv.distribution[0], rv.distribution[1], rv.distribution[2], rv.distribution[3],
                    rv.distribution[4], rv.bands[0], rv.bands[1], rv.bands[2]));
    sheet.sections.push_back(std::move(summary));
    Section objectives;
    objectives.heading = "Objectives";
    objectives.columns = {"ref", "title", "owner", "type", "score", "band", "confidence", "note"};
    for (const auto& o : r.objectives)
        objectives.rows.push_back(
            {o.status == Status::dropped ? "dropped" : "objective",
             0,
             {text_cell(o.ref), text_cell(o.title), text_cell(o.owner),
              text_cell(to_string(o.type)), bar_cell(o.score), status_cell(band_word(o.band)),
              percent_cell(o.confidence),
              text_cell(o.missed_commitment      ? "missed commitment"
                        : o.carried_from.empty() ? ""
                                                 : "carried from " + o.carried_from)}});
    sheet.sections.push_back(std::move(objectives));
    sheet.sections.push_back(kr_section("Delivered (score >= 0.7)", rv.delivered, false));
    sheet.sections.push_back(kr_section("In progress", rv.in_progress, false));
    sheet.sections.push_back(kr_section("Missed", rv.missed, false));
    Section commitments;
    commitments.heading = "Missed commitments";
    commitments.columns = {"ref", "title", "owner", "score"};
    for (const auto& o : rv.missed_commitments)
        commitments.rows.push_back(
            {"objective",
             0,
             {text_cell(o.ref), text_cell(o.title), text_cell(o.owner), score_cell(o.score)}});
    sheet.sections.push_back(std::move(commitments));
    Section dropped;
    dropped.heading = "Dropped";
    dropped.columns = {"item"};
    for (const auto& d : rv.dropped)
        dropped.rows.push_back({"dropped", 0, {text_cell(d)}});
    sheet.sections.push_back(std::move(dropped));
    sheet.sections.push_back(
        kr_section("Biggest movers since " + rv.window_start.iso(), rv.movers, true));
    Section silent = kr_section("No check-in for 14 days", rv.silent, false);
    sheet.sections.push_back(std::move(silent));
    sheet.sections.push_back(kpi_section("KPIs in warning or breach", rv.kpi_alerts));
    sheet.sections.push_back(kpi_section("Stale KPIs", rv.kpi_stale));
    Section notes;
    notes.heading = "Notes";
    notes.columns = {"ref", "title", "notes"};
    for (const auto& o : rv.retro)
        notes.rows.push_back(
            {"objective", 0, {text_cell(o.ref), text_cell(o.title), text_cell(o.notes)}});
    sheet.sections.push_back(std::move(notes));
    return sheet;
}

Sheet tree_sheet(const Tree& tree) {
    Sheet sheet;
    sheet.title = "Alignment tree";
    sheet.subtitle = {describe_cycles(tree.cycles), "as of " + tree.as_of.iso()};
    Section s;
    s.heading = "Objectives by alignment";
    s.columns = {"ref", "title", "owner", "depth", "score", "status", "subtree_score", "note"};
    for (const auto& n : tree.nodes)
        s.rows.push_back(
            {n.depth == 0 ? "root" : "objective",
             n.depth,
             {text_cell(n.ref), text_cell(n.title), text_cell(n.owner), number_cell(n.depth),
              bar_cell(n.score), status_cell(status_word(n.status)),
              n.descendants ? score_cell(n.rollup) : text_cell(""), text_cell(n.note)}});
    for (const auto& loop : tree.loops)
        s.paragraphs.push_back("Alignment loop: " + loop);
    sheet.sections.push_back(std::move(s));
    return sheet;
}

Sheet log_sheet(const LogReport& log) {
    Sheet sheet;
    sheet.title = log.ref + "  " + log.title;
    if (log.is_kpi)
        sheet.subtitle = {fmt::format("KPI · health {}{} · as of {}", to_string(log.health),
                                      log.stale ? " (stale)" : "", log.as_of.iso())};
    else
        sheet.subtitle = {fmt::format("from {} to {}{} · now {} · progress {} · {} · as of {}",
                                      format_number(log.start), format_number(log.target),
                                      log.unit.empty() ? "" : " " + log.unit,
                                      format_number(log.current), format_percent(log.progress),
                                      status_word(log.status), log.as_of.iso())};
    Section s;
    s.heading = "Check-ins";
    s.columns = {"date", "value", "change", "confidence", "note"};
    for (const auto& e : log.entries)
        s.rows.push_back({"checkin",
                          0,
                          {text_cell(e.date.iso()), number_cell(e.value), number_cell(e.delta),
                           percent_cell(e.confidence), text_cell(e.note)}});
    s.charts.push_back(log_chart(log));
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
