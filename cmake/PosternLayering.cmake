# SPDX-License-Identifier: GPL-3.0-or-later
# Configure-time layering check (docs/architecture.md, "How the rules are enforced").
#
# Included once, at the very end of the root CMakeLists.txt, when every target exists. It walks
# the link graph of each checked target: LINK_LIBRARIES (PUBLIC and PRIVATE) of our own
# targets, INTERFACE_LINK_LIBRARIES of everything, recursively, generator expressions such as
# $<LINK_ONLY:...> included. Any dependency whose name matches a forbidden pattern stops the
# configure step with the path that brought it in. Targets that do not exist yet are skipped.
#
#   workstation (postern, postern-cli,              no network library: Qt Network, libcurl
#   postern_cli_app, postern_gui, and postern-bench,
#   which drives the GUI)
#   uploader (postern-uploader, postern_uploader_*)  no GUI library: Qt Gui, Qt Widgets, postern_gui
#   uploader rooms other than postern_uploader_net   a network library only through
#                                                    postern_uploader_net, never linked directly
#   postern_uploader_ledger, postern_uploader_publish  no network library at all, not even
#                                                    through postern_uploader_net: the ledger and
#                                                    the publish service cannot open a socket
#   core libraries (postern_util ... postern_store,  neither of the two
#     postern_system, postern_workflow)
#   the command-line kit (postern_clikit)            no Qt at all, no network library: both
#                                                    command lines share it
#
# The uploader's libraries are found by name (postern_uploader_*) in every directory, so a new
# room or platform is checked without being listed here. tests/layering proves that each rule
# fails a configure step that breaks it (CTest test `layering_check`).
#
# Limits: an imported target that is visible only in a subdirectory (find_package called there)
# is matched by name but not walked into; scripts/test.sh also checks the built binaries with ldd.

set(POSTERN_WORKSTATION_TARGETS postern postern-cli postern_cli_app postern_gui postern-bench)
set(POSTERN_UPLOADER_TARGETS postern-uploader)
# The network gateway of the uploader, and the rooms that must not reach it (see above).
set(POSTERN_UPLOADER_NET_TARGET postern_uploader_net)
set(POSTERN_UPLOADER_OFFLINE_TARGETS postern_uploader_ledger postern_uploader_publish)
set(POSTERN_CORE_TARGETS postern_util postern_media postern_crypto postern_domain postern_compose postern_bundle postern_store
    postern_system postern_workflow)
# The kit both command lines share (src/clikit): standard C++ and CLI11 only.
set(POSTERN_CLIKIT_TARGETS postern_clikit)

set(POSTERN_NETWORK_LINK_REGEX "[Nn]etwork|[Cc][Uu][Rr][Ll]")
set(POSTERN_GUI_LINK_REGEX "Qt[0-9]*(::)?(Gui|Widgets|OpenGL)|^postern_gui$")
set(POSTERN_QT_LINK_REGEX "^Qt[0-9]*(::)?[A-Za-z]")

# _postern_layering_visit(<item> <chain> <regex>): check one link item, then what it links.
# Targets in _POSTERN_LAYERING_GATEWAYS (a global property) are allowed to bring in what the
# regex forbids: they are neither matched nor walked into.
function(_postern_layering_visit item chain regex)
    if(item MATCHES "^::@")
        return() # directory markers CMake adds when target_link_libraries is called elsewhere
    endif()
    if(item MATCHES "\\$<")
        # A generator expression: check every name in it, whatever the condition.
        string(REGEX MATCHALL "[A-Za-z0-9_.+-]+(::[A-Za-z0-9_.+-]+)*" names "${item}")
        foreach(name IN LISTS names)
            _postern_layering_visit("${name}" "${chain}" "${regex}")
        endforeach()
        return()
    endif()
    if(chain)
        set(path "${chain} -> ${item}")
    else()
        set(path "${item}")
    endif()
    if(item MATCHES "${regex}")
        set_property(GLOBAL APPEND PROPERTY _POSTERN_LAYERING_VIOLATIONS "${path}")
        return()
    endif()
    if(NOT TARGET "${item}")
        return() # a plain library name, path or flag: its name was matched above
    endif()

    get_target_property(real "${item}" ALIASED_TARGET)
    if(NOT real)
        set(real "${item}")
    endif()
    get_property(gateways GLOBAL PROPERTY _POSTERN_LAYERING_GATEWAYS)
    if(real IN_LIST gateways)
        return()
    endif()
    get_property(seen GLOBAL PROPERTY _POSTERN_LAYERING_SEEN)
    if(real IN_LIST seen)
        return()
    endif()
    set_property(GLOBAL APPEND PROPERTY _POSTERN_LAYERING_SEEN "${real}")

    set(links "")
    get_target_property(imported "${real}" IMPORTED)
    if(NOT imported)
        get_target_property(direct "${real}" LINK_LIBRARIES)
        if(direct)
            list(APPEND links ${direct})
        endif()
    endif()
    get_target_property(interface "${real}" INTERFACE_LINK_LIBRARIES)
    if(interface)
        list(APPEND links ${interface})
    endif()
    foreach(link IN LISTS links)
        _postern_layering_visit("${link}" "${path}" "${regex}")
    endforeach()
