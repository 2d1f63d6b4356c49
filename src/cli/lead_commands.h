// The enrichment, scoring and jobs commands of the CLI (issue 4,
// docs/decisions/012-enrichment-scoring-assignment.md), registered on the
// command table of commands.cc:
//
//   rapport enrich load FILE [--mode replace|merge] [--user EMAIL]
//   rapport enrich info
//   rapport score train [--object opportunities|leads] [--seed N] [--test-fraction F]
//        [--resamples N] [--json] [--progress|--quiet] [--no-score-open]
//   rapport score rescore
//   rapport score models [--object O]
//   rapport jobs run escalation|retrain [--now ISO] [--org ID]
//   rapport jobs list
//
// They call the app layer, the code paths of the matching endpoints.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace rapport {

struct LeadCommands;

// Adds the commands to `app`; `add_db` adds the shared --db option.
std::shared_ptr<LeadCommands> AddLeadCommands(CLI::App* app, const std::function<void(CLI::App*)>& add_db);

// Runs whichever of them was parsed against database `db`: the exit code, or
// -1 when none of them was on the command line.
int RunLeadCommands(const LeadCommands& cmds, const std::string& db);

}  // namespace rapport
