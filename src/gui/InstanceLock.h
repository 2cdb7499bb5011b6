// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <filesystem>
#include <memory>

namespace postern::gui {

/**
 * InstanceLock keeps a second `postern` window off a store that one already has open: two
 * windows would each show their own stale view and both sign into the audit log. It is an
 * flock(2) on `<store>/postern-gui.lock`, so the kernel releases it when the process dies and
 * a crash never leaves a lock behind. Only the GUI takes it: the store itself serialises
 * writers (BEGIN IMMEDIATE, WAL, a busy timeout), so `postern-cli` keeps working while the
 * window is open.
 */
class InstanceLock
{
public:
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

    /**
     * acquire creates the store folder (0700) if needed and takes the lock; already-exists,
     * with a sentence naming the process that holds it, when another window has the store.
     */
    [[nodiscard]] static Result<std::unique_ptr<InstanceLock>> acquire(const std::filesystem::path& storeDir);

    /** kFileName is the lock file's name inside the store folder. */
    static constexpr const char* kFileName = "postern-gui.lock";

private:
    explicit InstanceLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace postern::gui
