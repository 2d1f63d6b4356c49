// Process metrics in the Prometheus text format (GET /metrics). Lock-free
// counters; thread-safe.
#pragma once

#include <string>

namespace rapport {

class Metrics {
 public:
  static Metrics& Get();
  // Records one answered request: status and latency in microseconds.
  void Observe(int status, long micros);
  void CountLoginFailure();
  std::string Render() const;
};

}  // namespace rapport
