// A file of okr_util that includes a header of the layer above: it must not compile
// (tests/layers/CMakeLists.txt).
#include "okr/core/model.hpp"
