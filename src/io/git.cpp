#include "okr/io/git.hpp"
#include "okr/io/workspace.hpp"

#include "okr/io/safe_write.hpp"
#include "okr/util/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <poll.h>
#include <set>
#include <thread>
#include <unistd.h>

namespace okr::io {

ProgramRun run_program(const std::vector<std::string>& argv, const std::string& cwd,
                       const std::string* input) {
    ProgramRun run;
    int in_pipe[2] = {-1, -1};
    if (input && ::pipe2(in_pipe, O_CLOEXEC) != 0) return run;
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return run;
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return run;
    }
    util::ChildSpec spec;
    spec.argv = argv;
    spec.folder = cwd;
    spec.in = input ? in_pipe[0] : util::k_null;
    spec.out = out_pipe[1];
    spec.err = err_pipe[1];
    const util::Child child = util::spawn(spec);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (input) ::close(in_pipe[0]);
    if (!child.started()) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        if (input) ::close(in_pipe[1]);
        return run;
    }
    // The input is written by a thread of its own while the output is read, so that neither
    // side waits for the other; a program that stops reading makes the write fail (EPIPE), not
    // the process end (util::hold_sigpipe).
    std::thread feeder;
    if (input)
        feeder = std::thread([fd = in_pipe[1], input] {
            write_all(fd, *input);
            ::close(fd);
        });
    // Read both pipes together, so that a program filling one never blocks on the other.
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&run.out, &run.err};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    if (feeder.joinable()) feeder.join();
    run.status = util::exit_status(util::wait_for(child));
    return run;
}

