// The one translation unit that compiles toml++'s implementation (see CMakeLists.txt).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
