#include "okr/report/diff.hpp"

#include "okr/report/json.hpp"
#include "okr/report/table.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

namespace okr::report {
namespace {

GoalChange make(std::string change, std::string item, std::string ref, std::string title,
                std::string before = {}, std::string after = {}) {
    GoalChange c;
    c.change = std::move(change);
    c.item = std::move(item);
    c.ref = std::move(ref);
    c.title = std::move(title);
    c.before = std::move(before);
    c.after = std::move(after);
    return c;
}

std::string checkin_key(const Checkin& c) {
    return fmt::format("{}|{}|{}|{}", c.date.iso(), c.value,
                       c.has_confidence() ? fmt::format("{}", *c.confidence) : "-", c.note);
}

std::string shown_score(std::optional<double> s) {
    return s ? format_score(*s) : std::string();
}

std::string shown_number(double v) {
    return format_number(v, 6);
}

bool cycle_running(const ObjectiveEval& e, Date as_of) {
    return e.cycle && e.cycle->start <= as_of && as_of <= e.cycle->end;
}

// Items of one version by reference.
struct Items {
    std::unordered_map<std::string, ObjectiveRef> objectives;
    std::unordered_map<std::string, KrRef> krs;
    std::unordered_map<std::string, KpiRef> kpis;
};

Items items_of(const WorkspaceIndex& index) {
    Items out;
    const Workspace& ws = index.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
            out.objectives.emplace(index.ref_of(ObjectiveRef{f, o}), ObjectiveRef{f, o});
            for (std::size_t k = 0; k < ws.files[f].objectives[o].krs.size(); ++k)
                out.krs.emplace(index.ref_of(KrRef{f, o, k}), KrRef{f, o, k});
        }
        for (std::size_t k = 0; k < ws.files[f].kpis.size(); ++k)
            out.kpis.emplace(index.ref_of(KpiRef{f, k}), KpiRef{f, k});
    }
    return out;
}

void new_checkins(const std::vector<Checkin>& before, const std::vector<Checkin>& after,
                  const std::string& item, const std::string& ref, const std::string& title,
                  std::vector<GoalChange>& out) {
    std::unordered_map<std::string, int> old;
    for (const Checkin& c : before)
        ++old[checkin_key(c)];
    std::vector<const Checkin*> added;
    for (const Checkin& c : after)
        if (auto it = old.find(checkin_key(c)); it != old.end() && it->second > 0)
            --it->second;
        else
            added.push_back(&c);
    std::stable_sort(added.begin(), added.end(),
                     [](const Checkin* a, const Checkin* b) { return a->date < b->date; });
    for (const Checkin* c : added) {
        GoalChange ch = make("checkin", item, ref, title, {}, shown_number(c->value));
        ch.checkin = *c;
        out.push_back(std::move(ch));
    }
}

void score_and_status(const std::string& item, const std::string& ref, const std::string& title,
                      std::optional<double> sb, std::optional<double> sa, Status tb, Status ta,
                      std::vector<GoalChange>& out) {
    if (shown_score(sb) != shown_score(sa)) {
        GoalChange ch = make("score", item, ref, title, shown_score(sb), shown_score(sa));
        ch.score_before = sb;
        ch.score_after = sa;
        out.push_back(std::move(ch));
    }
    if (tb != ta) out.push_back(make("status", item, ref, title, to_string(tb), to_string(ta)));
}

} // namespace

