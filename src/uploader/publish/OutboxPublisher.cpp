// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/OutboxPublisher.h"

#include "postern/domain/Post.h"
#include "postern/util/Clock.h"
#include "postern/util/FileIO.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

std::string padded(std::size_t value, int width)
{
    std::string s = std::to_string(value);
    if (s.size() < static_cast<std::size_t>(width))
        s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
    return s;
}

std::string mediaBase(std::size_t k)
{
    return "media-" + std::to_string(k);
}

Result<std::string> mediaFileName(std::size_t k, const TargetMedia& m)
{
    const std::string_view ext = domain::mediaExtension(m.mime);
    if (ext.empty())
        return fail(Errc::BadValue, "media type " + m.mime + " has no file extension");
    return mediaBase(k) + "." + std::string(ext);
}

/**
 * placeMedia puts a spooled media file into the folder. A hard link costs nothing for a 4 GiB
 * video; across file systems it falls back to a streamed, fsynced copy.
 */
Status placeMedia(const fs::path& from, const fs::path& to)
{
    std::error_code ec;
    fs::create_hard_link(from, to, ec);
    if (!ec)
        return {};
    FileReader reader;
    POSTERN_TRY(reader.open(from));
    AtomicFileWriter writer;
    POSTERN_TRY(writer.open(to, 0600));
    Bytes buf(1u << 20);
    while (true) {
        POSTERN_ASSIGN(n, reader.read(buf));
        if (n == 0)
            break;
        POSTERN_TRY(writer.write({buf.data(), n}));
    }
    return writer.commit();
}

Status renameDirectory(const fs::path& from, const fs::path& to)
{
    if (std::rename(from.c_str(), to.c_str()) != 0)
        return fail(Errc::Io, "cannot rename " + from.string() + " to " + to.string() + ": " + std::strerror(errno));
    return {};
}

} // namespace

std::string OutboxPublisher::folderName(std::size_t postIndex, std::size_t channelIndex)
{
    return padded(postIndex, 3) + "-" + padded(channelIndex, 2);
}

fs::path OutboxPublisher::finalPath(const TargetContent& target) const
{
    return m_root / toHex(target.bundleId) / folderName(target.postIndex, target.channelIndex);
}

std::string OutboxPublisher::postJson(const TargetContent& t)
{
    Json media(Json::Array{});
    for (std::size_t k = 0; k < t.media.size(); ++k) {
        const auto& m = t.media[k];
        Json o(Json::Object{});
        o.set("alt", m.alt)
            .set("alt_file", mediaBase(k) + ".alt.txt")
            .set("file", mediaBase(k) + "." + std::string(domain::mediaExtension(m.mime)))
            .set("mime", m.mime)
            .set("size", static_cast<std::int64_t>(m.size));
        media.push(std::move(o));
    }
    Json approvers(Json::Array{});
    for (const auto& a : t.approvers)
        approvers.push(a);
    Json doc(Json::Object{});
    // schedule "" means "publish on arrival": canonical JSON has no null.
    doc.set("approvers", std::move(approvers))
        .set("bundle_id", toHex(t.bundleId))
        .set("channel", t.channel.str())
        .set("media", std::move(media))
        .set("options", t.options)
        .set("post_id", t.postId)
        .set("schedule", t.schedule == 0 ? std::string() : formatUtc(t.schedule))
        .set("text", t.text)
        .set("version", t.version);
    return doc.serialize() + "\n";
}

std::string OutboxPublisher::fileUrl(const fs::path& absolute)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "file://";
    for (const char ch : absolute.string()) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                                || c == '.' || c == '_' || c == '~' || c == '/';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
    return out;
}

Status OutboxPublisher::writeFolder(const TargetContent& t, const fs::path& dir) const
{
    std::error_code ec;
    if (!fs::create_directory(dir, ec) || ec)
        return fail(Errc::Io, "cannot create " + dir.string() + ": " + (ec ? ec.message() : "it already exists"));
    for (std::size_t k = 0; k < t.media.size(); ++k) {
        POSTERN_ASSIGN(name, mediaFileName(k, t.media[k]));
        POSTERN_TRY(placeMedia(t.media[k].spoolPath, dir / name));
        POSTERN_TRY(writeFileAtomic(dir / (mediaBase(k) + ".alt.txt"), t.media[k].alt, 0600));
    }
    POSTERN_TRY(writeFileAtomic(dir / "text.txt", t.text, 0600));
    POSTERN_TRY(writeFileAtomic(dir / "post.json", postJson(t), 0600));
    return fsyncDirectory(dir);
}

Result<TargetOutcome> OutboxPublisher::publish(const TargetContent& t)
{
    const fs::path bundleDir = m_root / toHex(t.bundleId);
    const std::string name = folderName(t.postIndex, t.channelIndex);
    const fs::path final = bundleDir / name;
    TargetOutcome outcome;
    outcome.state = TargetState::Done;
    outcome.platformId = toHex(t.bundleId) + "/" + name;
    outcome.url = fileUrl(final);

    std::error_code ec;
    // The final folder only ever appears by one atomic rename of a complete folder, so if it
    // exists an earlier run published this target: report it, never write it twice.
    if (fs::is_directory(final, ec)) {
        outcome.alreadyPresent = true;
        return outcome;
    }
    if (!fs::is_directory(bundleDir, ec)) {
        POSTERN_TRY(ensurePrivateDirectory(bundleDir));
        POSTERN_TRY(fsyncDirectory(m_root));
    }
    // A leftover temporary folder is an interrupted attempt that never became visible: redo it.
    const fs::path temp = m_root / (".tmp-" + toHex(t.bundleId) + "-" + name);
    fs::remove_all(temp, ec);
    if (ec)
        return fail(Errc::Io, "cannot remove the leftover " + temp.string() + ": " + ec.message());
    if (auto s = writeFolder(t, temp); !s) {
        fs::remove_all(temp, ec);
        return std::move(s).error();
    }
    POSTERN_TRY(renameDirectory(temp, final));
    POSTERN_TRY(fsyncDirectory(bundleDir));
    POSTERN_TRY(fsyncDirectory(m_root));
    return outcome;
}

Status OutboxPublisher::retract(const RetractTarget& target)
{
    // The id is "<bundle id>/<NNN-MM>", written by publish(); anything else is not a folder this
    // uploader made, and is never turned into a path.
    const std::string& id = target.platformId;
    const auto slash = id.find('/');
    const bool shaped =
        slash == 32 && fromHex(id.substr(0, 32), 16).ok() && id.size() == 39 && id[36] == '-'
        && std::all_of(id.begin() + 33, id.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    if (!shaped)
        return fail(Errc::PublishFailed,
                    "the outbox id \"" + id + "\" is not one this uploader wrote; remove the folder by hand");
    const fs::path dir = m_root / id.substr(0, 32) / id.substr(33);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec)
        return fail(Errc::Io, "cannot remove " + dir.string() + ": " + ec.message() + "; check its permissions");
    POSTERN_TRY(fsyncDirectory(dir.parent_path()));
    return {};
}

} // namespace postern::uploader
