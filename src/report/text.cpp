#include "okr/report/text.hpp"

#include "okr/util/digits.hpp"
#include "okr/util/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace okr::report {
namespace {

// Walks `text` one grapheme cluster at a time, calling fn(bytes, width).
template <class Fn> void for_each_cluster(std::string_view text, Fn fn) {
    std::size_t i = 0;
    utf8proc_int32_t state = 0;
    utf8proc_int32_t prev = -1;
    std::size_t cluster_start = 0;
    std::size_t cluster_width = 0;
    bool emoji_presentation = false;
    int regional_indicators = 0; // two of them make a flag, which terminals draw 2 columns wide
    auto flush = [&](std::size_t end) {
        if (end > cluster_start) {
            std::size_t w = cluster_width;
            if ((emoji_presentation || regional_indicators >= 2) && w == 1) w = 2;
            fn(text.substr(cluster_start, end - cluster_start), w);
        }
        cluster_start = end;
        cluster_width = 0;
        emoji_presentation = false;
        regional_indicators = 0;
    };
    while (i < text.size()) {
        const util::Decoded d = util::decode_utf8(text, i);
        if (!d.valid) { // an invalid byte is a cluster of its own, one column wide
            flush(i);
            cluster_width = 1;
            flush(i + 1);
            ++i;
            prev = -1;
            state = 0;
            continue;
        }
        const auto cp = static_cast<utf8proc_int32_t>(d.code_point);
        if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) {
            flush(i);
            cluster_width = static_cast<std::size_t>(std::max(0, utf8proc_charwidth(cp)));
        }
        if (cp == 0xFE0F) emoji_presentation = true;
        if (cp >= 0x1F1E6 && cp <= 0x1F1FF) ++regional_indicators;
        prev = cp;
        i += d.length;
    }
    flush(text.size());
}

} // namespace

bool is_plain_narrow(char32_t cp) {
    return (cp >= 0x20 && cp < 0x7f) ||
           (cp >= 0xA0 && cp <= 0x17F && cp != 0xAD && cp != 0xA9 && cp != 0xAE) || cp == 0x2013 ||
           cp == 0x2014 || cp == 0x2026 || (cp >= 0x2190 && cp <= 0x2193) ||
           (cp >= 0x2580 && cp <= 0x259F) || cp == 0x25C6;
}

std::size_t display_width(std::string_view text) {
    // Printable ASCII, most of every table, is one column a byte.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        return text.size();
    // So are the bars, sparklines, dots, dashes and arrows of a table (is_plain_narrow): each
    // is a cluster of its own beside any other of them, one column wide.
    std::size_t i = 0;
    std::size_t characters = 0;
    while (i < text.size()) {
        const util::Decoded d = util::decode_utf8(text, i);
        if (!d.valid || !is_plain_narrow(d.code_point)) break;
        i += d.length;
        ++characters;
    }
    if (i == text.size()) return characters;
    std::size_t width = 0;
    for_each_cluster(text, [&](std::string_view, std::size_t w) { width += w; });
    return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
    // Text of is_plain_narrow characters (most titles): one column and one cluster each, so the
    // first width - 1 of them, without a look at graphemes.
    std::size_t i = 0;
    std::size_t characters = 0;
    std::size_t cut = 0; // where the first width - 1 characters end
    while (i < text.size()) {
        if (characters + 1 == width) cut = i;
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f) {
            ++i;
        } else {
            const util::Decoded d = util::decode_utf8(text, i);
            if (!d.valid || !is_plain_narrow(d.code_point)) break;
            i += d.length;
        }
        ++characters;
    }
    if (i == text.size()) {
        if (characters <= width) return std::string(text);
        if (width == 0) return {};
        std::string out(text.substr(0, cut));
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "…";
    }
    if (display_width(text) <= width) return std::string(text);
    if (width == 0) return {};
    std::string out;
    std::size_t used = 0;
    bool full = false;
    for_each_cluster(text, [&](std::string_view cluster, std::size_t w) {
        if (full || used + w > width - 1) {
            full = true;
            return;
        }
        out += cluster;
        used += w;
    });
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out + "…";
}

