#include "okr/io/trust.hpp"

#include "okr/io/workspace.hpp"

#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace okr::io {
namespace {

constexpr std::string_view k_header =
    "# okr trust store v2: approved KPI sources and the files they name; see okr-trust(1)";

// How deep command_words looks into words that hold commands again (`sh -c "sh -c '...'"`).
constexpr int k_max_word_depth = 4;

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
    const std::size_t whole = data.size() - data.size() % 64;
    for (std::size_t at = 0; at < whole; at += 64)
        sha256_block(h, reinterpret_cast<const unsigned char*>(data.data() + at));
    std::string tail(data.substr(whole));
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    tail += static_cast<char>(0x80);
    while (tail.size() % 64 != 56)
        tail += '\0';
    for (int i = 7; i >= 0; --i)
        tail += static_cast<char>((bits >> (8 * i)) & 0xFF);
    for (std::size_t at = 0; at < tail.size(); at += 64)
        sha256_block(h, reinterpret_cast<const unsigned char*>(tail.data() + at));
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

std::vector<std::string> command_words(std::string_view command) {
    std::vector<std::string> words;
    auto split = [&words](std::string_view text, int depth, auto& self) -> void {
        std::vector<std::string> found;
        std::string word;
        bool in_word = false;
        bool written = false; // the next word is the target of `>`: written, not run or read
        auto end_word = [&] {
            if (in_word && !written) found.push_back(word);
            if (in_word) written = false;
            word.clear();
            in_word = false;
        };
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                end_word();
            } else if (std::string_view(";&|()<>`").find(c) != std::string_view::npos) {
                end_word();
                if (c == '>')
                    written = true;
                else if (c != '&' && !(c == '|' && i > 0 && text[i - 1] == '>'))
                    written = false;
            } else if (c == '#' && !in_word) {
                while (i + 1 < text.size() && text[i + 1] != '\n')
                    ++i;
            } else if (c == '\\') {
                if (i + 1 < text.size() && text[i + 1] != '\n') word += text[i + 1];
                ++i;
                in_word = in_word || i < text.size();
            } else if (c == '\'') {
                const std::size_t close = text.find('\'', i + 1);
                const std::size_t stop = close == std::string_view::npos ? text.size() : close;
                word += text.substr(i + 1, stop - i - 1);
                i = stop;
                in_word = true;
            } else if (c == '"') {
                for (++i; i < text.size() && text[i] != '"'; ++i) {
                    if (text[i] == '\\' && i + 1 < text.size() &&
                        std::string_view("$`\"\\\n").find(text[i + 1]) != std::string_view::npos) {
                        if (text[i + 1] != '\n') word += text[i + 1];
                        ++i;
                    } else {
                        word += text[i];
                    }
                }
                in_word = true;
            } else {
                word += c;
                in_word = true;
            }
        }
        end_word();
        for (const std::string& w : found) {
            words.push_back(w);
            if (depth < k_max_word_depth &&
                w.find_first_of(" \t\n;&|()<>`'\"\\") != std::string::npos)
                self(w, depth + 1, self);
            else if (const std::size_t eq = w.find('=');
                     eq != std::string::npos && eq + 1 < w.size())
                words.push_back(w.substr(eq + 1));
        }
    };
    split(command, 0, split);
    return words;
}

namespace {

// Whether `path` is `root` or below it (both absolute and normal).
bool is_inside(const std::filesystem::path& path, const std::filesystem::path& root) {
    auto p = path.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++p)
        if (r->empty() && std::next(r) == root.end())
            return true; // root ends with a slash
        else if (p == path.end() || *p != *r)
            return false;
    return true;
}

// The SHA-256 of a regular file's bytes, read without blocking (a FIFO swapped in meanwhile is
// not waited on); of the reason when it cannot be read, so that nothing else matches it.
std::string file_digest(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = fd < 0 ? errno : EINVAL;
        if (fd >= 0) ::close(fd);
        return sha256_hex(fmt::format("okr: unreadable: {}", std::strerror(err)));
    }
    std::string bytes;
    char buffer[65536];
    for (;;) {
        const ssize_t r = ::read(fd, buffer, sizeof buffer);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        bytes.append(buffer, static_cast<std::size_t>(r));
    }
    ::close(fd);
    return sha256_hex(bytes);
}

} // namespace

