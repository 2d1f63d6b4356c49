// API test harness: starts a real `rapport serve` on 127.0.0.1 (a free port)
// over a fresh SQLite file or a fresh PostgreSQL database, and a small blocking
// HTTP/1.1 client to talk to it.
#pragma once

#include <csignal>

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace rapport::test {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names (last value)
  std::vector<std::string> set_cookies;
  std::string body;
  nlohmann::json json() const;
  std::string Header(const std::string& n) const;
};

// One keep-alive HTTP connection.
class Client {
 public:
  explicit Client(int port);
  ~Client();
  Response Request(const std::string& method, const std::string& target, const std::string& body = "",
                   const std::map<std::string, std::string>& headers = {});
  // Sends raw bytes and reads one response (for malformed-request tests).
  Response Raw(const std::string& bytes);

 private:
  void Connect();
  Response Read();
  int port_;
  int fd_ = -1;
  std::string buf_;
};

// A running server with an initialised organisation and an admin token.
class Server {
 public:
  // backend: "sqlite" or "postgres" (from RAPPORT_TEST_BACKEND by default).
  Server();
  ~Server();
  int port() const { return port_; }
  const std::string& db_url() const { return db_url_; }
  const std::string& admin_email() const { return admin_email_; }
  const std::string& admin_password() const { return admin_password_; }
  const std::string& admin_token() const { return admin_token_; }
  // Runs `rapport ARGS --db URL` and returns its stdout (asserts exit 0).
  std::string Cli(const std::string& args) const;
  // Kills the server with SIGKILL (no clean shutdown), then starts it again
  // on the same port and database.
  void CrashAndRestart() { Restart(SIGKILL); }
  // Stops the server with `signal` (SIGTERM: a clean shutdown), waits for it,
  // then starts it again on the same port and database.
  void Restart(int signal);

 private:
  void Start();
  int port_ = 0;
  int pid_ = -1;
  std::string dir_, db_url_, admin_email_, admin_password_, admin_token_, pg_db_;
};

// A client that sends the admin's (or any) bearer token with every request.
class Api {
 public:
  Api(int port, std::string token) : client_(port), token_(std::move(token)) {}
  Response Get(const std::string& target) { return Do("GET", target, ""); }
  Response Post(const std::string& target, const nlohmann::json& body) { return Do("POST", target, body.dump()); }
  Response Patch(const std::string& target, const nlohmann::json& body, const std::string& if_match = "") {
    std::map<std::string, std::string> h;
    if (!if_match.empty()) h["If-Match"] = if_match;
    return Do("PATCH", target, body.dump(), h);
  }
  Response Delete(const std::string& target) { return Do("DELETE", target, ""); }
  Response Do(const std::string& method, const std::string& target, const std::string& body,
              std::map<std::string, std::string> headers = {});

 private:
  Client client_;
  std::string token_;
};

std::string UrlEncode(const std::string& s);

// A test suite sharing one server (started once for the suite) and an API
// client with the admin's token per test. CRTP: each suite gets its own server.
template <typename Suite>
class ServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { api_ = std::make_unique<Api>(server_->port(), server_->admin_token()); }
  static inline Server* server_ = nullptr;
  std::unique_ptr<Api> api_;
};

}  // namespace rapport::test
