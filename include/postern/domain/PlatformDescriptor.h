// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Channel.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postern::domain {

/**
 * CountUnit is how a platform measures text (docs/compose.md, "Counting"):
 *  - XWeighted: twitter-text config v3 (NFC, weights 1/2 by code point range, one emoji
 *    sequence = 2, every URL = 23);
 *  - Graphemes: extended grapheme clusters (what a reader sees as one character);
 *  - Utf8Bytes, Utf16Units, CodePoints: encoded size;
 *  - MastodonChars: graphemes, with every http(s) URL counting 23 and `@user@domain` counting
 *    only `@user`.
 * The counting itself is postern_compose's (TextCounter.h); a descriptor only names the unit.
 */
enum class CountUnit {
    XWeighted,
    Graphemes,
    Utf8Bytes,
    Utf16Units,
    MastodonChars,
    CodePoints
};

/**
 * PlatformLimits is what one platform accepts in a single post, as the composer checks it
 * offline (postern_compose's PlatformRules adds the platform and its label). Where sources
 * disagree the stricter value is used, so a post that passes here is not refused for size by
 * the platform. Each platform's file cites its sources; docs/compose.md has the table.
 */
struct PlatformLimits
{
    struct TextLimit
    {
        CountUnit unit = CountUnit::Graphemes;
        std::int64_t max = 0;
    };

    std::vector<TextLimit> textLimits; ///< every one must hold; the first is the one people see
    int maxMedia = 0;                  ///< attachments in total
    int maxImages = 0;                 ///< JPEG, PNG, WebP (and GIF where gifCountsAsImage)
    int maxVideos = 0;
    int maxGifs = 0;                ///< ignored where gifCountsAsImage
    bool mixImagesAndVideo = false; ///< false: all attachments must be of one kind
    bool gifCountsAsImage = false;  ///< Bluesky: a GIF is a (still) image blob
    std::vector<std::string> mimes; ///< accepted MIME types
    std::uint64_t maxImageBytes = 0;
    std::uint64_t maxGifBytes = 0;
    std::uint64_t maxVideoBytes = 0;
    std::optional<TextLimit> altLimit; ///< nullopt: the platform takes no alt text
    bool requiresMedia = false;        ///< TikTok: a post is a video
    std::string mediaSummary;          ///< for messages: "4 photos, or 1 GIF, or 1 video"
};

/** OptionType is what an option's value is: true/false, free text, or one of a fixed list. */
enum class OptionType {
    Bool,
    Text,
    Choice
};

/** OptionChoice is one allowed value of a Choice option and how the composer words it. */
struct OptionChoice
{
    std::string_view value; ///< as stored in the post ("SELF_ONLY")
    std::string_view label; ///< as the composer lists it ("Only the account")
};

/**
 * OptionSpec is one platform option: how validateOptions checks it (key, type, required,
 * choices; text is at most 500 bytes) and how the composer offers it. The composer builds one
 * control per spec with `inComposer`, in the order listed: a check box for Bool (consecutive
 * ones share a row), a combo box for Choice, a line edit for Text. Options without
 * `inComposer` are set with `postern-cli draft --option` only, and are dropped when the GUI
 * saves a new version (as they always were).
 */
struct OptionSpec
{
    std::string_view key;
    OptionType type = OptionType::Text;
    bool required = false;             ///< validateOptions refuses a post without it
    std::vector<OptionChoice> choices; ///< Choice: every value accepted, nothing else is
    std::string_view defaultChoice;    ///< Choice: preselected; "" = no default, the author must choose
    bool defaultOn = false;            ///< Bool: what the composer writes until the box is touched
    bool inverted = false;             ///< Bool: the check box shows the opposite ("Allow comments")
    bool inComposer = false;           ///< the composer offers a control for it
    std::string_view label;            ///< the control's label, or the check box's text when inverted
    std::string_view help;             ///< Text: the hint inside the empty field; else a tooltip
    int maxLength = 0;                 ///< Text: the composer's input cap (0: only the 500-byte cap)

    [[nodiscard]] const OptionChoice* choice(std::string_view value) const noexcept;
};

/**
 * PlatformDescriptor is everything the workstation knows about one platform, in one place
 * (src/domain/platforms/<name>/): its names, what a post may be there (limits, options), how
 * the GUI draws it, and the few ways it behaves differently. Code asks the descriptor instead
 * of switching on Platform, so adding a platform is a new folder and one line in
 * PlatformList.h (docs/adding-a-platform.md). The uploader's side is
 * src/uploader/platforms/<name>/.
 */
struct PlatformDescriptor
{
    Platform id = Platform::Outbox;
    std::string_view name;   ///< in channel ids, bundles and commands: "mastodon"
    std::string_view label;  ///< in messages: "Mastodon"
    std::string_view title;  ///< in the GUI's lists and cards; usually the label
    std::string_view accent; ///< the GUI's colour for its cards and channel names, "#rrggbb"

    PlatformLimits limits;
    std::vector<OptionSpec> options;    ///< in the composer's order
    std::string_view textNoun = "text"; ///< in messages: "caption" on TikTok
    /** contentWarningOption names a Text option shown above the text in previews, which counts
     *  into MastodonChars limits as Mastodon's StatusLengthValidator counts spoiler_text. */
    std::string_view contentWarningOption;

    /** instanceDefinesLimits: a platform profile's limits replace the built-in ones, higher or
     *  lower, instead of only tightening them (Mastodon: each instance sets its own). */
    bool instanceDefinesLimits = false;
    /** creatorSettings: the platform profile may carry the account's privacy levels and
     *  disabled interactions (TikTok creator_info), which a post's options must respect. */
    bool creatorSettings = false;
    /** canDelete: the uploader can delete a published post (retract orders); its adapter's
     *  canRetract() says the same (tests/uploader checks both agree). */
    bool canDelete = false;
    /** manual: posts are left in a folder for a person to post (the outbox); no account. */
    bool manual = false;

    /** option finds the spec of `key`; nullptr if the platform has no such option. */
    [[nodiscard]] const OptionSpec* option(std::string_view key) const noexcept;
};

/** descriptorFor returns the descriptor of `platform`. */
[[nodiscard]] const PlatformDescriptor& descriptorFor(Platform platform) noexcept;

/** allPlatforms lists every descriptor in Platform order. */
[[nodiscard]] std::span<const PlatformDescriptor* const> allPlatforms();

/**
 * checkDescriptor says whether a descriptor is well formed: names, colour, option specs
 * (unique keys, choices and defaults that fit their type), limits that allow a post. The
 * tests run it on every platform; its message names the descriptor and the field.
 */
[[nodiscard]] Status checkDescriptor(const PlatformDescriptor& d);

} // namespace postern::domain
