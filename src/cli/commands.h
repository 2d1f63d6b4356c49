// The command table of the `rapport` binary: one source for commands, their
// options and their --help text. Commands call the app layer directly, so a
// command and an endpoint share one code path.
#pragma once

namespace rapport {

// Parses argv and runs the chosen command; returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace rapport
