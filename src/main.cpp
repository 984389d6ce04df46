#include "okr/cli/app.hpp"

#ifdef OKR_MIMALLOC
#include <mimalloc.h>
#endif

int main(int argc, char** argv) {
#ifdef OKR_MIMALLOC
    // 2 MB pages where the system offers them (transparent huge pages): a large workspace loads
    // tens of megabytes of objects, which 4 KB pages fault in one by one.
    mi_option_enable(mi_option_large_os_pages);
#endif
    return okr::cli::run(argc, argv);
}
