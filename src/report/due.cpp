#include "okr/report/due.hpp"

#include "okr/report/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace okr::report {
namespace {

const CycleInfo* cycle_named(const Report& report, const std::string& name) {
    for (const CycleInfo& c : report.cycles)
        if (c.name == name) return &c;
    return nullptr;
}

bool wants(const std::vector<FailOn>& conditions, FailOn c) {
    return std::find(conditions.begin(), conditions.end(), c) != conditions.end();
}

// An item shown twice (a KPI under two objectives) is named once.
void add_once(std::vector<std::string>& out, std::string item) {
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
}

void check_status(std::vector<std::string>& out, const std::string& ref, Status s,
                  const std::vector<FailOn>& conditions) {
    if (s == Status::off_track && wants(conditions, FailOn::off_track))
        add_once(out, ref + " (off-track)");
    if (s == Status::at_risk && wants(conditions, FailOn::at_risk))
        add_once(out, ref + " (at-risk)");
}

void check_kpi(std::vector<std::string>& out, const std::string& ref, Health h, bool stale,
               bool due, const std::vector<FailOn>& conditions) {
    if (h == Health::breach && wants(conditions, FailOn::breach)) add_once(out, ref + " (breach)");
    if (h == Health::warn && wants(conditions, FailOn::warn)) add_once(out, ref + " (warn)");
    if (stale && wants(conditions, FailOn::stale)) add_once(out, ref + " (stale)");
    if (due && wants(conditions, FailOn::due)) add_once(out, ref + " (due)");
}

} // namespace

bool kr_due(const KrRow& kr, const CycleInfo& cycle, Date as_of, bool objective_closed) {
    if (as_of < cycle.start || as_of > cycle.end || objective_closed) return false;
    if (kr.status == Status::dropped || kr.status == Status::done || kr.manual_score) return false;
    const Date last = kr.last_checkin.value_or(cycle.start);
    return as_of - last >= k_due_days;
}

bool kpi_due(const KpiRow& kpi, Date as_of) {
    if (kpi.dropped || !kpi.frequency) return false;
    return !kpi.date || as_of - *kpi.date >= period_days(*kpi.frequency);
}

DueReport build_due(const Report& report, const std::vector<KpiRow>& kpis, const std::string& owner,
                    bool short_refs) {
    // In a one-file workspace references need no namespace: `okr checkin long-run 15`.
    auto shown = [&](const std::string& ref) {
        const auto slash = ref.find('/');
        return short_refs && slash != std::string::npos ? ref.substr(slash + 1) : ref;
    };
    DueReport due;
    due.as_of = report.as_of;
    for (const CycleInfo& c : report.cycles)
        if (c.start <= report.as_of && report.as_of <= c.end) due.cycles.push_back(c);
    std::vector<DueItem> kpi_items;
    for (const KpiRow& k : kpis) {
        if (!kpi_due(k, report.as_of) || (!owner.empty() && k.owner != owner)) continue;
        DueItem item;
        item.kpi = true;
        item.ref = shown(k.ref);
        item.title = k.title;
        item.owner = k.owner;
        item.file = k.file;
        item.unit = k.unit;
        item.last = k.date;
        if (k.date) item.days = report.as_of - *k.date;
        item.period = period_days(*k.frequency);
        item.command = fmt::format("okr checkin {} VALUE", item.ref);
        item.health = k.health;
        item.stale = k.stale;
        kpi_items.push_back(std::move(item));
    }
    auto kpi_listed = [&](const std::string& ref) {
        return std::any_of(kpi_items.begin(), kpi_items.end(),
                           [&](const DueItem& i) { return i.ref == shown(ref); });
    };
    for (const ObjectiveRow& o : report.objectives) {
        const CycleInfo* cycle = cycle_named(report, o.cycle);
        if (!cycle) continue;
        for (const KrRow& kr : o.krs) {
            if (!kr_due(kr, *cycle, report.as_of, o.closed.has_value())) continue;
            if (!owner.empty() && kr.owner != owner) continue;
            const bool via_kpi = !kr.kpi_ref.empty() && !kr.kpi_unresolved;
            if (via_kpi && kpi_listed(kr.kpi_ref)) continue;
            DueItem item;
            item.ref = shown(kr.ref);
            item.title = kr.title;
            item.owner = kr.owner;
            item.file = o.file;
            item.unit = kr.unit;
            item.last = kr.last_checkin;
            item.days = report.as_of - kr.last_checkin.value_or(cycle->start);
            item.command = fmt::format("okr checkin {} {}", shown(via_kpi ? kr.kpi_ref : kr.ref),
                                       kr.type == KrType::milestone ? "done" : "VALUE");
            item.status = kr.status;
            due.items.push_back(std::move(item));
        }
    }
    for (DueItem& i : kpi_items)
        due.items.push_back(std::move(i));
    return due;
}

std::optional<FailOn> parse_fail_on(std::string_view word) {
    for (FailOn c : {FailOn::off_track, FailOn::at_risk, FailOn::breach, FailOn::warn,
                     FailOn::stale, FailOn::due})
        if (word == to_string(c)) return c;
    return std::nullopt;
}

const char* to_string(FailOn condition) {
    switch (condition) {
    case FailOn::off_track:
        return "off-track";
    case FailOn::at_risk:
        return "at-risk";
    case FailOn::breach:
        return "breach";
    case FailOn::warn:
        return "warn";
    case FailOn::stale:
        return "stale";
    case FailOn::due:
        return "due";
    }
    return "";
}

