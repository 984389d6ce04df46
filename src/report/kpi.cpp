#include "okr/report/kpi.hpp"

#include "okr/report/text.hpp"

#include <fmt/format.h>

namespace okr::report {

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

// A state cell for a KPI: its health, or dropped; the stale marker stays with it, so it
// survives every width (SPEC §9).
SheetCell kpi_health(const KpiRow& k, bool stale) {
    if (k.dropped) return styled(status_cell("dropped"), Style::dim);
    return health_cell(k.health, stale && k.stale);
}

} // namespace

void write_kpi(JsonWriter& w, const KpiRow& k) {
    w.begin_object();
    w.field("ref", k.ref);
    w.field("title", k.title);
    w.field("value", k.value);
    w.field("min", k.min);
    w.field("max", k.max);
    w.field("health", to_string(k.health));
    w.field("stale", k.stale);
    w.field("warn", k.warn);
    optional_text(w, "unit", k.unit);
    optional_text(w, "owner", k.owner);
    w.key("frequency");
    if (k.frequency)
        w.value(to_string(*k.frequency));
    else
        w.null();
    date_field(w, "last_checkin", k.date);
    w.field("dropped", k.dropped);
    string_array(w, "tags", k.tags);
    w.key("history");
    w.begin_array();
    for (double v : k.history)
        w.value(v);
    w.end_array();
    w.end_object();
}

std::string kpi_json(Date as_of, const std::vector<KpiRow>& kpis, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        w.field("schema_version", 1.0);
        w.field("as_of", as_of.iso());
        array_of(w, "kpis", kpis, write_kpi);
    });
}

std::string kpi_bounds(const KpiRow& k) {
    if (k.min && k.max) return fmt::format("{}..{}", format_number(*k.min), format_number(*k.max));
    std::string out;
    if (k.min) out = fmt::format(">= {}", format_number(*k.min));
    if (k.max) out = fmt::format("<= {}", format_number(*k.max));
    if (k.warn) out += fmt::format(" (warn {})", format_number(*k.warn));
    return out;
}

// The latest value of a KPI with its unit, "-" when it has none.
SheetCell kpi_value(const KpiRow& k) {
    return k.value ? number_cell(*k.value, k.unit) : number_cell(std::nullopt);
}

// The KPI columns shared by `kpi` and the review's KPI lists; `full` adds trend and owner.
std::vector<SheetColumn> kpi_columns(bool full) {
    std::vector<SheetColumn> c = {
        column("kpi", "KPI", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_docs),
        column("value", "Value", k_term, Align::right),
        column("value", "Value", k_docs),
        column("unit", "Unit", k_docs),
        column("min", "Min", k_docs),
        column("max", "Max", k_docs),
        column("warn", "Warn", k_docs),
        column("healthy", "Healthy", k_term, Align::left, false, full ? 3 : 2),
        column("health", "Health", k_term),
        column("health", "Health", k_docs),
        column("stale", "Stale", k_docs),
        column("last", "Last", k_term, Align::left, false, full ? 4 : 3),
        column("last_checkin", "Last check-in", k_docs),
    };
    if (full) {
        c.push_back(column("trend", "Trend", k_term, Align::left, false, 2));
        c.push_back(column("owner", "Owner", k_term, Align::left, true, 5));
    }
    c.push_back(column("trend", "Trend", k_docs));
    return c;
}

SheetRow kpi_sheet_row(const KpiRow& k, const std::string& ref, bool full) {
    SheetRow row{k.dropped ? "dropped" : "kpi", 0, {}, k_all};
    row.cells = {
        text_cell(ref + "  " + k.title, k.dropped ? Style::dim : Style::plain),
        text_cell(ref),
        text_cell(k.title),
        text_cell(k.owner),
        kpi_value(k),
        number_cell(k.value),
        text_cell(k.unit),
        number_cell(k.min),
        number_cell(k.max),
        number_cell(k.warn),
        text_cell(kpi_bounds(k), Style::dim),
        kpi_health(k, true),
        kpi_health(k, false),
        text_cell(k.stale ? "stale" : ""),
        styled(date_cell(k.date, "never"), k.stale ? Style::yellow : Style::dim),
        date_cell(k.date),
    };
    if (full) {
        row.cells.push_back(spark_cell(k.history));
        row.cells.push_back(text_cell(k.owner));
    }
    row.cells.push_back(spark_cell(k.history));
    return row;
}

Sheet kpi_sheet(Date as_of, const std::vector<KpiRow>& kpis, bool one_file) {
    Sheet sheet;
    sheet.title = "KPI health";
    sheet.subtitle = {"as of " + as_of.iso()};
    Section s = titled_section("KPIs");
    s.empty = "No KPIs in this selection. Add one with `okr add kpi`.";
    s.columns = kpi_columns(true);
    for (const auto& k : kpis)
        s.rows.push_back(kpi_sheet_row(k, shown_ref(k.ref, one_file), true));
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
