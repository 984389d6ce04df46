// Fuzz target: cache. Any bytes as a model-cache entry (SPEC §14), read from the disk the way okr
// reads one, and as the payload inside an intact entry; the same for a workspace's stamps file:
// the reader must refuse what is not an entry it wrote, without a crash, a hang, UB or a huge
// allocation; what it accepts must encode back to a payload that decodes to the same.
//
// The first byte chooses: even, the rest is a whole entry file; odd, the rest is a payload,
// wrapped in a valid header (so that the decoder is reached past the checksum).
#include "okr/io/cache.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

// One private folder per fuzzing process, removed at exit. Its subfolders and files are private
// too (umask 077), or okr would not believe the cache and read nothing from it.
const std::filesystem::path& folder() {
    static const std::filesystem::path path = [] {
        ::umask(077);
        std::string pattern = (std::filesystem::temp_directory_path() / "okr-fuzz-cache-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(folder(), ec);
        });
        return std::filesystem::path(pattern);
    }();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    const okr::io::CacheKey key = okr::io::cache_key("title = \"fuzz\"\n", "fuzz/okr.toml");

    // The payload decoder alone, and its round trip.
    const auto light = okr::io::decode_parsed(bytes, "fuzz/okr.toml", okr::io::Checkins::skip);
    const auto bare =
        okr::io::decode_parsed(bytes, "fuzz/okr.toml", okr::io::Checkins::without_notes);
    auto parsed = okr::io::decode_parsed(bytes, "fuzz/okr.toml");
    if (bare.has_value() != parsed.has_value()) std::abort(); // notes or not: the same bytes
    if (parsed) {
        const std::string again = okr::io::encode_parsed(*parsed);
        auto back = okr::io::decode_parsed(again, "fuzz/okr.toml");
        if (!back || okr::io::encode_parsed(*back) != again || !(back->file == parsed->file))
            std::abort();
        // Without notes: the same model with every note empty.
        okr::GoalFile noteless = parsed->file;
        auto clear = [](std::vector<okr::Checkin>& checkins) {
            for (auto& c : checkins)
                c.note = {};
        };
        for (auto& o : noteless.objectives)
            for (auto& kr : o.krs)
                clear(kr.checkins);
        for (auto& k : noteless.kpis)
            clear(k.checkins);
        if (!(bare->file == noteless)) std::abort();
        // Without check-ins: the same model with none.
        for (auto& o : parsed->file.objectives)
            for (auto& kr : o.krs)
                kr.checkins.clear();
        for (auto& k : parsed->file.kpis)
            k.checkins.clear();
        if (!light || !(light->file == parsed->file)) std::abort();
    }
    // The stamps decoder alone, and its round trip.
    if (auto stamps = okr::io::decode_stamps(bytes)) {
        auto back = okr::io::decode_stamps(okr::io::encode_stamps(*stamps));
        if (!back || !(*back == *stamps)) std::abort();
    }
    (void)okr::io::entry_payload(bytes, key);
    (void)okr::io::entry_head(bytes, key);
    (void)okr::io::entry_head_size(bytes, key);

    // Through the disk, as `okr` reads an entry.
    okr::io::ModelCache cache({folder(), okr::io::k_default_cache_bytes});
    const std::string hex = key.hex();
    std::filesystem::create_directories(folder() / hex.substr(0, 2));
    {
        std::ofstream out(folder() / hex.substr(0, 2) / hex.substr(2), std::ios::binary);
        if (data[0] % 2 == 0)
            out << bytes;
        else
            out << okr::io::encode_entry(key, bytes);
    }
    const okr::io::CacheKey stamps_at = okr::io::stamps_key("/fuzz", {"okr.toml"});
    {
        std::ofstream out(cache.stamps_path(stamps_at), std::ios::binary);
        if (data[0] % 2 == 0)
            out << bytes;
        else
            out << okr::io::encode_entry(stamps_at, bytes);
    }
    const okr::io::Stamps stamps = cache.load_stamps(stamps_at);
    if (!stamps.empty() && !okr::io::decode_stamps(bytes) && data[0] % 2 == 1) std::abort();
    const auto loaded = cache.load(key, "fuzz/okr.toml");
    (void)cache.load(key, "fuzz/okr.toml", okr::io::Checkins::skip);
    if (loaded && data[0] % 2 == 1 && !okr::io::decode_parsed(bytes, "fuzz/okr.toml")) std::abort();
    return 0;
}
