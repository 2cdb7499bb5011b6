// SPDX-License-Identifier: GPL-3.0-or-later
// postern-vectors: writes the conformance vectors of docs/bundle-format.md into a directory
// (tests/vectors in the source tree). See tests/vectors/README.md.
#include "VectorKit.h"

#include <cstdio>

int main(int argc, char** argv)
{
    using namespace postern::vectors;
    if (argc != 2) {
        std::fprintf(stderr, "usage: postern-vectors DIR\n");
        return 2;
    }
    useDeterministicRandom();
    Kit kit;
    Writer out(argv[1]);
    generateBundles(kit, out);
    generateDocuments(kit, out);
    generateReports(kit, out);
    int total = 0;
    for (const auto& [dir, n] : out.counts()) {
        std::printf("%-24s %d\n", dir.c_str(), n);
        total += n;
    }
    std::printf("%-24s %d\n", "total", total);
    return 0;
}
