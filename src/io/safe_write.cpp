#include "okr/io/safe_write.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <mutex>
#include <pthread.h>
#include <random>
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

void on_termination_signal(int sig) {
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

WriteError io_error(const std::string& what, const std::string& path, int err,
                    std::string hint = {}) {
    return {WriteError::Kind::io, fmt::format("{} {}: {}", what, path, errno_text(err)),
            std::move(hint)};
}

std::string folder_of(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// Fsyncs a folder so that a rename or link in it survives a crash.
bool sync_folder(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0 || errno == EINVAL; // some file systems cannot sync folders
    ::close(fd);
    return ok;
}

// A temporary file next to `target`, removed on failure or signal unless kept.
class TempFile {
  public:
    explicit TempFile(const std::string& target) {
        const fs::path t(target);
        m_path =
            (fs::path(folder_of(target)) / ("." + t.filename().string() + ".tmp-XXXXXX")).string();
        SignalBlock block;
        m_fd = ::mkstemp(m_path.data());
        m_created = m_fd >= 0;
        if (m_created) m_slot = register_cleanup(m_path);
    }
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (m_created && !m_kept) ::unlink(m_path.c_str());
        unregister_cleanup(m_slot);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    // Closes the file, reporting a failed close (some file systems report write errors there).
    bool close() {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }
    // The file was renamed into place: nothing to remove.
    void keep() { m_kept = true; }

  private:
    std::string m_path;
    int m_fd = -1;
    int m_slot = -1;
    bool m_created = false;
    bool m_kept = false;
};

// Writes `text` to the temporary file, with `mode` and owner, and fsyncs it.
std::optional<WriteError> fill(TempFile& temp, const std::string& path, std::string_view text,
                               mode_t mode, const struct stat* owner) {
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
    return std::nullopt;
}

mode_t current_umask() {
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

std::optional<long> read_pid(const std::string& lock_path) {
    const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[32] = {};
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    char* end = nullptr;
    const long pid = std::strtol(buf, &end, 10);
    if (end == buf || pid <= 0) return std::nullopt;
    return pid;
}

bool process_alive(long pid) {
    if (pid == static_cast<long>(::getpid()))
        return false; // a leftover of an earlier process with our pid
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace

std::string write_target(const std::string& path) {
    fs::path p(path);
    std::error_code ec;
    for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
        const fs::path link = fs::read_symlink(p, ec);
        if (ec) break;
        p = link.is_absolute() ? link : (p.parent_path() / link);
        p = p.lexically_normal();
    }
    return p.string();
}

std::optional<WriteError> write_file_atomically(const std::string& path, std::string_view text) {
    const std::string target = write_target(path);
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0) return io_error("cannot write", path, errno);
    if (!S_ISREG(st.st_mode))
        return WriteError{
            WriteError::Kind::io, fmt::format("cannot write {}: not a regular file", path), {}};
    // Root may write anything, so the permission bits are checked too: a file nobody may write
    // is read-only on purpose.
    if ((st.st_mode & 0222) == 0 || ::access(target.c_str(), W_OK) != 0)
        return WriteError{
            WriteError::Kind::read_only,
            fmt::format("cannot write {}: the file is read-only", path),
            fmt::format("make it writable (chmod u+w {}) and run the command again", path)};
    TempFile temp(target);
    if (!temp.ok()) {
        const int err = errno;
        return io_error(
            "cannot write", path, err,
            err == EACCES || err == EROFS
                ? fmt::format(
                      "okr writes a temporary file next to it: the folder {} must be writable",
                      folder_of(target))
                : "");
    }
    if (auto error = fill(temp, path, text, st.st_mode & 07777, &st)) return error;
    if (::rename(temp.path().c_str(), target.c_str()) != 0)
        return io_error("cannot write", path, errno);
    temp.keep();
    if (!sync_folder(folder_of(target)))
        return io_error("wrote but could not sync the folder of", path, errno,
                        "the new content is in place; a power loss now could undo it");
    return std::nullopt;
}

std::optional<WriteError> create_file(const std::string& path, std::string_view text) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0)
        return WriteError{WriteError::Kind::exists,
                          fmt::format("{} already exists; not overwriting it", path),
                          "choose another path, or remove the file first"};
    const std::string folder = folder_of(path);
    struct stat dir {};
    if (::stat(folder.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode))
        return WriteError{
            WriteError::Kind::io,
            fmt::format("cannot create {}: the folder {} does not exist", path, folder),
            fmt::format("create it first: mkdir -p {}", folder)};
    TempFile temp(path);
    if (!temp.ok()) return io_error("cannot create", path, errno);
    if (auto error = fill(temp, path, text, 0666 & ~current_umask(), nullptr)) return error;
    // link() fails when the name exists, so a file created meanwhile is never replaced.
    if (::link(temp.path().c_str(), path.c_str()) != 0) {
        const int err = errno;
        if (err == EEXIST)
            return WriteError{WriteError::Kind::exists,
                              fmt::format("{} already exists; not overwriting it", path),
                              "choose another path, or remove the file first"};
        if (err != EPERM && err != ENOTSUP && err != EOPNOTSUPP)
            return io_error("cannot create", path, err);
        // A file system without hard links: create the name exclusively and write it in place.
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) return io_error("cannot create", path, errno);
        const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
        const int write_err = errno;
        ::close(fd);
        if (!ok) {
            ::unlink(path.c_str());
            return io_error("cannot write", path, write_err);
        }
    }
    if (!sync_folder(folder))
        return io_error("created but could not sync the folder of", path, errno);
    return std::nullopt;
}

