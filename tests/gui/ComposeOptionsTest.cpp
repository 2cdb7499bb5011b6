// SPDX-License-Identifier: GPL-3.0-or-later
// The composer's platform option boxes: which box shows for which ticked channel, the controls
// in each (labels, choices, defaults), the options a saved version gets from them, loading
// them back, the keyboard order, and jumping from an option problem to its control.
#include "postern/domain/PlatformDescriptor.h"

#include "GuiTestSupport.h"
#include "gui/ComposeDialog.h"
#include "gui/PlatformOptionsBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>

#include <algorithm>

using namespace postern;
using namespace postern::test;

namespace {

const char* const kChannels[] = {"bluesky:press", "mastodon:press", "outbox:press", "tiktok:press", "x:press"};

/** Office: ada (admin), bob (author), carol (approver); one channel per platform. */
struct Office : GuiStore
{
    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", "ada passphrase 1").ok());
        auto& ws = session.workstation();
        auto ada = ws.unlock("ada", gui::toSecure("ada passphrase 1")).value();
        using domain::Role;
        for (const auto& [name, role] : {std::pair{"bob", Role::Author}, {"carol", Role::Approver}})
            REQUIRE(ws.addUser(ada,
                               name,
                               static_cast<domain::RoleSet>(role),
                               gui::toSecure(QString::fromUtf8(name) + " passphrase 1"),
                               session.kdf())
                        .ok());
        std::vector<workflow::ChannelRuleInput> rules;
        for (const char* id : kChannels)
            rules.push_back({domain::ChannelId::parse(id).value(), 1, {"carol"}, 86400});
        REQUIRE(ws.setPolicy(ada, rules).ok());
        REQUIRE(session.unlock("bob", "bob passphrase 1").ok());
    }
};

void tick(gui::ComposeDialog& dialog, const QStringList& ids)
{
    auto* list = child<QListWidget>(&dialog, "channelList");
    for (int i = 0; i < list->count(); ++i)
        list->item(i)->setCheckState(ids.contains(list->item(i)->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                                : Qt::Unchecked);
}

/** visibleBoxes lists the titles of the option boxes the composer shows. */
QStringList visibleBoxes(gui::ComposeDialog& dialog)
{
    QStringList titles;
    for (auto* box : dialog.findChildren<QGroupBox*>())
        if (box->isVisible() && box->title().endsWith(" options"))
            titles << box->title();
    titles.sort();
    return titles;
}

QStringList items(QComboBox* combo, int role)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i)
        out << (role == Qt::DisplayRole ? combo->itemText(i) : combo->itemData(i).toString());
    return out;
}

QStringList texts(const QList<QCheckBox*>& boxes)
{
    QStringList out;
    for (auto* b : boxes)
        out << b->text();
    return out;
}

QStringList labels(QGroupBox* box)
{
    QStringList out;
    for (auto* l : box->findChildren<QLabel*>())
        out << l->text();
    out.sort();
    return out;
}

/** inputs are the controls of an option box (a combo box's own popup list is not one). */
QList<QWidget*> inputs(QGroupBox* box)
{
    QList<QWidget*> out;
    for (auto* w : box->findChildren<QWidget*>())
        if (qobject_cast<QComboBox*>(w) || qobject_cast<QCheckBox*>(w) || qobject_cast<QLineEdit*>(w))
            out << w;
    return out;
}

std::string savedOptions(Office& office, const QString& postId, const char* channel)
{
    auto view = office.session.workstation().show(postId.toStdString());
    REQUIRE(view.ok());
    for (const auto& c : view->content.channels)
        if (c.channel.str() == channel)
            return c.options.serialize();
    return "(channel not in the post)";
}

} // namespace

