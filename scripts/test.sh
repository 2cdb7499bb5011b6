#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up the machine and runs Postern's whole test suite (this is what CI runs):
#   1. AddressSanitizer + UBSan build (warnings as errors) and every CTest test,
#   2. link check: workstation binaries link no network library, the uploader no GUI library,
#   3. libFuzzer build of the fuzz targets and a short run of each over its seed corpus.
# Exits non-zero on the first failure.
#
# Every test runs once, under the sanitizers: an earlier layout also built the `dev` preset
# and ran the whole suite there first, which doubled the build and the test time (CI took
# 55 minutes) and found nothing the sanitizer run did not. The `dev` preset stays what
# developers build day to day (docs/development.md).
#
# Developer toggles (CI uses none): POSTERN_SKIP_FUZZ=1, POSTERN_FUZZ_SECONDS=N (per fuzz
# target, default 20).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=2

current="start"
# Each step line says how long the suite has run so far (CI's budget is the whole run).
started=$SECONDS
step() { current=$*; printf '\n==== %s (at %d min %02d s)\n' "$*" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }
die() { printf '\ntest.sh: FAILED: %s\n' "$*" >&2; exit 1; }
trap 'printf "\ntest.sh: FAILED in step: %s\n" "$current" >&2' ERR

step "setup"
./scripts/setup.sh

fuzz_enabled=1
if [ "${POSTERN_SKIP_FUZZ:-0}" = 1 ] || [ ! -f tests/fuzz/CMakeLists.txt ]; then fuzz_enabled=0; fi

step "asan build and tests"
cmake --preset asan
# Work that needs none of the asan binaries starts now in the background: the fuzz build, at
# the lowest CPU priority, so it only takes what the asan build and tests leave idle (ninja's
# single-threaded links of the big test programs, tests waiting for a Node server; step 3
# waits for it), and the PDS tests' npm install (its lock makes the PDS tests wait for it; if
# it fails they run it again and report why).
background=()
trap 'kill "${background[@]}" 2>/dev/null || true' EXIT
if [ "$fuzz_enabled" = 1 ]; then
    # Only the fuzz targets and what they link (tests/fuzz/CMakeLists.txt: `fuzzers`); the
    # GUI, the CLI and the bench are built and tested by the asan stage.
    (cmake --preset fuzz && nice -n 19 cmake --build --preset fuzz -j"$jobs" --target fuzzers) \
        >build/fuzz-build.log 2>&1 &
    fuzz_build=$!
    background+=("$fuzz_build")
fi
# The npm install runs at normal priority: it is mostly download and unpacking, and at the
# lowest priority it took 14 minutes behind the build and held the PDS tests back.
if command -v npm >/dev/null; then
    tests/pds/install.sh build/asan/tests/pds/node >build/pds-install.log 2>&1 &
    background+=($!)
fi
cmake --build --preset asan -j"$jobs"
ctest --preset asan

# --- link check -------------------------------------------------------------------------
# The configure-time check (cmake/PosternLayering.cmake) looks at the target graph; this one
# looks at what the built binaries really load.
# No `grep -q` here: it exits at the first match, ninja then dies of SIGPIPE, and with
# pipefail the target would wrongly count as absent (a fuzzer or link check silently skipped).
has_target() {
    local targets
    targets=$(ninja -C "build/$1" -t targets all 2>/dev/null) || return 1
    grep -q "^$2:" <<<"$targets"
}

check_links() { # preset target binary forbidden-regex what
    local preset=$1 target=$2 binary=$3 forbidden=$4 what=$5 bad
    if ! has_target "$preset" "$target"; then
        echo "link check: $target is not part of the build yet, skipped"
        return 0
    fi
    [ -x "$binary" ] || die "$target is a build target but $binary was not built"
    bad=$(ldd "$binary" | grep -iE "$forbidden" || true)
    if [ -n "$bad" ]; then
        printf 'link check: %s links a %s, which it must never do:\n%s\n' "$binary" "$what" "$bad" >&2
        die "layering invariant broken by $binary"
    fi
    echo "link check: $binary links no $what"
}

