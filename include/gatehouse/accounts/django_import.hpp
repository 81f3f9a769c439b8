#pragma once
// gatehouse import-django: a Django site's users brought into Gatehouse (README, "gatehouse
// import-django"), read from its database without writing to it, written here in one transaction
// with an audit row per user, the password hashes kept as Django wrote them.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/django_columns.hpp"
#include "gatehouse/accounts/services.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::accounts {

struct ImportOptions {
    std::string source;  // the Django database: a SQLite file, sqlite:///…, or postgresql://…
    std::string table;   // --table; "" finds it (choose_user_table)
    std::vector<std::pair<std::string, std::string>> map;  // --map field=column
    bool update = false;   // refresh users already in Gatehouse from their rows
    bool dry_run = false;  // everything checked and reported, nothing written
};

enum class ImportOutcome { Imported, Updated, Unchanged, Exists, Skipped };
const char* outcome_word(ImportOutcome outcome);  // "imported", "updated", …

struct ImportedRow {
    std::string row_id;
    std::string email;  // normalised; as the source has it when skipped for it
    ImportOutcome outcome = ImportOutcome::Skipped;
    std::string detail;  // why skipped, whom it duplicates or matches, the fields updated
    std::vector<std::string> warnings;  // for rows imported or updated only
};

struct ImportReport {
    std::string source;  // the location without its password
    std::string table;
    std::map<std::string, std::string> columns;  // field → column
    std::vector<ImportedRow> rows;               // in the order read (by id)
    std::size_t count(ImportOutcome outcome) const;
};

// Reads every row first, then decides each one against Gatehouse's users and the rows before it:
//  - no email, an invalid one: Skipped;
//  - an email equal ignoring case to an earlier row's (by id): Skipped as its duplicate;
//  - an email a Gatehouse user has: Exists, or with `update` Updated (names, phone, flags from the
//    row; never the password, date_joined or last_login) or Unchanged;
//  - else Imported; a name or phone another user (or an earlier row) holds is left out, with a warning.
// Throws ImportUsageError (the table, --map), core::Unavailable or std::runtime_error (the source
// cannot be read, a user appeared meanwhile: nothing is written).
ImportReport import_django(Services& services, const Actor& actor, const ImportOptions& options);

}  // namespace gatehouse::accounts
