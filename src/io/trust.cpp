#include "okr/io/trust.hpp"

#include "okr/io/workspace.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>

namespace okr::io {
namespace {

constexpr std::string_view k_header = "# okr trust store v1: SHA-256 of approved KPI sources, ROOT";

constexpr std::array<std::uint32_t, 64> k_round = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t rotr(std::uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

void sha256_block(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i)
        w[static_cast<std::size_t>(i)] =
            (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
            (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
    for (std::size_t i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (std::size_t i = 0; i < 64; ++i) {
        const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = k + s1 + ch + k_round[i] + w[i];
        const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = s0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

bool is_hash(std::string_view s) {
    if (s.size() != 64) return false;
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

std::string sha256_hex(std::string_view data) {
    std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::string padded(data);
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    padded += static_cast<char>(0x80);
    while (padded.size() % 64 != 56)
        padded += '\0';
    for (int i = 7; i >= 0; --i)
        padded += static_cast<char>((bits >> (8 * i)) & 0xFF);
    for (std::size_t at = 0; at < padded.size(); at += 64)
        sha256_block(h, reinterpret_cast<const unsigned char*>(padded.data() + at));
    std::string out;
    for (const std::uint32_t v : h)
        out += fmt::format("{:08x}", v);
    return out;
}

std::string source_hash(std::string_view file, std::string_view command) {
    std::string data(file);
    data += '\0';
    data += command;
    return sha256_hex(data);
}

bool TrustStore::trusts(const std::string& root, const std::string& hash) const {
    const auto it = roots.find(root);
    return it != roots.end() && it->second.count(hash) > 0;
}

std::string trust_store_path(const std::optional<std::string>& xdg_data_home,
                             const std::optional<std::string>& home) {
    if (xdg_data_home && !xdg_data_home->empty() && xdg_data_home->front() == '/')
        return *xdg_data_home + "/okr/trust";
    if (home && !home->empty() && home->front() == '/') return *home + "/.local/share/okr/trust";
    return {};
}

std::string trust_store_text(const TrustStore& store) {
    std::string out(k_header);
    out += '\n';
    for (const auto& [root, hashes] : store.roots)
        for (const std::string& hash : hashes)
            if (root.find('\n') == std::string::npos) out += fmt::format("{} {}\n", hash, root);
    return out;
}

TrustStore parse_trust_store(std::string_view text) {
    TrustStore store;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.size() < 66 || line[64] != ' ' || !is_hash(line.substr(0, 64))) continue;
        const std::string_view root = line.substr(65);
        if (root.empty() || root.front() != '/') continue;
        store.roots[std::string(root)].insert(std::string(line.substr(0, 64)));
    }
    return store;
}

TrustStore read_trust_store(const std::string& path) {
    if (path.empty()) return {};
    const Result<std::string> text = read_file(path);
    return text ? parse_trust_store(*text) : TrustStore{};
}

Result<void> update_trust_store(const std::string& path, const std::string& root,
                                const std::set<std::string>& hashes,
                                std::chrono::milliseconds lock_timeout) {
    if (path.empty())
        return make_failure(Failure::Kind::not_found,
                            "cannot find the trust store: neither XDG_DATA_HOME nor HOME is set",
                            "set XDG_DATA_HOME (or HOME) to an absolute path");
    // Create the folders one by one, private to the user (mkdir -p, mode 0700).
    for (std::size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
        const std::string folder = path.substr(0, at);
        if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
            const int err = errno;
            Failure failure = make_failure(
                Failure::Kind::io, fmt::format("cannot create {}: {}", folder, std::strerror(err)));
            failure.error_number = err;
            return failure;
        }
    }
    auto updated = [&](std::string_view old_text) {
        TrustStore store = parse_trust_store(old_text);
        if (hashes.empty())
            store.roots.erase(root);
        else
            store.roots[root] = hashes;
        return trust_store_text(store);
    };
    // An existing store is resolved once, read and replaced under its lock like a goal file
    // (SPEC §8); a new one is created under the lock of the same resolved name, never over a
    // file created meanwhile.
    for (int attempt = 0;; ++attempt) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 || attempt > 0) {
            auto opened = LockedFile::open(path, lock_timeout);
            if (!opened) return std::move(opened).failure();
            return opened->replace(updated(opened->text()));
        }
        auto taken = FileLock::acquire(path, lock_timeout);
        if (!taken) return std::move(taken).failure();
        auto created = create_file(path, updated({}));
        if (created || created.failure().kind != Failure::Kind::exists) return created;
        // Created by someone else since the check: update that one.
    }
}

} // namespace okr::io