step "link check (air gap and GUI-free uploader)"
check_links asan postern-cli build/asan/src/cli/postern-cli 'Qt6Network|libcurl' "network library"
check_links asan postern build/asan/src/app/postern 'Qt6Network|libcurl' "network library"
check_links asan postern-uploader build/asan/src/uploader/postern-uploader 'Qt6Widgets|Qt6Gui' "GUI library"

# --- fuzzers ------------------------------------------------------------------------------
# fuzz_one runs one target over a copy of its seed corpus; its verdict lands in $work/status.
fuzz_one() { # fuzzer work seconds
    local fuzzer=$1 work=$2 seconds=$3 name
    name=$(basename "$fuzzer")
    # -timeout: an input that runs for a minute is reported as a hang, not waited for.
    if "$fuzzer" -max_total_time="$seconds" -timeout=60 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1; then
        echo ok >"$work/status"
    else
        echo failed >"$work/status"
    fi
}

run_fuzzers() {
    local fuzz_dir=build/fuzz/tests/fuzz seconds=${POSTERN_FUZZ_SECONDS:-20} found=0 failed=()
    local run_dir=build/fuzz/run fuzzer name work running=0
    rm -rf "$run_dir"
    for fuzzer in "$fuzz_dir"/fuzz_*; do
        name=$(basename "$fuzzer")
        # Only current targets: a binary left over from a removed target is not run.
        if [ ! -x "$fuzzer" ] || ! has_target fuzz "$name"; then continue; fi
        found=$((found + 1))
        work="$run_dir/$name"
        mkdir -p "$work/corpus" "$work/artifacts"
        # Fuzz a copy of the seed corpus: the run adds inputs, and the repo must stay unchanged.
        if [ -d "tests/fuzz/corpus/$name" ]; then
            cp -R "tests/fuzz/corpus/$name/." "$work/corpus/"
        fi
        echo "fuzz: $name for ${seconds}s ($(find "$work/corpus" -type f | wc -l) seed inputs)"
        # One target per core: each fuzzer is single-threaded.
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
        fuzz_one "$fuzzer" "$work" "$seconds" &
        running=$((running + 1))
    done
    wait || true
    [ "$found" -gt 0 ] || die "fuzz build produced no $fuzz_dir/fuzz_* binary"
    for work in "$run_dir"/fuzz_*; do
        name=$(basename "$work")
        if [ "$(cat "$work/status" 2>/dev/null)" = ok ]; then
            echo "fuzz: $name: $(grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/log" | tr '\n' ' ')"
        else
            tail -n 60 "$work/log" >&2
            echo "fuzz: $name failed; full log and reproducer(s) in $work/" >&2
            failed+=("$name")
        fi
    done
    [ "${#failed[@]}" -eq 0 ] || die "fuzz target(s) failed: ${failed[*]}"
    echo "fuzz: $found target(s) ran without a crash"
}

if [ "$fuzz_enabled" = 0 ]; then
    step "fuzz: skipped (POSTERN_SKIP_FUZZ=1 or no tests/fuzz/CMakeLists.txt)"
else
    step "fuzz build and short fuzz runs"
    # The build started in the background with step 1; by now nothing else competes for the
    # CPU, so its low priority no longer slows it.
    wait "$fuzz_build" || { tail -n 60 build/fuzz-build.log >&2; die "the fuzz build failed (build/fuzz-build.log)"; }
    # Every fuzz target of the build graph must have been built by `fuzzers`, or it would be
    # skipped below without a word.
    fuzz_targets=$(ninja -C build/fuzz -t targets all) || die "cannot list the fuzz build's targets"
    for name in $(sed -nE 's|^tests/fuzz/(fuzz_[A-Za-z0-9_]+): CXX_EXECUTABLE_LINKER.*|\1|p' <<<"$fuzz_targets"); do
        [ -x "build/fuzz/tests/fuzz/$name" ] || die "fuzz target $name was not built by the fuzzers target"
    done
    run_fuzzers
fi

step "all test stages passed"
