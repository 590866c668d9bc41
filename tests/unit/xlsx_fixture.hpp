// Workbooks for tests, written at test time by a short Python script using
// tests/unit/xlsx_fixture.py: openpyxl (python3-openpyxl, installed by scripts/setup.sh) for
// files as a spreadsheet program saves them, hand-made XML and archives for the rest.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kibaru::test {

// The python3 that has openpyxl: Debian's first, as a pyenv or virtualenv python3 earlier on
// PATH does not see Debian's packages. "" when none has it.
inline const std::string& python_with_openpyxl() {
    static const std::string found = [] {
        for (const char* candidate : {"/usr/bin/python3", "python3"}) {
            const std::string probe =
                std::string(candidate) + " -c 'import openpyxl' >/dev/null 2>&1";
            if (std::system(probe.c_str()) == 0) {
                return std::string(candidate);
            }
        }
        return std::string();
    }();
    return found;
}

// Runs `body`, Python that writes the file named OUT, with everything from xlsx_fixture.py in
// scope; returns the file's bytes ("" and a test failure when the script fails).
inline std::string python_file(const std::string& body) {
    const std::string& python = python_with_openpyxl();
    if (python.empty()) {
        ADD_FAILURE() << "no python3 with openpyxl: install python3-openpyxl (scripts/setup.sh)";
        return "";
    }
    static std::atomic<int> counter{0};
    const auto dir =
        std::filesystem::temp_directory_path() /
        ("kibaru-xlsx-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    {
        std::ofstream script(dir / "script.py", std::ios::binary);
        script << "import sys\n"
               << "sys.path.insert(0, '" << KIBARU_SOURCE_DIR << "/tests/unit')\n"
               << "from xlsx_fixture import *\n"
               << "OUT = sys.argv[1]\n"
               << body << "\n";
    }
    const std::string command =
        "cd '" + dir.string() + "' && " + python + " script.py out.xlsx > log.txt 2>&1";
    const int status = std::system(command.c_str());
    std::ostringstream bytes;
    std::ostringstream log;
    log << std::ifstream(dir / "log.txt").rdbuf();
    bytes << std::ifstream(dir / "out.xlsx", std::ios::binary).rdbuf();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    if (status != 0) {
        ADD_FAILURE() << "the fixture script failed:\n" << body << "\n" << log.str();
        return "";
    }
    return bytes.str();
}

} // namespace kibaru::test