Result<std::string> git_merge_file(std::string_view base, std::string_view ours,
                                   std::string_view theirs, std::size_t marker_size) {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = fmt::format("{}/okr-merge-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!::mkdtemp(dir.data()))
        return make_failure(Failure::Kind::io,
                            fmt::format("cannot make a temporary folder in {}: {}",
                                        tmp && *tmp ? tmp : "/tmp", std::strerror(errno)),
                            "okr merge writes the three versions there for `git merge-file`");
    const std::string names[] = {dir + "/base", dir + "/ours", dir + "/theirs"};
    const std::string_view texts[] = {base, ours, theirs};
    auto clean_up = [&] {
        for (const std::string& n : names)
            ::unlink(n.c_str());
        ::rmdir(dir.c_str());
    };
    for (int i = 0; i < 3; ++i) {
        const int fd = ::open(names[i].c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        const bool written = fd >= 0 && write_all(fd, texts[i]);
        const int error = errno;
        if (fd >= 0) ::close(fd);
        if (!written) {
            clean_up();
            return make_failure(Failure::Kind::io,
                                fmt::format("cannot write {}: {}", names[i], std::strerror(error)),
                                "okr merge writes the three versions there for `git merge-file`");
        }
    }
    // git merge-file exits with the number of conflicts (at most 127), or 255 on an error. It
    // writes the result over OURS' copy, which is then read at its size (from a pipe, the text
    // would grow by doubling: up to twice the memory).
    ProgramRun run =
        run_program({"git", "merge-file", "--diff3", "--marker-size", std::to_string(marker_size),
                     "-L", "ours", "-L", "base", "-L", "theirs", names[1], names[0], names[2]},
                    {});
    if (run.status < 0 || run.status > 127) {
        clean_up();
        if (run.status < 0)
            return make_failure(Failure::Kind::io, "cannot run `git merge-file`",
                                "okr merge builds on git's line merge: install git");
        return make_failure(Failure::Kind::io, fmt::format("`git merge-file` failed: {}", run.err),
                            "okr merge builds on git's line merge");
    }
    Result<std::string> merged = read_file(names[1]);
    clean_up();
    return merged;
}

std::optional<std::string> git_toplevel(const std::string& dir) {
    ProgramRun run = run_program({"git", "rev-parse", "--show-toplevel"}, dir);
    if (run.status != 0) return std::nullopt;
    while (!run.out.empty() && (run.out.back() == '\n' || run.out.back() == '\r'))
        run.out.pop_back();
    if (run.out.empty()) return std::nullopt;
    return run.out;
}

namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

bool hidden(const std::string& name) {
    return name.size() > 1 && name[0] == '.' && name != "..";
}

// Whether the path parts `p` (from `j`) match the glob parts `g` (from `i`), as expand_glob
// walks the disk: `**` is any number of folders (not hidden ones), the other parts fnmatch.
bool glob_match(const std::vector<std::string>& g, std::size_t i, const std::vector<std::string>& p,
                std::size_t j) {
    if (i == g.size()) return j == p.size();
    if (g[i] == "**") {
        if (glob_match(g, i + 1, p, j)) return true;
        return j + 1 < p.size() && !hidden(p[j]) && glob_match(g, i, p, j + 1);
    }
    if (j == p.size()) return false;
    if (fnmatch(g[i].c_str(), p[j].c_str(), FNM_PERIOD) != 0) return false;
    return glob_match(g, i + 1, p, j + 1);
}

} // namespace

Result<GitRevision> GitRevision::open(const std::string& toplevel, const std::string& cwd,
                                      const std::string& rev) {
    // Each entry `MODE TYPE OID\tPATH\0`: paths are NUL-separated, and the blobs are asked for
    // by object id, one per line, so that no file name (a newline, a leading `-`, quotes) can
    // break either list (SPEC §12).
    ProgramRun list =
        run_program({"git", "ls-tree", "-r", "-z", "--full-tree", rev, "--"}, toplevel);
    if (list.status != 0) {
        std::string why = list.err.empty() ? "git ls-tree failed" : list.err;
        while (!why.empty() && why.back() == '\n')
            why.pop_back();
        return make_failure(Failure::Kind::not_found,
                            fmt::format("unknown revision \"{}\": {}", rev, why),
                            "name a commit, branch or tag: HEAD, HEAD~1, main, v1.0");
    }
    GitRevision out;
    out.m_top = fs::path(toplevel);
    std::error_code ec;
    out.m_cwd = fs::weakly_canonical(fs::path(cwd), ec); // as git names the top: links resolved
    if (ec) out.m_cwd = fs::path(cwd);
    std::vector<std::string> paths;
    std::string request;
    for (std::size_t at = 0; at < list.out.size();) {
        std::size_t end = list.out.find('\0', at);
        if (end == std::string::npos) end = list.out.size();
        const std::string_view entry(list.out.data() + at, end - at);
        at = end + 1;
        const std::size_t tab = entry.find('\t');
        if (tab == std::string_view::npos) continue;
        const std::string_view head = entry.substr(0, tab);
        std::string path(entry.substr(tab + 1));
        const std::size_t oid_at = head.rfind(' ');
        if (oid_at == std::string_view::npos || head.find(" blob ") == std::string_view::npos)
            continue;
        if (path.size() > 5 && path.ends_with(".toml")) {
            request += std::string(head.substr(oid_at + 1)) + "\n";
            paths.push_back(std::move(path));
        }
    }
    if (paths.empty()) return out;
    ProgramRun blobs = run_program({"git", "cat-file", "--batch"}, toplevel, &request);
    if (blobs.status != 0)
        return make_failure(
            Failure::Kind::io,
            fmt::format("cannot read revision \"{}\": git cat-file failed: {}", rev, blobs.err),
            "check the repository with `git fsck`");
    // Each answer: `SHA blob SIZE\n`, SIZE bytes, `\n` (or `NAME missing\n`).
    std::size_t at = 0;
    for (const std::string& path : paths) {
        const std::size_t eol = blobs.out.find('\n', at);
        if (eol == std::string::npos) break;
        const std::string header = blobs.out.substr(at, eol - at);
        at = eol + 1;
        const std::size_t space = header.rfind(' ');
        if (header.ends_with(" missing") || space == std::string::npos) continue;
        const std::size_t size = std::stoull(header.substr(space + 1));
        if (header.find(" blob ") != std::string::npos)
            out.m_files.emplace(path, blobs.out.substr(at, size));
        at += size + 1;
    }
    return out;
}

std::string GitRevision::in_repo(const std::string& path) const {
    const fs::path full =
        (fs::path(path).is_absolute() ? fs::path(path) : m_cwd / path).lexically_normal();
    const std::string rel = full.lexically_relative(m_top).generic_string();
    if (rel.empty() || rel.starts_with("..")) return {};
    return rel;
}

bool GitRevision::has(const std::string& path) const {
    return m_files.count(in_repo(path)) > 0;
}

Result<std::string> GitRevision::read(const std::string& path) const {
    auto it = m_files.find(in_repo(path));
    if (it == m_files.end())
        return make_failure(Failure::Kind::not_found,
                            fmt::format("{}: cannot read: not in this revision", path),
                            "check the revision and the path (git ls-tree REV PATH)");
    return it->second;
}

std::vector<std::string> GitRevision::glob(const std::string& base, const std::string& pattern,
                                           const std::string&, std::vector<std::string>*) const {
    const std::string dir = in_repo(base.empty() ? "." : base);
    const fs::path normal_base = fs::path(base.empty() ? "." : base).lexically_normal();
    std::vector<std::string> g = split_path(dir == "." ? "" : dir);
    for (std::string& part : split_path(pattern))
        g.push_back(std::move(part));
    std::vector<std::string> out;
    for (const auto& [path, text] : m_files) {
        if (!glob_match(g, 0, split_path(path), 0)) continue;
        // As the disk's glob names it: the base, then the rest of the path.
        const std::string below =
            fs::path(path).lexically_relative(dir == "." ? fs::path(".") : fs::path(dir)).string();
        out.push_back(base.empty() || base == "." ? below : (normal_base / below).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string GitRevision::resolve(const std::string& path) const {
    std::string out =
        (fs::path(path).is_absolute() ? fs::path(path) : m_cwd / path).lexically_normal().string();
    // A folder without its trailing slash, as realpath(3) gives it.
    while (out.size() > 1 && out.back() == '/')
        out.pop_back();
    return out;
}

std::string GitRevision::identity(const std::string& path) const {
    const std::string rel = in_repo(path);
    return rel.empty() ? path : rel;
}

std::vector<std::string> GitRevision::toml_files_below(const std::string& dir) const {
    const std::string base = in_repo(dir.empty() ? "." : dir);
    std::vector<std::string> out;
    for (const auto& [path, text] : m_files) {
        if (base != "." && !path.starts_with(base + "/")) continue;
        const auto parts = split_path(path);
        if (std::any_of(parts.begin(), parts.end() - 1, hidden)) continue;
        out.push_back((fs::path(dir) / fs::path(path).lexically_relative(base == "." ? "." : base))
                          .lexically_normal()
                          .string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace okr::io
