// A file of okr_core that includes a header of the layer above: it must not compile
// (tests/layers/CMakeLists.txt).
#include "okr/io/parse.hpp"
