# One INTERFACE target carries the language standard, warnings and hardening flags for every
# Postern target (the qBittorrent CommonConfig pattern): no directory-wide flags anywhere.
add_library(postern_common INTERFACE)
target_compile_features(postern_common INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(postern_common INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wcast-qual -Wformat=2 -Wnon-virtual-dtor
    -Woverloaded-virtual -Wold-style-cast -Wconversion -Wno-sign-conversion
    -fstack-protector-strong -fno-strict-aliasing)
if(POSTERN_WERROR)
    target_compile_options(postern_common INTERFACE -Werror)
endif()

# _FORTIFY_SOURCE needs optimisation; sanitizer builds leave it off (it confuses ASan).
if(NOT POSTERN_SANITIZE)
    target_compile_definitions(postern_common INTERFACE
        $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2> _GLIBCXX_ASSERTIONS)
endif()
target_link_options(postern_common INTERFACE -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)

# Qt's strictness switches, for every target that uses Qt: no silent conversion between char*
# or QByteArray and QString (each conversion names its encoding: QStringLiteral, fromUtf8,
# toUtf8), no narrowing conversion in a signal-slot connect(), and no API Qt deprecated up to
# the version Debian 12 ships. QT_DISABLE_DEPRECATED_UP_TO is the name from Qt 6.5 on;
# Qt 6.4 reads QT_DISABLE_DEPRECATED_BEFORE.
target_compile_definitions(postern_common INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_DISABLE_DEPRECATED_UP_TO=0x060400 QT_DISABLE_DEPRECATED_BEFORE=0x060400)

if(POSTERN_SANITIZE)
    target_compile_options(postern_common INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(postern_common INTERFACE -fsanitize=address,undefined)
endif()

# Fuzz builds instrument every library for coverage; only the fuzz executables link the
# libFuzzer main (tests/fuzz/CMakeLists.txt).
if(POSTERN_BUILD_FUZZERS)
    target_compile_options(postern_common INTERFACE -fsanitize=fuzzer-no-link)
endif()
