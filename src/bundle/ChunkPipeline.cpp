// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChunkPipeline.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

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

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t roundUp(std::size_t n, std::size_t to)
{
    return (n + to - 1) / to * to;
}

} // namespace

ChunkRing::ChunkRing(std::size_t slots, std::size_t slotBytes)
    : m_slots(slots), m_slotBytes(slotBytes), m_stride(roundUp(slotBytes, 64))
{
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t bytes = roundUp(m_slots * m_stride, page);
    // Map a huge page more than needed, then trim both ends so the ring starts on a huge page
    // boundary: only whole aligned 2 MiB ranges can be backed by huge pages.
    void* raw = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        m_fallback.resize(m_slots * m_stride); // throws std::bad_alloc like any other allocation
        m_base = m_fallback.data();
        return;
    }
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = roundUp(start, kHugePage);
    if (aligned > start)
        ::munmap(raw, aligned - start);
    if (const std::size_t tail = start + bytes + kHugePage - (aligned + bytes); tail > 0)
        ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    m_base = reinterpret_cast<std::uint8_t*>(aligned);
    m_mapped = bytes;
#ifdef MADV_HUGEPAGE
    (void)::madvise(m_base, m_mapped, MADV_HUGEPAGE); // best effort, as documented above
#endif
}

ChunkRing::~ChunkRing()
{
    if (m_mapped > 0)
        ::munmap(m_base, m_mapped);
}

void ChunkRing::prefault() noexcept
{
    // One write per 4 KiB is enough: the first fault in a huge-page range maps all 2 MiB.
    const std::size_t total = m_slots * m_stride;
    for (std::size_t i = 0; i < total; i += 4096)
        reinterpret_cast<volatile std::uint8_t*>(m_base)[i] = 0;
}

ChunkPipeline::ChunkPipeline(std::function<Status(ByteView)> consume,
                             std::size_t slots,
                             std::size_t slotBytes,
                             WorkerPriority priority,
                             Check check)
    : m_consume(std::move(consume)), m_check(std::move(check)), m_ring(slots, slotBytes), m_uses(slots, 0)
{
    // The worker faults the ring in and then hands out its slots (run), so the caller's
    // first writes into them do not stop for page faults.
    m_worker = std::thread([this, priority] { run(priority); });
}

ChunkPipeline::~ChunkPipeline()
{
    (void)finish();
}

std::span<std::uint8_t> ChunkPipeline::acquire()
{
    std::unique_lock lock(m_mutex);
    // Rather than wait for the worker to free a buffer, do some of its work.
    while (m_free.empty() && m_status.ok()) {
        if (m_check) {
            lock.unlock();
            const bool helped = helpCheck();
            lock.lock();
            if (helped)
                continue;
        }
        if (!runTask(lock))
            m_changed.wait(lock);
    }
    if (!m_status.ok())
        return {};
    m_acquired = m_free.front();
    m_free.pop_front();
    return m_ring.slot(m_acquired);
}

void ChunkPipeline::submit(std::size_t size)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_status.ok())
            return; // the consumer failed while this chunk was produced: nobody will read it
        m_ready.push_back({m_acquired, size, m_submitted++});
    }
    m_changed.notify_all();
}

Status ChunkPipeline::finish()
{
    while (helpCheck()) {
    }
    {
        // Share the tail too: run deferred tasks until the worker has consumed every chunk
        // and nothing is queued; the worker finishes whatever is still running.
        std::unique_lock lock(m_mutex);
        while (!m_done) {
            if (runTask(lock))
                continue;
            if (m_check) {
                lock.unlock();
                const bool helped = helpCheck();
                lock.lock();
                if (helped)
                    continue;
            }
            if (m_ready.empty() && !m_consumingNow && m_tasks.empty())
                break;
            m_changed.wait(lock);
        }
        m_done = true;
    }
    m_changed.notify_all();
    if (m_worker.joinable())
        m_worker.join();
    return m_status;
}

bool ChunkPipeline::helpCheck()
{
    ByteView chunk;
    {
        std::lock_guard lock(m_mutex);
        // Only a chunk still waiting in m_ready: one the worker has taken, it checks itself.
        if (!m_check || m_checking || m_ready.empty() || m_ready.front().seq > m_checked)
            return false;
        const auto it = m_ready.begin() + static_cast<std::ptrdiff_t>(m_checked - m_ready.front().seq);
        if (it >= m_ready.end())
            return false;
        m_checking = true;
        chunk = m_ring.slot(it->slot).first(it->size);
    }
    m_check(chunk);
    {
        std::lock_guard lock(m_mutex);
        m_checking = false;
        ++m_checked;
    }
    m_changed.notify_all();
    return true;
}

