// The import and export commands of the CLI (issue 4), registered on the
// command table of commands.cc:
//
//   rapport import {contacts|leads|accounts} FILE [--map MAPPING.json]
//        [--source-ref-column COL] [--dry-run] [--upsert-key KEY] [--region R]
//        [--format csv|xlsx|vcard] [--batch N] [--again] [--user EMAIL]
//   rapport imports list | show ID | undo ID
//   rapport export contacts --format vcard [--out FILE]
//
// They call app/import.h, the code path of POST /api/v1/imports.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace rapport {

struct ImportCommands;

// Adds the commands to `app`; `add_db` adds the shared --db option.
std::shared_ptr<ImportCommands> AddImportCommands(CLI::App* app, const std::function<void(CLI::App*)>& add_db);

// Runs whichever of the commands was parsed, against database `db`. Returns
// the exit code, or -1 when none of them was on the command line.
int RunImportCommands(const ImportCommands& cmds, const std::string& db);

}  // namespace rapport
