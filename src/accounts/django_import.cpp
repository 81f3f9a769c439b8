#include "gatehouse/accounts/django_import.hpp"

#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/store/data_copy.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/source_rows.hpp"
#include "gatehouse/store/users.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

namespace gatehouse::accounts {
namespace {

using Row = std::map<std::string, std::optional<std::string>>;

struct Source {
    std::string table;
    std::map<std::string, std::string> columns;
    std::vector<Row> rows;
};

// One snapshot of the source, opened read-only: the table, its mapping and every row, by id (the
// first of two equal emails is then the older account), else by date_joined.
Source read_source(const ImportOptions& options) {
    store::Database db(options.source, store::Access::ReadOnly);
    store::Snapshot snapshot(db);
    Source source;
    source.table = choose_user_table(db.table_names(), [&](const std::string& t) { return db.column_names(t); },
                                     options.table);
    source.columns = map_columns(db.column_names(source.table), options.map);
    std::vector<std::string> fields, columns, order;
    for (const auto& [field, column] : source.columns) fields.push_back(field), columns.push_back(column);
    for (const char* key : {"id", "date_joined"})
        if (source.columns.contains(key) && order.empty()) order.push_back(source.columns.at(key));
    for (const auto& values : store::read_source_rows(db, source.table, columns, order)) {
        Row row;
        for (std::size_t i = 0; i < fields.size(); ++i) row[fields[i]] = values[i];
        source.rows.push_back(std::move(row));
    }
    return source;
}

bool has(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

const char* yes_no(bool value) { return value ? "yes" : "no"; }

// What --update refreshes: the fields the row gave a usable value for that differ. The password stays
// Gatehouse's (the user may have changed it here, or logged in and had it rehashed).
std::vector<std::string> refresh(const User& before, const SourceUser& row, User& after) {
    after = before;
    std::vector<std::string> changed;
    auto take = [&](const char* field, auto member) {
        if (has(row.fields, field) && before.*member != row.user.*member) {
            after.*member = row.user.*member;
            changed.emplace_back(field);
        }
    };
    take("name", &User::name);
    take("first_name", &User::first_name);
    take("last_name", &User::last_name);
    take("phone", &User::phone);
    take("is_active", &User::is_active);
    take("is_staff", &User::is_staff);
    take("is_superuser", &User::is_superuser);
    take("is_verified", &User::is_verified);
    if (has(changed, "phone")) after.phone_verified = false;
    return changed;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
    return out;
}

struct Write {
    User user;
    std::optional<User> before;  // an update
    std::string detail;          // the audit row's
};

}  // namespace

const char* outcome_word(ImportOutcome outcome) {
    switch (outcome) {
        case ImportOutcome::Imported: return "imported";
        case ImportOutcome::Updated: return "updated";
        case ImportOutcome::Unchanged: return "unchanged";
        case ImportOutcome::Exists: return "exists";
        case ImportOutcome::Skipped: return "skipped";
    }
    return "?";
}

std::size_t ImportReport::count(ImportOutcome outcome) const {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [&](const ImportedRow& row) { return row.outcome == outcome; }));
}

