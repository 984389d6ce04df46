#include "okr/io/cache.hpp"

#include "okr/util/parallel.hpp"
#include "okr/util/process.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <vector>
#include <xxhash.h>

#ifndef OKR_VERSION
#error "OKR_VERSION is defined by src/CMakeLists.txt"
#endif
#ifndef OKR_MODEL_DIGEST
#error "OKR_MODEL_DIGEST is defined by src/CMakeLists.txt"
#endif

namespace fs = std::filesystem;

namespace okr::io {

namespace {

constexpr char k_magic[8] = {'o', 'k', 'r', 'c', 'a', 'c', 'h', 'e'};
// magic, format, key (16), payload size (8), payload checksum (8), head size (8), head checksum (8)
constexpr std::size_t k_header_size = sizeof k_magic + 4 + 16 + 8 + 8 + 8 + 8;
// The header before the head checksum, all of which the head checksum covers.
constexpr std::size_t k_signed_header_size = k_header_size - 8;
// An entry larger than this is not read (a goal file is at most tens of MB).
constexpr std::uint64_t k_max_entry_bytes = std::uint64_t{1} << 30;
constexpr int k_dirs = 256;

// ---- writing

class Writer {
  public:
    void reserve(std::size_t bytes) { m_out.reserve(bytes); }
    std::size_t size() const { return m_out.size(); }
    void u64(std::uint64_t v) {
        while (v >= 0x80) {
            m_out.push_back(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        m_out.push_back(static_cast<char>(v));
    }
    void i64(std::int64_t v) {
        u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void flag(bool b) { m_out.push_back(b ? '\1' : '\0'); }
    void f64(double v) {
        const auto bits = std::bit_cast<std::uint64_t>(v);
        for (int i = 0; i < 8; ++i)
            m_out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    }
    void str(std::string_view s) {
        u64(s.size());
        m_out.append(s);
    }
    void pos(SourcePos p) {
        u64(p.line);
        u64(p.column);
    }
    void date(Date d) { i64(d.days()); }
    std::string take() { return std::move(m_out); }

  private:
    std::string m_out;
};

// ---- reading: every read checks what is left; the first failure makes the whole decode fail

class Reader {
  public:
    explicit Reader(std::string_view in) : m_p(in.data()), m_end(in.data() + in.size()) {}

    bool ok() const { return m_ok; }
    bool at_end() const { return m_p == m_end; }

    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p == m_end) return fail();
            const auto b = static_cast<unsigned char>(*m_p++);
            if (shift == 63 && b > 1) return fail();
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80)) return v;
        }
        return fail();
    }
    std::int64_t i64() {
        const std::uint64_t z = u64();
        return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    std::uint32_t u32() {
        const std::uint64_t v = u64();
        if (v > UINT32_MAX) return static_cast<std::uint32_t>(fail());
        return static_cast<std::uint32_t>(v);
    }
    bool flag() {
        if (m_p == m_end) return fail() != 0;
        const char c = *m_p++;
        if (c != '\0' && c != '\1') return fail() != 0;
        return c == '\1';
    }
    double f64() {
        if (m_end - m_p < 8) {
            fail();
            return 0;
        }
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= std::uint64_t{static_cast<unsigned char>(m_p[i])} << (8 * i);
        m_p += 8;
        return std::bit_cast<double>(bits);
    }
    std::string str() {
        const std::uint64_t n = u64();
        if (n > static_cast<std::uint64_t>(m_end - m_p)) {
            fail();
            return {};
        }
        std::string s(m_p, static_cast<std::size_t>(n));
        m_p += n;
        return s;
    }
    SourcePos pos() {
        SourcePos p;
        p.line = u32();
        p.column = u32();
        return p;
    }
    Date date() {
        const std::int64_t d = i64();
        if (d < INT32_MIN || d > INT32_MAX) {
            fail();
            return {};
        }
        return Date::from_days(static_cast<std::int32_t>(d));
    }
    template <typename Enum> Enum enumeration(std::uint64_t count) {
        const std::uint64_t v = u64();
        if (v >= count) fail();
        return m_ok ? static_cast<Enum>(v) : Enum{};
    }
    // A count of items that take at least `min_bytes` each: never more than the bytes left allow,
    // so a corrupt count cannot make us allocate.
    std::size_t count(std::size_t min_bytes) {
        const std::uint64_t n = u64();
        if (n > static_cast<std::uint64_t>(m_end - m_p) / min_bytes) return fail();
        return static_cast<std::size_t>(n);
    }
    const char* position() const { return m_p; }
    // The next `n` bytes, for a reader of their own.
    std::string_view bytes(std::uint64_t n) {
        if (n > static_cast<std::uint64_t>(m_end - m_p)) {
            fail();
            return {};
        }
        const std::string_view out(m_p, static_cast<std::size_t>(n));
        m_p += n;
        return out;
    }

  private:
    std::uint64_t fail() {
        m_ok = false;
        m_p = m_end; // every later read fails too, without reading
        return 0;
    }

    const char* m_p;
    const char* m_end;
    bool m_ok = true;
};

void put_le(std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_le(const char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    return v;
}

// Reads from `fd` into `buffer`, from byte `from` of it on, until it is full; false on a short
// read (the file ended, or an error).
bool fill(int fd, std::string& buffer, std::size_t from) {
    std::size_t got = from;
    while (got < buffer.size()) {
        const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    return got == buffer.size();
}

bool is_hex_name(std::string_view name, std::size_t size) {
    return name.size() == size && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
    std::string_view rest(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
    int shift = 0;
    if (rest == "K" || rest == "k" || rest == "KiB")
        shift = 10;
    else if (rest == "M" || rest == "MiB")
        shift = 20;
    else if (rest == "G" || rest == "GiB")
        shift = 30;
    else if (!rest.empty())
        return std::nullopt;
    if (n == 0 || n > (UINT64_MAX >> shift)) return std::nullopt;
    return n << shift;
}

} // namespace

std::string CacheKey::hex() const {
    return fmt::format("{:016x}{:016x}", high, low);
}

CacheKey cache_key(std::string_view text, const std::string& path) {
    // Everything but the bytes goes into the seed: the stem names the default namespace.
    // The user too: a cache shared by two users (one folder for both) never hands one of them the
    // other's entry.
    const std::string context =
        fmt::format("okr {}\n{}\n{}\nuid {}\n{}\n", OKR_VERSION, OKR_MODEL_DIGEST, k_cache_format,
                    ::geteuid(), fs::path(path).stem().string());
    const XXH64_hash_t seed = XXH3_64bits(context.data(), context.size());
    const XXH128_hash_t h = XXH3_128bits_withSeed(text.data(), text.size(), seed);
    return {h.high64, h.low64};
}

bool stamp_settled(const FileStamp& stamp, std::int64_t now_ns, std::int64_t settle_ns) {
    const std::int64_t before = now_ns - settle_ns;
    return stamp.ctime_ns < before && stamp.mtime_ns < before;
}

CacheKey stamps_key(const std::string& cwd, const std::vector<std::string>& roots) {
    std::string text = fmt::format("okr stamps {}\n{}\n{}\nuid {}\n", OKR_VERSION, OKR_MODEL_DIGEST,
                                   k_cache_format, ::geteuid());
    text += cwd;
    for (const std::string& root : roots) {
        text += '\0'; // no path holds a NUL
        text += root;
    }
    const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
    return {h.high64, h.low64};
}

std::string encode_stamps(const Stamps& stamps) {
    Writer w;
    w.u64(stamps.size());
    for (const auto& [path, record] : stamps) {
        const FileStamp& s = record.stamp;
        w.str(path);
        for (const std::uint64_t v : {s.device, s.inode, s.mode, s.owner, s.group, s.size})
            w.u64(v);
        w.i64(s.mtime_ns);
        w.i64(s.ctime_ns);
        w.u64(record.key.high);
        w.u64(record.key.low);
    }
    return w.take();
}

std::optional<Stamps> decode_stamps(std::string_view bytes) {
    Reader r(bytes);
    Stamps out;
    // Each record takes at least 11 bytes: an empty path and ten one-byte numbers.
    for (std::size_t n = r.count(11); n > 0 && r.ok(); --n) {
        std::string path = r.str();
        StampRecord record;
        FileStamp& s = record.stamp;
        for (std::uint64_t* v : {&s.device, &s.inode, &s.mode, &s.owner, &s.group, &s.size})
            *v = r.u64();
        s.mtime_ns = r.i64();
        s.ctime_ns = r.i64();
        record.key.high = r.u64();
        record.key.low = r.u64();
        // In order and once each, as encode_stamps writes them: anything else is not ours.
        if (!out.empty() && !(out.rbegin()->first < path)) return std::nullopt;
        out.emplace_hint(out.end(), std::move(path), record);
    }
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return out;
}

namespace {

// ---- the fields of the model: one list per struct, which both directions of the codec read

// Each list names every field of its struct in a structured binding, which stops compiling when
// the struct gains or loses a field: a field added to the model is encoded once it is named here.
// It returns the encoded fields, in the order they are written; one left out says why.
template <class T, class Struct>
concept either = std::same_as<std::remove_const_t<T>, Struct>;

template <either<Cycle> T> auto fields(T& c) {
    auto& [name, start, end] = c;
    return std::tie(name, start, end);
}
template <either<RefText> T> auto fields(T& r) {
    auto& [text, pos] = r;
    return std::tie(text, pos);
}
template <either<Checkin> T> auto fields(T& c) {
    auto& [date, pos, value, confidence, note, recorded] = c;
    return std::tie(date, pos, value, confidence, note, recorded);
}
template <either<KeyResult> T> auto fields(T& k) {
    auto& [id, title, unit, owner, notes, type, start, target, current, score, weight, dropped,
           dropped_on, kpi, checkins, pos, current_pos] = k;
    return std::tie(id, title, unit, owner, notes, type, start, target, current, score, weight,
                    dropped, dropped_on, kpi, checkins, pos, current_pos);
}
template <either<Objective> T> auto fields(T& o) {
    auto& [id, title, owner, cycle, cycle_pos, notes, type, weight, dropped, dropped_on, parent,
           closed, closed_pos, carried_from, kpis, tags, krs, pos] = o;
    return std::tie(id, title, owner, cycle, cycle_pos, notes, type, weight, dropped, dropped_on,
                    parent, closed, closed_pos, carried_from, kpis, tags, krs, pos);
}
template <either<Kpi> T> auto fields(T& k) {
    auto& [id, title, unit, owner, notes, min, max, warn, frequency, source, source_pos, dropped,
           dropped_on, tags, checkins, pos] = k;
    return std::tie(id, title, unit, owner, notes, min, max, warn, frequency, source, source_pos,
                    dropped, dropped_on, tags, checkins, pos);
}
template <either<UnknownKey> T> auto fields(T& u) {
    auto& [key, header, suggestion, pos] = u;
    return std::tie(key, header, suggestion, pos);
}
template <either<GoalFile> T> auto fields(T& f) {
    auto& [path, title, owner, name_space, namespace_declared, cycle, cycle_pos, cycles, includes,
           objectives, kpis, unknown_keys] = f;
    (void)path; // not kept: decoding puts back the path it is given, so a copy elsewhere hits
    return std::tie(title, owner, name_space, namespace_declared, cycle, cycle_pos, cycles,
                    includes, objectives, kpis, unknown_keys);
}
template <either<Diagnostic> T> auto fields(T& d) {
    auto& [path, pos, level, message, hint, rule] = d;
    (void)path; // as the file's
    return std::tie(pos, level, message, hint, rule);
}
template <either<ParsedFile> T> auto fields(T& p) {
    auto& [file, diagnostics] = p;
    return std::tie(file, diagnostics);
}

template <class T>
concept has_fields = requires(T& t) {
    fields(t);
};

// How many values each enum has: a decoded value beyond them is not ours.
constexpr std::uint64_t count_of(KrType) {
    return static_cast<std::uint64_t>(KrType::milestone) + 1;
}
constexpr std::uint64_t count_of(ObjectiveType) {
    return static_cast<std::uint64_t>(ObjectiveType::committed) + 1;
}
constexpr std::uint64_t count_of(Frequency) {
    return static_cast<std::uint64_t>(Frequency::yearly) + 1;
}
constexpr std::uint64_t count_of(Level) {
    return static_cast<std::uint64_t>(Level::warning) + 1;
}

// The fewest bytes a value of T takes in the head (check-ins go to the tail), so that a corrupt
// count is refused before anything is allocated for it.
template <class T> constexpr std::size_t min_bytes() {
    if constexpr (std::is_same_v<T, std::vector<Checkin>>)
        return 0;
    else if constexpr (std::is_same_v<T, double>)
        return 8;
    else if constexpr (std::is_base_of_v<SourcePos, T>)
        return 2;
    else if constexpr (has_fields<T>) {
        using Fields = decltype(fields(std::declval<T&>()));
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (std::size_t{0} + ... +
                    min_bytes<std::remove_cvref_t<std::tuple_element_t<I, Fields>>>());
        }
        (std::make_index_sequence<std::tuple_size_v<Fields>>{});
    } else
        return 1; // a string, list, optional, flag, enum or date: its size, flag or value
}

// Writes a ParsedFile: the head gets everything but the check-ins, which the tail gets.
class Encoder {
  public:
    Writer head;
    Writer tail;

    void put(const std::string& s) { m_out->str(s); }
    void put(const Note& n) { m_out->str(n.view()); } // as a string
    void put(double v) { m_out->f64(v); }
    void put(bool b) { m_out->flag(b); }
    void put(Date d) { m_out->date(d); }
    void put(SourcePos p) { m_out->pos(p); }
    template <class E>
    requires std::is_enum_v<E>
    void put(E e) { m_out->u64(static_cast<std::uint64_t>(e)); }
    template <class T> void put(const std::optional<T>& v) {
        m_out->flag(v.has_value());
        if (v) put(*v);
    }
    template <class T> void put(const std::vector<T>& v) {
        m_out->u64(v.size());
        for (const T& item : v)
            put(item);
    }
    void put(const std::vector<Checkin>& v) {
        m_out = &tail;
        put<Checkin>(v);
        m_out = &head;
    }
    template <has_fields T> void put(const T& item) {
        std::apply([&](const auto&... field) { (put(field), ...); }, fields(item));
    }

  private:
    Writer* m_out = &head;
};

// Reads what Encoder wrote: the head from `head`, the check-ins from `tail` (unless skipped).
class Decoder {
  public:
    Decoder(Reader& head, Reader& tail, Checkins checkins)
        : m_head(head), m_tail(tail), m_checkins(checkins) {}

    void get(std::string& s) {
        if (m_skip_strings)
            m_in->bytes(m_in->u64());
        else
            s = m_in->str();
    }
    void get(Note& n) {
        const std::string_view text = m_in->bytes(m_in->u64());
        if (!m_skip_strings) n = Note(text);
    }
    void get(double& v) { v = m_in->f64(); }
    void get(bool& b) { b = m_in->flag(); }
    void get(Date& d) { d = m_in->date(); }
    void get(SourcePos& p) { p = m_in->pos(); }
    template <class E>
    requires std::is_enum_v<E>
    void get(E& e) { e = m_in->enumeration<E>(count_of(E{})); }
    template <class T> void get(std::optional<T>& v) {
        v.reset();
        if (!m_in->flag()) return;
        get(v.emplace());
    }
    template <class T> void get(std::vector<T>& v) {
        v.resize(m_in->count(std::max<std::size_t>(min_bytes<T>(), 1)));
        for (T& item : v)
            get(item);
    }
    void get(std::vector<Checkin>& v) {
        if (m_checkins == Checkins::skip) return; // the tail may be absent: it is not read
        m_in = &m_tail;
        // Without notes, a check-in's one string, its note, is stepped over.
        m_skip_strings = m_checkins == Checkins::without_notes;
        get<Checkin>(v);
        m_skip_strings = false;
        m_in = &m_head;
    }
    template <has_fields T> void get(T& item) {
        std::apply([&](auto&... field) { (get(field), ...); }, fields(item));
    }

  private:
    Reader& m_head;
    Reader& m_tail;
    Reader* m_in = &m_head;
    Checkins m_checkins;
    bool m_skip_strings = false;
};

} // namespace

std::string encode_parsed(const ParsedFile& parsed) {
    // The head holds everything but the check-ins, which are the bulk of a file; the tail holds
    // the check-ins of every KR, then of every KPI, in order. A reader that needs no check-ins
    // (completion) reads the head alone.
    Encoder e;
    // Sized once, not grown: a check-in takes about 25 bytes and its note.
    std::size_t checkins = 0;
    for (const Objective& o : parsed.file.objectives)
        for (const KeyResult& kr : o.krs)
            checkins += kr.checkins.size();
    for (const Kpi& k : parsed.file.kpis)
        checkins += k.checkins.size();
    e.tail.reserve(checkins * 48 + 16);
    e.head.reserve(4096);
    e.put(parsed);
    Writer out;
    out.reserve(10 + e.head.size() + e.tail.size());
    out.u64(e.head.size());
    std::string bytes = out.take();
    bytes += e.head.take();
    bytes += e.tail.take();
    return bytes;
}

std::optional<ParsedFile> decode_parsed(std::string_view bytes, const std::string& path,
                                        Checkins checkins) {
    Reader whole(bytes);
    Reader head(whole.bytes(whole.u64()));
    ParsedFile out;
    Decoder(head, whole, checkins).get(out);
    if (!whole.ok() || !head.ok() || !head.at_end()) return std::nullopt;
    if (checkins != Checkins::skip && !whole.at_end()) return std::nullopt;
    out.file.path = path;
    for (Diagnostic& d : out.diagnostics)
        d.path = path;
    return out;
}

namespace {

// The size of a payload's head part (the head's size, then the head: see encode_parsed); the
// whole payload when it does not start with a head size that fits in it.
std::size_t head_part_size(std::string_view payload) {
    Reader r(payload);
    const std::uint64_t head = r.u64();
    const auto prefix = static_cast<std::size_t>(r.position() - payload.data());
    if (!r.ok() || head > payload.size() - prefix) return payload.size();
    return prefix + static_cast<std::size_t>(head);
}

struct Header {
    std::uint64_t payload_size;
    std::uint64_t payload_sum;
    std::uint64_t head_size;
    std::uint64_t head_sum;
};

// The header at the start of `entry` when it is one of this format for `key`, with a head part
// no larger than its payload.
std::optional<Header> header_of(std::string_view entry, const CacheKey& key) {
    if (entry.size() < k_header_size) return std::nullopt;
    const char* p = entry.data();
    if (std::memcmp(p, k_magic, sizeof k_magic) != 0) return std::nullopt;
    p += sizeof k_magic;
    if (get_le(p, 4) != k_cache_format) return std::nullopt;
    if (get_le(p + 4, 8) != key.high || get_le(p + 12, 8) != key.low) return std::nullopt;
    const Header h{get_le(p + 20, 8), get_le(p + 28, 8), get_le(p + 36, 8), get_le(p + 44, 8)};
    if (h.head_size > h.payload_size || h.payload_size > k_max_entry_bytes) return std::nullopt;
    return h;
}

// The head's checksum also covers every byte of the header before it (the magic, the format, the
// key, the payload's size and checksum, the head's size), so that a reader of the head alone
// still finds any byte of the header changed, and an entry cannot be given another key.
std::uint64_t head_checksum(std::string_view header, std::string_view head) {
    const XXH64_hash_t seed = XXH3_64bits(header.data(), k_signed_header_size);
    return XXH3_64bits_withSeed(head.data(), head.size(), seed);
}

} // namespace

std::string encode_entry(const CacheKey& key, std::string_view payload) {
    const std::string_view head = payload.substr(0, head_part_size(payload));
    std::string out;
    out.reserve(k_header_size + payload.size());
    out.append(k_magic, sizeof k_magic);
    put_le(out, k_cache_format, 4);
    put_le(out, key.high, 8);
    put_le(out, key.low, 8);
    const std::uint64_t sum = XXH3_64bits(payload.data(), payload.size());
    put_le(out, payload.size(), 8);
    put_le(out, sum, 8);
    put_le(out, head.size(), 8);
    put_le(out, head_checksum(out, head), 8);
    out.append(payload);
    return out;
}

std::optional<std::string_view> entry_payload(std::string_view entry, const CacheKey& key) {
    const auto h = header_of(entry, key);
    if (!h || h->payload_size != entry.size() - k_header_size) return std::nullopt;
    const std::string_view payload = entry.substr(k_header_size);
    const std::string_view head = payload.substr(0, static_cast<std::size_t>(h->head_size));
    if (h->payload_sum != XXH3_64bits(payload.data(), payload.size())) return std::nullopt;
    if (h->head_sum != head_checksum(entry, head)) return std::nullopt;
    return payload;
}

std::optional<std::string_view> entry_head(std::string_view entry, const CacheKey& key) {
    const auto h = header_of(entry, key);
    if (!h || h->head_size > entry.size() - k_header_size) return std::nullopt;
    const std::string_view head =
        entry.substr(k_header_size, static_cast<std::size_t>(h->head_size));
    if (h->head_sum != head_checksum(entry, head)) return std::nullopt;
    return head;
}

std::uint64_t entry_head_size(std::string_view header, const CacheKey& key) {
    const auto h = header_of(header, key);
    return h ? k_header_size + h->head_size : 0;
}

bool okr_cache_off(std::string_view value) {
    constexpr std::string_view k_blanks = " \t\n\r\v\f";
    const auto first = value.find_first_not_of(k_blanks);
    if (first == std::string_view::npos) return false;
    value = value.substr(first, value.find_last_not_of(k_blanks) - first + 1);
    std::string word(value);
    std::transform(word.begin(), word.end(), word.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return word == "off" || word == "0" || word == "false" || word == "no";
}

std::optional<std::string> okr_cache_problem(std::string_view value) {
    if (okr_cache_off(value) || value.starts_with('/')) return std::nullopt;
    if (value.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos)
        return fmt::format("OKR_CACHE is set but {}", value.empty() ? "empty" : "blank");
    return fmt::format("OKR_CACHE=\"{}\" is neither off nor an absolute folder", value);
}

std::optional<CacheSettings> cache_settings(const std::optional<std::string>& okr_cache,
                                            const std::optional<std::string>& xdg_cache_home,
                                            const std::optional<std::string>& home,
                                            const std::optional<std::string>& okr_cache_size) {
    CacheSettings settings;
    if (okr_cache_size)
        if (auto n = parse_size(*okr_cache_size)) settings.max_bytes = *n;
    // Never a relative folder: that would be a folder in the working directory, in the workspace.
    auto absolute = [](const std::optional<std::string>& dir) {
        return dir && dir->starts_with('/');
    };
    if (okr_cache) {
        if (okr_cache_off(*okr_cache) || !absolute(okr_cache)) return std::nullopt;
        settings.dir = *okr_cache;
    } else if (absolute(xdg_cache_home)) {
        settings.dir = fs::path(*xdg_cache_home) / "okr";
    } else if (absolute(home)) {
        settings.dir = fs::path(*home) / ".cache" / "okr";
    } else {
        return std::nullopt;
    }
    return settings;
}

namespace {

// The cache folders this process found someone else could write, and the warnings not yet taken.
struct Distrusted {
    std::mutex mutex;
    std::set<std::string> folders;
    std::vector<std::string> untaken;
};

// Never destroyed, as writers().
Distrusted& distrusted() {
    static Distrusted* const d = new Distrusted;
    return *d;
}

// `path` as a shell reads it back: in single quotes unless it is plain.
std::string shell_quoted(const fs::path& path) {
    const std::string text = path.string();
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("/._-+:,@%=").find(c) != std::string_view::npos;
    });
    if (plain) return text;
    std::string out = "'";
    for (const char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Why the cache's folder `dir` (or its subfolder, or the entry `path` in it, when `entry`), with
// status `st`, is not to be believed: it belongs to another user, or group or others can write
// it (then they could put entries there, or swap them). One line: what is wrong and the fix.
// nullopt when it is the user's own and no one else can write it.
std::optional<std::string> foreign(const struct stat& st, const fs::path& path, bool entry,
                                   const fs::path& dir) {
    const std::string what = entry ? "cache entry" : "cache folder";
    const uid_t me = ::geteuid();
    if (st.st_uid != me)
        return fmt::format("{} {} belongs to uid {}, not to you (uid {}), so the cache is off for "
                           "this run; {} or OKR_CACHE=off fixes it",
                           what, path.string(), st.st_uid, me,
                           entry
                               ? fmt::format("`rm {}`", shell_quoted(path))
                               : fmt::format("`chown -R {} {}` (as root)", me, shell_quoted(dir)));
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return fmt::format("{} {} can be written by {} (mode {:04o}), so the cache is off for this "
                           "run; `chmod -R go-w {}` or OKR_CACHE=off fixes it",
                           what, path.string(),
                           (st.st_mode & S_IWOTH) != 0 ? "others" : "its group", st.st_mode & 07777,
                           shell_quoted(dir));
    return std::nullopt;
}

// The subfolder of the cache that `dir` is (its name: the first byte of the keys in it), or -1.
int slot_of(const fs::path& dir) {
    const std::string name = dir.filename().string();
    int slot = -1;
    if (is_hex_name(name, 2)) std::from_chars(name.data(), name.data() + 2, slot, 16);
    return slot;
}

// Makes the folder `dir` and those above it that are missing, each 0700 whatever the umask (the
// XDG base directory spec asks as much of the folders above the cache); false when `dir` cannot
// be made.
bool make_private_folders(const fs::path& dir) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (::mkdir(dir.c_str(), 0700) == 0) {
            ::chmod(dir.c_str(), 0700); // the umask only takes bits away, but may take them all
            return true;
        }
        if (errno == EEXIST) return true;
        const fs::path parent = dir.parent_path();
        if (errno != ENOENT || attempt > 0 || parent.empty() || parent == dir ||
            !make_private_folders(parent))
            return false;
    }
    return false;
}

} // namespace

ModelCache::ModelCache(CacheSettings settings) : m_settings(std::move(settings)) {
    Distrusted& d = distrusted();
    const std::lock_guard lock(d.mutex);
    if (d.folders.contains(m_settings.dir.string())) m_off = true;
}

bool ModelCache::believed() const {
    return !m_off.load(std::memory_order_relaxed);
}

void ModelCache::distrust(std::string why) const {
    m_off = true;
    Distrusted& d = distrusted();
    const std::lock_guard lock(d.mutex);
    if (d.folders.insert(m_settings.dir.string()).second) d.untaken.push_back(std::move(why));
}

bool ModelCache::folder_believed(int slot) const {
    if (!believed()) return false;
    std::atomic<unsigned char>& verdict =
        slot < 0 ? m_folder : m_subfolders[static_cast<std::size_t>(slot)];
    if (const unsigned char known = verdict.load(std::memory_order_acquire); known != 0)
        return known == 1 && believed();
    if (slot >= 0 && !folder_believed(-1)) return false;
    const fs::path dir = slot < 0 ? m_settings.dir : m_settings.dir / fmt::format("{:02x}", slot);
    struct stat st {};
    // Missing: okr makes it, private. Looked at again once it is there.
    if (::stat(dir.c_str(), &st) != 0) return true;
    if (auto why = foreign(st, dir, false, m_settings.dir)) {
        verdict.store(2, std::memory_order_release);
        distrust(std::move(*why));
        return false;
    }
    verdict.store(1, std::memory_order_release);
    return true;
}

std::vector<std::string> take_cache_warnings() {
    Distrusted& d = distrusted();
    const std::lock_guard lock(d.mutex);
    return std::exchange(d.untaken, {});
}

fs::path ModelCache::entry_path(const CacheKey& key) const {
    const std::string hex = key.hex();
    return m_settings.dir / hex.substr(0, 2) / hex.substr(2);
}

fs::path ModelCache::stamps_path(const CacheKey& key) const {
    fs::path file = entry_path(key);
    file += ".stamps";
    return file;
}

namespace {

// Opens the cache file `file` of the cache folder `dir` and, when it is a regular file of 1 to
// k_max_entry_bytes bytes, hands its descriptor and size to `read`, which says whether the file
// held what it wanted. A file that is another user's, or that others can write, is not read: its
// reason is returned. Used files stay: eviction goes by modification time, refreshed at most
// hourly so that a warm run writes next to nothing.
template <class Read>
std::optional<std::string> read_cache_file(const fs::path& file, const fs::path& dir, Read read) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    if (auto why = foreign(st, file, true, dir)) {
        ::close(fd);
        return why;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0 &&
        static_cast<std::uint64_t>(st.st_size) <= k_max_entry_bytes &&
        read(fd, static_cast<std::size_t>(st.st_size)) && st.st_mtime < std::time(nullptr) - 3600)
        ::futimens(fd, nullptr);
    ::close(fd);
    return std::nullopt;
}

} // namespace

