// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/Records.h"
#include "postern/util/Result.h"

#include <optional>
#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/** NewUploader is an uploader identity accepted at the key ceremony (already verified by the caller). */
struct NewUploader
{
    std::string name;
    crypto::PublicKey boxKey{};
    crypto::PublicKey signKey{};
    std::string identityText;
    std::int64_t trustedAt = 0;
};

/**
 * TrustRepository holds what the workstation trusts: the uploader it exports to and the signed
 * approval policy versions. Documents are kept verbatim; verifying their signatures is the
 * domain layer's job before they get here.
 */
class TrustRepository
{
public:
    /** TrustRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit TrustRepository(StoreConnection& connection) : m_connection(connection) {}

    /**
     * trustUploader records a new uploader and makes it the only active one; the previous one
     * is deactivated in the same transaction, so there is never zero or two active uploaders.
     */
    [[nodiscard]] Result<UploaderRecord> trustUploader(const NewUploader& uploader);

    /** activeUploader returns the uploader bundles go to; no-uploader if none was trusted yet. */
    [[nodiscard]] Result<UploaderRecord> activeUploader();

    /** uploaders returns every uploader ever trusted, oldest first. */
    [[nodiscard]] Result<std::vector<UploaderRecord>> uploaders();

    /**
     * addPolicy stores the next policy version. The first must be 1 and each later one exactly
     * latest + 1, mirroring the uploader's rule: invalid-state otherwise.
     */
    [[nodiscard]] Status addPolicy(std::int64_t version, std::string_view text, std::int64_t at);

    /** latestPolicy returns the highest version; not-found if no policy was set yet. */
    [[nodiscard]] Result<PolicyRecord> latestPolicy();

    /** policies returns every version in ascending order. */
    [[nodiscard]] Result<std::vector<PolicyRecord>> policies();

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
