// SPDX-License-Identifier: GPL-3.0-or-later
// The composer while drafting: an empty draft is not called "within every platform's limits",
// the OPSEC flags and missing alt text reviewers would see show to the author at once (without
// blocking), the preview shows the attached picture, and Submit asks first, naming who must
// approve next.
#include "GuiTestSupport.h"
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"

#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextDocument>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kBluesky = domain::ChannelId::parse("bluesky:press.example.org").value();

QStringList checks(gui::ComposeDialog& dialog)
{
    QStringList lines;
    auto* list = child<QListWidget>(&dialog, "violationList");
    for (int i = 0; i < list->count(); ++i)
        lines << list->item(i)->text();
    return lines;
}

bool anyContains(const QStringList& lines, const QString& text)
{
    return std::any_of(lines.begin(), lines.end(), [&](const QString& l) { return l.contains(text); });
}

} // namespace

TEST_CASE("composer: checks while drafting, the picture in the preview, a confirmed submit", "[gui][compose]")
{
    GuiStore env;
    REQUIRE(env.session.initialise("press-office", "ada", "ada passphrase 1").ok());
    auto& ws = env.session.workstation();
    {
        auto ada = ws.unlock("ada", gui::toSecure("ada passphrase 1")).value();
        using domain::Role;
        for (const auto& [name, role] :
             {std::pair{"bob", Role::Author}, {"carol", Role::Approver}, {"dave", Role::Approver}})
            REQUIRE(ws.addUser(ada,
                               name,
                               static_cast<domain::RoleSet>(role),
                               gui::toSecure(QString::fromUtf8(name) + " passphrase 1"),
                               env.session.kdf())
                        .ok());
        REQUIRE(ws.setPolicy(ada, {{kBluesky, 2, {"carol", "dave"}, 86400}}).ok());
    }
    REQUIRE(env.session.unlock("bob", "bob passphrase 1").ok());
    gui::ComposeDialog dialog(env.session);
    dialog.show();

    // One channel: ticked already. Nothing written is not "within the limits".
    CHECK(checks(dialog) == QStringList{"Write something to see how it fits each platform's limits."});

    // An e-mail address in the text: flagged for the author now, as the reviewers will see it.
    QTest::keyClicks(child<QPlainTextEdit>(&dialog, "sharedTextEdit"), "Questions to press@example.org please");
    CHECK(anyContains(checks(dialog), "Within every platform's limits."));
    CHECK(
        anyContains(checks(dialog), "OPSEC: E-mail address “press@example.org” in the Bluesky press.example.org text"));
    CHECK(dialog.warningCount() == 1);
    CHECK(child<QPushButton>(&dialog, "submitButton")->isEnabled()); // a warning, not a block

    // A picture without alt text: said under Checks, and shown in the preview.
    QImage picture(120, 80, QImage::Format_RGB32);
    picture.fill(QColor(40, 90, 160));
    const auto file = env.dir.path() / "harbour.png";
    REQUIRE(picture.save(QString::fromStdString(file.string()), "PNG"));
    dialog.attachFiles({QString::fromStdString(file.string())});
    CHECK(anyContains(checks(dialog), "harbour.png has no alt text"));
    CHECK(dialog.warningCount() == 2);
    auto* preview = child<QTextBrowser>(&dialog, "previewView");
    REQUIRE(preview->toHtml().contains("<img src=\"postern-media:"));
    const QString html = preview->toHtml();
    const qsizetype at = html.indexOf("postern-media:");
    const QUrl url(html.mid(at, QString("postern-media:").size() + 64));
    const QImage shown = preview->document()->resource(QTextDocument::ImageResource, url).value<QImage>();
    REQUIRE_FALSE(shown.isNull());
    CHECK(shown.pixel(shown.width() / 2, shown.height() / 2) == QColor(40, 90, 160).rgb());
    QTest::keyClicks(child<QLineEdit>(&dialog, "altTextEdit"), "The harbour at dawn");
    CHECK_FALSE(anyContains(checks(dialog), "no alt text"));
    CHECK(dialog.warningCount() == 1);

    // Submit asks first, and says who approves next: both approvers, since 2 are needed.
    Dialogs::clearRecorded();
    Dialogs::queueAnswer(Dialogs::Answer::No);
    CHECK_FALSE(dialog.saveAndSubmit());
    REQUIRE(Dialogs::recorded().size() == 1);
    const QString asked = Dialogs::recorded().front();
    INFO(asked.toStdString());
    CHECK(asked.startsWith("Submit for review: Send this post to the approvers?"));
    CHECK(asked.contains("Bluesky press.example.org needs 2 approvals: carol and dave."));
    CHECK(asked.contains("1 warning"));
    CHECK(dialog.savedPostId().isEmpty()); // nothing saved or sent
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    REQUIRE(dialog.saveAndSubmit());
    CHECK(ws.show(dialog.savedPostId().toStdString())->record.state == store::PostState::InReview);
}
