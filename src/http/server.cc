#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "base/log.h"

namespace rapport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct HttpServer::Impl {
  ServerOptions opts;
  HttpHandler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  int port = 0;

  Impl(ServerOptions o, HttpHandler h)
      : opts(std::move(o)), handler(std::move(h)), ioc(opts.threads > 0 ? opts.threads : 2) {}

  static HttpRequest Convert(http::request<http::string_body>& req, const std::string& ip) {
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers.emplace(std::move(name), std::string(f.value()));
    }
    r.body = std::move(req.body());
    r.client_ip = ip;
    return r;
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
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts.max_header_bytes));
      parser.body_limit(opts.max_body_bytes);
      stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
      (void)n;
      if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
        break;
      if (ec) {
        HttpResponse r = ec == http::error::body_limit
                             ? ErrorResponse(413, "too_large",
                                             "request body is larger than " + std::to_string(opts.max_body_bytes) +
                                                 " bytes")
                         : ec == http::error::header_limit
                             ? ErrorResponse(431, "too_large", "request headers are too large")
                             : ErrorResponse(400, "invalid_argument", "malformed HTTP request: " + ec.message());
        spdlog::info("{} - - {} {}", ip, r.status, ec.message());
        auto res = Build(std::move(r), 11, false);
        stream.expires_after(std::chrono::seconds(5));
        co_await http::async_write(stream, res, kTuple);
        break;
      }
      auto req = parser.release();
      bool keep_alive = req.keep_alive();
      unsigned version = req.version();
      HttpRequest hreq = Convert(req, ip);
      HttpResponse hres;
      try {
        hres = handler(hreq);
      } catch (const std::exception& e) {
        spdlog::error("handler threw: {}", e.what());
        hres = ErrorResponse(500, "internal", "internal error");
      }
      if (hres.delay_ms > 0) {
        asio::steady_timer timer(stream.get_executor(), std::chrono::milliseconds(hres.delay_ms));
        co_await timer.async_wait(kTuple);
      }
      auto res = Build(std::move(hres), version, keep_alive);
      stream.expires_after(std::chrono::seconds(opts.idle_timeout_s));
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      (void)wn;
      if (wec || !keep_alive) break;
    }
    beast::error_code sec;
    stream.socket().shutdown(tcp::socket::shutdown_send, sec);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
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
