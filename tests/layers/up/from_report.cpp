// A file of okr_report that includes a header of the layer above: it must not compile
// (tests/layers/CMakeLists.txt).
#include "okr/lsp/server.hpp"
