// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Json.h"

#include "postern/util/Bytes.h"

#include <algorithm>
#include <limits>

namespace postern {

Json::Json(bool value) : m_type(Type::Bool), m_bool(value) {}
Json::Json(std::int64_t value) : m_type(Type::Int), m_int(value) {}
Json::Json(std::string value) : m_type(Type::String), m_string(std::move(value)) {}
Json::Json(Array value) : m_type(Type::Array), m_array(std::move(value)) {}
Json::Json(Object value) : m_type(Type::Object), m_object(std::move(value))
{
    std::stable_sort(m_object.begin(), m_object.end(), [](const Member& a, const Member& b) {
        return a.first < b.first;
    });
}

const Json* Json::find(std::string_view key) const noexcept
{
    auto it = std::lower_bound(m_object.begin(), m_object.end(), key, [](const Member& m, std::string_view k) {
        return m.first < k;
    });
    if (it != m_object.end() && it->first == key)
        return &it->second;
    return nullptr;
}

Json& Json::set(std::string key, Json value)
{
    auto it = std::lower_bound(m_object.begin(), m_object.end(), key, [](const Member& m, const std::string& k) {
        return m.first < k;
    });
    if (it != m_object.end() && it->first == key)
        it->second = std::move(value);
    else
        m_object.emplace(it, std::move(key), std::move(value));
    return *this;
}

Json& Json::push(Json value)
{
    m_array.push_back(std::move(value));
    return *this;
}

namespace {

void serializeString(const std::string& s, std::string& out)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xf]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

} // namespace

void Json::serializeTo(std::string& out) const
{
    switch (m_type) {
    case Type::Bool:
        out += m_bool ? "true" : "false";
        break;
    case Type::Int:
        out += std::to_string(m_int);
        break;
    case Type::String:
        serializeString(m_string, out);
        break;
    case Type::Array:
        out.push_back('[');
        for (std::size_t i = 0; i < m_array.size(); ++i) {
            if (i)
                out.push_back(',');
            m_array[i].serializeTo(out);
        }
        out.push_back(']');
        break;
    case Type::Object:
        out.push_back('{');
        for (std::size_t i = 0; i < m_object.size(); ++i) {
            if (i)
                out.push_back(',');
            serializeString(m_object[i].first, out);
            out.push_back(':');
            m_object[i].second.serializeTo(out);
        }
        out.push_back('}');
        break;
    }
}

std::string Json::serialize() const
{
    std::string out;
    serializeTo(out);
    return out;
}

/** JsonParser is a recursive-descent parser with explicit depth, size and count limits. */
class JsonParser
{
public:
    /** endCode is what text that ends before its value is complete answers: `truncated` for
     *  local and platform files, `syntax` in canonical documents (bundle-format.md §7, where
     *  `truncated` means only an incomplete copy of a whole file). */
    JsonParser(std::string_view text,
               const JsonLimits& limits,
               bool dropNullMembers = false,
               Errc endCode = Errc::Truncated)
        : m_text(text), m_limits(limits), m_dropNullMembers(dropNullMembers), m_endCode(endCode)
    {
    }

    Result<Json> parseDocument()
    {
        if (m_text.size() > m_limits.maxBytes)
            return fail(Errc::TooLarge,
                        "document is " + std::to_string(m_text.size()) + " bytes, the limit is "
                            + std::to_string(m_limits.maxBytes));
        skipSpace();
        Json root;
        POSTERN_TRY(parseValue(root, 0));
        skipSpace();
        if (m_pos != m_text.size())
            return fail(Errc::TrailingData, "unexpected data after the JSON value at byte " + std::to_string(m_pos));
        return root;
    }

private:
    Error syntax(const std::string& what) const
    {
        return fail(Errc::Syntax, what + " at byte " + std::to_string(m_pos));
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }

    bool consume(std::string_view literal)
    {
        if (m_text.substr(m_pos, literal.size()) == literal) {
            m_pos += literal.size();
            return true;
        }
        return false;
    }

    Status parseValue(Json& out, std::size_t depth)
    {
        if (depth > m_limits.maxDepth)
            return fail(Errc::TooLarge, "nesting deeper than " + std::to_string(m_limits.maxDepth));
        if (++m_values > m_limits.maxValues)
            return fail(Errc::TooLarge, "more than " + std::to_string(m_limits.maxValues) + " values");
        if (m_pos >= m_text.size())
            return fail(m_endCode, "document ends where a value was expected");
        const std::size_t start = m_pos;
        const char c = m_text[m_pos];
        Status st;
        if (c == '{') {
            out = Json(Json::Object{});
            st = parseObject(out, depth);
        } else if (c == '[') {
            out = Json(Json::Array{});
            st = parseArray(out, depth);
        } else if (c == '"') {
            std::string s;
            st = parseString(s);
            out = Json(std::move(s));
        } else if (consume("true")) {
            out = Json(true);
        } else if (consume("false")) {
            out = Json(false);
        } else if (c == 'n' && consume("null")) {
            if (m_dropNullMembers && m_inMember) {
                m_sawNull = true; // parseObject drops the member
                return {};
            }
            m_pos = start;
            return syntax("null is not allowed");
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::int64_t v = 0;
            st = parseInteger(v);
            out = Json(v);
        } else {
            return syntax(std::string("unexpected character '") + c + "'");
        }
        if (!st.ok())
            return st;
        out.m_rawOffset = start;
        out.m_rawLength = m_pos - start;
        return {};
    }

