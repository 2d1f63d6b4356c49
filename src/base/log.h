// Logging: spdlog with one process-wide logger writing to stderr.
//
// Log one line per request at the HTTP edge, and start/end summaries for batch
// work; never inside hot loops. Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

namespace rapport {
// Sets the level from a name ("debug", "info", "warn", "error"); default info.
void InitLogging(const char* level = "info");
}  // namespace rapport
