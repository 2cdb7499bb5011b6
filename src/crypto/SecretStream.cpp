// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/SecretStream.h"

#include <sodium.h>

namespace postern::crypto {

static_assert(sizeof(crypto_secretstream_xchacha20poly1305_state) <= 64, "stream state buffer too small");
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == kStreamOverhead);
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == kStreamHeaderBytes);

namespace {
auto* state(std::array<std::uint8_t, 64>& s)
{
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(s.data());
}
} // namespace

Result<std::array<std::uint8_t, kStreamHeaderBytes>> StreamEncryptor::init(const SecureBuffer& key)
{
    if (key.size() != kStreamKeyBytes)
        return fail(Errc::Internal, "stream key must be 32 bytes");
    std::array<std::uint8_t, kStreamHeaderBytes> header{};
    crypto_secretstream_xchacha20poly1305_init_push(state(m_state), header.data(), key.data());
    m_ready = true;
    return header;
}

Status StreamEncryptor::push(ByteView plain, ByteView ad, bool final, std::span<std::uint8_t> out)
{
    if (!m_ready || out.size() != plain.size() + kStreamOverhead)
        return fail(Errc::Internal, "stream push with wrong buffer size or before init");
    const unsigned char tag =
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    crypto_secretstream_xchacha20poly1305_push(state(m_state),
                                               out.data(),
                                               nullptr,
                                               plain.data(),
                                               plain.size(),
                                               ad.empty() ? nullptr : ad.data(),
                                               ad.size(),
                                               tag);
    if (final)
        m_ready = false;
    return {};
}

Status StreamDecryptor::init(const SecureBuffer& key, ByteView header)
{
    if (key.size() != kStreamKeyBytes || header.size() != kStreamHeaderBytes)
        return fail(Errc::BadKeySeal, "stream key or header has the wrong size");
    if (crypto_secretstream_xchacha20poly1305_init_pull(state(m_state), header.data(), key.data()) != 0)
        return fail(Errc::ChunkAuthFailed, "stream header is invalid");
    m_ready = true;
    return {};
}

Status StreamDecryptor::pull(ByteView cipher, ByteView ad, std::span<std::uint8_t> out, bool& final)
{
    if (!m_ready)
        return fail(Errc::TrailingData, "data after the final chunk");
    if (cipher.size() < kStreamOverhead || out.size() != cipher.size() - kStreamOverhead)
        return fail(Errc::Truncated, "chunk is shorter than its authentication tag");
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(state(m_state),
                                                   out.data(),
                                                   nullptr,
                                                   &tag,
                                                   cipher.data(),
                                                   cipher.size(),
                                                   ad.empty() ? nullptr : ad.data(),
                                                   ad.size())
        != 0)
        return fail(Errc::ChunkAuthFailed, "chunk failed authentication (modified, reordered or wrong key)");
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        final = true;
        m_ready = false;
    } else if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        final = false;
    } else {
        return fail(Errc::ChunkAuthFailed, "chunk carries a tag Postern never writes (push or rekey)");
    }
    return {};
}

} // namespace postern::crypto
