// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/PlatformOptionsBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

#include <algorithm>

namespace postern::gui {

namespace {

/** ui turns descriptor text into a shown string; context "Platform", as platformTitle's. */
QString ui(std::string_view s)
{
    return QCoreApplication::translate("Platform", std::string(s).c_str());
}

QString name(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

PlatformOptionsBox::PlatformOptionsBox(const domain::PlatformDescriptor& platform, QWidget* parent)
    : QGroupBox(parent), m_platform(platform)
{
    setObjectName(name(platform.name) + QStringLiteral("Box"));
    setTitle(tr("%1 options").arg(ui(platform.label)));
    auto* form = new QFormLayout(this);
    QHBoxLayout* toggles = nullptr; // the row the current run of check boxes shares
    for (const auto& spec : platform.options) {
        if (!spec.inComposer)
            continue;
        QWidget* control = makeControl(spec);
        m_controls.push_back({&spec, control});
        if (spec.type == domain::OptionType::Bool) {
            if (!toggles) {
                toggles = new QHBoxLayout;
                form->addRow(toggles);
            }
            toggles->addWidget(control);
            continue;
        }
        toggles = nullptr;
        auto* label = new QLabel(ui(spec.label), this);
        label->setObjectName(objectName() + QStringLiteral("_") + name(spec.key) + QStringLiteral("_label"));
        label->setBuddy(control);
        form->addRow(label, control);
    }
}

PlatformOptionsBox::~PlatformOptionsBox() = default;

bool PlatformOptionsBox::hasControls(const domain::PlatformDescriptor& platform)
{
    return std::any_of(platform.options.begin(), platform.options.end(), [](const auto& o) { return o.inComposer; });
}

QWidget* PlatformOptionsBox::makeControl(const domain::OptionSpec& spec)
{
    const QString label = ui(spec.label);
    const QString spoken = ui(m_platform.label) + QStringLiteral(": ") + label.left(1).toLower() + label.mid(1);
    QWidget* control = nullptr;
    switch (spec.type) {
    case domain::OptionType::Bool: {
        auto* box = new QCheckBox(label, this);
        box->setChecked(spec.inverted ? !spec.defaultOn : spec.defaultOn);
        connect(box, &QCheckBox::toggled, this, &PlatformOptionsBox::changed);
        control = box;
        break;
    }
    case domain::OptionType::Choice: {
        auto* combo = new QComboBox(this);
        // No default: a first entry that chooses nothing, so the post says what the author chose.
        if (spec.defaultChoice.empty())
            combo->addItem(tr("— choose %1 —").arg(label.left(1).toLower() + label.mid(1)), QString());
        for (const auto& choice : spec.choices)
            combo->addItem(ui(choice.label), name(choice.value));
        if (!spec.defaultChoice.empty())
            combo->setCurrentIndex(combo->findData(name(spec.defaultChoice)));
        combo->setAccessibleName(spoken);
        connect(combo, &QComboBox::currentIndexChanged, this, &PlatformOptionsBox::changed);
        control = combo;
        break;
    }
    case domain::OptionType::Text: {
        auto* edit = new QLineEdit(this);
        edit->setPlaceholderText(ui(spec.help));
        if (spec.maxLength > 0)
            edit->setMaxLength(spec.maxLength);
        edit->setAccessibleName(spoken);
        connect(edit, &QLineEdit::textChanged, this, &PlatformOptionsBox::changed);
        control = edit;
        break;
    }
    }
    if (spec.type != domain::OptionType::Text && !spec.help.empty())
        control->setToolTip(ui(spec.help));
    control->setObjectName(name(m_platform.name) + QStringLiteral("_") + name(spec.key));
    return control;
}

Json PlatformOptionsBox::options() const
{
    Json out{Json::Object{}};
    for (const auto& [spec, widget] : m_controls) {
        const std::string key(spec->key);
        if (auto* box = qobject_cast<QCheckBox*>(widget)) {
            out.set(key, spec->inverted ? !box->isChecked() : box->isChecked());
        } else if (auto* combo = qobject_cast<QComboBox*>(widget)) {
            const QString value = combo->currentData().toString();
            if (!value.isEmpty())
                out.set(key, value.toStdString());
        } else if (auto* edit = qobject_cast<QLineEdit*>(widget)) {
            const QString value = edit->text().trimmed();
            if (!value.isEmpty())
                out.set(key, value.toStdString());
        }
    }
    return out;
}

void PlatformOptionsBox::load(const Json& options)
{
    for (const auto& [spec, widget] : m_controls) {
        const Json* v = options.isObject() ? options.find(spec->key) : nullptr;
        if (!v)
            continue;
        if (auto* box = qobject_cast<QCheckBox*>(widget))
            box->setChecked(spec->inverted ? !v->asBool() : v->asBool());
        else if (auto* combo = qobject_cast<QComboBox*>(widget))
            combo->setCurrentIndex(combo->findData(QString::fromStdString(v->asString())));
        else if (auto* edit = qobject_cast<QLineEdit*>(widget))
            edit->setText(QString::fromStdString(v->asString()));
    }
}

QWidget* PlatformOptionsBox::control(std::string_view key) const
{
    for (const auto& c : m_controls) {
        if (c.spec->key == key)
            return c.widget;
    }
    return nullptr;
}

std::vector<QWidget*> PlatformOptionsBox::controls() const
{
    std::vector<QWidget*> out;
    for (const auto& c : m_controls)
        out.push_back(c.widget);
    return out;
}

} // namespace postern::gui
