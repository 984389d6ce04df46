#pragma once
// What `okr pull` and `okr trust` share about KPI sources: the workspace root the trust store
// files them under, the sources of a workspace and whether each is trusted (SPEC §13).

#include "okr/cli/session.hpp"
#include "okr/io/trust.hpp"

#include <string>
#include <vector>

namespace okr::cli {

// A KPI's `source`, with what running and trusting it needs.
struct KpiSource {
    KpiRef kpi;
    std::string ref;        // as reports print it
    std::string path;       // the goal file, as loaded (for messages)
    std::uint32_t line = 0; // of the `source` key
    std::string folder;     // the goal file's folder, absolute: where the source runs
    std::string command;    // the source, as written
    std::string hash;       // what the trust store keeps for it
};

// The workspace root the trust store files sources under: the absolute folder of the first root
// file (`-f`, OKR_FILE or the okr.toml found upward).
std::string workspace_root(const Session& session);

// Every KPI of the workspace that has a `source`, in load order.
std::vector<KpiSource> kpi_sources(const Session& session, const WorkspaceIndex& index);

// The trust store's path from the environment; CommandError(io) when neither XDG_DATA_HOME nor
// HOME is usable.
std::string trust_store_path(const Session& session);

} // namespace okr::cli
