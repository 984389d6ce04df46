#include "okr/report/rows.hpp"

#include "okr/report/json.hpp"
#include "okr/report/text.hpp"
#include "okr/util/parallel.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <type_traits>

namespace okr::report {
namespace {

KpiRow kpi_row(const WorkspaceIndex& index, const Evaluation& ev, KpiRef ref) {
    const Kpi& k = index.at(ref);
    const KpiEval& e = ev.at(ref);
    KpiRow row;
    row.ref = index.ref_of(ref);
    row.id = k.id;
    row.title = k.title;
    row.unit = k.unit;
    row.owner = k.owner;
    row.file = index.workspace().files[ref.file].path;
    row.min = k.min;
    row.max = k.max;
    row.warn = k.warn;
    row.frequency = k.frequency;
    row.value = e.value;
    row.date = e.date;
    row.health = e.health;
    row.stale = e.stale;
    row.dropped = k.dropped;
    row.tags = k.tags;
    std::vector<const Checkin*> upto;
    for (const Checkin& c : k.checkins)
        if (c.date <= ev.as_of) upto.push_back(&c);
    std::stable_sort(upto.begin(), upto.end(),
                     [](const Checkin* a, const Checkin* b) { return a->date < b->date; });
    const std::size_t first = upto.size() > 12 ? upto.size() - 12 : 0;
    for (std::size_t i = first; i < upto.size(); ++i)
        row.history.push_back(upto[i]->value);
    return row;
}

bool has_tag(const std::vector<std::string>& tags, const std::string& tag) {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

} // namespace

std::vector<const Cycle*> selected_cycles(const WorkspaceIndex& index, const std::string& cycle,
                                          Date as_of) {
    std::vector<const Cycle*> all = index.all_cycles();
    if (cycle == "all") return all;
    if (!cycle.empty()) {
        if (const Cycle* c = index.cycle(cycle)) return {c};
        if (auto b = builtin_cycle(cycle)) {
            // A built-in name no objective uses yet: nothing to show, but not an error.
            for (const Cycle* c : all)
                if (c->name == b->name) return {c};
        }
        return {};
    }
    std::vector<const Cycle*> running;
    for (const Cycle* c : all)
        if (c->contains(as_of)) running.push_back(c);
    if (!running.empty()) return running;
    const Cycle* last = nullptr;
    for (const Cycle* c : all)
        if (c->end < as_of && (!last || c->end > last->end)) last = c;
    if (last) return {last};
    return {};
}

Report build_report(const WorkspaceIndex& index, const Evaluation& ev, const Selection& sel) {
    const Workspace& ws = index.workspace();
    Report report;
    report.as_of = ev.as_of;
    if (!ws.files.empty()) report.title = ws.files.front().title;
    report.one_file = ws.files.size() == 1;
    const auto cycles = selected_cycles(index, sel.cycle, ev.as_of);
    for (const Cycle* c : cycles)
        report.cycles.push_back({c->name, c->start, c->end, c->elapsed(ev.as_of)});
    auto in_cycles = [&](const std::string& name) {
        return std::any_of(cycles.begin(), cycles.end(),
                           [&](const Cycle* c) { return c->name == name; });
    };

    // Refs narrow to objectives, or to single KRs of an objective.
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>>
        wanted; // empty vector: all KRs
    for (const std::string& r : sel.refs) {
        if (auto o = index.objective(r, 0, WorkspaceIndex::Explain::found).found) {
            wanted[{o->file, o->objective}].clear();
            wanted[{o->file, o->objective}].push_back(SIZE_MAX);
        } else if (auto k = index.kr(r, 0, true, WorkspaceIndex::Explain::found).found) {
            auto& v = wanted[{k->file, k->objective}];
            if (v.empty() || v.front() != SIZE_MAX) v.push_back(k->kr);
        }
    }

    // The rows of file `f`'s objectives in the selection, added to `rows`.
    const auto add_rows = [&](std::size_t f, std::vector<ObjectiveRow>& rows) {
        const GoalFile& file = ws.files[f];
        for (std::size_t o = 0; o < file.objectives.size(); ++o) {
            const Objective& obj = file.objectives[o];
            const ObjectiveEval& oe = ev.objectives[f][o];
            if (!in_cycles(obj.cycle)) continue;
            const std::vector<std::size_t>* only = nullptr;
            if (!sel.refs.empty()) {
                auto it = wanted.find({f, o});
                if (it == wanted.end()) continue;
                if (it->second.front() != SIZE_MAX) only = &it->second;
            }
            if (!sel.owner.empty() && obj.owner != sel.owner &&
                std::none_of(obj.krs.begin(), obj.krs.end(),
                             [&](const KeyResult& kr) { return kr.owner == sel.owner; }))
                continue;
            if (!sel.tag.empty() && !has_tag(obj.tags, sel.tag)) continue;

            ObjectiveRow row;
            row.ref = index.ref_of(ObjectiveRef{f, o});
            row.id = obj.id;
            row.title = obj.title;
            row.owner = obj.owner;
            row.cycle = obj.cycle;
            row.file = file.path;
            row.type = obj.type;
            row.weight = obj.weight;
            row.expected = oe.elapsed;
            row.score = oe.score;
            row.status = oe.status;
            row.band = oe.band;
            row.missed_commitment = oe.missed_commitment;
            row.closed = obj.closed;
            if (obj.carried_from) {
                auto from =
                    index.objective(obj.carried_from->text, f, WorkspaceIndex::Explain::found);
                row.carried_from = from.found ? index.ref_of(*from.found) : obj.carried_from->text;
            }
            row.notes = obj.notes;
            row.tags = obj.tags;
            if (obj.parent) {
                row.parent = oe.parent ? index.ref_of(*oe.parent) : obj.parent->text;
                row.parent_unresolved = oe.parent_unresolved;
            }
            row.krs.reserve(obj.krs.size());
            for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                if (only && std::find(only->begin(), only->end(), k) == only->end()) continue;
                const KeyResult& kr = obj.krs[k];
                const KrEval& ke = oe.krs[k];
                KrRow kr_row;
                kr_row.ref = index.ref_of(KrRef{f, o, k});
                kr_row.id = kr.id;
                kr_row.title = kr.title;
                kr_row.unit = kr.unit;
                kr_row.owner = kr.owner.empty() ? obj.owner : kr.owner;
                kr_row.type = kr.type;
                kr_row.start = kr.start;
                kr_row.target = kr.target;
                kr_row.current = ke.current;
                kr_row.progress = ke.progress;
                kr_row.expected = oe.elapsed;
                kr_row.weight = kr.weight;
                kr_row.score = ke.score;
                kr_row.manual_score = kr.score;
                kr_row.confidence = ke.confidence;
                kr_row.forecast = ke.forecast;
                kr_row.forecast_score = ke.forecast_score;
                kr_row.status = ke.status;
                kr_row.band = band_for(ke.score);
                kr_row.last_checkin = ke.last_checkin;
                if (ke.last_checkin) kr_row.age_days = ev.as_of - *ke.last_checkin;
                if (kr.kpi) kr_row.kpi_ref = ke.kpi ? index.ref_of(*ke.kpi) : kr.kpi->text;
                kr_row.kpi_unresolved = ke.kpi_unresolved;
                row.krs.push_back(std::move(kr_row));
            }
            for (const KrEval& ke : oe.krs)
                if (ke.status != Status::dropped && ke.confidence)
                    row.confidences.push_back(*ke.confidence);
            if (!row.confidences.empty()) {
                double sum = 0;
                for (double c : row.confidences)
                    sum += c;
                row.confidence = sum / static_cast<double>(row.confidences.size());
            }
            for (const RefText& k : obj.kpis) {
                if (auto r = index.kpi(k.text, f, WorkspaceIndex::Explain::found).found)
                    row.kpis.push_back(kpi_row(index, ev, *r));
                else
                    row.missing_kpis.push_back(k.text);
            }
            rows.push_back(std::move(row));
        }
    };
    // The rows of each part of the files on a core of its own, joined in file order.
    auto rows_of = [&](util::Part part) {
        std::vector<ObjectiveRow> rows;
        std::size_t objectives = 0; // at most: sized once, not grown
        for (std::size_t f = part.begin; f < part.end; ++f)
            objectives += ws.files[f].objectives.size();
        rows.reserve(objectives);
        for (std::size_t f = part.begin; f < part.end; ++f)
            add_rows(f, rows);
        return rows;
    };
    auto parts = util::map_parts(ws.files.size(), 32, rows_of);
    if (parts.size() == 1) {
        report.objectives = std::move(parts.front());
    } else {
        std::size_t rows = 0;
        for (const auto& part : parts)
            rows += part.size();
        report.objectives.reserve(rows);
        for (auto& part : parts)
            report.objectives.insert(report.objectives.end(), std::make_move_iterator(part.begin()),
                                     std::make_move_iterator(part.end()));
    }
    compute_totals(report);
    report.kpis = build_kpi_rows(index, ev, Selection{});
    return report;
}

void compute_totals(Report& report) {
    std::map<std::string, std::vector<Weighted>> by_owner;
    std::map<std::string, std::vector<double>> confidences;
    std::vector<Weighted> overall;
    for (const ObjectiveRow& row : report.objectives) {
        if (!row.score || row.status == Status::dropped) continue;
        by_owner[row.owner].push_back({*row.score, row.weight});
        overall.push_back({*row.score, row.weight});
        auto& c = confidences[row.owner];
        c.insert(c.end(), row.confidences.begin(), row.confidences.end());
    }
    report.owners.clear();
    for (const auto& [owner, scores] : by_owner) {
        OwnerTotal t;
        t.owner = owner;
        t.score = weighted_mean(scores);
        t.band = band_for(t.score);
        t.objectives = scores.size();
        const auto& c = confidences[owner];
        if (!c.empty()) {
            double sum = 0;
            for (double v : c)
                sum += v;
            t.confidence = sum / static_cast<double>(c.size());
        }
        report.owners.push_back(std::move(t));
    }
    report.overall = weighted_mean(overall);
    report.overall_band = band_for(report.overall);
}

std::optional<Status> parse_status(std::string_view word) {
    for (Status s : {Status::on_track, Status::at_risk, Status::off_track, Status::done,
                     Status::dropped, Status::closed})
        if (word == to_string(s)) return s;
    return std::nullopt;
}

void keep_statuses(Report& report, const std::vector<Status>& statuses) {
    auto listed = [&](Status s) {
        return std::find(statuses.begin(), statuses.end(), s) != statuses.end();
    };
    std::vector<ObjectiveRow> kept;
    for (ObjectiveRow& o : report.objectives) {
        std::erase_if(o.krs, [&](const KrRow& kr) { return !listed(kr.status); });
        if (listed(o.status) || !o.krs.empty()) kept.push_back(std::move(o));
    }
    report.objectives = std::move(kept);
    compute_totals(report);
}

namespace {

int severity(Status s) {
    switch (s) {
    case Status::off_track:
        return 0;
    case Status::at_risk:
        return 1;
    case Status::on_track:
        return 2;
    case Status::done:
        return 3;
    case Status::closed:
        return 4;
    case Status::none:
        return 5;
    case Status::dropped:
        return 6;
    }
    return 7;
}

// A missing number sorts last for score and progress, first for the last check-in.
template <class Row> bool less_by(const Row& a, const Row& b, SortKey key) {
    auto number = [](std::optional<double> x, std::optional<double> y) {
        if (x && y) return *x < *y;
        return x.has_value() && !y.has_value();
    };
    switch (key) {
    case SortKey::score:
        return number(a.score, b.score);
    case SortKey::progress:
        if constexpr (std::is_same_v<Row, KrRow>)
            return a.progress < b.progress;
        else
            return number(a.score, b.score);
    case SortKey::status:
        return severity(a.status) < severity(b.status);
    case SortKey::owner:
        return a.owner < b.owner;
    case SortKey::last: {
        const auto la = last_of(a), lb = last_of(b);
        if (la && lb) return *la < *lb;
        return !la.has_value() && lb.has_value();
    }
    }
    return false;
}

} // namespace

std::optional<Date> last_of(const KrRow& kr) {
    return kr.last_checkin;
}

std::optional<Date> last_of(const ObjectiveRow& o) {
    std::optional<Date> last;
    for (const KrRow& kr : o.krs)
        if (kr.status != Status::dropped && kr.last_checkin && (!last || *kr.last_checkin > *last))
            last = kr.last_checkin;
    return last;
}

void sort_report(Report& report, SortKey key) {
    for (ObjectiveRow& o : report.objectives)
        std::stable_sort(o.krs.begin(), o.krs.end(),
                         [&](const KrRow& a, const KrRow& b) { return less_by(a, b, key); });
    std::stable_sort(
        report.objectives.begin(), report.objectives.end(),
        [&](const ObjectiveRow& a, const ObjectiveRow& b) { return less_by(a, b, key); });
}

std::vector<KpiRow> build_kpi_rows(const WorkspaceIndex& index, const Evaluation& ev,
                                   const Selection& sel) {
    const Workspace& ws = index.workspace();
    std::vector<KpiRow> rows;
    for (std::size_t f = 0; f < ws.files.size(); ++f)
        for (std::size_t k = 0; k < ws.files[f].kpis.size(); ++k) {
            const KpiRef ref{f, k};
            const Kpi& kpi = index.at(ref);
            if (!sel.refs.empty() &&
                std::none_of(sel.refs.begin(), sel.refs.end(), [&](const std::string& r) {
                    auto found = index.kpi(r, 0, WorkspaceIndex::Explain::found).found;
                    return found && *found == ref;
                }))
                continue;
            if (!sel.owner.empty() && kpi.owner != sel.owner) continue;
            if (!sel.tag.empty() && !has_tag(kpi.tags, sel.tag)) continue;
            rows.push_back(kpi_row(index, ev, ref));
        }
    return rows;
}

void write_cycle(JsonWriter& w, const CycleInfo& c) {
    w.begin_object();
    w.field("name", c.name);
    w.field("start", c.start.iso());
    w.field("end", c.end.iso());
    w.field("elapsed", c.elapsed);
    w.end_object();
}

std::string describe_cycles(const std::vector<CycleInfo>& cycles) {
    std::string out;
    for (const auto& c : cycles) {
        if (!out.empty()) out += " · ";
        out += fmt::format("{} ({} → {}, {} elapsed)", c.name, c.start.iso(), c.end.iso(),
                           format_percent(c.elapsed));
    }
    return out.empty() ? "no cycle" : out;
}

std::string shown_ref(const std::string& ref, bool one_file) {
    if (!one_file) return ref;
    const auto slash = ref.rfind('/');
    return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

} // namespace okr::report
