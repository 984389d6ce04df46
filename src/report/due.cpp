#include "okr/report/due.hpp"

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

} // namespace okr::report
