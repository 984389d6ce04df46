#include "okr/report/text.hpp"

#include "okr/util/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <utf8proc.h>

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

std::size_t display_width(std::string_view text) {
    // Printable ASCII, most of every table, is one column a byte.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        return text.size();
    std::size_t width = 0;
    for_each_cluster(text, [&](std::string_view, std::size_t w) { width += w; });
    return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
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

double tidy(double value) {
    if (!std::isfinite(value) || value == 0) return value == 0 ? 0.0 : value;
    // Every number of every report passes here, so on the stack and with a shortcut: a value
    // whose shortest round-trip form has at most 12 significant digits is its own rounding (it
    // is within half an ulp of that form, far less than half a unit of the 12th digit).
    char text[32];
    const auto shortest = std::to_chars(text, text + sizeof text, value);
    int digits = 0;
    bool started = false;
    for (const char* p = text; p < shortest.ptr && *p != 'e'; ++p)
        if (*p >= '0' && *p <= '9') {
            started = started || *p != '0';
            digits += started ? 1 : 0;
        }
    if (shortest.ec == std::errc{} && digits <= 12) return value;
    // Else correctly rounded to 12 significant digits, and read back.
    const auto written =
        std::to_chars(text, text + sizeof text, value, std::chars_format::general, 12);
    double out = value;
    if (written.ec == std::errc{}) std::from_chars(text, written.ptr, out);
    return out == 0 ? 0.0 : out;
}

namespace {

// Hundredths of `fraction`, cut toward zero after tidying (0.57 * 100 is 56.99999999999999).
double cut_hundredths(double fraction) {
    const double t = std::trunc(tidy(tidy(fraction) * 100));
    return t == 0 ? 0.0 : t;
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

std::string format_number(double value, int decimals) {
    if (!std::isfinite(value)) return "-";
    const double scale = std::pow(10.0, decimals);
    double rounded = std::round(value * scale) / scale;
    if (rounded == 0) rounded = 0; // no "-0"
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
    return format_number(cut_hundredths(score) / 100);
}

std::string format_percent(double fraction) {
    if (!std::isfinite(fraction)) return "-";
    return fmt::format("{}%", cut_hundredths(fraction));
}

std::string format_points(double delta_fraction) {
    if (!std::isfinite(delta_fraction)) return "-";
    const double p = cut_hundredths(delta_fraction);
    return fmt::format("{}{} pts", p > 0 ? "+" : "", p);
}

} // namespace okr::report
