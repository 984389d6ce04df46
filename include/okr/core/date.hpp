#pragma once
// Calendar dates as day numbers, and the date syntax users type.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace okr {

// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
class Date {
  public:
    constexpr Date() = default;
    static constexpr Date from_days(std::int32_t days) {
        Date d;
        d.m_days = days;
        return d;
    }
    // The date for a year, month (1-12) and day (1-31); nullopt when it does not exist.
    static std::optional<Date> from_ymd(int year, int month, int day);
    // Parses exactly `YYYY-MM-DD`.
    static std::optional<Date> parse_iso(std::string_view text);

    constexpr std::int32_t days() const { return m_days; }
    int year() const;
    int month() const;
    int day() const;
    std::string iso() const;

    constexpr Date plus_days(std::int32_t n) const { return from_days(m_days + n); }
    friend constexpr std::int32_t operator-(Date a, Date b) { return a.m_days - b.m_days; }
    friend constexpr auto operator<=>(Date, Date) = default;

  private:
    std::int32_t m_days = 0;
};

// Days in a month of a year.
int days_in_month(int year, int month);

// Parses a date as typed on the command line: `YYYY-MM-DD`, `today`, `yesterday`,
// `-3d`, `-2w` (relative to `today`). Returns nullopt for anything else.
std::optional<Date> parse_cli_date(std::string_view text, Date today);

} // namespace okr
