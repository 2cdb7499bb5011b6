// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/BundleWriter.h"

#include <set>

namespace postern::fuzz {

/** FuzzCeremony is a deterministic trust setup (fixed seeds) so crashes reproduce. */
struct FuzzCeremony
{
    FuzzCeremony();
    crypto::SigningKey workstation;
    crypto::SigningKey admin;
    crypto::SigningKey approver;
    crypto::BoxKey uploader;
    domain::SignedPolicy policy;
    bundle::TrustedWorkstation trusted;
    std::set<bundle::BundleId> seen;

    [[nodiscard]] bundle::VerifyEnvironment env();
    /** verify runs the full verifier over bytes, at a fixed time. */
    [[nodiscard]] Status verify(ByteView bundleBytes);
    /** sealRaw seals `manifest` bytes as-is into a validly signed bundle with no media. */
    [[nodiscard]] Bytes sealRaw(std::string_view manifest);
};

/** instance initialises crypto once and returns the shared ceremony. */
FuzzCeremony& instance();

} // namespace postern::fuzz
