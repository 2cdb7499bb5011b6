#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installation and Debian packages (docs/installing.md), checked on the real build tree:
#   1. `cmake --install` places the binaries, desktop file, icon and AppStream metadata;
#   2. `cpack -G DEB` builds postern-workstation and postern-uploader;
#   3. the workstation package depends on no network library and holds no uploader binary;
#      the uploader package depends on no GUI library and holds no workstation binary.
# Usage: packages.sh BUILD_DIR gui|nogui   (whether the `postern` GUI target exists)
set -euo pipefail
build=$(cd "$1" && pwd)
gui=${2:-gui}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "packaging broken: $*" >&2; exit 1; }

# 1. Install into a temporary prefix.
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || {
    cat "$work/install.log" >&2
    fail "cmake --install failed"
}
expect=(bin/postern-cli bin/postern-uploader
    share/applications/org.postern.Postern.desktop
    share/icons/hicolor/scalable/apps/org.postern.Postern.svg
    share/metainfo/org.postern.Postern.metainfo.xml
    share/doc/postern-workstation/copyright share/doc/postern-uploader/copyright)
has_gui=0
if [ "$gui" = gui ]; then
    has_gui=1
    expect+=(bin/postern)
fi
for f in "${expect[@]}"; do
    [ -e "$work/prefix/$f" ] || fail "cmake --install did not place $f"
done
[ -x "$work/prefix/bin/postern-cli" ] || fail "bin/postern-cli is not executable"
grep -qx 'Exec=postern' "$work/prefix/share/applications/org.postern.Postern.desktop" \
    || fail "the desktop file does not start postern"
if command -v appstreamcli >/dev/null 2>&1; then
    appstreamcli validate --no-net "$work/prefix/share/metainfo/org.postern.Postern.metainfo.xml" >"$work/as.log" 2>&1 \
        || { cat "$work/as.log" >&2; fail "AppStream metadata does not validate"; }
fi
echo "ok: cmake --install placed ${#expect[@]} files (GUI binary: $([ $has_gui = 1 ] && echo yes || echo not built))"

# 2. Both Debian packages.
command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing (scripts/setup.sh installs dpkg-dev)"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb") >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log" >&2
    fail "cpack -G DEB failed"
}
ws=$(ls "$work"/deb/postern-workstation_*.deb 2>/dev/null | head -1)
up=$(ls "$work"/deb/postern-uploader_*.deb 2>/dev/null | head -1)
[ -n "$ws" ] || fail "no postern-workstation .deb was built: $(ls "$work/deb")"
[ -n "$up" ] || fail "no postern-uploader .deb was built: $(ls "$work/deb")"
echo "ok: built $(basename "$ws") and $(basename "$up")"

# 3. Dependencies (from dpkg-shlibdeps: what the binaries really load) and contents.
ws_deps=$(dpkg-deb -f "$ws" Depends)
up_deps=$(dpkg-deb -f "$up" Depends)
ws_files=$(dpkg-deb -c "$ws" | awk '{print $NF}')
up_files=$(dpkg-deb -c "$up" | awk '{print $NF}')
echo "postern-workstation Depends: $ws_deps"
echo "postern-uploader Depends: $up_deps"
# Shlibdeps ran (a package with no library dependency at all would mean it silently did not).
grep -q 'libsodium' <<<"$ws_deps" || fail "postern-workstation does not depend on libsodium: shlibdeps did not run?"
grep -q 'libsodium' <<<"$up_deps" || fail "postern-uploader does not depend on libsodium: shlibdeps did not run?"
# The network and GUI library patterns are the ones invariants.sh uses with ldd, as package names.
if grep -iqE 'libqt6network|libcurl|libssh|libnghttp|libgnutls|libssl|libwebsockets' <<<"$ws_deps"; then
    fail "postern-workstation depends on a network library: $ws_deps"
fi
if grep -iqE 'libqt6gui|libqt6widgets|libqt6opengl|libgl1|libx11|libxcb' <<<"$up_deps"; then
    fail "postern-uploader depends on a GUI library: $up_deps"
fi
grep -qE '/usr/bin/postern-uploader$' <<<"$ws_files" && fail "postern-workstation contains postern-uploader"
grep -qE '/usr/bin/postern(-cli)?$' <<<"$up_files" && fail "postern-uploader contains a workstation binary"
grep -qE '/usr/bin/postern-cli$' <<<"$ws_files" || fail "postern-workstation lacks postern-cli"
grep -qE '/usr/bin/postern-uploader$' <<<"$up_files" || fail "postern-uploader lacks postern-uploader"
grep -qE 'share/applications/org.postern.Postern.desktop$' <<<"$ws_files" \
    || fail "postern-workstation lacks its desktop file"
grep -qE 'share/applications/' <<<"$up_files" && fail "postern-uploader contains a desktop file"
if [ $has_gui = 1 ]; then
    grep -qE '/usr/bin/postern$' <<<"$ws_files" || fail "postern-workstation lacks the postern GUI"
    grep -q 'libqt6widgets' <<<"$ws_deps" || fail "postern-workstation does not depend on Qt Widgets"
fi
echo "ok: the workstation package has no network library, the uploader package no GUI library"
