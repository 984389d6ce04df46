#include "okr/report/status.hpp"

#include "okr/report/kpi.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace okr::report {

namespace {

constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

void write_kr(JsonWriter& w, const KrRow& kr) {
    w.begin_object();
    w.field("ref", kr.ref);
    w.field("title", kr.title);
    w.field("start", kr.start);
    w.field("target", kr.target);
    w.field("current", kr.current);
    optional_text(w, "unit", kr.unit);
    w.field("progress", kr.progress);
    w.field("score", kr.score);
    status_field(w, kr.status);
    w.field("confidence", kr.confidence);
    date_field(w, "last_checkin", kr.last_checkin);
    w.field("forecast", kr.forecast_score);
    w.field("forecast_value", kr.forecast);
    w.field("expected", kr.expected);
    w.field("type", to_string(kr.type));
    w.field("weight", kr.weight);
    w.field("manual_score", kr.manual_score);
    band_field(w, kr.band);
    w.field("owner", kr.owner);
    optional_text(w, "kpi", kr.kpi_ref);
    w.field("kpi_unresolved", kr.kpi_unresolved);
    w.end_object();
}

void write_objective(JsonWriter& w, const ObjectiveRow& o) {
    w.begin_object();
    w.field("ref", o.ref);
    w.field("title", o.title);
    w.field("owner", o.owner);
    w.field("type", to_string(o.type));
    w.field("score", o.score);
    status_field(w, o.status);
    band_field(w, o.band);
    w.field("confidence", o.confidence);
    w.field("cycle", o.cycle);
    w.field("weight", o.weight);
    w.field("expected", o.expected);
    w.field("missed_commitment", o.missed_commitment);
    date_field(w, "closed", o.closed);
    optional_text(w, "carried_from", o.carried_from);
    optional_text(w, "parent", o.parent);
    w.field("parent_unresolved", o.parent_unresolved);
    string_array(w, "tags", o.tags);
    optional_text(w, "notes", o.notes);
    w.field("file", o.file);
    array_of(w, "key_results", o.krs, write_kr);
    w.key("kpis");
    w.begin_array();
    for (const auto& k : o.kpis)
        w.value(k.ref);
    w.end_array();
    string_array(w, "unresolved_kpis", o.missing_kpis);
    w.end_object();
}

std::string age_text(std::optional<int> days) {
    if (!days) return "-";
    if (*days < 0) return "future";
    return fmt::format("{}d", *days);
}

} // namespace

void write_report_body(JsonWriter& w, const Report& r) {
    w.field("schema_version", 1.0);
    w.field("as_of", r.as_of.iso());
    w.key("cycle");
    if (r.cycles.empty())
        w.null();
    else
        write_cycle(w, r.cycles.front());
    array_of(w, "cycles", r.cycles, write_cycle);
    array_of(w, "objectives", r.objectives, write_objective);
    array_of(w, "kpis", r.kpis, write_kpi);
}

void write_owners(JsonWriter& w, const Report& r) {
    w.key("owners");
    w.begin_array();
    for (const auto& o : r.owners) {
        w.begin_object();
        w.field("owner", o.owner);
        w.field("score", o.score);
        band_field(w, o.band);
        w.field("objectives", static_cast<double>(o.objectives));
        w.field("confidence", o.confidence);
        w.end_object();
    }
    w.end_array();
}

std::string status_json(const Report& report, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        write_report_body(w, report);
        write_owners(w, report);
    });
}

std::vector<Line> report_head(const Report& r) {
    std::string text = r.title.empty() ? std::string() : r.title + " · ";
    text += describe_cycles(r.cycles) + " · as of " + r.as_of.iso();
    return {line(text, Style::bold, k_term), line({}, Style::plain, k_term)};
}

std::vector<std::string> report_subtitle(const Report& r) {
    return {describe_cycles(r.cycles), "as of " + r.as_of.iso()};
}

bool multi_file(const Report& r) {
    for (const auto& o : r.objectives)
        if (o.file != r.objectives.front().file) return true;
    return false;
}

