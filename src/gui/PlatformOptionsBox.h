// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/PlatformDescriptor.h"
#include "postern/util/Json.h"

#include <QGroupBox>

#include <string_view>
#include <vector>

namespace postern::gui {

/**
 * PlatformOptionsBox is the composer's box of one platform's options, built from the option
 * specs of its descriptor that have `inComposer`, in their order: a check box per Bool
 * (consecutive ones share a row; an `inverted` one shows the opposite of the option, as
 * "Allow comments" shows disable_comment), a combo box per Choice (first "— choose … —"
 * where there is no default, so nothing is chosen for the author), a line edit per Text (the
 * spec's help as its hint). No platform needs code here: a new platform's options appear from
 * its descriptor.
 *
 * Names, for tests and the keyboard: the box is "<platform>Box" ("tiktokBox"), each control
 * "<platform>_<key>" ("tiktok_privacy_level"), and each combo box and line edit tells a
 * screen reader "<Label>: <label>" ("TikTok: who can watch"); a check box is named by its text.
 */
class PlatformOptionsBox : public QGroupBox
{
    Q_OBJECT

public:
    explicit PlatformOptionsBox(const domain::PlatformDescriptor& platform, QWidget* parent = nullptr);
    ~PlatformOptionsBox() override;

    /** hasControls is false for a platform the composer offers no options for (it gets no box). */
    [[nodiscard]] static bool hasControls(const domain::PlatformDescriptor& platform);

    [[nodiscard]] domain::Platform platform() const noexcept { return m_platform.id; }
    /**
     * options are the channel options the controls say: every check box, a choice once one is
     * chosen, text once typed (trimmed). Options the box does not show are not included.
     */
    [[nodiscard]] Json options() const;
    /** load sets the controls from a saved version's options; keys it does not show are ignored. */
    void load(const Json& options);
    /** control is the control of option `key`; nullptr if the box does not show that option. */
    [[nodiscard]] QWidget* control(std::string_view key) const;
    /** controls are the box's controls in the order they are shown (and tabbed through). */
    [[nodiscard]] std::vector<QWidget*> controls() const;

signals:
    /** changed is emitted when the author changes any control. */
    void changed();

private:
    struct Control
    {
        const domain::OptionSpec* spec = nullptr;
        QWidget* widget = nullptr;
    };

    [[nodiscard]] QWidget* makeControl(const domain::OptionSpec& spec);

    const domain::PlatformDescriptor& m_platform;
    std::vector<Control> m_controls;
};

} // namespace postern::gui
