#pragma once
// Writing goal files safely (SPEC §8): atomically, durably, under an exclusive lock, following
// symlinks and keeping the original's permissions. Failures come back as values: a
// `Failure` (core/result.hpp) of kind io, read_only, exists, lock_held or changed, each an I/O
// error (exit 4) for the CLI, with the file left as it was.

#include "okr/core/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace okr::io {

// The file that `path` names, resolved by the file system (realpath: every symbolic link, and
// `..` after a linked folder, as the kernel sees them); for a file that does not exist yet, its
// resolved folder and its name; `path` itself when it cannot be resolved.
std::string write_target(const std::string& path);

// Removes the temporary files `.NAME.tmp-XXXXXX` that killed writers left beside the file at
// `path`, and the lock files `OTHER.toml.lock` of its folder that no one holds; only call it
// holding that file's lock. Returns how many were removed.
std::size_t remove_leftovers(const std::string& path);

// Replaces the content of the existing file `path` (or of the file its symlink points at) with
// `text`, without a lock (LockedFile::open and replace, for one file): a temporary file in the same
// folder is written, fsynced, given the original's permission bits (and owner, where allowed) and
// renamed over the original; then the folder is fsynced. A read-only file, a full disk or a missing
// folder fails and leaves the original as it was.
Result<void> write_file_atomically(const std::string& path, std::string_view text);

// Creates `path` holding `text`, atomically and durably; fails with Failure::Kind::exists when
// something is already there (it is never overwritten).
Result<void> create_file(const std::string& path, std::string_view text);

// An exclusive lock on a goal file: an flock(2) on `TARGET.lock`, which holds the owner's pid,
// removed when the lock is released or destroyed, and also when the process is ended by
// SIGINT, SIGTERM or SIGHUP. The kernel drops an flock when its holder dies, so a lock file left
// by a killed writer is taken over by the next one. The lock is taken on the resolved target.
class FileLock {
  public:
    // Takes the lock on `path`, waiting up to `timeout` while another process holds it; the
    // error then names the holder's pid.
    static Result<FileLock> acquire(const std::string& path, std::chrono::milliseconds timeout);
    // The same with the lock file given: `path` (as the user named it) is only for messages.
    static Result<FileLock> acquire_at(const std::string& path, const std::string& lock_path,
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
    FileLock(std::string lock_path, int slot, int fd)
        : m_lock_path(std::move(lock_path)), m_slot(slot), m_fd(fd), m_held(true) {}

    std::string m_lock_path;
    int m_slot = -1; // cleanup slot of the signal handler, -1 when none
    int m_fd = -1;   // the open lock file holding the flock
    bool m_held = false;
};

// A goal file held for a change (SPEC §8): `path` is resolved once by the file system, its folder
// is held open, its lock taken (unless for a dry run), leftovers of killed writers removed, and
// its text read through a descriptor. `replace` then writes beside it and renames over it in
// that folder, only if the name still refers to the very file that was read (same device and
// inode): a file swapped meanwhile (for a symlink, say) is refused, and nothing is written.
class LockedFile {
  public:
    // Opens `path` for a change, waiting up to `timeout` for its lock when `lock` is set.
    // Fails on a lock held too long, a file that cannot be read or is not a regular file.
    // Without `read`, the text is neither read nor kept (text() is empty): for a writer that
    // replaces a large file whole.
    static Result<LockedFile> open(const std::string& path, std::chrono::milliseconds timeout,
                                   bool lock = true, bool read = true);
    LockedFile(LockedFile&& other) noexcept;
    LockedFile& operator=(LockedFile&& other) noexcept;
    LockedFile(const LockedFile&) = delete;
    LockedFile& operator=(const LockedFile&) = delete;
    ~LockedFile();

    // The text as read under the lock.
    const std::string& text() const { return m_text; }
    // Replaces the content atomically and durably, keeping permission bits and owner; fails
    // with Failure::Kind::changed when the name no longer refers to the file that was read.
    Result<void> replace(std::string_view text);

    // Replaces several held files at once, all or nothing (SPEC §8): each new text is written
    // beside its file first (`.NAME.okr-staged-TX`), then the renames run under a journal in
    // `.okr-journal/` of the first file's folder (a pointer to it in each other folder), so that
    // a run killed at any moment is rolled back (killed before the journal was committed) or
    // finished (after) by recover_journals. SIGINT, SIGTERM and SIGHUP wait until it is done.
    // A full disk or a read-only file fails with nothing changed.
    static Result<void> replace_together(const std::vector<LockedFile*>& files,
                                         const std::vector<std::string_view>& texts);

  private:
    LockedFile() = default;
    Result<void> writable() const;
    void took(std::string_view text);
    std::string m_path;     // as the user named it, for messages
    std::string m_dir_path; // the resolved folder
    std::string m_name;     // the resolved file name in it
    std::string m_text;
    bool m_read = true; // m_text is the file's text
    struct stat m_stat {};
    int m_dir_fd = -1;
    int m_file_fd = -1; // the file read, held open so that its inode is not reused
    std::optional<FileLock> m_lock;
};

// Finishes or rolls back what killed writers of several files left in `folder` (its
// `.okr-journal/`): a committed journal is finished, an uncommitted one rolled back, so every
// file is either old or new. A journal whose writer is alive is waited for when `wait` (a
// writer holding one of its files' locks), else skipped (a reader). True when it changed a file.
bool recover_journals(const std::string& folder, bool wait);

// How long writers wait for a lock by default.
inline constexpr std::chrono::milliseconds k_default_lock_timeout{10000};

// Writes all of `text` to the file descriptor `fd`, retrying after EINTR; false on an error
// (errno says which, e.g. EPIPE from a reader that quit).
bool write_all(int fd, std::string_view text);

// When `fd` is a pipe, asks for a 1 MiB buffer (what an unprivileged process may ask for by
// default, /proc/sys/fs/pipe-max-size): a large output then reaches its reader in 1 MiB pieces,
// not 64 KiB ones, with fewer switches between the two (an 18 MB JSON document: 27 ms less).
// Nothing when it is not a pipe or the system says no.
void widen_pipe(int fd);
// Before writing `bytes` to standard output: widen_pipe(STDOUT_FILENO) the first time in the
// process that a piece of 64 KiB or more is written, nothing otherwise (a long output is written
// in many such pieces; one look at standard output is enough). Safe from any thread.
void widen_stdout_pipe(std::size_t bytes);

} // namespace okr::io
