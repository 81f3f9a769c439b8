#include "gatehouse/store/source_rows.hpp"

namespace gatehouse::store {
namespace {

std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + quoted(name);
    return out;
}

}  // namespace

std::vector<SourceRow> read_source_rows(Database& db, const std::string& table, const std::vector<std::string>& columns,
                                        const std::vector<std::string>& order_by) {
    std::string sql = "SELECT " + joined(columns) + " FROM " + quoted(table);
    if (!order_by.empty()) sql += " ORDER BY " + joined(order_by);
    // Prepared once: read once per import, so not kept with the connection's cached statements.
    auto statement = db.connection().prepare(sql);
    Query q(*statement);
    std::vector<SourceRow> rows;
    while (q.step()) {
        SourceRow row;
        row.reserve(columns.size());
        for (int i = 0; i < static_cast<int>(columns.size()); ++i) row.push_back(q.row().column_optional_text(i));
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace gatehouse::store
