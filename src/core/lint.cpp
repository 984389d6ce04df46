#include "okr/core/lint.hpp"

#include <fmt/format.h>
#include <map>

namespace okr {
namespace {

class Linter {
  public:
    Linter(const WorkspaceIndex& index, const Evaluation& ev, std::size_t explain)
        : m_index(index), m_ev(ev), m_explain(explain) {}

    Diagnostics run() {
        const Workspace& ws = m_index.workspace();
        for (std::size_t f = 0; f < ws.files.size(); ++f)
            lint_file(f);
        lint_objective_counts();
        return std::move(m_out);
    }

    Diagnostics run_file(std::size_t f, std::size_t& dangling) {
        lint_file(f);
        dangling = m_dangling;
        return std::move(m_out);
    }

    Diagnostics run_objective_counts() {
        lint_objective_counts();
        return std::move(m_out);
    }

    // Suggestions for the first few dangling references only: each costs a pass over every id,
    // and a team file checked without the company file may have thousands.
    WorkspaceIndex::Explain explain() {
        return m_dangling++ < m_explain ? WorkspaceIndex::Explain::yes
                                        : WorkspaceIndex::Explain::no;
    }

  private:
    void add(const GoalFile& file, SourcePos pos, Level level, std::string rule,
             std::string message, std::string hint = {}) {
        m_out.push_back(
            {file.path, pos, level, std::move(message), std::move(hint), std::move(rule)});
    }

    void dangling(const GoalFile& file, const RefText& ref, std::string_view kind,
                  const std::vector<std::string>& candidates,
                  const std::vector<std::string>& suggestions) {
        std::string hint = suggestions.empty()
                               ? "check the id, or load the file that defines it with -f"
                               : fmt::format("did you mean {}?", fmt::join(suggestions, ", "));
        if (!candidates.empty())
            hint = fmt::format("qualify it with a namespace: {}", fmt::join(candidates, " or "));
        add(file, ref.pos, Level::error, "dangling-ref",
            describe_failure(kind, ref.text, candidates, {}), hint);
    }

    void lint_checkins(const GoalFile& file, const std::vector<Checkin>& checkins,
                       const Cycle* cycle) {
        const Date as_of = m_ev.as_of;
        for (const Checkin& c : checkins) {
            if (c.date > as_of)
                add(file, c.pos, Level::warning, "checkin-future",
                    fmt::format("check-in dated {} is in the future (as of {})", c.date.iso(),
                                as_of.iso()),
                    "fix the date; future check-ins are ignored until then");
            else if (cycle && !cycle->contains(c.date))
                add(file, c.pos, Level::warning, "checkin-outside-cycle",
                    fmt::format("check-in dated {} is outside cycle {} ({} to {})", c.date.iso(),
                                cycle->name, cycle->start.iso(), cycle->end.iso()),
                    "fix the date, or move the objective to the cycle it belongs to");
        }
        // Two values on one date (a merge keeps both sides' check-ins): the later line wins, so
        // the other person's value silently leaves the score.
        std::map<Date, const Checkin*> first_on;
        for (const Checkin& c : checkins) {
            auto [it, fresh] = first_on.try_emplace(c.date, &c);
            if (fresh || it->second->value == c.value) continue;
            add(file, c.pos, Level::warning, "checkin-same-date",
                fmt::format("two check-ins on {} with different values: {} here and {} at line {}, "
                            "column {}",
                            c.date.iso(), c.value, it->second->value, it->second->pos.line,
                            it->second->pos.column),
                "keep the right one and delete the other (the later line in the file counts)");
            it->second = &c; // a third value is compared with this one
        }
    }

