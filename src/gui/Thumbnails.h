// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>

#include <string>

namespace postern::gui {

class Session;

/**
 * mediaThumbnail is the icon for one stored media file: an image scaled while it is decoded
 * (QImageReader::setScaledSize, so a large photo never needs its full-size bitmap), or a
 * generic icon for videos and for files that cannot be read.
 */
[[nodiscard]] QIcon mediaThumbnail(Session& session, const std::string& hash, const std::string& mime, int size);

} // namespace postern::gui
