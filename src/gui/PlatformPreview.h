// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Post.h"

#include <QString>
#include <QUrl>

#include <vector>

namespace postern::gui {

/**
 * channelCardHtml renders how one channel's post will read on its platform: the account, the
 * text with links, hashtags and mentions marked (as text: nothing here is a live link, the
 * workstation has no network), a content warning, the attached media with their alt text, and
 * the options. The review pane and the composer's preview use the same rendering, so what an
 * approver sees is what the author saw.
 */
[[nodiscard]] QString channelCardHtml(const domain::ChannelPost& post,
                                      const std::vector<domain::MediaRef>& media,
                                      std::int64_t schedule,
                                      bool showImages = false);

/** mediaImageUrl names an image in a preview document: channelCardHtml with `showImages`
 *  refers to it, and the caller adds the picture under that name (QTextDocument::addResource). */
[[nodiscard]] QUrl mediaImageUrl(const domain::MediaRef& media);

/** platformColor is the accent colour used for a platform's cards and tabs (its descriptor's accent). */
[[nodiscard]] QString platformColor(domain::Platform platform);
/** platformTitle is the platform's display name ("Bluesky", "X", ...): its descriptor's title. */
[[nodiscard]] QString platformTitle(domain::Platform platform);
/** menuPlatforms lists the platforms for choosers: by label, the outbox (manual) last. */
[[nodiscard]] std::vector<domain::Platform> menuPlatforms();
/** channelTitle is a channel in words: "Bluesky press.example.org", "X @press". */
[[nodiscard]] QString channelTitle(const domain::ChannelId& channel);
/** channelTitle of a channel id string ("bluesky:press.example.org"); unchanged if unparsable. */
[[nodiscard]] QString channelTitle(const QString& channelId);
/** channelsTitle: a comma-separated list of channel ids, each in words. */
[[nodiscard]] QString channelsTitle(const QString& channelIds);

} // namespace postern::gui
