// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace postern::bundle {

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
    ChunkPipeline(std::function<Status(ByteView)> consume, std::size_t slots, std::size_t slotBytes);
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
    void run();

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

} // namespace postern::bundle
