#pragma once
// References between goals (SPEC §4) and the lookups a workspace needs: by id, by namespace,
// and cycles by name.

#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace okr {

struct ObjectiveRef {
    std::size_t file = 0;
    std::size_t objective = 0;
    bool operator==(const ObjectiveRef&) const = default;
};
struct KrRef {
    std::size_t file = 0;
    std::size_t objective = 0;
    std::size_t kr = 0;
    bool operator==(const KrRef&) const = default;
};
struct KpiRef {
    std::size_t file = 0;
    std::size_t kpi = 0;
    bool operator==(const KpiRef&) const = default;
};

// The outcome of resolving a reference: found, ambiguous (candidates), or unknown (suggestions).
template <class Handle> struct Resolution {
    std::optional<Handle> found;
    std::vector<std::string> candidates;
    std::vector<std::string> suggestions;
};

// Read-only lookups over a workspace; the workspace must outlive it.
class WorkspaceIndex {
  public:
    explicit WorkspaceIndex(const Workspace& workspace);

    // How much a failed lookup explains: suggestions cost a pass over every id, so the
    // arithmetic, which only needs to know whether a reference resolves, skips them; `found`
    // also skips the candidates of an ambiguous reference (completion asks this of every id).
    enum class Explain { found, no, yes };

    // `[NS/]OBJ`, resolved from `from_file` first. Of several matches (here and in `kr`), the
    // one whose objective is not closed when all the others are (SPEC §4: the running one).
    Resolution<ObjectiveRef> objective(std::string_view ref, std::size_t from_file,
                                       Explain explain = Explain::yes) const;
    // `[NS/]OBJ.KR`; with `allow_bare`, also a bare KR id unique in the workspace.
    Resolution<KrRef> kr(std::string_view ref, std::size_t from_file, bool allow_bare = false,
                         Explain explain = Explain::yes) const;
    // `[NS/]KPI`.
    Resolution<KpiRef> kpi(std::string_view ref, std::size_t from_file,
                           Explain explain = Explain::yes) const;

    // The cycle called `name`: built in, or declared under [cycles] anywhere in the workspace.
    const Cycle* cycle(std::string_view name) const;
    // Every cycle used by an objective or declared, sorted by start then end.
    std::vector<const Cycle*> all_cycles() const;

    std::string ref_of(ObjectiveRef r) const;
    std::string ref_of(KrRef r) const;
    std::string ref_of(KpiRef r) const;

    // Indexes file `file` again after its model changed from `before` (what the workspace held
    // until then), as a new index of the workspace would. Only for an edit that keeps the file's
    // namespace, the cycles it declares and the cycles its objectives use: else build a new one.
    void update_file(std::size_t file, const GoalFile& before);

    const Workspace& workspace() const { return *m_workspace; }
    // Follows the indexed workspace to where it was moved. Moving a workspace keeps its files'
    // storage, so every handle and lookup stays valid; `moved` must be that same workspace.
    void follow(const Workspace& moved) { m_workspace = &moved; }
    const Objective& at(ObjectiveRef r) const {
        return m_workspace->files[r.file].objectives[r.objective];
    }
    const KeyResult& at(KrRef r) const { return at(ObjectiveRef{r.file, r.objective}).krs[r.kr]; }
    const Kpi& at(KpiRef r) const { return m_workspace->files[r.file].kpis[r.kpi]; }

  private:
    // `[NS/]ID` looked up in `by_id` (objectives or KPIs): the current file first, then a unique
    // match; candidates when ambiguous, suggestions (refs and bare ids) when unknown.
    template <class Handle>
    Resolution<Handle> resolve_id(const std::unordered_map<std::string, std::vector<Handle>>& by_id,
                                  const std::unordered_map<std::string, std::vector<Handle>>& in_ns,
                                  std::string_view ref, std::size_t from_file,
                                  Explain explain) const;
    std::vector<std::size_t> files_in(std::string_view name_space) const;
    // The handles of `id` in `name_space` (`NS/ID`, or `NS/OBJ.KR` for key results).
    template <class Handle>
    static const std::vector<Handle>*
    find(const std::unordered_map<std::string, std::vector<Handle>>& map, std::string_view key);
    // The references of ambiguous matches, each once, file-qualified where two read the same.
    template <class Handle>
    std::vector<std::string> candidate_names(std::span<const Handle> matches) const;

    const Workspace* m_workspace;
    // Each by bare id and by `NS/ID` (`OBJ.KR` and `NS/OBJ.KR` for key results), so that a
    // lookup costs the same in a workspace of ten files and of a hundred thousand.
    std::unordered_map<std::string, std::vector<ObjectiveRef>> m_objectives;
    std::unordered_map<std::string, std::vector<ObjectiveRef>> m_objectives_in;
    std::unordered_map<std::string, std::vector<KrRef>> m_krs;    // by bare KR id
    std::unordered_map<std::string, std::vector<KrRef>> m_krs_of; // by OBJ.KR
    std::unordered_map<std::string, std::vector<KrRef>> m_krs_in; // by NS/OBJ.KR
    std::unordered_map<std::string, std::vector<KpiRef>> m_kpis;
    std::unordered_map<std::string, std::vector<KpiRef>> m_kpis_in;
    std::unordered_map<std::string, std::vector<std::size_t>> m_namespaces;
    std::unordered_map<std::string, Cycle> m_cycles;
};

// Workspace-wide cycle rules: every cycle name an objective uses exists, and a custom cycle
// declared in two files has the same dates in both.
Diagnostics check_workspace_cycles(const Workspace& workspace);

// Namespace rules: several files share a namespace only when each declares it; two files whose
// namespace comes from the same file stem is an error naming both paths.
Diagnostics check_workspace_namespaces(const Workspace& workspace);

// A one-line explanation of a failed resolution: "unknown KR `x`; did you mean ...".
std::string describe_failure(std::string_view kind, std::string_view ref,
                             const std::vector<std::string>& candidates,
                             const std::vector<std::string>& suggestions);

} // namespace okr
