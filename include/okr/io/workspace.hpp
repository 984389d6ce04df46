#pragma once
// Finding and loading the goal files of a workspace (SPEC §2).

#include "okr/core/diagnostic.hpp"
#include "okr/core/model.hpp"
#include "okr/core/result.hpp"
#include "okr/io/cache.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct stat; // <sys/stat.h>

namespace okr::io {

// Where to look: `-f` paths first, else OKR_FILE, else the first okr.toml above `cwd`.
struct WorkspaceSource {
    std::vector<std::string> paths;
    std::optional<std::string> env_file;
    std::filesystem::path cwd;
    // The model cache (SPEC §14); none: every file is parsed.
    std::optional<CacheSettings> cache;
    // Checkins::skip: every KR and KPI is loaded without its check-ins (completion, which needs
    // only names, is then spared decoding them from the cache). Checkins::without_notes: a
    // check-in's note may be left empty (it is when the file comes from the cache), for a
    // command that shows none.
    Checkins checkins = Checkins::read;
};

struct LoadedWorkspace {
    Workspace workspace;
    Diagnostics diagnostics; // from every file; any error makes the workspace invalid
    // Set when a file could not be found (Failure::Kind::not_found) or read (io): a problem
    // reaching the files themselves (exit 4), as opposed to their content.
    std::optional<Failure> problem;
};

// The root files named by `source`, before includes; a not_found Failure when none can be found.
Result<std::vector<std::string>> find_root_files(const WorkspaceSource& source);

// Where the loader reads goal files from: the disk, or a git revision (`okr diff`). Paths are
// as the user gives them (relative to the working directory, or absolute).
class FileSource {
  public:
    virtual ~FileSource() = default;
    // The whole text of the file, or why it cannot be read (`PATH: cannot read: WHY`).
    virtual Result<std::string> read(const std::string& path) const = 0;
    // Every file under `base` that matches the include glob `pattern`, sorted (expand_glob,
    // with its `root` and `outside`).
    virtual std::vector<std::string> glob(const std::string& base, const std::string& pattern,
                                          const std::string& root = {},
                                          std::vector<std::string>* outside = nullptr) const = 0;
    // Why `path` cannot be a goal file when it is neither a regular file nor a folder (a FIFO, a
    // device, a socket, or a link to one), as the I/O failure that names it; nullopt otherwise
    // (the default: a source with no such files).
    virtual std::optional<Failure> not_regular(const std::string& /*path*/) const {
        return std::nullopt;
    }
    // The path resolved (on disk: links followed), for checking that includes stay inside the
    // folder of their root file.
    virtual std::string resolve(const std::string& path) const = 0;
    // The same text for two paths that name the same file, so that none is loaded twice; for a
    // file with a stamp, the text stamp_identity gives (a load compares the two).
    virtual std::string identity(const std::string& path) const = 0;
    // The file's stamp, when its ctime can be trusted to change on every write, so that the
    // cache may know the file unread (FileStamp); nullopt by default.
    virtual std::optional<FileStamp> stamp(const std::string& /*path*/) const {
        return std::nullopt;
    }
    // read(), and the stamp of the very file whose bytes were read, taken before reading them
    // (the path may have come to name another file since stamp() was asked); nullopt where
    // stamp() gives none.
    virtual Result<std::string> read_stamped(const std::string& path,
                                             std::optional<FileStamp>& stamp) const {
        stamp.reset();
        return read(path);
    }
};

// The identity (FileSource::identity) on disk of the file with this stamp.
std::string stamp_identity(const FileStamp& stamp);

// The files on disk.
class DiskFiles : public FileSource {
  public:
    Result<std::string> read(const std::string& path) const override;
    std::vector<std::string> glob(const std::string& base, const std::string& pattern,
                                  const std::string& root = {},
                                  std::vector<std::string>* outside = nullptr) const override;
    std::optional<Failure> not_regular(const std::string& path) const override;
    std::string resolve(const std::string& path) const override;
    std::string identity(const std::string& path) const override;
    // For a regular file that this process may read, on a local file system whose ctime every
    // write sets by this machine's clock (ext2/3/4, XFS, Btrfs, tmpfs, overlayfs, F2FS, ZFS,
    // bcachefs); nullopt on any other (a network file system, whose times come from another
    // clock, or FAT, which keeps no ctime), so that such files are read every time.
    std::optional<FileStamp> stamp(const std::string& path) const override;
    Result<std::string> read_stamped(const std::string& path,
                                     std::optional<FileStamp>& stamp) const override;
};

struct ParsedFile;

// Parses remembered by path and text, for loading several versions of one workspace (`okr
// diff`): a file whose text is the same in both versions is parsed once. Thread-safe.
class ParseMemo {
  public:
    ParseMemo();
    ~ParseMemo();
    ParseMemo(const ParseMemo&) = delete;
    ParseMemo& operator=(const ParseMemo&) = delete;
    // The parse remembered for `path` with this text, if any.
    std::optional<ParsedFile> find(const std::string& path, std::string_view text);
    void remember(const std::string& path, std::string text, const ParsedFile& parsed);
    // The parse of `text` at `path`: remembered, or parsed now and remembered.
    ParsedFile parse(const std::string& path, std::string text);

