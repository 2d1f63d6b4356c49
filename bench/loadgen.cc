// rapport_loadgen: a small closed-loop HTTP/1.1 load generator for `make bench`.
//
// N keep-alive connections, each driven by its own thread with blocking POSIX
// sockets: send one request, read the whole response, record its latency,
// repeat. Runs a fixed number of requests (-n) or for a duration (-d, with an
// optional --warmup that is not recorded). Requests are built from templates
// with placeholders (see Usage()). Reports requests/s, latency percentiles and
// errors (non-2xx answers and socket failures); can save the "id" of every
// 2xx answer (e.g. of creates) to a file for later GETs.
//
// The same binary measures nginx and rapport, so both pay the same client
// cost on this machine (docs/decisions/003-benchmark-method.md).
#include <arpa/inet.h>
#include <sys/resource.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "contact_gen.h"

namespace {

using Clock = std::chrono::steady_clock;

void Usage() {
  std::fprintf(stderr, R"(usage: rapport_loadgen --port P [options]
  --host H            server address (default 127.0.0.1)
  -c, --connections N keep-alive connections, one thread each (default 16)
  -n, --requests N    total requests (fixed-count mode)
  -d, --duration S    run for S seconds instead (duration mode)
  --warmup S          duration mode: run S seconds first without recording
  -m, --method M      GET (default), POST, ...
  -p, --path T        request path template (repeat to rotate over several)
  -b, --body T        request body template (sent as application/json)
  -H, --header 'K: V' extra request header (repeatable)
  --ids-in FILE       ids (one a line) for the {id} placeholder
  --ids-out FILE      save the "id" of every 2xx response body here
  --rand-range R      {m.*} placeholders use a random contact m in [0, R)
  --seq-start K       first sequence number for {n} (default 0)
  --kv FILE           write results as key=value lines
  --save-body FILE    write the body of the first 2xx response here
  --label NAME        name printed with the results
  -q, --quiet         only the one-line summary
Placeholders (URL-encoded in the path, JSON-escaped in the body):
  {n}            the request's sequence number
  {contact}      bench contact n as a JSON object (body only, not escaped)
  {id}           an id picked at random from --ids-in
  {m.email} {m.last_name} {m.country} {m.prefix}   of random contact m
                 (prefix: the first 3 letters of the last name)
  {any_country}  one of the 30 bench countries, uniformly
)");
}

struct Piece {
  enum Kind { kLiteral, kSeq, kContact, kId, kMEmail, kMLastName, kMCountry, kMPrefix, kAnyCountry } kind;
  std::string text;
};

bool ParseTemplate(const std::string& t, std::vector<Piece>* out, std::string* err) {
  static const std::map<std::string, Piece::Kind> kNames = {
      {"n", Piece::kSeq},           {"contact", Piece::kContact},      {"id", Piece::kId},
      {"m.email", Piece::kMEmail},  {"m.last_name", Piece::kMLastName}, {"m.country", Piece::kMCountry},
      {"m.prefix", Piece::kMPrefix}, {"any_country", Piece::kAnyCountry}};
  size_t i = 0;
  std::string lit;
  while (i < t.size()) {
    if (t[i] == '{') {
      size_t j = t.find('}', i);
      if (j != std::string::npos) {
        auto it = kNames.find(t.substr(i + 1, j - i - 1));
        if (it != kNames.end()) {
          if (!lit.empty()) out->push_back({Piece::kLiteral, lit});
          lit.clear();
          out->push_back({it->second, {}});
          i = j + 1;
          continue;
        }
        // "{" of a JSON body: keep as literal text.
        if (t.substr(i + 1, j - i - 1).find_first_of("\":, ") == std::string::npos) {
          *err = "unknown placeholder " + t.substr(i, j - i + 1);
          return false;
        }
      }
    }
    lit += t[i++];
  }
  if (!lit.empty()) out->push_back({Piece::kLiteral, lit});
  return true;
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// First 3 code points of a UTF-8 string.
std::string Prefix3(const std::string& s) {
  size_t i = 0;
  int cps = 0;
  while (i < s.size() && cps < 3) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    size_t len = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    i += len;
    ++cps;
  }
  return s.substr(0, std::min(i, s.size()));
}

struct Config {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 16;
  long long requests = 0;
  double duration = 0, warmup = 0;
  std::string method = "GET";
  std::vector<std::vector<Piece>> paths;
  std::vector<Piece> body;
  bool has_body = false;
  std::vector<std::string> headers;
  std::vector<std::string> ids;
  std::string ids_out, kv_out, save_body, label = "load";
  unsigned long long rand_range = 1;
  unsigned long long seq_start = 0;
  bool quiet = false;
};

struct Rng {
  uint64_t s;
  uint64_t Next() {
    s += 0x9E3779B97F4A7C15ull;
    return bench::Mix(s);
  }
};

std::string Expand(const Config& cfg, const std::vector<Piece>& t, uint64_t n, Rng& rng, bool url) {
  std::string out;
  uint64_t m = 0;
  bool have_m = false;
  auto pick_m = [&] {
    if (!have_m) {
      m = rng.Next() % cfg.rand_range;
      have_m = true;
    }
    return m;
  };
  auto put = [&](const std::string& v) { out += url ? UrlEncode(v) : bench::JsonEscape(v); };
  for (const auto& p : t) {
    switch (p.kind) {
      case Piece::kLiteral: out += p.text; break;
      case Piece::kSeq: out += std::to_string(n); break;
      case Piece::kContact: out += bench::ContactJson(n); break;
      case Piece::kId: put(cfg.ids.empty() ? std::string("none") : cfg.ids[rng.Next() % cfg.ids.size()]); break;
      case Piece::kMEmail: put(bench::MakeContact(pick_m()).email); break;
      case Piece::kMLastName: put(bench::MakeContact(pick_m()).last_name); break;
      case Piece::kMCountry: put(bench::CountryOf(pick_m()).name); break;
      case Piece::kMPrefix: put(Prefix3(bench::MakeContact(pick_m()).last_name)); break;
      case Piece::kAnyCountry: put(bench::CountryByRank(rng.Next() % bench::kCountryCount)); break;
    }
  }
  return out;
}

struct ThreadResult {
  std::vector<uint32_t> lat_us;  // recorded requests only
  long long ok = 0, non2xx = 0, sock_errors = 0, reconnects = 0;
  long long bytes_in = 0;
  long long completed = 0;  // every answered request, warm-up included
  std::map<int, long long> statuses;
  std::vector<std::string> ids;
  std::string first_error, first_body;
  Clock::time_point last_end{};
};

class Connection {
 public:
  Connection(const Config& cfg, const sockaddr_storage& addr, socklen_t len) : cfg_(cfg), addr_(addr), len_(len) {}
  ~Connection() { Close(); }