    Status parseObject(Json& out, std::size_t depth)
    {
        ++m_pos; // {
        skipSpace();
        Json::Object members;
        bool ordered = true;
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return {};
        }
        while (true) {
            skipSpace();
            if (m_pos >= m_text.size())
                return fail(m_endCode, "document ends inside an object");
            if (m_text[m_pos] != '"')
                return syntax("expected a quoted member name");
            std::string key;
            POSTERN_TRY(parseString(key));
            skipSpace();
            if (!consume(":"))
                return syntax("expected ':' after member name");
            skipSpace();
            Json value;
            m_inMember = true;
            m_sawNull = false;
            const Status parsed = parseValue(value, depth + 1);
            m_inMember = false;
            POSTERN_TRY(parsed);
            if (m_sawNull) {
                m_sawNull = false;
                // parseForeignJson: a null member is an absent member.
            } else {
                if (!members.empty() && !(members.back().first < key))
                    ordered = false;
                members.emplace_back(std::move(key), std::move(value));
            }
            skipSpace();
            if (consume(","))
                continue;
            if (consume("}"))
                break;
            if (m_pos >= m_text.size())
                return fail(m_endCode, "document ends inside an object");
            return syntax("expected ',' or '}' in object");
        }
        if (!ordered) {
            std::stable_sort(members.begin(), members.end(), [](const Json::Member& a, const Json::Member& b) {
                return a.first < b.first;
            });
        }
        for (std::size_t i = 1; i < members.size(); ++i) {
            if (members[i - 1].first == members[i].first)
                return fail(Errc::DuplicateField, "member \"" + members[i].first + "\" appears more than once");
        }
        out.m_object = std::move(members);
        return {};
    }

    Status parseArray(Json& out, std::size_t depth)
    {
        ++m_pos; // [
        skipSpace();
        if (consume("]"))
            return {};
        while (true) {
            skipSpace();
            Json value;
            m_inMember = false; // a null array item is never dropped
            POSTERN_TRY(parseValue(value, depth + 1));
            out.m_array.push_back(std::move(value));
            skipSpace();
            if (consume(","))
                continue;
            if (consume("]"))
                return {};
            if (m_pos >= m_text.size())
                return fail(m_endCode, "document ends inside an array");
            return syntax("expected ',' or ']' in array");
        }
    }

    Status parseHex4(std::uint32_t& v)
    {
        if (m_pos + 4 > m_text.size())
            return fail(m_endCode, "document ends inside a \\u escape");
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            v <<= 4;
            if (h >= '0' && h <= '9')
                v |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
                v |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                v |= static_cast<std::uint32_t>(h - 'A' + 10);
            else
                return syntax("bad hex digit in \\u escape");
        }
        return {};
    }

    static void appendUtf8(std::string& s, std::uint32_t cp)
    {
        if (cp < 0x80) {
            s.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            s.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            s.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            s.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    Status parseString(std::string& out)
    {
        ++m_pos; // opening quote
        const std::size_t start = m_pos;
        while (true) {
            if (m_pos >= m_text.size())
                return fail(m_endCode, "document ends inside a string");
            if (out.size() > m_limits.maxStringBytes)
                return fail(Errc::TooLarge, "string longer than " + std::to_string(m_limits.maxStringBytes) + " bytes");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                break;
            }
            if (c < 0x20)
                return syntax("raw control character in string");
            if (c != '\\') {
                out.push_back(static_cast<char>(c));
                ++m_pos;
                continue;
            }
            ++m_pos;
            if (m_pos >= m_text.size())
                return fail(m_endCode, "document ends inside an escape");
            const char e = m_text[m_pos++];
            switch (e) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                std::uint32_t cp = 0;
                POSTERN_TRY(parseHex4(cp));
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return fail(Errc::BadEncoding, "lone low surrogate in \\u escape");
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    std::uint32_t lo = 0;
                    if (!consume("\\u"))
                        return fail(Errc::BadEncoding, "lone high surrogate in \\u escape");
                    POSTERN_TRY(parseHex4(lo));
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return fail(Errc::BadEncoding, "invalid surrogate pair in \\u escape");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                return syntax("unknown escape");
            }
        }
        if (out.size() > m_limits.maxStringBytes)
            return fail(Errc::TooLarge, "string longer than " + std::to_string(m_limits.maxStringBytes) + " bytes");
        if (!isValidUtf8(out))
            return fail(Errc::BadEncoding, "string starting at byte " + std::to_string(start) + " is not valid UTF-8");
        return {};
    }

    Status parseInteger(std::int64_t& out)
    {
        const std::size_t start = m_pos;
        bool negative = false;
        if (m_text[m_pos] == '-') {
            negative = true;
            ++m_pos;
        }
        const std::size_t digitsStart = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        if (m_pos == digitsStart)
            return syntax("expected digits");
        if (m_pos < m_text.size() && (m_text[m_pos] == '.' || m_text[m_pos] == 'e' || m_text[m_pos] == 'E'))
            return syntax("numbers must be integers");
        // Accumulate negatively so INT64_MIN fits; overflow is an error, never a wrap.
        std::int64_t v = 0;
        for (std::size_t i = digitsStart; i < m_pos; ++i) {
            const int d = m_text[i] - '0';
            if (v < (std::numeric_limits<std::int64_t>::min() + d) / 10)
                return fail(Errc::BadValue, "integer out of 64-bit range at byte " + std::to_string(start));
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == std::numeric_limits<std::int64_t>::min())
                return fail(Errc::BadValue, "integer out of 64-bit range at byte " + std::to_string(start));
            v = -v;
        }
        out = v;
        return {};
    }

    std::string_view m_text;
    const JsonLimits& m_limits;
    std::size_t m_pos = 0;
    std::size_t m_values = 0;
    bool m_dropNullMembers = false;
    bool m_inMember = false; ///< the value being parsed is an object member's (parseForeignJson)
    bool m_sawNull = false;
    Errc m_endCode = Errc::Truncated;
};

