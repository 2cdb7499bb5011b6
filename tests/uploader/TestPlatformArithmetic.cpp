// SPDX-License-Identifier: GPL-3.0-or-later
// Arithmetic on integers that come from a platform's answer or header (issue 11 §1): one test per
// site in src/uploader, with the extremes (INT64_MIN/MAX, negative, 0, huge). A value out of range
// becomes a clamp or a named error, never undefined behaviour or wrap-around.
#include "postern/bundle/BundleFormat.h"
#include "postern/crypto/Keys.h"
#include "postern/uploader/net/AccountCredentials.h"
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/platforms/bluesky/BlueskyText.h"
#include "postern/uploader/platforms/mastodon/MastodonApi.h"
#include "postern/uploader/platforms/tiktok/TikTokApi.h"
#include "postern/uploader/platforms/x/XAnswers.h"
#include "postern/util/Checked.h"
#include "postern/util/Clock.h"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace postern;
using namespace postern::uploader;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
const milliseconds kLongest = seconds(kMaxPlatformWaitSeconds);

HttpResponse answer(int status, std::vector<std::pair<std::string, std::string>> headers, std::string body = "{}")
{
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

} // namespace

TEST_CASE("platformWait and platformWaitUntil clamp to 1 s .. ten years", "[uploader][arithmetic]")
{
    CHECK(platformWait(kMin) == seconds(1));
    CHECK(platformWait(-1) == seconds(1));
    CHECK(platformWait(0) == seconds(1));
    CHECK(platformWait(42) == seconds(42));
    CHECK(platformWait(kMaxPlatformWaitSeconds + 1) == kLongest);
    CHECK(platformWait(kMax) == kLongest);

    CHECK(platformWaitUntil(100, 40) == seconds(60));
    CHECK(platformWaitUntil(40, 100) == seconds(1));      // a reset in the past
    CHECK(platformWaitUntil(kMax, kMin) == kLongest);     // at - now overflows upwards
    CHECK(platformWaitUntil(kMin, kMax) == seconds(1));   // and downwards
    CHECK(platformWaitUntil(kMax, 0) == kLongest);
    CHECK(platformWaitUntil(0, kMax) == seconds(1));
    CHECK(platformWaitUntil(0, 0) == seconds(1));
}

TEST_CASE("X's x-rate-limit-reset and Retry-After never overflow (XAdapter rateLimit)", "[uploader][arithmetic]")
{
    for (const std::int64_t now : {kMin, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1765107000}, kMax}) {
        INFO("now " << now);
        FixedClock clock(now);
        const RateLimitRule rule = xRateLimit(clock);
        const auto huge = rule(answer(429, {{"x-rate-limit-reset", std::to_string(kMax)}}));
        REQUIRE(huge);
        CHECK(*huge >= seconds(1));
        CHECK(*huge <= kLongest);
        const auto zero = rule(answer(429, {{"x-rate-limit-reset", "0"}}));
        REQUIRE(zero);
        CHECK(*zero >= seconds(1));
        CHECK(*zero <= kLongest);
        CHECK(rule(answer(429, {{"retry-after", std::to_string(kMax)}})) == kLongest);
        CHECK(rule(answer(429, {{"retry-after", "0"}})) == seconds(1));
        // Negative and out-of-int64 header values are malformed: the default wait.
        CHECK(rule(answer(429, {{"x-rate-limit-reset", "-5"}})) == seconds(60));
        CHECK(rule(answer(429, {{"x-rate-limit-reset", "99999999999999999999"}})) == seconds(60));
    }
    FixedClock clock(1000);
    CHECK(xRateLimit(clock)(answer(429, {{"x-rate-limit-reset", "1030"}})) == seconds(30));
    CHECK(xRateLimit(clock)(answer(429, {{"x-rate-limit-reset", std::to_string(kMax)}})) == kLongest);
}

TEST_CASE("Bluesky's ratelimit-reset and Retry-After never overflow (BlueskyAdapter rateLimit)", "[uploader][arithmetic]")
{
    for (const std::int64_t now : {kMin, std::int64_t{-1}, std::int64_t{0}, kMax}) {
        INFO("now " << now);
        FixedClock clock(now);
        const RateLimitRule rule = blueskyRateLimit(clock);
        const auto huge = rule(answer(429, {{"ratelimit-reset", std::to_string(kMax)}}));
        REQUIRE(huge);
        CHECK(*huge >= seconds(1));
        CHECK(*huge <= kLongest);
        CHECK(rule(answer(429, {{"retry-after", std::to_string(kMax)}})) == kLongest);
        CHECK(rule(answer(429, {{"retry-after", "0"}})) == seconds(1));
        CHECK(rule(answer(429, {})) == seconds(5));
    }
    FixedClock clock(kMin);
    CHECK(blueskyRateLimit(clock)(answer(429, {{"ratelimit-reset", std::to_string(kMax)}})) == kLongest);
}

TEST_CASE("TikTok's Retry-After never overflows (tikTokRateLimit)", "[uploader][arithmetic]")
{
    const RateLimitRule rule = tikTokRateLimit(milliseconds(60000));
    CHECK(rule(answer(429, {{"retry-after", std::to_string(kMax)}})) == kLongest);
    CHECK(rule(answer(429, {{"retry-after", "9223372036854775"}})) == kLongest); // * 1000 would just fit: still ten years
    CHECK(rule(answer(429, {{"retry-after", "0"}})) == seconds(1));
    CHECK(rule(answer(429, {{"retry-after", "-3"}})) == milliseconds(60000));
    CHECK(rule(answer(429, {})) == milliseconds(60000));
}