GoalsDiff diff_goals(const EvaluatedGoals& before, const EvaluatedGoals& after, Date as_of) {
    GoalsDiff diff;
    diff.as_of = as_of;
    const Items old_items = items_of(*before.index);
    const Items new_items = items_of(*after.index);
    const WorkspaceIndex& bi = *before.index;
    const WorkspaceIndex& ai = *after.index;
    std::vector<GoalChange>& out = diff.changes;
    const Workspace& ws = ai.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
            const ObjectiveRef ar{f, o};
            const Objective& a = ai.at(ar);
            const ObjectiveEval& ae = after.evaluation->at(ar);
            const std::string ref = ai.ref_of(ar);
            auto found = old_items.objectives.find(ref);
            if (found == old_items.objectives.end()) {
                if (a.carried_from)
                    out.push_back(
                        make("carried", "objective", ref, a.title, a.carried_from->text, a.cycle));
                else
                    out.push_back(
                        make("added", "objective", ref, a.title, {}, shown_score(ae.score)));
                continue;
            }
            const Objective& b = bi.at(found->second);
            const ObjectiveEval& be = before.evaluation->at(found->second);
            if (a.dropped && !b.dropped) out.push_back(make("dropped", "objective", ref, a.title));
            if (a.closed && !b.closed)
                out.push_back(make("closed", "objective", ref, a.title, {}, a.closed->iso()));
            score_and_status("objective", ref, a.title, be.score, ae.score, be.status, ae.status,
                             out);
            for (std::size_t k = 0; k < a.krs.size(); ++k) {
                const KrRef akr{f, o, k};
                const KeyResult& kr = a.krs[k];
                const KrEval& ke = after.evaluation->at(akr);
                const std::string kref = ai.ref_of(akr);
                auto old = old_items.krs.find(kref);
                if (old == old_items.krs.end()) {
                    out.push_back(make("added", "kr", kref, kr.title, {}, shown_score(ke.score)));
                    continue;
                }
                const KeyResult& okr = bi.at(old->second);
                const KrEval& oke = before.evaluation->at(old->second);
                if (kr.dropped && !okr.dropped)
                    out.push_back(make("dropped", "kr", kref, kr.title));
                if (kr.start != okr.start || kr.target != okr.target) {
                    GoalChange ch = make(
                        "goalpost", "kr", kref, kr.title,
                        fmt::format("{} -> {}", shown_number(okr.start), shown_number(okr.target)),
                        fmt::format("{} -> {}", shown_number(kr.start), shown_number(kr.target)));
                    ch.flagged = cycle_running(ae, as_of);
                    out.push_back(std::move(ch));
                }
                new_checkins(okr.checkins, kr.checkins, "kr", kref, kr.title, out);
                score_and_status("kr", kref, kr.title, oke.score, ke.score, oke.status, ke.status,
                                 out);
            }
        }
        for (std::size_t k = 0; k < ws.files[f].kpis.size(); ++k) {
            const KpiRef ar{f, k};
            const Kpi& a = ai.at(ar);
            const KpiEval& ae = after.evaluation->at(ar);
            const std::string ref = ai.ref_of(ar);
            auto found = old_items.kpis.find(ref);
            if (found == old_items.kpis.end()) {
                out.push_back(make("added", "kpi", ref, a.title, {}, to_string(ae.health)));
                continue;
            }
            const Kpi& b = bi.at(found->second);
            const KpiEval& be = before.evaluation->at(found->second);
            if (a.dropped && !b.dropped) out.push_back(make("dropped", "kpi", ref, a.title));
            new_checkins(b.checkins, a.checkins, "kpi", ref, a.title, out);
            if (be.health != ae.health)
                out.push_back(make("health", "kpi", ref, a.title, to_string(be.health),
                                   to_string(ae.health)));
        }
    }
    // Removed: in the older version only, in its order.
    const Workspace& old_ws = bi.workspace();
    for (std::size_t f = 0; f < old_ws.files.size(); ++f) {
        for (std::size_t o = 0; o < old_ws.files[f].objectives.size(); ++o) {
            const std::string ref = bi.ref_of(ObjectiveRef{f, o});
            const Objective& b = old_ws.files[f].objectives[o];
            if (!new_items.objectives.count(ref)) {
                out.push_back(make("removed", "objective", ref, b.title));
                continue;
            }
            for (std::size_t k = 0; k < b.krs.size(); ++k) {
                const std::string kref = bi.ref_of(KrRef{f, o, k});
                if (!new_items.krs.count(kref))
                    out.push_back(make("removed", "kr", kref, b.krs[k].title));
            }
        }
        for (std::size_t k = 0; k < old_ws.files[f].kpis.size(); ++k) {
            const std::string ref = bi.ref_of(KpiRef{f, k});
            if (!new_items.kpis.count(ref))
                out.push_back(make("removed", "kpi", ref, old_ws.files[f].kpis[k].title));
        }
    }
    return diff;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

// The facts of a change's detail (a check-in's date and confidence), which no width cuts, and
// its words (a note), which give way like titles.
std::pair<std::string, std::string> detail_of(const GoalChange& c) {
    if (c.checkin) {
        std::string d = c.checkin->date.iso();
        if (c.checkin->has_confidence())
            d += fmt::format(", confidence {}", format_number(*c.checkin->confidence, 2));
        if (c.checkin->note.empty()) return {d, {}};
        return {d, ": " + c.checkin->note};
    }
    if (c.change == "goalpost")
        return {c.flagged ? "moved while the cycle runs" : "start -> target", {}};
    return {};
}

