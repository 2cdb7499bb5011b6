// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/Thumbnails.h"

#include "gui/Session.h"

#include <QImageReader>
#include <QPixmap>

namespace postern::gui {

QIcon mediaThumbnail(Session& session, const std::string& hash, const std::string& mime, int size)
{
    if (mime.rfind("image/", 0) != 0)
        return QIcon(QStringLiteral(":/icons/video.svg"));
    auto path = session.workstation().queries().mediaPath(hash);
    if (!path)
        return QIcon(QStringLiteral(":/icons/media.svg"));
    QImageReader reader(QString::fromStdString(path->string()));
    reader.setAutoTransform(true);
    if (reader.size().isValid())
        reader.setScaledSize(reader.size().scaled(size, size, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    return image.isNull() ? QIcon(QStringLiteral(":/icons/media.svg")) : QIcon(QPixmap::fromImage(image));
}

} // namespace postern::gui
