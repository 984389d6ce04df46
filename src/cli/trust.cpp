#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/cli/sources.hpp"
#include "okr/cli/write.hpp"
#include "okr/report/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace okr::cli {

namespace {

struct TrustOptions {
    bool revoke = false;
};

std::string absolute(const Session& session, const std::string& path) {
    std::error_code ec;
    const std::filesystem::path full = std::filesystem::path(path).is_absolute()
                                           ? std::filesystem::path(path)
                                           : session.env().cwd / path;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(full, ec);
    return (ec ? full.lexically_normal() : canonical).string();
}

} // namespace

std::string workspace_root(const Session& session) {
    auto roots = io::find_root_files(session.source());
    if (!roots) throw command_error(roots.failure());
    const std::vector<std::string>& files = *roots;
    if (files.empty()) throw CommandError(ExitCode::io, "no goal file found", "run `okr init`");
    return std::filesystem::path(absolute(session, files.front())).parent_path().string();
}

std::vector<KpiSource> kpi_sources(const Session& session, const WorkspaceIndex& index,
                                   const std::string& root) {
    std::vector<KpiSource> sources;
    const Workspace& ws = index.workspace();
    for (std::size_t f = 0; f < ws.files.size(); ++f) {
        const GoalFile& file = ws.files[f];
        const std::string path = absolute(session, file.path);
        for (std::size_t k = 0; k < file.kpis.size(); ++k) {
            const Kpi& kpi = file.kpis[k];
            if (!kpi.source) continue;
            KpiSource s;
            s.kpi = KpiRef{f, k};
            s.ref = index.ref_of(s.kpi);
            s.path = file.path;
            s.line = kpi.source_pos.line ? kpi.source_pos.line : kpi.pos.line;
            s.folder = std::filesystem::path(path).parent_path().string();
            s.command = *kpi.source;
            s.hash = io::source_hash(path, *kpi.source);
            s.files = io::covered_files(s.command, s.folder, root);
            sources.push_back(std::move(s));
        }
    }
    return sources;
}

std::string trust_store_path(const Session& session) {
    std::string path = io::trust_store_path(session.env().xdg_data_home, session.env().home);
    if (path.empty())
        throw CommandError(ExitCode::io,
                           "cannot find the trust store: neither XDG_DATA_HOME nor HOME is an "
                           "absolute path",
                           "set XDG_DATA_HOME (or HOME)");
    return path;
}

io::TrustStore believed_trust_store(const std::string& path, ExitCode code) {
    if (Result<void> owned = io::check_trust_store_owner(path, ::geteuid()); !owned)
        throw CommandError(code, owned.failure().message, owned.failure().hint);
    return io::read_trust_store(path);
}

std::string describe_trust(const io::TrustCheck& check) {
    using Verdict = io::TrustCheck::Verdict;
    if (check.verdict == Verdict::old_approval)
        return "  approved by an older okr, which did not check the files a source names\n";
    std::string out;
    for (const auto& [path, how] : check.files)
        out += fmt::format("  {}: {}\n", how, report::escape_control(path));
    return out;
}

Runner setup_trust(CommandLine& command) {
    auto opts = std::make_shared<TrustOptions>();
    command.add_flag("--revoke", opts->revoke,
                     "Forget every approved source of this workspace instead");
    return [opts](const Session& session, std::string& out) {
        const std::string store_path = trust_store_path(session);
        const std::string root = workspace_root(session);
        const io::TrustStore before = believed_trust_store(store_path, ExitCode::io);
        if (opts->revoke) {
            if (Result<void> updated =
                    io::update_trust_store(store_path, root, {}, lock_timeout(session.env()));
                !updated)
                throw command_error(updated.failure());
            if (!session.options().quiet)
                out += fmt::format("{}: no KPI source is trusted any more\n", root);
            return ExitCode::ok;
        }
        const LoadedGoals& goals = session.load();
        const std::vector<KpiSource> sources = kpi_sources(session, *goals.index, root);
        std::map<std::string, io::CoveredFiles> approved;
        for (const KpiSource& s : sources)
            approved[s.hash] = s.files;
        if (Result<void> updated =
                io::update_trust_store(store_path, root, approved, lock_timeout(session.env()));
            !updated)
            throw command_error(updated.failure());
        if (session.options().quiet) return ExitCode::ok;
        if (sources.empty()) {
            out += fmt::format("{}: no KPI has a source; nothing to trust\n", root);
            return ExitCode::ok;
        }
        out += fmt::format("{}: `okr pull` may now run {} source{}:\n", root, sources.size(),
                           sources.size() == 1 ? "" : "s");
        using Verdict = io::TrustCheck::Verdict;
        for (const KpiSource& s : sources) {
            const io::TrustCheck was = before.check(root, s.hash, s.files);
            const char* mark = was.verdict == Verdict::trusted      ? ""
                               : was.verdict == Verdict::new_source ? " (new)"
                                                                    : " (changed)";
            out += fmt::format("  {}{}  {}:{}\n    {}\n", s.ref, mark, s.path, s.line,
                               report::escape_control(s.command));
            if (!s.files.empty()) {
                std::string names;
                for (const auto& [path, digest] : s.files) {
                    const auto differs =
                        std::find_if(was.files.begin(), was.files.end(),
                                     [&](const auto& f) { return f.first == path; });
                    names += fmt::format(
                        "{}{}{}", names.empty() ? "" : ", ", report::escape_control(path),
                        differs == was.files.end() ? "" : fmt::format(" ({})", differs->second));
                }
                out += fmt::format("    with {}\n", names);
            }
        }
        return ExitCode::ok;
    };
}

} // namespace okr::cli