void ChunkPipeline::defer(std::uint64_t lane, Task task)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t order = m_nextOrder++;
    // Many tiny media would queue thousands of tasks per chunk: bound them by running some.
    while (m_tasks.size() >= kMaxTasks && order < m_failOrder) {
        if (!runTask(lock))
            m_changed.wait(lock);
    }
    if (order > m_failOrder)
        return; // an earlier failure decides the outcome; this work cannot change it
    ++m_uses[m_consuming];
    m_tasks.push_back({lane, order, m_consuming, std::move(task)});
    lock.unlock();
    m_changed.notify_all();
}

bool ChunkPipeline::runTask(std::unique_lock<std::mutex>& lock)
{
    const auto laneFree = [this](const Deferred& d) {
        return std::find(m_busyLanes.begin(), m_busyLanes.end(), d.lane) == m_busyLanes.end();
    };
    // The first queued task of a lane is its oldest, so taking the first task whose lane is
    // free keeps each lane in order.
    const auto it = std::find_if(m_tasks.begin(), m_tasks.end(), laneFree);
    if (it == m_tasks.end())
        return false;
    Deferred d = std::move(*it);
    m_tasks.erase(it);
    m_busyLanes.push_back(d.lane);
    lock.unlock();
    Status s = d.task();
    d.task = nullptr; // its captures go now, outside the lock
    lock.lock();
    std::erase(m_busyLanes, d.lane);
    if (!s.ok())
        failAt(d.order, std::move(s));
    release(d.slot);
    m_changed.notify_all();
    return true;
}

void ChunkPipeline::failAt(std::uint64_t order, Status status)
{
    if (order >= m_failOrder)
        return;
    m_failOrder = order;
    m_status = std::move(status);
    m_ready.clear(); // later chunks: acquire() now returns empty, so none is reused
    for (auto it = m_tasks.begin(); it != m_tasks.end();) {
        if (it->order > order) {
            release(it->slot);
            it = m_tasks.erase(it);
        } else {
            ++it;
        }
    }
}

void ChunkPipeline::release(std::size_t slot)
{
    if (--m_uses[slot] == 0)
        m_free.push_back(slot);
}

void ChunkPipeline::run(WorkerPriority priority)
{
    applyPriority(priority);
    m_ring.prefault();
    {
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < m_ring.slots(); ++i)
            m_free.push_back(i);
    }
    m_changed.notify_all();
    std::unique_lock lock(m_mutex);
    while (true) {
        if (!m_status.ok())
            m_ready.clear();
        if (!m_ready.empty()) {
            // Consuming comes first: it is cheap and gives both threads tasks to run.
            const Item item = m_ready.front();
            m_ready.pop_front();
            // Every earlier chunk was checked before it was consumed, so this one is either
            // checked already, being checked by the caller, or ours to check.
            const bool checkHere = m_check && m_checked == item.seq && !m_checking;
            m_checking = m_checking || checkHere;
            m_consuming = item.slot;
            m_consumingNow = true;
            m_uses[item.slot] = 1;
            lock.unlock();
            const ByteView chunk = m_ring.slot(item.slot).first(item.size);
            if (checkHere) {
                m_check(chunk);
                std::lock_guard checked(m_mutex);
                m_checking = false;
                ++m_checked;
            }
            Status s = m_consume(chunk);
            lock.lock();
            // The caller may still be checking this chunk: its buffer is not free until then.
            if (m_check)
                m_changed.wait(lock, [this, &item] { return m_checked > item.seq; });
            m_consumingNow = false;
            if (!s.ok())
                failAt(m_nextOrder++, std::move(s));
            release(item.slot);
            m_changed.notify_all();
            continue;
        }
        if (runTask(lock))
            continue;
        if (m_done && m_tasks.empty() && m_busyLanes.empty())
            return; // done and drained
        m_changed.wait(lock);
    }
}

ChunkPrefetch::ChunkPrefetch(Fill fill,
                             std::uint64_t total,
                             std::size_t slots,
                             std::size_t slotBytes,
                             WorkerPriority priority)
    : m_fill(std::move(fill)), m_total(total), m_ring(slots, slotBytes)
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

Result<ByteView> ChunkPrefetch::next(const std::function<bool()>& idle)
{
    std::unique_lock lock(m_mutex);
    const auto available = [this] { return !m_ready.empty() || m_failed || m_filled; };
    if (idle) {
        while (!available()) {
            lock.unlock();
            const bool helped = idle();
            lock.lock();
            if (!helped)
                break;
        }
    }
    m_changed.wait(lock, available);
    if (m_ready.empty())
        return m_failed ? m_status.error() : fail(Errc::Internal, "read past the end of the payload");
    const auto [index, size] = m_ready.front();
    m_ready.pop_front();
    m_current = index;
    return ByteView(m_ring.slot(index).first(size));
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
        const std::span<std::uint8_t> buf = m_ring.slot(index);
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), m_total - filled));
        Result<std::size_t> got = m_fill(buf.first(want));
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
