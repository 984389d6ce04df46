#include "okr/core/cycle.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string>

namespace okr {

double Cycle::elapsed(Date as_of) const {
    const double length = end - start;
    if (length <= 0) return as_of >= end ? 1.0 : 0.0;
    return std::clamp((as_of - start) / length, 0.0, 1.0);
}

std::optional<Cycle> builtin_cycle(std::string_view name) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (name.size() < 4 || !std::all_of(name.begin(), name.begin() + 4, digit)) return std::nullopt;
    const int year =
        (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + (name[3] - '0');
    if (year < 1) return std::nullopt;
    auto span = [&](int first_month, int last_month) -> std::optional<Cycle> {
        auto start = Date::from_ymd(year, first_month, 1);
        auto end = Date::from_ymd(year, last_month, days_in_month(year, last_month));
        return Cycle{std::string(name), *start, *end};
    };
    if (name.size() == 4) return span(1, 12);
    if (name.size() == 7 && name[4] == '-') {
        const char kind = name[5];
        const char n = name[6];
        if (kind == 'H' && (n == '1' || n == '2')) return span(n == '1' ? 1 : 7, n == '1' ? 6 : 12);
        if (kind == 'Q' && n >= '1' && n <= '4') {
            const int q = n - '0';
            return span(3 * q - 2, 3 * q);
        }
        if (digit(kind) && digit(n)) {
            const int month = (kind - '0') * 10 + (n - '0');
            if (month >= 1 && month <= 12) return span(month, month);
        }
    }
    return std::nullopt;
}

std::optional<std::string> next_cycle_name(std::string_view name) {
    const auto cycle = builtin_cycle(name);
    if (!cycle) return std::nullopt;
    const int year = std::stoi(std::string(name.substr(0, 4)));
    if (name.size() == 4) return std::to_string(year + 1);
    const char kind = name[5];
    const int n =
        kind == 'H' || kind == 'Q' ? name[6] - '0' : std::stoi(std::string(name.substr(5)));
    const int last = kind == 'H' ? 2 : kind == 'Q' ? 4 : 12;
    const int next_year = n == last ? year + 1 : year;
    const int next = n == last ? 1 : n + 1;
    if (kind == 'H' || kind == 'Q')
        return std::to_string(next_year) + '-' + kind + std::to_string(next);
    return std::to_string(next_year) + (next < 10 ? "-0" : "-") + std::to_string(next);
}

std::string quarter_name(Date d) {
    return fmt::format("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1);
}

} // namespace okr
