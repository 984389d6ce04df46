#include "okr/io/workspace.hpp"

#include "okr/core/reference.hpp"
#include "okr/io/parse.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace okr::io {
namespace {

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() > 1 && name[0] == '.' && name != "..";
}

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir == ".") return name;
    return (fs::path(dir) / name).lexically_normal().string();
}

void toml_files_below(const std::string& dir, std::vector<std::string>& out) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && is_hidden(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->path().extension() == ".toml" && it->is_regular_file(ec))
            out.push_back(it->path().lexically_normal().string());
    }
}

void glob_walk(const std::string& dir, const std::vector<std::string>& parts, std::size_t i,
               std::set<std::string>& out) {
    std::error_code ec;
    if (i == parts.size()) {
        if (fs::is_regular_file(dir.empty() ? "." : dir, ec)) out.insert(dir);
        return;
    }
    const std::string& part = parts[i];
    const fs::path here = dir.empty() ? fs::path(".") : fs::path(dir);
    if (part == "**") {
        glob_walk(dir, parts, i + 1, out); // zero directories
        for (fs::directory_iterator it(here, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec) && !is_hidden(it->path()))
                glob_walk(join(dir, it->path().filename().string()), parts, i, out);
        return;
    }
    if (part.find_first_of("*?[") == std::string::npos) {
        const std::string next = join(dir, part);
        if (fs::exists(next, ec)) glob_walk(next, parts, i + 1, out);
        return;
    }
    for (fs::directory_iterator it(here, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0)
            glob_walk(join(dir, name), parts, i + 1, out);
    }
}

std::string describe_errno(int err) {
    return std::strerror(err);
}

} // namespace

std::optional<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) text.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return std::nullopt;
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

std::optional<std::string> SourceCache::line(const std::string& path, std::uint32_t line) {
    auto it = m_texts.find(path);
    if (it == m_texts.end()) it = m_texts.emplace(path, read_file(path)).first;
    if (!it->second || line == 0) return std::nullopt;
    const std::string& text = *it->second;
    std::size_t start = 0;
    for (std::uint32_t n = 1; n < line; ++n) {
        start = text.find('\n', start);
        if (start == std::string::npos) return std::nullopt;
        ++start;
    }
    const std::size_t end = text.find('\n', start);
    std::string out =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return out;
}

std::vector<std::string> expand_glob(const std::string& base, const std::string& pattern) {
    std::vector<std::string> parts;
    std::string dir = base;
    std::string rest = pattern;
    if (!rest.empty() && rest.front() == '/') {
        dir = "/";
        rest.erase(0, 1);
    }
    std::size_t start = 0;
    while (start <= rest.size()) {
        const std::size_t slash = rest.find('/', start);
        const std::string part =
            rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (!part.empty() && part != ".") parts.push_back(part);
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    std::set<std::string> found;
    glob_walk(dir, parts, 0, found);
    return {found.begin(), found.end()};
}

std::variant<std::vector<std::string>, IoProblem> find_root_files(const WorkspaceSource& source) {
    std::vector<std::string> given = source.paths;
    if (given.empty() && source.env_file && !source.env_file->empty())
        given.push_back(*source.env_file);
    if (given.empty()) {
        std::error_code ec;
        for (fs::path dir = source.cwd;; dir = dir.parent_path()) {
            const fs::path candidate = dir / "okr.toml";
            if (fs::is_regular_file(candidate, ec)) {
                fs::path shown = candidate.lexically_proximate(source.cwd);
                return std::vector<std::string>{shown.empty() ? candidate.string()
                                                              : shown.string()};
            }
            if (dir == dir.parent_path() || dir.empty()) break;
        }
        return IoProblem{"no okr.toml found in this directory or any parent",
                         "create one with `okr init`, or name a file with -f PATH or OKR_FILE"};
    }
    std::vector<std::string> files;
    for (const auto& path : given) {
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (fs::is_directory(st)) {
            std::vector<std::string> below;
            toml_files_below(path, below);
            std::sort(below.begin(), below.end());
            if (below.empty())
                return IoProblem{fmt::format("{}: no *.toml goal file in this directory", path),
                                 "create one with `okr init " + path + "/okr.toml`"};
            files.insert(files.end(), below.begin(), below.end());
        } else if (fs::exists(st)) {
            files.push_back(path);
        } else {
            return IoProblem{fmt::format("{}: no such file or directory", path),
                             "check the path, or create the file with `okr init " + path + "`"};
        }
    }
    return files;
}

LoadedWorkspace load_workspace(const WorkspaceSource& source) {
    LoadedWorkspace out;
    auto roots = find_root_files(source);
    if (auto* problem = std::get_if<IoProblem>(&roots)) {
        out.problem = *problem;
        return out;
    }
    std::vector<std::string> pending = std::get<std::vector<std::string>>(roots);
    std::set<std::string> seen;
    std::vector<ParsedFile> parsed;
    while (!pending.empty()) {
        std::vector<std::string> batch;
        for (auto& p : pending) {
            std::error_code ec;
            fs::path key = fs::weakly_canonical(p, ec);
            if (seen.insert(ec ? p : key.string()).second) batch.push_back(p);
        }
        pending.clear();
        std::vector<ParsedFile> results(batch.size());
        std::vector<std::optional<IoProblem>> problems(batch.size());
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < batch.size();) {
                auto text = read_file(batch[i]);
                if (!text) {
                    problems[i] = IoProblem{
                        fmt::format("{}: cannot read: {}", batch[i], describe_errno(errno)),
                        "check that the file exists and that you may read it"};
                    continue;
                }
                results[i] = parse_goal_file(*text, batch[i]);
            }
        };
        const std::size_t threads =
            std::min<std::size_t>(batch.size(), std::max(1u, std::thread::hardware_concurrency()));
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < threads; ++t)
            pool.emplace_back(worker);
        worker();
        for (auto& t : pool)
            t.join();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (problems[i] && !out.problem) out.problem = problems[i];
            if (problems[i]) continue;
            const std::string dir = fs::path(batch[i]).parent_path().string();
            for (const auto& include : results[i].file.includes) {
                auto matches = expand_glob(dir, include.text);
                if (matches.empty())
                    results[i].diagnostics.push_back(
                        {batch[i], include.pos, Level::warning,
                         fmt::format("include \"{}\" matches no file", include.text),
                         "check the glob; it is relative to this file", "include-empty"});
                for (auto& m : matches)
                    if (m.size() > 5 && m.ends_with(".toml")) pending.push_back(m);
            }
            parsed.push_back(std::move(results[i]));
        }
    }
    if (out.problem) return out;
    std::sort(parsed.begin(), parsed.end(),
              [](const ParsedFile& a, const ParsedFile& b) { return a.file.path < b.file.path; });
    for (auto& p : parsed) {
        out.diagnostics.insert(out.diagnostics.end(),
                               std::make_move_iterator(p.diagnostics.begin()),
                               std::make_move_iterator(p.diagnostics.end()));
        out.workspace.files.push_back(std::move(p.file));
    }
    auto cross = check_workspace_cycles(out.workspace);
    out.diagnostics.insert(out.diagnostics.end(), cross.begin(), cross.end());
    auto names = check_workspace_namespaces(out.workspace);
    out.diagnostics.insert(out.diagnostics.end(), names.begin(), names.end());
    sort_diagnostics(out.diagnostics);
    return out;
}

} // namespace okr::io
