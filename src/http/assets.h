// The web application's files, embedded in the binary at build time
// (cmake/WebApp.cmake generates the table from web/dist), and the handler
// that serves them: no Node.js and no files on disk at run time, so the
// binary works from any directory.
//
// Thread-safe: the table is immutable static data.
#pragma once

#include <cstddef>
#include <string_view>

#include "http/message.h"

namespace rapport {

// One embedded file. `data..data_end` are its bytes; `gzip..gzip_end` a gzip
// copy (both null when the file is not worth compressing). `immutable` files
// carry a content hash in their name (Vite's /assets/).
struct EmbeddedAsset {
  const char* path;          // URL path, "/index.html", "/assets/index-3f9a.js"
  const char* content_type;  // "text/javascript; charset=utf-8"
  const char* data;
  const char* data_end;
  const char* gzip;
  const char* gzip_end;
  const char* digest;        // hex prefix of the SHA-256 of `data` (the ETag)
  bool immutable;
};

// Defined by the generated source (build/generated/web_assets.cc).
extern const EmbeddedAsset* const kEmbeddedAssets;
extern const size_t kEmbeddedAssetCount;

// The embedded file at `path`, or null.
const EmbeddedAsset* FindAsset(std::string_view path);

// True when the binary carries the web app (built with RAPPORT_WEB=ON).
bool HasWebApp();

// Answers a GET/HEAD for a path outside /api/: the file if it exists;
// index.html for any other path (client-side routes such as /leads/123);
// 404 for a missing file under /assets/ (so a stale chunk never gets HTML).
// Sets the caching headers (a year and immutable for hashed assets,
// no-cache for index.html), a strict Content-Security-Policy, and gzip when
// the client accepts it. Without an embedded app, serves the placeholder page.
HttpResponse ServeWebApp(const HttpRequest& req);

}  // namespace rapport
