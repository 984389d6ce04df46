// A file of okr_lsp that includes a header of the layer above: it must not compile
// (tests/layers/CMakeLists.txt).
#include "okr/cli/session.hpp"
