#include "okr/io/cache.hpp"
#include "okr/io/workspace.hpp"

#include "../support.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace okr;
using okr::test::text_of;

namespace fs = std::filesystem;

namespace {

// A goal file that fills every field of the model, with warnings and an unknown key.
constexpr std::string_view k_everything = R"(
title = "Everything"
owner = "ana"
namespace = "all"
cycle = "2026-Q4"
colour = "blue"

[cycles.sprint]
start = 2026-11-01
end = 2026-11-21

[workspace]
include = ["teams/*.toml", "people/**/*.toml"]

[[objective]]
id = "eco"
title = "Become a leader"
owner = "bo"
type = "committed"
parent = "company/leader"
kpis = ["csat", "other/nps"]
tags = ["customer", "eco"]
notes = "Retro: slow."
weight = 2
cycle = "sprint"
status = "dropped"
dropped = 2026-11-19
closed = 2026-11-20
carried_from = "old/eco"

  [[objective.kr]]
  id = "launch"
  title = "Launch two products"
  start = 0
  target = 2
  current = 1.5
  unit = "products"
  owner = "cy"
  notes = "néw ✓"
  weight = 0.5
  score = 0.7
  checkins = [
    { date = 2026-10-14, value = 1, confidence = 0.6, note = "first in beta" },
    { date = 2026-11-04, value = -1e-3 },
  ]

  [[objective.kr]]
  id = "partners"
  title = "Partners"
  type = "milestone"
  status = "dropped"
  dropped = 2026-11-10

  [[objective.kr]]
  id = "sat"
  title = "Satisfaction"
  start = 88
  target = 95
  kpi = "csat"

[[kpi]]
id = "csat"
title = "Customer satisfaction"
unit = "%"
min = 90
warn = 85
frequency = "monthly"
owner = "support"
tags = ["lagging"]
source = "echo 91"
status = "dropped"
dropped = 2026-11-02
checkins = [ { date = 2026-10-31, value = 91.2, note = "q" } ]

[[kpi]]
id = "lat"
title = "Latency"
max = 200
frequency = "weekly"

[[objectives]]
id = "typo"
)";

// A file with errors: the diagnostics are cached as well as the model.
constexpr std::string_view k_invalid = R"(
[[objective]]
id = "bad id"
title = 3
)";

io::ParsedFile parsed_everything(const std::string& path = "teams/all.toml") {
    io::ParsedFile parsed = io::parse_goal_file(text_of(k_everything), path);
    REQUIRE_FALSE(has_errors(parsed.diagnostics));
    return parsed;
}

// Equal model, positions and diagnostics: `==` on the model leaves positions out, the encoding
// does not.
void check_same(const io::ParsedFile& a, const io::ParsedFile& b) {
    CHECK(a.file == b.file);
    CHECK(a.file.path == b.file.path);
    CHECK(io::encode_parsed(a) == io::encode_parsed(b));
    REQUIRE(a.diagnostics.size() == b.diagnostics.size());
    for (std::size_t i = 0; i < a.diagnostics.size(); ++i) {
        const Diagnostic& x = a.diagnostics[i];
        const Diagnostic& y = b.diagnostics[i];
        CHECK(x.path == y.path);
        CHECK(x.pos == y.pos);
        CHECK(x.level == y.level);
        CHECK(x.message == y.message);
        CHECK(x.hint == y.hint);
        CHECK(x.rule == y.rule);
    }
}

// A fresh folder under the system's temporary folder, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "okr-cache-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
};

std::vector<fs::path> entries_below(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec))
        if (it->is_regular_file()) out.push_back(it->path());
    return out;
}

// Goal files in memory, each with a stamp the test sets (as the disk gives one), counting reads.
class StampedFiles : public io::FileSource {
  public:
    std::map<std::string, std::string> texts;
    std::map<std::string, io::FileStamp> stamps;
    mutable int reads = 0;

