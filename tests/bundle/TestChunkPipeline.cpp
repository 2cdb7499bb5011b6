// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline under sealing (src/bundle/ChunkPipeline.h): the write check is a second
// in-order consumer that either thread may run, so these tests drive it from both sides and
// check that every byte is checked exactly once, in order, and never after its buffer was
// reused.
#include "ChunkPipeline.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace postern;
using namespace postern::bundle;

namespace {

constexpr std::size_t kSlots = 3;
constexpr std::size_t kSlotBytes = 64;

/** fillChunk writes the chunk number into every byte, so a reused buffer is noticed. */
void fillChunk(std::span<std::uint8_t> slot, std::size_t chunk, std::size_t size)
{
    for (std::size_t i = 0; i < size; ++i)
        slot[i] = static_cast<std::uint8_t>(chunk);
}

} // namespace

TEST_CASE("the write check sees every chunk once, in order, whichever thread runs it", "[bundle][pipeline]")
{
    for (const bool slowConsumer : {false, true}) {
        std::vector<std::uint8_t> checked; // first byte of each checked chunk, in check order
        std::vector<std::uint8_t> consumed;
        std::atomic<int> checkThreads{0};
        // Catch2 v2 assertions are not thread-safe: the worker only counts, the test asserts.
        std::atomic<int> torn{0};       // a chunk whose bytes were not all its own
        std::atomic<int> concurrent{0}; // two threads in the check at once
        std::mutex m;
        const auto caller = std::this_thread::get_id();
        std::atomic<int> byCaller{0};
        {
            ChunkPipeline pipeline(
                [&](ByteView chunk) -> Status {
                    if (slowConsumer)
                        std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    for (auto b : chunk)
                        torn += b != chunk[0] ? 1 : 0; // the buffer was reused under the consumer
                    std::lock_guard lock(m);
                    consumed.push_back(chunk[0]);
                    return {};
                },
                kSlots,
                kSlotBytes,
                WorkerPriority::Normal,
                [&](ByteView chunk) {
                    concurrent += ++checkThreads == 1 ? 0 : 1; // one thread at a time
                    for (auto b : chunk)
                        torn += b != chunk[0] ? 1 : 0;
                    if (std::this_thread::get_id() == caller)
                        ++byCaller;
                    {
                        std::lock_guard lock(m);
                        checked.push_back(chunk[0]);
                    }
                    --checkThreads;
                });
            for (std::size_t c = 0; c < 50; ++c) {
                const auto slot = pipeline.acquire();
                REQUIRE(slot.size() == kSlotBytes);
                const std::size_t size = c == 49 ? 10 : kSlotBytes;
                fillChunk(slot, c, size);
                pipeline.submit(size);
            }
            REQUIRE(pipeline.finish().ok());
        }
        CHECK(torn == 0);
        CHECK(concurrent == 0);
        REQUIRE(checked.size() == 50);
        REQUIRE(consumed.size() == 50);
        for (std::size_t c = 0; c < 50; ++c) {
            CHECK(checked[c] == c);
            CHECK(consumed[c] == c);
        }
        // With a slow consumer the caller is idle at acquire() and takes over the check.
        if (slowConsumer)
            CHECK(byCaller > 0);
    }
}

TEST_CASE("a failing consumer stops the producer and finish reports it", "[bundle][pipeline]")
{
    std::size_t checks = 0;
    ChunkPipeline pipeline(
        [](ByteView chunk) -> Status {
            if (chunk[0] == 3)
                return fail(Errc::Io, "disk full");
            return {};
        },
        kSlots,
        kSlotBytes,
        WorkerPriority::Normal,
        [&checks](ByteView) { ++checks; });
    std::size_t submitted = 0;
    for (std::size_t c = 0; c < 100; ++c) {
        const auto slot = pipeline.acquire();
        if (slot.empty())
            break; // the consumer failed: stop producing
        fillChunk(slot, c, kSlotBytes);
        pipeline.submit(kSlotBytes);
        ++submitted;
    }
    const Status s = pipeline.finish();
    CHECK(s.code() == Errc::Io);
    CHECK(submitted < 100);
    CHECK(checks <= submitted);
}