Result<Json> parseJson(std::string_view text, const JsonLimits& limits)
{
    return JsonParser(text, limits).parseDocument();
}

Result<Json> parseForeignJson(std::string_view text, const JsonLimits& limits)
{
    return JsonParser(text, limits, true).parseDocument();
}

Result<Json> parseCanonicalJson(std::string_view text, const JsonLimits& limits)
{
    POSTERN_ASSIGN(value, JsonParser(text, limits, false, Errc::Syntax).parseDocument());
    // Canonical form is defined by the serialiser; comparing the bytes catches whitespace,
    // escapes, key order and number forms in one rule that cannot drift from the writer.
    const std::string again = value.serialize();
    if (again != text) {
        std::size_t at = 0;
        while (at < again.size() && at < text.size() && again[at] == text[at])
            ++at;
        return fail(Errc::NonCanonical,
                    "document is not in canonical form (first difference at byte " + std::to_string(at) + ")");
    }
    return value;
}

JsonFields::JsonFields(const Json& object, std::string where)
    : m_object(object), m_where(std::move(where)), m_used(object.asObject().size(), false)
{
}

bool JsonFields::has(std::string_view key) const noexcept
{
    return m_object.find(key) != nullptr;
}

Result<const Json*> JsonFields::take(std::string_view key, Json::Type type)
{
    const auto& members = m_object.asObject();
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].first != key)
            continue;
        m_used[i] = true;
        if (members[i].second.type() != type) {
            static constexpr const char* kNames[] = {"a boolean", "an integer", "a string", "an array", "an object"};
            return fail(Errc::WrongType,
                        m_where + "." + std::string(key) + " must be " + kNames[static_cast<int>(type)]);
        }
        return &members[i].second;
    }
    return fail(Errc::MissingField, m_where + "." + std::string(key) + " is missing");
}

Result<const Json*> JsonFields::value(std::string_view key)
{
    const auto& members = m_object.asObject();
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].first == key) {
            m_used[i] = true;
            return &members[i].second;
        }
    }
    return fail(Errc::MissingField, m_where + "." + std::string(key) + " is missing");
}

Result<std::string> JsonFields::string(std::string_view key, std::size_t maxBytes)
{
    POSTERN_ASSIGN(v, take(key, Json::Type::String));
    if (v->asString().size() > maxBytes)
        return fail(Errc::TooLarge,
                    m_where + "." + std::string(key) + " is longer than " + std::to_string(maxBytes) + " bytes");
    return v->asString();
}

Result<std::string> JsonFields::string(std::string_view key)
{
    POSTERN_ASSIGN(v, take(key, Json::Type::String));
    return v->asString();
}

Result<std::int64_t> JsonFields::integer(std::string_view key, std::int64_t min, std::int64_t max)
{
    POSTERN_ASSIGN(v, take(key, Json::Type::Int));
    if (v->asInt() < min || v->asInt() > max)
        return fail(Errc::BadValue,
                    m_where + "." + std::string(key) + " must be between " + std::to_string(min) + " and "
                        + std::to_string(max));
    return v->asInt();
}

Result<bool> JsonFields::boolean(std::string_view key)
{
    POSTERN_ASSIGN(v, take(key, Json::Type::Bool));
    return v->asBool();
}

Result<const Json*> JsonFields::array(std::string_view key, std::size_t maxItems)
{
    POSTERN_ASSIGN(v, take(key, Json::Type::Array));
    if (v->asArray().size() > maxItems)
        return fail(Errc::TooLarge,
                    m_where + "." + std::string(key) + " has more than " + std::to_string(maxItems) + " items");
    return v;
}

Result<const Json*> JsonFields::object(std::string_view key)
{
    return take(key, Json::Type::Object);
}

Status JsonFields::finish() const
{
    const auto& members = m_object.asObject();
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (!m_used[i])
            return fail(Errc::UnknownField, m_where + " has an unknown member \"" + members[i].first + "\"");
    }
    return {};
}

} // namespace postern
