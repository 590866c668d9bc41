// Work that arrives in one turn of the daemon's loop, done together: the delivery reports or
// incoming SMS read in one turn are handed to `apply` at once (one transaction, one commit),
// and each is answered only after that commit, so that an item is acknowledged once it is
// durable and a burst of thousands costs a few commits, not one each — nor one fsync each on
// the loop thread, which the dispatcher shares. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kibaru::web {

// Runs `run` on `io` after every handler already ready: the rest of this turn's requests.
void post_after_ready(boost::asio::io_context& io, std::function<void()> run);
// Runs `run` on `io` once `delay` has passed.
void post_after(boost::asio::io_context& io, std::chrono::milliseconds delay,
                std::function<void()> run);

// Logs the failure of a batch (of `size` items, `what` they are) and tells whether the storage
// itself failed (busy, full, I/O): then every item would fail alike.
bool batch_failed(const std::string& what, std::size_t size, const std::exception& error);

template <typename Item, typename Outcome>
class LoopBatch {
public:
    // Called once per item after its batch is settled: with its outcome once committed, or
    // with nullptr when it could not be recorded now (database busy, disk full…): the sender
    // must then be told to try again later.
    using Done = std::function<void(const Outcome*)>;
    // Applies a batch in one transaction and returns one outcome per item, in order; throws
    // (writing nothing) when it cannot.
    using Apply = std::function<std::vector<Outcome>(const std::vector<Item>&)>;
    // How long items may gather before their batch is applied, asked when the first of a batch
    // arrives; zero (or no pace): once the loop has handled what is ready now.
    using Pace = std::function<std::chrono::milliseconds()>;

    // `what`: the items' name for the log ("delivery reports").
    LoopBatch(boost::asio::io_context& io, std::string what, Apply apply, Pace pace = {})
        : m_io(io), m_what(std::move(what)), m_apply(std::move(apply)), m_pace(std::move(pace)) {}

    // Queues an item; the batch is applied when the loop has handled what is ready now, or
    // once the pace's wait has passed.
    void add(Item item, Done done) {
        m_pending.push_back({std::move(item), std::move(done)});
        if (!m_posted) {
            m_posted = true;
            const auto wait = m_pace ? m_pace() : std::chrono::milliseconds{0};
            if (wait > std::chrono::milliseconds{0}) {
                post_after(m_io, wait, [this] { flush(); });
            } else {
                post_after_ready(m_io, [this] { flush(); });
            }
        }
    }

    std::uint64_t batches() const { return m_batches; } // transactions committed so far

private:
    struct Pending {
        Item item;
        Done done;
    };

    void flush() {
        m_posted = false;
        std::vector<Pending> batch;
        batch.swap(m_pending);
        std::vector<Item> items;
        items.reserve(batch.size());
        for (const auto& p : batch) {
            items.push_back(p.item);
        }
        bool storage_failed = true;
        try {
            const auto outcomes = m_apply(items);
            ++m_batches;
            for (std::size_t i = 0; i < batch.size(); ++i) {
                batch[i].done(&outcomes[i]);
            }
            return;
        } catch (const std::exception& e) {
            storage_failed = batch_failed(m_what, batch.size(), e);
        }
        // Busy, full or failing storage refuses every item alike: the sender is asked to send
        // them again later. An item the database refuses for itself must not make its
        // neighbours fail with it, so then a batch of several is tried again one by one.
        for (auto& p : batch) {
            if (storage_failed || batch.size() == 1) {
                p.done(nullptr);
                continue;
            }
            try {
                const auto outcomes = m_apply({p.item});
                ++m_batches;
                p.done(&outcomes.front());
            } catch (const std::exception& e) {
                batch_failed(m_what, 1, e);
                p.done(nullptr);
            }
        }
    }

    boost::asio::io_context& m_io;
    std::string m_what;
    Apply m_apply;
    Pace m_pace;
    std::vector<Pending> m_pending;
    bool m_posted = false;
    std::uint64_t m_batches = 0;
};

} // namespace kibaru::web
