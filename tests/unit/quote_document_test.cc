// The printable quote's formatting (io/quote_document): money, dates, HTML
// escaping; the PDF itself is checked page by page in
// tests/api/quote_document_api_test.cc with poppler-utils.
#include "io/quote_document.h"

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(QuoteDocument, FormatsMoneyPerCurrency) {
  EXPECT_EQ(FormatMoney(1234.5, "EUR"), "€1,234.50");
  EXPECT_EQ(FormatMoney(1234.5, "USD"), "$1,234.50");
  EXPECT_EQ(FormatMoney(-125.05, "CHF"), "-CHF\u00a0125.05");  // no-break space: never split from the amount
  EXPECT_EQ(FormatMoney(1234.5, "JPY"), "¥1,234");  // no minor unit; ICU rounds half-even
  EXPECT_EQ(FormatMoney(0, "GBP"), "£0.00");
  EXPECT_EQ(FormatMoney(12, "??"), "12.00 ??");  // not a currency code: plain number
}

TEST(QuoteDocument, FormatsDates) {
  EXPECT_EQ(FormatDocumentDate("2026-11-30"), "30 Nov 2026");
  EXPECT_EQ(FormatDocumentDate("2026-01-05T10:00:00Z"), "5 Jan 2026");
  EXPECT_EQ(FormatDocumentDate("soon"), "soon");
  EXPECT_EQ(FormatDocumentDate(""), "");
}

TEST(QuoteDocument, HtmlEscapesEveryValue) {
  QuoteDocument q;
  q.org_name = "A&B <Org>";
  q.quote_id = "Q\"1";
  q.name = "<img src=x onerror=alert(1)>";
  q.account = "O'Brien & Söhne";
  q.contact = "<b>bold</b>";
  q.terms = "</section><script>x()</script>";
  q.currency = "EUR";
  QuoteDocumentLine l;
  l.product = "<i>Seat</i>";
  l.sku = "S&1";
  l.description = "\"quoted\"";
  l.quantity = 1234.5;
  l.list_price = 10;
  l.line_total = 12345;
  q.lines.push_back(l);
  std::string h = RenderQuoteHtml(q);
  for (const char* raw : {"<Org>", "<img", "<script", "<b>bold", "<i>Seat", "O'Brien", "S&1", "\"quoted\""})
    EXPECT_EQ(h.find(raw), std::string::npos) << raw;
  EXPECT_NE(h.find("A&amp;B &lt;Org&gt;"), std::string::npos);
  EXPECT_NE(h.find("O&#39;Brien &amp; Söhne"), std::string::npos);
  EXPECT_NE(h.find("&lt;/section&gt;&lt;script&gt;x()&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(h.find("1,234.5"), std::string::npos);
  EXPECT_NE(h.find("€12,345.00"), std::string::npos);
  EXPECT_NE(h.find("@page { size: A4"), std::string::npos);
}

TEST(QuoteDocument, PdfRendersAndSurvivesInvalidUtf8) {
  QuoteDocument q;
  q.org_name = "Org \xff\xfe broken";
  q.quote_id = "01TEST";
  q.name = "Zürich Łódź 東京";
  q.terms = std::string(5000, 'x');  // one long word: wrapped by character
  for (int i = 0; i < 80; ++i) {
    QuoteDocumentLine l;
    l.product = "Item " + std::to_string(i);
    l.quantity = i + 1;
    q.lines.push_back(l);
  }
  auto pdf = RenderQuotePdf(q);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf->find("%%EOF"), std::string::npos);
}

}  // namespace
}  // namespace rapport
