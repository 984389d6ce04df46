#pragma once
// A per-file cache of the loaded model (SPEC §14), as ccache keeps compiler results: each goal
// file's parse result (model and diagnostics) is kept under a key hashed from the file's bytes,
// okr's version and the digest of the code that builds the model, so an entry is only ever
// found for the very bytes it was parsed from. Entries live in $XDG_CACHE_HOME/okr.
//
// The cache is believed only as far as no one but its user could have written it (SPEC §14): its
// folder, its subfolders and its entries must belong to the user and be writable by no one else,
// else it is off for the run, with one warning (take_cache_warnings). An entry's header (its key
// among it) is inside its checksum, and an entry is taken only for the key it was looked up by;
// the key holds the user's uid. XXH3 is no secret: a forger can make a well-formed entry, but only
// for the key of its slot, and only where they can write, which the ownership check rules out.

#include "okr/io/parse.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okr::io {

// The format of an entry; part of every key, so entries of another format are never read.
// 3: the head checksum covers the whole header (magic, format, key, sizes, payload checksum).
inline constexpr std::uint32_t k_cache_format = 3;

// From this many entries to write on (a first run of a large workspace), a process of their own
// writes them, free to outlive okr (ModelCache::write_in_background).
inline constexpr std::size_t k_detached_entries = 64;

// The cache's size bound when OKR_CACHE_SIZE does not set one.
inline constexpr std::uint64_t k_default_cache_bytes = std::uint64_t{512} << 20;

// What an entry is found by: a 128-bit hash (xxHash's XXH3) of the file's bytes, its stem (the
// default namespace), okr's version, the model's digest, the format and the user (effective uid).
struct CacheKey {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const CacheKey&) const = default;
    // 32 lowercase hex digits.
    std::string hex() const;
};

// The key of the goal file at `path` whose bytes are `text`.
CacheKey cache_key(std::string_view text, const std::string& path);

// The parse result as bytes: a compact, versioned format of our own (varints, IEEE doubles,
// length-prefixed strings). A head (the size of the next part, then everything but check-ins)
// comes before the check-ins, so that a reader can stop after the head. The path is not stored:
// decoding takes it back (it is in every diagnostic), since a file is found by its content wherever
// it lies. Pure.
std::string encode_parsed(const ParsedFile& parsed);

// Whether a decode builds the check-ins (the bulk of an entry), builds them without their notes
// (every note empty: `status` and `score` show no check-in's note, and the benchmark's 250,000
// check-ins carry about 180,000 of them), or leaves every KR's and KPI's check-ins empty:
// completion needs only ids, titles, owners and tags.
enum class Checkins { read, without_notes, skip };

// The parse result that `encode_parsed` turned into exactly `bytes`, with `path` put back; nullopt
// when the bytes are anything else (every read is bounds-checked, every enum range-checked). With
// Checkins::skip, each check-in block is stepped over by its size, not decoded; with
// Checkins::without_notes, each note is stepped over.
std::optional<ParsedFile> decode_parsed(std::string_view bytes, const std::string& path,
                                        Checkins checkins = Checkins::read);

// An entry as stored: a header (magic, format, key, payload size, XXH3 checksum of the payload,
// size of the payload's head part, and a checksum of the head part seeded by the hash of all of
// the header before it), then the payload. Pure.
std::string encode_entry(const CacheKey& key, std::string_view payload);

// The payload of `entry` when it is a whole, intact entry of this format for `key`; nullopt when
// it is truncated, corrupt, of another format or another key's.
std::optional<std::string_view> entry_payload(std::string_view entry, const CacheKey& key);

// The bytes to read from the start of an entry for its head part (header included), read from
// its header; 0 when `header` does not start with one of this format for `key`.
std::uint64_t entry_head_size(std::string_view header, const CacheKey& key);

// The head part of the payload (enough for decode_parsed with Checkins::skip) when `entry` starts
// with an intact header for `key` and an intact head part; the rest need not be there.
std::optional<std::string_view> entry_head(std::string_view entry, const CacheKey& key);