std::vector<std::string> failing(const Report& report, const std::vector<FailOn>& conditions) {
    std::vector<std::string> out;
    for (const ObjectiveRow& o : report.objectives) {
        check_status(out, o.ref, o.status, conditions);
        const CycleInfo* cycle = cycle_named(report, o.cycle);
        for (const KrRow& kr : o.krs) {
            check_status(out, kr.ref, kr.status, conditions);
            if (cycle && wants(conditions, FailOn::due) &&
                kr_due(kr, *cycle, report.as_of, o.closed.has_value()))
                out.push_back(kr.ref + " (due)");
        }
        for (const KpiRow& k : o.kpis)
            if (!k.dropped)
                check_kpi(out, k.ref, k.health, k.stale, kpi_due(k, report.as_of), conditions);
    }
    return out;
}

std::vector<std::string> failing(const std::vector<KpiRow>& kpis, Date as_of,
                                 const std::vector<FailOn>& conditions) {
    std::vector<std::string> out;
    for (const KpiRow& k : kpis)
        if (!k.dropped) check_kpi(out, k.ref, k.health, k.stale, kpi_due(k, as_of), conditions);
    return out;
}

std::vector<std::string> failing(const DueReport& due, const std::vector<FailOn>& conditions) {
    std::vector<std::string> out;
    for (const DueItem& i : due.items) {
        if (i.kpi)
            check_kpi(out, i.ref, i.health, i.stale, true, conditions);
        else {
            check_status(out, i.ref, i.status, conditions);
            if (wants(conditions, FailOn::due)) out.push_back(i.ref + " (due)");
        }
    }
    return out;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

} // namespace

std::string due_json(const DueReport& due, const Spill& spill) {
    return json_document(spill, [&](JsonWriter& w) {
        w.field("schema_version", 1.0);
        w.field("as_of", due.as_of.iso());
        array_of(w, "cycles", due.cycles, write_cycle);
        w.key("due");
        w.begin_array();
        for (const DueItem& i : due.items) {
            w.begin_object();
            w.field("kind", i.kpi ? "kpi" : "kr");
            w.field("ref", i.ref);
            w.field("title", i.title);
            w.field("owner", i.owner);
            w.field("file", i.file);
            date_field(w, "last_checkin", i.last);
            w.key("days");
            if (i.days)
                w.value(static_cast<double>(*i.days));
            else
                w.null();
            w.field("period_days", static_cast<double>(i.period));
            w.field("command", i.command);
            w.end_object();
        }
        w.end_array();
    });
}

Sheet due_sheet(const DueReport& due) {
    Sheet sheet;
    sheet.title = "Due for a check-in";
    std::string cycles;
    for (const CycleInfo& c : due.cycles)
        cycles += (cycles.empty() ? "" : ", ") + c.name;
    sheet.subtitle = {"as of " + due.as_of.iso()};
    if (!cycles.empty()) sheet.subtitle.push_back(cycles);
    sheet.head = {line("Due for a check-in · as of " + due.as_of.iso() +
                           (cycles.empty() ? "" : " · " + cycles),
                       Style::bold, k_term),
                  line({}, Style::plain, k_term)};
    Section s = titled_section("Due");
    s.empty = fmt::format("Nothing is due: every key result has a check-in from the last {} days "
                          "and every KPI is within its period.",
                          k_due_days);
    s.columns = {
        column("kind", "", k_term),
        column("item", "Item", k_term, Align::left, true),
        column("ref", "Ref", k_docs),
        column("title", "Title", k_docs),
        column("owner", "Owner", k_all, Align::left, true, 3, 10),
        column("last", "Last", k_term),
        column("last_checkin", "Last check-in", k_docs),
        column("age", "Age", k_term, Align::right),
        column("days", "Days", k_docs),
        column("period_days", "Period (days)", k_docs),
        column("command", "Command", k_docs),
    };
    std::size_t krs = 0;
    for (const DueItem& i : due.items) {
        krs += i.kpi ? 0 : 1;
        const std::optional<double> days =
            i.days ? std::optional<double>(*i.days) : std::optional<double>();
        s.rows.push_back(
            {i.kpi ? "kpi" : "kr",
             0,
             {text_cell(i.kpi ? "KPI" : "KR", Style::dim), text_cell(i.ref + "  " + i.title),
              text_cell(i.ref), text_cell(i.title), text_cell(i.owner),
              styled(date_cell(i.last, "never"), i.last ? Style::plain : Style::yellow),
              date_cell(i.last),
              styled(text_cell(i.days ? fmt::format("{}d", *i.days) : "-"), Style::yellow),
              number_cell(days), number_cell(static_cast<double>(i.period)),
              text_cell(i.command)}});
    }
    if (!due.items.empty()) {
        // The commands get lines of their own in the terminal, so that no width ever cuts them.
        s.after.push_back(line({}, Style::plain, k_term));
        s.after.push_back(line("To check in:", Style::plain, k_term));
        std::vector<std::string> commands;
        for (const DueItem& i : due.items)
            if (std::find(commands.begin(), commands.end(), i.command) == commands.end())
                commands.push_back(i.command);
        for (const std::string& c : commands)
            s.after.push_back(line("  " + c, Style::plain, k_term));
        s.after.push_back(line({}, Style::plain, k_term));
        const std::size_t kpis = due.items.size() - krs;
        s.after.push_back(line(fmt::format("{} key result{} with no check-in for {} days, {} KPI{} "
                                           "past {} period.",
                                           krs, krs == 1 ? "" : "s", k_due_days, kpis,
                                           kpis == 1 ? "" : "s", kpis == 1 ? "its" : "their")));
    }
    sheet.sections.push_back(std::move(s));
    return sheet;
}

} // namespace okr::report
