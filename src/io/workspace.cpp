#include "okr/io/workspace.hpp"

#include "okr/core/reference.hpp"
#include "okr/io/parse.hpp"
#include "okr/io/safe_write.hpp"
#include "okr/util/heap.hpp"
#include "okr/util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fnmatch.h>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace okr::io {
namespace {

// `PATH: cannot read: WHY`, with a hint that fits why.
Failure read_failure(const std::string& path, int err, std::string_view why) {
    Failure failure =
        make_failure(Failure::Kind::io, fmt::format("{}: cannot read: {}", path, why),
                     err == EINVAL || err == EFBIG || err == EISDIR
                         ? "okr reads regular goal files (okr-format(5)); name another file"
                         : "check that the file exists and that you may read it");
    failure.error_number = err;
    return failure;
}

Failure read_failure(const std::string& path, int err) {
    return read_failure(path, err, std::strerror(err));
}

// What a file of this mode is, in words ("a FIFO"), for one that is not a regular file.
std::string_view kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a file okr knows";
}

} // namespace

Failure not_regular_failure(const std::string& path, const struct stat& st, bool may_be_link) {
    if (S_ISDIR(st.st_mode)) return read_failure(path, EISDIR, "is a directory");
    std::string what(kind_of(st.st_mode));
    struct stat own {};
    if (may_be_link && ::lstat(path.c_str(), &own) == 0 && S_ISLNK(own.st_mode)) {
        std::string target(4096, '\0');
        const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
        target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        what = fmt::format("a link to {}, {}", target, what);
    }
    Failure failure = make_failure(
        Failure::Kind::io, fmt::format("{}: cannot read: not a regular file ({})", path, what),
        "a goal file is a regular file: replace it with one, or move it (or rename it from "
        "*.toml) out of the way of the includes and -f folders");
    failure.error_number = EINVAL;
    return failure;
}

namespace {

// Opens a goal file for reading without waiting and without side effects: the path is stat'ed
// first, so that a FIFO or a device is refused, named, before it is ever opened (opening one can
// block, or rewind a tape); O_NONBLOCK and the fstat of read_descriptor hold against a path that
// changes in between. -1 with `why` set when it cannot be read.
int open_goal_file(const std::string& path, std::optional<Failure>& why) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        why = read_failure(path, errno);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        why = not_regular_failure(path, st, true);
        return -1;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) why = read_failure(path, errno);
    return fd;
}

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() > 1 && name[0] == '.' && name != "..";
}

// `dir/name`, left to the file system to resolve: `..` after a linked folder is where the
// kernel says, never where the text suggests.
std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir == ".") return name;
    return (fs::path(dir) / name).string();
}

std::string real_path(const std::string& path) {
    char* resolved = ::realpath(path.empty() ? "." : path.c_str(), nullptr);
    if (!resolved) return {};
    std::string out(resolved);
    std::free(resolved);
    return out;
}

// True when the resolved `path` is `folder` or below it (both resolved).
bool is_inside(const std::string& path, const std::string& folder) {
    if (path.empty() || folder.empty()) return false;
    if (folder == "/") return true;
    return path == folder || (path.starts_with(folder) && path[folder.size()] == '/');
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
        // Every *.toml that is not a folder, a FIFO or a device too: reading it says what it is
        // (exit 4) where leaving it out would hide it.
        if (it->path().extension() == ".toml" && it->exists(ec) && !it->is_directory(ec))
            out.push_back(it->path().lexically_normal().string());
    }
}

