// Fuzz target: the merge driver's rules (io::merge_goal_files on git's line merge). The bytes
// choose a base goal file and each side's edits (tests/fuzz/merge_oracle.hpp); every merge must
// keep every line either side added or changed, load when it is clean with the check-ins the
// rules give, and equal git merge-file's result where that is clean and no check-in is involved.
#include "merge_oracle.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    okr::test::Choices choices(std::string_view(reinterpret_cast<const char*>(data), size));
    const okr::test::ThreeWay w = okr::test::make_three_way(choices);
    const std::vector<std::string> wrong = okr::test::check_merge(w);
    if (!wrong.empty()) {
        std::fprintf(stderr, "merge fuzz: %s\n--- base ---\n%s--- ours ---\n%s--- theirs ---\n%s",
                     wrong.front().c_str(), w.base.c_str(), w.ours.c_str(), w.theirs.c_str());
        std::abort();
    }
    return 0;
}
