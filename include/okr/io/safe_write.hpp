#pragma once
// Writing goal files safely (SPEC §8): atomically, durably, under an exclusive lock, following
// symlinks and keeping the original's permissions. Failures come back as values.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace okr::io {

// Why a write did not happen. Every kind is an I/O error (exit 4) for the CLI; the file is
// left as it was.
struct WriteError {
    enum class Kind { io, read_only, exists, lock_held, lock_stale };
    Kind kind = Kind::io;
    std::string message; // names the file and, where there is one, the errno text
    std::string hint;
};

// The file that `path` names after following symbolic links on its last component (`path`
// itself when it is not a link); relative link targets are resolved against the link's folder.
std::string write_target(const std::string& path);

// Replaces the content of the existing file `path` (or of the file its symlink points at) with
// `text`: a temporary file in the same folder is written, fsynced, given the original's
// permission bits (and owner, where allowed) and renamed over the original; then the folder is
// fsynced. A read-only file, a full disk or a missing folder fails and leaves the original as it
// was.
std::optional<WriteError> write_file_atomically(const std::string& path, std::string_view text);

// Creates `path` holding `text`, atomically and durably; fails with Kind::exists when
// something is already there (it is never overwritten).
std::optional<WriteError> create_file(const std::string& path, std::string_view text);

// An exclusive lock on a goal file: `TARGET.lock` created with O_EXCL, holding the owner's pid,
// removed when the lock is released or destroyed, and also when the process is ended by
// SIGINT, SIGTERM or SIGHUP. The lock is taken on the symlink's target.
class FileLock {
  public:
    // Takes the lock on `path`, waiting up to `timeout` while another live process holds it.
    // A lock whose process no longer runs is reported as stale at once (with the `rm` that
    // clears it), never removed silently.
    static std::variant<FileLock, WriteError> acquire(const std::string& path,
                                                      std::chrono::milliseconds timeout);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    // The lock file's path, e.g. `okr.toml.lock`.
    const std::string& lock_path() const { return m_lock_path; }
    // Removes the lock file now (idempotent).
    void release();

  private:
    FileLock(std::string lock_path, int slot)
        : m_lock_path(std::move(lock_path)), m_slot(slot), m_held(true) {}

    std::string m_lock_path;
    int m_slot = -1; // cleanup slot of the signal handler, -1 when none
    bool m_held = false;
};

// How long writers wait for a lock by default.
inline constexpr std::chrono::milliseconds k_default_lock_timeout{10000};

// Writes all of `text` to the file descriptor `fd`, retrying after EINTR; false on an error
// (errno says which, e.g. EPIPE from a reader that quit).
bool write_all(int fd, std::string_view text);

} // namespace okr::io
