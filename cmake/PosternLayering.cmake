# SPDX-License-Identifier: GPL-3.0-or-later
# Configure-time layering check (docs/architecture.md, "How the rules are enforced").
#
# Included once, at the very end of the root CMakeLists.txt, when every target exists. It walks
# the link graph of each checked target: LINK_LIBRARIES (PUBLIC and PRIVATE) of our own
# targets, INTERFACE_LINK_LIBRARIES of everything, recursively, generator expressions such as
# $<LINK_ONLY:...> included. Any dependency whose name matches a forbidden pattern stops the
# configure step with the path that brought it in. Targets that do not exist yet are skipped.
#
#   workstation (postern, postern-cli, postern_gui)  no network library: Qt Network, libcurl
#   uploader (postern-uploader)                      no GUI library: Qt Gui, Qt Widgets, postern_gui
#   core libraries (postern_util ... postern_store,  neither of the two
#     postern_system, postern_workflow)
#
# Limits: an imported target that is visible only in a subdirectory (find_package called there)
# is matched by name but not walked into; scripts/test.sh also checks the built binaries with ldd.

set(POSTERN_WORKSTATION_TARGETS postern postern-cli postern_gui)
set(POSTERN_UPLOADER_TARGETS postern-uploader)
set(POSTERN_CORE_TARGETS postern_util postern_media postern_crypto postern_domain postern_compose postern_bundle postern_store
    postern_system postern_workflow)

set(POSTERN_NETWORK_LINK_REGEX "[Nn]etwork|[Cc][Uu][Rr][Ll]")
set(POSTERN_GUI_LINK_REGEX "Qt[0-9]*(::)?(Gui|Widgets|OpenGL)|^postern_gui$")

# _postern_layering_visit(<item> <chain> <regex>): check one link item, then what it links.
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
function(_postern_layering_check regex rule)
    set(checked "")
    foreach(target IN LISTS ARGN)
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

function(postern_check_layering)
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}"
        "the workstation must link no network library (Qt Network, libcurl)"
        ${POSTERN_WORKSTATION_TARGETS})
    _postern_layering_check("${POSTERN_GUI_LINK_REGEX}"
        "the uploader must link no GUI library (Qt Gui, Qt Widgets)"
        ${POSTERN_UPLOADER_TARGETS})
    _postern_layering_check("${POSTERN_NETWORK_LINK_REGEX}|${POSTERN_GUI_LINK_REGEX}"
        "core libraries must link neither Qt Gui/Widgets nor a network library"
        ${POSTERN_CORE_TARGETS})
endfunction()

postern_check_layering()