CoveredFiles covered_files(std::string_view command, const std::string& folder,
                           const std::string& root) {
    namespace fs = std::filesystem;
    CoveredFiles files;
    const fs::path root_path = fs::path(root).lexically_normal();
    for (const std::string& word : command_words(command)) {
        if (word.empty() || word.find('\0') != std::string::npos) continue;
        const fs::path named =
            (word.front() == '/' ? fs::path(word) : fs::path(folder) / word).lexically_normal();
        struct stat st {};
        if (::stat(named.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        char resolved[PATH_MAX];
        if (!::realpath(named.c_str(), resolved)) continue;
        const fs::path real(resolved);
        if (is_inside(real, root_path)) {
            files[real.lexically_relative(root_path).string()] = file_digest(real.string());
        } else if (is_inside(named, root_path)) {
            // A link in the workspace that leads out of it: where it leads is covered.
            files[named.lexically_relative(root_path).string()] =
                sha256_hex("okr: outside the workspace: " + real.string());
        }
    }
    return files;
}

TrustCheck TrustStore::check(const std::string& root, const std::string& hash,
                             const CoveredFiles& files) const {
    TrustCheck result;
    const auto r = roots.find(root);
    const auto s = r == roots.end() ? nullptr : [&]() -> const CoveredFiles* {
        const auto it = r->second.find(hash);
        return it == r->second.end() ? nullptr : &it->second;
    }();
    if (!s) {
        const auto old = old_roots.find(root);
        if (old != old_roots.end() && old->second.count(hash) > 0)
            result.verdict = TrustCheck::Verdict::old_approval;
        return result;
    }
    if (*s == files) {
        result.verdict = TrustCheck::Verdict::trusted;
        return result;
    }
    result.verdict = TrustCheck::Verdict::files_differ;
    for (const auto& [path, digest] : files) {
        const auto was = s->find(path);
        if (was == s->end())
            result.files.emplace_back(path, "new");
        else if (was->second != digest)
            result.files.emplace_back(path, "changed");
    }
    for (const auto& [path, digest] : *s)
        if (files.count(path) == 0) result.files.emplace_back(path, "gone");
    return result;
}

std::string trust_store_path(const std::optional<std::string>& xdg_data_home,
                             const std::optional<std::string>& home) {
    if (xdg_data_home && !xdg_data_home->empty() && xdg_data_home->front() == '/')
        return *xdg_data_home + "/okr/trust";
    if (home && !home->empty() && home->front() == '/') return *home + "/.local/share/okr/trust";
    return {};
}

namespace {

// A path as one word of a store line: `%`, spaces, control characters and DEL as %XX.
std::string encoded(std::string_view path) {
    std::string out;
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '%')
            out += fmt::format("%{:02X}", u);
        else
            out += c;
    }
    return out;
}

std::optional<std::string> decoded(std::string_view word) {
    std::string out;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] != '%') {
            out += word[i];
            continue;
        }
        unsigned value = 0;
        for (std::size_t k = 1; k <= 2; ++k) {
            const char h = i + k < word.size() ? word[i + k] : 'x';
            const int digit = h >= '0' && h <= '9'   ? h - '0'
                              : h >= 'A' && h <= 'F' ? h - 'A' + 10
                              : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                                     : -1;
            if (digit < 0) return std::nullopt;
            value = value * 16 + static_cast<unsigned>(digit);
        }
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    while (!line.empty()) {
        const std::size_t sp = line.find(' ');
        out.push_back(line.substr(0, sp));
        line.remove_prefix(sp == std::string_view::npos ? line.size() : sp + 1);
    }
    return out;
}

} // namespace

