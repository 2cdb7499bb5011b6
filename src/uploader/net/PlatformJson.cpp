// SPDX-License-Identifier: GPL-3.0-or-later
// The tolerant reader for platform answers (include/postern/uploader/net/PlatformJson.h): Qt's
// QJsonDocument parses, this file turns its tree into ours with paths and enforces our caps.
// Fuzzed by tests/fuzz/fuzz_platform_json.cpp.
#include "postern/uploader/net/PlatformJson.h"

#include <QByteArray>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cstdio>

namespace postern::uploader {

namespace {

bool isPlainKey(std::string_view key) noexcept
{
    if (key.empty())
        return false;
    for (char c : key) {
        const bool word =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
        if (!word)
            return false;
    }
    return true;
}

/** memberPath appends `.key` (or `["key"]` when the key is not a plain word) to a path. */
std::string memberPath(const std::string& base, std::string_view key)
{
    if (isPlainKey(key))
        return base + "." + std::string(key);
    std::string quoted = base + "[\"";
    for (char c : key.substr(0, 100))
        quoted += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string(1, c);
    return quoted + "\"]";
}

std::string numberText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

} // namespace

class PlatformJsonBuilder
{
public:
    PlatformJsonBuilder(const PlatformLimits& limits, std::shared_ptr<const std::string> what)
        : m_limits(limits), m_what(std::move(what))
    {
    }