TEST_CASE("Mastodon's x-ratelimit-reset minus now is checked (mastodonRateLimitWait)", "[uploader][arithmetic]")
{
    const auto far = answer(429, {{"x-ratelimit-reset", "9999-12-31T23:59:59.999999Z"}});
    const auto epoch = answer(429, {{"x-ratelimit-reset", "1970-01-01T00:00:00.000000Z"}});
    CHECK(mastodonRateLimitWait(far, kMin, seconds(30)) == kLongest);
    CHECK(mastodonRateLimitWait(far, kMax, seconds(30)) == seconds(1));
    CHECK(mastodonRateLimitWait(epoch, kMin, seconds(30)) == kLongest);
    CHECK(mastodonRateLimitWait(epoch, kMax, seconds(30)) == seconds(1));
    CHECK(mastodonRateLimitWait(epoch, 0, seconds(30)) == seconds(1));
    CHECK(mastodonRateLimitWait(answer(429, {{"x-ratelimit-reset", "1970-01-01T00:01:00Z"}}), 0, seconds(30))
          == seconds(60));
}

TEST_CASE("Mastodon's characters_reserved_per_url cannot overflow the length count", "[uploader][arithmetic]")
{
    // The weight is any positive int64 from the instance; each URL counts min(weight, its graphemes).
    const std::string text = "see https://example.org/a and https://example.org/b";
    for (const std::int64_t w : {std::int64_t{1}, std::int64_t{23}, kMax}) {
        const std::int64_t n = mastodonTextLength(text, w);
        CHECK(n > 0);
        CHECK(n <= static_cast<std::int64_t>(text.size()));
    }
}

TEST_CASE("credentials expires_in plus now saturates (AccountCredentials)", "[uploader][arithmetic]")
{
    const std::string file =
        R"({"access_token":"a","client_id":"c","refresh_token":"b","expires_in":315360000,"refresh_expires_in":1})";
    auto high = parseCredentials(file, kMax - 10);
    REQUIRE(high);
    CHECK(high->accessExpires == kMax);          // clamped, not wrapped to a negative time
    CHECK(high->refreshExpires == kMax - 9);
    auto low = parseCredentials(file, kMin);
    REQUIRE(low);
    CHECK(low->accessExpires == kMin + 315360000);
    // Lifetimes beyond ten years, zero or negative are refused by name.
    for (const char* bad : {"0", "-1", "9223372036854775807", "-9223372036854775808", "316224001"}) {
        INFO(bad);
        const std::string f = std::string(R"({"access_token":"a","client_id":"c","refresh_token":"b","expires_in":)") + bad + "}";
        CHECK_FALSE(parseCredentials(f, 0));
    }
}

TEST_CASE("TikTok's expires_in and refresh_expires_in are bounded before now + lifetime", "[uploader][arithmetic]")
{
    const auto token = [](const std::string& expires, const std::string& refresh) {
        return parseTikTokToken(R"({"access_token":"act.1","expires_in":)" + expires
                                + R"(,"open_id":"o","refresh_expires_in":)" + refresh
                                + R"(,"refresh_token":"rft.1","scope":"video.publish","token_type":"Bearer"})");
    };
    CHECK(token("7200", "15552000"));
    CHECK_FALSE(token("9223372036854775807", "1"));
    CHECK_FALSE(token("0", "1"));
    CHECK_FALSE(token("-1", "1"));
    CHECK_FALSE(token("7200", "9223372036854775807"));
    CHECK_FALSE(token("-9223372036854775808", "1"));
    // The adapter then adds them to now with saturatingAdd: at the top of the range it clamps.
    const auto t = token("7200", "15552000");
    REQUIRE(t);
    CHECK(saturatingAdd(kMax - 100, t->expiresIn) == kMax);
    CHECK(saturatingAdd(kMin, t->refreshExpiresIn) == kMin + 15552000);
}

TEST_CASE("X's check_after_secs is any non-negative int64; seconds * 1000 is checked", "[uploader][arithmetic]")
{
    const auto status = [](const std::string& after) {
        return parseXMediaAnswer(R"({"data":{"id":"1880028106020515840","media_key":"7_1880028106020515840",)"
                                 R"("processing_info":{"state":"pending","check_after_secs":)"
                                 + after + "}}}",
                                 "x media status");
    };
    const auto huge = status("9223372036854775807");
    REQUIRE(huge);
    REQUIRE(huge->processing);
    CHECK(huge->processing->checkAfterSecs == kMax);
    CHECK_FALSE(checkedMul<std::int64_t>(huge->processing->checkAfterSecs, 1000)); // XMedia clamps to maxPoll
    CHECK_FALSE(status("-1"));
}

TEST_CASE("Bluesky record keys: created * 10^6 is range-checked (BlueskyText recordKeyFor)", "[uploader][arithmetic]")
{
    const bundle::BundleId id = bundle::deriveBundleId(crypto::SigningKey::generate().publicKey(), 7);
    const std::int64_t lastOk = (std::int64_t{1} << 53) / 1000000 - 1;
    CHECK(recordKeyFor(id, 0, 0, 0));
    CHECK(recordKeyFor(id, lastOk, 15624, 63));
    CHECK(isValidTid(recordKeyFor(id, lastOk, 15624, 63).value()));
    for (const std::int64_t bad : {kMin, std::int64_t{-1}, lastOk + 1, kMax / 1000000, kMax}) {
        INFO(bad);
        const auto k = recordKeyFor(id, bad, 0, 0);
        REQUIRE_FALSE(k);
        CHECK(k.code() == Errc::BadValue);
    }
}
