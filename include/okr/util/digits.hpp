#pragma once
// Numbers to 12 significant digits, as reports show them: by arithmetic where that is certain.

#include <cstdint>

namespace okr::util {

// |value| to 12 significant digits, for |value| in [1e-4, 1e12): `n` (12 digits) * 10^(x - 11),
// with |value| in [10^x, 10^(x+1)). False when the rounding is uncertain (the product lies near a
// half) or |value| is out of range; then the caller goes the long way.
bool round_to_12_digits(double value, std::uint64_t& n, int& x);

// `value` rounded to 12 significant digits and read back, as %.12g then from_chars would: the
// number a report shows, without the noise of binary fractions (0.1 + 0.2 is 0.3). -0 is 0;
// infinities and NaN are themselves.
double round_12(double value);

} // namespace okr::util
