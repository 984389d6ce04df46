#include "okr/core/date.hpp"

#include <charconv>
#include <fmt/format.h>

namespace okr {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
    int year;
    int month;
    int day;
};

Civil civil_from_days(std::int32_t z) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

bool parse_digits(std::string_view text, int& out) {
    if (text.empty()) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

} // namespace

int days_in_month(int year, int month) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return k_days[month - 1];
}

std::optional<Date> Date::from_ymd(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month))
        return std::nullopt;
    return from_days(
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::parse_iso(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (!parse_digits(text.substr(0, 4), y) || !parse_digits(text.substr(5, 2), m) ||
        !parse_digits(text.substr(8, 2), d))
        return std::nullopt;
    return from_ymd(y, m, d);
}

int Date::year() const {
    return civil_from_days(m_days).year;
}
int Date::month() const {
    return civil_from_days(m_days).month;
}
int Date::day() const {
    return civil_from_days(m_days).day;
}

std::string Date::iso() const {
    const Civil c = civil_from_days(m_days);
    if (c.year < 0 || c.year > 9999)
        return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
    // Written by hand: reports print a date for every check-in.
    const auto digit = [](auto n) { return static_cast<char>('0' + n % 10); };
    return {digit(c.year / 1000),
            digit(c.year / 100),
            digit(c.year / 10),
            digit(c.year),
            '-',
            digit(c.month / 10),
            digit(c.month),
            '-',
            digit(c.day / 10),
            digit(c.day)};
}

std::optional<Date> parse_cli_date(std::string_view text, Date today) {
    if (text == "today") return today;
    if (text == "yesterday") return today.plus_days(-1);
    if (text.size() >= 3 && text.front() == '-' && (text.back() == 'd' || text.back() == 'w')) {
        int n = 0;
        if (!parse_digits(text.substr(1, text.size() - 2), n) || n > 100000) return std::nullopt;
        return today.plus_days(-(text.back() == 'w' ? 7 * n : n));
    }
    return Date::parse_iso(text);
}

} // namespace okr