std::optional<ParsedFile> ModelCache::load(const CacheKey& key, const std::string& path,
                                           Checkins checkins) const {
    std::optional<ParsedFile> out;
    if (!folder_believed(static_cast<int>(key.high >> 56))) return out;
    auto why = read_cache_file(entry_path(key), m_settings.dir, [&](int fd, std::size_t size) {
        static thread_local std::string entry; // reused: a warm load reads one entry per file
        if (checkins == Checkins::skip) {
            // The header and the head alone: the check-ins in the tail are not read at all. One
            // read gets both when the head is small, as it mostly is.
            constexpr std::size_t k_first_read = 8192;
            entry.resize(std::min(size, std::max(k_first_read, k_header_size)));
            if (fill(fd, entry, 0)) {
                const std::uint64_t want = entry_head_size(entry, key);
                if (want > 0 && want <= size) {
                    const std::size_t had = entry.size();
                    entry.resize(static_cast<std::size_t>(want));
                    if (want <= had || fill(fd, entry, had))
                        if (auto head = entry_head(entry, key))
                            out = decode_parsed(*head, path, checkins);
                }
            }
        } else {
            entry.resize(size);
            if (fill(fd, entry, 0))
                if (auto payload = entry_payload(entry, key))
                    out = decode_parsed(*payload, path, checkins);
        }
        return out.has_value();
    });
    if (why) distrust(std::move(*why));
    return out;
}