// Walks `parts` from `dir`; with a `root`, a folder reached through a link or `..` is entered
// only when it resolves inside `root`, so that no walk strays outside the workspace.
void glob_walk(const std::string& dir, const std::vector<std::string>& parts, std::size_t i,
               const std::string& root, std::set<std::string>& out,
               std::vector<std::string>* outside) {
    std::error_code ec;
    if (i == parts.size()) {
        // Not only regular files: a FIFO or a device that matches is refused, named, when read.
        const fs::file_status st = fs::status(dir.empty() ? "." : dir, ec);
        if (fs::exists(st) && !fs::is_directory(st)) out.insert(dir);
        return;
    }
    const std::string& part = parts[i];
    const fs::path here = dir.empty() ? fs::path(".") : fs::path(dir);
    auto may_enter = [&](const std::string& next) {
        if (root.empty() || i + 1 == parts.size()) return true;
        if (part != ".." && !fs::is_symlink(next, ec)) return true;
        if (is_inside(real_path(next), root)) return true;
        if (outside) outside->push_back(next);
        return false;
    };
    if (part == "**") {
        glob_walk(dir, parts, i + 1, root, out, outside); // zero directories
        // A linked folder is not followed: two `ln -s .` would make the walk endless.
        for (fs::directory_iterator it(here, ec), end; !ec && it != end; it.increment(ec))
            if (!it->is_symlink(ec) && it->is_directory(ec) && !is_hidden(it->path()))
                glob_walk(join(dir, it->path().filename().string()), parts, i, root, out, outside);
        return;
    }
    if (part.find_first_of("*?[") == std::string::npos) {
        const std::string next = join(dir, part);
        if (fs::exists(next, ec) && may_enter(next))
            glob_walk(next, parts, i + 1, root, out, outside);
        return;
    }
    for (fs::directory_iterator it(here, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0 && may_enter(join(dir, name)))
            glob_walk(join(dir, name), parts, i + 1, root, out, outside);
    }
}

} // namespace

