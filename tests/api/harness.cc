#include "harness.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace rapport::test {

nlohmann::json Response::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("response is not JSON: " + body.substr(0, 200));
  return j;
}

std::string Response::Header(const std::string& n) const {
  auto it = headers.find(n);
  return it == headers.end() ? "" : it->second;
}

Client::Client(int port) : port_(port) {}
Client::~Client() {
  if (fd_ >= 0) close(fd_);
}

void Client::Connect() {
  if (fd_ >= 0) close(fd_);
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  buf_.clear();
}

Response Client::Read() {
  auto fill = [this]() {
    char tmp[65536];
    ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  };
  size_t hdr_end;
  while ((hdr_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) throw std::runtime_error("connection closed before response headers");
  }
  Response r;
  std::string head = buf_.substr(0, hdr_end);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  r.status = std::stoi(status_line.substr(9, 3));
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string k = line.substr(0, colon);
      for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v[0] == ' ') v.erase(0, 1);
      if (k == "set-cookie") r.set_cookies.push_back(v);
      r.headers[k] = v;
    }
    pos = e + 2;
  }
  size_t len = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  buf_.erase(0, hdr_end + 4);
  while (buf_.size() < len) {
    if (!fill()) throw std::runtime_error("connection closed mid-body");
  }
  r.body = buf_.substr(0, len);
  buf_.erase(0, len);
  if (r.Header("connection") == "close") {
    close(fd_);
    fd_ = -1;
  }
  return r;
}

Response Client::Request(const std::string& method, const std::string& target, const std::string& body,
                         const std::map<std::string, std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  return Raw(req);
}

Response Client::Raw(const std::string& bytes) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) Connect();
    size_t off = 0;
    bool ok = true;
    while (off < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) { ok = false; break; }
      off += static_cast<size_t>(n);
    }
    if (!ok && off == 0) { fd_ = -1; continue; }  // stale keep-alive connection: reconnect once
    try {
      return Read();
    } catch (const std::exception&) {
      if (attempt == 1 || off < bytes.size()) throw;
      close(fd_);
      fd_ = -1;
    }
  }
  throw std::runtime_error("request failed");
}

namespace {

std::string RandomSuffix() {
  std::random_device rd;
  std::mt19937_64 g(rd());
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(g()));
  return buf;
}

std::string RunCapture(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *status = pclose(p);
  return out;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace

std::string Server::Cli(const std::string& args) const {
  int status = 0;
  std::string out = RunCapture(std::string(RAPPORT_BINARY) + " " + args + " --db '" + db_url_ + "' 2>/dev/null", &status);
  if (status != 0) throw std::runtime_error("rapport " + args + " failed: " + out);
  return out;
}

Server::Server() {
  const char* backend = getenv("RAPPORT_TEST_BACKEND");
  std::string be = backend ? backend : "sqlite";
  dir_ = (std::filesystem::temp_directory_path() / ("rapport-api-" + RandomSuffix())).string();
  std::filesystem::create_directories(dir_);
  if (be == "postgres") {
    const char* pg = getenv("RAPPORT_TEST_PG_URL");
    if (!pg || !*pg) throw std::runtime_error("RAPPORT_TEST_PG_URL is not set: run the tests through `make test`");
    pg_db_ = "rapport_api_" + RandomSuffix();
    int st = 0;
    RunCapture("psql '" + std::string(pg) + "' -qc 'CREATE DATABASE " + pg_db_ + "' 2>&1", &st);
    if (st != 0) throw std::runtime_error("cannot create test database " + pg_db_);
    std::string base(pg);
    db_url_ = base.substr(0, base.rfind('/') + 1) + pg_db_;
  } else {
    db_url_ = "sqlite:" + dir_ + "/rapport.db";
  }
  admin_email_ = "admin@example.com";
  std::string out = Cli("init --admin-email " + admin_email_ + " --org 'Test Org'");
  auto pos = out.find("one-time password: ");
  if (pos == std::string::npos) throw std::runtime_error("init printed no password: " + out);
  admin_password_ = out.substr(pos + 19);
  admin_password_ = admin_password_.substr(0, admin_password_.find('\n'));
  admin_token_ = Cli("token create --email " + admin_email_ + " --name tests");
  admin_token_ = admin_token_.substr(0, admin_token_.find('\n'));

  port_ = FreePort();
  Start();
}

void Server::Restart(int signal) {
  kill(pid_, signal);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
  Start();
}

void Server::Start() {
  pid_ = fork();
  if (pid_ == 0) {
    std::string log = dir_ + "/server.log";
    FILE* f = freopen(log.c_str(), "a", stderr);
    (void)f;
    FILE* o = freopen((dir_ + "/server.out").c_str(), "w", stdout);
    (void)o;
    std::string listen = "127.0.0.1:" + std::to_string(port_);
    execl(RAPPORT_BINARY, RAPPORT_BINARY, "serve", "--db", db_url_.c_str(), "--listen", listen.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    try {
      Client c(port_);
      if (c.Request("GET", "/healthz").status == 200) return;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("server did not start; see " + dir_ + "/server.log");
}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st;
    waitpid(pid_, &st, 0);
  }
  if (!pg_db_.empty()) {
    int st = 0;
    RunCapture("psql '" + std::string(getenv("RAPPORT_TEST_PG_URL")) + "' -qc 'DROP DATABASE IF EXISTS " + pg_db_ +
                   " WITH (FORCE)' 2>&1",
               &st);
  }
  std::error_code ec;
  if (!getenv("RAPPORT_KEEP_TEST_DIRS")) std::filesystem::remove_all(dir_, ec);
}

Response Api::Do(const std::string& method, const std::string& target, const std::string& body,
                 std::map<std::string, std::string> headers) {
  if (!token_.empty()) headers["Authorization"] = "Bearer " + token_;
  return client_.Request(method, target, body, headers);
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace rapport::test
