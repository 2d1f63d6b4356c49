// The printable quote (issue 5): GET /api/v1/quotes/{id}/document.html and
// document.pdf. The PDF is checked with Debian's poppler-utils as a reader
// would see it: pdfinfo (A4, page count), pdftotext (number, account, total),
// pdffonts (a CJK font embedded for "東京") and pdftoppm (page 1 as pixels:
// ink in the header band and in the lines area, white margins).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Runs a shell command and returns its standard output (empty on failure).
std::string RunCommand(const std::string& cmd, int* exit_code = nullptr) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = pclose(f);
  if (exit_code) *exit_code = rc;
  return out;
}

// A binary PGM (P5) as pdftoppm -gray writes it.
struct Gray {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  unsigned char at(int x, int y) const { return px[static_cast<size_t>(y) * w + x]; }
  // Pixels darker than `threshold` in row y between columns x0 and x1.
  int InkInRow(int y, int x0 = 0, int x1 = -1, int threshold = 200) const {
    if (x1 < 0) x1 = w;
    int n = 0;
    for (int x = x0; x < x1; ++x) n += at(x, y) < threshold;
    return n;
  }
};

Gray ReadPgm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  Gray g;
  in >> magic >> g.w >> g.h >> maxval;
  in.get();
  if (magic != "P5" || maxval != 255 || g.w <= 0 || g.h <= 0) return {};
  g.px.resize(static_cast<size_t>(g.w) * g.h);
  in.read(reinterpret_cast<char*>(g.px.data()), static_cast<std::streamsize>(g.px.size()));
  if (!in) return {};
  return g;
}

class QuoteDocumentApi : public ServerSuite<QuoteDocumentApi> {
 protected:
  static std::string Token(const std::string& email) {
    std::string t = server_->Cli("token create --email " + email);
    return t.substr(0, t.find('\n'));
  }
  static std::string TempDir() {
    std::random_device rd;
    fs::path d = fs::temp_directory_path() / ("rapport-quote-doc-" + std::to_string(rd()));
    fs::create_directories(d);
    return d.string();
  }
  // A team with one rep; returns the rep's token.
  static std::string Rep(const std::string& team, const std::string& email) {
    Api admin(server_->port(), server_->admin_token());
    auto t = admin.Post("/api/v1/teams", {{"name", team}});
    EXPECT_EQ(t.status, 201) << t.body;
    auto u = admin.Post("/api/v1/users", {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", "rep"},
                                          {"team_id", t.json()["id"]}});
    EXPECT_EQ(u.status, 201) << u.body;
    return Token(email);
  }

  // A quote owned by `api`'s user with `n` lines on a deal at an account
  // named with non-Latin text; returns the quote.
  json MakeQuote(Api& api, int n, const std::string& terms) {
    Api admin(server_->port(), server_->admin_token());
    auto book = admin.Post("/api/v1/price_books", {{"name", "CHF list"}, {"currency", "CHF"}});
    EXPECT_EQ(book.status, 201) << book.body;
    std::string book_id = book.json()["id"];
    std::vector<std::string> products;
    for (int i = 0; i < 3; ++i) {
      auto p = admin.Post("/api/v1/products", {{"name", "Seat tier " + std::to_string(i + 1) + " — Łódź edition"},
                                               {"sku", "SEAT-" + std::to_string(i + 1) + "-" + book_id.substr(20)}});
      EXPECT_EQ(p.status, 201) << p.body;
      products.push_back(p.json()["id"]);
      EXPECT_EQ(admin.Post("/api/v1/price_book_entries",
                           {{"price_book_id", book_id}, {"product_id", products.back()}, {"unit_price", 1250.5 * (i + 1)}})
                    .status,
                201);
    }
    auto acc = api.Post("/api/v1/accounts", {{"name", "Zürich Łódź 東京 Trading <AG>"}});
    EXPECT_EQ(acc.status, 201) << acc.body;
    auto contact = api.Post("/api/v1/contacts", {{"first_name", "Zoë"}, {"last_name", "Kowalczyk"},
                                                 {"email", "zoe@example.com"}, {"account_id", acc.json()["id"]}});
    EXPECT_EQ(contact.status, 201) << contact.body;
    auto opp = api.Post("/api/v1/opportunities", {{"name", "Printable deal"}, {"account_id", acc.json()["id"]},
                                                  {"currency", "CHF"}});
    EXPECT_EQ(opp.status, 201) << opp.body;
    auto q = api.Post("/api/v1/quotes", {{"name", "Seats for 東京 office"}, {"opportunity_id", opp.json()["id"]},
                                         {"contact_id", contact.json()["id"]}, {"price_book_id", book_id},
                                         {"currency", "CHF"}, {"valid_until", "2026-12-31"}, {"terms", terms}});
    EXPECT_EQ(q.status, 201) << q.body;
    std::string qid = q.json()["id"];
    for (int i = 0; i < n; ++i) {
      auto l = api.Post("/api/v1/quote_lines", {{"quote_id", qid}, {"product_id", products[i % 3]}, {"quantity", i + 1},
                                                {"discount_pct", i % 4 == 0 ? 10 : 0}, {"tax_pct", 7.7},
                                                {"position", i}, {"description", "Line " + std::to_string(i + 1)}});
      EXPECT_EQ(l.status, 201) << l.body;
    }
    return api.Get("/api/v1/quotes/" + qid).json();
  }
};