    // A dropped item's check-ins from the day it was dropped on (`since`; all of them when the
    // file does not say when): one finding per item, at its latest such check-in.
    void lint_dropped_checkins(const GoalFile& file, const std::vector<Checkin>& checkins,
                               std::optional<Date> since, std::string_view kind,
                               const std::string& name, const std::string& ref) {
        const Checkin* latest = nullptr;
        std::size_t count = 0;
        for (const Checkin& c : checkins) {
            if (since && c.date < *since) continue;
            ++count;
            if (!latest || c.date >= latest->date) latest = &c;
        }
        if (!latest) return;
        add(file, latest->pos, Level::warning, "checkin-dropped",
            count == 1
                ? fmt::format("{} \"{}\" is dropped, yet has a check-in dated {}", kind, name,
                              latest->date.iso())
                : fmt::format("{} \"{}\" is dropped, yet has {} check-ins{}, the latest "
                              "dated {}",
                              kind, name, count, since ? " since " + since->iso() : std::string(),
                              latest->date.iso()),
            fmt::format("a dropped item's check-ins do not count; remove them, or make it count "
                        "again with `okr set {} status active`",
                        ref));
    }

    // Check-ins dated after their objective's `closed` (written by `okr close`): they do not
    // count, the grade is frozen. One finding per KR, at its latest such check-in.
    void lint_closed_checkins(const GoalFile& file, const std::vector<Checkin>& checkins,
                              const Objective& obj, const KeyResult& kr) {
        const Checkin* latest = nullptr;
        std::size_t count = 0;
        for (const Checkin& c : checkins) {
            if (c.date <= *obj.closed) continue;
            ++count;
            if (!latest || c.date >= latest->date) latest = &c;
        }
        if (!latest) return;
        add(file, latest->pos, Level::warning, "checkin-after-closed",
            count == 1 ? fmt::format("key result \"{}.{}\" has a check-in dated {}, after its "
                                     "objective was closed on {}",
                                     obj.id, kr.id, latest->date.iso(), obj.closed->iso())
                       : fmt::format("key result \"{}.{}\" has {} check-ins after its objective "
                                     "was closed on {}, the latest dated {}",
                                     obj.id, kr.id, count, obj.closed->iso(), latest->date.iso()),
            "a closed objective's grade is frozen and these check-ins do not count; record them "
            "in the objective that carries it on (`okr status --cycle all`), or remove them");
    }