// What stat(2) says of a goal file, to see without reading it that it has not changed since its
// bytes were hashed, as git's index does. Every write to a file, and every chmod, chown, rename
// or utime, sets its ctime to the time of the change, which no program can set otherwise: a file
// with the same stamp as at a time after it last changed still has the same bytes.
struct FileStamp {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t mode = 0;
    std::uint64_t owner = 0; // uid
    std::uint64_t group = 0; // gid
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0; // since the epoch
    std::int64_t ctime_ns = 0;
    bool operator==(const FileStamp&) const = default;
};

// How long a file must have stayed unchanged before its stamp is kept: the clock that stamps
// files ticks coarsely, so a file changed twice within one tick keeps its ctime.
inline constexpr std::int64_t k_settle_ns = 1'000'000'000;

// Whether `stamp` may be kept for later runs: its file last changed (ctime and mtime) at least
// `settle_ns` before `now_ns`, a time read before the stamp was. Then any later change to the
// file gives it another ctime. Pure.
bool stamp_settled(const FileStamp& stamp, std::int64_t now_ns, std::int64_t settle_ns);

// The key of a goal file's bytes when the file had this stamp.
struct StampRecord {
    FileStamp stamp;
    CacheKey key;
    bool operator==(const StampRecord&) const = default;
};

// The stamps of a workspace's files, by path as the loader names them (relative to the working
// directory, or absolute): a warm run whose files have their stamps reads none of them.
using Stamps = std::map<std::string, StampRecord, std::less<>>;

// The key under which the stamps of the workspace with these root files, named from `cwd`, are
// kept. Pure.
CacheKey stamps_key(const std::string& cwd, const std::vector<std::string>& roots);

// `stamps` as bytes, and back: nullopt when the bytes are anything else. Pure.
std::string encode_stamps(const Stamps& stamps);
std::optional<Stamps> decode_stamps(std::string_view bytes);

struct CacheSettings {
    std::filesystem::path dir; // the cache's own folder, e.g. ~/.cache/okr
    std::uint64_t max_bytes = k_default_cache_bytes;
    std::int64_t settle_ns = k_settle_ns; // stamp_settled
};

// Whether a value of OKR_CACHE turns the cache off: `off`, `0`, `false` or `no`, in any case,
// with blanks (spaces, tabs, newlines) around it or not.
bool okr_cache_off(std::string_view value);

// What is wrong with a value of OKR_CACHE, one line; nullopt when okr takes it: a word of
// okr_cache_off, or an absolute path. Anything else (empty, blank, `on`, `true`, a relative path)
// is a usage error, so that no value makes a cache folder in the working directory.
std::optional<std::string> okr_cache_problem(std::string_view value);

// Where the cache is and how large it may grow, from the environment: OKR_CACHE (okr_cache_off
// turns the cache off, an absolute folder replaces the default, anything else means no cache:
// okr_cache_problem refuses it first), XDG_CACHE_HOME (absolute, else ignored), HOME
// (~/.cache/okr, when absolute) and OKR_CACHE_SIZE (bytes, or with a K, M or G suffix; anything
// else means the default). nullopt when the cache is off or there is nowhere to put it.
std::optional<CacheSettings> cache_settings(const std::optional<std::string>& okr_cache,
                                            const std::optional<std::string>& xdg_cache_home,
                                            const std::optional<std::string>& home,
                                            const std::optional<std::string>& okr_cache_size);

// The cache on disk. Safe from many threads and many processes at once: entries are written to a
// temporary file and renamed into place, and a reader checks what it reads. Every failure (a
// folder that cannot be created or written, a full disk, a bad entry) is a miss, silently. A
// folder or entry that another user owns, or that group or others can write, turns the cache off
// for the rest of the process, with a warning for take_cache_warnings; nothing is read from it or
// written to it. The folders okr makes are 0700 (the missing ones above the cache's too), its
// entries 0600, whatever the umask.
class ModelCache {
  public:
    explicit ModelCache(CacheSettings settings);

