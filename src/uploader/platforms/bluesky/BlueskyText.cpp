// SPDX-License-Identifier: GPL-3.0-or-later
// Facet detection and record keys for Bluesky: pure functions, tested without a server.
#include "postern/uploader/platforms/bluesky/BlueskyText.h"

#include "postern/crypto/Crypto.h"
#include "postern/util/Checked.h"

#include <algorithm>

namespace postern::uploader {

namespace {

constexpr std::string_view kTidAlphabet = "234567abcdefghijklmnopqrstuvwxyz";

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/** startsToken: a tag or mention may start at the beginning, after whitespace or '('. */
bool startsToken(std::string_view text, std::size_t at)
{
    return at == 0 || isSpace(text[at - 1]) || text[at - 1] == '(';
}

/** tokenEnd returns the end of a run of non-whitespace bytes starting at `at`. */
std::size_t tokenEnd(std::string_view text, std::size_t at)
{
    while (at < text.size() && !isSpace(text[at]))
        ++at;
    return at;
}

/** trimTrailing drops trailing punctuation, and a ')' that closes nothing inside the span. */
std::size_t trimTrailing(std::string_view text, std::size_t start, std::size_t end)
{
    while (end > start) {
        const char c = text[end - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '"') {
            --end;
            continue;
        }
        if (c == ')') {
            const auto span = text.substr(start, end - start);
            if (std::count(span.begin(), span.end(), '(') < std::count(span.begin(), span.end(), ')')) {
                --end;
                continue;
            }
        }
        break;
    }
    return end;
}

bool isHandleChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

} // namespace

std::vector<FacetSpan> detectFacets(std::string_view text)
{
    std::vector<FacetSpan> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto rest = text.substr(at);
        if ((rest.rfind("https://", 0) == 0 || rest.rfind("http://", 0) == 0) && startsToken(text, at)) {
            const std::size_t end = trimTrailing(text, at, tokenEnd(text, at));
            const std::size_t scheme = rest.rfind("https://", 0) == 0 ? 8 : 7;
            if (end > at + scheme) {
                out.push_back({FacetKind::Link, at, end, std::string(text.substr(at, end - at))});
                at = end;
                continue;
            }
        }
        if (text[at] == '#' && startsToken(text, at)) {
            std::size_t end = tokenEnd(text, at + 1);
            end = std::min(end, text.find('#', at + 1) == std::string_view::npos ? end : text.find('#', at + 1));
            end = trimTrailing(text, at + 1, end);
            const auto tag = text.substr(at + 1, end - at - 1);
            const bool allDigits = std::all_of(tag.begin(), tag.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!tag.empty() && tag.size() <= 64 && !allDigits) {
                out.push_back({FacetKind::Tag, at, end, std::string(tag)});
                at = end;
                continue;
            }
        }
        if (text[at] == '@' && startsToken(text, at)) {
            std::size_t end = at + 1;
            while (end < text.size() && isHandleChar(text[end]))
                ++end;
            end = trimTrailing(text, at + 1, end);
            while (end > at + 1 && (text[end - 1] == '-' || text[end - 1] == '.'))
                --end;
            const auto handle = text.substr(at + 1, end - at - 1);
            // A handle is a domain name: at least one dot, no empty label, at most 253 bytes.
            if (handle.find('.') != std::string_view::npos && handle.find("..") == std::string_view::npos
                && handle.front() != '.' && handle.size() <= 253) {
                out.push_back({FacetKind::Mention, at, end, std::string(handle)});
                at = end;
                continue;
            }
        }
        ++at;
    }
    return out;
}

bool isValidTid(std::string_view tid) noexcept
{
    if (tid.size() != 13 || kTidAlphabet.substr(0, 16).find(tid[0]) == std::string_view::npos)
        return false;
    return std::all_of(tid.begin(), tid.end(), [](char c) { return kTidAlphabet.find(c) != std::string_view::npos; });
}

Result<std::string>
recordKeyFor(const bundle::BundleId& bundleId, std::int64_t created, std::size_t postIndex, std::size_t channelIndex)
{
    if (postIndex >= 15625 || channelIndex >= 64)
        return fail(Errc::BadValue, "a bundle can publish at most 15625 posts with 64 channels each to Bluesky");
    if (created < 0 || created >= (std::int64_t{1} << 53) / 1000000)
        return fail(Errc::BadValue, "the bundle's creation time is out of the TID range");
    // created is 0 .. 2^53 / 10^6 (checked above) and postIndex * 64 + channelIndex < 10^6, so the
    // microseconds fit in 53 bits; checkedMul keeps that true should the range check ever change.
    const auto scaled = checkedMul<std::uint64_t>(static_cast<std::uint64_t>(created), 1000000u);
    if (!scaled)
        return fail(Errc::BadValue, "the bundle's creation time is out of the TID range");
    const std::uint64_t micros = *scaled + postIndex * 64u + channelIndex;
    const crypto::Digest h = crypto::blake2b256("postern-bluesky-rkey-v1", bundleId);
    const std::uint64_t clockId = ((std::uint64_t{h[0]} << 8) | h[1]) >> 6; // 10 bits
    const std::uint64_t value = (micros << 10) | clockId;                   // top bit stays 0 (53 + 10 bits)
    std::string tid(13, '2');
    for (int i = 12; i >= 0; --i)
        tid[static_cast<std::size_t>(i)] = kTidAlphabet[(value >> (5 * (12 - i))) & 31];
    return tid;
}

} // namespace postern::uploader
