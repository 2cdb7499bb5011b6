// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace postern::bundle {

/**
 * WorkerPriority says whether a pipeline's worker may preempt the caller when it wakes.
 * Sealing runs three threads (read, encrypt, write) on what may be two cores: its reader and
 * writer are Background (SCHED_BATCH: same share of the CPU, but waking up does not preempt
 * the encrypting thread), so the encryption, the stage that sets the pace, keeps its core.
 */
enum class WorkerPriority {
    Normal,
    Background,
};

/**
 * ChunkPipeline overlaps decryption with what follows it (manifest parsing, media hashing,
 * spooling): the caller decrypts chunk i+1 while a worker thread consumes chunk i. A fixed
 * ring of buffers bounds memory; chunks are consumed strictly in order. If the consumer fails,
 * acquire() returns an empty span so the producer stops, and finish() returns that failure,
 * which comes before any later producer error in stream order.
 */
class ChunkPipeline
{
public:
    ChunkPipeline(std::function<Status(ByteView)> consume,
                  std::size_t slots,
                  std::size_t slotBytes,
                  WorkerPriority priority = WorkerPriority::Normal);
    ~ChunkPipeline();
    ChunkPipeline(const ChunkPipeline&) = delete;
    ChunkPipeline& operator=(const ChunkPipeline&) = delete;

    /** acquire waits for a free buffer; empty when the consumer has already failed. */
    [[nodiscard]] std::span<std::uint8_t> acquire();
    /** submit hands the acquired buffer, holding `size` bytes, to the consumer. */
    void submit(std::size_t size);
    /** finish waits until everything submitted is consumed and returns the consumer's status. */
    [[nodiscard]] Status finish();

private:
    void run(WorkerPriority priority);

    std::function<Status(ByteView)> m_consume;
    std::vector<Bytes> m_buffers;
    std::deque<std::size_t> m_free;
    std::deque<std::pair<std::size_t, std::size_t>> m_ready; // buffer index, byte count
    std::size_t m_acquired = 0;
    bool m_done = false;
    Status m_status;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::thread m_worker;
};

/**
 * ChunkPrefetch is the other direction: a worker thread runs `fill` into a ring of buffers
 * ahead of the caller, so sealing reads chunk i+1 from the media files while the caller
 * encrypts chunk i. It produces exactly `total` bytes in chunks of `slotBytes` (the last one
 * shorter). A fill failure, or a fill that comes up short, is reported by next() when the
 * caller reaches that chunk, after every chunk before it. Destroying it stops the worker
 * after at most the one fill in progress, so a cancelled seal returns at once.
 */
class ChunkPrefetch
{
public:
    using Fill = std::function<Result<std::size_t>(std::span<std::uint8_t>)>;

    ChunkPrefetch(Fill fill,
                  std::uint64_t total,
                  std::size_t slots,
                  std::size_t slotBytes,
                  WorkerPriority priority = WorkerPriority::Normal);
    ~ChunkPrefetch();
    ChunkPrefetch(const ChunkPrefetch&) = delete;
    ChunkPrefetch& operator=(const ChunkPrefetch&) = delete;

    /** next waits for the next chunk in order; valid until release(). */
    [[nodiscard]] Result<ByteView> next();
    /** release gives the chunk returned by the last next() back to the worker. */
    void release();

private:
    void run(WorkerPriority priority);

    Fill m_fill;
    std::uint64_t m_total;
    std::vector<Bytes> m_buffers;
    std::deque<std::size_t> m_free;
    std::deque<std::pair<std::size_t, std::size_t>> m_ready; // buffer index, byte count
    std::size_t m_current = 0;
    bool m_stop = false;
    bool m_failed = false; ///< m_status holds the fill failure, reported after m_ready drains
    bool m_filled = false; ///< every byte of `total` was produced
    Status m_status;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::thread m_worker;
};

} // namespace postern::bundle
