// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/Receipt.h"
#include "postern/uploader/publish/PublishService.h"
#include "postern/uploader/publish/WorkstationTrust.h"
#include "postern/util/FileIO.h"

#include "Ceremony.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

#include <memory>

namespace postern::test {

/**
 * UploaderFixture is an initialised uploader home in a TempDir that trusts the Ceremony's
 * workstation, with a FixedClock one minute after Ceremony::kNow and fast (interactive) KDF
 * parameters. restart() closes and reopens everything, as a new process would.
 */
class UploaderFixture
{
public:
    static constexpr std::string_view kPassphrase = "correct horse battery staple";

    explicit UploaderFixture(bool trustWorkstation = true);

    TempDir dir;
    Ceremony ceremony;
    FixedClock clock{Ceremony::kNow + 60};
    uploader::ServiceOptions options;
    std::unique_ptr<uploader::UploaderHome> home;
    std::unique_ptr<uploader::PublishService> service;
    uploader::InitResult init;

    [[nodiscard]] std::filesystem::path homeDir() const { return dir / "home"; }
    [[nodiscard]] std::filesystem::path outbox() const { return home->outbox(); }
    [[nodiscard]] static crypto::SecureBuffer passphrase() { return crypto::SecureBuffer(asBytes(kPassphrase)); }

    /** restart drops the service and home and opens them again (a process restart). */
    void restart();
    /** trust makes the home trust the ceremony's workstation with the given policy chain. */
    void trust(const std::vector<std::string>& policyTexts);
    [[nodiscard]] std::string workstationIdentity(const std::vector<std::string>& policyTexts) const;

    /** seal seals a manifest to this uploader's box key. */
    [[nodiscard]] Bytes seal(const bundle::Manifest& m, std::uint64_t sequence = 1);
    /** writeBundle writes bytes to dir/<name> and returns the path. */
    [[nodiscard]] std::filesystem::path writeBundle(const Bytes& bytes, const std::string& name = "b.postern");
    /** publish publishes a bundle file and REQUIREs the call itself to succeed. */
    [[nodiscard]] uploader::PublishReport publish(const std::filesystem::path& path, bool keep = false);
    /** receipt reads a receipt file under this uploader's signing key. */
    [[nodiscard]] Result<bundle::Receipt> receipt(const std::filesystem::path& path) const;
    /** countEntries counts the entries of a directory (0 if it does not exist). */
    [[nodiscard]] static std::size_t countEntries(const std::filesystem::path& dir);
    [[nodiscard]] static std::string slurp(const std::filesystem::path& path);
};

} // namespace postern::test