    Status build(const QJsonValue& v, PlatformJson& out, std::string path, std::size_t depth)
    {
        if (++m_values > m_limits.maxValues)
            return fail(Errc::PublishFailed,
                        *m_what + ": the answer holds more than " + std::to_string(m_limits.maxValues) + " values");
        if (depth > m_limits.maxDepth)
            return fail(Errc::PublishFailed,
                        *m_what + ": the answer is nested deeper than " + std::to_string(m_limits.maxDepth)
                            + " levels at " + path);
        out.m_path = std::move(path);
        out.m_what = m_what;
        switch (v.type()) {
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            out.m_type = PlatformJson::Type::Null;
            break;
        case QJsonValue::Bool:
            out.m_type = PlatformJson::Type::Bool;
            out.m_bool = v.toBool();
            break;
        case QJsonValue::Double: {
            // Qt keeps an integer literal that fits in 64 bits as an exact integer and anything
            // else as a double; the CBOR view tells the two apart without a lossy round trip.
            const QCborValue exact = QCborValue::fromJsonValue(v);
            out.m_number = v.toDouble();
            if (exact.isInteger()) {
                out.m_type = PlatformJson::Type::Int;
                out.m_int = exact.toInteger();
            } else {
                out.m_type = PlatformJson::Type::Number;
            }
            break;
        }
        case QJsonValue::String:
            out.m_type = PlatformJson::Type::String;
            out.m_string = v.toString().toStdString();
            break;
        case QJsonValue::Array: {
            out.m_type = PlatformJson::Type::Array;
            const QJsonArray a = v.toArray();
            out.m_array.resize(static_cast<std::size_t>(a.size()));
            for (qsizetype i = 0; i < a.size(); ++i)
                POSTERN_TRY(build(a.at(i),
                                  out.m_array[static_cast<std::size_t>(i)],
                                  out.m_path + "[" + std::to_string(i) + "]",
                                  depth + 1));
            break;
        }
        case QJsonValue::Object: {
            out.m_type = PlatformJson::Type::Object;
            const QJsonObject o = v.toObject();
            out.m_object.reserve(static_cast<std::size_t>(o.size()));
            for (auto it = o.begin(); it != o.end(); ++it) {
                std::string key = it.key().toStdString();
                std::string at = memberPath(out.m_path, key);
                out.m_object.emplace_back(std::move(key), PlatformJson{});
                POSTERN_TRY(build(it.value(), out.m_object.back().second, std::move(at), depth + 1));
            }
            break;
        }
        }
        return {};
    }

private:
    const PlatformLimits& m_limits;
    std::shared_ptr<const std::string> m_what;
    std::size_t m_values = 0;
};

Result<PlatformJson> PlatformJson::parse(std::string_view body, std::string_view what, const PlatformLimits& limits)
{
    auto name = std::make_shared<const std::string>(what);
    if (body.size() > limits.maxBytes)
        return fail(Errc::PublishFailed,
                    *name + ": the answer is " + std::to_string(body.size()) + " bytes, more than the "
                        + std::to_string(limits.maxBytes) + " read from a platform");
    if (body.empty())
        return fail(Errc::PublishFailed, *name + ": the answer is empty, not JSON");
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray(body.data(), static_cast<qsizetype>(body.size())), &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return fail(Errc::PublishFailed,
                    *name + ": the answer is not JSON: " + error.errorString().toStdString() + " at byte "
                        + std::to_string(error.offset));
    PlatformJson out;
    PlatformJsonBuilder builder(limits, name);
    const QJsonValue root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    POSTERN_TRY(builder.build(root, out, "$", 1));
    return out;
}

Result<PlatformJson>
PlatformJson::parseObject(std::string_view body, std::string_view what, const PlatformLimits& limits)
{
    POSTERN_ASSIGN(doc, parse(body, what, limits));
    POSTERN_TRY(doc.expect(Type::Object));
    return doc;
}

const std::string& PlatformJson::what() const noexcept
{
    static const std::string kDefault = "answer";
    return m_what ? *m_what : kDefault;
}

const PlatformJson* PlatformJson::find(std::string_view key) const noexcept
{
    if (m_type != Type::Object)
        return nullptr;
    // Qt keeps an object's keys sorted, but a linear scan needs no such promise; objects are small.
    for (const auto& [k, v] : m_object) {
        if (k == key)
            return v.m_type == Type::Null ? nullptr : &v;
    }
    return nullptr;
}

std::string_view PlatformJson::typeName(Type type) noexcept
{
    switch (type) {
    case Type::Null:
        return "null";
    case Type::Bool:
        return "a boolean";
    case Type::Int:
    case Type::Number:
        return "a number";
    case Type::String:
        return "a string";
    case Type::Array:
        return "an array";
    case Type::Object:
        return "an object";
    }
    return "a value";
}

std::string PlatformJson::describe() const
{
    return std::string(typeName(m_type));
}

Error PlatformJson::error(std::string_view key, std::string_view problem) const
{
    std::string out = what() + ": ";
    if (key.empty())
        out += "the value at " + m_path;
    else
        out += "\"" + std::string(key.substr(0, 100)) + "\" at " + memberPath(m_path, key);
    return fail(Errc::PublishFailed, out + ": " + std::string(problem));
}

Result<const PlatformJson*> PlatformJson::member(std::string_view key, Type type, bool required) const
{
    if (m_type != Type::Object)
        return error({}, "expected an object, got " + describe());
    const PlatformJson* v = find(key);
    if (!v) {
        if (!required)
            return static_cast<const PlatformJson*>(nullptr);
        return error(key, "expected " + std::string(typeName(type)) + ", got nothing");
    }
    const bool ok = v->m_type == type || (type == Type::Int && v->m_type == Type::Number);
    if (!ok)
        return error(key,
                     "expected " + std::string(type == Type::Int ? "an integer" : typeName(type)) + ", got "
                         + v->describe());
    return v;
}

Status PlatformJson::expect(Type type) const
{
    if (m_type == type)
        return {};
    return error({},
                 "expected " + std::string(type == Type::Int ? "an integer" : typeName(type)) + ", got " + describe());
}

Result<std::string> PlatformJson::string(std::string_view key) const
{
    POSTERN_ASSIGN(v, member(key, Type::String, true));
    return v->m_string;
}

Result<std::string> PlatformJson::nonEmptyString(std::string_view key) const
{
    POSTERN_ASSIGN(v, member(key, Type::String, true));
    if (v->m_string.empty())
        return error(key, "expected a non-empty string, got an empty one");
    return v->m_string;
}

Result<std::optional<std::string>> PlatformJson::optionalString(std::string_view key) const
{
    POSTERN_ASSIGN(v, member(key, Type::String, false));
    return v ? std::optional<std::string>(v->m_string) : std::nullopt;
}

Result<std::optional<std::int64_t>>
PlatformJson::optionalInteger(std::string_view key, std::int64_t min, std::int64_t max) const
{
    POSTERN_ASSIGN(v, member(key, Type::Int, false));
    if (!v)
        return std::optional<std::int64_t>();
    const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (v->m_type == Type::Number)
        return error(key, "expected " + range + ", got " + numberText(v->m_number));
    if (v->m_int < min || v->m_int > max)
        return error(key, "expected " + range + ", got " + std::to_string(v->m_int));
    return std::optional<std::int64_t>(v->m_int);
}

Result<std::int64_t> PlatformJson::integer(std::string_view key, std::int64_t min, std::int64_t max) const
{
    POSTERN_TRY(member(key, Type::Int, true));
    POSTERN_ASSIGN(v, optionalInteger(key, min, max));
    return *v;
}

Result<bool> PlatformJson::boolean(std::string_view key) const
{
    POSTERN_ASSIGN(v, member(key, Type::Bool, true));
    return v->m_bool;
}

Result<const PlatformJson*> PlatformJson::object(std::string_view key) const
{
    return member(key, Type::Object, true);
}

Result<const PlatformJson*> PlatformJson::optionalObject(std::string_view key) const
{
    return member(key, Type::Object, false);
}

Result<const PlatformJson*> PlatformJson::array(std::string_view key) const
{
    return member(key, Type::Array, true);
}

Result<const PlatformJson*> PlatformJson::optionalArray(std::string_view key) const
{
    return member(key, Type::Array, false);
}

Result<Json> PlatformJson::toCanonical() const
{
    switch (m_type) {
    case Type::Bool:
        return Json(m_bool);
    case Type::Int:
        return Json(m_int);
    case Type::String:
        return Json(m_string);
    case Type::Null:
        return error({}, "null cannot be passed on");
    case Type::Number:
        return error({}, "the number " + numberText(m_number) + " cannot be passed on exactly");
    case Type::Array: {
        Json out(Json::Array{});
        for (const auto& item : m_array) {
            POSTERN_ASSIGN(v, item.toCanonical());
            out.push(std::move(v));
        }
        return out;
    }
    case Type::Object: {
        Json out(Json::Object{});
        for (const auto& [key, value] : m_object) {
            if (value.m_type == Type::Null)
                continue;
            POSTERN_ASSIGN(v, value.toCanonical());
            out.set(key, std::move(v));
        }
        return out;
    }
    }
    return Json();
}

} // namespace postern::uploader