endfunction()

# _postern_layering_check(<regex> <rule> <targets...>): walk each existing target.
# Optional GATEWAYS <targets...> (after the targets) are allowed to bring in what regex forbids.
function(_postern_layering_check regex rule)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "" "" "GATEWAYS")
    set_property(GLOBAL PROPERTY _POSTERN_LAYERING_GATEWAYS "${ARG_GATEWAYS}")
    set(checked "")
    foreach(target IN LISTS ARG_UNPARSED_ARGUMENTS)
        if(NOT TARGET "${target}")
            continue()
        endif()
        list(APPEND checked "${target}")
        set_property(GLOBAL PROPERTY _POSTERN_LAYERING_SEEN "")
        set_property(GLOBAL PROPERTY _POSTERN_LAYERING_VIOLATIONS "")
        _postern_layering_visit("${target}" "" "${regex}")
        get_property(violations GLOBAL PROPERTY _POSTERN_LAYERING_VIOLATIONS)
        list(REMOVE_DUPLICATES violations)
        if(violations)
            list(JOIN violations "\n  " lines)
            message(FATAL_ERROR
                "Layering violation: ${rule}. Offending link path(s):\n  ${lines}\n"
                "See docs/architecture.md (\"Dependency rules\").")
        endif()
    endforeach()
    if(checked)
        list(JOIN checked ", " names)
        message(STATUS "Layering check passed (${rule}): ${names}")
    endif()
endfunction()

# _postern_uploader_libraries(<out> <dir>): every postern_uploader_* target under <dir>.
function(_postern_uploader_libraries out dir)
    set(found "")
    get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
        if(target MATCHES "^postern_uploader_")
            list(APPEND found "${target}")
        endif()
    endforeach()
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    foreach(subdir IN LISTS subdirs)
        _postern_uploader_libraries(more "${subdir}")
        list(APPEND found ${more})
    endforeach()
    set(${out} "${found}" PARENT_SCOPE)
endfunction()

function(postern_check_layering)
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}"
        "the workstation must link no network library (Qt Network, libcurl)"
        ${POSTERN_WORKSTATION_TARGETS})
    _postern_uploader_libraries(uploader_libraries "${CMAKE_SOURCE_DIR}")
    _postern_layering_check("${POSTERN_GUI_LINK_REGEX}"
        "the uploader must link no GUI library (Qt Gui, Qt Widgets)"
        ${POSTERN_UPLOADER_TARGETS} ${uploader_libraries})
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}|^${POSTERN_UPLOADER_NET_TARGET}$"
        "the uploader's ledger and publish service must not reach the network, not even through ${POSTERN_UPLOADER_NET_TARGET} (they talk to platforms through PublishAdapter)"
        ${POSTERN_UPLOADER_OFFLINE_TARGETS})
    # Checked after the offline rooms, so a ledger or publish room that links Qt Network is
    # reported by their own rule rather than through a room above them.
    set(online ${POSTERN_UPLOADER_TARGETS} ${uploader_libraries})
    list(REMOVE_ITEM online ${POSTERN_UPLOADER_NET_TARGET} ${POSTERN_UPLOADER_OFFLINE_TARGETS})
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}"
        "only ${POSTERN_UPLOADER_NET_TARGET} may link a network library (Qt Network): other uploader rooms reach it through ${POSTERN_UPLOADER_NET_TARGET}"
        ${online} GATEWAYS ${POSTERN_UPLOADER_NET_TARGET})
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}|${POSTERN_GUI_LINK_REGEX}"
        "core libraries must link neither Qt Gui/Widgets nor a network library"
        ${POSTERN_CORE_TARGETS})
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}|${POSTERN_GUI_LINK_REGEX}|${POSTERN_QT_LINK_REGEX}"
        "the command-line kit must link no Qt and no network library"
        ${POSTERN_CLIKIT_TARGETS})
endfunction()

postern_check_layering()
