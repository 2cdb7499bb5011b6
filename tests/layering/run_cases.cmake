# cmake -DPOSTERN_SOURCE_DIR=<repo> -DWORK_DIR=<dir> [-DGENERATOR=Ninja] -P run_cases.cmake
# Configures tests/layering once per case: every broken graph must stop the configure step
# with "Layering violation" naming the rule, and the valid one must pass.
foreach(var POSTERN_SOURCE_DIR WORK_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "${var} is required")
    endif()
endforeach()

# case name, then a regex its output must match ("" = the configure must succeed)
set(cases
    "valid|"
    "publish_links_network|ledger and publish service must not reach the network.*postern_uploader_publish -> Qt6::Network"
    "ledger_links_network|ledger and publish service must not reach the network.*postern_uploader_ledger -> Qt6::Network"
    "publish_links_net|ledger and publish service must not reach the network.*postern_uploader_publish -> postern_uploader_net"
    "platform_links_network|only postern_uploader_net may link a network library.*postern_uploader_bluesky -> Qt6::Network"
    "new_room_links_network|only postern_uploader_net may link a network library.*postern_uploader_threads"
    "app_links_widgets|must link no GUI library.*postern_uploader_app -> Qt6::Widgets"
    "cli_links_network|workstation must link no network library.*postern-cli -> Qt6::Network"
    "bench_links_network|workstation must link no network library.*postern-bench -> Qt6::Network"
    "cli_app_links_network|workstation must link no network library.*postern_cli_app -> Qt6::Network"
    "clikit_links_qt|command-line kit must link no Qt.*postern_clikit -> Qt6::Core")

set(generator "")
if(GENERATOR)
    set(generator -G "${GENERATOR}")
endif()
set(failures "")
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(entry IN LISTS cases)
    string(FIND "${entry}" "|" bar)
    string(SUBSTRING "${entry}" 0 ${bar} name)
    math(EXPR start "${bar} + 1")
    string(SUBSTRING "${entry}" ${start} -1 expected)
    # One build folder for every case: the compiler is detected once, and -DCASE replaces the
    # cached case (a failed configure still writes its cache).
    set(bin "${WORK_DIR}")
    execute_process(
        COMMAND "${CMAKE_COMMAND}" -S "${POSTERN_SOURCE_DIR}/tests/layering" -B "${bin}" ${generator}
                "-DCASE=${name}" "-DPOSTERN_CMAKE_DIR=${POSTERN_SOURCE_DIR}/cmake"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    # CMake wraps long messages: compare with all white space folded to one space.
    string(REGEX REPLACE "[ \t\r\n]+" " " text "${out} ${err}")
    if(expected STREQUAL "")
        if(NOT rc EQUAL 0)
            list(APPEND failures "${name}: the valid graph failed to configure:\n${out}${err}")
        endif()
    elseif(rc EQUAL 0)
        list(APPEND failures "${name}: configured although the graph breaks a rule")
    elseif(NOT text MATCHES "Layering violation: .*${expected}")
        list(APPEND failures "${name}: failed, but not with the expected violation (${expected}):\n${out}${err}")
    else()
        message(STATUS "${name}: refused as expected")
    endif()
endforeach()
if(failures)
    list(JOIN failures "\n" lines)
    message(FATAL_ERROR "${lines}")
endif()
message(STATUS "every layering case behaved as expected")
