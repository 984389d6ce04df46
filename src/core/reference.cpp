#include "okr/core/reference.hpp"

#include "okr/core/suggest.hpp"
#include "okr/util/parallel.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <span>
#include <tuple>
#include <unordered_set>

namespace okr {
namespace {

struct Split {
    std::string_view name_space; // empty: none given
    std::string_view rest;
};

Split split_namespace(std::string_view ref) {
    const std::size_t slash = ref.find('/');
    if (slash == std::string_view::npos) return {{}, ref};
    return {ref.substr(0, slash), ref.substr(slash + 1)};
}

// The one item of `rest` in the file `from_file` (looked up as `NS/rest` in `in_ns`, and kept
// when `is_match`); nullopt when that file has none or several.
template <class Handle, class Match>
std::optional<Handle>
only_in_file(const std::vector<GoalFile>& files,
             const std::unordered_map<std::string, std::vector<Handle>>& in_ns,
             std::size_t from_file, std::string_view rest, Match is_match) {
    if (from_file >= files.size()) return std::nullopt;
    auto it = in_ns.find(files[from_file].name_space + "/" + std::string(rest));
    if (it == in_ns.end()) return std::nullopt;
    std::optional<Handle> found;
    std::size_t count = 0;
    for (const auto& m : it->second)
        if (m.file == from_file && is_match(m) && count++ == 0) found = m;
    return count == 1 ? found : std::nullopt;
}

// Whether an objective (or a KR's objective) is closed; a KPI never is.
bool in_closed(const Workspace& ws, ObjectiveRef r) {
    return ws.files[r.file].objectives[r.objective].closed.has_value();
}
bool in_closed(const Workspace& ws, KrRef r) {
    return in_closed(ws, ObjectiveRef{r.file, r.objective});
}
bool in_closed(const Workspace&, KpiRef) {
    return false;
}

// Of several matches of a bare reference, the one item whose objective is not closed when all
// the others are (a carried objective and its origin: SPEC §4 prefers the running one).
template <class Handle>
std::optional<Handle> the_open_one(const Workspace& ws, std::span<const Handle> matches) {
    std::optional<Handle> open;
    for (const Handle& m : matches) {
        if (in_closed(ws, m)) continue;
        if (open) return std::nullopt;
        open = m;
    }
    return open;
}

} // namespace

template <class Handle>
std::vector<std::string> WorkspaceIndex::candidate_names(std::span<const Handle> matches) const {
    // Each candidate once, and one the user can type: a reference that two files share (a
    // broken workspace) is told apart by its file.
    std::vector<std::string> refs;
    std::unordered_map<std::string, std::size_t> count;
    for (const auto& m : matches)
        ++count[refs.emplace_back(ref_of(m))];
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < matches.size(); ++i) {
        std::string name =
            count[refs[i]] > 1
                ? fmt::format("{} (in {})", refs[i], m_workspace->files[matches[i].file].path)
                : refs[i];
        if (seen.insert(name).second) out.push_back(std::move(name));
    }
    return out;
}

template <class Handle>
const std::vector<Handle>*
WorkspaceIndex::find(const std::unordered_map<std::string, std::vector<Handle>>& map,
                     std::string_view key) {
    auto it = map.find(std::string(key));
    return it == map.end() ? nullptr : &it->second;
}

WorkspaceIndex::WorkspaceIndex(const Workspace& workspace) : m_workspace(&workspace) {
    // Sized once: growing a table of 100,000 keys rehashes it a dozen times.
    std::size_t objectives = 0, krs = 0, kpis = 0;
    for (const GoalFile& file : workspace.files) {
        objectives += file.objectives.size();
        for (const Objective& o : file.objectives)
            krs += o.krs.size();
        kpis += file.kpis.size();
    }
    m_objectives_in.reserve(objectives);
    m_krs_in.reserve(krs);
    m_kpis_in.reserve(kpis);
    const auto& files = workspace.files;
    // Each KR by id and by OBJ.KR: the larger half of the work.
    auto kr_tables = [&] {
        for (std::size_t f = 0; f < files.size(); ++f)
            for (std::size_t o = 0; o < files[f].objectives.size(); ++o) {
                const Objective& obj = files[f].objectives[o];
                for (std::size_t k = 0; k < obj.krs.size(); ++k) {
                    m_krs[obj.krs[k].id].push_back({f, o, k});
                    m_krs_of[obj.id + "." + obj.krs[k].id].push_back({f, o, k});
                }
            }
    };
    auto other_tables = [&] {
        for (std::size_t f = 0; f < files.size(); ++f) {
            const GoalFile& file = files[f];
            m_namespaces[file.name_space].push_back(f);
            for (const Cycle& c : file.cycles)
                m_cycles.try_emplace(c.name, c);
            for (std::size_t o = 0; o < file.objectives.size(); ++o) {
                const Objective& obj = file.objectives[o];
                m_objectives[obj.id].push_back({f, o});
                m_objectives_in[file.name_space + "/" + obj.id].push_back({f, o});
                for (std::size_t k = 0; k < obj.krs.size(); ++k)
                    m_krs_in[file.name_space + "/" + obj.id + "." + obj.krs[k].id].push_back(
                        {f, o, k});
                if (!m_cycles.contains(obj.cycle))
                    if (auto c = builtin_cycle(obj.cycle)) m_cycles.emplace(obj.cycle, *c);
            }
            for (std::size_t k = 0; k < file.kpis.size(); ++k) {
                m_kpis[file.kpis[k].id].push_back({f, k});
                m_kpis_in[file.name_space + "/" + file.kpis[k].id].push_back({f, k});
            }
        }
    };
    // The two halves on two cores when there are many files: they share no table.
    if (files.size() >= 64)
        util::run_both(other_tables, kr_tables);
    else {
        other_tables();
        kr_tables();
    }
}