    void lint_file(std::size_t f) {
        const GoalFile& file = m_index.workspace().files[f];
        const Date as_of = m_ev.as_of;
        for (const UnknownKey& u : file.unknown_keys)
            m_out.push_back(unknown_key_finding(file, u));
        for (std::size_t o = 0; o < file.objectives.size(); ++o) {
            const Objective& obj = file.objectives[o];
            const ObjectiveEval& oe = m_ev.objectives[f][o];
            if (obj.parent && oe.parent_unresolved) {
                auto r = m_index.objective(obj.parent->text, f, explain());
                dangling(file, *obj.parent, "objective", r.candidates, r.suggestions);
            }
            if (obj.carried_from &&
                !m_index.objective(obj.carried_from->text, f, WorkspaceIndex::Explain::found)
                     .found) {
                auto r = m_index.objective(obj.carried_from->text, f, explain());
                dangling(file, *obj.carried_from, "objective", r.candidates, r.suggestions);
            }
            for (const RefText& k : obj.kpis) {
                if (m_index.kpi(k.text, f, WorkspaceIndex::Explain::found).found) continue;
                auto r = m_index.kpi(k.text, f, explain());
                dangling(file, k, "KPI", r.candidates, r.suggestions);
            }
            std::size_t active = 0;
            for (const KeyResult& kr : obj.krs)
                active += kr.dropped ? 0 : 1;
            if (!obj.dropped && (active < 2 || active > 5))
                add(file, obj.pos, Level::warning, "kr-count",
                    fmt::format("objective \"{}\" has {} active key result{}", obj.id, active,
                                active == 1 ? "" : "s"),
                    active < 2 ? "give an objective 2 to 5 measurable key results"
                               : "keep 2 to 5 key results: split the objective or drop the least "
                                 "important");
            const bool running = oe.cycle && oe.cycle->contains(as_of);
            for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                const KeyResult& kr = obj.krs[k];
                const KrEval& ke = oe.krs[k];
                if (kr.kpi && ke.kpi_unresolved) {
                    auto r = m_index.kpi(kr.kpi->text, f, explain());
                    dangling(file, *kr.kpi, "KPI", r.candidates, r.suggestions);
                }
                lint_checkins(file, kr.checkins, oe.cycle);
                if (obj.closed) lint_closed_checkins(file, kr.checkins, obj, kr);
                if (kr.dropped || obj.dropped)
                    lint_dropped_checkins(file, kr.checkins,
                                          kr.dropped ? drop_date(kr) : drop_date(obj), "key result",
                                          obj.id + "." + kr.id,
                                          obj.dropped ? obj.id : obj.id + "." + kr.id);
                if (kr.current && !kr.checkins.empty()) {
                    const Checkin* latest = latest_checkin(kr.checkins, Date::from_days(INT32_MAX));
                    if (latest && latest->value != *kr.current)
                        add(file, kr.current_pos, Level::warning, "current-mismatch",
                            fmt::format("`current` is {} but the latest check-in ({}) says {}",
                                        fmt::format("{}", *kr.current), latest->date.iso(),
                                        fmt::format("{}", latest->value)),
                            fmt::format(
                                "set current = {}, or remove `current` and let check-ins speak",
                                fmt::format("{}", latest->value)));
                }
                // A closed objective's grade is frozen: nothing asks for its check-ins.
                if (running && !kr.kpi && !kr.dropped && !obj.dropped && !obj.closed &&
                    ke.status != Status::done) {
                    const Date since = ke.last_checkin.value_or(oe.cycle->start);
                    if (as_of - since > k_checkin_gap_days)
                        add(file, kr.pos, Level::warning, "kr-no-checkin",
                            ke.last_checkin
                                ? fmt::format(
                                      "key result \"{}.{}\" has had no check-in for {} days",
                                      obj.id, kr.id, as_of - since)
                                : fmt::format(
                                      "key result \"{}.{}\" has no check-in yet, {} days into {}",
                                      obj.id, kr.id, as_of - since, oe.cycle->name),
                            fmt::format("record one with `okr checkin {}.{} VALUE`", obj.id,
                                        kr.id));
                }
            }
        }
        for (std::size_t k = 0; k < file.kpis.size(); ++k) {
            const Kpi& kpi = file.kpis[k];
            const KpiEval& ke = m_ev.kpis[f][k];
            lint_checkins(file, kpi.checkins, nullptr);
            if (kpi.dropped)
                lint_dropped_checkins(file, kpi.checkins, drop_date(kpi), "KPI", kpi.id, kpi.id);
            if (kpi.dropped) continue;
            if (kpi.owner.empty())
                add(file, kpi.pos, Level::warning, "kpi-no-owner",
                    fmt::format("KPI \"{}\" has no owner", kpi.id),
                    "add owner = \"...\" to the KPI or to the top of the file");
            if (ke.stale)
                add(file, kpi.pos, Level::warning, "kpi-stale",
                    fmt::format("KPI \"{}\" is stale: last measured {}, {} days ago, but it is {}",
                                kpi.id, ke.date->iso(), as_of - *ke.date,
                                to_string(*kpi.frequency)),
                    fmt::format("record a measurement with `okr checkin {} VALUE`", kpi.id));
        }
    }

    void lint_objective_counts() {
        const Workspace& ws = m_index.workspace();
        std::map<std::pair<std::string, std::string>, std::vector<ObjectiveRef>> groups;
        for (std::size_t f = 0; f < ws.files.size(); ++f)
            for (std::size_t o = 0; o < ws.files[f].objectives.size(); ++o) {
                const Objective& obj = ws.files[f].objectives[o];
                if (!obj.dropped) groups[{obj.owner, obj.cycle}].push_back({f, o});
            }
        for (const auto& [key, refs] : groups) {
            if (refs.size() <= 5) continue;
            const ObjectiveRef sixth = refs[5];
            add(ws.files[sixth.file], m_index.at(sixth).pos, Level::warning, "objective-count",
                fmt::format("owner \"{}\" has {} active objectives in {}",
                            key.first.empty() ? "(none)" : key.first, refs.size(), key.second),
                "focus on at most 5 objectives per cycle; drop or defer the rest");
        }
    }

