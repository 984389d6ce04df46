#include "okr/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace okr {
namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::size_t threshold(std::string_view word) {
    return std::max<std::size_t>(2, word.size() / 3);
}

} // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment distance, case-insensitive.
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]))
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[m];
}

std::vector<std::string>
near_matches(std::string_view word, const std::vector<std::string>& candidates, std::size_t limit) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        const bool prefix =
            word.size() >= 3 && c.size() > word.size() && c.compare(0, word.size(), word) == 0;
        if (d <= threshold(word) || prefix)
            scored.emplace_back(prefix ? std::min<std::size_t>(d, 1) : d, c);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](auto& x, auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (auto& [d, c] : scored) {
        if (out.size() == limit) break;
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
    return out;
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
    auto matches = near_matches(word, candidates, 1);
    return matches.empty() ? std::string() : matches.front();
}

} // namespace okr
