// SPDX-License-Identifier: GPL-3.0-or-later
// The tolerant reader for platform answers (src/uploader/net/PlatformJson.cpp): Qt's QJsonDocument
// under our caps, the tree with paths, every strict reader, and the conversion back to
// canonical JSON. Checks the promises adapters rely on, not just "does not crash".
#include "postern/uploader/net/PlatformJson.h"

#include <cstdlib>
#include <limits>

namespace {

using postern::uploader::PlatformJson;

void visit(const PlatformJson& v, std::size_t depth, const postern::uploader::PlatformLimits& limits)
{
    if (depth > limits.maxDepth || v.path().empty() || v.path().front() != '$')
        std::abort();
    if (v.isObject()) {
        for (const auto& [key, member] : v.asObject()) {
            // find() answers for every key of the tree; null members read as absent.
            const PlatformJson* found = v.find(key);
            if (member.type() == PlatformJson::Type::Null ? found != nullptr : found == nullptr)
                std::abort();
            (void)v.string(key);
            (void)v.optionalString(key);
            (void)v.nonEmptyString(key);
            if (auto n = v.integer(key, -5, 5); n && (*n < -5 || *n > 5))
                std::abort();
            (void)v.optionalInteger(key, 0, std::numeric_limits<std::int64_t>::max());
            (void)v.boolean(key);
            (void)v.object(key);
            (void)v.optionalArray(key);
            visit(member, depth + 1, limits);
        }
        (void)v.string("");
    } else if (v.isArray()) {
        for (const auto& item : v.asArray())
            visit(item, depth + 1, limits);
    }
    // An error always names this value's path.
    const auto e = v.error({}, "fuzz");
    if (e.message.find(v.path()) == std::string::npos)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    postern::uploader::PlatformLimits limits;
    limits.maxBytes = 1u << 16;
    limits.maxDepth = 20;
    limits.maxValues = 5000;
    auto doc = PlatformJson::parse(text, "fuzz", limits);
    if (!doc) {
        if (doc.error().message.rfind("fuzz: ", 0) != 0)
            std::abort(); // every error starts with the answer's name
        return 0;
    }
    if (!doc->isObject() && !doc->isArray())
        std::abort(); // QJsonDocument takes only an object or an array at the top
    visit(*doc, 1, limits);
    if (auto canonical = doc->toCanonical()) {
        // What converts must be canonical JSON that our strict parser reads back unchanged.
        const std::string bytes = canonical->serialize();
        auto back = postern::parseCanonicalJson(bytes, postern::JsonLimits{1u << 20, 64, 100000, 1u << 16});
        if (!back || back->serialize() != bytes)
            std::abort();
    }
    return 0;
}
