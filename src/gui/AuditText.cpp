// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/AuditText.h"

#include "gui/Session.h"

#include <QObject>
#include <QRegularExpression>

namespace postern::gui {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

/** detailWords turns the core's short details into words ("version 2", "3 post(s), ..."). */
QString detailWords(const std::string& details)
{
    QString d = q(details).simplified();
    d.replace(QStringLiteral("post(s)"), QObject::tr("posts"))
        .replace(QStringLiteral("order(s)"), QObject::tr("orders"));
    return d;
}

/** spacedRoles reads the core's role list "author,approver" as "author, approver". */
QString spacedRoles(QString roles)
{
    return roles.replace(QLatin1Char(','), QStringLiteral(", "));
}

} // namespace

QString AuditText::raw(const store::AuditRecord& entry)
{
    QString text = q(entry.action + " " + entry.subject);
    if (!entry.details.empty())
        text += QStringLiteral(" — ") + q(entry.details);
    return text;
}

QString AuditText::post(const std::string& id)
{
    const QString key = q(id);
    if (auto it = m_snippets.constFind(key); it != m_snippets.constEnd())
        return *it;
    QString snippet = QObject::tr("a post");
    if (auto record = m_session.workstation().queries().post(id)) {
        const QString title = q(record->title).simplified();
        if (!title.isEmpty())
            snippet = QStringLiteral("“") + (title.size() > 40 ? title.left(40).trimmed() + QStringLiteral("…") : title)
                      + QStringLiteral("”");
    }
    m_snippets.insert(key, snippet);
    return snippet;
}

QString AuditText::what(const store::AuditRecord& e)
{
    const std::string& a = e.action;
    const QString details = detailWords(e.details);
    const QString withDetails = details.isEmpty() ? QString() : QStringLiteral(" (") + details + QStringLiteral(")");
    if (a == "draft-new")
        return QObject::tr("Wrote a new post %1").arg(post(e.subject));
    if (a == "draft-edit")
        return QObject::tr("Revised %1").arg(post(e.subject)) + withDetails;
    if (a == "submit")
        return QObject::tr("Submitted %1 for review").arg(post(e.subject));
    if (a == "approve")
        return QObject::tr("Approved %1").arg(post(e.subject)) + withDetails;
    if (a == "reject")
        return QObject::tr("Rejected %1").arg(post(e.subject));
    if (a == "post-requeue")
        return QObject::tr("Sent %1 back to review").arg(post(e.subject));
    if (a == "post-return")
        return QObject::tr("Sent %1 back to draft").arg(post(e.subject));
    if (a == "export") {
        const auto m = QRegularExpression(QStringLiteral("fingerprint (\\S+)")).match(q(e.details));
        return m.hasMatch() ? QObject::tr("Exported a bundle, fingerprint %1").arg(m.captured(1))
                            : QObject::tr("Exported a bundle");
    }
    if (a == "receipt-import")
        return QObject::tr("Imported a receipt");
    if (a == "order-request")
        return QObject::tr("Asked to stop or take down a post");
    if (a == "order-approve")
        return QObject::tr("Approved an order to stop or take down a post");
    if (a == "order-decline")
        return QObject::tr("Declined an order to stop or take down a post");
    if (a == "order-withdraw")
        return QObject::tr("Withdrew an order to stop or take down a post");
    if (a == "login")
        return QObject::tr("Unlocked the workstation");
    if (a == "passphrase-change")
        return QObject::tr("Changed their passphrase");
    if (a == "init")
        return QObject::tr("Created the workstation “%1”").arg(q(e.subject));
    if (a == "user-add")
        return QObject::tr("Added %1 (%2)").arg(q(e.subject), spacedRoles(q(e.details).section(QLatin1Char(' '), 0, 0)));
    if (a == "user-roles")
        return QObject::tr("Changed the roles of %1 (%2)")
            .arg(q(e.subject),
                 spacedRoles(q(e.details)
                                 .section(QStringLiteral(" policy"), 0, 0)
                                 .replace(QStringLiteral("->"), QStringLiteral("→"))));
    if (a == "user-disable")
        return QObject::tr("Disabled %1").arg(q(e.subject));
    if (a == "user-rotate-key")
        return QObject::tr("Replaced the key of %1").arg(q(e.subject));
    if (a == "policy-set") {
        // The subject reads "policy v8".
        const auto m = QRegularExpression(QStringLiteral("v(\\d+)")).match(q(e.subject));
        return m.hasMatch() ? QObject::tr("Published approval policy version %1").arg(m.captured(1))
                            : QObject::tr("Published a new approval policy");
    }
    if (a == "uploader-trust")
        return QObject::tr("Trusted the uploader “%1”").arg(q(e.subject));
    if (a == "identity-export")
        return QObject::tr("Exported the workstation identity");
    if (a == "opsec-rules-set")
        return QObject::tr("Changed the OPSEC rules");
    if (a == "profile-import")
        return QObject::tr("Imported a platform profile");
    // An action this version does not know yet: its name in words, the rest on hover.
    return q(a).replace(QLatin1Char('-'), QLatin1Char(' '));
}

} // namespace postern::gui