TEST_CASE("composer: one option box per platform that has options, shown while its channel is ticked",
          "[gui][compose][options]")
{
    Office office;
    gui::ComposeDialog dialog(office.session);
    dialog.show();
    CHECK(visibleBoxes(dialog).isEmpty());
    tick(dialog, {"bluesky:press", "outbox:press", "x:press"});
    CHECK(visibleBoxes(dialog).isEmpty()); // their options are for the command line only
    tick(dialog, {"tiktok:press"});
    CHECK(visibleBoxes(dialog) == QStringList{"TikTok options"});
    tick(dialog, {"tiktok:press", "mastodon:press", "x:press"});
    CHECK(visibleBoxes(dialog) == (QStringList{"Mastodon options", "TikTok options"}));
    tick(dialog, {"mastodon:press"});
    CHECK(visibleBoxes(dialog) == QStringList{"Mastodon options"});
}

TEST_CASE("composer: the option controls, their defaults, what is saved and loaded back", "[gui][compose][options]")
{
    Office office;
    auto dialog = std::make_unique<gui::ComposeDialog>(office.session);
    dialog->show();
    tick(*dialog, {"mastodon:press", "tiktok:press"});
    auto* tiktok = child<QGroupBox>(dialog.get(), "tiktokBox");
    auto* mastodon = child<QGroupBox>(dialog.get(), "mastodonBox");
    // Names of the generated controls: "<platform>_<key>" (the hand-built form had others).
    for (const char* name : {"tiktok_privacy_level",
                             "tiktok_disable_comment",
                             "tiktok_disable_duet",
                             "tiktok_disable_stitch",
                             "mastodon_visibility",
                             "mastodon_spoiler_text",
                             "mastodon_language"})
        CHECK(dialog->findChild<QWidget*>(QString::fromUtf8(name)) != nullptr);

    // TikTok: who can watch has no default; interactions start off (content-sharing guidelines).
    const auto tiktokCombos = tiktok->findChildren<QComboBox*>();
    REQUIRE(tiktokCombos.size() == 1);
    QComboBox* privacy = tiktokCombos.front();
    CHECK(items(privacy, Qt::DisplayRole)
          == (QStringList{"— choose who can watch —",
                          "Everyone",
                          "Friends (mutual followers)",
                          "Followers",
                          "Only the account"}));
    CHECK(items(privacy, Qt::UserRole)
          == (QStringList{"", "PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"}));
    CHECK(privacy->currentIndex() == 0);
    const auto toggles = tiktok->findChildren<QCheckBox*>();
    CHECK(texts(toggles) == (QStringList{"Allow comments", "Allow duets", "Allow stitches"}));
    CHECK(std::none_of(toggles.begin(), toggles.end(), [](QCheckBox* b) { return b->isChecked(); }));
    CHECK(tiktok->findChildren<QLineEdit*>().isEmpty());
    CHECK(labels(tiktok) == QStringList{"Who can watch"});

    // Mastodon: visibility defaults to public; content warning and language are optional text.
    const auto mastodonCombos = mastodon->findChildren<QComboBox*>();
    REQUIRE(mastodonCombos.size() == 1);
    QComboBox* visibility = mastodonCombos.front();
    CHECK(items(visibility, Qt::DisplayRole)
          == (QStringList{"Public", "Unlisted (quiet public)", "Followers only", "Mentioned people only"}));
    CHECK(items(visibility, Qt::UserRole) == (QStringList{"public", "unlisted", "private", "direct"}));
    CHECK(visibility->currentData().toString() == "public");
    const auto edits = mastodon->findChildren<QLineEdit*>();
    REQUIRE(edits.size() == 2);
    QLineEdit* spoiler = edits[0]->placeholderText().startsWith("optional: shown") ? edits[0] : edits[1];
    QLineEdit* language = spoiler == edits[0] ? edits[1] : edits[0];
    CHECK(spoiler->placeholderText() == "optional: shown before the text");
    CHECK(language->placeholderText() == "optional ISO 639 code, e.g. en");
    CHECK(language->maxLength() == 8);
    CHECK(mastodon->findChildren<QCheckBox*>().isEmpty());
    CHECK(labels(mastodon) == (QStringList{"Content warning", "Language", "Visibility"}));

    // Every control has a name a screen reader says, with its platform in it.
    for (auto* box : {tiktok, mastodon})
        for (auto* w : inputs(box))
            if (!qobject_cast<QCheckBox*>(w)) { // a check box is named by its text
                INFO(w->objectName().toStdString());
                CHECK(w->accessibleName().startsWith(QString::fromUtf8(box == tiktok ? "TikTok" : "Mastodon")));
            }

    QTest::keyClicks(child<QPlainTextEdit>(dialog.get(), "sharedTextEdit"), "Open day on Saturday");
    privacy->setCurrentIndex(privacy->findData("SELF_ONLY"));
    toggles[0]->setChecked(true); // allow comments
    visibility->setCurrentIndex(visibility->findData("unlisted"));
    spoiler->setText("  Parade route  ");
    REQUIRE(dialog->save());
    const QString postId = dialog->savedPostId();
    CHECK(savedOptions(office, postId, "tiktok:press")
          == R"({"disable_comment":false,"disable_duet":true,"disable_stitch":true,"privacy_level":"SELF_ONLY"})");
    CHECK(savedOptions(office, postId, "mastodon:press")
          == R"({"spoiler_text":"Parade route","visibility":"unlisted"})");

    // Revising the post loads the controls back from the saved version.
    dialog.reset();
    gui::ComposeDialog revise(office.session, postId);
    revise.show();
    auto* tiktok2 = child<QGroupBox>(&revise, "tiktokBox");
    auto* mastodon2 = child<QGroupBox>(&revise, "mastodonBox");
    CHECK(tiktok2->isVisible());
    CHECK(mastodon2->isVisible());
    CHECK(tiktok2->findChildren<QComboBox*>().front()->currentData().toString() == "SELF_ONLY");
    const auto toggles2 = tiktok2->findChildren<QCheckBox*>();
    CHECK(toggles2[0]->isChecked());
    CHECK_FALSE(toggles2[1]->isChecked());
    CHECK_FALSE(toggles2[2]->isChecked());
    CHECK(mastodon2->findChildren<QComboBox*>().front()->currentData().toString() == "unlisted");
    QStringList typed;
    for (auto* e : mastodon2->findChildren<QLineEdit*>())
        typed << e->text();
    typed.sort();
    CHECK(typed == (QStringList{"", "Parade route"}));
    REQUIRE(revise.save());
    CHECK(savedOptions(office, postId, "tiktok:press")
          == R"({"disable_comment":false,"disable_duet":true,"disable_stitch":true,"privacy_level":"SELF_ONLY"})");
}

