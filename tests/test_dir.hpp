// A directory of one test's own under the temporary directory, named after the test and the
// process (so that tests run in parallel by ctest never share one), empty when the test starts
// and removed when the object goes. Declare it before whatever holds files open in it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace kibaru::test {

class TestDir {
public:
    explicit TestDir(const std::string& prefix)
        : m_path(std::filesystem::temp_directory_path() /
                 (prefix + "-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TestDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TestDir(const TestDir&) = delete;
    TestDir& operator=(const TestDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace kibaru::test
