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
                       c.has_confidence() ? fmt::format("{}", *c.confidence) : "-", c.note.view());
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

// The rows of what an item says about itself, in the order of SPEC §12: a rename, then title,
// owner, weight, unit and type, then its `status` key (dropped, or active again).
struct Said {
    std::string id, title, owner, unit, type;
    std::string owner_key; // what the item's own `owner` says: a KR that follows its objective's
                           // owner has not changed when the objective's has
    std::optional<double> weight;
    bool dropped = false;
};

void said_changes(const std::string& item, const std::string& old_ref, const std::string& ref,
                  const Said& b, const Said& a, std::vector<GoalChange>& out) {
    if (old_ref != ref) out.push_back(make("renamed", item, ref, a.title, old_ref, ref));
    if (b.title != a.title) out.push_back(make("title", item, ref, a.title, b.title, a.title));
    if (b.owner_key != a.owner_key)
        out.push_back(make("owner", item, ref, a.title, b.owner, a.owner));
    if (b.weight && a.weight && *b.weight != *a.weight)
        out.push_back(
            make("weight", item, ref, a.title, shown_number(*b.weight), shown_number(*a.weight)));
    if (b.unit != a.unit) out.push_back(make("unit", item, ref, a.title, b.unit, a.unit));
    if (b.type != a.type) out.push_back(make("type", item, ref, a.title, b.type, a.type));
    if (a.dropped && !b.dropped) out.push_back(make("dropped", item, ref, a.title));
    if (!a.dropped && b.dropped) out.push_back(make("reactivated", item, ref, a.title));
}

Said said(const Objective& o) {
    return {o.id, o.title, o.owner, {}, to_string(o.type), o.owner, o.weight, o.dropped};
}
Said said(const KeyResult& kr, const Objective& o) {
    return {kr.id,     kr.title,           kr.owner.empty() ? o.owner : kr.owner,
            kr.unit,   to_string(kr.type), kr.owner,
            kr.weight, kr.dropped};
}
Said said(const Kpi& k) {
    return {k.id, k.title, k.owner, k.unit, {}, k.owner, std::nullopt, k.dropped};
}

// Pairs each item of the newer version with its item of the older one: by reference, else as
// a rename (`okr mv`: a new id, the same title, in the same namespace or objective), one to one
// in file order. `same(new, old)` says whether two items may be one renamed.
template <typename New, typename Old, typename Same>
std::vector<std::optional<Old>>
pair_items(const std::vector<New>& news, const std::vector<std::string>& new_refs,
           const std::vector<Old>& olds, const std::vector<std::string>& old_refs, Same same,
           std::vector<bool>& old_used) {
    std::vector<std::optional<Old>> out(news.size());
    old_used.assign(olds.size(), false);
    std::unordered_map<std::string, std::size_t> by_ref;
    for (std::size_t i = 0; i < olds.size(); ++i)
        by_ref.emplace(old_refs[i], i);
    for (std::size_t i = 0; i < news.size(); ++i)
        if (auto it = by_ref.find(new_refs[i]); it != by_ref.end()) {
            out[i] = olds[it->second];
            old_used[it->second] = true;
        }
    for (std::size_t i = 0; i < news.size(); ++i) {
        if (out[i]) continue;
        for (std::size_t j = 0; j < olds.size(); ++j)
            if (!old_used[j] && same(news[i], olds[j])) {
                out[i] = olds[j];
                old_used[j] = true;
                break;
            }
    }
    return out;
}

struct ObjectiveList {
    std::vector<ObjectiveRef> items;
    std::vector<std::string> refs;
};

ObjectiveList objectives_of(const WorkspaceIndex& index) {
    ObjectiveList out;
    const Workspace& ws = index.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f)
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
            out.items.push_back({f, o});
            out.refs.push_back(index.ref_of(ObjectiveRef{f, o}));
        }
    return out;
}

} // namespace

