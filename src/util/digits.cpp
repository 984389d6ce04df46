#include "okr/util/digits.hpp"

#include <charconv>
#include <cmath>

namespace okr::util {
namespace {

constexpr double k_pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                              1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// The significant digits of a shortest form such as -0.00123 or 4.5e+16 (those of the mantissa,
// from the first that is not 0).
int significant_digits(const char* begin, const char* end) {
    int digits = 0;
    bool started = false;
    for (const char* p = begin; p < end && *p != 'e'; ++p)
        if (*p >= '0' && *p <= '9') {
            started = started || *p != '0';
            digits += started ? 1 : 0;
        }
    return digits;
}

} // namespace

// The digits are |value| * 10^(11 - x) rounded, and that product is within 1.2e-4 of the exact
// one, so the rounding is certain unless the product lies near a half.
bool round_to_12_digits(double value, std::uint64_t& n, int& x) {
    const double a = std::fabs(value);
    if (!(a >= 1e-4 && a < 1e12)) return false;
    x = 0;
    if (a >= 1) {
        while (x < 11 && a >= k_pow10[x + 1])
            ++x;
    } else {
        x = -1;
        while (x > -4 && a < 1.0 / k_pow10[-x])
            --x;
    }
    const double scaled = a * k_pow10[11 - x]; // in [1e11, 1e12)
    const double whole = std::floor(scaled);
    const double fraction = scaled - whole;
    if (std::fabs(fraction - 0.5) < 1e-3) return false;
    n = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1 : 0);
    return n >= 100'000'000'000 && n < 1'000'000'000'000; // not 11 or 13 digits
}

double round_12(double value) {
    if (!std::isfinite(value) || value == 0) return value == 0 ? 0.0 : value;
    // Every number of every report passes here, so mostly by arithmetic: %.12g's digits are
    // n * 10^(x - 11) (round_to_12_digits), and reading them back (as from_chars does) is the
    // double nearest to that, which one division or multiplication of two numbers doubles hold
    // exactly (n < 2^53, 10^15 < 2^53) gives.
    std::uint64_t n = 0;
    int x = 0;
    if (round_to_12_digits(value, n, x)) {
        const double digits = static_cast<double>(n);
        const double out = x >= 11 ? digits * k_pow10[x - 11] : digits / k_pow10[11 - x];
        return value < 0 ? -out : out;
    }
    // Else on the stack and with a shortcut: a value whose shortest round-trip form has at most
    // 12 significant digits is its own rounding (it is within half an ulp of that form, far less
    // than half a unit of the 12th digit).
    char text[32];
    const auto shortest = std::to_chars(text, text + sizeof text, value);
    if (shortest.ec == std::errc{} && significant_digits(text, shortest.ptr) <= 12) return value;
    // Else correctly rounded to 12 significant digits, and read back.
    double out = value;
    const auto written =
        std::to_chars(text, text + sizeof text, value, std::chars_format::general, 12);
    if (written.ec == std::errc{}) std::from_chars(text, written.ptr, out);
    return out == 0 ? 0.0 : out;
}

} // namespace okr::util