std::string pad_right(std::string_view text, std::size_t width) {
    const std::size_t w = display_width(text);
    return std::string(text) + std::string(w < width ? width - w : 0, ' ');
}

std::string pad_left(std::string_view text, std::size_t width) {
    const std::size_t w = display_width(text);
    return std::string(w < width ? width - w : 0, ' ') + std::string(text);
}

bool is_invisible_format(char32_t cp) {
    return cp == 0x061C || cp == 0x180E || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

std::string escape_control(std::string_view text) {
    // Printable ASCII, most text, has nothing to escape.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    char32_t prev = 0;
    for (std::size_t i = 0; i < text.size();) {
        const util::Decoded d = util::decode_utf8(text, i);
        if (!d.valid) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
            ++i;
            prev = 0;
            continue;
        }
        const auto cp = static_cast<std::uint32_t>(d.code_point);
        // A joiner between two non-ASCII characters joins them (emoji, Indic and Arabic
        // scripts); anywhere else it only hides something.
        auto joins = [&] {
            if (cp != 0x200C && cp != 0x200D) return false;
            const util::Decoded next = util::decode_utf8(text, i + d.length);
            return prev >= 0x80 && next.valid && next.code_point >= 0x80 &&
                   !is_invisible_format(next.code_point);
        };
        if (cp == '\n')
            out += "\\n";
        else if (cp == '\t')
            out += "\\t";
        else if (cp == '\r')
            out += "\\r";
        else if (cp < 0x20 || cp == 0x7f)
            out += fmt::format("\\x{:02x}", cp);
        else if (cp >= 0x80 && cp < 0xa0)
            out += fmt::format("\\u{:04x}", cp);
        else if (is_invisible_format(static_cast<char32_t>(cp)) ||
                 ((cp == 0x200C || cp == 0x200D) && !joins()))
            out += fmt::format("\\u{:04x}", cp); // bidi marks, zero-width, line separators
        else
            out.append(text.substr(i, d.length));
        prev = d.code_point;
        i += d.length;
    }
    return out;
}

namespace {} // namespace

namespace {

// Writes %.12g of `value` for |value| in [1e-4, 1e12), where %g has no exponent, from
// round_to_12_digits. Returns the end of what it wrote (at most 31 bytes), or nullptr (nothing
// written) when that is uncertain or out of range.
char* write_12_digits(char* text, double value) {
    std::uint64_t n = 0;
    int x = 0;
    if (!util::round_to_12_digits(value, n, x)) return nullptr;
    char digits[12];
    for (int i = 11; i >= 0; --i, n /= 10)
        digits[i] = static_cast<char>('0' + n % 10);
    int used = 12; // without trailing zeros
    while (used > 1 && digits[used - 1] == '0')
        --used;
    char* p = text;
    if (value < 0) *p++ = '-';
    if (x >= 0) {
        for (int i = 0; i <= x; ++i)
            *p++ = i < used ? digits[i] : '0';
        if (used > x + 1) *p++ = '.';
        for (int i = x + 1; i < used; ++i)
            *p++ = digits[i];
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -x - 1; ++i)
            *p++ = '0';
        for (int i = 0; i < used; ++i)
            *p++ = digits[i];
    }
    return p;
}

} // namespace

double tidy(double value) {
    return util::round_12(value);
}

