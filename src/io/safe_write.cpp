#include "okr/io/safe_write.hpp"

#include "okr/io/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <mutex>
#include <pthread.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace fs = std::filesystem;

namespace okr::io {
namespace {

// Paths to unlink when the process is ended by a signal: lock files and temporary files.
// Fixed storage, because the signal handler may only touch async-signal-safe state.
constexpr int k_cleanup_slots = 16;
constexpr std::size_t k_cleanup_path_max = 4096;

struct CleanupSlot {
    std::atomic<bool> used{false};
    std::atomic<bool> active{false};
    char path[k_cleanup_path_max] = {};
};

CleanupSlot g_cleanup[k_cleanup_slots];

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(k_signals)];

// While a write to several files runs, a termination signal waits for its end (whichever
// thread it lands on), so that Ctrl-C, SIGTERM and SIGHUP never leave a journal to finish.
std::atomic<int> g_deferring{0};
std::atomic<int> g_deferred{0};

void on_termination_signal(int sig) {
    if (g_deferring.load() > 0) {
        g_deferred.store(sig);
        return;
    }
    for (CleanupSlot& slot : g_cleanup)
        if (slot.active.load()) ::unlink(slot.path);
    // Hand the signal on to whatever was there before (by default: ending the process); it is
    // delivered once this handler returns.
    for (std::size_t i = 0; i < std::size(k_signals); ++i)
        if (k_signals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
    ::raise(sig);
}

// Installs the cleanup handler where it is not installed yet (again, when someone replaced it).
void install_signal_handlers() {
    static std::mutex mutex;
    const std::lock_guard<std::mutex> guard(mutex);
    for (std::size_t i = 0; i < std::size(k_signals); ++i) {
        struct sigaction current {};
        if (::sigaction(k_signals[i], nullptr, &current) != 0) continue;
        // An ignored signal (nohup) stays ignored: it cannot interrupt a write.
        if (current.sa_handler == SIG_IGN || current.sa_handler == on_termination_signal) continue;
        g_previous[i] = current;
        struct sigaction action {};
        action.sa_handler = on_termination_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(k_signals[i], &action, nullptr);
    }
}

// Registers `path` for removal on a termination signal; returns its slot, or -1 when full.
int register_cleanup(const std::string& path) {
    install_signal_handlers();
    if (path.size() >= k_cleanup_path_max) return -1;
    for (int i = 0; i < k_cleanup_slots; ++i) {
        bool expected = false;
        if (!g_cleanup[i].used.compare_exchange_strong(expected, true)) continue;
        std::memcpy(g_cleanup[i].path, path.c_str(), path.size() + 1);
        g_cleanup[i].active.store(true);
        return i;
    }
    return -1;
}

void unregister_cleanup(int slot) {
    if (slot < 0) return;
    g_cleanup[slot].active.store(false);
    g_cleanup[slot].used.store(false);
}

// Blocks the termination signals for its lifetime, so that creating a file and registering it
// for cleanup happen as one step.
class SignalDefer {
  public:
    SignalDefer() {
        install_signal_handlers();
        ++g_deferring;
    }
    ~SignalDefer() {
        if (--g_deferring == 0)
            if (const int sig = g_deferred.exchange(0)) on_termination_signal(sig);
    }
    SignalDefer(const SignalDefer&) = delete;
    SignalDefer& operator=(const SignalDefer&) = delete;
};

class SignalBlock {
  public:
    SignalBlock() {
        sigset_t set;
        sigemptyset(&set);
        for (int sig : {SIGINT, SIGTERM, SIGHUP})
            sigaddset(&set, sig);
        ::pthread_sigmask(SIG_BLOCK, &set, &m_old);
    }
    ~SignalBlock() { ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
    SignalBlock(const SignalBlock&) = delete;
    SignalBlock& operator=(const SignalBlock&) = delete;

  private:
    sigset_t m_old;
};

std::string errno_text(int err) {
    return std::strerror(err);
}

// An I/O failure of a system call, with its errno text in the message.
Failure io_error(const std::string& what, const std::string& path, int err, std::string hint = {}) {
    Failure failure = make_failure(
        Failure::Kind::io, fmt::format("{} {}: {}", what, path, errno_text(err)), std::move(hint));
    failure.error_number = err;
    return failure;
}

std::string folder_of(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

std::string name_of(const std::string& path) {
    return fs::path(path).filename().string();
}

// A file descriptor, closed when it goes out of scope.
class Fd {
  public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    bool ok() const { return m_fd >= 0; }
    int release() { return std::exchange(m_fd, -1); }
    void reset() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

  private:
    int m_fd;
};

Fd open_folder(const std::string& dir) {
    return Fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// Fsyncs a folder so that a rename or link in it survives a crash.
bool sync_folder(int dir_fd) {
    return ::fsync(dir_fd) == 0 || errno == EINVAL; // some file systems cannot sync folders
}

constexpr std::string_view k_temp_marker = ".tmp-";
constexpr std::size_t k_temp_suffix = 6;

// `.NAME.tmp-XXXXXX`: the temporary file a writer of NAME makes beside it.
bool is_temp_of(std::string_view entry, std::string_view name) {
    const std::size_t prefix = 1 + name.size() + k_temp_marker.size();
    if (entry.size() != prefix + k_temp_suffix || entry[0] != '.' ||
        entry.substr(1, name.size()) != name ||
        entry.substr(1 + name.size(), k_temp_marker.size()) != k_temp_marker)
        return false;
    return std::all_of(entry.begin() + static_cast<std::ptrdiff_t>(prefix), entry.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// A temporary file `.NAME.tmp-XXXXXX` in the folder `dir_fd` (path `dir`), removed on failure
// or signal unless kept.
class TempFile {
  public:
    TempFile(int dir_fd, const std::string& dir, const std::string& name) : m_dir_fd(dir_fd) {
        static constexpr char k_chars[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        std::random_device seed;
        std::minstd_rand random(seed() ^ static_cast<unsigned>(::getpid()));
        for (int attempt = 0; attempt < 100; ++attempt) {
            m_name = "." + name + std::string(k_temp_marker);
            for (std::size_t i = 0; i < k_temp_suffix; ++i)
                m_name += k_chars[random() % (sizeof k_chars - 1)];
            m_path = (fs::path(dir) / m_name).string();
            SignalBlock block;
            m_fd = ::openat(dir_fd, m_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (m_fd >= 0) {
                m_created = true;
                m_slot = register_cleanup(m_path);
                return;
            }
            if (errno != EEXIST) return;
        }
    }
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (m_created && !m_kept) ::unlinkat(m_dir_fd, m_name.c_str(), 0);
        unregister_cleanup(m_slot);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    const std::string& name() const { return m_name; }
    // Closes the file, reporting a failed close (some file systems report write errors there).
    bool close() {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }
    // The file was renamed into place: nothing to remove.
    void keep() { m_kept = true; }

  private:
    int m_dir_fd;
    std::string m_name;
    std::string m_path;
    int m_fd = -1;
    int m_slot = -1;
    bool m_created = false;
    bool m_kept = false;
};

// Writes `text` to the temporary file, with `mode` and owner, and fsyncs it.
Result<void> fill(TempFile& temp, const std::string& path, std::string_view text, mode_t mode,
                  const struct stat* owner) {
    if (::fchmod(temp.fd(), mode) != 0) return io_error("cannot write", path, errno);
    if (owner) {
        // Keep the owner when we may (root editing someone's file); otherwise it stays ours.
        if (::fchown(temp.fd(), owner->st_uid, owner->st_gid) != 0) errno = 0;
    }
    if (!write_all(temp.fd(), text) || ::fsync(temp.fd()) != 0) {
        const int err = errno;
        return io_error("cannot write", path, err,
                        err == ENOSPC || err == EDQUOT
                            ? "free some space and run the command again; the file was not changed"
                            : "the file was not changed");
    }
    if (!temp.close()) return io_error("cannot write", path, errno, "the file was not changed");
    return {};
}

mode_t current_umask() {
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

std::optional<long> read_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return std::nullopt;
    char* end = nullptr;
    const long pid = std::strtol(buf, &end, 10);
    if (end == buf || pid <= 0) return std::nullopt;
    return pid;
}

Failure changed_error(const std::string& path) {
    return make_failure(
        Failure::Kind::changed,
        fmt::format("{} was replaced while okr was writing it (it is not the file that was "
                    "read); nothing was written",
                    path),
        "check what replaced it, then run the command again");
}

} // namespace

std::string write_target(const std::string& path) {
    // The file system resolves every link, `..` after a linked folder included: never as text.
    auto real = [](const std::string& p) -> std::optional<std::string> {
        char* resolved = ::realpath(p.c_str(), nullptr);
        if (!resolved) return std::nullopt;
        std::string out(resolved);
        std::free(resolved);
        return out;
    };
    if (auto out = real(path)) return *out;
    // A file not created yet: its folder resolved, so that its creator and its later writers
    // take the same lock.
    if (errno == ENOENT)
        if (auto folder = real(folder_of(path)); folder && name_of(path) != "..")
            return (*folder == "/" ? "" : *folder) + "/" + name_of(path);
    return path;
}

std::size_t remove_leftovers(const std::string& path) {
    const std::string target = write_target(path);
    const Fd dir = open_folder(folder_of(target));
    if (!dir.ok()) return 0;
    const int copy = ::dup(dir.get());
    if (copy < 0) return 0;
    DIR* listing = ::fdopendir(copy);
    if (!listing) {
        ::close(copy);
        return 0;
    }
    const std::string name = name_of(target);
    std::vector<std::string> found, locks;
    while (const dirent* entry = ::readdir(listing)) {
        const std::string_view n = entry->d_name;
        if (is_temp_of(n, name))
            found.emplace_back(n);
        else if (n.ends_with(".toml.lock") && n != name + ".lock")
            locks.emplace_back(n);
    }
    ::closedir(listing);
    std::size_t removed = 0;
    for (const std::string& f : found)
        if (::unlinkat(dir.get(), f.c_str(), 0) == 0) ++removed;
    // The lock files of other goal files that no one holds: a writer killed by SIGKILL leaves
    // its lock file (the kernel only drops the flock), which git status would show. Removed
    // under their own flock, as FileLock::release does, so a writer that opened one meanwhile
    // sees the name go and takes a fresh one.
    for (const std::string& l : locks) {
        const Fd fd(::openat(dir.get(), l.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (!fd.ok() || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
        struct stat held {
        }, named{};
        if (::fstat(fd.get(), &held) == 0 && S_ISREG(held.st_mode) &&
            ::fstatat(dir.get(), l.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino &&
            ::unlinkat(dir.get(), l.c_str(), 0) == 0)
            ++removed;
    }
    return removed;
}

Result<LockedFile> LockedFile::open(const std::string& path, std::chrono::milliseconds timeout,
                                    bool lock, bool read) {
    LockedFile out;
    out.m_path = path;
    out.m_read = read;
    // Resolved once; everything after goes through the folder's descriptor and the file's.
    const std::string target = write_target(path);
    out.m_dir_path = folder_of(target);
    out.m_name = name_of(target);
    Fd dir = open_folder(out.m_dir_path);
    if (!dir.ok()) return io_error("cannot write", path, errno);
    if (lock) {
        // The lock of the file resolved above, not of a name resolved again.
        auto taken = FileLock::acquire_at(path, target + ".lock", timeout);
        if (!taken) return std::move(taken).failure();
        out.m_lock.emplace(std::move(taken).value());
        // A write to several files that a killed writer left half done is finished (or rolled
        // back) before this file is read, so no change is made on a text that is to be replaced.
        recover_journals(out.m_dir_path, true);
        // Only a lock holder writes beside this file: what is there is left by a killed writer.
        remove_leftovers(target);
    }
    Fd file(
        ::openat(dir.get(), out.m_name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!file.ok()) {
        if (errno == ELOOP) return changed_error(path);
        return io_error("cannot write", path, errno);
    }
    if (read) {
        Result<std::string> text = read_descriptor(file.get(), path);
        if (!text) return std::move(text).failure();
        out.m_text = std::move(*text);
    }
    if (::fstat(file.get(), &out.m_stat) != 0) return io_error("cannot read", path, errno);
    if (!read && !S_ISREG(out.m_stat.st_mode)) return not_regular_failure(path, out.m_stat, false);
    out.m_dir_fd = dir.release();
    // Held open, so that the inode cannot be freed and reused by whatever replaces the name.
    out.m_file_fd = file.release();
    return out;
}

LockedFile::LockedFile(LockedFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_dir_path(std::move(other.m_dir_path)),
      m_name(std::move(other.m_name)), m_text(std::move(other.m_text)), m_read(other.m_read),
      m_stat(other.m_stat), m_dir_fd(std::exchange(other.m_dir_fd, -1)),
      m_file_fd(std::exchange(other.m_file_fd, -1)), m_lock(std::move(other.m_lock)) {}

LockedFile& LockedFile::operator=(LockedFile&& other) noexcept {
    if (this != &other) {
        if (m_dir_fd >= 0) ::close(m_dir_fd);
        if (m_file_fd >= 0) ::close(m_file_fd);
        m_path = std::move(other.m_path);
        m_dir_path = std::move(other.m_dir_path);
        m_name = std::move(other.m_name);
        m_text = std::move(other.m_text);
        m_read = other.m_read;
        m_stat = other.m_stat;
        m_dir_fd = std::exchange(other.m_dir_fd, -1);
        m_file_fd = std::exchange(other.m_file_fd, -1);
        m_lock = std::move(other.m_lock);
    }
    return *this;
}

LockedFile::~LockedFile() {
    if (m_dir_fd >= 0) ::close(m_dir_fd);
    if (m_file_fd >= 0) ::close(m_file_fd);
}

Result<void> LockedFile::replace(std::string_view text) {
    const std::string& path = m_path;
    if (auto ok = writable(); !ok) return ok;
    TempFile temp(m_dir_fd, m_dir_path, m_name);
    if (!temp.ok()) {
        const int err = errno;
        return io_error(
            "cannot write", path, err,
            err == EACCES || err == EROFS
                ? fmt::format(
                      "okr writes a temporary file next to it: the folder {} must be writable",
                      m_dir_path)
                : "");
    }
    if (auto filled = fill(temp, path, text, m_stat.st_mode & 07777, &m_stat); !filled)
        return filled;
    // The name must still be the file that was read: a file swapped for a link (or anything
    // else) meanwhile is refused rather than replaced.
    struct stat now {};
    if (::fstatat(m_dir_fd, m_name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(now.st_mode) || now.st_dev != m_stat.st_dev || now.st_ino != m_stat.st_ino)
        return changed_error(path);
    if (::renameat(m_dir_fd, temp.name().c_str(), m_dir_fd, m_name.c_str()) != 0)
        return io_error("cannot write", path, errno);
    temp.keep();
    took(text);
    if (!sync_folder(m_dir_fd))
        return io_error("wrote but could not sync the folder of", path, errno,
                        "the new content is in place; a power loss now could undo it");
    return {};
}

Result<void> LockedFile::writable() const {
    // Root may write anything, so the permission bits are checked too: a file nobody may write
    // is read-only on purpose.
    if ((m_stat.st_mode & 0222) == 0 ||
        ::faccessat(m_dir_fd, m_name.c_str(), W_OK, AT_EACCESS) != 0)
        return make_failure(
            Failure::Kind::read_only, fmt::format("cannot write {}: the file is read-only", m_path),
            fmt::format("make it writable (chmod u+w {}) and run the command again", m_path));
    return {};
}

void LockedFile::took(std::string_view text) {
    // The old text goes first: two large texts are never held at once.
    m_text = std::string();
    if (m_read) m_text.assign(text);
    // The new file is the one to check against from now on (and to hold open).
    const int fresh =
        ::openat(m_dir_fd, m_name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat now {};
    if (fresh >= 0) {
        if (::fstat(fresh, &now) == 0) m_stat = now;
        if (m_file_fd >= 0) ::close(m_file_fd);
        m_file_fd = fresh;
    }
}

namespace {

// The journal of a write to several files. In the folder of the first file:
// `.okr-journal/TX.tmp` while it is written, `TX.prepared` while the new texts are staged,
// `TX` once committed; in each other folder a pointer `.okr-journal/TX.at` naming the first.
// A journal holds `okr-journal 1`, then FOLDER, STAGED and TARGET of each file, each field
// ended by a NUL (a file name may hold any other byte). Its writer holds an flock on it.
constexpr std::string_view k_journal_dir = ".okr-journal";
constexpr std::string_view k_journal_magic = "okr-journal 1";
constexpr std::string_view k_pointer_magic = "okr-journal-pointer 1";

struct JournalEntry {
    std::string dir, staged, target;
};

std::vector<std::string> nul_fields(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = text.find('\0', at);
        if (end == std::string::npos) break; // a field not ended: the file is not whole
        out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::optional<std::string> read_small(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) return std::nullopt;
    auto text = read_descriptor(fd.get(), path);
    if (!text) return std::nullopt;
    return std::move(*text);
}

std::string journal_folder(const std::string& dir) {
    return (fs::path(dir) / k_journal_dir).string();
}

bool write_and_sync(int fd, std::string_view text) {
    return write_all(fd, text) && ::fsync(fd) == 0;
}

void sync_path(const std::string& dir) {
    const Fd fd = open_folder(dir);
    if (fd.ok()) sync_folder(fd.get());
}

// Rolls a journal forward (committed) or back (prepared), then removes its pointers and it.
void settle(const std::string& jdir, const std::string& name, bool committed,
            const std::vector<JournalEntry>& entries) {
    const std::string tx = committed ? name : name.substr(0, name.size() - 9); // ".prepared"
    std::vector<std::string> folders;
    for (const JournalEntry& e : entries) {
        const Fd dir = open_folder(e.dir);
        if (!dir.ok()) continue;
        if (committed) {
            // Renamed already when the staged file is gone.
            if (::renameat(dir.get(), e.staged.c_str(), dir.get(), e.target.c_str()) == 0)
                sync_folder(dir.get());
        } else {
            ::unlinkat(dir.get(), e.staged.c_str(), 0);
        }
        if (std::find(folders.begin(), folders.end(), e.dir) == folders.end())
            folders.push_back(e.dir);
    }
    const std::string home = fs::path(jdir).parent_path().string();
    for (const std::string& f : folders)
        if (f != home) ::unlink((fs::path(journal_folder(f)) / (tx + ".at")).c_str());
    ::unlink((fs::path(jdir) / name).c_str());
    sync_path(jdir);
}

// The entries of the journal TX, or nullopt when it is not whole or not one okr writes: each
// staged file is `.TARGET.okr-staged-TX` beside its target, in an absolute folder, so that a
// journal can only ever rename a text okr staged onto the file it was staged for.
std::optional<std::vector<JournalEntry>> parse_journal(const std::string& text,
                                                       const std::string& tx) {
    const std::vector<std::string> fields = nul_fields(text);
    if (fields.empty() || fields[0] != k_journal_magic || (fields.size() - 1) % 3 != 0)
        return std::nullopt;
    std::vector<JournalEntry> out;
    for (std::size_t i = 1; i + 2 < fields.size(); i += 3) {
        JournalEntry e{fields[i], fields[i + 1], fields[i + 2]};
        if (!e.dir.starts_with('/') || e.target.empty() ||
            e.target.find('/') != std::string::npos || e.target == "." || e.target == ".." ||
            e.staged != "." + e.target + ".okr-staged-" + tx)
            return std::nullopt;
        out.push_back(std::move(e));
    }
    return out;
}

// Settles the journal TX of the folder `jdir` unless a live writer holds it. True when it
// was settled (or is gone).
bool recover_one(const std::string& jdir, const std::string& tx, bool wait, bool* changed) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        bool committed = true;
        std::string name = tx;
        Fd fd(::open((fs::path(jdir) / name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd.ok()) {
            committed = false;
            name = tx + ".prepared";
            fd = Fd(::open((fs::path(jdir) / name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!fd.ok()) {
            // Committed between the two looks, or gone.
            struct stat st {};
            if (::stat((fs::path(jdir) / tx).c_str(), &st) == 0) continue;
            return true;
        }
        if (::flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) return false;
        struct stat held {
        }, named{};
        if (::fstat(fd.get(), &held) != 0 || held.st_nlink == 0) return true; // settled meanwhile
        if (::stat((fs::path(jdir) / name).c_str(), &named) != 0 || named.st_ino != held.st_ino)
            continue; // committed meanwhile: look again
        // Only a journal of this user is followed (one planted by someone else is left alone).
        if (held.st_uid != ::geteuid() || !S_ISREG(held.st_mode)) return false;
        auto text = read_descriptor(fd.get(), name);
        auto entries = text ? parse_journal(*text, tx) : std::nullopt;
        if (!entries) {
            // Not whole: it was never committed (a committed journal was whole before its
            // rename), so nothing was renamed; its staged files cannot be named: leave it.
            return false;
        }
        settle(jdir, name, committed, *entries);
        if (changed) *changed = *changed || committed;
        return true;
    }
    return false;
}

} // namespace

bool recover_journals(const std::string& folder, bool wait) {
    const std::string jdir = journal_folder(folder);
    struct stat st {};
    if (::lstat(jdir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    DIR* listing = ::opendir(jdir.c_str());
    if (!listing) return false;
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(listing))
        if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
    ::closedir(listing);
    bool changed = false;
    for (const std::string& name : names) {
        if (name.ends_with(".tmp")) {
            // A journal its writer did not finish writing: nothing was staged under it yet.
            Fd fd(::open((fs::path(jdir) / name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (fd.ok() && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
                ::unlink((fs::path(jdir) / name).c_str());
        } else if (name.ends_with(".at")) {
            const auto text = read_small((fs::path(jdir) / name).string());
            const auto fields = text ? nul_fields(*text) : std::vector<std::string>{};
            const std::string tx = name.substr(0, name.size() - 3);
            if (fields.size() == 2 && fields[0] == k_pointer_magic) {
                if (recover_one(journal_folder(fields[1]), tx, wait, &changed))
                    ::unlink((fs::path(jdir) / name).c_str());
            } else {
                // Not whole: its writer was killed writing it, before anything was staged.
                ::unlink((fs::path(jdir) / name).c_str());
            }
        } else {
            const std::string tx =
                name.ends_with(".prepared") ? name.substr(0, name.size() - 9) : name;
            recover_one(jdir, tx, wait, &changed);
        }
    }
    return changed;
}

Result<void> LockedFile::replace_together(const std::vector<LockedFile*>& files,
                                          const std::vector<std::string_view>& texts) {
    if (files.size() == 1) return files[0]->replace(texts[0]);
    if (files.empty()) return {};
    for (const LockedFile* f : files)
        if (auto ok = f->writable(); !ok) return ok;
    // Interrupted by Ctrl-C, SIGTERM or SIGHUP, the write finishes first; only SIGKILL (or a
    // crash) can stop it midway, and the journal covers that.
    SignalDefer defer;
    std::random_device seed;
    const std::string tx = fmt::format("{}-{:08x}", ::getpid(), seed());
    const std::string home = files[0]->m_dir_path;
    std::vector<std::string> folders;
    for (const LockedFile* f : files)
        if (std::find(folders.begin(), folders.end(), f->m_dir_path) == folders.end())
            folders.push_back(f->m_dir_path);
    for (const std::string& f : folders) {
        struct stat st {};
        int err = 0;
        if (::mkdir(journal_folder(f).c_str(), 0755) != 0 && errno != EEXIST)
            err = errno;
        else if (::lstat(journal_folder(f).c_str(), &st) != 0)
            err = errno;
        else if (!S_ISDIR(st.st_mode))
            err = ENOTDIR; // a link or a file there is never followed
        if (err)
            return io_error("cannot create the folder", journal_folder(f), err,
                            "okr keeps a journal there while it writes several files; nothing "
                            "was written");
    }
    std::string journal(k_journal_magic);
    journal += '\0';
    std::vector<std::string> staged;
    for (const LockedFile* f : files) {
        staged.push_back(fmt::format(".{}.okr-staged-{}", f->m_name, tx));
        journal += f->m_dir_path + '\0' + staged.back() + '\0' + f->m_name + '\0';
    }
    const std::string jdir = journal_folder(home);
    const std::string jtmp = (fs::path(jdir) / (tx + ".tmp")).string();
    const std::string jprepared = (fs::path(jdir) / (tx + ".prepared")).string();
    const std::string jcommitted = (fs::path(jdir) / tx).string();
    std::vector<std::string> pointers;
    // Undoes everything before the commit: nothing of it is a goal file.
    auto roll_back = [&](std::size_t staged_count) {
        for (std::size_t i = 0; i < staged_count; ++i)
            ::unlinkat(files[i]->m_dir_fd, staged[i].c_str(), 0);
        for (const std::string& p : pointers)
            ::unlink(p.c_str());
        ::unlink(jprepared.c_str());
        ::unlink(jtmp.c_str());
    };
    Fd jfd(::open(jtmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!jfd.ok()) return io_error("cannot write the journal", jtmp, errno, "nothing was written");
    if (::flock(jfd.get(), LOCK_EX) != 0 || !write_and_sync(jfd.get(), journal) ||
        ::rename(jtmp.c_str(), jprepared.c_str()) != 0) {
        const int err = errno;
        roll_back(0);
        return io_error("cannot write the journal", jtmp, err, "nothing was written");
    }
    sync_path(jdir);
    for (const std::string& f : folders) {
        if (f == home) continue;
        const std::string pointer = (fs::path(journal_folder(f)) / (tx + ".at")).string();
        Fd pfd(::open(pointer.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (pfd.ok()) pointers.push_back(pointer);
        if (!pfd.ok() ||
            !write_and_sync(pfd.get(), std::string(k_pointer_magic) + '\0' + home + '\0')) {
            const int err = errno;
            roll_back(0);
            return io_error("cannot write the journal", pointer, err, "nothing was written");
        }
        sync_path(journal_folder(f));
    }
    // Every new text beside its file, whole and synced, before anything is renamed.
    for (std::size_t i = 0; i < files.size(); ++i) {
        LockedFile& f = *files[i];
        Fd fd(::openat(f.m_dir_fd, staged[i].c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        bool ok = fd.ok() && ::fchmod(fd.get(), f.m_stat.st_mode & 07777) == 0;
        if (ok && ::fchown(fd.get(), f.m_stat.st_uid, f.m_stat.st_gid) != 0) errno = 0;
        ok = ok && write_and_sync(fd.get(), texts[i]);
        const int err = errno;
        const bool closed = fd.ok() && ::close(fd.release()) == 0;
        if (!ok || !closed) {
            roll_back(i + 1);
            return io_error("cannot write", f.m_path, ok ? errno : err,
                            err == ENOSPC || err == EDQUOT
                                ? "free some space and run the command again; no file was changed"
                                : "no file was changed");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        const LockedFile& f = *files[i];
        struct stat now {};
        if (::fstatat(f.m_dir_fd, f.m_name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(now.st_mode) || now.st_dev != f.m_stat.st_dev ||
            now.st_ino != f.m_stat.st_ino) {
            roll_back(files.size());
            return changed_error(f.m_path);
        }
    }
    for (const LockedFile* f : files)
        sync_folder(f->m_dir_fd);
    // The commit: from here on every file is to be new, whoever finishes it.
    if (::rename(jprepared.c_str(), jcommitted.c_str()) != 0) {
        const int err = errno;
        roll_back(files.size());
        return io_error("cannot write the journal", jprepared, err, "no file was changed");
    }
    sync_path(jdir);
    for (std::size_t i = 0; i < files.size(); ++i) {
        LockedFile& f = *files[i];
        if (::renameat(f.m_dir_fd, staged[i].c_str(), f.m_dir_fd, f.m_name.c_str()) != 0)
            return io_error("cannot write", f.m_path, errno,
                            "the change is in okr's journal; the next okr command finishes it");
        sync_folder(f.m_dir_fd);
        f.took(texts[i]);
    }
    for (const std::string& p : pointers)
        ::unlink(p.c_str());
    ::unlink(jcommitted.c_str());
    sync_path(jdir);
    return {};
}

Result<void> write_file_atomically(const std::string& path, std::string_view text) {
    auto opened = LockedFile::open(path, std::chrono::milliseconds(0), false, false);
    if (!opened) return std::move(opened).failure();
    return opened->replace(text);
}

namespace {

Failure exists_error(const std::string& path) {
    return make_failure(Failure::Kind::exists,
                        fmt::format("{} already exists; not overwriting it", path),
                        "choose another path, or remove the file first");
}

} // namespace

Result<void> create_file(const std::string& path, std::string_view text) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return exists_error(path);
    const std::string folder = folder_of(path);
    const Fd dir = open_folder(folder);
    if (!dir.ok()) {
        Failure failure = make_failure(
            Failure::Kind::io,
            fmt::format("cannot create {}: the folder {} does not exist", path, folder),
            fmt::format("create it first: mkdir -p {}", folder));
        failure.error_number = errno;
        return failure;
    }
    const std::string name = name_of(path);
    TempFile temp(dir.get(), folder, name);
    if (!temp.ok()) return io_error("cannot create", path, errno);
    if (auto filled = fill(temp, path, text, 0666 & ~current_umask(), nullptr); !filled)
        return filled;
    // link() fails when the name exists, so a file created meanwhile is never replaced.
    if (::linkat(dir.get(), temp.name().c_str(), dir.get(), name.c_str(), 0) != 0) {
        const int err = errno;
        if (err == EEXIST) return exists_error(path);
        if (err != EPERM && err != ENOTSUP && err != EOPNOTSUPP)
            return io_error("cannot create", path, err);
        // A file system without hard links: create the name exclusively and write it in place.
        const int fd = ::openat(dir.get(), name.c_str(),
                                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) return io_error("cannot create", path, errno);
        const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
        const int write_err = errno;
        ::close(fd);
        if (!ok) {
            ::unlinkat(dir.get(), name.c_str(), 0);
            return io_error("cannot write", path, write_err);
        }
    }
    if (!sync_folder(dir.get()))
        return io_error("created but could not sync the folder of", path, errno);
    return {};
}

Result<FileLock> FileLock::acquire(const std::string& path, std::chrono::milliseconds timeout) {
    return acquire_at(path, write_target(path) + ".lock", timeout);
}

Result<FileLock> FileLock::acquire_at(const std::string& path, const std::string& lock_path,
                                      std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
    const std::string pid_text = fmt::format("{}\n", ::getpid());
    for (;;) {
        std::optional<long> holder;
        {
            SignalBlock block;
            Fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
            if (!fd.ok())
                return io_error(
                    "cannot create the lock file", lock_path, errno,
                    fmt::format("okr locks a file while writing it: the folder {} must be writable",
                                folder_of(lock_path)));
            // The kernel releases an flock when its holder dies, however it dies: a lock file
            // left by a killed writer is simply taken over.
            if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
                // The holder before us may have removed the name after we opened it: the lock
                // counts only while the name is still this file.
                struct stat held {
                }, named{};
                if (::fstat(fd.get(), &held) == 0 && ::stat(lock_path.c_str(), &named) == 0 &&
                    held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
                    const int slot = register_cleanup(lock_path);
                    if (::ftruncate(fd.get(), 0) != 0 || !write_all(fd.get(), pid_text)) {
                        const int err = errno;
                        ::unlink(lock_path.c_str());
                        unregister_cleanup(slot);
                        return io_error("cannot write the lock file", lock_path, err);
                    }
                    return FileLock(lock_path, slot, fd.release());
                }
                continue;
            }
            if (errno != EWOULDBLOCK && errno != EINTR)
                return io_error("cannot lock", lock_path, errno);
            holder = read_pid(fd.get());
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return make_failure(
                Failure::Kind::lock_held,
                holder ? fmt::format("{} is locked by process {} (another okr is writing it)", path,
                                     *holder)
                       : fmt::format("{} is locked (another okr is writing it)", path),
                "try again when it has finished; OKR_LOCK_TIMEOUT sets how many seconds okr "
                "waits for a lock");
        std::this_thread::sleep_for(std::chrono::milliseconds(2 + jitter() % 15));
    }
}

FileLock::FileLock(FileLock&& other) noexcept
    : m_lock_path(std::move(other.m_lock_path)), m_slot(std::exchange(other.m_slot, -1)),
      m_fd(std::exchange(other.m_fd, -1)), m_held(std::exchange(other.m_held, false)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        m_lock_path = std::move(other.m_lock_path);
        m_slot = std::exchange(other.m_slot, -1);
        m_fd = std::exchange(other.m_fd, -1);
        m_held = std::exchange(other.m_held, false);
    }
    return *this;
}

FileLock::~FileLock() {
    release();
}

void FileLock::release() {
    if (!m_held) return;
    // Removed while still held, so the next writer never locks a name that is going away
    // unnoticed (it checks the name after locking).
    ::unlink(m_lock_path.c_str());
    unregister_cleanup(m_slot);
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_slot = -1;
    m_held = false;
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void widen_pipe(int fd) {
    constexpr int k_size = 1 << 20;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
    const int size = ::fcntl(fd, F_GETPIPE_SZ);
    if (size >= 0 && size < k_size) (void)::fcntl(fd, F_SETPIPE_SZ, k_size);
}

void widen_stdout_pipe(std::size_t bytes) {
    constexpr std::size_t k_large = std::size_t{1} << 16;
    static std::atomic<bool> asked{false};
    if (bytes >= k_large && !asked.exchange(true)) widen_pipe(STDOUT_FILENO);
}

} // namespace okr::io