namespace {

// Where a handle's item is in the workspace: its tables keep handles in this order.
auto place(const ObjectiveRef& r) {
    return std::tie(r.file, r.objective);
}
auto place(const KrRef& r) {
    return std::tie(r.file, r.objective, r.kr);
}
auto place(const KpiRef& r) {
    return std::tie(r.file, r.kpi);
}

template <class Handle>
void erase_file(std::unordered_map<std::string, std::vector<Handle>>& table, const std::string& key,
                std::size_t file) {
    auto it = table.find(key);
    if (it == table.end()) return;
    std::erase_if(it->second, [&](const Handle& h) { return h.file == file; });
    // No empty entry: suggestions go over every key.
    if (it->second.empty()) table.erase(it);
}

template <class Handle>
void insert_in_place(std::unordered_map<std::string, std::vector<Handle>>& table,
                     const std::string& key, const Handle& handle) {
    auto& handles = table[key];
    handles.insert(
        std::upper_bound(handles.begin(), handles.end(), handle,
                         [](const Handle& a, const Handle& b) { return place(a) < place(b); }),
        handle);
}

} // namespace

void WorkspaceIndex::update_file(std::size_t f, const GoalFile& before) {
    const GoalFile& file = m_workspace->files[f];
    const std::string& ns = before.name_space;
    for (const Objective& obj : before.objectives) {
        erase_file(m_objectives, obj.id, f);
        erase_file(m_objectives_in, ns + "/" + obj.id, f);
        for (const KeyResult& kr : obj.krs) {
            erase_file(m_krs, kr.id, f);
            erase_file(m_krs_of, obj.id + "." + kr.id, f);
            erase_file(m_krs_in, ns + "/" + obj.id + "." + kr.id, f);
        }
    }
    for (const Kpi& kpi : before.kpis) {
        erase_file(m_kpis, kpi.id, f);
        erase_file(m_kpis_in, ns + "/" + kpi.id, f);
    }
    for (std::size_t o = 0; o < file.objectives.size(); ++o) {
        const Objective& obj = file.objectives[o];
        insert_in_place(m_objectives, obj.id, ObjectiveRef{f, o});
        insert_in_place(m_objectives_in, file.name_space + "/" + obj.id, ObjectiveRef{f, o});
        for (std::size_t k = 0; k < obj.krs.size(); ++k) {
            const KrRef ref{f, o, k};
            insert_in_place(m_krs, obj.krs[k].id, ref);
            insert_in_place(m_krs_of, obj.id + "." + obj.krs[k].id, ref);
            insert_in_place(m_krs_in, file.name_space + "/" + obj.id + "." + obj.krs[k].id, ref);
        }
    }
    for (std::size_t k = 0; k < file.kpis.size(); ++k) {
        insert_in_place(m_kpis, file.kpis[k].id, KpiRef{f, k});
        insert_in_place(m_kpis_in, file.name_space + "/" + file.kpis[k].id, KpiRef{f, k});
    }
}

std::vector<std::size_t> WorkspaceIndex::files_in(std::string_view name_space) const {
    auto it = m_namespaces.find(std::string(name_space));
    return it == m_namespaces.end() ? std::vector<std::size_t>{} : it->second;
}

