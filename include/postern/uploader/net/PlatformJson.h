// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Json.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::uploader {

/** PlatformLimits bound the work done on one platform answer before and after parsing. */
struct PlatformLimits
{
    std::size_t maxBytes = 4u << 20; ///< checked before parsing: a page of 40 Mastodon statuses is ~300 KB
    std::size_t maxDepth = 64;       ///< real answers nest less than 10 deep; Qt's own limit is 1024
    std::size_t maxValues = 400000;  ///< every node, so a huge flat array cannot balloon the tree
};

/**
 * PlatformJson is a parsed answer of a platform server (Mastodon, X, TikTok, Bluesky): any
 * RFC 8259 JSON, read with Qt's QJsonDocument. It is deliberately separate from postern::Json,
 * the strict canonical parser for our own signed files, which refuses fractions and nulls:
 * platforms send both (a Mastodon media attachment always carries `"aspect": 1.3333333333333333`),
 * and an answer we cannot read makes the uploader upload media again and record a created post
 * as `unknown`. So nothing in an answer is refused for its form; only the members an adapter
 * actually reads are checked, strictly, through the readers below, whose errors name the path
 * and what was found: `media answer: "id" at $.id: expected a string, got a number`.
 *
 * What QJsonDocument does, and therefore what this reader does:
 *  - an integer literal that fits in 64 bits stays exact (Type::Int), so an id sent as a number
 *    (TikTok's publicaly_available_post_id) keeps every digit; a larger integer, a fraction or an
 *    exponent is a double (Type::Number), which every integer reader refuses rather than round;
 *  - a duplicate key is not an error: the last value wins (RFC 8259 leaves this open, and we never
 *    sign or re-serialise an answer, so there is nothing for a second value to smuggle past);
 *  - invalid UTF-8 and trailing data are syntax errors; a lone surrogate escape becomes U+FFFD.
 * A member whose value is null reads as absent (find() returns nullptr): platforms send null for
 * "not set". Null array items stay, as Type::Null, so paths keep their indices.
 */
class PlatformJson
{
public:
    enum class Type {
        Null,
        Bool,
        Int,    ///< an integer within 64 bits, exact
        Number, ///< a fraction, an exponent or an integer beyond 64 bits, as a double
        String,
        Array,
        Object
    };
    using Array = std::vector<PlatformJson>;
    using Member = std::pair<std::string, PlatformJson>;
    using Object = std::vector<Member>;

    PlatformJson() = default;

    /**
     * parse reads `body`; errors are publish-failed and start with `what` (e.g. "media answer"):
     * too large (checked before parsing), not JSON (Qt's reason and the byte offset), nested
     * deeper than the limit, too many values.
     */
    [[nodiscard]] static Result<PlatformJson>
    parse(std::string_view body, std::string_view what, const PlatformLimits& limits = PlatformLimits{});
    /** parseObject is parse() plus: the document must be an object. */
    [[nodiscard]] static Result<PlatformJson>
    parseObject(std::string_view body, std::string_view what, const PlatformLimits& limits = PlatformLimits{});

    [[nodiscard]] Type type() const noexcept { return m_type; }
    [[nodiscard]] bool isObject() const noexcept { return m_type == Type::Object; }
    [[nodiscard]] bool isArray() const noexcept { return m_type == Type::Array; }
    [[nodiscard]] bool isString() const noexcept { return m_type == Type::String; }
    [[nodiscard]] bool isInt() const noexcept { return m_type == Type::Int; }
    [[nodiscard]] bool asBool() const noexcept { return m_bool; }
    [[nodiscard]] std::int64_t asInt() const noexcept { return m_int; }
    /** asNumber is the value of an Int or a Number as a double. */
    [[nodiscard]] double asNumber() const noexcept { return m_number; }
    [[nodiscard]] const std::string& asString() const noexcept { return m_string; }
    [[nodiscard]] const Array& asArray() const noexcept { return m_array; }
    [[nodiscard]] const Object& asObject() const noexcept { return m_object; }
    /** path locates this value in the answer, JSONPath style: `$`, `$.data.id`, `$[3].media_attachments[0]`. */
    [[nodiscard]] const std::string& path() const noexcept { return m_path; }
    /** what is the answer's name given to parse(), carried for error messages. */
    [[nodiscard]] const std::string& what() const noexcept;

    /** find returns an object's member `key`, or nullptr if it is absent, null, or this is no object. */
    [[nodiscard]] const PlatformJson* find(std::string_view key) const noexcept;

    // Strict readers of one member of an object. A required member that is absent (or null) is an
    // error, an optional one is nullopt; a member of the wrong type is always an error, naming the
    // path, the type expected and the type found.
    [[nodiscard]] Result<std::string> string(std::string_view key) const;
    [[nodiscard]] Result<std::string> nonEmptyString(std::string_view key) const;
    [[nodiscard]] Result<std::optional<std::string>> optionalString(std::string_view key) const;
    [[nodiscard]] Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
    [[nodiscard]] Result<std::optional<std::int64_t>>
    optionalInteger(std::string_view key, std::int64_t min, std::int64_t max) const;
    [[nodiscard]] Result<bool> boolean(std::string_view key) const;
    [[nodiscard]] Result<const PlatformJson*> object(std::string_view key) const;
    [[nodiscard]] Result<const PlatformJson*> optionalObject(std::string_view key) const;
    [[nodiscard]] Result<const PlatformJson*> array(std::string_view key) const;
    [[nodiscard]] Result<const PlatformJson*> optionalArray(std::string_view key) const;

    /** expect checks this value's own type (an array item, the whole document), naming its path. */
    [[nodiscard]] Status expect(Type type) const;

    /**
     * error builds a publish-failed error about member `key` (or this value, if key is empty):
     * `<what>: "<key>" at <path>: <problem>`. For checks beyond the type (an id's form, a range).
     */
    [[nodiscard]] Error error(std::string_view key, std::string_view problem) const;

    /**
     * toCanonical converts to postern::Json, for the rare answer part that goes back to a platform
     * unchanged (a Bluesky blob reference): null members are dropped; a Number or a null array item
     * cannot be represented and is refused, naming its path.
     */
    [[nodiscard]] Result<Json> toCanonical() const;

    /** typeName describes a type for messages: "a string", "an integer", "null", ... */
    [[nodiscard]] static std::string_view typeName(Type type) noexcept;

private:
    friend class PlatformJsonBuilder;
    [[nodiscard]] std::string describe() const;
    [[nodiscard]] Result<const PlatformJson*> member(std::string_view key, Type type, bool required) const;

    Type m_type = Type::Null;
    bool m_bool = false;
    std::int64_t m_int = 0;
    double m_number = 0;
    std::string m_string;
    Array m_array;
    Object m_object;
    std::string m_path = "$";
    std::shared_ptr<const std::string> m_what; ///< shared by every node of one answer
};

} // namespace postern::uploader
