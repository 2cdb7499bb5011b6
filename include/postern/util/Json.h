// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern {

/**
 * Json is a value of Postern's canonical JSON (docs/bundle-format.md, "Canonical JSON"):
 * booleans, 64-bit integers, UTF-8 strings, arrays and objects with unique keys in bytewise
 * order. There is no null and no floating point. Every signed document, manifest, receipt and
 * identity file is canonical JSON, so a parsed document re-serialises to exactly its input.
 */
class Json
{
public:
    enum class Type {
        Bool,
        Int,
        String,
        Array,
        Object
    };
    using Array = std::vector<Json>;
    using Member = std::pair<std::string, Json>;
    using Object = std::vector<Member>;

    Json() : Json(Object{}) {}
    Json(bool value);
    Json(std::int64_t value);
    Json(int value) : Json(static_cast<std::int64_t>(value)) {}
    Json(std::string value);
    Json(const char* value) : Json(std::string(value)) {}
    Json(Array value);
    Json(Object value);

    [[nodiscard]] Type type() const noexcept { return m_type; }
    [[nodiscard]] bool isObject() const noexcept { return m_type == Type::Object; }
    [[nodiscard]] bool asBool() const noexcept { return m_bool; }
    [[nodiscard]] std::int64_t asInt() const noexcept { return m_int; }
    [[nodiscard]] const std::string& asString() const noexcept { return m_string; }
    [[nodiscard]] const Array& asArray() const noexcept { return m_array; }
    [[nodiscard]] const Object& asObject() const noexcept { return m_object; }

    /** find returns the member value for `key` of an object, or nullptr. */
    [[nodiscard]] const Json* find(std::string_view key) const noexcept;
    /** set inserts or replaces an object member, keeping keys in canonical order. */
    Json& set(std::string key, Json value);
    /** push appends to an array. */
    Json& push(Json value);

    /** serialize writes the canonical encoding. */
    [[nodiscard]] std::string serialize() const;
    void serializeTo(std::string& out) const;

    /**
     * rawOffset/rawLength locate a parsed value inside the document it came from, so a
     * signature can be checked over the exact received bytes rather than a re-serialisation.
     */
    [[nodiscard]] std::size_t rawOffset() const noexcept { return m_rawOffset; }
    [[nodiscard]] std::size_t rawLength() const noexcept { return m_rawLength; }
    [[nodiscard]] std::string_view rawIn(std::string_view document) const noexcept
    {
        return document.substr(m_rawOffset, m_rawLength);
    }

private:
    friend class JsonParser;
    Type m_type = Type::Object;
    bool m_bool = false;
    std::int64_t m_int = 0;
    std::string m_string;
    Array m_array;
    Object m_object;
    std::size_t m_rawOffset = 0;
    std::size_t m_rawLength = 0;
};

/** JsonLimits bounds the work a parser does on outside data. */
struct JsonLimits
{
    std::size_t maxBytes = 1u << 20;
    std::size_t maxDepth = 16;
    std::size_t maxValues = 100000;
    std::size_t maxStringBytes = 1u << 16;
};

/**
 * parseCanonicalJson parses `text` and requires it to be canonical: it must equal the
 * serialisation of what was parsed. Errors: too-large, syntax, bad-encoding (invalid UTF-8,
 * lone surrogates), duplicate-field, non-canonical (whitespace, escapes, key order, number
 * form), trailing-data.
 */
[[nodiscard]] Result<Json> parseCanonicalJson(std::string_view text, const JsonLimits& limits);

/**
 * parseJson accepts ordinary JSON input written by people (whitespace, escapes, any key order)
 * but still rejects duplicates, null, fractions, invalid UTF-8 and trailing data. Used only for
 * local admin input such as a policy file, never for data that crossed the gap.
 */
[[nodiscard]] Result<Json> parseJson(std::string_view text, const JsonLimits& limits);

/**
 * parseForeignJson reads local JSON written by other tools, such as the operator's OAuth
 * credentials files (which send `null` for absent values). It is parseJson plus one rule: an
 * object member whose value is null is dropped, as if it were absent. A null anywhere else (an
 * array item, the whole document) is still a syntax error, and fractions, duplicates, invalid
 * UTF-8 and trailing data are still refused. Platform answers are not read with it: they carry
 * floats, so the uploader reads them with its tolerant uploader::PlatformJson. Never used for
 * data that crossed the gap.
 */
[[nodiscard]] Result<Json> parseForeignJson(std::string_view text, const JsonLimits& limits);

/**
 * JsonFields reads a schema-fixed object: each accessor consumes one member and finish()
 * rejects any member that was not consumed (unknown-field). `where` names the object in
 * error messages, e.g. "manifest.posts[2].channels[0]".
 */
class JsonFields
{
public:
    JsonFields(const Json& object, std::string where);

    [[nodiscard]] Result<std::string> string(std::string_view key, std::size_t maxBytes);
    /** string without a field cap, for fields whose own rule (hex, id, channel, type, mime,
     *  media name) bounds the length and names the code; the document's string cap applies. */
    [[nodiscard]] Result<std::string> string(std::string_view key);
    [[nodiscard]] Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
    [[nodiscard]] Result<bool> boolean(std::string_view key);
    [[nodiscard]] Result<const Json*> array(std::string_view key, std::size_t maxItems);
    [[nodiscard]] Result<const Json*> object(std::string_view key);
    /** value returns any member without type check (for nested documents). */
    [[nodiscard]] Result<const Json*> value(std::string_view key);
    [[nodiscard]] bool has(std::string_view key) const noexcept;
    [[nodiscard]] Status finish() const;
    [[nodiscard]] const std::string& where() const noexcept { return m_where; }

private:
    [[nodiscard]] Result<const Json*> take(std::string_view key, Json::Type type);

    const Json& m_object;
    std::string m_where;
    std::vector<bool> m_used;
};

} // namespace postern
