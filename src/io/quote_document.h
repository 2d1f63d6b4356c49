// The printable quote: one quote as a print-styled HTML page and as an A4 PDF
// (docs/decisions/017-printable-quotes.md).
//
// QuoteDocument is plain data, already priced by the caller (app/quote_document
// loads it within what the user may see and computes the amounts with
// domain/quotes). The renderers only format it: money with ICU's currency
// formatting, every text value HTML-escaped (HTML) or laid out as plain text,
// never markup (PDF, cairo + pango; fonts from fontconfig, so any script with
// an installed font renders: Latin, Polish, CJK, ...). The PDF is A4 with
// margins, the table header repeated on every page, page breaks between lines
// and inside long terms, and "Page n of N" in each footer.
//
// Thread-safety: the functions are reentrant; pango's font map is per thread.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

struct QuoteDocumentLine {
  std::string product;      // product name
  std::string sku;          // may be empty
  std::string description;  // the line's own description, may be empty
  double quantity = 0;
  double list_price = 0;    // per unit, in the quote's currency
  double discount_pct = 0;
  double tax_pct = 0;
  double line_total = 0;    // after discount, with tax
};

struct QuoteDocument {
  std::string org_name;
  std::string quote_id;     // the quote number printed on the document
  std::string name;         // the quote's title
  int version = 1;
  std::string status;       // draft, sent, accepted, ...
  std::string date;         // YYYY-MM-DD the quote (version) was created
  std::string valid_until;  // YYYY-MM-DD or ""
  std::string account;      // "" when none or not visible to the user
  std::string contact;
  std::string contact_email;
  std::string prepared_by;  // the quote owner's name, or ""
  std::string currency = "EUR";  // ISO 4217
  std::vector<QuoteDocumentLine> lines;
  double subtotal = 0, discount_total = 0, tax_total = 0, total = 0;
  std::string terms;
};

// "€1,234.50", "CHF 1,234.50", "¥1,235": ICU's currency format (English).
std::string FormatMoney(double amount, const std::string& currency);

// "30 Nov 2026" from "2026-11-30" (or the text unchanged if it is not a date).
std::string FormatDocumentDate(const std::string& iso_date);

// A standalone HTML5 page (UTF-8, inline print CSS, no scripts).
std::string RenderQuoteHtml(const QuoteDocument& q);

// The quote as a PDF (A4). Internal error if cairo fails.
Result<std::string> RenderQuotePdf(const QuoteDocument& q);

}  // namespace rapport
