// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/PlatformPreview.h"

#include "postern/domain/PlatformDescriptor.h"

#include "gui/PostListModel.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>

namespace postern::gui {

namespace {

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

QString platformColor(domain::Platform platform)
{
    return text(domain::descriptorFor(platform).accent);
}

QString platformTitle(domain::Platform platform)
{
    // Context "Platform": the titles are data (the descriptors), so a translation lists them there.
    return QCoreApplication::translate("Platform", std::string(domain::descriptorFor(platform).title).c_str());
}

std::vector<domain::Platform> menuPlatforms()
{
    std::vector<const domain::PlatformDescriptor*> sorted(domain::allPlatforms().begin(), domain::allPlatforms().end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        if (a->manual != b->manual)
            return b->manual;
        return QString::compare(text(a->label), text(b->label), Qt::CaseInsensitive) < 0;
    });
    std::vector<domain::Platform> out;
    for (const auto* d : sorted)
        out.push_back(d->id);
    return out;
}

QString channelTitle(const domain::ChannelId& channel)
{
    return platformTitle(channel.platform) + QStringLiteral(" ") + QString::fromStdString(channel.account);
}

QString channelTitle(const QString& channelId)
{
    auto parsed = domain::ChannelId::parse(channelId.trimmed().toStdString());
    return parsed ? channelTitle(*parsed) : channelId;
}

QString channelsTitle(const QString& channelIds)
{
    QStringList titles;
    for (const QString& id : channelIds.split(QLatin1Char(','), Qt::SkipEmptyParts))
        titles << channelTitle(id);
    return titles.join(QStringLiteral(", "));
}

namespace {

/** markUp escapes the text and colours URLs, #hashtags and @mentions the way platforms do. */
QString markUp(const QString& text, const QString& accent)
{
    static const QRegularExpression token(
        QStringLiteral(R"((https?://[^\s<>"]+)|((?<![\w])#[\p{L}\p{N}_]+)|((?<![\w])@[\w.@-]+))"));
    QString out;
    qsizetype last = 0;
    auto it = token.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += text.mid(last, m.capturedStart() - last).toHtmlEscaped();
        out += QStringLiteral("<span style='color:") + accent + QStringLiteral("'>") + m.captured().toHtmlEscaped()
               + QStringLiteral("</span>");
        last = m.capturedEnd();
    }
    out += text.mid(last).toHtmlEscaped();
    return out.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString optionText(const Json& options, std::string_view contentWarning)
{
    QStringList parts;
    if (options.isObject()) {
        for (const auto& [key, value] : options.asObject()) {
            if (!contentWarning.empty() && key == contentWarning)
                continue; // shown as the content warning above the text
            QString shown;
            if (value.type() == Json::Type::Bool)
                shown = value.asBool() ? QObject::tr("yes") : QObject::tr("no");
            else if (value.type() == Json::Type::String)
                shown = QString::fromStdString(value.asString());
            else if (value.type() == Json::Type::Int)
                shown = QString::number(value.asInt());
            parts << QString::fromStdString(key).replace(QLatin1Char('_'), QLatin1Char(' ')) + QStringLiteral(": ")
                         + shown.toHtmlEscaped();
        }
    }
    return parts.join(QStringLiteral(" · "));
}

} // namespace

QUrl mediaImageUrl(const domain::MediaRef& media)
{
    return QUrl(QStringLiteral("postern-media:") + QString::fromStdString(toHex(media.hash)));
}

QString channelCardHtml(const domain::ChannelPost& post,
                        const std::vector<domain::MediaRef>& media,
                        std::int64_t schedule,
                        bool showImages)
{
    const QString accent = platformColor(post.channel.platform);
    QString html = QStringLiteral("<table width='100%' cellspacing='0' cellpadding='8' style='border:1px solid ")
                   + accent + QStringLiteral(";margin-bottom:10px'><tr><td style='background:") + accent
                   + QStringLiteral(";color:white'><b>") + platformTitle(post.channel.platform).toHtmlEscaped()
                   + QStringLiteral("</b> &nbsp; ") + QString::fromStdString(post.channel.account).toHtmlEscaped()
                   + QStringLiteral("</td></tr><tr><td>");
    const std::string_view cwKey = domain::descriptorFor(post.channel.platform).contentWarningOption;
    const auto* spoiler = cwKey.empty() ? nullptr : post.options.find(cwKey);
    if (spoiler && spoiler->type() == Json::Type::String && !spoiler->asString().empty())
        html += QStringLiteral("<p style='background:#f3f0e0;padding:4px'><b>") + QObject::tr("Content warning:")
                + QStringLiteral("</b> ") + QString::fromStdString(spoiler->asString()).toHtmlEscaped()
                + QStringLiteral("</p>");
    html += QStringLiteral("<p style='font-size:11pt'>") + markUp(QString::fromStdString(post.text), accent)
            + QStringLiteral("</p>");
    for (const auto& m : media) {
        const bool video = m.mime.rfind("video/", 0) == 0;
        if (showImages && m.mime.rfind("image/", 0) == 0)
            html += QStringLiteral("<p><img src='") + mediaImageUrl(m).toString()
                    + QStringLiteral("'></p>"); // local resource, never fetched
        html += QStringLiteral("<p style='color:#444'>") + (video ? QObject::tr("Video: ") : QObject::tr("Image: "))
                + QString::fromStdString(m.name).toHtmlEscaped() + QStringLiteral(" <i>(")
                + QString::fromStdString(m.mime).toHtmlEscaped() + QStringLiteral(")</i><br>")
                + (m.alt.empty() ? QStringLiteral("<span style='color:#a4262c'>") + QObject::tr("No alt text")
                                       + QStringLiteral("</span>")
                                 : QObject::tr("Alt text: ") + QString::fromStdString(m.alt).toHtmlEscaped())
                + QStringLiteral("</p>");
    }
    const QString options = optionText(post.options, cwKey);
    html += QStringLiteral("<p style='color:#555;font-size:9pt'>")
            + QObject::tr("Publish: %1").arg(formatTime(schedule, QObject::tr("as soon as the uploader receives it")))
            + (options.isEmpty() ? QString() : QStringLiteral("<br>") + options)
            + QStringLiteral("</p></td></tr></table>");
    return html;
}

} // namespace postern::gui
