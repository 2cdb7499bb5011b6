# Every dependency comes from Debian 12 packages (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
# CLI11 (libcli11-dev, header-only): the argument parser of both command lines, linked only by
# postern_clikit, privately (src/clikit).
find_package(CLI11 2.1 REQUIRED)
if(POSTERN_BUILD_TESTS)
    find_package(Catch2 2.13 REQUIRED)
    include(Catch)
endif()
# Qt Core for the core libraries that need text boundaries, normalisation and regular
# expressions (postern_compose). Core libraries never link Gui, Widgets or Network.
find_package(Qt6 6.4 REQUIRED COMPONENTS Core)
# The workstation GUI (src/gui, src/app) and its Qt Test based tests. Widgets pulls in Gui.
find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets)
if(POSTERN_BUILD_TESTS)
    find_package(Qt6 6.4 REQUIRED COMPONENTS Test)
endif()
# Qt Network: only the uploader's net room (src/uploader/net) links it; the layering check keeps it
# away from the workstation, the core libraries and the other uploader rooms.
find_package(Qt6 6.4 REQUIRED COMPONENTS Network)