Result<std::string> read_descriptor(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return read_failure(path, errno);
    if (!S_ISREG(st.st_mode)) return not_regular_failure(path, st, false);
    auto too_large = [&] {
        return read_failure(
            path, EFBIG,
            fmt::format("larger than {} MiB, the limit for a goal file", k_max_file_bytes >> 20));
    };
    if (static_cast<std::uint64_t>(st.st_size) > k_max_file_bytes) return too_large();
    // Read straight into the text (no copy through a buffer), asking for a byte more than the
    // size so that the common case ends at the next read, which finds the end.
    std::string text;
    std::size_t got = 0;
    text.resize(static_cast<std::size_t>(st.st_size) + 1);
    for (;;) {
        if (got == text.size()) {
            // A file that grows while it is read is bounded too.
            if (text.size() > k_max_file_bytes) return too_large();
            text.resize(std::min<std::size_t>(text.size() * 2, k_max_file_bytes + 1));
        }
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return read_failure(path, errno);
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

Result<std::string> read_file(const std::string& path) {
    std::optional<Failure> why;
    const int fd = open_goal_file(path, why);
    if (fd < 0) return std::move(*why);
    Result<std::string> text = read_descriptor(fd, path);
    ::close(fd);
    return text;
}

std::optional<std::string> SourceCache::line(const std::string& path, std::uint32_t line) {
    auto it = m_texts.find(path);
    if (it == m_texts.end()) {
        // The line starts are found once per file, so that many findings print in linear time.
        File file;
        if (Result<std::string> text = read_file(path)) file.text = std::move(text).value();
        if (file.text) {
            file.starts.push_back(0);
            for (std::size_t at = 0; (at = file.text->find('\n', at)) != std::string::npos;)
                file.starts.push_back(++at);
        }
        it = m_texts.emplace(path, std::move(file)).first;
    }
    const File& file = it->second;
    if (!file.text || line == 0 || line > file.starts.size()) return std::nullopt;
    const std::string& text = *file.text;
    const std::size_t start = file.starts[line - 1];
    if (start > text.size()) return std::nullopt;
    const std::size_t end = text.find('\n', start);
    std::string out =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return out;
}

std::vector<std::string> expand_glob(const std::string& base, const std::string& pattern,
                                     const std::string& root, std::vector<std::string>* outside) {
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
    glob_walk(dir, parts, 0, root, found, outside);
    return {found.begin(), found.end()};
}

Result<std::vector<std::string>> find_root_files(const WorkspaceSource& source) {
    std::vector<std::string> given = source.paths;
    if (given.empty() && source.env_file && !source.env_file->empty())
        given.push_back(*source.env_file);
    if (given.empty()) {
        std::error_code ec;
        for (fs::path dir = source.cwd;; dir = dir.parent_path()) {
            const fs::path candidate = dir / "okr.toml";
            const fs::file_status st = fs::status(candidate, ec);
            if (fs::exists(st) && !fs::is_directory(st)) { // a FIFO too, refused when read
                fs::path shown = candidate.lexically_proximate(source.cwd);
                return std::vector<std::string>{shown.empty() ? candidate.string()
                                                              : shown.string()};
            }
            if (dir == dir.parent_path() || dir.empty()) break;
        }
        return make_failure(Failure::Kind::not_found,
                            "no okr.toml found in this directory or any parent",
                            "create one with `okr init`, or name a file with -f PATH or OKR_FILE");
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
                return make_failure(Failure::Kind::not_found,
                                    fmt::format("{}: no *.toml goal file in this directory", path),
                                    "create one with `okr init " + path + "/okr.toml`");
            files.insert(files.end(), below.begin(), below.end());
        } else if (fs::exists(st)) {
            files.push_back(path);
        } else {
            return make_failure(Failure::Kind::not_found,
                                fmt::format("{}: no such file or directory", path),
                                "check the path, or create the file with `okr init " + path + "`");
        }
    }
    return files;
}

Result<std::string> DiskFiles::read(const std::string& path) const {
    return read_file(path);
}

std::vector<std::string> DiskFiles::glob(const std::string& base, const std::string& pattern,
                                         const std::string& root,
                                         std::vector<std::string>* outside) const {
    return expand_glob(base, pattern, root, outside);
}

std::optional<Failure> DiskFiles::not_regular(const std::string& path) const {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return std::nullopt;
    return not_regular_failure(path, st, true);
}

std::string DiskFiles::resolve(const std::string& path) const {
    return real_path(path);
}

namespace {

std::string device_and_inode(std::uint64_t device, std::uint64_t inode) {
    std::string out(1, '\0'); // no path holds a NUL
    char number[24];
    out.append(number, std::to_chars(number, number + sizeof number, device).ptr);
    out += ':';
    out.append(number, std::to_chars(number, number + sizeof number, inode).ptr);
    return out;
}

} // namespace

std::string DiskFiles::identity(const std::string& path) const {
    // The file itself (device and inode), so that a file reached twice, by a link or another
    // spelling, is loaded once: one stat, where resolving the path reads every link on the way.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return path;
    return device_and_inode(st.st_dev, st.st_ino);
}

std::string stamp_identity(const FileStamp& stamp) {
    return device_and_inode(stamp.device, stamp.inode);
}

namespace {

// Whether the file system of `fd` (on `device`) keeps a ctime that every write changes, from
// one clock with this machine: remembered by device, as a workspace lies on one or two.
bool keeps_ctime(int fd, std::uint64_t device) {
    static std::mutex mutex;
    static std::vector<std::pair<std::uint64_t, bool>> known;
    {
        const std::lock_guard lock(mutex);
        for (const auto& [d, keeps] : known)
            if (d == device) return keeps;
    }
    struct statfs fs {};
    if (::fstatfs(fd, &fs) != 0) return false;
    // From linux/magic.h (and ZFS's and bcachefs's own).
    constexpr std::uint64_t local[] = {
        0xEF53,     // ext2, ext3, ext4
        0x58465342, // XFS
        0x9123683E, // Btrfs
        0x01021994, // tmpfs
        0x794C7630, // overlayfs
        0xF2F52010, // F2FS
        0x2FC12FC1, // ZFS
        0xCA451A4E, // bcachefs
    };
    const auto type = static_cast<std::uint64_t>(fs.f_type) & 0xFFFFFFFFu;
    const bool keeps = std::find(std::begin(local), std::end(local), type) != std::end(local);
    const std::lock_guard lock(mutex);
    known.emplace_back(device, keeps);
    return keeps;
}

// The stamp of the open file `fd`, as DiskFiles::stamp says.
std::optional<FileStamp> stamp_of(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    if (!keeps_ctime(fd, st.st_dev)) return std::nullopt;
    auto ns = [](const struct timespec& t) {
        return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
    };
    FileStamp out;
    out.device = st.st_dev;
    out.inode = st.st_ino;
    out.mode = st.st_mode;
    out.owner = st.st_uid;
    out.group = st.st_gid;
    out.size = static_cast<std::uint64_t>(st.st_size);
    out.mtime_ns = ns(st.st_mtim);
    out.ctime_ns = ns(st.st_ctim);
    return out;
}

} // namespace

std::optional<FileStamp> DiskFiles::stamp(const std::string& path) const {
    // Opened (not only stat'ed): a file this process cannot read (its permissions, or an
    // access control list, changed without a write) has no stamp, and is read and refused as it
    // is without the cache.
    std::optional<Failure> why;
    const int fd = open_goal_file(path, why);
    if (fd < 0) return std::nullopt;
    std::optional<FileStamp> out = stamp_of(fd);
    ::close(fd);
    return out;
}

Result<std::string> DiskFiles::read_stamped(const std::string& path,
                                            std::optional<FileStamp>& stamp) const {
    stamp.reset();
    std::optional<Failure> why;
    const int fd = open_goal_file(path, why);
    if (fd < 0) return std::move(*why);
    stamp = stamp_of(fd); // before the bytes: a write while they are read gives another ctime
    Result<std::string> text = read_descriptor(fd, path);
    ::close(fd);
    if (!text) stamp.reset();
    return text;
}

struct ParseMemo::Entry {
    std::string text;
    ParsedFile parsed;
};

ParseMemo::ParseMemo() = default;
ParseMemo::~ParseMemo() = default;

std::optional<ParsedFile> ParseMemo::find(const std::string& path, std::string_view text) {
    std::lock_guard<std::mutex> hold(m_mutex);
    if (auto it = m_files.find(path); it != m_files.end() && it->second->text == text)
        return it->second->parsed;
    return std::nullopt;
}

void ParseMemo::remember(const std::string& path, std::string text, const ParsedFile& parsed) {
    auto entry = std::make_unique<Entry>();
    entry->text = std::move(text);
    entry->parsed = parsed;
    std::lock_guard<std::mutex> hold(m_mutex);
    m_files[path] = std::move(entry);
}

ParsedFile ParseMemo::parse(const std::string& path, std::string text) {
    if (auto hit = find(path, text)) return std::move(*hit);
    ParsedFile out = parse_goal_file(text, path);
    remember(path, std::move(text), out);
    return out;
}

namespace {

// The same file whether its model came from the cache or from a parse: without check-ins.
void drop_checkins(GoalFile& file) {
    for (Objective& o : file.objectives)
        for (KeyResult& kr : o.krs)
            kr.checkins = {};
    for (Kpi& k : file.kpis)
        k.checkins = {};
}

} // namespace

LoadedWorkspace load_workspace(const WorkspaceSource& source, ParseMemo* memo) {
    auto roots = find_root_files(source);
    if (!roots) {
        LoadedWorkspace out;
        out.problem = std::move(roots).failure();
        return out;
    }
    LoadedWorkspace out = load_workspace(*roots, DiskFiles{}, source.cache, memo, source.checkins);
    // A write to several files that a killed okr left half done is finished or rolled back by
    // the next command (SPEC §8): one look per folder, and a second load when it changed a file.
    std::set<std::string> folders;
    for (const GoalFile& f : out.workspace.files)
        folders.insert(std::filesystem::path(f.path).parent_path().string());
    bool recovered = false;
    for (const std::string& folder : folders)
        recovered = recover_journals(folder.empty() ? "." : folder, false) || recovered;
    if (!recovered) return out;
    return load_workspace(*roots, DiskFiles{}, source.cache, memo, source.checkins);
}

LoadedWorkspace load_workspace(const std::vector<std::string>& roots, const FileSource& files,
                               const std::optional<CacheSettings>& cache_settings, ParseMemo* memo,
                               Checkins checkins) {
    LoadedWorkspace out;
    // Each file with the folder of the root file it came from: includes stay inside it.
    struct Pending {
        std::string path;
        std::string root; // resolved folder of the root file
        std::optional<FileStamp> stamp;
    };
    // Folders resolved once each: a workspace of many files has few folders.
    std::unordered_map<std::string, std::string> resolved_dirs;
    auto resolve_dir = [&](const std::string& dir) -> const std::string& {
        auto it = resolved_dirs.find(dir);
        if (it == resolved_dirs.end()) it = resolved_dirs.emplace(dir, files.resolve(dir)).first;
        return it->second;
    };
    std::vector<Pending> pending;
    for (const std::string& r : roots)
        pending.push_back({r, resolve_dir(fs::path(r).parent_path().string()), std::nullopt});
    std::set<std::string> seen;
    std::vector<ParsedFile> parsed;
    std::optional<ModelCache> cache;
    if (cache_settings) cache.emplace(*cache_settings);
    // The files' stamps (FileStamp): a file with the stamp it had when last hashed is looked up
    // in the cache by that hash, unread. Not with a memo, which needs every text.
    const bool stamped = cache && !memo;
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now); // before any stamp is taken
    const std::int64_t started =
        static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    CacheKey stamps_at;
    Stamps known;  // as the last run left them
    Stamps stamps; // as this run finds them
    if (stamped) {
        std::error_code ec;
        stamps_at = stamps_key(fs::current_path(ec).string(), roots);
        known = cache->load_stamps(stamps_at);
    }
    while (!pending.empty()) {
        // Many files: a large run, which the heap is set up for (2 MB pages; util/heap.hpp).
        if (pending.size() >= 64) util::expect_large_heap();
        std::vector<Pending> batch;
        // The stamps of the files the last run kept one for, to compare (a file with none, as
        // on a first run, gets its stamp as it is read), on every core: a large workspace has
        // thousands of files to stat.
        if (stamped && !known.empty())
            util::in_parallel(util::split_parts(pending.size(), 128, util::cores()),
                              [&](std::size_t, util::Part part) {
                                  for (std::size_t i = part.begin; i < part.end; ++i)
                                      if (known.contains(pending[i].path))
                                          pending[i].stamp = files.stamp(pending[i].path);
                              });
        for (auto& p : pending) {
            // Resolved by the file system, so that a file reached twice is loaded once; from
            // the file's stamp when it has one (the same stat).
            const std::string id = p.stamp ? stamp_identity(*p.stamp) : files.identity(p.path);
            if (seen.insert(id).second) batch.push_back(std::move(p));
        }
        pending.clear();
        std::vector<ParsedFile> results(batch.size());
        std::vector<std::optional<Failure>> problems(batch.size());
        std::vector<std::optional<StampRecord>> records(batch.size());
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < batch.size();) {
                const std::optional<FileStamp>& stamp = batch[i].stamp;
                if (stamp) {
                    const auto it = known.find(batch[i].path);
                    if (it != known.end() && it->second.stamp == *stamp) {
                        if (auto hit = cache->load(it->second.key, batch[i].path, checkins)) {
                            results[i] = std::move(*hit);
                            records[i] = it->second;
                            if (checkins == Checkins::skip) drop_checkins(results[i].file);
                            continue;
                        }
                    }
                }
                std::optional<FileStamp> read_stamp; // of the file whose bytes are read
                Result<std::string> text = stamped ? files.read_stamped(batch[i].path, read_stamp)
                                                   : files.read(batch[i].path);
                if (!text) {
                    problems[i] = std::move(text).failure();
                    continue;
                }
                if (memo) {
                    if (auto hit = memo->find(batch[i].path, *text)) {
                        results[i] = std::move(*hit);
                        continue;
                    }
                }
                if (!cache) {
                    results[i] = parse_goal_file(*text, batch[i].path);
                } else {
                    const CacheKey key = cache_key(*text, batch[i].path);
                    if (read_stamp &&
                        stamp_settled(*read_stamp, started, cache->settings().settle_ns))
                        records[i] = StampRecord{*read_stamp, key};
                    if (auto hit = cache->load(key, batch[i].path, checkins)) {
                        results[i] = std::move(*hit);
                    } else {
                        results[i] = parse_goal_file(*text, batch[i].path);
                        cache->store_later(key, results[i]);
                    }
                }
                if (memo) memo->remember(batch[i].path, std::move(*text), results[i]);
                if (checkins == Checkins::skip) drop_checkins(results[i].file);
            }
        };
        // Every core takes the next file in turn (files differ in size).
        util::in_parallel(util::split_parts(batch.size(), 1, util::cores()),
                          [&](std::size_t, util::Part) { worker(); });
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (problems[i] && !out.problem) out.problem = problems[i];
            if (problems[i]) continue;
            const std::string& path = batch[i].path;
            const std::string& root = batch[i].root;
            if (records[i]) stamps.insert_or_assign(path, *records[i]);
            const std::string dir = fs::path(path).parent_path().string();
            for (const auto& include : results[i].file.includes) {
                auto outside = [&](const std::string& why) {
                    results[i].diagnostics.push_back(
                        {path, include.pos, Level::error,
                         fmt::format("include \"{}\" {}", include.text, why),
                         fmt::format("an include stays inside {}, the folder of the root file",
                                     root.empty() ? std::string(".") : root),
                         "include-outside"});
                };
                if (include.text.starts_with('/')) {
                    outside("is an absolute path");
                    continue;
                }
                // Climbing above the root's folder is refused before any walk.
                const std::string here = resolve_dir(dir);
                long depth = 0;
                if (is_inside(here, root) && here.size() > root.size())
                    for (char c : std::string_view(here).substr(root.size()))
                        depth += c == '/';
                bool climbs = false;
                for (const auto& part : fs::path(include.text)) {
                    if (part == "..")
                        climbs = climbs || --depth < 0;
                    else if (part != "." && part != "**" && !part.empty())
                        ++depth;
                }
                if (climbs) {
                    outside("leaves the folder of the root file");
                    continue;
                }
                std::vector<std::string> strayed;
                auto matches = files.glob(dir, include.text, root, &strayed);
                if (!strayed.empty()) {
                    outside(fmt::format("reaches {}, outside the folder of the root file",
                                        strayed.front()));
                    continue;
                }
                if (matches.empty())
                    results[i].diagnostics.push_back(
                        {path, include.pos, Level::warning,
                         fmt::format("include \"{}\" matches no file", include.text),
                         "check the glob; it is relative to this file", "include-empty"});
                bool reported = false;
                for (auto& m : matches) {
                    if (m.size() <= 5 || !m.ends_with(".toml")) continue;
                    // Not a regular file (a FIFO, a device, a link to one): an I/O error naming
                    // it, wherever the link leads.
                    if (auto odd = files.not_regular(m)) {
                        if (!out.problem) out.problem = std::move(*odd);
                        continue;
                    }
                    // A link may lead outside even when the text stays inside.
                    if (!is_inside(files.resolve(m), root)) {
                        if (!reported)
                            outside(fmt::format("reaches {}, outside the folder of the "
                                                "root file",
                                                m));
                        reported = true;
                        continue;
                    }
                    pending.push_back({m, root, std::nullopt});
                }
            }
            parsed.push_back(std::move(results[i]));
        }
    }
    if (stamped && stamps != known) cache->store_stamps_later(stamps_at, stamps);
    if (cache) cache->write_in_background();
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
