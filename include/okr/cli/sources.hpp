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
    std::string hash;       // the hash of its goal file's path and command (io::source_hash)
    io::CoveredFiles files; // the workspace's files it names, with their hashes
};

// The workspace root the trust store files sources under: the absolute folder of the first root
// file (`-f`, OKR_FILE or the okr.toml found upward).
std::string workspace_root(const Session& session);

// Every KPI of the workspace that has a `source`, in load order, with the files of the workspace
// `root` that each names.
std::vector<KpiSource> kpi_sources(const Session& session, const WorkspaceIndex& index,
                                   const std::string& root);

// The trust store's path from the environment; CommandError(io) when neither XDG_DATA_HOME nor
// HOME is usable.
std::string trust_store_path(const Session& session);

// The trust store at `path`, read once no one but the user could have written it
// (io::check_trust_store_owner); else CommandError(`code`) saying what is wrong and the fix.
io::TrustStore believed_trust_store(const std::string& path, ExitCode code);

// What a source's TrustCheck says, for `trust` and `pull`: each file that differs, indented.
std::string describe_trust(const io::TrustCheck& check);

} // namespace okr::cli