    Result<std::string> read(const std::string& path) const override {
        ++reads;
        return texts.at(path);
    }
    std::vector<std::string> glob(const std::string&, const std::string&, const std::string&,
                                  std::vector<std::string>*) const override {
        return {};
    }
    std::string resolve(const std::string& path) const override { return path; }
    std::string identity(const std::string& path) const override { return path; }
    std::optional<io::FileStamp> stamp(const std::string& path) const override {
        auto it = stamps.find(path);
        if (it == stamps.end()) return std::nullopt;
        return it->second;
    }
    // The stamp of the file a read finds: the one stamp() gives, unless `swapped` names another
    // (the path came to name another file between the two).
    std::map<std::string, io::FileStamp> swapped;
    Result<std::string> read_stamped(const std::string& path,
                                     std::optional<io::FileStamp>& stamp) const override {
        auto it = swapped.find(path);
        stamp = it != swapped.end() ? std::optional(it->second) : this->stamp(path);
        return read(path);
    }
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A stamp of a file last changed `ago` before now.
io::FileStamp stamp_from(std::chrono::nanoseconds ago, std::uint64_t size) {
    io::FileStamp s;
    s.device = 8;
    s.inode = 1234;
    s.mode = 0100644;
    s.size = size;
    s.mtime_ns = now_ns() - ago.count();
    s.ctime_ns = s.mtime_ns;
    return s;
}

// A goal file `okr.toml` holding `text`, whose stamp says it last changed `ago` before now.
StampedFiles stamped_file(const std::string& text, std::chrono::nanoseconds ago) {
    StampedFiles files;
    files.texts["okr.toml"] = text;
    files.stamps["okr.toml"] = stamp_from(ago, text.size());
    return files;
}

// The title of the one goal file of `files`, loaded through the cache of `settings` (the
// entries are written before it returns).
std::string title_of(const StampedFiles& files, const io::CacheSettings& settings) {
    const io::LoadedWorkspace loaded = io::load_workspace({"okr.toml"}, files, settings, nullptr);
    io::finish_cache_writes();
    REQUIRE_FALSE(loaded.problem);
    REQUIRE(loaded.workspace.files.size() == 1);
    return loaded.workspace.files[0].title;
}

} // namespace

