#pragma once
// A per-file cache of the loaded model (SPEC §14), as ccache keeps compiler results: each goal
// file's parse result (model and diagnostics) is kept under a key hashed from the file's bytes,
// okr's version and the digest of the code that builds the model, so an entry is only ever
// found for the very bytes it was parsed from. Entries live in $XDG_CACHE_HOME/okr.

#include "okr/io/parse.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okr::io {

// The format of an entry; part of every key, so entries of another format are never read.
inline constexpr std::uint32_t k_cache_format = 2;

// From this many entries to write on (a first run of a large workspace), a process of their own
// writes them, free to outlive okr (ModelCache::write_in_background).
inline constexpr std::size_t k_detached_entries = 64;

// The cache's size bound when OKR_CACHE_SIZE does not set one.
inline constexpr std::uint64_t k_default_cache_bytes = std::uint64_t{512} << 20;

// What an entry is found by: a 128-bit hash (xxHash's XXH3) of the file's bytes, its stem (the
// default namespace), okr's version, the model's digest and the format.
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

// Whether a decode builds the check-ins (the bulk of an entry) or leaves every KR's and KPI's
// check-ins empty: completion needs only ids, titles, owners and tags.
enum class Checkins { read, skip };

// The parse result that `encode_parsed` turned into exactly `bytes`, with `path` put back; nullopt
// when the bytes are anything else (every read is bounds-checked, every enum range-checked). With
// Checkins::skip, each check-in block is stepped over by its size, not decoded.
std::optional<ParsedFile> decode_parsed(std::string_view bytes, const std::string& path,
                                        Checkins checkins = Checkins::read);

// An entry as stored: a header (magic, format, key, payload size, XXH3 checksum of the payload,
// size of the payload's head part and its checksum), then the payload. Pure.
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

struct CacheSettings {
    std::filesystem::path dir; // the cache's own folder, e.g. ~/.cache/okr
    std::uint64_t max_bytes = k_default_cache_bytes;
};

// Where the cache is and how large it may grow, from the environment: OKR_CACHE (`off` turns the
// cache off; a folder other than `on` replaces the default), XDG_CACHE_HOME (absolute, else
// ignored), HOME (~/.cache/okr) and OKR_CACHE_SIZE (bytes, or with a K, M or G suffix; anything
// else means the default). nullopt when the cache is off or there is nowhere to put it.
std::optional<CacheSettings> cache_settings(const std::optional<std::string>& okr_cache,
                                            const std::optional<std::string>& xdg_cache_home,
                                            const std::optional<std::string>& home,
                                            const std::optional<std::string>& okr_cache_size);

// The cache on disk. Safe from many threads and many processes at once: entries are written to a
// temporary file and renamed into place, and a reader checks what it reads. Every failure (a
// folder that cannot be created or written, a full disk, a bad entry) is a miss, silently.
class ModelCache {
  public:
    explicit ModelCache(CacheSettings settings) : m_settings(std::move(settings)) {}

    // The parse result stored for `key`, with `path` put back; nullopt on a miss.
    std::optional<ParsedFile> load(const CacheKey& key, const std::string& path,
                                   Checkins checkins = Checkins::read) const;
    // Stores `parsed` as the entry of `key`, replacing whatever is there.
    void store(const CacheKey& key, const ParsedFile& parsed);
    // The same, written later: the entry is encoded now and written by write_in_background.
    void store_later(const CacheKey& key, const ParsedFile& parsed);
    // Writes the entries stored later, then trims, on a thread of its own: the command goes on
    // (on a cold cache, writing a thousand files costs as much as evaluating them) and the
    // process waits for the thread as it exits. From k_detached_entries entries on, a process
    // of its own writes them, started now (at exit when this process has other threads) and
    // writing once this one has ended, so that a first run of a large workspace returns as soon
    // as its output is out; it holds a shared lock on `writing.lock` in the cache folder until
    // it is done.
    void write_in_background();
    // Writes an encoded entry (encode_entry) for `key` now.
    void write_entry(const CacheKey& key, std::string_view entry);
    // Keeps the cache within its bound: each folder written to since the last trim holds at most
    // its share of the bound (entries are spread over 256 folders by key); the entries used
    // least recently go first. Also removes temporary files left by a process that died.
    void trim();

    const CacheSettings& settings() const { return m_settings; }

  private:
    std::filesystem::path entry_path(const CacheKey& key) const;

    CacheSettings m_settings;
    std::atomic<bool> m_unwritable{false};
    std::mutex m_mutex;
    std::set<std::string> m_written;                       // folders written to since the last trim
    std::vector<std::pair<CacheKey, std::string>> m_later; // entries stored later
};

} // namespace okr::io
