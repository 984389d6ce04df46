# Reads every include line of okr's sources and public headers and fails, naming each offending
# line, where one runs up a layer. Run by CTest (layers/includes):
#   cmake -DOKR_SOURCE_DIR=. -P tests/layers/check_includes.cmake
set(layers util core io report lsp cli) # each may include only itself and those before it
set(problems "")
file(GLOB_RECURSE files RELATIVE ${OKR_SOURCE_DIR}
     ${OKR_SOURCE_DIR}/src/*.cpp ${OKR_SOURCE_DIR}/src/*.hpp ${OKR_SOURCE_DIR}/src/*.in
     ${OKR_SOURCE_DIR}/include/okr/*.hpp)
foreach(file IN LISTS files)
  if(file MATCHES "^(src|include/okr)/([a-z]+)/")
    set(layer ${CMAKE_MATCH_2})
  else()
    continue() # src/main.cpp: the executable, above every layer
  endif()
  list(FIND layers ${layer} rank)
  file(STRINGS ${OKR_SOURCE_DIR}/${file} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(line MATCHES "\"okr/([a-z]+)/")
      list(FIND layers ${CMAKE_MATCH_1} used)
      if(used GREATER rank)
        string(APPEND problems "${file}: ${line}: ${layer} includes ${CMAKE_MATCH_1}, a layer above it\n")
      endif()
    endif()
    if(line MATCHES "\"\\.\\./")
      string(APPEND problems "${file}: ${line}: another folder's header by a relative path\n")
    endif()
    if(line MATCHES "<toml\\+\\+/" AND NOT file MATCHES "^src/io/")
      string(APPEND problems "${file}: ${line}: toml++ outside src/io (it is private to okr_io)\n")
    endif()
    # nlohmann/json is the heaviest header there is: one file reads JSON for all of okr.
    if(line MATCHES "<nlohmann/" AND NOT file STREQUAL "src/util/json_read.cpp")
      string(APPEND problems "${file}: ${line}: nlohmann/json outside src/util/json_read.cpp "
                             "(read JSON with util::json::parse or util::json::read)\n")
    endif()
    # A file that includes CLI11 takes seconds more to compile: commands declare their options
    # through cli/command_line.hpp.
    if(line MATCHES "<CLI/" AND NOT file MATCHES "^src/cli/(command_line|app|completion|merge)\\.cpp$")
      string(APPEND problems "${file}: ${line}: CLI11 outside command_line.cpp, app.cpp, "
                             "completion.cpp and merge.cpp (declare options with cli/command_line.hpp)\n")
    endif()
  endforeach()
  # core is pure: today's date comes from the CLI (cli/app.cpp reads the clock).
  if(layer STREQUAL "core")
    file(STRINGS ${OKR_SOURCE_DIR}/${file} clock
         REGEX "std::time\\(|[^_a-z]time\\(nullptr|localtime|gmtime|clock_gettime|system_clock|<ctime>")
    foreach(line IN LISTS clock)
      string(APPEND problems "${file}: ${line}: core reads the clock\n")
    endforeach()
  endif()
endforeach()
list(LENGTH files count)
if(problems)
  message(FATAL_ERROR "include lines that break the layers (ARCHITECTURE.md):\n${problems}")
endif()
message(STATUS "${count} files: every include stays in its layer or below")