void append_tidy(std::string& out, double value) {
    if (value == 0) { // and -0
        out += '0';
        return;
    }
    // tidy(value) reads back from value's %.12g digits (which drop trailing zeros) and from no
    // fewer (two such numbers are 1e-12 apart, a double's neighbours 1e-16), so they are its
    // shortest form; without an exponent, fmt lays it out as %g does. So: one conversion, where
    // tidy then fmt take three; mostly by arithmetic.
    char text[48];
    if (const char* end = write_12_digits(text, value)) {
        out.append(static_cast<const char*>(text), end);
        return;
    }
    const auto written =
        std::to_chars(text, text + sizeof text, value, std::chars_format::general, 12);
    const std::string_view digits(text, static_cast<std::size_t>(written.ptr - text));
    if (written.ec == std::errc{} && digits.find('e') == std::string_view::npos) {
        out += digits;
        return;
    }
    // fmt's exponent form starts at 1e+16, %g's at 1e+12: those (and the very small) go the
    // long way.
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), tidy(value));
}

namespace {

// Hundredths of `fraction`, cut toward zero after tidying (0.57 * 100 is 56.99999999999999).
//
// Mostly without tidying: tidy moves a number by at most 5e-12 of itself, so the two tidies and
// the roundings of the products move fraction * 100 by less than 1.1e-11 of itself; when no
// whole number lies that close to it (1e-9 of it leaves a margin), tidying cannot carry it across
// one, and the cut is the same.
double cut_hundredths(double fraction) {
    const double y = fraction * 100;
    const double a = std::fabs(y);
    if (a < 1e15 && std::fabs(y - std::round(y)) > a * 1e-9) {
        const double t = std::trunc(y);
        return t == 0 ? 0.0 : t;
    }
    const double t = std::trunc(tidy(tidy(fraction) * 100));
    return t == 0 ? 0.0 : t;
}

// fmt's "{}" of a whole number of hundredths: its digits, below 1e15 (fmt's exponent form
// starts at 1e16).
void append_whole(std::string& out, double whole) {
    if (std::fabs(whole) < 1e15) {
        char text[24];
        const auto end = std::to_chars(text, text + sizeof text, static_cast<long long>(whole)).ptr;
        out.append(text, end);
        return;
    }
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), whole);
}

} // namespace

std::string escape_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == '\n' || text[i] == '\t') {
            out += escape_control(text.substr(start, i - start));
            if (i < text.size()) out += text[i];
            start = i + 1;
        }
    return out;
}

namespace {

// The end of the run of printable ASCII, newlines and tabs that starts at `from`: 16 bytes at a
// look where SSE2 is (the output of a large report is megabytes of it).
std::size_t plain_ascii_end(std::string_view text, std::size_t from) {
    const char* p = text.data();
    const std::size_t n = text.size();
    std::size_t i = from;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i del = _mm_set1_epi8(0x7f);
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i tab = _mm_set1_epi8('\t');
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        // Signed: below a space are the controls and every byte from 0x80.
        const __m128i below = _mm_cmplt_epi8(v, space);
        const __m128i allowed = _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, tab));
        const __m128i bad = _mm_or_si128(_mm_andnot_si128(allowed, below), _mm_cmpeq_epi8(v, del));
        if (const int mask = _mm_movemask_epi8(bad); mask != 0)
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    for (; i < n; ++i) {
        const char c = p[i];
        if (!((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')) return i;
    }
    return n;
}

// True when escape_lines would change nothing in `text`: valid UTF-8 of printable characters,
// newlines and tabs, with no C1 control, invisible format character or joiner (a joiner may
// or may not be escaped: the long way decides). One look at each byte, nothing built.
bool plain_lines(std::string_view text) {
    for (std::size_t i = plain_ascii_end(text, 0); i < text.size(); i = plain_ascii_end(text, i)) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) return false; // a control
        const util::Decoded d = util::decode_utf8(text, i);
        if (!d.valid) return false;
        const char32_t cp = d.code_point;
        if (cp < 0xa0 || cp == 0x200C || cp == 0x200D || is_invisible_format(cp)) return false;
        i += d.length;
    }
    return true;
}

} // namespace

bool output_unchanged(std::string_view text) {
    // Most output is printable ASCII, or text without a control or invisible character (a
    // table's bars).
    return plain_lines(text);
}

