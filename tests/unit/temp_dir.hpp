#pragma once
// A fresh directory under $TMPDIR for one test, removed with everything in it afterwards.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "../test_postgres.hpp"

namespace gatehouse::test {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "gatehouse-unit-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void write(const std::string& name, const std::string& text) const { std::ofstream(file(name)) << text; }
    // This test's database: SQLite in this directory, or a fresh PostgreSQL database when the suite
    // runs under tests/with-postgres.sh (the same one at every call).
    const std::string& database() const {
        if (database_.empty())
            database_ = testing::test_postgres().empty() ? file("gatehouse.db") : testing::fresh_postgres_database("unit");
        return database_;
    }

private:
    std::string path_;
    mutable std::string database_;
};

}  // namespace gatehouse::test