Sheet status_sheet(const Report& r) {
    Sheet sheet;
    sheet.title = r.title.empty() ? "Status" : r.title + " — status";
    sheet.subtitle = report_subtitle(r);
    sheet.head = report_head(r);
    const bool refs = multi_file(r);
    Section s = titled_section("Objectives and key results");
    s.empty = "No objectives in this selection. Try --cycle all, or add one with `okr add "
              "objective`.";
    s.columns = {
        column("item", "Objective / key result", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_docs),
        column("bar", "Progress", k_term, Align::left, false, 3),
        column("progress", "Progress", k_docs),
        column("percent", "", k_term, Align::right),
        column("now", "Now / target", k_term, Align::left, true, 5, 16),
        column("current", "Current", k_docs),
        column("target", "Target", k_docs),
        column("unit", "Unit", k_docs),
        column("expected", "Exp", k_term, Align::right, false, 4),
        column("expected", "Expected", k_docs),
        column("status", "Status"),
        column("conf", "Conf", k_term, Align::right, false, 6),
        column("confidence", "Confidence", k_docs),
        column("last", "Last", k_term, Align::right, false, 7),
        column("last_checkin", "Last check-in", k_docs),
        column("forecast", "Forecast", k_docs),
    };
    // The rows of each objective (its KRs, KPIs and unresolved KPIs), a window at a time, each
    // cell only where it shows (t: the terminal's columns, d: the documents').
    const std::size_t k_columns = s.columns.size();
    s.more_rows = {
        r.objectives.size(), [&r, refs, k_columns](std::size_t first, std::size_t last, Media media,
                                                   std::vector<SheetRow>& out) {
            const bool t = in_terminal(media), d = in_documents(media);
            for (std::size_t at = first; at < last; ++at) {
                const ObjectiveRow& o = r.objectives[at];
                SheetCell item, parent;
                if (t) {
                    const std::string type =
                        o.type == ObjectiveType::committed ? " [committed]" : "";
                    item = text_cell((refs ? o.ref : o.id) + "  " + o.title + type, Style::bold);
                    parent = text_cell(o.parent.empty()
                                           ? ""
                                           : "↑ " + o.parent +
                                                 (o.parent_unresolved ? " (unresolved)" : ""),
                                       o.parent_unresolved ? Style::red : Style::dim);
                }
                out.push_back(
                    {"objective", 0,
                     row_cells(std::move(item), d ? text_cell(o.ref) : SheetCell{},
                               d ? text_cell(o.title) : SheetCell{},
                               d ? text_cell(o.owner) : SheetCell{},
                               t ? styled(bar_cell(o.score), style_of(o.status)) : SheetCell{},
                               d ? bar_cell(o.score) : SheetCell{},
                               t ? percent_cell(o.score) : SheetCell{}, std::move(parent),
                               text_cell(""), text_cell(""), text_cell(""),
                               t ? styled(percent_cell(o.expected), Style::dim) : SheetCell{},
                               d ? percent_cell(o.expected) : SheetCell{}, status_cell(o.status),
                               text_cell(""), text_cell(""), text_cell(""), text_cell(""),
                               text_cell(""))});
                for (const auto& kr : o.krs) {
                    const bool dropped = kr.status == Status::dropped;
                    const bool milestone = kr.type == KrType::milestone;
                    SheetCell value;
                    if (t) {
                        value = value_cell(kr.current, kr.target, kr.unit, milestone);
                        if (!kr.kpi_ref.empty())
                            value.text += kr.kpi_unresolved ? " (kpi " + kr.kpi_ref + " unresolved)"
                                                            : " (kpi " + kr.kpi_ref + ")";
                        value.style = kr.kpi_unresolved ? Style::red : Style::plain;
                    }
                    out.push_back(
                        {dropped ? "dropped" : "kr", 1,
                         row_cells(t ? text_cell("  " + kr.id + "  " + kr.title,
                                                 dropped ? Style::dim : Style::plain)
                                     : SheetCell{},
                                   d ? text_cell(kr.ref) : SheetCell{},
                                   d ? text_cell(kr.title) : SheetCell{},
                                   d ? text_cell(kr.owner) : SheetCell{},
                                   t ? styled(bar_cell(kr.progress),
                                              dropped ? Style::dim : style_of(kr.status))
                                     : SheetCell{},
                                   d ? bar_cell(kr.progress) : SheetCell{},
                                   t ? percent_cell(kr.progress) : SheetCell{}, std::move(value),
                                   !d          ? SheetCell{}
                                   : milestone ? milestone_cell(kr.current)
                                               : number_cell(kr.current),
                                   !d          ? SheetCell{}
                                   : milestone ? milestone_cell(kr.target)
                                               : number_cell(kr.target),
                                   d ? text_cell(kr.unit) : SheetCell{},
                                   t ? styled(percent_cell(kr.expected), Style::dim) : SheetCell{},
                                   d ? percent_cell(kr.expected) : SheetCell{},
                                   status_cell(kr.status),
                                   !t              ? SheetCell{}
                                   : kr.confidence ? percent_cell(kr.confidence)
                                                   : text_cell(""),
                                   d ? percent_cell(kr.confidence) : SheetCell{},
                                   t ? styled(text_cell(age_text(kr.age_days)),
                                              kr.age_days && *kr.age_days > 14 ? Style::yellow
                                                                               : Style::dim)
                                     : SheetCell{},
                                   d ? date_cell(kr.last_checkin) : SheetCell{},
                                   d ? percent_cell(kr.forecast_score) : SheetCell{})});
                }
                if (!t) continue; // the KPIs under an objective show only in the terminal
                for (const auto& k : o.kpis) {
                    SheetCell value = kpi_value(k);
                    value.text += "  " + kpi_bounds(k);
                    value.keep = display_width(value.text); // the bounds are numbers too
                    out.push_back(
                        {"kpi", 2,
                         row_cells(text_cell("  ◆ " + k.id + "  " + k.title, Style::cyan),
                                   text_cell(""), text_cell(""), text_cell(""),
                                   spark_cell(k.history), text_cell(""), text_cell(""),
                                   std::move(value), text_cell(""), text_cell(""), text_cell(""),
                                   text_cell(""), text_cell(""), health_cell(k.health, k.stale),
                                   text_cell(""), text_cell(""),
                                   styled(text_cell(k.date ? age_text(r.as_of - *k.date) : "-"),
                                          Style::dim),
                                   text_cell(""), text_cell("")),
                         k_term});
                }
                for (const auto& missing : o.missing_kpis) {
                    SheetRow row{"kpi", 2, std::vector<SheetCell>(k_columns, text_cell("")),
                                 k_term};
                    row.cells[0] = text_cell("  ◆ " + missing, Style::red);
                    row.cells[7] = text_cell("unresolved KPI", Style::red);
                    out.push_back(std::move(row));
                }
            }
        }};
    if (r.overall) {
        s.after.push_back(line({}, Style::plain, k_term));
        Line overall;
        overall.spans = {
            {fmt::format("{} objective{} · overall score {} (", r.objectives.size(),
                         r.objectives.size() == 1 ? "" : "s", format_score(*r.overall))},
            {std::string(to_string(r.overall_band)), style_of(r.overall_band)},
            {")"}};
        s.after.push_back(std::move(overall));
    }
    sheet.sections.push_back(std::move(s));
    Section kpis;
    kpis.name = kpis.heading = "Supporting KPIs";
    kpis.media = k_docs;
    // Under its objective a KPI needs no owner column.
    constexpr std::size_t k_owner = 3;
    kpis.columns = kpi_columns(false);
    kpis.columns.erase(kpis.columns.begin() + k_owner);
    kpis.columns.insert(kpis.columns.begin(), column("objective", "Objective", k_docs));
    kpis.more_rows = {r.objectives.size(), [&r](std::size_t first, std::size_t last, Media media,
                                                std::vector<SheetRow>& out) {
                          if (!in_documents(media)) return; // a section of the documents
                          for (std::size_t at = first; at < last; ++at) {
                              const ObjectiveRow& o = r.objectives[at];
                              for (const auto& k : o.kpis) {
                                  SheetRow row = kpi_sheet_row(k, k.ref, false);
                                  row.kind = "kpi";
                                  row.cells.erase(row.cells.begin() + k_owner);
                                  row.cells.insert(row.cells.begin(), text_cell(o.ref));
                                  out.push_back(std::move(row));
                              }
                          }
                      }};
    if (std::any_of(r.objectives.begin(), r.objectives.end(),
                    [](const ObjectiveRow& o) { return !o.kpis.empty(); }))
        sheet.sections.push_back(std::move(kpis));
    return sheet;
}

} // namespace okr::report
