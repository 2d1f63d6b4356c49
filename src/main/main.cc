// Entry point: the only place that knows which pieces run together.
#include "cli/commands.h"

int main(int argc, char** argv) { return rapport::RunCli(argc, argv); }
