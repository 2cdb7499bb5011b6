// SPDX-License-Identifier: GPL-3.0-or-later
// The composer's limit checks, table-driven from the platform rules (compose::allPlatformRules):
// for every platform and every text limit, text exactly at the limit passes that limit and
// one unit more is refused by name, highlighted in the editor, and blocks submission.
#include "postern/compose/PlatformRules.h"
#include "postern/compose/TextCounter.h"

#include "GuiTestSupport.h"
#include "gui/ComposeDialog.h"

#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>

using namespace postern;
using namespace postern::test;

namespace {

/** textOfLength builds text measuring exactly `max` in `unit`. Byte limits use a 25-byte ZWJ
 *  family emoji (one grapheme) so the grapheme limit of the same platform is not hit first. */
std::string textOfLength(compose::CountUnit unit, std::int64_t max)
{
    const std::string token =
        unit == compose::CountUnit::Utf8Bytes ? "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466" : "a";
    std::string text;
    while (compose::measureText(unit, text + token, max).used <= max)
        text += token;
    while (compose::measureText(unit, text + "a", max).used <= max)
        text += "a";
    return text;
}

std::vector<compose::Violation> textViolations(const gui::ComposeDialog& dialog)
{
    std::vector<compose::Violation> out;
    for (const auto& v : dialog.violations())
        if (v.field == "text")
            out.push_back(v);
    return out;
}

} // namespace

TEST_CASE("composer enforces every platform's text limits from the platform rules", "[gui][limits]")
{
    GuiStore env;
    REQUIRE(env.session.initialise("ws", "alice", "alice's long passphrase"));
    REQUIRE(env.session.unlock("alice", "alice's long passphrase"));
    auto& ws = env.session.workstation();
    REQUIRE(ws.addUser(env.session.user(),
                       "bob",
                       static_cast<domain::RoleSet>(domain::Role::Author),
                       gui::toSecure("bob's long passphrase"),
                       env.session.kdf()));
    REQUIRE(ws.addUser(env.session.user(),
                       "carol",
                       static_cast<domain::RoleSet>(domain::Role::Approver),
                       gui::toSecure("carol's long passphrase"),
                       env.session.kdf()));
    std::vector<workflow::ChannelRuleInput> rules;
    for (const auto& platform : compose::allPlatformRules())
        rules.push_back({domain::ChannelId{platform.platform, "press"}, 1, {"carol"}, 86400});
    REQUIRE(ws.setPolicy(env.session.user(), rules));
    env.session.lock();
    REQUIRE(env.session.unlock("bob", "bob's long passphrase"));

    gui::ComposeDialog dialog(env.session);
    dialog.show();
    auto* channels = child<QListWidget>(&dialog, "channelList");
    auto* edit = child<QPlainTextEdit>(&dialog, "sharedTextEdit");
    auto* submit = child<QPushButton>(&dialog, "submitButton");
    REQUIRE(channels->count() == static_cast<int>(compose::allPlatformRules().size()));

    for (const auto& platform : compose::allPlatformRules()) {
        const QString id = QString::fromStdString(domain::ChannelId{platform.platform, "press"}.str());
        for (int i = 0; i < channels->count(); ++i)
            channels->item(i)->setCheckState(channels->item(i)->data(Qt::UserRole).toString() == id ? Qt::Checked
                                                                                                    : Qt::Unchecked);
        for (const auto& limit : platform.textLimits) {
            INFO(platform.displayName << " " << compose::countUnitName(limit.unit) << " " << limit.max);
            const std::string atLimit = textOfLength(limit.unit, limit.max);
            REQUIRE(compose::measureText(limit.unit, atLimit, limit.max).used == limit.max);
            edit->setPlainText(QString::fromStdString(atLimit));
            CHECK(textViolations(dialog).empty());
            if (!platform.requiresMedia)
                CHECK(submit->isEnabled());

            edit->setPlainText(QString::fromStdString(atLimit + "a"));
            const auto over = textViolations(dialog);
            REQUIRE(over.size() == 1);
            CHECK(over[0].channel == id.toStdString());
            CHECK(over[0].message.find(platform.displayName) != std::string::npos);
            CHECK(over[0].message.find(std::to_string(limit.max)) != std::string::npos);
            CHECK(over[0].offsetUtf8 == static_cast<std::int64_t>(atLimit.size())); // the one unit too many
            CHECK_FALSE(submit->isEnabled());
            CHECK_FALSE(edit->extraSelections().isEmpty()); // the overflow is highlighted
            CHECK(child<QListWidget>(&dialog, "violationList")->item(0)->text().toStdString() == over[0].message);
        }
    }
}
