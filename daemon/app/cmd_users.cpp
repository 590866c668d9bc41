// `users add|list|passwd|disable|enable|token|revoke-token|tokens`: the console's accounts.
// There is no default account: the first admin is made here, on the server.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "ops/accounts.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace kibaru::app {

namespace {

// One line from standard input, without echo when it is a terminal.
std::string read_secret_line(const std::string& prompt, bool terminal) {
    termios saved{};
    if (terminal) {
        std::cerr << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << '\n';
    }
    if (!got) {
        throw UsageError("no password given on standard input");
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

// The new password: from standard input with --password-stdin, else asked twice on the
// terminal.
std::string new_password(const std::string& name, bool from_stdin) {
    if (from_stdin) {
        return read_secret_line("", false);
    }
    if (isatty(STDIN_FILENO) != 1) {
        throw UsageError("no terminal to ask the password on: give it with --password-stdin");
    }
    const auto first = read_secret_line("Password for " + name + ": ", true);
    const auto again = read_secret_line("The same password again: ", true);
    if (first != again) {
        throw UsageError("the two passwords differ; nothing changed");
    }
    return first;
}

struct UserOptions {
    std::string name;
    std::string role;
    std::string label;
    std::int64_t token_id = 0;
    bool password_stdin = false;
    std::string format = "table";
};

int run_add(Context& context, const UserOptions& o) {
    const auto password = new_password(o.name, o.password_stdin);
    const auto user = unwrap(ops::add_user(context.env(), o.name, o.role, password));
    std::cout << "user " << user.name << " added (" << user.role << ")\n";
    return k_ok;
}

int run_list(Context& context, const UserOptions& o) {
    const auto users = unwrap(ops::list_users(context.env()));
    auto writer =
        util::make_row_writer(util::parse_format(o.format), std::cout, ops::user_columns());
    for (const auto& user : users) {
        writer->row(ops::user_cells(user));
    }
    writer->finish();
    return k_ok;
}

int run_passwd(Context& context, const UserOptions& o) {
    const auto password = new_password(o.name, o.password_stdin);
    unwrap(ops::change_password(context.env(), o.name, password));
    std::cout << "password of " << o.name << " changed; their sessions are ended\n";
    return k_ok;
}

int run_status(Context& context, const UserOptions& o, const std::string& status) {
    unwrap(ops::set_user_status(context.env(), o.name, status));
    std::cout << o.name << " is now " << status
              << (status == "disabled" ? "; their sessions are ended\n" : "\n");
    return k_ok;
}

int run_token(Context& context, const UserOptions& o) {
    const auto issued = unwrap(ops::issue_token(context.env(), o.name, o.label));
    std::cerr << "API token " << issued.id << " for " << o.name
              << " (shown this once; only its hash is kept):\n";
    std::cout << issued.token << "\n";
    return k_ok;
}

int run_revoke(Context& context, const UserOptions& o) {
    unwrap(ops::revoke_token(context.env(), o.token_id));
    std::cout << "API token " << o.token_id << " revoked\n";
    return k_ok;
}

int run_tokens(Context& context, const UserOptions& o) {
    const auto tokens = unwrap(ops::list_tokens(context.env()));
    auto writer =
        util::make_row_writer(util::parse_format(o.format), std::cout, ops::token_columns());
    for (const auto& token : tokens) {
        writer->row(ops::token_cells(token));
    }
    writer->finish();
    return k_ok;
}

} // namespace

void register_users_commands(CLI::App& app, CommandSink& sink) {
    auto* users = app.add_subcommand("users", "accounts of the web console and the API");
    users->require_subcommand(1);
    auto o = std::make_shared<UserOptions>();
    auto bind = [&sink, o](CLI::App* command, int (*run)(Context&, const UserOptions&)) {
        command->callback(
            [&sink, o, run] { sink.action = [o, run](Context& c) { return run(c, *o); }; });
    };

    auto* add = users->add_subcommand("add", "create an account (asks for its password twice)");
    add->add_option("NAME", o->name, "user name")->required();
    add->add_option("--role", o->role, "admin, staff or auditor")
        ->required()
        ->check(CLI::IsMember({"admin", "staff", "auditor"}));
    add->add_flag("--password-stdin", o->password_stdin,
                  "read the password (one line) from standard input");
    bind(add, run_add);

    auto* list = users->add_subcommand("list", "name, role, status, created_at, last_login_at");
    auto* list_format_option = list->add_option("--format", o->format, "table, csv or json")
                                   ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*list, *list_format_option, o->format);
    bind(list, run_list);

    auto* passwd = users->add_subcommand("passwd", "change a password; ends the user's sessions");
    passwd->add_option("NAME", o->name, "user name")->required();
    passwd->add_flag("--password-stdin", o->password_stdin,
                     "read the password (one line) from standard input");
    bind(passwd, run_passwd);

    auto* disable = users->add_subcommand("disable", "refuse sign-in; ends the user's sessions");
    disable->add_option("NAME", o->name, "user name")->required();
    disable->callback(
        [&sink, o] { sink.action = [o](Context& c) { return run_status(c, *o, "disabled"); }; });
    auto* enable =
        users->add_subcommand("enable", "allow sign-in again (and lift a sign-in lockout)");
    enable->add_option("NAME", o->name, "user name")->required();
    enable->callback(
        [&sink, o] { sink.action = [o](Context& c) { return run_status(c, *o, "active"); }; });

    auto* token = users->add_subcommand(
        "token", "print a new API token for scripts (Authorization: Bearer), once");
    token->add_option("NAME", o->name, "user name")->required();
    token->add_option("--label", o->label, "what the token is for");
    bind(token, run_token);

    auto* revoke = users->add_subcommand("revoke-token", "revoke an API token by its id");
    revoke->add_option("ID", o->token_id, "token id (see users tokens)")->required();
    bind(revoke, run_revoke);

    auto* tokens = users->add_subcommand("tokens", "list API tokens (never the tokens themselves)");
    auto* tokens_format_option = tokens->add_option("--format", o->format, "table, csv or json")
                                     ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*tokens, *tokens_format_option, o->format);
    bind(tokens, run_tokens);
}

} // namespace kibaru::app
