// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChunkPipeline.h"

#include <pthread.h>
#include <sched.h>

namespace postern::bundle {

namespace {

void applyPriority(WorkerPriority priority)
{
    if (priority != WorkerPriority::Background)
        return;
    // Best effort: without it the pipeline is only a little slower, never wrong.
    sched_param param{};
    param.sched_priority = 0;
    (void)::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &param);
}

} // namespace

ChunkPipeline::ChunkPipeline(std::function<Status(ByteView)> consume,
                             std::size_t slots,
                             std::size_t slotBytes,
                             WorkerPriority priority)
    : m_consume(std::move(consume)), m_buffers(slots, Bytes(slotBytes))
{
    for (std::size_t i = 0; i < slots; ++i)
        m_free.push_back(i);
    m_worker = std::thread([this, priority] { run(priority); });
}

ChunkPipeline::~ChunkPipeline()
{
    (void)finish();
}

std::span<std::uint8_t> ChunkPipeline::acquire()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_free.empty() || !m_status.ok(); });
    if (!m_status.ok())
        return {};
    m_acquired = m_free.front();
    m_free.pop_front();
    return m_buffers[m_acquired];
}

void ChunkPipeline::submit(std::size_t size)
{
    {
        std::lock_guard lock(m_mutex);
        m_ready.emplace_back(m_acquired, size);
    }
    m_changed.notify_all();
}

Status ChunkPipeline::finish()
{
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
    }
    m_changed.notify_all();
    if (m_worker.joinable())
        m_worker.join();
    return m_status;
}

void ChunkPipeline::run(WorkerPriority priority)
{
    applyPriority(priority);
    while (true) {
        std::pair<std::size_t, std::size_t> item;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_ready.empty() || m_done; });
            if (m_ready.empty())
                return; // done and drained
            item = m_ready.front();
            m_ready.pop_front();
        }
        Status s = m_consume({m_buffers[item.first].data(), item.second});
        {
            std::lock_guard lock(m_mutex);
            m_free.push_back(item.first);
            if (!s.ok()) {
                m_status = std::move(s);
                m_ready.clear();
            }
        }
        m_changed.notify_all();
        if (!m_status.ok())
            return;
    }
}

ChunkPrefetch::ChunkPrefetch(Fill fill,
                             std::uint64_t total,
                             std::size_t slots,
                             std::size_t slotBytes,
                             WorkerPriority priority)
    : m_fill(std::move(fill)), m_total(total), m_buffers(slots, Bytes(slotBytes))
{
    for (std::size_t i = 0; i < slots; ++i)
        m_free.push_back(i);
    m_worker = std::thread([this, priority] { run(priority); });
}

ChunkPrefetch::~ChunkPrefetch()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_worker.join();
}

Result<ByteView> ChunkPrefetch::next()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_ready.empty() || m_failed || m_filled; });
    if (m_ready.empty())
        return m_failed ? m_status.error() : fail(Errc::Internal, "read past the end of the payload");
    const auto [index, size] = m_ready.front();
    m_ready.pop_front();
    m_current = index;
    return ByteView(m_buffers[index].data(), size);
}

void ChunkPrefetch::release()
{
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(m_current);
    }
    m_changed.notify_all();
}

void ChunkPrefetch::run(WorkerPriority priority)
{
    applyPriority(priority);
    std::uint64_t filled = 0;
    while (filled < m_total) {
        std::size_t index = 0;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_free.empty() || m_stop; });
            if (m_stop)
                return;
            index = m_free.front();
            m_free.pop_front();
        }
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(m_buffers[index].size(), m_total - filled));
        Result<std::size_t> got = m_fill({m_buffers[index].data(), want});
        if (got.ok() && *got != want)
            got = fail(Errc::Internal, "payload ended before its declared size");
        const bool ok = got.ok();
        {
            std::lock_guard lock(m_mutex);
            if (ok) {
                m_ready.emplace_back(index, want);
            } else {
                m_status = std::move(got).error();
                m_failed = true;
            }
        }
        m_changed.notify_all();
        if (!ok)
            return;
        filled += want;
    }
    {
        std::lock_guard lock(m_mutex);
        m_filled = true;
    }
    m_changed.notify_all();
}

} // namespace postern::bundle
