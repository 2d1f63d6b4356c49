#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace rapport {
void InitLogging(const char* level) {
  auto logger = spdlog::stderr_color_mt("rapport");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}
}  // namespace rapport
