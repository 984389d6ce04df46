#pragma once
// Cycles: the time boxes objectives are graded in.

#include "okr/core/date.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace okr {

// A named time box from `start` to `end`, both inclusive.
struct Cycle {
    std::string name;
    Date start;
    Date end;

    // Fraction of the cycle elapsed on `as_of`, clamped to [0, 1] (SPEC §5).
    double elapsed(Date as_of) const;
    bool contains(Date d) const { return start <= d && d <= end; }
    bool operator==(const Cycle&) const = default;
};

// The cycle for a built-in name: `YYYY`, `YYYY-Hn`, `YYYY-Qn` or `YYYY-MM`; nullopt otherwise.
std::optional<Cycle> builtin_cycle(std::string_view name);

// The built-in cycle after `name`, of the same kind: 2026 -> 2027, 2026-H2 -> 2027-H1,
// 2026-Q4 -> 2027-Q1, 2026-12 -> 2027-01; nullopt for a custom name.
std::optional<std::string> next_cycle_name(std::string_view name);

// The calendar quarter containing `d`, e.g. `2026-Q4`.
std::string quarter_name(Date d);

} // namespace okr
