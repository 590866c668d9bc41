#include "cli_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

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
    return run_process({"sqlite3", "kibaru.db", statement}, m_dir, {});
}

RunResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::vector<std::string>& env) {
    static std::atomic<int> counter{0};
    const int n = counter++;
    const auto out_path = cwd / (".out" + std::to_string(n));
    const auto err_path = cwd / (".err" + std::to_string(n));

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

    std::vector<char*> c_argv;
    for (const auto& a : argv) {
        c_argv.push_back(const_cast<char*>(a.c_str()));
    }
    c_argv.push_back(nullptr);
    std::vector<char*> c_env;
    for (const auto& e : environment) {
        c_env.push_back(const_cast<char*>(e.c_str()));
    }
    c_env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv[0]);
    }
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
