// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/**
 * POSTERN_PLATFORMS is the one list of platforms (docs/adding-a-platform.md). Each entry is
 * ENTRY(EnumName, folder): `Platform::EnumName` is generated from it (Channel.h), and the
 * registry (src/domain/PlatformRegistry.cpp) takes the descriptor that
 * src/domain/platforms/<folder>/ defines as `platforms::<folder>Platform()`.
 *
 * Append new platforms at the end: the order is the enum's order, which PlatformRules tables
 * and std::map<Platform, ...> follow, and nothing else may depend on it. Menus sort by label.
 */
#define POSTERN_PLATFORMS(ENTRY) \
    ENTRY(Outbox, outbox)        \
    ENTRY(Bluesky, bluesky)      \
    ENTRY(Mastodon, mastodon)    \
    ENTRY(TikTok, tiktok)        \
    ENTRY(X, x)
