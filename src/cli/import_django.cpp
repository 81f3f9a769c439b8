// gatehouse import-django PATH_OR_URL: a Django site's users into Gatehouse (accounts/django_import.hpp),
// with a report of what became of each row on stdout.
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/django_import.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"

#include <iostream>

namespace gatehouse::cli {
namespace {

constexpr const char* kImportDjangoUsage = R"(usage: gatehouse import-django PATH_OR_URL [--table T] [--map FIELD=COLUMN]... [--update] [--dry-run]

Brings the users of a Django site's database into Gatehouse. PATH_OR_URL: a SQLite file (or
sqlite:////absolute/path) or postgresql://user@host/dbname; it is only read. The user table is
auth_user, else the one table named …_user with email and password columns (a custom user model).
Password hashes are kept as Django wrote them (pbkdf2_sha256, argon2, bcrypt_sha256, bcrypt): each
user logs in with the old password, and that login stores a hash of Gatehouse's own kind.

options:
  --table T            the user table, when it is not found by itself
  --map FIELD=COLUMN   read FIELD from COLUMN (repeatable). Fields: email, password, name,
                       first_name, last_name, phone, is_active, is_staff, is_superuser, is_verified,
                       date_joined, last_login, id
  --update             refresh users already in Gatehouse (names, phone, flags) from their rows
  --dry-run            check and report everything, write nothing

Rows without a valid email, and the later of two emails equal ignoring case, are skipped; a user
already in Gatehouse is left as it is unless --update. Running it again changes nothing.
)";

int usage_error(const std::string& message) {
    std::cerr << "error: " << message << "\n" << kImportDjangoUsage;
    return 2;
}

void print_report(const accounts::ImportReport& report, bool dry_run) {
    std::cout << "source: " << report.source << ", table " << report.table << " (";
    bool first = true;
    for (const auto& field : accounts::import_fields())
        if (const auto it = report.columns.find(field); it != report.columns.end()) {
            std::cout << (first ? "" : ", ") << field << "=" << it->second;
            first = false;
        }
    std::cout << ")\n";
    for (const auto& row : report.rows) {
        const bool quiet = row.outcome == accounts::ImportOutcome::Imported || row.outcome == accounts::ImportOutcome::Unchanged;
        if (!quiet)
            std::cout << accounts::outcome_word(row.outcome) << " row " << row.row_id << " " << row.email << ": "
                      << row.detail << "\n";
        for (const auto& warning : row.warnings)
            std::cout << "warning row " << row.row_id << " " << row.email << ": " << warning << "\n";
    }
    std::cout << (dry_run ? "dry run, nothing written: " : "")
              << "imported " << report.count(accounts::ImportOutcome::Imported)
              << ", updated " << report.count(accounts::ImportOutcome::Updated)
              << ", unchanged " << report.count(accounts::ImportOutcome::Unchanged)
              << ", exists " << report.count(accounts::ImportOutcome::Exists)
              << ", skipped " << report.count(accounts::ImportOutcome::Skipped) << " of " << report.rows.size()
              << " rows\n";
}

}  // namespace

int import_django(const core::Config& config, const Args& args) {
    // --map repeats, which parse_command_line's options do not: taken out first.
    accounts::ImportOptions options;
    Args rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string mapping;
        if (args[i] == "--map") {
            if (i + 1 == args.size()) return usage_error("--map needs FIELD=COLUMN");
            mapping = args[++i];
        } else if (args[i].starts_with("--map=")) {
            mapping = args[i].substr(6);
        } else {
            rest.push_back(args[i]);
            continue;
        }
        const auto equals = mapping.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == mapping.size())
            return usage_error("--map " + mapping + ": not FIELD=COLUMN");
        options.map.emplace_back(mapping.substr(0, equals), mapping.substr(equals + 1));
    }
    const auto line = parse_command_line(rest, 1, {"--table"}, {"--update", "--dry-run"});
    if (!line) return usage_error(line.error());
    if (line->wants_help()) {
        std::cout << kImportDjangoUsage;
        return 0;
    }
    if (line->positional.size() != 1)
        return usage_error(line->positional.empty() ? "which database? (PATH_OR_URL)" : "one database at a time");
    options.source = line->positional.front();
    options.table = line->value("--table");
    options.update = line->has("--update");
    options.dry_run = line->has("--dry-run");
    try {
        accounts::CommandContext context(config);
        const auto report =
            accounts::import_django(context.services(), accounts::operator_actor(os_user()), options);
        print_report(report, options.dry_run);
        return 0;
    } catch (const std::invalid_argument& e) {  // accounts::ImportUsageError, a location of another scheme
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\nnothing was written\n";
        return 1;
    }
}

}  // namespace gatehouse::cli
