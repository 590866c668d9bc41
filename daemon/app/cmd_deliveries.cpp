// `deliveries resend`: staff send a week's in-doubt or failed deliveries again.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "ops/resend.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace kibaru::app {

namespace {

struct ResendOptions {
    std::int64_t campaign = 0;
    int week = 0;
    std::string state;
    bool dry_run = false;
};

int run_resend(Context& context, const ResendOptions& options) {
    const auto r = unwrap(ops::resend_deliveries(context.env(), options.campaign, options.week,
                                                 options.state, options.dry_run));
    std::cout << "campaign " << r.campaign_id << " week " << r.week << ": " << r.deliveries << " "
              << r.state << " deliveries "
              << (r.dry_run ? "would be sent again (dry run: nothing changed)"
                            : "queued to be sent again")
              << "\n";
    return k_ok;
}

} // namespace

void register_deliveries_commands(CLI::App& app, CommandSink& sink) {
    auto* deliveries = app.add_subcommand("deliveries", "act on a week's deliveries");
    deliveries->require_subcommand(1);
    auto options = std::make_shared<ResendOptions>();
    auto* resend = deliveries->add_subcommand(
        "resend", "send a week's in-doubt (unknown) or failed deliveries again, while the week is "
                  "open; audited");
    resend->add_option("--campaign", options->campaign, "campaign id")->required();
    resend->add_option("--week", options->week, "week number")->required();
    resend->add_option("--state", options->state, "unknown or failed")
        ->required()
        ->check(CLI::IsMember({"unknown", "failed"}));
    resend->add_flag("--dry-run", options->dry_run, "count them, change nothing");
    resend->callback([&sink, options] {
        sink.action = [options](Context& c) { return run_resend(c, *options); };
    });
}

} // namespace kibaru::app
