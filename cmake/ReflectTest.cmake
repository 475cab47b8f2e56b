# reflect_test(NAME <module> LIBS <libs...> [TIMEOUT <seconds>])
#
# One unit test per module, in the tests/unit/<layer>/ folder that mirrors
# the module's folder (server/<layer>/, common/, client/cli/...): from the
# current source folder, builds test_<module>.c into test_<layer>_<module>,
# links Criterion and LIBS, and registers it with ctest as
# unit_<layer>_<module> (run with --jobs 2, 300 s unless TIMEOUT says).
# LIBS should be the lowest library that has what the test exercises, so
# the tests prove the layering too (a domain test links reflectd_domain and
# nothing above it). A module listed without its source fails configuration.
function(reflect_test)
  cmake_parse_arguments(RT "" "NAME;TIMEOUT" "LIBS" ${ARGN})
  if(NOT RT_NAME)
    message(FATAL_ERROR "reflect_test: NAME is required")
  endif()
  if(RT_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "reflect_test(${RT_NAME}): unexpected arguments ${RT_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT RT_TIMEOUT)
    set(RT_TIMEOUT 300)
  endif()
  get_filename_component(layer ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/test_${RT_NAME}.c)
  file(RELATIVE_PATH shown ${PROJECT_SOURCE_DIR} ${src})
  if(NOT EXISTS ${src})
    message(FATAL_ERROR "${shown} is listed but missing")
  endif()
  set(target test_${layer}_${RT_NAME})
  add_executable(${target} ${src})
  target_link_libraries(${target} PRIVATE PkgConfig::CRITERION ${RT_LIBS})
  add_test(NAME unit_${layer}_${RT_NAME} COMMAND ${target} --jobs 2)
  set_tests_properties(unit_${layer}_${RT_NAME} PROPERTIES TIMEOUT ${RT_TIMEOUT})
endfunction()