std::string trust_store_text(const TrustStore& store) {
    std::string out(k_header);
    out += '\n';
    for (const auto& [root, sources] : store.roots)
        for (const auto& [hash, files] : sources) {
            out += fmt::format("source {} {}\n", hash, encoded(root));
            for (const auto& [path, digest] : files)
                out +=
                    fmt::format("file {} {} {} {}\n", hash, digest, encoded(path), encoded(root));
        }
    for (const auto& [root, hashes] : store.old_roots)
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
        // The old form: `HASH ROOT`, the root as it is (it may hold spaces).
        if (line.size() >= 66 && line[64] == ' ' && is_hash(line.substr(0, 64))) {
            const std::string_view root = line.substr(65);
            if (root.front() == '/')
                store.old_roots[std::string(root)].insert(std::string(line.substr(0, 64)));
            continue;
        }
        const std::vector<std::string_view> f = fields(line);
        if (f.size() == 3 && f[0] == "source" && is_hash(f[1])) {
            const std::optional<std::string> root = decoded(f[2]);
            if (root && !root->empty() && root->front() == '/')
                store.roots[*root][std::string(f[1])];
        } else if (f.size() == 5 && f[0] == "file" && is_hash(f[1]) && is_hash(f[2])) {
            const std::optional<std::string> path = decoded(f[3]), root = decoded(f[4]);
            if (path && root && !path->empty() && path->front() != '/' && !root->empty() &&
                root->front() == '/')
                store.roots[*root][std::string(f[1])][*path] = std::string(f[2]);
        }
    }
    return store;
}

TrustStore read_trust_store(const std::string& path) {
    if (path.empty()) return {};
    const Result<std::string> text = read_file(path);
    return text ? parse_trust_store(*text) : TrustStore{};
}

Result<void> check_trust_store_owner(const std::string& path, unsigned uid) {
    namespace fs = std::filesystem;
    const fs::path file(path);
    const fs::path folder = file.parent_path();
    const fs::path data = folder.parent_path();
    auto user_name = [](unsigned id) {
        const passwd* pw = ::getpwuid(static_cast<uid_t>(id));
        return pw && pw->pw_name ? std::string(pw->pw_name) : std::to_string(id);
    };
    std::vector<std::string> problems;
    std::set<std::string> chown, chmod;
    for (const fs::path& p : {data, folder, file}) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) continue; // not there yet: `okr trust` creates it 0700
        const std::string what = p == file ? "the trust store" : "the trust store's folder";
        if (st.st_uid != uid) {
            problems.push_back(fmt::format("{} {} belongs to {}, not to you ({})", what, p.string(),
                                           user_name(st.st_uid), user_name(uid)));
            chown.insert(p.string());
        }
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
            problems.push_back(fmt::format("{} {} is writable by {} (mode {:04o})", what,
                                           p.string(),
                                           (st.st_mode & S_IWOTH) == 0   ? "its group"
                                           : (st.st_mode & S_IWGRP) == 0 ? "others"
                                                                         : "its group and others",
                                           st.st_mode & 07777));
            chmod.insert(p.string());
        }
    }
    if (problems.empty()) return {};
    std::string message = problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i)
        message += "; " + problems[i];
    message += ": someone else could have written it, so it is not believed";
    auto joined = [](const std::set<std::string>& paths) {
        std::string out;
        for (const std::string& p : paths)
            out += " '" + p + "'";
        return out;
    };
    std::string hint;
    if (!chown.empty())
        hint = fmt::format("check what it holds, then as root: chown {}{}", user_name(uid),
                           joined(chown));
    if (!chmod.empty())
        hint += fmt::format("{}chmod go-w{}", hint.empty() ? "check what it holds, then: " : "; ",
                            joined(chmod));
    hint += "; or set XDG_DATA_HOME to a folder of your own";
    return make_failure(Failure::Kind::read_only, message, hint);
}

Result<void> update_trust_store(const std::string& path, const std::string& root,
                                const std::map<std::string, CoveredFiles>& sources,
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
        store.old_roots.erase(root);
        if (sources.empty())
            store.roots.erase(root);
        else
            store.roots[root] = sources;
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