TEST_F(QuoteDocumentApi, HtmlDocumentEscapesEveryValueAndShowsTheQuoteArithmetic) {
  Api api(server_->port(), server_->admin_token());
  json q = MakeQuote(api, 3, "Payment within 30 days.\n<script>alert(1)</script> & \"quotes\"");
  std::string qid = q["id"];
  auto r = api.Get("/api/v1/quotes/" + qid + "/document.html");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.Header("content-security-policy").find("default-src 'none'"), std::string::npos);
  const std::string& h = r.body;
  EXPECT_NE(h.find("Test Org"), std::string::npos);
  EXPECT_NE(h.find(qid), std::string::npos);
  EXPECT_NE(h.find("<dd data-field=\"version\">1</dd>"), std::string::npos);
  EXPECT_NE(h.find("Zürich Łódź 東京 Trading &lt;AG&gt;"), std::string::npos);
  EXPECT_EQ(h.find("<AG>"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_NE(h.find("Zoë Kowalczyk"), std::string::npos);
  EXPECT_NE(h.find("31 Dec 2026"), std::string::npos);
  // Lines: 1 x 1250.50 -10%, 2 x 2501, 3 x 3751.50; tax 7.7 % on each.
  // Subtotal 1250.5 + 5002 + 11254.5 = 17507; discount 125.05; tax 7.7 % of
  // 17381.95 = 1338.41; total 18720.36 (the quote's own total agrees).
  EXPECT_EQ(q["total"], 18720.36);
  EXPECT_NE(h.find("CHF\u00a017,507.00"), std::string::npos) << h;
  EXPECT_NE(h.find("-CHF\u00a0125.05"), std::string::npos);
  EXPECT_NE(h.find("CHF\u00a01,338.41"), std::string::npos);
  EXPECT_NE(h.find("<td class=\"num\" data-field=\"total\">CHF\u00a018,720.36</td>"), std::string::npos);
  EXPECT_NE(h.find("SEAT-1-"), std::string::npos);
  EXPECT_NE(h.find("7.7%"), std::string::npos);
}

TEST_F(QuoteDocumentApi, PdfIsA4WithPageBreaksNonLatinTextAndRealInk) {
  Api api(server_->port(), server_->admin_token());
  std::string long_terms;
  for (int i = 0; i < 12; ++i) long_terms += "Clause " + std::to_string(i + 1) + ": delivery to Zürich, Łódź or 東京 within 30 days of the order. ";
  json q = MakeQuote(api, 60, long_terms);
  std::string qid = q["id"];
  auto r = api.Get("/api/v1/quotes/" + qid + "/document.pdf");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/pdf");
  EXPECT_NE(r.Header("content-disposition").find("quote-" + qid + "-v1.pdf"), std::string::npos);
  ASSERT_EQ(r.body.rfind("%PDF-", 0), 0u);

  const std::string dir = TempDir();
  const std::string pdf = dir + "/quote.pdf";
  {
    std::ofstream out(pdf, std::ios::binary);
    out << r.body;
  }
  int rc = 0;
  std::string info = RunCommand("pdfinfo " + pdf, &rc);
  ASSERT_EQ(rc, 0) << "pdfinfo (poppler-utils) failed: " << info;
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  int pages = 0;
  std::istringstream lines(info);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Pages:", 0) == 0) pages = std::stoi(line.substr(6));
  }
  EXPECT_GE(pages, 2) << "60 lines must break onto a second page\n" << info;
  EXPECT_NE(info.find("Quote " + qid + " v1"), std::string::npos) << info;

  std::string text = RunCommand("pdftotext -layout " + pdf + " -");
  EXPECT_NE(text.find(qid), std::string::npos) << text.substr(0, 2000);
  // The account's name (wrapped in its column): the non-Latin words as text.
  EXPECT_NE(text.find("Zürich Łódź 東京 Trading"), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find("<AG>"), std::string::npos);
  EXPECT_NE(text.find("Test Org"), std::string::npos);
  // The total of 60 lines, as the quote computed it, printed in CHF.
  char total[64];
  std::snprintf(total, sizeof total, "%.2f", q["total"].get<double>());
  std::string want = total;  // e.g. 4163112.10 -> "CHF 4,163,112.10"
  std::string grouped = want.substr(want.find('.'));
  std::string ip = want.substr(0, want.find('.'));
  for (int i = static_cast<int>(ip.size()) - 3; i > 0; i -= 3) ip.insert(static_cast<size_t>(i), ",");
  EXPECT_NE(text.find("CHF " + ip + grouped), std::string::npos) << "total " << want << " in\n" << text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
  EXPECT_NE(text.find("Page 1 of " + std::to_string(pages)), std::string::npos);
  EXPECT_NE(text.find("(continued)"), std::string::npos);  // the table goes on on page 2
  // Wrapped text may break anywhere the layout chose ("SKU <random> · Line" /
  // "60" on the next line), so these compare with white space folded.
  std::string folded;
  for (char ch : text) {
    const bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\f' || ch == '\r';
    if (!space) folded += ch;
    else if (!folded.empty() && folded.back() != ' ') folded += ' ';
  }
  EXPECT_NE(folded.find("Line 60"), std::string::npos) << text;
  EXPECT_NE(folded.find("Clause 12"), std::string::npos);
  // Page 2 repeats the table header.
  std::string page2 = RunCommand("pdftotext -f 2 -l 2 -layout " + pdf + " -");
  EXPECT_NE(page2.find("List price"), std::string::npos) << page2;

  // 東京 is drawn with a CJK font, embedded (not a missing-glyph box).
  std::string fonts = RunCommand("pdffonts " + pdf);
  EXPECT_NE(fonts.find("CJK"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("DejaVuSans"), std::string::npos) << fonts;

  // Page 1 as pixels (pdftoppm, 50 dpi gray): ink where the header and the
  // lines are, none in the side margins.
  ASSERT_EQ(std::system(("pdftoppm -r 50 -gray -f 1 -l 1 " + pdf + " " + dir + "/page").c_str()), 0);
  std::string pgm;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".pgm") pgm = e.path().string();
  }
  ASSERT_FALSE(pgm.empty());
  if (std::system(("pdftoppm -r 60 -png -f 1 -l 1 " + pdf + " " + dir + "/page && cp " + dir +
                   "/page-*1.png /tmp/rapport-quote-page1.png 2>/dev/null").c_str()) != 0) {
    ADD_FAILURE() << "pdftoppm -png failed";  // the PNG is for people to look at
  }
  Gray g = ReadPgm(pgm);
  ASSERT_EQ(g.w, 414);  // 595.3 pt = 8.27 in x 50 dpi, rounded up
  ASSERT_EQ(g.h, 585);  // 841.9 pt = 11.69 in x 50 dpi
  // The accent band across the top (0..10 pt = 0..7 px): dark from edge to edge.
  EXPECT_GT(g.InkInRow(2), g.w * 9 / 10);
  // Header band (10..130 pt): the organisation's name and the quote's meta.
  int header_rows = 0;
  for (int y = 10; y < 90; ++y) header_rows += g.InkInRow(y, 0, g.w, 160) > 0;
  EXPECT_GT(header_rows, 15);
  // Lines area (middle of the page): most rows carry text or rules.
  int line_rows = 0;
  for (int y = 200; y < 520; ++y) line_rows += g.InkInRow(y, 0, g.w, 200) > 2;
  EXPECT_GT(line_rows, 120);
  // Side margins (the outer 20 pt) stay white below the band.
  int margin_ink = 0;
  for (int y = 12; y < g.h; ++y) margin_ink += g.InkInRow(y, 0, 12, 230) + g.InkInRow(y, g.w - 12, g.w, 230);
  EXPECT_EQ(margin_ink, 0);
  fs::remove_all(dir);
}