  bool Open() {
    Close();
    for (int attempt = 0; attempt < 50; ++attempt) {
      fd_ = ::socket(addr_.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd_ < 0) return false;
      if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr_), len_) == 0) {
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        buf_.clear();
        return true;
      }
      ::close(fd_);
      fd_ = -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool is_open() const { return fd_ >= 0; }

  // Sends `req` and reads one response. False on a socket/protocol failure.
  bool RoundTrip(const std::string& req, int* status, std::string* body, bool* close_after) {
    size_t off = 0;
    while (off < req.size()) {
      ssize_t w = ::send(fd_, req.data() + off, req.size() - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      off += static_cast<size_t>(w);
    }
    // Headers.
    size_t hdr_end;
    while ((hdr_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    std::string head = buf_.substr(0, hdr_end);
    buf_.erase(0, hdr_end + 4);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return false;
    *status = std::atoi(head.c_str() + 9);
    long long content_length = -1;
    bool chunked = false;
    *close_after = head.compare(0, 8, "HTTP/1.0") == 0;
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos < head.size()) {
      size_t next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, (next == std::string::npos ? head.size() : next) - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        for (auto& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (name == "content-length") content_length = std::atoll(value.c_str());
        else if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
        else if (name == "connection" && value.find("close") != std::string::npos) *close_after = true;
        else if (name == "connection" && value.find("keep-alive") != std::string::npos) *close_after = false;
      }
      pos = next;
    }
    body->clear();
    if (chunked) {
      for (;;) {
        size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos) {
          if (!Fill()) return false;
        }
        size_t n = std::strtoull(buf_.c_str(), nullptr, 16);
        buf_.erase(0, eol + 2);
        while (buf_.size() < n + 2) {
          if (!Fill()) return false;
        }
        body->append(buf_, 0, n);
        buf_.erase(0, n + 2);
        if (n == 0) break;  // (trailers are not used by the servers measured here)
      }
    } else if (content_length >= 0) {
      while (buf_.size() < static_cast<size_t>(content_length)) {
        if (!Fill()) return false;
      }
      body->assign(buf_, 0, static_cast<size_t>(content_length));
      buf_.erase(0, static_cast<size_t>(content_length));
    } else if (*status >= 200 && *status != 204 && *status != 304) {
      while (Fill()) {
      }
      body->swap(buf_);
      buf_.clear();
      *close_after = true;
    }
    return true;
  }

 private:
  bool Fill() {
    char tmp[65536];
    for (;;) {
      ssize_t r = ::recv(fd_, tmp, sizeof tmp, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(r));
      return true;
    }
  }

  const Config& cfg_;
  sockaddr_storage addr_;
  socklen_t len_;
  int fd_ = -1;
  std::string buf_;
};

std::string ExtractId(const std::string& body) {
  size_t p = body.find("\"id\":\"");
  if (p == std::string::npos) return {};
  p += 6;
  size_t e = body.find('"', p);
  if (e == std::string::npos) return {};
  return body.substr(p, e - p);
}

double Percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size()))) ;
  if (idx > 0) --idx;
  if (idx >= sorted.size()) idx = sorted.size() - 1;
  return sorted[idx] / 1000.0;
}

