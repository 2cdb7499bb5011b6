// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: the uploader's signed platform profile (docs/compose.md, "Platform profiles").
// Stored verbatim in the settings table and verified again on every read, so a profile from an
// uploader that is no longer trusted stops applying the moment the trust changes.
#include "postern/store/SettingsRepository.h"
#include "postern/workflow/Workstation.h"

namespace postern::workflow {

namespace {

/** kProfileKey is the settings row holding the profile file text exactly as imported. */
constexpr std::string_view kProfileKey = "platform_profile";

constexpr std::string_view kExportHint = "export a fresh one on the uploader with `postern-uploader profile export "
                                         "FILE` and import it with `postern-cli profile import FILE`";

} // namespace

Result<std::optional<ProfileSummary>> Workstation::currentProfile()
{
    POSTERN_ASSIGN(stored, m_store->settings().get(kProfileKey));
    if (!stored)
        return std::optional<ProfileSummary>();
    ProfileSummary s;
    s.importedAt = stored->updatedAt;
    auto uploader = m_store->trust().activeUploader();
    if (!uploader && uploader.code() != Errc::NoUploader)
        return std::move(uploader).error();
    if (!uploader) {
        s.warning = "no uploader is trusted, so the platform profile cannot be checked and is ignored";
        return std::optional<ProfileSummary>(std::move(s));
    }
    auto profile = bundle::readProfile(stored->value, uploader->signKey, m_clock.now());
    if (!profile) {
        s.warning = "the stored platform profile no longer verifies (" + profile.error().what() + ") and is ignored; "
                    + std::string(kExportHint);
        return std::optional<ProfileSummary>(std::move(s));
    }
    s.profile = std::move(*profile);
    s.expired = s.profile.expiredAt(m_clock.now());
    s.applies = !s.expired;
    if (s.expired)
        s.warning = "the platform profile expired on " + formatUtc(s.profile.expires)
                    + "; import a fresh one (`postern-uploader profile export FILE` on the uploader, then "
                      "`postern-cli profile import FILE`). Until then drafts are checked against the built-in limits.";
    return std::optional<ProfileSummary>(std::move(s));
}

Result<std::map<std::string, domain::ChannelLimits>> Workstation::channelLimits()
{
    std::map<std::string, domain::ChannelLimits> out;
    POSTERN_ASSIGN(current, currentProfile());
    if (!current || !current->applies)
        return out;
    for (const auto& c : current->profile.channels)
        out.emplace(c.channel.str(), c.limits);
    return out;
}

Result<ProfileSummary> Workstation::importProfile(const UnlockedUser& admin, std::string_view text)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "import a platform profile"));
    auto uploader = m_store->trust().activeUploader();
    if (!uploader && uploader.code() != Errc::NoUploader)
        return std::move(uploader).error();
    if (!uploader)
        return fail(Errc::NoUploader,
                    "no uploader is trusted, so no platform profile can be checked; trust the uploader first "
                    "(`postern-cli uploader trust`)");
    const std::int64_t now = m_clock.now();
    POSTERN_ASSIGN(profile, bundle::readProfile(text, uploader->signKey, now));
    if (profile.expiredAt(now))
        return fail(Errc::Expired,
                    "this platform profile expired on " + formatUtc(profile.expires) + "; " + std::string(kExportHint));
    POSTERN_ASSIGN(previous, currentProfile());
    // A profile replaces only an older one: an old file carried over by mistake must not
    // silently bring back limits the uploader has since seen change.
    if (previous && (previous->applies || previous->expired) && profile.created < previous->profile.created)
        return fail(Errc::InvalidState,
                    "this platform profile was created " + formatUtc(profile.created)
                        + ", before the one already imported (created " + formatUtc(previous->profile.created) + "); "
                        + std::string(kExportHint));
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->settings().put(kProfileKey, text, now));
        POSTERN_TRY(m_store->audit().append(
            admin.key,
            "profile-import",
            "platform profile",
            std::to_string(profile.channels.size()) + " channel(s), created " + formatUtc(profile.created)
                + ", expires " + formatUtc(profile.expires) + ", file "
                + toHex(crypto::blake2b256("postern/v1/platform-profile", asBytes(text))).substr(0, 16),
            now));
        return {};
    }));
    ProfileSummary s;
    s.profile = std::move(profile);
    s.importedAt = now;
    s.applies = true;
    return s;
}

} // namespace postern::workflow
