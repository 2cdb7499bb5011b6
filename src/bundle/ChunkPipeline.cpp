// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChunkPipeline.h"

namespace postern::bundle {

ChunkPipeline::ChunkPipeline(std::function<Status(ByteView)> consume, std::size_t slots, std::size_t slotBytes)
    : m_consume(std::move(consume)), m_buffers(slots, Bytes(slotBytes))
{
    for (std::size_t i = 0; i < slots; ++i)
        m_free.push_back(i);
    m_worker = std::thread([this] { run(); });
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

void ChunkPipeline::run()
{
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

} // namespace postern::bundle
