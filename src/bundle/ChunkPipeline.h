// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
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
 * ChunkRing is the fixed memory of one pipeline: `slots` buffers of `slotBytes` in a single
 * anonymous mapping advised for transparent huge pages. Sealing a small bundle takes ~0.1 s,
 * and faulting in two rings of 4 MiB page by page cost 3-4 ms of it, plus ~0.6 ms to unmap
 * (a third of the gap to the raw cipher's speed); with huge pages it is ~0.3 ms
 * (docs/performance.md). Best effort: where huge pages are off it behaves like malloc.
 * Fresh memory reads as zeros.
 */
class ChunkRing
{
public:
    ChunkRing(std::size_t slots, std::size_t slotBytes);
    ~ChunkRing();
    ChunkRing(const ChunkRing&) = delete;
    ChunkRing& operator=(const ChunkRing&) = delete;

    [[nodiscard]] std::span<std::uint8_t> slot(std::size_t index) const noexcept
    {
        return {m_base + index * m_stride, m_slotBytes};
    }
    [[nodiscard]] std::size_t slots() const noexcept { return m_slots; }
    /** prefault writes every page once, so that later writes do not stop to fault pages in. */
    void prefault() noexcept;

private:
    std::size_t m_slots;
    std::size_t m_slotBytes;
    std::size_t m_stride;
    std::uint8_t* m_base = nullptr;
    std::size_t m_mapped = 0; ///< bytes mapped at m_base; 0 when m_fallback holds the memory
    Bytes m_fallback;
};

/**
 * ChunkPipeline overlaps decryption with what follows it (manifest parsing, media hashing,
 * spooling): the caller decrypts chunk i+1 while a worker thread consumes chunk i. A fixed
 * ring of buffers bounds memory; chunks are consumed strictly in order. If the consumer fails,
 * acquire() returns an empty span so the producer stops, and finish() returns that failure,
 * which comes before any later producer error in stream order.
 *
 * `consume` may hand work on its chunk to either thread with defer() (opening hashes each
 * media this way): decryption alone keeps one core about a third busy, so when many media
 * are independent the caller hashes some of them while it would otherwise wait for a buffer
 * (docs/performance.md). Work keeps stream order where it matters: tasks of one lane run one
 * at a time in the order deferred, and of all failures, finish() reports the one that was
 * deferred (or found by `consume`) first.
 *
 * An optional `check` is a second in-order consumer of every chunk (sealing's write check)
 * that either thread may run: the worker runs it before `consume` unless the caller, idle,
 * has taken it with helpCheck(). On two cores with three sealing threads the worker's core is
 * the busier one; letting the caller take that work when it would otherwise wait keeps both
 * cores busy (docs/performance.md). A buffer is reused only when both consumers are done.
 */
class ChunkPipeline
{
public:
    using Check = std::function<void(ByteView)>;
    using Task = std::function<Status()>;

    ChunkPipeline(std::function<Status(ByteView)> consume,
                  std::size_t slots,
                  std::size_t slotBytes,
                  WorkerPriority priority = WorkerPriority::Normal,
                  Check check = {});
    ~ChunkPipeline();
    ChunkPipeline(const ChunkPipeline&) = delete;
    ChunkPipeline& operator=(const ChunkPipeline&) = delete;

    /** acquire waits for a free buffer, running `check` for the worker meanwhile if it can;
     *  empty when the consumer has already failed. */
    [[nodiscard]] std::span<std::uint8_t> acquire();
    /** submit hands the acquired buffer, holding `size` bytes, to the consumer. */
    void submit(std::size_t size);
    /** finish waits until everything submitted is consumed (helping with `check`) and
     *  returns the consumer's status. */
    [[nodiscard]] Status finish();
    /** helpCheck runs `check` on the next submitted chunk that needs it, on the caller's
     *  thread, unless the worker has that chunk in hand; returns whether it ran. */
    bool helpCheck();
    /** defer queues `task` for whichever thread is free. Call it only from `consume`, on the
     *  worker: the chunk being consumed stays in use (its buffer is not reused) until the task
     *  has run. Tasks of the same `lane` run one at a time, in the order deferred; tasks of
     *  different lanes may run at the same time. A task deferred after an earlier failure is
     *  dropped. At most kMaxTasks wait at once: beyond that, defer runs tasks itself. */
    void defer(std::uint64_t lane, Task task);

    static constexpr std::size_t kMaxTasks = 64;

private:
    struct Item
    {
        std::size_t slot;
        std::size_t size;
        std::uint64_t seq; ///< submission order
    };
    struct Deferred
    {
        std::uint64_t lane;
        std::uint64_t order; ///< position among failures: deferral order
        std::size_t slot;
        Task task;
    };

    void run(WorkerPriority priority);
    /** runTask runs the first queued task whose lane is free; `lock` is held on entry and
     *  exit but not while the task runs. Returns false when no task could start. */
    bool runTask(std::unique_lock<std::mutex>& lock);
    /** failAt records a failure at `order` unless an earlier one is recorded, and drops the
     *  queued tasks after it (nothing they find can come first). Lock held. */
    void failAt(std::uint64_t order, Status status);
    /** release ends one use of `slot` (its consumer or one of its tasks). Lock held. */
    void release(std::size_t slot);

    std::function<Status(ByteView)> m_consume;
    Check m_check;
    ChunkRing m_ring;
    std::deque<std::size_t> m_free;
    std::deque<Item> m_ready;
    std::size_t m_acquired = 0;
    std::uint64_t m_submitted = 0;
    std::uint64_t m_checked = 0; ///< chunks [0, m_checked) have been through `check`
    bool m_checking = false;     ///< a thread is running `check` on chunk m_checked
    bool m_done = false;
    std::deque<Deferred> m_tasks;
    std::vector<std::uint64_t> m_busyLanes; ///< lanes with a task running (at most one per thread)
    std::vector<std::size_t> m_uses;        ///< per slot: its consumer and tasks not yet done
    std::size_t m_consuming = 0;            ///< slot `consume` is working on (worker only)
    bool m_consumingNow = false;
    std::uint64_t m_nextOrder = 0;
    std::uint64_t m_failOrder = UINT64_MAX; ///< order of the failure in m_status
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

    /** next waits for the next chunk in order; valid until release(). While it would wait,
     *  it first calls `idle` (without its lock held) as long as `idle` returns true. */
    [[nodiscard]] Result<ByteView> next(const std::function<bool()>& idle = {});
    /** release gives the chunk returned by the last next() back to the worker. */
    void release();

private:
    void run(WorkerPriority priority);

    Fill m_fill;
    std::uint64_t m_total;
    ChunkRing m_ring;
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
