// The printable quote (issue 5): GET /api/v1/quotes/{id}/document.html and
// /document.pdf, for users who may see the quote (404 otherwise).
#include "app/quote_document.h"
#include "http/api.h"

namespace rapport {

HttpResponse QuoteDocumentResponse(const Principal& p, Conn* c, const Catalog& cat, const std::string& quote_id,
                                   const std::string& format) {
  auto doc = LoadQuoteDocument(c, p.scope, cat, quote_id);
  if (!doc.ok()) return Api::Error(doc.status());
  HttpResponse r;
  std::string file = "quote-" + quote_id + "-v" + std::to_string(doc->version);
  if (format == "pdf") {
    auto pdf = RenderQuotePdf(*doc);
    if (!pdf.ok()) return Api::Error(pdf.status());
    r.content_type = "application/pdf";
    r.body = std::move(*pdf);
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + file + ".pdf\"");
  } else {
    r.content_type = "text/html; charset=utf-8";
    r.body = RenderQuoteHtml(*doc);
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + file + ".html\"");
    // Every value is escaped; the policy is a second fence (no scripts, no requests).
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  }
  r.headers.emplace_back("Cache-Control", "private, no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace rapport