ImportReport import_django(Services& s, const Actor& actor, const ImportOptions& options) {
    Source source;
    try {
        source = read_source(options);
    } catch (const std::invalid_argument&) {  // ImportUsageError, a location of another scheme
        throw;
    } catch (const std::exception& e) {  // unreadable: no such file, not a database, refused connection, …
        throw std::runtime_error("cannot read " + store::redacted(options.source) + ": " + e.what());
    }
    ImportReport report{store::redacted(options.source), source.table, source.columns, {}};
    store::UserStore users(s.db);
    std::map<std::string, std::string> emails;  // folded email → the row that has it
    std::set<std::string> names, phones;        // held by earlier rows
    std::vector<Write> writes;
    std::size_t number = 0;
    for (const auto& values : source.rows) {
        SourceUser row = read_source_user(values, ++number, s.now());
        ImportedRow& line = report.rows.emplace_back();
        line.row_id = row.row_id;
        line.email = row.user.email.value_or(row.raw_email);
        line.warnings = row.warnings;
        if (row.skip) {
            line.detail = *row.skip;
            continue;
        }
        User& user = row.user;
        const std::string key = core::casefold(*user.email);
        if (const auto first = emails.find(key); first != emails.end()) {
            line.detail = "duplicate of " + first->second + " (the emails are equal ignoring case; the first by id is kept)";
            continue;
        }
        emails.emplace(key, "row " + row.row_id + " " + *user.email);
        const auto existing = users.find_by_email(*user.email);
        if (existing && !options.update) {
            line.outcome = ImportOutcome::Exists;
            line.detail = "already a Gatehouse user (id " + std::to_string(existing->id) + "); --update refreshes it";
            continue;
        }
        // Names and phones are unique in Gatehouse: one another user (or an earlier row) holds is left out.
        auto someone_else = [&](const std::optional<User>& holder) { return holder && (!existing || holder->id != existing->id); };
        if (user.name && (names.contains(core::casefold(*user.name)) || someone_else(users.find_by_name(*user.name)))) {
            line.warnings.push_back("name \"" + *user.name + "\" left out: another user has it");
            user.name.reset();
            std::erase(row.fields, "name");
        } else if (user.name) names.insert(core::casefold(*user.name));
        if (user.phone && (phones.contains(*user.phone) || someone_else(users.find_by_phone(*user.phone)))) {
            line.warnings.push_back("phone " + *user.phone + " left out: another user has it");
            user.phone.reset();
            std::erase(row.fields, "phone");
        } else if (user.phone) phones.insert(*user.phone);

        const std::string from = "from Django " + source.table + " row " + row.row_id;
        if (!existing) {
            line.outcome = ImportOutcome::Imported;
            writes.push_back({user, std::nullopt,
                              from + ": email: " + *user.email + ", is_staff: " + yes_no(user.is_staff) +
                                  ", is_superuser: " + yes_no(user.is_superuser) + ", is_verified: " + yes_no(user.is_verified)});
            continue;
        }
        User after;
        const auto changed = refresh(*existing, row, after);
        line.outcome = changed.empty() ? ImportOutcome::Unchanged : ImportOutcome::Updated;
        line.detail = changed.empty() ? "the Gatehouse user (id " + std::to_string(existing->id) + ") matches the row"
                                      : "changed: " + joined(changed);
        if (!changed.empty()) writes.push_back({after, existing, from + ": " + joined(changed)});
    }
    // A warning is about what this import writes: none for a row left as it is.
    for (auto& line : report.rows)
        if (line.outcome != ImportOutcome::Imported && line.outcome != ImportOutcome::Updated) line.warnings.clear();
    if (options.dry_run || writes.empty()) return report;

    std::vector<std::int64_t> deactivated;
    try {
        store::Transaction tx(s.db);
        for (auto& write : writes) {
            if (!write.before) {
                write.user.id = users.insert(write.user);
                audit(s, actor, write.user.id, "import", write.detail);
                continue;
            }
            users.update_profile(write.user);
            users.set_flags(write.user.id, write.user.is_active, write.user.is_staff, write.user.is_superuser,
                            write.user.is_verified);
            audit(s, actor, write.user.id, "import_update", write.detail);
            if (write.before->is_active && !write.user.is_active) deactivated.push_back(write.user.id);
        }
        tx.commit();
    } catch (const store::ConstraintError&) {
        throw std::runtime_error(
            "a user with one of these emails, names or phones was created while importing; nothing was written: run the "
            "import again");
    }
    // As when staff deactivate a user: every login of it ends.
    for (const auto id : deactivated) revoke_all_logins(s, id);
    return report;
}

}  // namespace gatehouse::accounts
