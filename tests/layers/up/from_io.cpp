// A file of okr_io that includes a header of the layer above: it must not compile
// (tests/layers/CMakeLists.txt).
#include "okr/report/rows.hpp"
