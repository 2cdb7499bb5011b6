// SPDX-License-Identifier: GPL-3.0-or-later
// The persisted form of a SanitizeReport (the store's media.stripped column, docs/store.md).
#include "postern/media/Sanitize.h"

namespace postern::media {

namespace {
constexpr std::size_t kMaxItems = 64;
constexpr std::size_t kMaxWhatBytes = 256;
constexpr std::size_t kMaxNoteBytes = 1024;
constexpr std::int64_t kMaxBytes = static_cast<std::int64_t>(kMaxInputBytes);
} // namespace

Json reportToJson(const SanitizeReport& report)
{
    Json::Array removed;
    for (const auto& item : report.removed) {
        Json entry;
        entry.set("bytes", static_cast<std::int64_t>(item.bytes));
        entry.set("what", item.what);
        removed.push_back(std::move(entry));
    }
    Json out;
    out.set("inputBytes", static_cast<std::int64_t>(report.inputBytes));
    out.set("inspected", report.inspected);
    out.set("kind", std::string(mediaKindName(report.kind)));
    out.set("note", report.note);
    out.set("outputBytes", static_cast<std::int64_t>(report.outputBytes));
    out.set("removed", std::move(removed));
    return out;
}

Result<SanitizeReport> reportFromJson(std::string_view text)
{
    POSTERN_ASSIGN(json, parseCanonicalJson(text, JsonLimits{}));
    if (!json.isObject())
        return fail(Errc::WrongType, "a media report is a JSON object");
    JsonFields f(json, "media report");
    SanitizeReport r;
    POSTERN_ASSIGN(inputBytes, f.integer("inputBytes", 0, kMaxBytes));
    POSTERN_ASSIGN(inspected, f.boolean("inspected"));
    POSTERN_ASSIGN(kind, f.string("kind", 8));
    POSTERN_ASSIGN(note, f.string("note", kMaxNoteBytes));
    POSTERN_ASSIGN(outputBytes, f.integer("outputBytes", 0, kMaxBytes));
    POSTERN_ASSIGN(removed, f.array("removed", kMaxItems));
    POSTERN_TRY(f.finish());
    bool known = false;
    for (const MediaKind k : {MediaKind::Jpeg, MediaKind::Png, MediaKind::Mp4, MediaKind::Other}) {
        if (mediaKindName(k) == kind) {
            r.kind = k;
            known = true;
        }
    }
    if (!known)
        return fail(Errc::BadValue, "media report kind '" + kind + "' is unknown");
    for (const Json& entry : removed->asArray()) {
        if (!entry.isObject())
            return fail(Errc::WrongType, "media report.removed holds a non-object");
        JsonFields e(entry, "media report.removed[]");
        POSTERN_ASSIGN(bytes, e.integer("bytes", 0, kMaxBytes));
        POSTERN_ASSIGN(what, e.string("what", kMaxWhatBytes));
        POSTERN_TRY(e.finish());
        r.removed.push_back({std::move(what), static_cast<std::uint64_t>(bytes)});
    }
    r.inputBytes = static_cast<std::uint64_t>(inputBytes);
    r.inspected = inspected;
    r.note = std::move(note);
    r.outputBytes = static_cast<std::uint64_t>(outputBytes);
    return r;
}

} // namespace postern::media