GoalsDiff diff_goals(const EvaluatedGoals& before, const EvaluatedGoals& after, Date as_of) {
    GoalsDiff diff;
    diff.as_of = as_of;
    const WorkspaceIndex& bi = *before.index;
    const WorkspaceIndex& ai = *after.index;
    const Workspace& ws = ai.workspace();
    const Workspace& old_ws = bi.workspace();
    std::vector<GoalChange>& out = diff.changes;

    // Objectives of both versions, paired; a carried objective is new, never a rename.
    const ObjectiveList new_objectives = objectives_of(ai), old_objectives = objectives_of(bi);
    std::vector<bool> old_objective_used;
    const auto objective_pairs = pair_items(
        new_objectives.items, new_objectives.refs, old_objectives.items, old_objectives.refs,
        [&](ObjectiveRef n, ObjectiveRef o) {
            const Objective& a = ai.at(n);
            return !a.carried_from && a.title == bi.at(o).title &&
                   ws.files[n.file].name_space == old_ws.files[o.file].name_space;
        },
        old_objective_used);
    // KPIs likewise, by namespace and title.
    std::vector<KpiRef> new_kpis, old_kpis;
    std::vector<std::string> new_kpi_refs, old_kpi_refs;
    for (std::size_t f = 0; f < ws.files.size(); ++f)
        for (std::size_t k = 0; k < ws.files[f].kpis.size(); ++k) {
            new_kpis.push_back({f, k});
            new_kpi_refs.push_back(ai.ref_of(KpiRef{f, k}));
        }
    for (std::size_t f = 0; f < old_ws.files.size(); ++f)
        for (std::size_t k = 0; k < old_ws.files[f].kpis.size(); ++k) {
            old_kpis.push_back({f, k});
            old_kpi_refs.push_back(bi.ref_of(KpiRef{f, k}));
        }
    std::vector<bool> old_kpi_used;
    const auto kpi_pairs = pair_items(
        new_kpis, new_kpi_refs, old_kpis, old_kpi_refs,
        [&](KpiRef n, KpiRef o) {
            return ai.at(n).title == bi.at(o).title &&
                   ws.files[n.file].name_space == old_ws.files[o.file].name_space;
        },
        old_kpi_used);

    std::vector<GoalChange> removed_krs;
    std::size_t next_objective = 0, next_kpi = 0;
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o, ++next_objective) {
            const ObjectiveRef ar{f, o};
            const Objective& a = ai.at(ar);
            const ObjectiveEval& ae = after.evaluation->at(ar);
            const std::string ref = ai.ref_of(ar);
            const std::optional<ObjectiveRef> found = objective_pairs[next_objective];
            if (!found) {
                if (a.carried_from)
                    out.push_back(
                        make("carried", "objective", ref, a.title, a.carried_from->text, a.cycle));
                else
                    out.push_back(
                        make("added", "objective", ref, a.title, {}, shown_score(ae.score)));
                continue;
            }
            const Objective& b = bi.at(*found);
            const ObjectiveEval& be = before.evaluation->at(*found);
            said_changes("objective", bi.ref_of(*found), ref, said(b), said(a), out);
            if (a.closed && !b.closed)
                out.push_back(make("closed", "objective", ref, a.title, {}, a.closed->iso()));
            score_and_status("objective", ref, a.title, be.score, ae.score, be.status, ae.status,
                             out);
            // Its KRs, paired by id, else renamed within the objective (same title).
            std::vector<std::size_t> new_krs(a.krs.size()), old_krs(b.krs.size());
            std::vector<std::string> new_kr_ids, old_kr_ids;
            for (std::size_t k = 0; k < a.krs.size(); ++k) {
                new_krs[k] = k;
                new_kr_ids.push_back(a.krs[k].id);
            }
            for (std::size_t k = 0; k < b.krs.size(); ++k) {
                old_krs[k] = k;
                old_kr_ids.push_back(b.krs[k].id);
            }
            std::vector<bool> old_kr_used;
            const auto kr_pairs = pair_items(
                new_krs, new_kr_ids, old_krs, old_kr_ids,
                [&](std::size_t n, std::size_t ol) { return a.krs[n].title == b.krs[ol].title; },
                old_kr_used);
            for (std::size_t k = 0; k < a.krs.size(); ++k) {
                const KrRef akr{f, o, k};
                const KeyResult& kr = a.krs[k];
                const KrEval& ke = after.evaluation->at(akr);
                const std::string kref = ai.ref_of(akr);
                if (!kr_pairs[k]) {
                    out.push_back(make("added", "kr", kref, kr.title, {}, shown_score(ke.score)));
                    continue;
                }
                const KrRef old_kr{found->file, found->objective, *kr_pairs[k]};
                const KeyResult& okr = bi.at(old_kr);
                const KrEval& oke = before.evaluation->at(old_kr);
                // A KR of a renamed objective keeps its id: only the objective has a rename row.
                said_changes("kr", okr.id == kr.id ? kref : bi.ref_of(old_kr), kref, said(okr, b),
                             said(kr, a), out);
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
            for (std::size_t k = 0; k < b.krs.size(); ++k)
                if (!old_kr_used[k])
                    removed_krs.push_back(make("removed", "kr",
                                               bi.ref_of(KrRef{found->file, found->objective, k}),
                                               b.krs[k].title));
        }
        for (std::size_t k = 0; k < ws.files[f].kpis.size(); ++k, ++next_kpi) {
            const KpiRef ar{f, k};
            const Kpi& a = ai.at(ar);
            const KpiEval& ae = after.evaluation->at(ar);
            const std::string ref = ai.ref_of(ar);
            const std::optional<KpiRef> found = kpi_pairs[next_kpi];
            if (!found) {
                out.push_back(make("added", "kpi", ref, a.title, {}, to_string(ae.health)));
                continue;
            }
            const Kpi& b = bi.at(*found);
            const KpiEval& be = before.evaluation->at(*found);
            said_changes("kpi", bi.ref_of(*found), ref, said(b), said(a), out);
            new_checkins(b.checkins, a.checkins, "kpi", ref, a.title, out);
            if (be.health != ae.health)
                out.push_back(make("health", "kpi", ref, a.title, to_string(be.health),
                                   to_string(ae.health)));
        }
    }
    // Removed: in the older version only, in its order: objectives, then the KRs of objectives
    // that remain, then KPIs.
    for (std::size_t i = 0; i < old_objectives.items.size(); ++i)
        if (!old_objective_used[i])
            out.push_back(make("removed", "objective", old_objectives.refs[i],
                               bi.at(old_objectives.items[i]).title));
    for (GoalChange& kr : removed_krs)
        out.push_back(std::move(kr));
    for (std::size_t i = 0; i < old_kpis.size(); ++i)
        if (!old_kpi_used[i])
            out.push_back(make("removed", "kpi", old_kpi_refs[i], bi.at(old_kpis[i]).title));
    return diff;
}

