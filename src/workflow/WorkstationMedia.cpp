// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: attaching media. Every file goes through the sanitizer before it reaches the
// content-addressed store, so no stored (and later exported) file carries location or camera
// metadata the author did not see (docs/media.md).
#include "postern/workflow/Workstation.h"

#include <unistd.h>

#include <array>

namespace postern::workflow {

namespace {

/** TempFile removes its path on destruction, success or not: nothing is left in media/. */
class TempFile
{
public:
    explicit TempFile(std::filesystem::path path) : m_path(std::move(path)) {}
    ~TempFile() { ::unlink(m_path.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace

Result<MediaImport>
Workstation::importMedia(const UnlockedUser& author, const std::filesystem::path& file, std::string mime)
{
    POSTERN_TRY(requireRole(author, domain::Role::Author, "attach media"));
    const std::string name = file.filename().string();
    if (mime.empty())
        mime = guessMime(file);
    if (mime.empty() || !domain::mediaMimeAllowed(mime))
        return fail(Errc::BadValue, name + " is not a supported media type (JPEG, PNG, WebP, GIF, MP4, MOV or WebM)");
    POSTERN_TRY(domain::validateMediaName(name));

    // The sanitized copy lives next to the store's own temporary files: same filesystem, same
    // 0700 folder, a random name nobody else can predict or pre-create.
    std::array<std::uint8_t, 16> nonce{};
    crypto::randomBytes(nonce);
    const TempFile temp(m_store->media().root() / (".sanitize-" + toHex(nonce) + ".tmp"));
    auto report = media::sanitizeMedia(file, mime, temp.path());
    if (!report)
        return fail(report.code(), name + ": " + report.error().message);

    POSTERN_ASSIGN(imported, m_store->media().importFile(temp.path(), mime, name, m_clock.now(), &*report));
    MediaImport out;
    out.hash = std::move(imported.hash);
    out.size = imported.size;
    out.mime = std::move(mime);
    out.name = name;
    out.report = std::move(report).value();
    return out;
}

} // namespace postern::workflow
