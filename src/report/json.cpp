#include "okr/report/json.hpp"

#include <cmath>
#include <fmt/format.h>

namespace okr::report {

// Output is indented by two spaces per level, so that goldens and diffs stay readable.
void JsonWriter::newline() {
    m_out += '\n';
    m_out.append(2 * m_first.size(), ' ');
}

void JsonWriter::separate() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_out += ',';
        m_first.back() = false;
        newline();
    }
}

void JsonWriter::begin_object() {
    separate();
    m_out += '{';
    m_first.push_back(true);
}
void JsonWriter::end_object() {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out += '}';
}
void JsonWriter::begin_array() {
    separate();
    m_out += '[';
    m_first.push_back(true);
}
void JsonWriter::end_array() {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out += ']';
}

void JsonWriter::key(std::string_view k) {
    separate();
    write_string(k);
    m_out += ": ";
    m_after_key = true;
}

void JsonWriter::value(std::string_view s) {
    separate();
    write_string(s);
}

void JsonWriter::write_string(std::string_view s) {
    m_out += '"';
    for (char c : s) {
        switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                m_out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
            else
                m_out += c;
        }
    }
    m_out += '"';
}

void JsonWriter::value(double d) {
    if (!std::isfinite(d)) return null();
    separate();
    m_out += fmt::format("{}", d);
}

void JsonWriter::value(bool b) {
    separate();
    m_out += b ? "true" : "false";
}

void JsonWriter::value(std::optional<double> d) {
    if (d) return value(*d);
    null();
}

void JsonWriter::null() {
    separate();
    m_out += "null";
}

namespace {

void date_field(JsonWriter& w, std::string_view key, std::optional<Date> d) {
    w.key(key);
    if (d)
        w.value(d->iso());
    else
        w.null();
}

void strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
    w.key(key);
    w.begin_array();
    for (const auto& s : items) w.value(s);
    w.end_array();
}

void optional_text(JsonWriter& w, std::string_view key, const std::string& s) {
    w.key(key);
    if (s.empty())
        w.null();
    else
        w.value(s);
}

void status_field(JsonWriter& w, Status s) {
    w.key("status");
    if (s == Status::none)
        w.null();
    else
        w.value(to_string(s));
}

void band_field(JsonWriter& w, Band b) {
    w.key("band");
    if (b == Band::none)
        w.null();
    else
        w.value(to_string(b));
}

void write_cycle(JsonWriter& w, const CycleInfo& c) {
    w.begin_object();
    w.field("name", c.name);
    w.field("start", c.start.iso());
    w.field("end", c.end.iso());
    w.field("elapsed", c.elapsed);
    w.end_object();
}

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
    strings(w, "tags", k.tags);
    w.key("history");
    w.begin_array();
    for (double v : k.history) w.value(v);
    w.end_array();
    w.end_object();
}

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
    w.field("cycle", o.cycle);
    w.field("weight", o.weight);
    w.field("expected", o.expected);
    w.field("missed_commitment", o.missed_commitment);
    optional_text(w, "parent", o.parent);
    w.field("parent_unresolved", o.parent_unresolved);
    strings(w, "tags", o.tags);
    optional_text(w, "notes", o.notes);
    w.field("file", o.file);
    w.key("key_results");
    w.begin_array();
    for (const auto& kr : o.krs) write_kr(w, kr);
    w.end_array();
    w.key("kpis");
    w.begin_array();
    for (const auto& k : o.kpis) w.value(k.ref);
    w.end_array();
    strings(w, "unresolved_kpis", o.missing_kpis);
    w.end_object();
}

void write_report_body(JsonWriter& w, const Report& r) {
    w.field("schema_version", 1.0);
    w.field("as_of", r.as_of.iso());
    w.key("cycle");
    if (r.cycles.empty())
        w.null();
    else
        write_cycle(w, r.cycles.front());
    w.key("cycles");
    w.begin_array();
    for (const auto& c : r.cycles) write_cycle(w, c);
    w.end_array();
    w.key("objectives");
    w.begin_array();
    for (const auto& o : r.objectives) write_objective(w, o);
    w.end_array();
    w.key("kpis");
    w.begin_array();
    for (const auto& k : r.kpis) write_kpi(w, k);
    w.end_array();
}

} // namespace

std::string status_json(const Report& report) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    write_report_body(w, report);
    w.end_object();
    out += '\n';
    return out;
}

std::string score_json(const Report& report) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    write_report_body(w, report);
    w.key("owners");
    w.begin_array();
    for (const auto& o : report.owners) {
        w.begin_object();
        w.field("owner", o.owner);
        w.field("score", o.score);
        band_field(w, o.band);
        w.field("objectives", static_cast<double>(o.objectives));
        w.end_object();
    }
    w.end_array();
    w.field("overall", report.overall);
    band_field(w, report.overall_band);
    w.end_object();
    out += '\n';
    return out;
}

std::string kpi_json(Date as_of, const std::vector<KpiRow>& kpis) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("schema_version", 1.0);
    w.field("as_of", as_of.iso());
    w.key("kpis");
    w.begin_array();
    for (const auto& k : kpis) write_kpi(w, k);
    w.end_array();
    w.end_object();
    out += '\n';
    return out;
}

std::string check_json(const Diagnostics& findings) {
    std::string out;
    JsonWriter w(out);
    std::size_t errors = 0, warnings = 0;
    w.begin_object();
    w.field("schema_version", 1.0);
    w.key("findings");
    w.begin_array();
    for (const auto& d : findings) {
        (d.level == Level::error ? errors : warnings)++;
        w.begin_object();
        w.field("path", d.path);
        w.field("line", static_cast<double>(d.pos.line));
        w.field("column", static_cast<double>(d.pos.column));
        w.field("level", d.level == Level::error ? "error" : "warning");
        w.key("rule");
        w.value(d.rule.empty() ? std::string_view("schema") : std::string_view(d.rule));
        w.field("message", d.message);
        optional_text(w, "hint", d.hint);
        w.end_object();
    }
    w.end_array();
    w.field("errors", static_cast<double>(errors));
    w.field("warnings", static_cast<double>(warnings));
    w.end_object();
    out += '\n';
    return out;
}

} // namespace okr::report
