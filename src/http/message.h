// HTTP messages as the application sees them, independent of Boost.Beast, so
// the route table and handlers compile without Beast headers and can be
// tested without a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rapport {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, "/api/v1/leads?limit=5"
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;
  std::string client_ip;
  // Upload routes (ServerOptions::upload_paths): the body is not in `body` but
  // spooled to this file, which the handler must move or delete.
  std::string body_file;

  // First header value or "" (name lower-case).
  const std::string& Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int delay_ms = 0;  // wait this long before answering (failed logins)
  // When set, the body is streamed with chunked encoding: the server calls
  // `stream` until it returns false, sending each non-empty chunk it appends.
  // It runs on a worker thread after Handle() returned.
  std::function<bool(std::string* chunk)> stream;
};

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

// Splits a target into a decoded path and query parameters. False if the
// percent-encoding is malformed.
bool ParseTarget(const std::string& target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

}  // namespace rapport
