#include "http/metrics.h"

#include <atomic>
#include <cstdio>
#include <fstream>

namespace rapport {

namespace {
constexpr long kBucketsUs[] = {500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000};
constexpr int kNumBuckets = sizeof(kBucketsUs) / sizeof(kBucketsUs[0]);
std::atomic<long> g_status[6];  // 1xx..5xx by first digit
std::atomic<long> g_buckets[kNumBuckets + 1];
std::atomic<long> g_count{0};
std::atomic<long long> g_sum_us{0};
std::atomic<long> g_login_failures{0};

long RssBytes() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * 4096;
}
}  // namespace

Metrics& Metrics::Get() {
  static Metrics m;
  return m;
}

void Metrics::Observe(int status, long micros) {
  int cls = status / 100;
  if (cls >= 1 && cls <= 5) g_status[cls].fetch_add(1, std::memory_order_relaxed);
  int b = 0;
  while (b < kNumBuckets && micros > kBucketsUs[b]) ++b;
  g_buckets[b].fetch_add(1, std::memory_order_relaxed);
  g_count.fetch_add(1, std::memory_order_relaxed);
  g_sum_us.fetch_add(micros, std::memory_order_relaxed);
}

void Metrics::CountLoginFailure() { g_login_failures.fetch_add(1, std::memory_order_relaxed); }

std::string Metrics::Render() const {
  std::string out;
  char buf[256];
  out += "# HELP rapport_http_requests_total HTTP requests answered, by status class.\n";
  out += "# TYPE rapport_http_requests_total counter\n";
  for (int c = 1; c <= 5; ++c) {
    snprintf(buf, sizeof buf, "rapport_http_requests_total{code=\"%dxx\"} %ld\n", c, g_status[c].load());
    out += buf;
  }
  out += "# HELP rapport_http_request_duration_seconds Time from parsed request to response.\n";
  out += "# TYPE rapport_http_request_duration_seconds histogram\n";
  long cum = 0;
  for (int b = 0; b < kNumBuckets; ++b) {
    cum += g_buckets[b].load();
    snprintf(buf, sizeof buf, "rapport_http_request_duration_seconds_bucket{le=\"%g\"} %ld\n", kBucketsUs[b] / 1e6,
             cum);
    out += buf;
  }
  cum += g_buckets[kNumBuckets].load();
  snprintf(buf, sizeof buf, "rapport_http_request_duration_seconds_bucket{le=\"+Inf\"} %ld\n", cum);
  out += buf;
  snprintf(buf, sizeof buf, "rapport_http_request_duration_seconds_sum %.6f\n", g_sum_us.load() / 1e6);
  out += buf;
  snprintf(buf, sizeof buf, "rapport_http_request_duration_seconds_count %ld\n", g_count.load());
  out += buf;
  out += "# HELP rapport_login_failures_total Failed sign-in attempts.\n# TYPE rapport_login_failures_total counter\n";
  snprintf(buf, sizeof buf, "rapport_login_failures_total %ld\n", g_login_failures.load());
  out += buf;
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  snprintf(buf, sizeof buf, "process_resident_memory_bytes %ld\n", RssBytes());
  out += buf;
  return out;
}

}  // namespace rapport