    // The parse result stored for `key`, with `path` put back; nullopt on a miss.
    std::optional<ParsedFile> load(const CacheKey& key, const std::string& path,
                                   Checkins checkins = Checkins::read) const;
    // Stores `parsed` as the entry of `key`, replacing whatever is there.
    void store(const CacheKey& key, const ParsedFile& parsed);
    // The stamps kept under `key` (stamps_key); none when there are none or they are damaged.
    Stamps load_stamps(const CacheKey& key) const;
    // Keeps `stamps` under `key`, written with the entries stored later.
    void store_stamps_later(const CacheKey& key, const Stamps& stamps);
    // The same, written later: the entry is encoded now and written by write_in_background.
    void store_later(const CacheKey& key, const ParsedFile& parsed);
    // Writes the entries stored later, then trims, on a thread of its own: the command goes on
    // (on a cold cache, writing a thousand files costs as much as evaluating them) and
    // finish_cache_writes waits for the thread before the process ends. From k_detached_entries
    // entries on, a process of its own writes them, started by start_cache_writers and writing
    // once this one has ended, so that a first run of a large workspace returns as soon as its
    // output is out; it holds a shared lock on `writing.lock` in the cache folder until it is done.
    void write_in_background();
    // Writes an encoded entry (encode_entry) for `key` now.
    void write_entry(const CacheKey& key, std::string_view entry);
    // Writes `bytes` as `file` (entry_path or stamps_path) now, atomically.
    void write_file(const std::filesystem::path& file, std::string_view bytes);
    // The file of the entry of `key`, and of the stamps kept under `key` (beside the entries,
    // bounded with them).
    std::filesystem::path entry_path(const CacheKey& key) const;
    std::filesystem::path stamps_path(const CacheKey& key) const;
    // Keeps the cache within its bound: each folder written to since the last trim holds at most
    // its share of the bound (entries are spread over 256 folders by key); the entries used
    // least recently go first. Also removes temporary files left by a process that died.
    void trim();

    const CacheSettings& settings() const { return m_settings; }
    // False once something in the cache was found that someone else could have written.
    bool believed() const;

  private:
    // Whether the cache folder (slot -1) or its subfolder `slot` (0-255: the key's first byte) may
    // be believed: it is missing, or it belongs to the user and no one else can write it. The
    // first look decides for the rest of the run.
    bool folder_believed(int slot) const;
    // Turns the cache off, for `why` (the first reason is the warning).
    void distrust(std::string why) const;

    CacheSettings m_settings;
    mutable std::atomic<bool> m_off{false};
    // 0: not looked at yet; 1: believed; 2: not.
    mutable std::atomic<unsigned char> m_folder{0};
    mutable std::array<std::atomic<unsigned char>, 256> m_subfolders{};
    std::atomic<bool> m_unwritable{false};
    std::mutex m_mutex;
    std::set<std::string> m_written; // folders written to since the last trim
    std::vector<std::pair<std::filesystem::path, std::string>> m_later; // files stored later
};

// Starts the processes that write the entries of large first runs (write_in_background), with
// util::fork_detached: first it waits for the threads that write entries and ends util's kept
// threads, since a fork copies the calling thread alone. Call it once the command's work is done
// and no other thread of okr runs, before its output is written (or paged): then nothing okr
// writes is in memory shared with a forked writer (each first write to such a page would copy
// it), and a pager interrupted or a reader that quits still leaves the entries. cli::run calls
// it on every way out of a command.
void start_cache_writers();

// Waits until the entries this process writes on threads of its own (write_in_background, below
// k_detached_entries) are written: cli::run calls it before the process ends, and tests, which
// look at the cache as the next run finds it.
void finish_cache_writes();

// The warnings not yet taken, one line each: the cache folders this process found someone else
// could write, and why (what is wrong, and the chmod, chown or OKR_CACHE=off that fixes it); one
// per cache folder. cli::run prints them on stderr.
std::vector<std::string> take_cache_warnings();

} // namespace okr::io
