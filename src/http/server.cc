#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <filesystem>
#include <thread>
#include <unistd.h>
#include <vector>

#include "base/log.h"

namespace rapport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
  ServerOptions opts;
  HttpHandler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  int port = 0;

  Impl(ServerOptions o, HttpHandler h)
      : opts(std::move(o)), handler(std::move(h)), ioc(opts.threads > 0 ? opts.threads : 2) {}

  // Method, target and headers of any request (the body is the caller's).
  template <class Body>
  static HttpRequest ConvertHead(http::request<Body>& req, const std::string& ip) {
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers.emplace(std::move(name), std::string(f.value()));
    }
    r.client_ip = ip;
    return r;
  }

  static HttpRequest Convert(http::request<http::string_body>& req, const std::string& ip) {
    HttpRequest r = ConvertHead(req, ip);
    r.body = std::move(req.body());
    return r;
  }

  // Upload routes (issue 4): a POST to one of opts.upload_paths.
  bool IsUpload(http::verb method, std::string_view target) const {
    if (method != http::verb::post) return false;
    std::string_view path = target.substr(0, target.find('?'));
    for (const auto& p : opts.upload_paths) {
      if (path == p) return true;
    }
    return false;
  }

  // A file for one upload's body in opts.upload_dir (or the temporary directory).
  std::string UploadPath() const {
    static std::atomic<uint64_t> counter{0};
    std::string dir = opts.upload_dir.empty() ? std::filesystem::temp_directory_path().string() : opts.upload_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return dir + "/rapport-upload-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".part";
  }

  // The answer to a request that could not be read, and whether to answer at all.
  HttpResponse ReadError(const beast::error_code& ec, size_t limit) const {
    return ec == http::error::body_limit
               ? ErrorResponse(413, "too_large", "request body is larger than " + std::to_string(limit) + " bytes")
           : ec == http::error::header_limit ? ErrorResponse(431, "too_large", "request headers are too large")
                                             : ErrorResponse(400, "invalid_argument", "malformed HTTP request: " + ec.message());
  }
  static bool Disconnected(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
           ec == http::error::partial_message;
  }

  static http::response<http::string_body> Build(HttpResponse&& in, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(in.status), version};
    res.set(http::field::server, "rapport");
    res.set(http::field::content_type, in.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : in.headers) res.insert(k, v);
    res.body() = std::move(in.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  }

  static HttpResponse ErrorResponse(int status, const char* code, const std::string& msg) {
    HttpResponse r;
    r.status = status;
    std::string m;
    for (char c : msg) {
      if (c == '"' || c == '\\') m += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) m += c;
    }
    r.body = std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + m + "\",\"field\":null}}";
    return r;
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    std::string ip;
    beast::error_code ep_ec;
    auto ep = stream.socket().remote_endpoint(ep_ec);
    if (!ep_ec) ip = ep.address().to_string();
    stream.socket().set_option(tcp::no_delay(true), ep_ec);
    for (;;) {
      // The header first: the route decides the body limit and where the
      // body goes (memory, or a file for upload routes; issue 4).
      http::request_parser<http::empty_body> head;
      head.header_limit(static_cast<std::uint32_t>(opts.max_header_bytes));
      head.body_limit(std::max(opts.max_body_bytes, opts.max_upload_bytes));
      stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
      beast::error_code ec;
      std::size_t n = co_await http::async_read_header(stream, buffer, head, asio::redirect_error(asio::use_awaitable, ec));
      (void)n;
      if (Disconnected(ec)) break;
      size_t limit = opts.max_body_bytes;
      bool upload = !ec && IsUpload(head.get().method(), head.get().target());
      if (upload) limit = opts.max_upload_bytes;
      if (!ec && head.content_length() && *head.content_length() > limit) ec = http::error::body_limit;
      if (!ec && !head.is_done() && beast::iequals(head.get()[http::field::expect], "100-continue")) {
        static const char k100[] = "HTTP/1.1 100 Continue\r\n\r\n";
        beast::error_code cec;
        std::size_t cn = co_await asio::async_write(stream, asio::buffer(k100, sizeof k100 - 1), asio::redirect_error(asio::use_awaitable, cec));
        (void)cn;
        if (cec) break;
      }
      HttpRequest hreq;
      bool keep_alive = true;
      unsigned version = 11;
      if (!ec && upload) {
        http::request_parser<http::file_body> fp{std::move(head)};
        fp.body_limit(limit);
        std::string path = UploadPath();
        beast::error_code fec;
        fp.get().body().open(path.c_str(), beast::file_mode::write, fec);
        if (fec) {
          spdlog::error("upload: cannot write {}: {}", path, fec.message());
          auto res = Build(ErrorResponse(503, "unavailable", "cannot store the upload"), 11, false);
          {
          beast::error_code ignored;
          co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ignored));
        }
          break;
        }
        while (!ec && !fp.is_done()) {
          stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
          beast::error_code rec;
          std::size_t rn = co_await http::async_read_some(stream, buffer, fp, asio::redirect_error(asio::use_awaitable, rec));
          (void)rn;
          ec = rec;
        }
        fp.get().body().close();
        if (ec) {
          std::error_code rm;
          std::filesystem::remove(path, rm);
        } else {
          auto req = fp.release();
          keep_alive = req.keep_alive();
          version = req.version();
          hreq = ConvertHead(req, ip);
          hreq.body_file = path;
        }
      } else if (!ec && head.is_done()) {
        // No body (GET, HEAD, DELETE...): no second read.
        auto req = head.release();
        keep_alive = req.keep_alive();
        version = req.version();
        hreq = ConvertHead(req, ip);
      } else if (!ec) {
        http::request_parser<http::string_body> parser{std::move(head)};
        parser.body_limit(limit);
        stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
        beast::error_code rec;
        std::size_t rn = co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, rec));
        (void)rn;
        ec = rec;
        if (!ec) {
          auto req = parser.release();
          keep_alive = req.keep_alive();
          version = req.version();
          hreq = Convert(req, ip);
        }
      }
      if (Disconnected(ec)) break;
      if (ec) {
        HttpResponse r = ReadError(ec, limit);
        spdlog::info("{} - - {} {}", ip, r.status, ec.message());
        auto res = Build(std::move(r), 11, false);
        stream.expires_after(std::chrono::seconds(5));
        {
          beast::error_code ignored;
          co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ignored));
        }
        break;
      }
      HttpResponse hres;
      try {
        hres = handler(hreq);
      } catch (const std::exception& e) {
        spdlog::error("handler threw: {}", e.what());
        hres = ErrorResponse(500, "internal", "internal error");
      }
      if (hres.delay_ms > 0) {
        asio::steady_timer timer(stream.get_executor(), std::chrono::milliseconds(hres.delay_ms));
        beast::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      }
      if (hres.stream) {
        auto producer = std::move(hres.stream);
        http::response<http::empty_body> head{static_cast<http::status>(hres.status), version};
        head.set(http::field::server, "rapport");
        head.set(http::field::content_type, hres.content_type);
        head.set("X-Content-Type-Options", "nosniff");
        for (auto& [k, v] : hres.headers) head.insert(k, v);
        head.keep_alive(keep_alive);
        head.chunked(true);
        http::response_serializer<http::empty_body> sr{head};
        stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
        beast::error_code hec;
        std::size_t hn = co_await http::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, hec));
        (void)hn;
        if (hec) break;
        bool more = true, failed = false;
        std::string chunk;
        while (more && !failed) {
          chunk.clear();
          try {
            more = producer(&chunk);
          } catch (const std::exception& e) {
            spdlog::error("stream producer threw: {}", e.what());
            failed = true;
            break;
          }
          if (chunk.empty()) continue;
          stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
          beast::error_code cec;
          std::size_t cn = co_await asio::async_write(stream, http::make_chunk(asio::buffer(chunk)), asio::redirect_error(asio::use_awaitable, cec));
          (void)cn;
          failed = static_cast<bool>(cec);
        }
        if (failed) break;  // closing without the last chunk tells the client it is incomplete
        beast::error_code lec;
        std::size_t ln = co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(asio::use_awaitable, lec));
        (void)ln;
        if (lec || !keep_alive) break;
        continue;
      }
      auto res = Build(std::move(hres), version, keep_alive);
      // The timeout set before the read still runs (idle_timeout_s from
      // the start of the request): one timer change per request, not two.
      beast::error_code wec;
      std::size_t wn = co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, wec));
      (void)wn;
      if (wec || !keep_alive) break;
    }
    beast::error_code sec;
    stream.socket().shutdown(tcp::socket::shutdown_send, sec);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept: {}", ec.message());
        continue;
      }
      asio::co_spawn(acceptor.get_executor(), Session(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(ServerOptions opts, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(opts), std::move(handler))) {}
HttpServer::~HttpServer() = default;

Status HttpServer::Listen() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) return Status::InvalidArgument("bad listen address '" + impl_->opts.host + "'", "listen");
  tcp::endpoint ep(addr, static_cast<unsigned short>(impl_->opts.port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) +
                               ": " + ec.message());
  }
  impl_->port = a.local_endpoint().port();
  return Status::Ok();
}

int HttpServer::bound_port() const { return impl_->port; }

void HttpServer::Run() {
  impl_->signals.async_wait([this](const beast::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}, stopping", sig);
    Stop();
  });
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  int n = impl_->opts.threads > 0 ? impl_->opts.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  std::vector<std::thread> workers;
  for (int i = 1; i < n; ++i) workers.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : workers) t.join();
}

void HttpServer::Stop() {
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->ioc.stop();
  });
}

}  // namespace rapport
