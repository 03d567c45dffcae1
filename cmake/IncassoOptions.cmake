option(INCASSO_BUILD_TESTS "Build the test suite" ON)
option(INCASSO_BUILD_BENCHMARKS "Build the benchmarks in bench/" ON)
option(INCASSO_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(INCASSO_WERROR "Treat warnings as errors" OFF)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(incasso_warnings INTERFACE)
target_compile_options(incasso_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wconversion -Wno-sign-conversion -Wimplicit-fallthrough)
if(INCASSO_WERROR)
  target_compile_options(incasso_warnings INTERFACE -Werror)
endif()

if(INCASSO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# incasso_add_library(name SOURCES ... DEPS ...): one static library per module.
function(incasso_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE incasso_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# incasso_add_test(name SOURCES ... DEPS ... [LABELS ...]): one GoogleTest executable registered with CTest.
function(incasso_add_test name)
  if(NOT INCASSO_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main incasso_warnings)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