TEST_CASE("composer: option controls sit between the schedule and the checks for the keyboard",
          "[gui][compose][options]")
{
    Office office;
    gui::ComposeDialog dialog(office.session);
    dialog.show();
    tick(dialog, {"mastodon:press", "tiktok:press"});
    QList<QWidget*> options;
    for (auto* name : {"tiktokBox", "mastodonBox"})
        options << inputs(child<QGroupBox>(&dialog, name));
    REQUIRE(options.size() == 7);
    QWidget* w = child<QWidget>(&dialog, "scheduleEdit");
    auto* checks = child<QWidget>(&dialog, "violationList");
    int seen = 0;
    for (int i = 0; i < 200 && w != checks; ++i) {
        w = w->nextInFocusChain();
        seen += options.contains(w) ? 1 : 0;
    }
    CHECK(w == checks);
    CHECK(seen == options.size());
}

TEST_CASE("composer: a problem with an option goes to its control", "[gui][compose][options]")
{
    Office office;
    gui::ComposeDialog dialog(office.session);
    dialog.show();
    tick(dialog, {"tiktok:press"});
    QTest::keyClicks(child<QPlainTextEdit>(&dialog, "sharedTextEdit"), "Caption");
    auto* list = child<QListWidget>(&dialog, "violationList");
    int row = -1;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->text().contains("privacy_level"))
            row = i;
    REQUIRE(row >= 0);
    emit list->itemActivated(list->item(row));
    auto* privacy = child<QGroupBox>(&dialog, "tiktokBox")->findChildren<QComboBox*>().front();
    CHECK(waitUntil([&] { return privacy->hasFocus(); }, 1000));
}

