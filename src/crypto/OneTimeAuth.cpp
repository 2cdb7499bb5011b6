// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/OneTimeAuth.h"

#include <sodium.h>

namespace postern::crypto {

static_assert(sizeof(crypto_onetimeauth_state) <= 256, "OneTimeAuth state buffer too small");
static_assert(crypto_onetimeauth_KEYBYTES == kOneTimeAuthKeyBytes);
static_assert(crypto_onetimeauth_BYTES == kOneTimeAuthTagBytes);

namespace {
auto* state(std::array<std::uint8_t, 256>& s)
{
    return reinterpret_cast<crypto_onetimeauth_state*>(s.data());
}
} // namespace

OneTimeAuth::~OneTimeAuth()
{
    sodium_memzero(m_state.data(), m_state.size()); // the state holds the key
}

Status OneTimeAuth::init(const SecureBuffer& key)
{
    if (key.size() != kOneTimeAuthKeyBytes)
        return fail(Errc::Internal, "one-time authentication key must be 32 bytes");
    crypto_onetimeauth_init(state(m_state), key.data());
    m_ready = true;
    return {};
}

void OneTimeAuth::update(ByteView data)
{
    if (m_ready)
        crypto_onetimeauth_update(state(m_state), data.data(), data.size());
}

Result<AuthTag> OneTimeAuth::finish()
{
    if (!m_ready)
        return fail(Errc::Internal, "one-time authentication finished before init");
    AuthTag tag{};
    crypto_onetimeauth_final(state(m_state), tag.data());
    m_ready = false;
    sodium_memzero(m_state.data(), m_state.size());
    return tag;
}

} // namespace postern::crypto