TEST_SUITE("okr::io::cache") {
    TEST_CASE("a parsed file comes back the same: model, positions and diagnostics") {
        const io::ParsedFile parsed = parsed_everything();
        CHECK(parsed.file.unknown_keys.size() == 2);
        const auto decoded = io::decode_parsed(io::encode_parsed(parsed), "teams/all.toml");
        REQUIRE(decoded);
        check_same(parsed, *decoded);
    }

    TEST_CASE("a file with errors comes back with its errors") {
        const io::ParsedFile parsed = io::parse_goal_file(text_of(k_invalid), "bad.toml");
        REQUIRE(has_errors(parsed.diagnostics));
        const auto decoded = io::decode_parsed(io::encode_parsed(parsed), "bad.toml");
        REQUIRE(decoded);
        check_same(parsed, *decoded);
    }

    TEST_CASE("decoding puts back the path it is given, in the file and every diagnostic") {
        const auto decoded =
            io::decode_parsed(io::encode_parsed(parsed_everything()), "elsewhere/all.toml");
        REQUIRE(decoded);
        check_same(parsed_everything("elsewhere/all.toml"), *decoded);
    }

    TEST_CASE("every truncation of an encoding, and a byte too many, is refused") {
        const std::string bytes = io::encode_parsed(parsed_everything());
        for (std::size_t n = 0; n < bytes.size(); ++n)
            CHECK_FALSE(io::decode_parsed(std::string_view(bytes).substr(0, n), "x.toml"));
        CHECK_FALSE(io::decode_parsed(bytes + '\0', "x.toml"));
    }

    TEST_CASE("an enum out of range or a huge count is refused without allocating") {
        // title, owner, namespace (empty), namespace_declared (no), cycle (empty), cycle_pos
        // (0, 0), then a count of cycles of 2^62
        const std::string huge = std::string(7, '\0') + "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
        // the payload: the head's size (one byte), then the head
        CHECK_FALSE(
            io::decode_parsed(std::string(1, static_cast<char>(huge.size())) + huge, "x.toml"));
        std::string bytes = io::encode_parsed(io::parse_goal_file("", "x.toml"));
        bytes.back() = '\1'; // one diagnostic, with nothing after the count
        CHECK_FALSE(io::decode_parsed(bytes, "x.toml"));
    }

    TEST_CASE("without check-ins: the same model with none, read from the entry's head alone") {
        const io::ParsedFile parsed = parsed_everything();
        io::ParsedFile expected = parsed;
        std::size_t checkins = 0;
        for (auto& o : expected.file.objectives)
            for (auto& kr : o.krs)
                checkins += std::exchange(kr.checkins, {}).size();
        for (auto& k : expected.file.kpis)
            checkins += std::exchange(k.checkins, {}).size();
        CHECK(checkins >= 3); // the fixture has check-ins to leave out

        const io::CacheKey key = io::cache_key(text_of(k_everything), "teams/all.toml");
        const std::string entry = io::encode_entry(key, io::encode_parsed(parsed));
        const std::uint64_t head_size = io::entry_head_size(entry, key);
        REQUIRE(head_size > 0);
        CHECK(head_size < entry.size());
        const std::string_view start = std::string_view(entry).substr(0, head_size);
        const auto head = io::entry_head(start, key);
        REQUIRE(head);
        CHECK_FALSE(io::entry_payload(start, key)); // the head alone is not a whole entry
        const auto decoded = io::decode_parsed(*head, "teams/all.toml", io::Checkins::skip);
        REQUIRE(decoded);
        check_same(expected, *decoded);
        CHECK_FALSE(io::decode_parsed(*head, "teams/all.toml")); // check-ins asked for: refused

        for (std::size_t n = 0; n < head_size; ++n)
            CHECK_FALSE(io::entry_head(start.substr(0, n), key));
        for (std::size_t i = 0; i < head_size; ++i) {
            std::string changed(start);
            changed[i] = static_cast<char>(changed[i] ^ 0x20);
            CHECK_FALSE(io::entry_head(changed, key));
        }

        TempDir tmp;
        io::ModelCache cache({tmp.path, io::k_default_cache_bytes});
        cache.store(key, parsed);
        const auto hit = cache.load(key, "teams/all.toml", io::Checkins::skip);
        REQUIRE(hit);
        check_same(expected, *hit);
    }

    TEST_CASE("without notes: the same model with every check-in's note empty") {
        const io::ParsedFile parsed = parsed_everything();
        io::ParsedFile expected = parsed;
        std::size_t notes = 0;
        auto clear = [&](std::vector<Checkin>& checkins) {
            for (auto& c : checkins)
                notes += !std::exchange(c.note, {}).empty();
        };
        for (auto& o : expected.file.objectives)
            for (auto& kr : o.krs)
                clear(kr.checkins);
        for (auto& k : expected.file.kpis)
            clear(k.checkins);
        CHECK(notes >= 1); // the fixture has a note to leave out

        const std::string bytes = io::encode_parsed(parsed);
        const auto decoded =
            io::decode_parsed(bytes, "teams/all.toml", io::Checkins::without_notes);
        REQUIRE(decoded);
        check_same(expected, *decoded);
        for (std::size_t n = 0; n < bytes.size(); ++n)
            CHECK_FALSE(io::decode_parsed(std::string_view(bytes).substr(0, n), "x.toml",
                                          io::Checkins::without_notes));

        TempDir tmp;
        io::ModelCache cache({tmp.path, io::k_default_cache_bytes});
        const io::CacheKey key = io::cache_key(text_of(k_everything), "teams/all.toml");
        cache.store(key, parsed);
        const auto hit = cache.load(key, "teams/all.toml", io::Checkins::without_notes);
        REQUIRE(hit);
        check_same(expected, *hit);
    }

    TEST_CASE("an entry gives back its payload for its own key only") {
        const io::CacheKey key = io::cache_key("text", "a.toml");
        const std::string entry = io::encode_entry(key, "payload");
        CHECK(io::entry_payload(entry, key) == std::optional<std::string_view>("payload"));
        CHECK_FALSE(io::entry_payload(entry, io::cache_key("text", "b.toml")));
        CHECK_FALSE(io::entry_payload("", key));
    }

    TEST_CASE("a truncated entry, or one with any byte changed, is refused") {
        const io::CacheKey key = io::cache_key("text", "a.toml");
        const std::string entry = io::encode_entry(key, io::encode_parsed(parsed_everything()));
        for (std::size_t n = 0; n < entry.size(); ++n)
            CHECK_FALSE(io::entry_payload(std::string_view(entry).substr(0, n), key));
        for (std::size_t i = 0; i < entry.size(); ++i) {
            std::string changed = entry;
            changed[i] = static_cast<char>(changed[i] ^ 0x20);
            CHECK_FALSE(io::entry_payload(changed, key));
        }
    }

    TEST_CASE("an entry given another key is refused, even with its old checksums recomputed") {
        const io::CacheKey mine = io::cache_key("mine", "a.toml");
        const io::CacheKey theirs = io::cache_key("theirs", "a.toml");
        const std::string entry = io::encode_entry(theirs, io::encode_parsed(parsed_everything()));
        REQUIRE(io::entry_payload(entry, theirs));
        REQUIRE(io::entry_head(entry, theirs));
        // The attack on format 2: another entry's key written into the header (bytes 12-27).
        std::string forged = entry;
        for (int i = 0; i < 8; ++i) {
            forged[12 + i] = static_cast<char>((mine.high >> (8 * i)) & 0xff);
            forged[20 + i] = static_cast<char>((mine.low >> (8 * i)) & 0xff);
        }
        CHECK_FALSE(io::entry_payload(forged, mine));
        CHECK_FALSE(io::entry_head(forged, mine));
        // Each header field changed alone is refused too, by the head alone as by the whole entry.
        for (std::size_t i = 0; i < 60; ++i) {
            std::string changed = entry;
            changed[i] = static_cast<char>(changed[i] ^ 0x01);
            CHECK_FALSE(io::entry_head(changed, theirs));
        }
    }

    TEST_CASE("the key follows every byte and the stem, not the folder") {
        const io::CacheKey key = io::cache_key("value = 1", "a/x.toml");
        CHECK(key == io::cache_key("value = 1", "b/c/x.toml"));
        CHECK_FALSE(key == io::cache_key("value = 2", "a/x.toml")); // same size, one byte
        CHECK_FALSE(key == io::cache_key("value = 1", "a/y.toml"));
        CHECK(key.hex().size() == 32);
    }

    TEST_CASE("where the cache is: OKR_CACHE, then XDG_CACHE_HOME, then HOME") {
        using S = std::optional<std::string>;
        CHECK_FALSE(io::cache_settings(S("off"), S("/x"), S("/h"), {}));
        CHECK(io::cache_settings(S("/c"), S("/x"), S("/h"), {})->dir == "/c");
        CHECK(io::cache_settings({}, S("/x"), S("/h"), {})->dir == "/x/okr");
        CHECK(io::cache_settings({}, S("rel"), S("/h"), {})->dir == "/h/.cache/okr");
        CHECK(io::cache_settings({}, S(""), S("/h"), {})->dir == "/h/.cache/okr");
        CHECK_FALSE(io::cache_settings({}, {}, {}, {}));
    }

    TEST_CASE("no value of the environment puts the cache in a relative folder") {
        using S = std::optional<std::string>;
        for (const char* value :
             {"on", "ON", "true", "", " ", "cache", "./c", "~/c", "OFF", " no "})
            CHECK_FALSE(io::cache_settings(S(value), S("/x"), S("/h"), {}));
        CHECK_FALSE(io::cache_settings({}, {}, S("home"), {}));
        CHECK_FALSE(io::cache_settings({}, {}, S("."), {}));
        CHECK_FALSE(io::cache_settings({}, S("rel"), S(""), {}));
    }

    TEST_CASE("OKR_CACHE takes off, 0, false, no (any case, blanks around) or an absolute folder") {
        for (const char* off : {"off", "OFF", "Off", "0", "false", "False", "FALSE", "no", "No",
                                " off", "off ", "\toff\n", " 0 "}) {
            CHECK(io::okr_cache_off(off));
            CHECK_FALSE(io::okr_cache_problem(off));
        }
        CHECK_FALSE(io::okr_cache_problem("/var/cache/okr"));
        CHECK_FALSE(io::okr_cache_problem("/"));
        for (const char* bad : {"on", "ON", "true", "1", "yes", "", " ", "\t", "cache", "./cache",
                                "../c", "~/c", "offf", "o ff", "off/x", " /abs"}) {
            CAPTURE(bad);
            CHECK_FALSE(io::okr_cache_off(bad));
            const auto problem = io::okr_cache_problem(bad);
            REQUIRE(problem);
            CHECK(problem->find("OKR_CACHE") != std::string::npos);
        }
        CHECK(*io::okr_cache_problem("") == "OKR_CACHE is set but empty");
        CHECK(*io::okr_cache_problem("ON") ==
              "OKR_CACHE=\"ON\" is neither off nor an absolute folder");
    }

    TEST_CASE("OKR_CACHE_SIZE takes bytes or K, M, G; anything else is the default") {
        using S = std::optional<std::string>;
        auto size = [](const char* text) {
            return io::cache_settings({}, {}, S("/h"), S(text))->max_bytes;
        };
        CHECK(size("1000") == 1000);
        CHECK(size("64K") == 64 * 1024);
        CHECK(size("5M") == 5 * 1024 * 1024);
        CHECK(size("2G") == std::uint64_t{2} << 30);
        CHECK(size("0") == io::k_default_cache_bytes);
        CHECK(size("12X") == io::k_default_cache_bytes);
        CHECK(size("-1") == io::k_default_cache_bytes);
        CHECK(size("99999999999999999999G") == io::k_default_cache_bytes);
    }

    TEST_CASE("a stored file is found by its key, and a damaged entry is a miss then replaced") {
        TempDir tmp;
        io::ModelCache cache({tmp.path / "deep" / "okr", io::k_default_cache_bytes});
        const io::ParsedFile parsed = parsed_everything();
        const io::CacheKey key = io::cache_key(text_of(k_everything), "teams/all.toml");
        CHECK_FALSE(cache.load(key, "teams/all.toml"));
        cache.store(key, parsed);
        const auto hit = cache.load(key, "teams/all.toml");
        REQUIRE(hit);
        check_same(parsed, *hit);

        const auto files = entries_below(tmp.path);
        REQUIRE(files.size() == 1);
        CHECK(files[0].parent_path().filename().string() + files[0].filename().string() ==
              key.hex());
        CHECK((fs::status(tmp.path / "deep" / "okr").permissions() & fs::perms::others_all) ==
              fs::perms::none);
        fs::resize_file(files[0], fs::file_size(files[0]) - 1);
        CHECK_FALSE(cache.load(key, "teams/all.toml"));
        cache.store(key, parsed);
        CHECK(cache.load(key, "teams/all.toml"));
        CHECK(entries_below(tmp.path).size() == 1); // no temporary file left
    }

    TEST_CASE("a cache that others can write is off, with one warning; okr's own is private") {
        (void)io::take_cache_warnings();
        TempDir tmp;
        const io::ParsedFile parsed = io::parse_goal_file(text_of(k_everything), "all.toml");
        const io::CacheKey key = io::cache_key(text_of(k_everything), "all.toml");
        {
            const mode_t was = ::umask(0);
            io::ModelCache cache({tmp.path / "a" / "b" / "okr", io::k_default_cache_bytes});
            cache.store(key, parsed);
            ::umask(was);
            for (const fs::path& p :
                 {tmp.path / "a", tmp.path / "a" / "b", tmp.path / "a" / "b" / "okr"})
                CHECK((fs::status(p).permissions() & fs::perms::all) == fs::perms::owner_all);
            const auto files = entries_below(tmp.path / "a");
            REQUIRE(files.size() == 1);
            CHECK((fs::status(files[0].parent_path()).permissions() & fs::perms::all) ==
                  fs::perms::owner_all);
            CHECK((fs::status(files[0]).permissions() & fs::perms::all) ==
                  (fs::perms::owner_read | fs::perms::owner_write));
            CHECK(cache.load(key, "all.toml"));
            CHECK(io::take_cache_warnings().empty());
        }
        const fs::path dir = tmp.path / "a" / "b" / "okr";
        const fs::path entry = entries_below(dir)[0];
        auto refused = [&](const fs::path& opened, const char* what) {
            io::ModelCache cache({dir, io::k_default_cache_bytes});
            CHECK_FALSE(cache.load(key, "all.toml"));
            CHECK_FALSE(cache.believed());
            const auto warnings = io::take_cache_warnings();
            REQUIRE(warnings.size() == 1);
            CHECK(warnings[0].find(opened.string()) != std::string::npos);
            CHECK(warnings[0].find(what) != std::string::npos);
            CHECK(warnings[0].find("OKR_CACHE=off") != std::string::npos);
            CHECK(warnings[0].find('\n') == std::string::npos);
            // Off for the rest of the run: nothing written, no second warning.
            const auto before = fs::last_write_time(entry);
            cache.store(key, parsed);
            CHECK_FALSE(cache.load(key, "all.toml"));
            io::ModelCache again({dir, io::k_default_cache_bytes});
            CHECK_FALSE(again.load(key, "all.toml"));
            again.store(key, parsed);
            CHECK(fs::last_write_time(entry) == before);
            CHECK(io::take_cache_warnings().empty());
        };
        SUBCASE("the folder") {
            fs::permissions(dir, fs::perms::others_write, fs::perm_options::add);
            refused(dir, "can be written by others (mode 0702)");
        }
        SUBCASE("a subfolder") {
            fs::permissions(entry.parent_path(), fs::perms::group_write, fs::perm_options::add);
            refused(entry.parent_path(), "can be written by its group (mode 0720)");
        }
        SUBCASE("an entry") {
            fs::permissions(entry, fs::perms::others_write, fs::perm_options::add);
            refused(entry, "can be written by others (mode 0602)");
        }
        if (::geteuid() == 0) {
            SUBCASE("an entry owned by another user") {
                REQUIRE(::chown(entry.c_str(), 65534, 65534) == 0);
                refused(entry, "belongs to uid 65534, not to you (uid 0)");
            }
            SUBCASE("a folder owned by another user") {
                REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
                refused(dir, "belongs to uid 65534, not to you (uid 0)");
            }
        }
    }

    TEST_CASE("a cache folder that cannot be written is no cache, without an error") {
        TempDir tmp;
        std::ofstream(tmp.path / "file") << "not a folder";
        io::ModelCache cache({tmp.path / "file" / "okr", io::k_default_cache_bytes});
        const io::CacheKey key = io::cache_key("x", "x.toml");
        cache.store(key, io::parse_goal_file("", "x.toml"));
        CHECK_FALSE(cache.load(key, "x.toml"));
        cache.trim();

        if (::geteuid() != 0) { // root writes anywhere
            fs::permissions(tmp.path, fs::perms::owner_read | fs::perms::owner_exec);
            io::ModelCache locked({tmp.path / "okr", io::k_default_cache_bytes});
            locked.store(key, io::parse_goal_file("", "x.toml"));
            CHECK_FALSE(locked.load(key, "x.toml"));
        }
    }

    TEST_CASE("trim keeps each folder within its share of the bound, oldest entries first") {
        TempDir tmp;
        // A bound of 256 * 600 bytes: 600 bytes per folder, so one entry of about 400 bytes.
        io::ModelCache cache({tmp.path, 256 * 600});
        std::vector<io::CacheKey> keys;
        std::string text = "title = \"a\"\nowner = \"";
        for (int i = 0; keys.size() < 3; ++i) {
            const std::string t = fmt::format("{}{:0300}\"\n", text, i);
            const io::CacheKey key = io::cache_key(t, "x.toml");
            if (key.hex().substr(0, 2) != "00") continue; // three entries of one folder
            keys.push_back(key);
            cache.store(key, io::parse_goal_file(t, "x.toml"));
            const fs::path file = tmp.path / "00" / key.hex().substr(2);
            // Distinct modification times, oldest first, whatever the file system's resolution.
            const auto when = fs::file_time_type::clock::now() - std::chrono::hours(10) +
                              std::chrono::minutes(keys.size());
            fs::last_write_time(file, when);
        }
        std::ofstream(tmp.path / "00" / "notes.txt") << "not ours: never removed";
        cache.trim();
        CHECK_FALSE(cache.load(keys[0], "x.toml"));
        CHECK_FALSE(cache.load(keys[1], "x.toml"));
        CHECK(cache.load(keys[2], "x.toml"));
        CHECK(fs::exists(tmp.path / "00" / "notes.txt"));
    }

    TEST_CASE("stamps come back the same; damaged or disordered bytes are refused") {
        io::Stamps stamps;
        io::FileStamp a = stamp_from(std::chrono::hours(1), 120);
        a.mtime_ns = -5; // before 1970: a signed number
        stamps["teams/a.toml"] = {a, io::cache_key("a", "teams/a.toml")};
        stamps["okr.toml"] = {stamp_from(std::chrono::seconds(30), 0), io::cache_key("", "okr")};
        const std::string bytes = io::encode_stamps(stamps);
        const auto back = io::decode_stamps(bytes);
        REQUIRE(back);
        CHECK(*back == stamps);
        CHECK(io::decode_stamps(io::encode_stamps({})) == io::Stamps{});
        for (std::size_t n = 0; n < bytes.size(); ++n)
            CHECK_FALSE(io::decode_stamps(bytes.substr(0, n)));
        CHECK_FALSE(io::decode_stamps(bytes + '\0'));
        // The same path twice is not an encoding of ours.
        std::string twice = io::encode_stamps({{"x", stamps["okr.toml"]}});
        twice[0] = '\2';
        twice += twice.substr(1);
        CHECK_FALSE(io::decode_stamps(twice));
        // A huge count is refused before anything is allocated.
        CHECK_FALSE(io::decode_stamps(std::string("\xff\xff\xff\xff\x0f", 5)));
    }

    TEST_CASE("a stamp is kept once its file has stayed unchanged for the settle time") {
        const std::int64_t now = 1'800'000'000'000'000'000;
        const std::int64_t second = 1'000'000'000;
        io::FileStamp s;
        s.ctime_ns = s.mtime_ns = now - 2 * second;
        CHECK(io::stamp_settled(s, now, second));
        s.ctime_ns = now - second; // exactly the settle time: not yet
        CHECK_FALSE(io::stamp_settled(s, now, second));
        s.ctime_ns = now - 2 * second;
        s.mtime_ns = now + 60 * second; // a modification time set in the future
        CHECK_FALSE(io::stamp_settled(s, now, second));
        s.mtime_ns = now - 2 * second;
        CHECK(io::stamp_settled(s, now, 0));
        s.ctime_ns = now;
        CHECK_FALSE(io::stamp_settled(s, now, 0));
    }

    TEST_CASE("the stamps of a workspace are kept under a key of its folder and root files") {
        CHECK(io::stamps_key("/w", {"okr.toml"}) == io::stamps_key("/w", {"okr.toml"}));
        CHECK_FALSE(io::stamps_key("/w", {"okr.toml"}) == io::stamps_key("/v", {"okr.toml"}));
        CHECK_FALSE(io::stamps_key("/w", {"a", "b"}) == io::stamps_key("/w", {"ab"}));
        CHECK_FALSE(io::stamps_key("/w", {"okr.toml"}) == io::cache_key("", "okr.toml"));

        TempDir tmp;
        io::ModelCache cache({tmp.path, io::k_default_cache_bytes});
        const io::CacheKey key = io::stamps_key("/w", {"okr.toml"});
        CHECK(cache.load_stamps(key).empty());
        io::Stamps stamps;
        stamps["okr.toml"] = {stamp_from(std::chrono::hours(1), 9), io::cache_key("x", "okr")};
        cache.write_file(cache.stamps_path(key), io::encode_entry(key, io::encode_stamps(stamps)));
        CHECK(cache.load_stamps(key) == stamps);
        CHECK(cache.stamps_path(key).filename().string() == key.hex().substr(2) + ".stamps");
        CHECK(cache.load_stamps(io::stamps_key("/w", {"other.toml"})).empty());
        fs::resize_file(cache.stamps_path(key), fs::file_size(cache.stamps_path(key)) - 1);
        CHECK(cache.load_stamps(key).empty());
    }

    TEST_CASE("a file with the stamp it had is taken from the cache unread; any change is read") {
        TempDir tmp;
        const io::CacheSettings settings{tmp.path, io::k_default_cache_bytes};
        const std::string one = "title = \"One\"\n";
        const std::string two = "title = \"Two\"\n"; // the same size
        StampedFiles files = stamped_file(one, std::chrono::hours(1));

        CHECK(title_of(files, settings) == "One");
        CHECK(files.reads == 1);
        CHECK(title_of(files, settings) == "One");
        CHECK(files.reads == 1); // known by its stamp

        SUBCASE("a write changes the ctime, even one that keeps the size and modification time") {
            files.texts["okr.toml"] = two;
            files.stamps["okr.toml"].ctime_ns = now_ns();
            CHECK(title_of(files, settings) == "Two");
            CHECK(files.reads == 2);
            // Changed just now: read again until it has settled.
            CHECK(title_of(files, settings) == "Two");
            CHECK(files.reads == 3);
        }
        SUBCASE("the stamp is all that is looked at: the same stamp is trusted to mean the same "
                "bytes (which is why only file systems that keep ctime give stamps)") {
            files.texts["okr.toml"] = two;
            CHECK(title_of(files, settings) == "One");
            CHECK(files.reads == 1);
        }
        SUBCASE("another inode, or size, is another file") {
            files.texts["okr.toml"] = two;
            files.stamps["okr.toml"].inode += 1;
            CHECK(title_of(files, settings) == "Two");
            CHECK(files.reads == 2);
            CHECK(title_of(files, settings) == "Two");
            CHECK(files.reads == 2); // the new stamp is kept
        }
        SUBCASE("an entry gone from the cache is parsed again, from the file") {
            for (const fs::path& file : entries_below(tmp.path))
                if (file.extension() != ".stamps") fs::remove(file);
            CHECK(title_of(files, settings) == "One");
            CHECK(files.reads == 2);
        }
        SUBCASE("a file source without stamps (a git revision) has every file read") {
            files.stamps.clear();
            CHECK(title_of(files, settings) == "One");
            CHECK(files.reads == 2);
        }
    }

    TEST_CASE("the stamp kept is the one of the file whose bytes were read") {
        // The path named file A when it was stat'ed, and file B (a link moved, a folder renamed)
        // when it was read: B's bytes must not be kept under A's stamp.
        TempDir tmp;
        const io::CacheSettings settings{tmp.path, io::k_default_cache_bytes};
        StampedFiles files = stamped_file("title = \"B\"\n", std::chrono::hours(1));
        io::FileStamp b = files.stamps["okr.toml"];
        b.inode += 1;
        files.swapped["okr.toml"] = b;
        CHECK(title_of(files, settings) == "B");
        CHECK(title_of(files, settings) == "B");
        CHECK(files.reads == 2); // A's stamp is not known: read again
        files.swapped.clear();
        files.stamps["okr.toml"] = b; // the path names B for good
        CHECK(title_of(files, settings) == "B");
        CHECK(files.reads == 2); // B is known by its own stamp
    }

    TEST_CASE("a file changed within the settle time is read every time, its stamp not kept") {
        TempDir tmp;
        const io::CacheSettings settings{tmp.path, io::k_default_cache_bytes};
        StampedFiles files = stamped_file("title = \"One\"\n", std::chrono::milliseconds(100));
        CHECK(title_of(files, settings) == "One");
        CHECK(title_of(files, settings) == "One");
        CHECK(files.reads == 2);
        for (const fs::path& file : entries_below(tmp.path))
            CHECK(file.extension() != ".stamps");
        // Two writes within one tick of the file system's clock keep the ctime: the second,
        // made after a run read the first, must still be seen.
        files.texts["okr.toml"] = "title = \"Two\"\n";
        CHECK(title_of(files, settings) == "Two");
    }
}
