// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/Records.h"

#include <QHash>
#include <QString>

namespace postern::gui {

class Session;

/**
 * AuditText writes audit log entries in words for the Audit log tab: "Approved “Band concert
 * on Sunday…” (version 2)" instead of `approve 4c38093b…`. Post ids become the post's first
 * words (looked up once per post); the raw action, subject and details go in the tooltip,
 * where whoever investigates still finds them.
 */
class AuditText
{
public:
    explicit AuditText(Session& session) : m_session(session) {}

    /** what is the entry's action and subject in words. */
    [[nodiscard]] QString what(const store::AuditRecord& entry);
    /** raw is the entry as stored: "action subject — details". */
    [[nodiscard]] static QString raw(const store::AuditRecord& entry);

private:
    /** post is a quoted snippet of the post with this id, or "a post" when it is unknown. */
    [[nodiscard]] QString post(const std::string& id);

    Session& m_session;
    QHash<QString, QString> m_snippets;
};

} // namespace postern::gui
