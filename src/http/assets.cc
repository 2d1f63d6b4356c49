#include "http/assets.h"

#include <algorithm>
#include <string>

#include "http/api.h"

namespace rapport {

namespace {

// The app loads only its own scripts and styles, talks only to this origin
// and cannot be framed. React sets styles through the CSSOM, which
// style-src does not restrict; data: images are the SVG icons in CSS.
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool AcceptsGzip(const HttpRequest& req) {
  const std::string& ae = req.Header("accept-encoding");
  // "gzip" listed and not refused with q=0 (rare enough to treat simply).
  size_t pos = ae.find("gzip");
  if (pos == std::string::npos) return false;
  size_t end = ae.find(',', pos);
  std::string part = ae.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  part.erase(std::remove(part.begin(), part.end(), ' '), part.end());
  return part.find("q=0") == std::string::npos || part.find("q=0.") != std::string::npos;
}

HttpResponse FromAsset(const EmbeddedAsset& a, const HttpRequest& req, bool is_index) {
  HttpResponse r;
  r.content_type = a.content_type;
  std::string etag = std::string("\"") + a.digest + "\"";
  r.headers.emplace_back("ETag", etag);
  if (a.immutable) {
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else if (is_index) {
    r.headers.emplace_back("Cache-Control", "no-cache");
  } else {
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  }
  if (is_index || std::string_view(a.content_type).rfind("text/html", 0) == 0) {
    r.headers.emplace_back("Content-Security-Policy", kCsp);
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  if (a.gzip) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.Header("if-none-match") == etag) {
    r.status = 304;
    return r;
  }
  if (a.gzip && AcceptsGzip(req)) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body.assign(a.gzip, a.gzip_end);
  } else {
    r.body.assign(a.data, a.data_end);
  }
  if (req.method == "HEAD") r.body.clear();
  return r;
}

}  // namespace

const EmbeddedAsset* FindAsset(std::string_view path) {
  for (size_t i = 0; i < kEmbeddedAssetCount; ++i) {
    if (path == kEmbeddedAssets[i].path) return &kEmbeddedAssets[i];
  }
  return nullptr;
}

bool HasWebApp() { return FindAsset("/index.html") != nullptr; }

HttpResponse ServeWebApp(const HttpRequest& req) {
  const EmbeddedAsset* index = FindAsset("/index.html");
  if (!index) {
    // Built without the web app (RAPPORT_WEB=OFF): the placeholder page.
    HttpResponse r;
    if (req.path != "/" && req.path != "/index.html") return Api::Error(Status::NotFound("no route for " + req.path));
    r.content_type = "text/html; charset=utf-8";
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'");
    r.body = WebPage();
    return r;
  }
  if (req.path != "/" && req.path != "/index.html") {
    if (const EmbeddedAsset* a = FindAsset(req.path)) return FromAsset(*a, req, false);
    // A missing hashed file (an old tab asking for a chunk of an older
    // build) or anything that looks like a file: 404, not the app.
    size_t slash = req.path.rfind('/');
    bool looks_like_file = req.path.find('.', slash == std::string::npos ? 0 : slash) != std::string::npos;
    if (req.path.rfind("/assets/", 0) == 0 || looks_like_file) {
      HttpResponse r = Api::Error(Status::NotFound("no file " + req.path));
      r.headers.emplace_back("Cache-Control", "no-cache");
      return r;
    }
  }
  return FromAsset(*index, req, true);
}

}  // namespace rapport
