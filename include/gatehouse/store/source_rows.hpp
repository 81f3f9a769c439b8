#pragma once
// The rows of another application's table, read as they are (gatehouse import-django reads a Django
// user table with it): the chosen columns of every row as text, NULL as nullopt. The table and
// column names must be ones the schema lists (Database::table_names, column_names); they are quoted.
#include "gatehouse/store/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

using SourceRow = std::vector<std::optional<std::string>>;  // in the order of `columns`

// Every row, ordered by the order_by columns (none: as the engine returns them). Booleans come back
// as the engine writes them ("1"/"0" from SQLite, "t"/"f" from PostgreSQL), timestamps as text.
std::vector<SourceRow> read_source_rows(Database& db, const std::string& table, const std::vector<std::string>& columns,
                                        const std::vector<std::string>& order_by);

}  // namespace gatehouse::store