// A cell whose first `facts` characters survive every width.
SheetCell kept_cell(std::string facts, std::string words = {}, Style style = Style::plain) {
    SheetCell cell = text_cell(facts + words, style);
    cell.keep = display_width(facts);
    return cell;
}

// Values that read as words from a goal file (a title, an owner) give way like titles; the
// others (numbers, scores, states, dates, goalposts) are kept whole.
bool words_change(const GoalChange& c) {
    return c.change == "title" || c.change == "owner" || c.change == "renamed";
}

SheetCell value_cell(const GoalChange& c, const std::string& value) {
    return words_change(c) ? text_cell(value) : kept_cell(value);
}

std::string title_line(const std::string& from, const std::string& to) {
    return fmt::format("Changes in the goals from {} to {}", from, to);
}

} // namespace

Sheet diff_sheet(const GoalsDiff& diff, const std::string& from, const std::string& to) {
    Sheet sheet;
    sheet.title = title_line(from, to);
    sheet.subtitle.push_back(fmt::format("Both evaluated as of {}", diff.as_of.iso()));
    sheet.head = {line(fmt::format("{}, as of {}", title_line(from, to), diff.as_of.iso()),
                       Style::plain, Media::terminal)};
    Section section;
    section.name = "changes";
    section.heading = "Changes";
    section.heading_media = Media::documents;
    section.empty = "No change in the goals.";
    // The terminal shows the ref and the title in one column that gives way first (SPEC §9),
    // then drops the kind of item; the values and the facts of the detail are never cut.
    section.columns = {column("change", "Change"),
                       column("item", "Item", k_all, Align::left, false, 1),
                       column("what", "Item", k_term, Align::left, true, 0, 26),
                       column("ref", "Ref", k_docs),
                       column("title", "Title", k_docs),
                       column("before", "Before", k_all, Align::right, true, 0, 12),
                       column("after", "After", k_all, Align::right, true, 0, 12),
                       column("detail", "Detail", k_all, Align::left, true, 0, 30)};
    for (const GoalChange& c : diff.changes) {
        const Style style = c.flagged                                        ? Style::red
                            : c.change == "added" || c.change == "checkin"   ? Style::green
                            : c.change == "removed" || c.change == "dropped" ? Style::yellow
                                                                             : Style::plain;
        const auto [facts, words] = detail_of(c);
        SheetRow row;
        row.kind = c.item;
        row.cells = {kept_cell(c.flagged ? "goalpost moved!" : c.change, {}, style),
                     text_cell(c.item),
                     text_cell(c.ref + (c.title.empty() ? "" : "  " + c.title)),
                     text_cell(c.ref),
                     text_cell(c.title),
                     value_cell(c, c.before),
                     value_cell(c, c.after),
                     kept_cell(facts, words)};
        section.rows.push_back(std::move(row));
    }
    if (diff.changes.empty())
        section.after.push_back(line("No change in the goals.", Style::plain, Media::documents));
    sheet.sections.push_back(std::move(section));
    return sheet;
}

std::string diff_json(const GoalsDiff& diff, const std::string& from, const std::string& to,
                      const Spill& spill) {
    std::string out;
    JsonWriter w(out, spill);
    w.begin_object();
    w.field("schema_version", 1.0);
    w.field("as_of", diff.as_of.iso());
    w.field("from", from);
    w.field("to", to);
    w.key("changes");
    w.begin_array();
    for (const GoalChange& c : diff.changes) {
        w.begin_object();
        w.field("change", c.change);
        w.field("item", c.item);
        w.field("ref", c.ref);
        w.field("title", c.title);
        w.field("before", c.before);
        w.field("after", c.after);
        if (c.score_before || c.score_after) {
            w.field("score_before", c.score_before);
            w.field("score_after", c.score_after);
        }
        if (c.checkin) {
            w.field("date", c.checkin->date.iso());
            w.field("value", c.checkin->value);
            w.field("confidence", c.checkin->confidence);
            w.field("note", c.checkin->note);
        }
        w.field("flagged", c.flagged);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return out + "\n";
}

} // namespace okr::report
