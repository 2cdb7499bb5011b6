// SPDX-License-Identifier: GPL-3.0-or-later
// The review pane's diff: word spans and the list of non-text changes.
#include "postern/compose/TextDiff.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::compose;

namespace {

std::string side(const std::vector<DiffSpan>& spans, DiffSpan::Kind skip)
{
    std::string out;
    for (const auto& s : spans) {
        if (s.kind != skip)
            out += s.text;
    }
    return out;
}

/** render writes spans as "same[-removed-]{+added+}" for compact expectations. */
std::string render(const std::vector<DiffSpan>& spans)
{
    std::string out;
    for (const auto& s : spans) {
        if (s.kind == DiffSpan::Same)
            out += s.text;
        else if (s.kind == DiffSpan::Removed)
            out += "[-" + s.text + "-]";
        else
            out += "{+" + s.text + "+}";
    }
    return out;
}

void checkSides(std::string_view a, std::string_view b)
{
    const auto spans = diffWords(a, b);
    CHECK(side(spans, DiffSpan::Added) == a);
    CHECK(side(spans, DiffSpan::Removed) == b);
}

} // namespace

TEST_CASE("word diff: identical, added, removed, replaced", "[compose][diff]")
{
    CHECK(diffWords("", "").empty());
    CHECK(render(diffWords("same text", "same text")) == "same text");
    CHECK(render(diffWords("", "new")) == "{+new+}");
    CHECK(render(diffWords("old", "")) == "[-old-]");
    CHECK(render(diffWords("the quick fox", "the quick brown fox")) == "the quick {+brown +}fox");
    CHECK(render(diffWords("the quick brown fox", "the fox")) == "the [-quick brown -]fox");
    CHECK(render(diffWords("meet at noon today", "meet at dawn today")) == "meet at [-noon-]{+dawn+} today");
    CHECK(render(diffWords("a b c d e", "a x c y e")) == "a [-b-]{+x+} c [-d-]{+y+} e");
    // Whitespace changes are changes too.
    CHECK(render(diffWords("a b", "a  b")) == "a[- -]{+  +}b");
}

TEST_CASE("word diff reassembles both sides", "[compose][diff]")
{
    checkSides("Caf\u00E9 \u2014 we open at 9", "Caf\u00E9 \u2014 we now open at 10, see you");
    checkSides("one two three four five", "five four three two one");
    checkSides("x", "y z");
    checkSides("line one\nline two\n", "line one\nline 2\nline three\n");
}

TEST_CASE("very different long texts fall back to a whole replace", "[compose][diff]")
{
    std::string a;
    std::string b;
    for (int i = 0; i < 3000; ++i) {
        a += "a" + std::to_string(i) + " ";
        b += "b" + std::to_string(i) + " ";
    }
    a = "start " + a + "end";
    b = "start " + b + "end";
    const auto spans = diffWords(a, b);
    REQUIRE(spans.size() == 4);
    CHECK(spans[0] == DiffSpan{DiffSpan::Same, "start "});
    CHECK(spans[1].kind == DiffSpan::Removed);
    CHECK(spans[2].kind == DiffSpan::Added);
    CHECK(spans[3].kind == DiffSpan::Same);
    CHECK(side(spans, DiffSpan::Added) == a);
    CHECK(side(spans, DiffSpan::Removed) == b);
}

TEST_CASE("non-text changes are described in words", "[compose][diff]")
{
    domain::PostContent before;
    before.postId = std::string(32, 'a');
    before.schedule = 0;
    Json opts(Json::Object{});
    opts.set("visibility", "public").set("spoiler_text", "cw");
    before.channels.push_back({domain::ChannelId{domain::Platform::Mastodon, "press"}, "hi", opts});
    before.channels.push_back({domain::ChannelId{domain::Platform::Bluesky, "press"}, "hi", Json(Json::Object{})});
    domain::MediaRef photo{{}, 10, "image/png", "photo.png", "old alt"};
    photo.hash[0] = 1;
    domain::MediaRef clip{{}, 10, "video/mp4", "clip.mp4", ""};
    clip.hash[0] = 2;
    domain::MediaRef map{{}, 10, "image/png", "map.png", ""};
    map.hash[0] = 3;
    before.media = {photo, clip};

    domain::PostContent after = before;
    after.schedule = 1798761600;
    Json opts2(Json::Object{});
    opts2.set("visibility", "unlisted").set("sensitive", true);
    after.channels = {{domain::ChannelId{domain::Platform::Mastodon, "press"}, "hi", opts2},
                      {domain::ChannelId{domain::Platform::X, "press"}, "hi", Json(Json::Object{})}};
    photo.alt = "new alt";
    after.media = {photo, map};

    const auto changes = describeContentChanges(before, after);
    const std::vector<std::string> expected{
        "channel added: x:press",
        "channel removed: bluesky:press",
        "mastodon:press options.sensitive set to true",
        "mastodon:press options.spoiler_text removed (was \"cw\")",
        "mastodon:press options.visibility: \"public\" \u2192 \"unlisted\"",
        "schedule changed from on arrival to 2027-01-01T00:00:00Z",
        "alt text of photo.png changed",
        "media added: map.png",
        "media removed: clip.mp4",
    };
    CHECK(changes == expected);
    CHECK(describeContentChanges(before, before).empty());
    domain::PostContent swapped = before;
    std::swap(swapped.media[0], swapped.media[1]);
    CHECK(describeContentChanges(before, swapped) == std::vector<std::string>{"media order changed"});
}