std::variant<FileLock, WriteError> FileLock::acquire(const std::string& path,
                                                     std::chrono::milliseconds timeout) {
    const std::string lock_path = write_target(path) + ".lock";
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
    const std::string pid_text = fmt::format("{}\n", ::getpid());
    for (;;) {
        {
            SignalBlock block;
            const int fd = ::open(lock_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                const int slot = register_cleanup(lock_path);
                const bool wrote = write_all(fd, pid_text);
                ::close(fd);
                if (!wrote) {
                    const int err = errno;
                    ::unlink(lock_path.c_str());
                    unregister_cleanup(slot);
                    return io_error("cannot create the lock file", lock_path, err);
                }
                return FileLock(lock_path, slot);
            }
            if (errno != EEXIST)
                return io_error(
                    "cannot create the lock file", lock_path, errno,
                    fmt::format("okr locks a file while writing it: the folder {} must be writable",
                                folder_of(lock_path)));
        }
        const std::optional<long> pid = read_pid(lock_path);
        // A holder that released the lock and ended between the read and the check is no
        // stale lock: only a lock file that still names a process that is gone is one.
        if (pid && !process_alive(*pid) && read_pid(lock_path) == pid)
            return WriteError{
                WriteError::Kind::lock_stale,
                fmt::format("{} is locked by process {}, which is no longer running (a stale lock)",
                            path, *pid),
                fmt::format("if no okr is running, clear it with `rm {}`", lock_path)};
        if (std::chrono::steady_clock::now() >= deadline)
            return WriteError{
                WriteError::Kind::lock_held,
                pid ? fmt::format("{} is locked by process {} (another okr is writing it)", path,
                                  *pid)
                    : fmt::format("{} is locked (another okr is writing it)", path),
                fmt::format("try again in a moment; if no okr is running, clear it with `rm {}`",
                            lock_path)};
        std::this_thread::sleep_for(std::chrono::milliseconds(2 + jitter() % 15));
    }
}

FileLock::FileLock(FileLock&& other) noexcept
    : m_lock_path(std::move(other.m_lock_path)), m_slot(std::exchange(other.m_slot, -1)),
      m_held(std::exchange(other.m_held, false)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        m_lock_path = std::move(other.m_lock_path);
        m_slot = std::exchange(other.m_slot, -1);
        m_held = std::exchange(other.m_held, false);
    }
    return *this;
}

FileLock::~FileLock() {
    release();
}

void FileLock::release() {
    if (!m_held) return;
    ::unlink(m_lock_path.c_str());
    unregister_cleanup(m_slot);
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

} // namespace okr::io
