#include "okr/core/diagnostic.hpp"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace okr {

// As a stable sort by (path, position), but each path is compared with the others once: the
// paths are ranked, then integers are sorted and each diagnostic moved once. okr lsp sorts every
// finding of the workspace after each edit (30,000 on the 1,000-file benchmark), where most of
// the time went to comparing long paths that share their folders and moving whole diagnostics.
void sort_diagnostics(Diagnostics& diagnostics) {
    const std::size_t n = diagnostics.size();
    if (n < 2) return;
    std::vector<std::string_view> paths;
    for (const Diagnostic& d : diagnostics)
        if (paths.empty() || paths.back() != d.path) paths.push_back(d.path);
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    struct Key {
        std::uint32_t rank;
        SourcePos pos;
        std::uint32_t at;
        bool operator<(const Key& o) const {
            if (rank != o.rank) return rank < o.rank;
            if (pos != o.pos) return pos < o.pos;
            return at < o.at; // equal places keep their order
        }
    };
    std::vector<Key> keys(n);
    std::uint32_t rank = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& path = diagnostics[i].path;
        if (i == 0 || path != diagnostics[i - 1].path)
            rank = static_cast<std::uint32_t>(std::lower_bound(paths.begin(), paths.end(), path) -
                                              paths.begin());
        keys[i] = Key{rank, diagnostics[i].pos, static_cast<std::uint32_t>(i)};
    }
    if (std::is_sorted(keys.begin(), keys.end())) return;
    std::sort(keys.begin(), keys.end());
    Diagnostics sorted;
    sorted.reserve(n);
    for (const Key& k : keys)
        sorted.push_back(std::move(diagnostics[k.at]));
    diagnostics = std::move(sorted);
}

bool has_errors(const Diagnostics& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.level == Level::error; });
}

} // namespace okr