namespace {

constexpr Media k_all = Media::all;
constexpr Media k_term = Media::terminal;
constexpr Media k_docs = Media::documents;

// The detail of a change as documents show it, whole: a check-in's date, confidence and note.
std::string detail_of(const GoalChange& c) {
    if (c.checkin) {
        std::string d = c.checkin->date.iso();
        if (c.checkin->has_confidence())
            d += fmt::format(", confidence {}", format_number(*c.checkin->confidence, 2));
        if (!c.checkin->note.empty()) d += fmt::format(": {}", c.checkin->note.view());
        return d;
    }
    if (c.change == "renamed") return "from " + c.before;
    if (c.change == "goalpost") return c.flagged ? "moved while the cycle runs" : "start -> target";
    return {};
}

// The same in the terminal, where the date has a column of its own: the facts (a check-in's
// confidence), which no width cuts, and the words (a note), which give way like titles.
std::pair<std::string, std::string> terminal_detail(const GoalChange& c) {
    if (!c.checkin) return {{}, detail_of(c)};
    std::string facts = c.checkin->has_confidence()
                            ? fmt::format("conf {}", format_number(*c.checkin->confidence, 2))
                            : std::string();
    if (c.checkin->note.empty()) return {facts, {}};
    return {facts, (facts.empty() ? "" : ": ") + c.checkin->note.str()};
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
    // then drops the kind of item, then the detail (confidence and note); the values and a
    // check-in's date are never cut. At 60 columns: change, item, before, after and date.
    section.columns = {column("change", "Change", k_term),
                       column("change", "Change", k_docs),
                       column("item", "Item", k_all, Align::left, false, 3),
                       column("what", "Item", k_term, Align::left, true, 0, 12),
                       column("ref", "Ref", k_docs),
                       column("title", "Title", k_docs),
                       column("before", "Before", k_all, Align::right, true, 0, 12),
                       column("after", "After", k_all, Align::right, true, 0, 12),
                       column("date", "Date", k_term),
                       column("detail", "Detail", k_term, Align::left, true, 2, 20),
                       column("detail", "Detail", k_docs)};
    for (const GoalChange& c : diff.changes) {
        const Style style = c.flagged                                        ? Style::red
                            : c.change == "added" || c.change == "checkin"   ? Style::green
                            : c.change == "removed" || c.change == "dropped" ? Style::yellow
                                                                             : Style::plain;
        const auto [facts, words] = terminal_detail(c);
        SheetRow row;
        row.kind = c.item;
        row.cells = {kept_cell(c.flagged ? "goalpost!" : c.change, {}, style),
                     kept_cell(c.flagged ? "goalpost moved!" : c.change, {}, style),
                     text_cell(c.item),
                     text_cell((c.change == "renamed" ? c.before + " -> " : "") + c.ref +
                               (c.title.empty() ? "" : "  " + c.title)),
                     text_cell(c.ref),
                     text_cell(c.title),
                     value_cell(c, c.change == "renamed" ? "" : c.before),
                     value_cell(c, c.change == "renamed" ? "" : c.after),
                     kept_cell(c.checkin ? c.checkin->date.iso() : std::string()),
                     kept_cell(facts, words),
                     text_cell(detail_of(c))};
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
            w.field("note", c.checkin->note.view());
        }
        w.field("flagged", c.flagged);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return out + "\n";
}

} // namespace okr::report
