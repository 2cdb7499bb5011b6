// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/Resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initPosternQrc()
{
    Q_INIT_RESOURCE(postern);
}

namespace postern::gui {

void initResources()
{
    // postern_gui is a static library: the linker drops the resource's static initialiser
    // unless something references it, so the icons are registered explicitly, once.
    static const bool done = (initPosternQrc(), true);
    (void)done;
}

} // namespace postern::gui
