// HttpServer: Boost.Beast on Asio with C++20 coroutines. The only place that
// includes Beast headers (compile cost; see ARCHITECTURE.md, HTTP).
//
// Keep-alive connections; each request is parsed with a header limit and a
// body limit (a larger body is answered 413 and the connection closed), handed
// to the HttpHandler on one of the worker threads, and answered. Idle
// connections time out. Run() blocks until Stop() or SIGINT/SIGTERM.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "http/message.h"

namespace rapport {

struct ServerOptions {
  std::string host = "127.0.0.1";  // listen address
  int port = 8080;                 // 0 picks a free port (see bound_port())
  int threads = 0;                 // worker threads; 0 = number of cores
  size_t max_body_bytes = 1 << 20; // larger bodies get 413
  // Upload routes (issue 4): POSTs to these paths may carry up to
  // max_upload_bytes, streamed to a file in upload_dir ("" = the system's
  // temporary directory) instead of memory, and handed over as
  // HttpRequest::body_file. A Content-Length over the limit is answered 413
  // before any of the body is read.
  std::vector<std::string> upload_paths = {"/api/v1/imports", "/api/v1/imports/uploads", "/api/v1/enrichment/companies"};
  size_t max_upload_bytes = size_t{4} << 30;
  std::string upload_dir;
  size_t max_header_bytes = 16 << 10;
  int idle_timeout_s = 60;         // keep-alive connections idle this long close
};

class HttpServer {
 public:
  HttpServer(ServerOptions opts, HttpHandler handler);
  ~HttpServer();
  // Binds the listening socket. Unavailable if the address is taken.
  Status Listen();
  int bound_port() const;
  // Serves until Stop() or a termination signal.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport
