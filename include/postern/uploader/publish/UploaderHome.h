// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Keys.h"
#include "postern/domain/Identity.h"
#include "postern/uploader/ledger/Ledger.h"
#include "postern/util/Clock.h"

#include <filesystem>
#include <optional>
#include <string>

namespace postern::uploader {

/** HomeLayout names every path inside an uploader home (docs/uploader.md, "Home directory"). */
struct HomeLayout
{
    std::filesystem::path root;
    std::filesystem::path keysDir;       ///< keys/ (0700)
    std::filesystem::path boxKey;        ///< keys/box.key: X25519, bundles are sealed to it (0600)
    std::filesystem::path signKey;       ///< keys/sign.key: Ed25519, signs receipts (0600)
    std::filesystem::path hostKey;       ///< keys/host.key: seals platform credentials (0600)
    std::filesystem::path ledger;        ///< ledger.db
    std::filesystem::path spool;         ///< spool/: verified media waiting to be published
    std::filesystem::path defaultOutbox; ///< outbox/ unless init --outbox chose another folder
    std::filesystem::path identity;      ///< uploader-identity.postern, carried to the workstation
    std::filesystem::path lock;          ///< lock: one mutating uploader process per home

    [[nodiscard]] static HomeLayout at(const std::filesystem::path& root);
};

/**
 * defaultHomeDirectory is $POSTERN_UPLOADER_HOME, else $HOME/.local/share/postern-uploader;
 * not-found if neither variable is set.
 */
[[nodiscard]] Result<std::filesystem::path> defaultHomeDirectory();

/** InitOptions are the choices `postern-uploader init` makes once. */
struct InitOptions
{
    std::string name;                            ///< shown to the workstation admin (1..64 bytes)
    std::optional<std::filesystem::path> outbox; ///< outbox root; default <home>/outbox
    crypto::KdfParams kdf = crypto::KdfParams::moderate();
};

/** InitResult is what `init` prints. */
struct InitResult
{
    std::string fingerprint; ///< UploaderIdentity::fingerprint(), read aloud at the ceremony
    std::filesystem::path identityFile;
    std::filesystem::path outbox;
};

/**
 * UploaderHome owns one uploader home directory: its layout, the open ledger, the exclusive
 * lock that keeps two uploader processes from publishing the same targets, and (after
 * unlock) the two secret keys in guarded memory.
 */
class UploaderHome
{
public:
    UploaderHome() = default;
    ~UploaderHome();
    UploaderHome(const UploaderHome&) = delete;
    UploaderHome& operator=(const UploaderHome&) = delete;

    /**
     * initialise creates a home: directories 0700, both key files sealed under `passphrase`
     * (0600), the ledger and the self-signed identity file. already-exists if the home was
     * initialised before; a home left half-made by a crash during init is completed over.
     * The passphrase is not checked for strength here (the CLI enforces checkNewPassphrase).
     */
    [[nodiscard]] static Result<InitResult> initialise(const std::filesystem::path& root,
                                                       const InitOptions& options,
                                                       const crypto::SecureBuffer& passphrase,
                                                       const Clock& clock);

    /**
     * open opens an initialised home: not-found (with a hint to run init) if it is not one.
     * `exclusive` takes the home lock (invalid-state if another process holds it); read-only
     * commands such as `status` pass false.
     */
    [[nodiscard]] Status open(const std::filesystem::path& root, bool exclusive = true);
    void close() noexcept;

    [[nodiscard]] const HomeLayout& layout() const noexcept { return m_layout; }
    [[nodiscard]] Ledger& ledger() noexcept { return m_ledger; }
    [[nodiscard]] const std::filesystem::path& outbox() const noexcept { return m_outbox; }
    /** identity reads and checks this uploader's identity file. */
    [[nodiscard]] Result<domain::UploaderIdentity> identity() const;

    /** unlockBoxKey opens keys/box.key (wrong-passphrase, bad-key-file). */
    [[nodiscard]] Status unlockBoxKey(const crypto::SecureBuffer& passphrase);
    /** unlockSignKey opens keys/sign.key (wrong-passphrase, bad-key-file). */
    [[nodiscard]] Status unlockSignKey(const crypto::SecureBuffer& passphrase);
    [[nodiscard]] const crypto::BoxKey* boxKey() const noexcept { return m_box ? &*m_box : nullptr; }
    [[nodiscard]] const crypto::SigningKey* signKey() const noexcept { return m_sign ? &*m_sign : nullptr; }

private:
    [[nodiscard]] Status lock();

    HomeLayout m_layout;
    Ledger m_ledger;
    std::filesystem::path m_outbox;
    std::optional<crypto::BoxKey> m_box;
    std::optional<crypto::SigningKey> m_sign;
    int m_lockFd = -1;
};

} // namespace postern::uploader
