// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleWriter.h"

#include <filesystem>

namespace postern::bundle {

/**
 * readBackBundle proves the drive holds exactly the bundle that was written, before anything is
 * marked exported (docs/export.md, "Verify after write"). The file was fsynced by sealBundle;
 * its now-clean pages are dropped from the page cache first, so the bytes come from the
 * media, not from memory. It checks:
 *   1. the file is exactly as long as the header says (header, then the chunk layout that
 *      payloadBytes implies: ceil(payload / 1 MiB) chunks, each with its 17-byte tag);
 *   2. the Poly1305 tag of every byte read back equals the tag of the bytes handed to the
 *      file while writing (computed from memory under a random key that never left memory);
 *   3. the first 296 bytes decode as a header identical to the sealed one, whose signature
 *      verifies under this workstation's public key from the store, which is sealed to the
 *      trusted uploader's key, and whose bundle id is the one derived from key and sequence.
 * It cannot check the chunk authentication tags or the manifest signature inside the
 * encrypted stream: the file key is sealed to the uploader and forgotten after sealing, on
 * purpose. Check 2 already covers every one of those bytes.
 * (Poly1305 rather than BLAKE2b keeps sealing at the speed of the encryption: see
 * docs/performance.md. Under a secret key it is at least as strong a check against a drive.)
 */
[[nodiscard]] Status readBackBundle(const std::filesystem::path& out,
                                    const SealedBundle& sealed,
                                    const crypto::PublicKey& workstation,
                                    const crypto::PublicKey& recipient,
                                    const SealProgress& progress = {});

} // namespace postern::bundle
