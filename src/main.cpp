#include "okr/cli/app.hpp"
#include "okr/util/heap.hpp"

#ifdef OKR_MIMALLOC
#include <cstdint>
#include <mimalloc.h>
#include <sys/mman.h>
#endif

namespace {

#ifdef OKR_MIMALLOC
// 2 MB pages where the system offers them (transparent huge pages): a large workspace loads
// tens of megabytes of objects, which 4 KB pages fault in one by one. The option covers the
// memory mimalloc asks the system for from now on, the first from every thread included (no
// delay); the memory the main thread already has (a 32 MB segment, so aligned, allocated
// before main) is advised here. Advice only: where it is not taken, nothing changes. (On a
// virtual machine that hands freed memory back to its host, a run right after another large
// process measured slower with the advice, 250-300 ms against 150 ms for a warm status of
// 1,000 files; back-to-back runs, a prompt's or completion's, measured faster: issue 15.)
// Only for a large run (util::expect_large_heap): a personal file touches a few hundred 4 KB
// pages, and the first fault in an advised segment had the kernel find and zero a 2 MB page.
void large_heap() {
    mi_option_enable(mi_option_large_os_pages);
    mi_option_set(mi_option_eager_commit_delay, 0);
    if (void* some = mi_malloc(1)) {
        constexpr std::uintptr_t segment = std::uintptr_t{32} << 20;
        const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(some) & ~(segment - 1);
        ::madvise(reinterpret_cast<void*>(start), segment, MADV_HUGEPAGE);
        mi_free(some);
    }
}

// The pages freed so far go back to the system now (util::give_back_freed_memory).
void give_back() {
    mi_option_enable(mi_option_page_reset);
    mi_option_set(mi_option_decommit_delay, 0);
    mi_collect(true);
}
#endif

} // namespace

int main(int argc, char** argv) {
#ifdef OKR_MIMALLOC
    okr::util::on_large_heap(large_heap);
    okr::util::on_give_back(give_back);
#endif
    // The process ends here, once: what the command loaded is never freed (util::end_process).
    okr::util::Keeper kept;
    okr::util::end_process(okr::cli::run(argc, argv, kept));
}
