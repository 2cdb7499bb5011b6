// SPDX-License-Identifier: GPL-3.0-or-later
// Log lines carry outside strings (file names, platform answers): none may forge a line.
#include "postern/util/FileIO.h"
#include "postern/util/Log.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace postern;

TEST_CASE("escapeForLog makes control, bidi and malformed bytes visible", "[log]")
{
    CHECK(escapeForLog("plain text, ünïcode ✓") == "plain text, ünïcode ✓");
    CHECK(escapeForLog("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d");
    CHECK(escapeForLog(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(escapeForLog("\x7f") == "\\x7f");
    CHECK(escapeForLog("\xc2\x85") == "\\x85");             // NEL, a C1 control
    CHECK(escapeForLog("evil\xe2\x80\xaegpj.exe") == "evil\\u202egpj.exe"); // right-to-left override
    CHECK(escapeForLog("\xe2\x80\xa8") == "\\u2028");       // line separator
    CHECK(escapeForLog("\xff\xfe") == "\\xff\\xfe");         // not UTF-8
    CHECK(escapeForLog("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
    CHECK(escapeForLog("\xe2\x82") == "\\xe2\\x82");         // cut short
}

TEST_CASE("a file name cannot plant a forged line in the log", "[log]")
{
    test::TempDir dir;
    LogOptions options;
    options.level = "info";
    options.console = false;
    options.file = dir / "test.log";
    REQUIRE(initLogging("postern-test", options).ok());
    const std::string name = "x\n2026-01-01T00:00:00.000Z postern-uploader info: FORGED.postern";
    spdlog::info("watch: publishing {}", name);
    spdlog::default_logger()->flush();
    std::ifstream in(options.file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string log = text.str();
    CHECK(std::count(log.begin(), log.end(), '\n') == 1);
    CHECK(log.find("x\\x0a2026-01-01T00:00:00.000Z postern-uploader info: FORGED.postern") != std::string::npos);
    spdlog::drop_all();
}