TEST_CASE("deferred tasks: one at a time per lane, in order, on a buffer not reused", "[bundle][pipeline]")
{
    // Each chunk defers one task per byte value 0..2 (three lanes); a task records its chunk
    // number in its lane. Tasks sleep now and then so both threads take some.
    std::mutex m;
    std::vector<std::vector<std::size_t>> seen(3);
    std::atomic<int> torn{0};
    std::atomic<int> inLane[3] = {0, 0, 0};
    std::atomic<int> overlap{0};
    std::atomic<int> queuedMax{0};
    std::atomic<int> queued{0};
    ChunkPipeline* self = nullptr;
    ChunkPipeline pipeline(
        [&](ByteView chunk) -> Status {
            for (std::uint64_t lane = 0; lane < 3; ++lane) {
                queuedMax = std::max(queuedMax.load(), ++queued);
                self->defer(lane, [&, chunk, lane]() -> Status {
                    --queued;
                    overlap += ++inLane[lane] == 1 ? 0 : 1;
                    if (chunk[0] % 7 == static_cast<int>(lane))
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    for (auto b : chunk)
                        torn += b != chunk[0] ? 1 : 0;
                    {
                        std::lock_guard lock(m);
                        seen[lane].push_back(chunk[0]);
                    }
                    --inLane[lane];
                    return {};
                });
            }
            // Chunk 5 also defers many short tasks: no more than kMaxTasks may wait at once.
            for (std::uint64_t lane = 100; chunk[0] == 5 && lane < 400; ++lane) {
                queuedMax = std::max(queuedMax.load(), ++queued);
                self->defer(lane, [&]() -> Status {
                    --queued;
                    return {};
                });
            }
            return {};
        },
        kSlots,
        kSlotBytes);
    self = &pipeline;
    for (std::size_t c = 0; c < 60; ++c) {
        const auto slot = pipeline.acquire();
        REQUIRE(slot.size() == kSlotBytes);
        fillChunk(slot, c, kSlotBytes);
        pipeline.submit(kSlotBytes);
    }
    REQUIRE(pipeline.finish().ok());
    CHECK(torn == 0);
    CHECK(overlap == 0);
    CHECK(queuedMax <= static_cast<int>(ChunkPipeline::kMaxTasks) + 1);
    for (const auto& lane : seen) {
        REQUIRE(lane.size() == 60);
        for (std::size_t c = 0; c < 60; ++c)
            CHECK(lane[c] == c);
    }
}

TEST_CASE("of two failing tasks the one deferred first is reported, even if it fails last", "[bundle][pipeline]")
{
    ChunkPipeline* self = nullptr;
    std::atomic<bool> laterRan{false};
    ChunkPipeline pipeline(
        [&](ByteView chunk) -> Status {
            if (chunk[0] == 1) {
                self->defer(0, [] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(30));
                    return Status(fail(Errc::MediaHashMismatch, "first"));
                });
            }
            if (chunk[0] == 2) {
                self->defer(1, [&laterRan] {
                    laterRan = true;
                    return Status(fail(Errc::Io, "second"));
                });
            }
            if (chunk[0] == 4)
                return fail(Errc::BadValue, "third, from consume");
            return {};
        },
        kSlots,
        kSlotBytes);
    self = &pipeline;
    for (std::size_t c = 0; c < 50; ++c) {
        const auto slot = pipeline.acquire();
        if (slot.empty())
            break;
        fillChunk(slot, c, kSlotBytes);
        pipeline.submit(kSlotBytes);
    }
    const Status s = pipeline.finish();
    REQUIRE(s.code() == Errc::MediaHashMismatch);
    CHECK(s.error().message == "first");
}

TEST_CASE("a task failing before a failing consume wins; after it, it is dropped or loses", "[bundle][pipeline]")
{
    ChunkPipeline* self = nullptr;
    ChunkPipeline pipeline(
        [&](ByteView chunk) -> Status {
            if (chunk[0] == 3)
                return fail(Errc::BadValue, "consume");
            if (chunk[0] == 2)
                self->defer(0, [] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    return Status(fail(Errc::MediaHashMismatch, "task"));
                });
            return {};
        },
        kSlots,
        kSlotBytes);
    self = &pipeline;
    for (std::size_t c = 0; c < 50; ++c) {
        const auto slot = pipeline.acquire();
        if (slot.empty())
            break;
        fillChunk(slot, c, kSlotBytes);
        pipeline.submit(kSlotBytes);
    }
    CHECK(pipeline.finish().code() == Errc::MediaHashMismatch);
}