  private:
    struct Entry;
    std::mutex m_mutex;
    std::unordered_map<std::string, std::unique_ptr<Entry>> m_files; // by path
};

// Loads the root files and everything they include, parsing files in parallel; a file whose
// bytes are in the cache, or in `memo` (when given), is not parsed (the result is the same
// either way).
LoadedWorkspace load_workspace(const WorkspaceSource& source, ParseMemo* memo = nullptr);
// The same from root files already found, read from `files`, with the model cache `cache`
// (none: every file is parsed).
LoadedWorkspace load_workspace(const std::vector<std::string>& roots, const FileSource& files,
                               const std::optional<CacheSettings>& cache = std::nullopt,
                               ParseMemo* memo = nullptr, Checkins checkins = Checkins::read);

// Every path under `base` that matches `pattern` (`*`, `?`, `[...]` within a name, `**` for
// any number of directories), sorted; hidden directories are skipped, and `**` does not follow
// linked folders. With a `root` (a resolved folder), a folder reached through a link or `..` is
// entered only when it resolves inside `root`; such folders left out are added to `outside`.
std::vector<std::string> expand_glob(const std::string& base, const std::string& pattern,
                                     const std::string& root = {},
                                     std::vector<std::string>* outside = nullptr);

// Lines of goal files for showing the context of a diagnostic; each file is read once.
class SourceCache {
  public:
    // Line `line` (1-based) of the file at `path`, without its line ending; nullopt when the
    // file cannot be read or is shorter.
    std::optional<std::string> line(const std::string& path, std::uint32_t line);

  private:
    struct File {
        std::optional<std::string> text;
        std::vector<std::size_t> starts; // byte offset of each line
    };
    std::unordered_map<std::string, File> m_texts;
};

// The largest goal file okr reads (okr-format(5)): a larger one is an I/O error, so that a
// device or a runaway file cannot exhaust memory.
inline constexpr std::uint64_t k_max_file_bytes = std::uint64_t{64} << 20;

// Reads a whole regular file of at most k_max_file_bytes. A FIFO or device is refused without
// blocking, and without being opened (it is stat'ed first). The failure (kind io, with its errno)
// says `PATH: cannot read: WHY`, where WHY is the errno text, "not a regular file (WHAT)" (WHAT:
// "a FIFO", "a link to /dev/zero, a character device", ...), "is a directory" or "larger than
// ... MiB".
Result<std::string> read_file(const std::string& path);

// The same, from an open descriptor (read from its current offset); `path` names it in the
// failure.
Result<std::string> read_descriptor(int fd, const std::string& path);

// `PATH: cannot read: not a regular file (WHAT)`, for a file whose stat (links followed) is `st`;
// WHAT says what it is, and through which link when `path` is one (`a link to /dev/zero, a
// character device`).
Failure not_regular_failure(const std::string& path, const struct stat& st, bool may_be_link);

} // namespace okr::io
