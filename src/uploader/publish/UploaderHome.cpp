// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/UploaderHome.h"

#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kInitialisedKey = "initialised";
constexpr std::string_view kOutboxKey = "outbox";
constexpr std::string_view kNameKey = "name";
constexpr std::size_t kMaxKeyFileBytes = 64u << 10;

Error notInitialised(const fs::path& root)
{
    return fail(Errc::NotFound, root.string() + " is not an initialised uploader home");
}

Status writeKeyFile(const fs::path& path,
                    crypto::KeyKind kind,
                    const crypto::SecureBuffer& secret,
                    const crypto::PublicKey& publicKey,
                    const crypto::SecureBuffer& passphrase,
                    const crypto::KdfParams& kdf,
                    std::string_view label)
{
    POSTERN_ASSIGN(text, crypto::sealKeyFile(kind, secret, publicKey, passphrase, kdf, label));
    return writeFileAtomic(path, text, 0600);
}

} // namespace

HomeLayout HomeLayout::at(const fs::path& root)
{
    HomeLayout l;
    l.root = root;
    l.keysDir = root / "keys";
    l.boxKey = l.keysDir / "box.key";
    l.signKey = l.keysDir / "sign.key";
    l.hostKey = l.keysDir / "host.key";
    l.ledger = root / "ledger.db";
    l.spool = root / "spool";
    l.defaultOutbox = root / "outbox";
    l.identity = root / "uploader-identity.postern";
    l.lock = root / "lock";
    return l;
}

Result<fs::path> defaultHomeDirectory()
{
    if (const char* env = std::getenv("POSTERN_UPLOADER_HOME"); env && *env)
        return fs::path(env);
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".local" / "share" / "postern-uploader";
    return fail(Errc::NotFound, "neither POSTERN_UPLOADER_HOME nor HOME is set; pass --home DIR");
}

UploaderHome::~UploaderHome()
{
    close();
}

void UploaderHome::close() noexcept
{
    m_ledger.close();
    m_box.reset();
    m_sign.reset();
    if (m_lockFd >= 0) {
        ::close(m_lockFd); // releases the flock
        m_lockFd = -1;
    }
}

Status UploaderHome::lock()
{
    m_lockFd = ::open(m_layout.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lockFd < 0)
        return fail(Errc::Io, "cannot open " + m_layout.lock.string() + ": " + std::strerror(errno));
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_lockFd);
        m_lockFd = -1;
        return fail(Errc::InvalidState,
                    "another postern-uploader is working in " + m_layout.root.string() + "; wait for it to finish");
    }
    return {};
}