TEST_CASE("option boxes are built from the option specs alone", "[gui][compose][options]")
{
    // A platform that does not exist: every kind of spec, to show that no platform needs GUI code.
    domain::PlatformDescriptor d = domain::descriptorFor(domain::Platform::Bluesky);
    d.name = "example";
    d.label = "Example";
    const auto spec = [](std::string_view key, domain::OptionType type, std::string_view label) {
        domain::OptionSpec o;
        o.key = key;
        o.type = type;
        o.label = label;
        o.inComposer = true;
        return o;
    };
    auto audienceSpec = spec("audience", domain::OptionType::Choice, "Audience");
    audienceSpec.choices = {{"all", "All"}, {"some", "Some"}};
    audienceSpec.help = "who sees it";
    auto quietSpec = spec("quiet", domain::OptionType::Bool, "Quiet");
    quietSpec.defaultOn = true;
    auto repliesSpec = spec("no_replies", domain::OptionType::Bool, "Allow replies");
    repliesSpec.defaultOn = true;
    repliesSpec.inverted = true;
    auto topicSpec = spec("topic", domain::OptionType::Text, "Topic");
    topicSpec.help = "one word";
    topicSpec.maxLength = 20;
    auto hiddenSpec = spec("hidden", domain::OptionType::Bool, "Not in the composer");
    hiddenSpec.inComposer = false;
    d.options = {audienceSpec, quietSpec, repliesSpec, topicSpec, hiddenSpec};
    REQUIRE(checkDescriptor(d).ok());
    REQUIRE(gui::PlatformOptionsBox::hasControls(d));
    gui::PlatformOptionsBox box(d);
    CHECK(box.objectName() == "exampleBox");
    CHECK(box.title() == "Example options");
    CHECK(box.controls().size() == 4);
    CHECK(box.control("hidden") == nullptr);

    auto* audience = qobject_cast<QComboBox*>(box.control("audience"));
    REQUIRE(audience != nullptr);
    CHECK(audience->objectName() == "example_audience");
    CHECK(items(audience, Qt::DisplayRole) == (QStringList{"— choose audience —", "All", "Some"}));
    CHECK(audience->accessibleName() == "Example: audience");
    CHECK(audience->toolTip() == "who sees it");
    auto* quiet = qobject_cast<QCheckBox*>(box.control("quiet"));
    auto* replies = qobject_cast<QCheckBox*>(box.control("no_replies"));
    REQUIRE(quiet != nullptr);
    REQUIRE(replies != nullptr);
    CHECK(quiet->isChecked());         // defaultOn
    CHECK_FALSE(replies->isChecked()); // defaultOn, shown inverted
    auto* topic = qobject_cast<QLineEdit*>(box.control("topic"));
    REQUIRE(topic != nullptr);
    CHECK(topic->placeholderText() == "one word");
    CHECK(topic->maxLength() == 20);

    // Untouched: the check boxes' defaults; nothing chosen or typed is left out.
    CHECK(box.options().serialize() == R"({"no_replies":true,"quiet":true})");
    int changes = 0;
    QObject::connect(&box, &gui::PlatformOptionsBox::changed, [&] { ++changes; });
    box.load(Json(Json::Object{}).set("audience", "some").set("no_replies", false).set("topic", "harbour"));
    CHECK(changes > 0);
    CHECK(box.options().serialize() == R"({"audience":"some","no_replies":false,"quiet":true,"topic":"harbour"})");
}