std::string escape_output(std::string_view text, bool keep_colour) {
    if (output_unchanged(text)) return std::string(text);
    if (!keep_colour) return escape_lines(text);
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') continue;
        std::size_t end = i + 2;
        while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == ';'))
            ++end;
        if (end >= text.size() || text[end] != 'm') continue;
        out += escape_lines(text.substr(start, i - start));
        out.append(text.substr(i, end + 1 - i));
        start = end + 1;
        i = end;
    }
    out += escape_lines(text.substr(start));
    return out;
}

std::string format_number(double value, int decimals) {
    if (!std::isfinite(value)) return "-";
    const double scale = std::pow(10.0, decimals);
    const double units = std::round(value * scale); // of the last decimal
    double rounded = units / scale;
    // A number too small for these decimals (2.3e-308, or 1e-9 with two) is not 0: it shows
    // three significant digits, in the form CSV and JSON write it (1e-09), never "0".
    if (rounded == 0 && value != 0) return fmt::format("{:.3g}", value);
    if (rounded == 0) rounded = 0; // no "-0"
    // Below 1e15 units, rounded is within a part in 1e16 of units / 10^decimals, far from a half
    // of the last decimal, so "{:.{}f}" writes the digits of units with a point before the last
    // `decimals`: those, without the zeros that end them.
    if (decimals >= 0 && decimals <= 15 && std::fabs(units) < 1e15) {
        static constexpr std::uint64_t k_units[] = {1,
                                                    10,
                                                    100,
                                                    1'000,
                                                    10'000,
                                                    100'000,
                                                    1'000'000,
                                                    10'000'000,
                                                    100'000'000,
                                                    1'000'000'000,
                                                    10'000'000'000,
                                                    100'000'000'000,
                                                    1'000'000'000'000,
                                                    10'000'000'000'000,
                                                    100'000'000'000'000,
                                                    1'000'000'000'000'000};
        const auto n = static_cast<std::uint64_t>(std::fabs(units));
        const std::uint64_t one = k_units[decimals];
        std::string out = units < 0 ? "-" : "";
        char text[24];
        out.append(text, std::to_chars(text, text + sizeof text, n / one).ptr);
        std::uint64_t rest = n % one;
        if (rest != 0) {
            out += '.';
            int places = decimals;
            while (rest % 10 == 0) {
                rest /= 10;
                --places;
            }
            const auto end = std::to_chars(text, text + sizeof text, rest).ptr;
            out.append(static_cast<std::size_t>(places - (end - text)), '0');
            out.append(text, end);
        }
        return out;
    }
    if (std::fabs(rounded) >= 1e15) return fmt::format("{:.0f}", rounded);
    std::string s = fmt::format("{:.{}f}", rounded, decimals);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

std::string format_score(double score) {
    if (!std::isfinite(score)) return "-";
    // Always two decimals, so that a column of scores reads alike: 0.60 beside 0.68, 1.00.
    // For a whole number of hundredths t below 1e13, t / 100 is within a part in 1e16 of a
    // hundredth, far from a half of one, so "{:.2f}" writes t's digits with a point before the
    // last two.
    const double t = cut_hundredths(score);
    if (std::fabs(t) >= 1e13) return fmt::format("{:.2f}", t / 100);
    const auto n = static_cast<long long>(std::fabs(t));
    std::string out = t < 0 ? "-" : "";
    char text[24];
    out.append(text, std::to_chars(text, text + sizeof text, n / 100).ptr);
    out += '.';
    out += static_cast<char>('0' + n % 100 / 10);
    out += static_cast<char>('0' + n % 10);
    return out;
}

std::string format_percent(double fraction) {
    if (!std::isfinite(fraction)) return "-";
    std::string out;
    append_whole(out, cut_hundredths(fraction));
    out += '%';
    return out;
}

std::string format_points(double delta_fraction) {
    if (!std::isfinite(delta_fraction)) return "-";
    const double p = cut_hundredths(delta_fraction);
    std::string out = p > 0 ? "+" : "";
    append_whole(out, p);
    out += " pts";
    return out;
}

} // namespace okr::report