Result<InitResult> UploaderHome::initialise(const fs::path& rootIn,
                                            const InitOptions& options,
                                            const crypto::SecureBuffer& passphrase,
                                            const Clock& clock)
{
    std::error_code ec;
    const fs::path root = fs::absolute(rootIn, ec);
    if (ec)
        return fail(Errc::Io, "cannot resolve " + rootIn.string() + ": " + ec.message());
    // Check the name before anything touches the disk: the identity file must be readable.
    if (options.name.empty() || options.name.size() > 64 || !isValidUtf8(options.name))
        return fail(Errc::InvalidArgument, "the uploader name must be 1 to 64 bytes of UTF-8");

    UploaderHome home;
    home.m_layout = HomeLayout::at(root);
    const HomeLayout& l = home.m_layout;
    POSTERN_TRY(ensurePrivateDirectory(l.root));
    POSTERN_TRY(home.lock());
    // "Initialised" is the last thing init writes, so a crash part-way leaves a home that init
    // completes over (no identity has been handed out yet) rather than one that locks its owner out.
    if (fs::exists(l.ledger)) {
        POSTERN_TRY(home.m_ledger.open(l.ledger, true));
        POSTERN_ASSIGN(done, home.m_ledger.config(kInitialisedKey));
        if (done)
            return fail(Errc::AlreadyExists,
                        l.root.string()
                            + " is already an initialised uploader home; "
                              "its keys were not touched");
    }
    const fs::path outbox = fs::absolute(options.outbox.value_or(l.defaultOutbox), ec);
    if (ec)
        return fail(Errc::Io, "cannot resolve the outbox folder: " + ec.message());
    POSTERN_TRY(ensurePrivateDirectory(l.keysDir));
    POSTERN_TRY(ensurePrivateDirectory(l.spool));
    POSTERN_TRY(ensurePrivateDirectory(outbox));

    const crypto::BoxKey box = crypto::BoxKey::generate();
    const crypto::SigningKey sign = crypto::SigningKey::generate();
    POSTERN_TRY(writeKeyFile(l.boxKey,
                             crypto::KeyKind::X25519,
                             box.secret(),
                             box.publicKey(),
                             passphrase,
                             options.kdf,
                             "postern-uploader box key"));
    POSTERN_TRY(writeKeyFile(l.signKey,
                             crypto::KeyKind::Ed25519,
                             sign.seed(),
                             sign.publicKey(),
                             passphrase,
                             options.kdf,
                             "postern-uploader signing key"));
    const std::string identityText = domain::makeUploaderIdentity(options.name, box.publicKey(), sign);
    POSTERN_ASSIGN(identity, domain::readUploaderIdentity(identityText));
    POSTERN_TRY(writeFileAtomic(l.identity, identityText, 0644));

    if (!home.m_ledger.isOpen())
        POSTERN_TRY(home.m_ledger.open(l.ledger, true));
    SqliteTransaction tx(home.m_ledger.db());
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(home.m_ledger.setConfig(kNameKey, options.name));
    POSTERN_TRY(home.m_ledger.setConfig(kOutboxKey, outbox.string()));
    POSTERN_TRY(home.m_ledger.addEvent(clock.now(), "init", "", "uploader " + identity.fingerprint()));
    POSTERN_TRY(home.m_ledger.setConfig(kInitialisedKey, "1"));
    POSTERN_TRY(tx.commit());
    spdlog::info("initialised uploader home {} (fingerprint {})", l.root.string(), identity.fingerprint());
    return InitResult{identity.fingerprint(), l.identity, outbox};
}

Status UploaderHome::open(const fs::path& rootIn, bool exclusive)
{
    close();
    std::error_code ec;
    const fs::path root = fs::absolute(rootIn, ec);
    if (ec)
        return fail(Errc::Io, "cannot resolve " + rootIn.string() + ": " + ec.message());
    m_layout = HomeLayout::at(root);
    if (!fs::is_directory(root) || !fs::exists(m_layout.ledger) || !fs::exists(m_layout.boxKey)
        || !fs::exists(m_layout.signKey))
        return notInitialised(root);
    if (exclusive)
        POSTERN_TRY(lock());
    POSTERN_TRY(m_ledger.open(m_layout.ledger));
    POSTERN_ASSIGN(done, m_ledger.config(kInitialisedKey));
    POSTERN_ASSIGN(outbox, m_ledger.config(kOutboxKey));
    if (!done || !outbox) {
        close();
        return notInitialised(root);
    }
    m_outbox = *outbox;
    return {};
}

Result<domain::UploaderIdentity> UploaderHome::identity() const
{
    POSTERN_ASSIGN(text, readFileCapped(m_layout.identity, 64u << 10));
    return domain::readUploaderIdentity(text);
}

Status UploaderHome::unlockBoxKey(const crypto::SecureBuffer& passphrase)
{
    POSTERN_ASSIGN(text, readFileCapped(m_layout.boxKey, kMaxKeyFileBytes));
    POSTERN_ASSIGN(opened, crypto::openKeyFile(text, crypto::KeyKind::X25519, passphrase));
    POSTERN_ASSIGN(key, crypto::BoxKey::fromSecret(opened.secret.view()));
    m_box.emplace(std::move(key));
    return {};
}

Status UploaderHome::unlockSignKey(const crypto::SecureBuffer& passphrase)
{
    POSTERN_ASSIGN(text, readFileCapped(m_layout.signKey, kMaxKeyFileBytes));
    POSTERN_ASSIGN(opened, crypto::openKeyFile(text, crypto::KeyKind::Ed25519, passphrase));
    POSTERN_ASSIGN(key, crypto::SigningKey::fromSeed(opened.secret.view()));
    m_sign.emplace(std::move(key));
    return {};
}

} // namespace postern::uploader