template <class Handle>
Resolution<Handle>
WorkspaceIndex::resolve_id(const std::unordered_map<std::string, std::vector<Handle>>& by_id,
                           const std::unordered_map<std::string, std::vector<Handle>>& in_ns,
                           std::string_view ref, std::size_t from_file, Explain explain) const {
    const Split s = split_namespace(ref);
    const auto& files = m_workspace->files;
    auto is_id = [&](const Handle& m) { return at(m).id == s.rest; };
    std::vector<Handle> kept;
    std::span<const Handle> matches;
    if (!s.name_space.empty()) {
        if (const auto* in = find(in_ns, ref))
            for (const auto& m : *in)
                if (files[m.file].name_space == s.name_space && is_id(m)) kept.push_back(m);
        matches = kept;
    } else if (const auto* all = find(by_id, s.rest)) {
        matches = *all;
    }
    Resolution<Handle> r;
    if (s.name_space.empty() && matches.size() > 1) {
        // Without a namespace, the current file comes first, then the one open item.
        r.found = only_in_file(files, in_ns, from_file, s.rest, is_id);
        if (!r.found) r.found = the_open_one(*m_workspace, matches);
        if (r.found) return r;
    } else if (matches.size() == 1) {
        r.found = matches.front();
        return r;
    }
    if (matches.size() > 1) {
        if (explain != Explain::found) r.candidates = candidate_names(matches);
        return r;
    }
    if (explain != Explain::yes) return r;
    std::vector<std::string> names;
    for (const auto& [id, refs] : by_id) {
        for (const auto& m : refs)
            names.push_back(ref_of(m));
        names.push_back(id);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    r.suggestions = near_matches(ref, names);
    return r;
}

Resolution<ObjectiveRef> WorkspaceIndex::objective(std::string_view ref, std::size_t from_file,
                                                   Explain explain) const {
    return resolve_id(m_objectives, m_objectives_in, ref, from_file, explain);
}

Resolution<KrRef> WorkspaceIndex::kr(std::string_view ref, std::size_t from_file, bool allow_bare,
                                     Explain explain) const {
    const Split s = split_namespace(ref);
    const std::size_t dot = s.rest.find('.');
    const auto& files = m_workspace->files;
    const std::string_view obj = dot == std::string_view::npos ? "" : s.rest.substr(0, dot);
    const std::string_view kr_id = dot == std::string_view::npos ? "" : s.rest.substr(dot + 1);
    auto is_kr = [&](const KrRef& m) {
        return at(m).id == kr_id && at(ObjectiveRef{m.file, m.objective}).id == obj;
    };
    std::vector<KrRef> matches;
    if (dot != std::string_view::npos) {
        const auto* in = s.name_space.empty() ? find(m_krs_of, s.rest) : find(m_krs_in, ref);
        if (in)
            for (const auto& m : *in)
                if (is_kr(m) && (s.name_space.empty() || files[m.file].name_space == s.name_space))
                    matches.push_back(m);
    } else if (allow_bare) {
        if (const auto* all = find(m_krs, s.rest))
            for (const auto& m : *all)
                if (s.name_space.empty() || files[m.file].name_space == s.name_space)
                    matches.push_back(m);
    }
    // A bare id means "unique in the workspace", so it does not prefer the current file.
    const bool exact = !s.name_space.empty() || dot == std::string_view::npos;
    Resolution<KrRef> r;
    if (!exact && matches.size() > 1)
        r.found = only_in_file(files, m_krs_in, from_file, s.rest, is_kr);
    else if (matches.size() == 1)
        r.found = matches.front();
    // Several items, one of them open and the others closed (a carried objective's KR and its
    // origin's): the open one (SPEC §4).
    if (!r.found && matches.size() > 1)
        r.found = the_open_one(*m_workspace, std::span<const KrRef>(matches));
    if (r.found) return r;
    if (matches.size() > 1) {
        if (explain != Explain::found)
            r.candidates = candidate_names(std::span<const KrRef>(matches));
        return r;
    }
    if (explain != Explain::yes) return r;
    std::vector<std::string> all;
    for (const auto& [id, refs] : m_krs)
        for (const auto& m : refs) {
            all.push_back(ref_of(m));
            all.push_back(fmt::format("{}.{}", at(ObjectiveRef{m.file, m.objective}).id, id));
            if (allow_bare) all.push_back(id);
        }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    r.suggestions = near_matches(ref, all);
    return r;
}

Resolution<KpiRef> WorkspaceIndex::kpi(std::string_view ref, std::size_t from_file,
                                       Explain explain) const {
    return resolve_id(m_kpis, m_kpis_in, ref, from_file, explain);
}

const Cycle* WorkspaceIndex::cycle(std::string_view name) const {
    auto it = m_cycles.find(std::string(name));
    return it == m_cycles.end() ? nullptr : &it->second;
}

std::vector<const Cycle*> WorkspaceIndex::all_cycles() const {
    std::vector<const Cycle*> out;
    for (const auto& [name, c] : m_cycles)
        out.push_back(&c);
    std::sort(out.begin(), out.end(), [](const Cycle* a, const Cycle* b) {
        return std::tie(a->start, a->end, a->name) < std::tie(b->start, b->end, b->name);
    });
    return out;
}

std::string WorkspaceIndex::ref_of(ObjectiveRef r) const {
    return fmt::format("{}/{}", m_workspace->files[r.file].name_space, at(r).id);
}

std::string WorkspaceIndex::ref_of(KrRef r) const {
    return fmt::format("{}.{}", ref_of(ObjectiveRef{r.file, r.objective}), at(r).id);
}

std::string WorkspaceIndex::ref_of(KpiRef r) const {
    return fmt::format("{}/{}", m_workspace->files[r.file].name_space, at(r).id);
}

Diagnostics check_workspace_cycles(const Workspace& workspace) {
    Diagnostics out;
    std::unordered_map<std::string, std::pair<const Cycle*, const GoalFile*>> declared;
    for (const GoalFile& file : workspace.files)
        for (const Cycle& c : file.cycles) {
            auto [it, inserted] = declared.try_emplace(c.name, &c, &file);
            if (!inserted && (it->second.first->start != c.start || it->second.first->end != c.end))
                out.push_back({file.path,
                               {},
                               Level::error,
                               fmt::format("cycle `{}` is declared with other dates in {}", c.name,
                                           it->second.second->path),
                               "declare each custom cycle once, or with the same dates everywhere",
                               {}});
        }
    for (const GoalFile& file : workspace.files)
        for (const Objective& o : file.objectives) {
            if (o.cycle.empty() || builtin_cycle(o.cycle) || declared.contains(o.cycle)) continue;
            std::vector<std::string> names;
            for (const auto& [name, c] : declared)
                names.push_back(name);
            const std::string near = nearest(o.cycle, names);
            out.push_back({file.path,
                           o.cycle_pos,
                           Level::error,
                           fmt::format("unknown cycle \"{}\"", o.cycle),
                           near.empty()
                               ? "declare it under [cycles] with start and end dates, or use YYYY, "
                                 "YYYY-Hn, YYYY-Qn or YYYY-MM"
                               : fmt::format("did you mean \"{}\"?", near),
                           {}});
        }
    return out;
}

Diagnostics check_workspace_namespaces(const Workspace& workspace) {
    Diagnostics out;
    std::unordered_map<std::string, const GoalFile*> first;
    for (const GoalFile& file : workspace.files) {
        auto [it, inserted] = first.try_emplace(file.name_space, &file);
        if (inserted) continue;
        const GoalFile& other = *it->second;
        // Sharing a namespace is a choice each file states; a name that comes from two file
        // stems is an accident that would mix their ids.
        if (file.namespace_declared && other.namespace_declared) continue;
        out.push_back(
            {file.path,
             {},
             Level::error,
             fmt::format("namespace \"{}\" of {}{} is also the namespace of {}{}", file.name_space,
                         file.path, file.namespace_declared ? "" : " (its file name)", other.path,
                         other.namespace_declared ? "" : " (its file name)"),
             fmt::format("give each file its own namespace = \"...\" (or, to share one on purpose, "
                         "declare namespace = \"{}\" in both)",
                         file.name_space),
             {}});
    }
    // Ids are unique within a namespace, across the files that share it.
    using FirstSeen = std::unordered_map<std::string, std::pair<const GoalFile*, SourcePos>>;
    auto check_unique = [&out](FirstSeen& seen, const GoalFile& file, std::string_view kind,
                               const std::string& id, SourcePos pos) {
        auto [it, inserted] = seen.try_emplace(file.name_space + "/" + id, &file, pos);
        if (inserted || it->second.first == &file || !file.namespace_declared ||
            !it->second.first->namespace_declared)
            return;
        out.push_back(
            {file.path,
             pos,
             Level::error,
             fmt::format("duplicate {} id \"{}\" in namespace \"{}\": first defined at "
                         "{}:{}",
                         kind, id, file.name_space, it->second.first->path, it->second.second.line),
             "ids are unique within a namespace; rename one",
             {}});
    };
    FirstSeen objectives, kpis;
    for (const GoalFile& file : workspace.files) {
        for (const Objective& o : file.objectives)
            check_unique(objectives, file, "objective", o.id, o.pos);
        for (const Kpi& k : file.kpis)
            check_unique(kpis, file, "KPI", k.id, k.pos);
    }
    return out;
}

std::string describe_failure(std::string_view kind, std::string_view ref,
                             const std::vector<std::string>& candidates,
                             const std::vector<std::string>& suggestions) {
    if (!candidates.empty())
        return fmt::format("{} `{}` is ambiguous: it could be {}", kind, ref,
                           fmt::join(candidates, ", "));
    if (!suggestions.empty())
        return fmt::format("unknown {} `{}`; did you mean {}?", kind, ref,
                           fmt::join(suggestions, ", "));
    return fmt::format("unknown {} `{}`", kind, ref);
}

} // namespace okr