    const WorkspaceIndex& m_index;
    const Evaluation& m_ev;
    Diagnostics m_out;
    std::size_t m_explain;      // how many dangling references get suggestions
    std::size_t m_dangling = 0; // found so far
};

// How a message names an unknown key: `kpis`, or the table `[[kpis]]`; and its suggestion in
// the same form: `kpi`, `[[kpi]]`.
std::string shown(const UnknownKey& u) {
    return u.header.empty() ? fmt::format("key `{}`", u.key) : fmt::format("table `{}`", u.header);
}
std::string suggested(const UnknownKey& u) {
    if (u.suggestion.empty()) return {};
    if (u.header.empty()) return fmt::format("`{}`", u.suggestion);
    const std::size_t brackets = u.header.starts_with("[[") ? 2 : 1;
    std::string header = u.header.substr(0, u.header.size() - brackets - u.key.size());
    return fmt::format("`{}{}{}`", header, u.suggestion,
                       u.header.substr(u.header.size() - brackets));
}

} // namespace

Diagnostic unknown_key_finding(const GoalFile& file, const UnknownKey& key) {
    const std::string suggestion = suggested(key);
    return {file.path,
            key.pos,
            Level::warning,
            fmt::format("unknown {}", shown(key)),
            suggestion.empty()
                ? std::string(key.header.empty() ? "okr keeps it, but does not use it"
                                                 : "okr keeps it, but reads nothing in it")
                : fmt::format("did you mean {}?", suggestion),
            "unknown-key"};
}

std::string unknown_keys_summary(const Workspace& workspace) {
    std::size_t count = 0;
    const GoalFile* first_file = nullptr;
    const UnknownKey* first = nullptr;
    // The first unknown table comes first, as it hides whole goals; else the first key.
    auto before = [&](const GoalFile& f, const UnknownKey& u) {
        if (!first) return true;
        const bool table = !u.header.empty(), first_table = !first->header.empty();
        if (table != first_table) return table;
        return &f == first_file && SourcePos(u.pos) < SourcePos(first->pos);
    };
    for (const GoalFile& f : workspace.files)
        for (const UnknownKey& u : f.unknown_keys) {
            ++count;
            if (before(f, u)) {
                first_file = &f;
                first = &u;
            }
        }
    if (!first) return {};
    const std::string suggestion = suggested(*first);
    std::string line = fmt::format("{}:{}:{}: unknown {} is not read", first_file->path,
                                   first->pos.line, first->pos.column, shown(*first));
    if (!suggestion.empty()) line += fmt::format("; did you mean {}?", suggestion);
    if (count > 1)
        line += fmt::format(" (and {} more unknown key{}: `okr check` lists them)", count - 1,
                            count == 2 ? "" : "s");
    return line;
}

std::optional<Date> dropped_in_notes(std::string_view notes) {
    constexpr std::string_view k_marker = "Dropped ";
    std::optional<Date> found;
    for (std::size_t at = notes.find(k_marker); at != std::string_view::npos;
         at = notes.find(k_marker, at + 1))
        if (auto d = Date::parse_iso(notes.substr(at + k_marker.size(), 10))) found = d;
    return found;
}

Diagnostics lint(const WorkspaceIndex& index, const Evaluation& evaluation) {
    auto out = Linter(index, evaluation, k_explained_references).run();
    sort_diagnostics(out);
    return out;
}

Diagnostics lint_file(const WorkspaceIndex& index, const Evaluation& evaluation, std::size_t file,
                      std::size_t explain, std::size_t& dangling) {
    return Linter(index, evaluation, explain).run_file(file, dangling);
}

Diagnostics lint_objective_counts(const WorkspaceIndex& index) {
    const Evaluation unused; // the rule reads the model alone
    return Linter(index, unused, 0).run_objective_counts();
}

} // namespace okr