void ModelCache::store(const CacheKey& key, const ParsedFile& parsed) {
    write_entry(key, encode_entry(key, encode_parsed(parsed)));
}

void ModelCache::store_later(const CacheKey& key, const ParsedFile& parsed) {
    if (!believed()) return;
    std::string entry = encode_entry(key, encode_parsed(parsed));
    const std::lock_guard lock(m_mutex);
    m_later.emplace_back(entry_path(key), std::move(entry));
}

Stamps ModelCache::load_stamps(const CacheKey& key) const {
    std::optional<Stamps> out;
    if (!folder_believed(static_cast<int>(key.high >> 56))) return {};
    auto why = read_cache_file(stamps_path(key), m_settings.dir, [&](int fd, std::size_t size) {
        std::string entry(size, '\0');
        if (fill(fd, entry, 0))
            if (auto payload = entry_payload(entry, key)) out = decode_stamps(*payload);
        return out.has_value();
    });
    if (why) distrust(std::move(*why));
    return out ? std::move(*out) : Stamps{};
}

void ModelCache::store_stamps_later(const CacheKey& key, const Stamps& stamps) {
    if (!believed()) return;
    std::string entry = encode_entry(key, encode_stamps(stamps));
    const std::lock_guard lock(m_mutex);
    m_later.emplace_back(stamps_path(key), std::move(entry));
}

