#include "cli_runner.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kibaru::test {

namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

Scratch::Scratch() {
    static std::atomic<int> counter{0};
    m_dir = std::filesystem::temp_directory_path() /
            ("kibaru-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
}

Scratch::~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
}

void Scratch::write(const std::string& name, const std::string& content) const {
    std::ofstream out(path(name), std::ios::binary | std::ios::trunc);
    out << content;
}

std::string Scratch::read(const std::string& name) const {
    return slurp(path(name));
}

RunResult Scratch::kibaru(const std::vector<std::string>& args,
                          const std::vector<std::string>& env) const {
    std::vector<std::string> argv = {KIBARU_BIN};
    bool has_db = false;
    for (const auto& a : args) {
        has_db = has_db || a == "--db";
    }
    if (!has_db) {
        argv.insert(argv.end(), {"--db", "kibaru.db"});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> full_env = env;
    bool has_config = false;
    for (const auto& e : env) {
        has_config = has_config || e.rfind("KIBARU_CONFIG=", 0) == 0;
    }
    if (!has_config) {
        full_env.emplace_back("KIBARU_CONFIG="); // built-in defaults, whatever the caller has
    }
    return run_process(argv, m_dir, full_env);
}

RunResult Scratch::sql(const std::string& statement) const {
    // With a busy timeout: while a daemon recovers the WAL after a SIGKILL (or checkpoints),
    // a reader without one gets "database is locked" and no rows, which a test would misread.
    return run_process({"sqlite3", "-cmd", ".timeout 10000", "kibaru.db", statement}, m_dir, {});
}

namespace {

std::vector<std::string> merged_environment(const std::vector<std::string>& env) {
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        bool overridden = false;
        for (const auto& o : env) {
            overridden = overridden || entry.substr(0, entry.find('=')) == o.substr(0, o.find('='));
        }
        if (!overridden) {
            environment.push_back(entry);
        }
    }
    environment.insert(environment.end(), env.begin(), env.end());
    return environment;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) {
        out.push_back(const_cast<char*>(s.c_str()));
    }
    out.push_back(nullptr);
    return out;
}

// Starts `argv` in `cwd` with `env` added, stdin from /dev/null, stdout to `out` and stderr to
// `err` (the same file when equal; appended when `append`). Returns the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
            const std::vector<std::string>& env, const std::filesystem::path& out,
            const std::filesystem::path& err, bool append) {
    const auto environment = merged_environment(env);
    auto c_argv = c_strings(argv);
    auto c_env = c_strings(environment);
    const int mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), mode, 0600);
    if (err == out) {
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), mode, 0600);
    }
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv[0]);
    }
    return pid;
}

} // namespace

Background::Background(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                       const std::vector<std::string>& env) {
    const auto log = cwd / ("." + std::filesystem::path(argv[0]).filename().string() + ".log");
    m_pid = spawn(argv, cwd, env, log, log, true);
}

Background::~Background() {
    if (m_exit < 0 && m_pid > 0) {
        stop(SIGKILL);
    }
}

int Background::stop(int signal) {
    if (m_exit >= 0) {
        return m_exit;
    }
    ::kill(m_pid, signal);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m_exit;
}

int Background::wait(double seconds) {
    if (m_exit >= 0) {
        return m_exit;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return m_exit;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::string date_plus(const std::string& ymd, int days) {
    std::tm t{};
    t.tm_year = std::stoi(ymd.substr(0, 4)) - 1900;
    t.tm_mon = std::stoi(ymd.substr(5, 2)) - 1;
    t.tm_mday = std::stoi(ymd.substr(8, 2)) + days;
    t.tm_hour = 12;
    const std::time_t at = timegm(&t);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&at));
    return text;
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

bool eventually(const std::function<bool()>& predicate, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return predicate();
}

FakeGateway start_fake_gateway(const std::filesystem::path& dir, std::vector<std::string> args) {
    const auto port_file = dir / "gateway.port";
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {std::string(KIBARU_BUILD_DIR) + "/fake_gateway", "--port-file",
                                     port_file.string(), "--max-seconds", "600"};
    argv.insert(argv.end(), args.begin(), args.end());
    FakeGateway gateway;
    gateway.process = std::make_unique<Background>(argv, dir);
    if (!eventually([&] { return std::filesystem::exists(port_file); }, 10)) {
        throw std::runtime_error("fake_gateway did not start");
    }
    gateway.port = std::stoi(slurp(port_file));
    return gateway;
}

RunResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::vector<std::string>& env) {
    static std::atomic<int> counter{0};
    const int n = counter++;
    const auto out_path = cwd / (".out" + std::to_string(n));
    const auto err_path = cwd / (".err" + std::to_string(n));

    const pid_t pid = spawn(argv, cwd, env, out_path, err_path, false);
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out_path);
    result.err = slurp(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return result;
}

} // namespace kibaru::test
