// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace postern::gui {

/** initResources registers the icons in resources/postern.qrc (safe to call repeatedly). */
void initResources();

} // namespace postern::gui
