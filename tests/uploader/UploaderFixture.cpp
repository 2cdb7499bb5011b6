// SPDX-License-Identifier: GPL-3.0-or-later
#include "UploaderFixture.h"

namespace postern::test {

namespace fs = std::filesystem;
using namespace postern::uploader;

UploaderFixture::UploaderFixture(bool trustWorkstation)
{
    options.clock = &clock;
    InitOptions init_;
    init_.name = "test uploader";
    init_.kdf = crypto::KdfParams::interactive();
    auto made = UploaderHome::initialise(homeDir(), init_, passphrase(), clock);
    REQUIRE(made.ok());
    init = made.value();
    restart();
    if (trustWorkstation)
        trust({ceremony.signedPolicy.fileText});
}

void UploaderFixture::restart()
{
    service.reset();
    home.reset();
    home = std::make_unique<UploaderHome>();
    REQUIRE(home->open(homeDir()).ok());
    REQUIRE(home->unlockBoxKey(passphrase()).ok());
    REQUIRE(home->unlockSignKey(passphrase()).ok());
    service = std::make_unique<PublishService>(*home, options);
}

std::string UploaderFixture::workstationIdentity(const std::vector<std::string>& policyTexts) const
{
    auto text = domain::makeWorkstationIdentity("Press office workstation", ceremony.workstation, policyTexts);
    REQUIRE(text.ok());
    return text.value();
}

void UploaderFixture::trust(const std::vector<std::string>& policyTexts)
{
    auto preview = previewTrust(home->ledger(), workstationIdentity(policyTexts));
    REQUIRE(preview.ok());
    REQUIRE(commitTrust(home->ledger(), preview.value(), clock.now()).ok());
}

Bytes UploaderFixture::seal(const bundle::Manifest& m, std::uint64_t sequence)
{
    Ceremony::SealOptions o;
    o.sequence = sequence;
    o.recipient = home->boxKey()->publicKey();
    return ceremony.seal(m, o);
}

fs::path UploaderFixture::writeBundle(const Bytes& bytes, const std::string& name)
{
    const fs::path p = dir / name;
    REQUIRE(writeFileAtomic(p, toString(bytes), 0600).ok());
    return p;
}

PublishReport UploaderFixture::publish(const fs::path& path, bool keep)
{
    PublishRequest request;
    request.bundlePath = path;
    request.keep = keep;
    auto report = service->publish(request);
    if (!report.ok())
        FAIL("publish failed: " << report.error().what());
    return std::move(report).value();
}

Result<bundle::Receipt> UploaderFixture::receipt(const fs::path& path) const
{
    POSTERN_ASSIGN(text, readFileCapped(path, bundle::kMaxReceiptBytes));
    return bundle::readReceipt(text, home->signKey()->publicKey());
}

std::size_t UploaderFixture::countEntries(const fs::path& d)
{
    std::error_code ec;
    if (!fs::is_directory(d, ec))
        return 0;
    std::size_t n = 0;
    for (auto it = fs::directory_iterator(d, ec); it != fs::directory_iterator(); ++it)
        ++n;
    return n;
}

std::string UploaderFixture::slurp(const fs::path& path)
{
    auto text = readFileCapped(path, 1u << 26);
    REQUIRE(text.ok());
    return text.value();
}

} // namespace postern::test
