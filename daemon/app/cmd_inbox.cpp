// `prices import`, `prices list`, `inbox list` and `inbox reply`: the data SMS questions are
// answered from, and the messages producers sent.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "ops/inbound.hpp"
#include "ops/prices.hpp"
#include "store/inbox_repo.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace kibaru::app {

namespace {

int run_prices_import(Context& context, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw UsageError("cannot read " + path);
    }
    const auto r = unwrap(ops::import_prices(context.env(), in, path));
    if (r.windows1252_rows > 0) { // as contacts import says it
        std::cerr << path << ": not UTF-8: read as Windows-1252 (" << r.windows1252_rows
                  << (r.windows1252_rows == 1 ? " row" : " rows") << ")\n";
    }
    for (const auto& p : r.rejects) {
        std::cerr << path << ":" << p.line << ": " << p.field << ": " << p.reason << "\n";
    }
    std::cout << path << ": " << r.added << " prices added, " << r.replaced << " replaced, "
              << r.rejects.size() << " rows refused\n";
    return r.rejects.empty() ? k_ok : k_partial;
}

struct PricesListOptions {
    std::string commodity;
    std::string market;
    std::int64_t limit = 1000;
    std::string format = "table";
};

int run_prices_list(Context& context, const PricesListOptions& o) {
    auto writer =
        util::make_row_writer(util::parse_format(o.format), std::cout, ops::price_columns());
    for (const auto& p : unwrap(ops::list_prices(context.env(), o.commodity, o.market, o.limit))) {
        writer->row(ops::price_cells(p));
    }
    writer->finish();
    return k_ok;
}

struct InboxListOptions {
    std::string since;
    bool unanswered = false;
    std::int64_t limit = 1000;
    std::string format = "table";
};

int run_inbox_list(Context& context, const InboxListOptions& o) {
    auto writer =
        util::make_row_writer(util::parse_format(o.format), std::cout, ops::inbox_columns());
    const auto env = context.env();
    for (const auto& row : unwrap(ops::list_inbox(env, o.since, o.unanswered, o.limit))) {
        writer->row(ops::inbox_cells(row));
    }
    writer->finish();
    return k_ok;
}

int run_inbox_reply(Context& context, std::int64_t id, const std::string& text) {
    const auto row = unwrap(ops::reply_by_hand(context.env(), id, text));
    std::cout << row.phone
              << ": reply queued; the daemon sends it through the gateway that "
                 "takes the number\n";
    return k_ok;
}

} // namespace

void register_inbox_commands(CLI::App& app, CommandSink& sink) {
    auto* prices = app.add_subcommand("prices", "market prices: what PRIX <commodity> <market> "
                                                "answers");
    prices->require_subcommand(1);
    auto path = std::make_shared<std::string>();
    auto* importing = prices->add_subcommand(
        "import", "import a CSV or .xlsx of date,commodity,market,price_min,price_max[,unit,trend] "
                  "(French column names too: produit, marché, prix min...); a row "
                  "of the same date, commodity and market replaces the one before");
    importing->add_option("FILE", *path, "the CSV or .xlsx file")->required();
    importing->callback([&sink, path] {
        sink.action = [path](Context& c) { return run_prices_import(c, *path); };
    });
    auto list_options = std::make_shared<PricesListOptions>();
    auto* list = prices->add_subcommand("list", "the prices, newest first");
    list->add_option("--commodity", list_options->commodity,
                     "only this commodity, by its name or one of its [keywords] commodity_words "
                     "(sesame, RIZ)");
    list->add_option("--market", list_options->market,
                     "only this market (case, accents and one typo forgiven)");
    list->add_option("--limit", list_options->limit, "at most this many rows (default 1000)");
    auto* list_format_option =
        list->add_option("--format", list_options->format, "table, csv or json")
            ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*list, *list_format_option, list_options->format);
    list->callback([&sink, list_options] {
        sink.action = [list_options](Context& c) { return run_prices_list(c, *list_options); };
    });

    auto* inbox = app.add_subcommand("inbox", "the SMS producers sent, and the replies");
    inbox->require_subcommand(1);
    auto inbox_options = std::make_shared<InboxListOptions>();
    auto* inbox_list = inbox->add_subcommand("list", "incoming SMS, newest first");
    inbox_list->add_option("--since", inbox_options->since,
                           "received at or after this date (YYYY-MM-DD, midnight UTC) or "
                           "instant (2019-01-08T09:00:00Z)");
    inbox_list->add_flag("--unanswered", inbox_options->unanswered, "only those without a reply");
    inbox_list->add_option("--limit", inbox_options->limit, "at most this many (default 1000)");
    auto* inbox_list_format_option =
        inbox_list->add_option("--format", inbox_options->format, "table, csv or json")
            ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*inbox_list, *inbox_list_format_option, inbox_options->format);
    inbox_list->callback([&sink, inbox_options] {
        sink.action = [inbox_options](Context& c) { return run_inbox_list(c, *inbox_options); };
    });
    auto id = std::make_shared<std::int64_t>(0);
    auto text = std::make_shared<std::string>();
    auto* reply = inbox->add_subcommand(
        "reply", "answer one incoming SMS by hand: sent now through the gateway that takes the "
                 "number, recorded on the message and audited");
    reply->add_option("ID", *id, "the message's id (inbox list)")->required();
    reply->add_option("--text", *text, "the reply")->required();
    reply->callback([&sink, id, text] {
        sink.action = [id, text](Context& c) { return run_inbox_reply(c, *id, *text); };
    });
}

} // namespace kibaru::app
