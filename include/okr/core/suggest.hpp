#pragma once
// "Did you mean" suggestions for misspelt keys, enum values and references.

#include <string>
#include <string_view>
#include <vector>

namespace okr {

// Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is close enough to be a likely typo, else empty.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// Up to `limit` candidates close to `word`, nearest first.
std::vector<std::string> near_matches(std::string_view word,
                                      const std::vector<std::string>& candidates,
                                      std::size_t limit = 3);

} // namespace okr