TEST_F(QuoteDocumentApi, OnlyUsersWhoMaySeeTheQuoteGetTheDocument) {
  Api owner(server_->port(), Rep("Alpine", "alpine@example.com"));
  Api other(server_->port(), Rep("Baltic", "baltic@example.com"));
  json q = MakeQuote(owner, 1, "");
  std::string qid = q["id"];
  EXPECT_EQ(owner.Get("/api/v1/quotes/" + qid + "/document.pdf").status, 200);
  EXPECT_EQ(owner.Get("/api/v1/quotes/" + qid + "/document.html").status, 200);
  auto html = other.Get("/api/v1/quotes/" + qid + "/document.html");
  EXPECT_EQ(html.status, 404);
  EXPECT_EQ(html.json()["error"]["code"], "not_found");
  EXPECT_EQ(other.Get("/api/v1/quotes/" + qid + "/document.pdf").status, 404);
  EXPECT_EQ(owner.Get("/api/v1/quotes/NOPE/document.pdf").status, 404);
  Client anon(server_->port());
  EXPECT_EQ(anon.Request("GET", "/api/v1/quotes/" + qid + "/document.pdf").status, 401);
  // A deleted quote has no document.
  ASSERT_EQ(owner.Delete("/api/v1/quotes/" + qid).status, 200);
  EXPECT_EQ(owner.Get("/api/v1/quotes/" + qid + "/document.pdf").status, 404);
}

}  // namespace
}  // namespace rapport::test