bool ParseArgs(int argc, char** argv, Config* cfg) {
  auto need = [&](int& i) -> const char* {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "rapport_loadgen: %s needs a value\n", argv[i]);
      std::exit(2);
    }
    return argv[++i];
  };
  std::string ids_in;
  std::vector<std::string> path_templates;
  std::string body_template;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--host") cfg->host = need(i);
    else if (a == "--port") cfg->port = std::atoi(need(i));
    else if (a == "-c" || a == "--connections") cfg->connections = std::atoi(need(i));
    else if (a == "-n" || a == "--requests") cfg->requests = std::atoll(need(i));
    else if (a == "-d" || a == "--duration") cfg->duration = std::atof(need(i));
    else if (a == "--warmup") cfg->warmup = std::atof(need(i));
    else if (a == "-m" || a == "--method") cfg->method = need(i);
    else if (a == "-p" || a == "--path") path_templates.push_back(need(i));
    else if (a == "-b" || a == "--body") {
      body_template = need(i);
      cfg->has_body = true;
    } else if (a == "-H" || a == "--header") cfg->headers.push_back(need(i));
    else if (a == "--ids-in") ids_in = need(i);
    else if (a == "--ids-out") cfg->ids_out = need(i);
    else if (a == "--rand-range") cfg->rand_range = std::strtoull(need(i), nullptr, 10);
    else if (a == "--seq-start") cfg->seq_start = std::strtoull(need(i), nullptr, 10);
    else if (a == "--kv") cfg->kv_out = need(i);
    else if (a == "--save-body") cfg->save_body = need(i);
    else if (a == "--label") cfg->label = need(i);
    else if (a == "-q" || a == "--quiet") cfg->quiet = true;
    else if (a == "-h" || a == "--help") {
      Usage();
      std::exit(0);
    } else {
      std::fprintf(stderr, "rapport_loadgen: unknown argument %s\n", a.c_str());
      Usage();
      return false;
    }
  }
  if (cfg->port <= 0 || cfg->connections < 1 || (cfg->requests <= 0 && cfg->duration <= 0)) {
    Usage();
    return false;
  }
  if (cfg->rand_range == 0) cfg->rand_range = 1;
  if (path_templates.empty()) path_templates.push_back("/");
  std::string err;
  for (const auto& t : path_templates) {
    cfg->paths.emplace_back();
    if (!ParseTemplate(t, &cfg->paths.back(), &err)) {
      std::fprintf(stderr, "rapport_loadgen: path: %s\n", err.c_str());
      return false;
    }
  }
  if (cfg->has_body && !ParseTemplate(body_template, &cfg->body, &err)) {
    std::fprintf(stderr, "rapport_loadgen: body: %s\n", err.c_str());
    return false;
  }
  if (!ids_in.empty()) {
    std::ifstream in(ids_in);
    if (!in) {
      std::fprintf(stderr, "rapport_loadgen: cannot read %s\n", ids_in.c_str());
      return false;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) cfg->ids.push_back(line);
    }
    if (cfg->ids.empty()) {
      std::fprintf(stderr, "rapport_loadgen: %s holds no ids\n", ids_in.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  if (!ParseArgs(argc, argv, &cfg)) return 2;

  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(cfg.host.c_str(), std::to_string(cfg.port).c_str(), &hints, &res) != 0 || !res) {
    std::fprintf(stderr, "rapport_loadgen: cannot resolve %s\n", cfg.host.c_str());
    return 2;
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, res->ai_addr, res->ai_addrlen);
  socklen_t addr_len = res->ai_addrlen;
  freeaddrinfo(res);

  std::string fixed_headers = "Host: " + cfg.host + ":" + std::to_string(cfg.port) + "\r\nUser-Agent: rapport_loadgen\r\n";
  for (const auto& h : cfg.headers) fixed_headers += h + "\r\n";

  std::atomic<long long> next{0};
  std::atomic<bool> stop{false};
  std::vector<ThreadResult> results(cfg.connections);
  const bool by_duration = cfg.requests <= 0;
  const auto t0 = Clock::now();
  const auto measure_from = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                      by_duration ? cfg.warmup : 0.0));
  const auto deadline = measure_from + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(by_duration ? cfg.duration : 0.0));

  std::vector<std::thread> threads;
  for (int t = 0; t < cfg.connections; ++t) {
    threads.emplace_back([&, t] {
      ThreadResult& r = results[t];
      Rng rng{bench::Mix(0xC0FFEEull + static_cast<uint64_t>(t) * 7919)};
      Connection conn(cfg, addr, addr_len);
      std::string req, body_in, body_out;
      for (;;) {
        long long k = next.fetch_add(1, std::memory_order_relaxed);
        if (!by_duration && k >= cfg.requests) break;
        if (stop.load(std::memory_order_relaxed)) break;
        auto start = Clock::now();
        if (by_duration && start >= deadline) {
          stop = true;
          break;
        }
        const bool record = start >= measure_from;
        if (!conn.is_open()) {
          if (!conn.Open()) {
            ++r.sock_errors;
            if (r.first_error.empty()) r.first_error = std::string("connect: ") + std::strerror(errno);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
          }
          start = Clock::now();
        }
        uint64_t n = cfg.seq_start + static_cast<uint64_t>(k);
        const auto& path = cfg.paths[static_cast<size_t>(k) % cfg.paths.size()];
        req = cfg.method + " " + Expand(cfg, path, n, rng, true) + " HTTP/1.1\r\n" + fixed_headers;
        if (cfg.has_body) {
          body_out = Expand(cfg, cfg.body, n, rng, false);
          req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body_out.size()) + "\r\n\r\n";
          req += body_out;
        } else {
          req += "\r\n";
        }
        int status = 0;
        bool close_after = false;
        bool ok = conn.RoundTrip(req, &status, &body_in, &close_after);
        auto end = Clock::now();
        if (!ok) {
          conn.Close();
          ++r.reconnects;
          if (record) {
            ++r.sock_errors;
            if (r.first_error.empty()) r.first_error = "connection closed or broken during a request";
          }
          continue;
        }
        if (close_after) {
          conn.Close();
          ++r.reconnects;
        }
        ++r.completed;
        if (!record) continue;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(end - start).count();
        r.lat_us.push_back(static_cast<uint32_t>(std::min<long long>(us, 0xFFFFFFFFll)));
        r.last_end = end;
        r.bytes_in += static_cast<long long>(body_in.size());
        ++r.statuses[status];
        if (status >= 200 && status < 300) {
          ++r.ok;
          if (r.first_body.empty() && !cfg.save_body.empty()) r.first_body = body_in;
          if (!cfg.ids_out.empty()) {
            std::string id = ExtractId(body_in);
            if (!id.empty()) r.ids.push_back(std::move(id));
          }
        } else {
          ++r.non2xx;
          if (r.first_error.empty()) r.first_error = std::to_string(status) + " " + body_in.substr(0, 300);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto t_end = Clock::now();

  std::vector<uint32_t> all;
  long long ok = 0, non2xx = 0, sock = 0, reconnects = 0, bytes = 0, completed = 0;
  std::map<int, long long> statuses;
  std::string first_error;
  Clock::time_point last_end = measure_from;
  for (auto& r : results) {
    all.insert(all.end(), r.lat_us.begin(), r.lat_us.end());
    ok += r.ok;
    non2xx += r.non2xx;
    sock += r.sock_errors;
    reconnects += r.reconnects;
    bytes += r.bytes_in;
    completed += r.completed;
    for (auto& [s, c] : r.statuses) statuses[s] += c;
    if (first_error.empty()) first_error = r.first_error;
    if (r.last_end > last_end) last_end = r.last_end;
  }
  std::sort(all.begin(), all.end());
  double secs = std::chrono::duration<double>((by_duration ? std::min(last_end, t_end) : t_end) - measure_from).count();
  if (secs <= 0) secs = 1e-9;
  long long total = static_cast<long long>(all.size());
  double rps = static_cast<double>(total) / secs;
  double mean = 0;
  for (auto v : all) mean += v;
  mean = all.empty() ? 0 : mean / static_cast<double>(all.size()) / 1000.0;
  double p50 = Percentile(all, 0.50), p90 = Percentile(all, 0.90), p99 = Percentile(all, 0.99),
         p999 = Percentile(all, 0.999), mx = all.empty() ? 0 : all.back() / 1000.0;

  std::printf("%-28s %9lld req in %7.2fs = %9.0f req/s  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms  errors %lld\n",
              cfg.label.c_str(), total, secs, rps, p50, p90, p99, mx, non2xx + sock);
  if (!cfg.quiet) {
    std::printf("  connections %d, mean %.2f ms, p99.9 %.2f ms, body bytes/req %.0f, reconnects %lld, statuses:",
                cfg.connections, mean, p999, total ? static_cast<double>(bytes) / static_cast<double>(total) : 0.0,
                reconnects);
    for (auto& [s, c] : statuses) std::printf(" %d=%lld", s, c);
    std::printf("\n");
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double client_cpu_us = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  double client_us_per_req = completed ? client_cpu_us / static_cast<double>(completed) : 0;
  if (!cfg.quiet) std::printf("  load generator CPU %.1f us per request\n", client_us_per_req);
  if (!first_error.empty()) std::fprintf(stderr, "  [%s] first error: %s\n", cfg.label.c_str(), first_error.c_str());

  if (!cfg.ids_out.empty()) {
    std::ofstream out(cfg.ids_out);
    size_t n = 0;
    for (auto& r : results) {
      for (auto& id : r.ids) {
        out << id << '\n';
        ++n;
      }
    }
    if (!cfg.quiet) std::printf("  saved %zu ids to %s\n", n, cfg.ids_out.c_str());
  }
  if (!cfg.save_body.empty()) {
    for (auto& r : results) {
      if (r.first_body.empty()) continue;
      std::ofstream(cfg.save_body) << r.first_body;
      break;
    }
  }
  if (!cfg.kv_out.empty()) {
    std::ofstream kv(cfg.kv_out);
    kv << "label=" << cfg.label << "\nconnections=" << cfg.connections << "\nrequests=" << total
       << "\nok=" << ok << "\nnon2xx=" << non2xx << "\nsocket_errors=" << sock << "\nerrors=" << (non2xx + sock)
       << "\nseconds=" << secs << "\nrps=" << rps << "\nmean_ms=" << mean << "\np50_ms=" << p50 << "\np90_ms=" << p90
       << "\np99_ms=" << p99 << "\np999_ms=" << p999 << "\nmax_ms=" << mx << "\nbody_bytes="
       << (total ? bytes / total : 0) << "\nall_requests=" << completed
       << "\nclient_cpu_us_per_req=" << client_us_per_req << "\n";
  }
  return (ok == 0 && total > 0) || total == 0 ? 1 : 0;
}
