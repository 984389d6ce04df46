#include "okr/core/diagnostic.hpp"

#include <algorithm>

namespace okr {

void sort_diagnostics(Diagnostics& diagnostics) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         if (a.path != b.path) return a.path < b.path;
                         return a.pos < b.pos;
                     });
}

bool has_errors(const Diagnostics& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.level == Level::error; });
}

} // namespace okr