namespace {

using Batch = std::vector<std::pair<fs::path, std::string>>; // files and their bytes

// Makes the cache folder `dir` as okr keeps it: private, like the goals it holds, and the folders
// above it made as `mkdir -p` would (~/.cache may not exist yet), private too. False when it
// cannot be made.
bool make_cache_folder(const fs::path& dir) {
    return make_private_folders(dir);
}

// Writes `batch` into the cache of `settings`, then trims.
void write_batch(const CacheSettings& settings, const Batch& batch) {
    ModelCache cache(settings);
    for (const auto& [file, bytes] : batch)
        cache.write_file(file, bytes);
    cache.trim();
}

// `fd`, or a copy of it above 2 when it is stdin, stdout or stderr's number (okr was started
// with one of them closed), close-on-exec; -1 stays -1.
int above_stdio(int fd) {
    if (fd < 0 || fd > 2) return fd;
    const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return high;
}

// Writes `batch` in a process of its own (util::fork_detached), which starts writing when this
// one ends (so that the two never compete for a core: on 2 cores a first, cold run of a large
// workspace has none to spare) and writes even when this one was cut short (killed, or by a
// reader that quit). Call it only while okr runs no other thread. From the start the writer holds
// a shared lock on `writing.lock` in the cache folder: an exclusive lock there waits until every
// such writer is done. Where that lock or the process cannot be had, the batch is written here,
// holding the lock.
void write_apart(const CacheSettings& settings, const Batch& batch) {
    if (!make_cache_folder(settings.dir)) return; // no cache
    const fs::path lock_path = settings.dir / "writing.lock";
    const int lock =
        above_stdio(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    const bool locked = lock >= 0 && ::flock(lock, LOCK_SH | LOCK_NB) == 0;
    // This process's end: its copy of the pipe's write end closes, and the writer reads EOF.
    int end[2] = {-1, -1};
    if (locked && ::pipe2(end, O_CLOEXEC) == 0) {
        end[0] = above_stdio(end[0]);
        end[1] = above_stdio(end[1]);
    }
    const int wait_on = end[0];
    const pid_t pid = !locked
                          ? -1
                          : util::fork_detached(
                                [&settings, &batch, wait_on] {
                                    char byte = 0;
                                    if (wait_on >= 0)
                                        while (::read(wait_on, &byte, 1) < 0 && errno == EINTR) {
                                        }
                                    write_batch(settings, batch);
                                },
                                {lock, wait_on});
    if (end[0] >= 0) ::close(end[0]);
    if (pid < 0) {
        write_batch(settings, batch);
        if (end[1] >= 0) ::close(end[1]);
    }
    // The write end stays open until this process ends: it is the writer's signal.
    if (lock >= 0) ::close(lock); // a writer process keeps the lock through its own descriptor
}

// The writes still to come: threads that write entries while the command goes on, and the
// batches left to a process of their own (start_cache_writers).
struct Writers {
    std::mutex mutex;
    std::vector<std::thread> threads;
    std::vector<std::pair<CacheSettings, Batch>> detached;
};

// Never destroyed: the process ends in main, after finish_cache_writes.
Writers& writers() {
    static Writers* const w = new Writers;
    return *w;
}

} // namespace

void start_cache_writers() {
    Writers& w = writers();
    const std::lock_guard lock(w.mutex);
    if (w.detached.empty()) return;
    // A fork copies the calling thread alone: every other thread ends first.
    for (auto& t : w.threads)
        t.join();
    w.threads.clear();
    util::stop_workers();
    for (const auto& [settings, batch] : w.detached)
        write_apart(settings, batch);
    w.detached.clear();
}

void finish_cache_writes() {
    Writers& w = writers();
    const std::lock_guard lock(w.mutex);
    for (auto& t : w.threads)
        t.join();
    w.threads.clear();
}

void ModelCache::write_in_background() {
    Batch later;
    {
        const std::lock_guard lock(m_mutex);
        later.swap(m_later);
    }
    if (later.empty() || !believed()) return;
    Writers& w = writers();
    const std::lock_guard lock(w.mutex);
    if (later.size() >= k_detached_entries) {
        w.detached.emplace_back(m_settings, std::move(later));
        return;
    }
    try {
        w.threads.emplace_back(
            [settings = m_settings, later = std::move(later)] { write_batch(settings, later); });
    } catch (const std::system_error&) {
        // No thread to be had: the entries are simply not written (a cache never fails).
    }
}

void ModelCache::write_entry(const CacheKey& key, std::string_view entry) {
    write_file(entry_path(key), entry);
}

void ModelCache::write_file(const fs::path& file, std::string_view entry) {
    if (m_unwritable.load(std::memory_order_relaxed)) return;
    const fs::path dir = file.parent_path();
    if (!folder_believed(-1) || (slot_of(dir) >= 0 && !folder_believed(slot_of(dir)))) return;
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const fs::path temp =
        dir / fmt::format("{}.tmp.{}.{:x}", file.filename().string(), ::getpid(), random());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ENOENT) {
        if (!make_cache_folder(m_settings.dir)) {
            m_unwritable = true;
            return;
        }
        if (!make_private_folders(dir)) {
            m_unwritable = true;
            return;
        }
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
    if (fd < 0) {
        if (errno == EACCES || errno == EROFS || errno == ENOTDIR || errno == ENOENT ||
            errno == EPERM)
            m_unwritable = true;
        return;
    }
    std::size_t done = 0;
    while (done < entry.size()) {
        const ssize_t n = ::write(fd, entry.data() + done, entry.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool written = ::close(fd) == 0 && done == entry.size();
    if (!written || ::rename(temp.c_str(), file.c_str()) != 0) {
        ::unlink(temp.c_str());
        return;
    }
    const std::lock_guard lock(m_mutex);
    m_written.insert(dir.string());
}

void ModelCache::trim() {
    std::set<std::string> dirs;
    {
        const std::lock_guard lock(m_mutex);
        dirs.swap(m_written);
    }
    const std::uint64_t share = m_settings.max_bytes / k_dirs;
    const std::time_t stale = std::time(nullptr) - 3600;
    struct Entry {
        std::string path;
        std::uint64_t size;
        struct timespec mtime;
    };
    for (const auto& dir : dirs) {
        std::vector<Entry> entries;
        std::uint64_t total = 0;
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            struct stat st {};
            if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            const bool hex = name.size() >= 30 && is_hex_name(name.substr(0, 30), 30);
            if (hex && (name.size() == 30 || name.substr(30) == ".stamps")) {
                entries.push_back(
                    {it->path().string(), static_cast<std::uint64_t>(st.st_size), st.st_mtim});
                total += static_cast<std::uint64_t>(st.st_size);
            } else if (hex && name.find(".tmp.", 30) != std::string::npos && st.st_mtime < stale) {
                ::unlink(it->path().c_str()); // left by a process that died mid-write
            }
        }
        if (total <= share) continue;
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            if (a.mtime.tv_sec != b.mtime.tv_sec) return a.mtime.tv_sec < b.mtime.tv_sec;
            if (a.mtime.tv_nsec != b.mtime.tv_nsec) return a.mtime.tv_nsec < b.mtime.tv_nsec;
            return a.path < b.path;
        });
        // Down to 80% of the share, so that the next few entries do not each trigger a trim.
        const std::uint64_t target = share / 5 * 4;
        for (const auto& e : entries) {
            if (total <= target) break;
            if (::unlink(e.path.c_str()) == 0 || errno == ENOENT) total -= e.size;
        }
    }
}

} // namespace okr::io
