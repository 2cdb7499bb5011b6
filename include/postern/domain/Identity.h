// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Policy.h"

#include <string>
#include <vector>

namespace postern::domain {

constexpr std::string_view kUploaderIdentityType = "postern.uploader-identity";
constexpr std::string_view kWorkstationIdentityType = "postern.workstation-identity";
constexpr std::size_t kMaxIdentityBytes = 8u << 20;

/**
 * UploaderIdentity is carried once from the uploader to the workstation at the key ceremony:
 * the X25519 key bundles are sealed to and the Ed25519 key that signs receipts and profiles.
 * It is self-signed (proof of possession); trust comes from comparing the fingerprint aloud.
 */
struct UploaderIdentity
{
    std::string name;
    crypto::PublicKey boxKey{};
    crypto::PublicKey signKey{};
    std::string fileText;

    /** fingerprint covers both keys: what the two admins read to each other. */
    [[nodiscard]] std::string fingerprint() const;
};

[[nodiscard]] std::string
makeUploaderIdentity(std::string_view name, const crypto::PublicKey& boxKey, const crypto::SigningKey& signKey);
/** readUploaderIdentity parses and checks the self-signature. */
[[nodiscard]] Result<UploaderIdentity> readUploaderIdentity(std::string_view fileText);

/**
 * WorkstationIdentity is carried once from the workstation to the uploader: the workstation
 * signing key and the whole signed policy chain (version 1 self-signed by its admins, each
 * later version signed under the previous one). The envelope is signed by the workstation key.
 */
struct WorkstationIdentity
{
    std::string name;
    crypto::PublicKey workstation{};
    std::vector<SignedPolicy> policies;
    std::string fileText;

    [[nodiscard]] std::string fingerprint() const;
    [[nodiscard]] const SignedPolicy& latest() const { return policies.back(); }
};

[[nodiscard]] Result<std::string> makeWorkstationIdentity(std::string_view name,
                                                          const crypto::SigningKey& workstation,
                                                          const std::vector<std::string>& policyFileTexts);
/** readWorkstationIdentity parses, checks the workstation signature and verifies the chain
 *  from version 1 (errors as verifyPolicyRoot / verifyPolicySuccessor). */
[[nodiscard]] Result<WorkstationIdentity> readWorkstationIdentity(std::string_view fileText);

/** keyFingerprint is crypto::fingerprint of one public key. */
[[nodiscard]] std::string keyFingerprint(const crypto::PublicKey& key);

} // namespace postern::domain
