#include "io/quote_document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <unicode/currunit.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "base/text.h"

namespace rapport {

namespace {

// Valid UTF-8 (invalid bytes become U+FFFD), so pango and the HTML page get
// text they can show.
std::string ValidUtf8(const std::string& s) {
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return s;
  gchar* v = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  std::string out(v);
  g_free(v);
  return out;
}

// 2, 2.5, 0.125: at most four decimals, no trailing zeros.
std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  // Thousands separators for the integer part.
  size_t start = s[0] == '-' ? 1 : 0;
  size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  for (int i = static_cast<int>(int_end) - 3; i > static_cast<int>(start); i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string Percent(double v) { return FormatNumber(v) + "%"; }

std::string ProductCell(const QuoteDocumentLine& l) {
  std::string detail = l.sku.empty() ? "" : "SKU " + l.sku;
  if (!l.description.empty()) detail += (detail.empty() ? "" : " · ") + l.description;
  return detail;
}

}  // namespace

std::string FormatMoney(double amount, const std::string& currency) {
  UErrorCode st = U_ZERO_ERROR;
  icu::CurrencyUnit unit(icu::StringPiece(currency.c_str()), st);
  if (U_SUCCESS(st) && currency.size() == 3) {
    auto f = icu::number::NumberFormatter::withLocale(icu::Locale::getEnglish()).unit(unit);
    icu::UnicodeString text = f.formatDouble(amount, st).toString(st);
    if (U_SUCCESS(st)) {
      std::string out;
      text.toUTF8String(out);
      return out;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", amount);
  return std::string(buf) + " " + currency;
}

std::string FormatDocumentDate(const std::string& iso) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y = 0, m = 0, d = 0;
  if (iso.size() < 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
      d > 31)
    return iso;
  return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y);
}

// ------------------------------------------------------------------ HTML --

std::string RenderQuoteHtml(const QuoteDocument& q) {
  auto e = [](const std::string& s) { return HtmlEscape(ValidUtf8(s)); };
  auto money = [&](double v) { return e(FormatMoney(v, q.currency)); };
  std::string h;
  h.reserve(4096 + q.lines.size() * 512);
  h += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>Quote " + e(q.quote_id) + " v" + std::to_string(q.version) + " — " + e(q.name) + "</title>\n";
  h += R"(<style>
@page { size: A4; margin: 16mm 15mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK JP", system-ui, sans-serif; font-size: 10pt;
       color: #1d2430; margin: 0 auto; max-width: 210mm; padding: 12mm 15mm; background: #fff; }
header.doc { display: flex; justify-content: space-between; align-items: flex-start; gap: 12mm;
             border-top: 5pt solid #1f3b6b; padding-top: 6mm; }
.org { font-size: 18pt; font-weight: 700; margin: 0; }
.meta { text-align: right; }
.meta h2 { margin: 0 0 2mm; font-size: 13pt; letter-spacing: .08em; color: #1f3b6b; }
.meta dl, .parties dl { display: grid; grid-template-columns: auto auto; gap: 1mm 4mm; margin: 0; }
.meta dt, .parties dt { color: #5b6575; }
.meta dd, .parties dd { margin: 0; }
.parties { display: flex; gap: 12mm; margin: 8mm 0 4mm; }
.parties h3 { font-size: 8pt; text-transform: uppercase; letter-spacing: .08em; color: #5b6575; margin: 0 0 1mm; }
.title { font-size: 12pt; font-weight: 700; margin: 6mm 0 3mm; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines thead { display: table-header-group; }
table.lines th { background: #eef1f5; text-align: left; font-size: 8.5pt; padding: 2mm; }
table.lines td { padding: 2mm; border-bottom: .5pt solid #d5dae2; vertical-align: top; }
table.lines tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.detail { color: #5b6575; font-size: 8.5pt; }
table.totals { margin: 4mm 0 0 auto; border-collapse: collapse; min-width: 70mm; break-inside: avoid; }
table.totals th { text-align: left; font-weight: 400; color: #5b6575; padding: 1mm 4mm 1mm 0; }
table.totals td { padding: 1mm 0; }
table.totals tr.total th, table.totals tr.total td { font-weight: 700; font-size: 12pt; color: #1d2430;
  border-top: 1pt solid #1d2430; padding-top: 2mm; }
.terms { margin-top: 8mm; white-space: pre-wrap; }
.terms h3 { font-size: 10pt; margin: 0 0 2mm; }
footer.doc { margin-top: 10mm; color: #5b6575; font-size: 8pt; }
@media print { body { padding: 0; max-width: none; } }
</style></head><body>
)";
  h += "<header class=\"doc\"><div><p class=\"org\">" + e(q.org_name) + "</p></div>\n";
  h += "<div class=\"meta\"><h2>QUOTE</h2><dl>";
  h += "<dt>Quote no.</dt><dd data-field=\"quote_id\">" + e(q.quote_id) + "</dd>";
  h += "<dt>Version</dt><dd data-field=\"version\">" + std::to_string(q.version) + "</dd>";
  h += "<dt>Date</dt><dd>" + e(FormatDocumentDate(q.date)) + "</dd>";
  if (!q.valid_until.empty()) h += "<dt>Valid until</dt><dd>" + e(FormatDocumentDate(q.valid_until)) + "</dd>";
  h += "<dt>Status</dt><dd>" + e(q.status) + "</dd>";
  h += "</dl></div></header>\n";
  h += "<section class=\"parties\">";
  h += "<div><h3>Prepared for</h3><dl>";
  h += "<dt>Account</dt><dd data-field=\"account\">" + (q.account.empty() ? std::string("—") : e(q.account)) + "</dd>";
  if (!q.contact.empty()) h += "<dt>Contact</dt><dd data-field=\"contact\">" + e(q.contact) + "</dd>";
  if (!q.contact_email.empty()) h += "<dt>Email</dt><dd>" + e(q.contact_email) + "</dd>";
  h += "</dl></div>";
  if (!q.prepared_by.empty()) h += "<div><h3>Prepared by</h3><dl><dt>Owner</dt><dd>" + e(q.prepared_by) + "</dd></dl></div>";
  h += "</section>\n";
  h += "<p class=\"title\">" + e(q.name) + "</p>\n";
  h += "<table class=\"lines\"><thead><tr><th>#</th><th>Item</th><th class=\"num\">Qty</th>"
       "<th class=\"num\">List price</th><th class=\"num\">Discount</th><th class=\"num\">Tax</th>"
       "<th class=\"num\">Amount</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < q.lines.size(); ++i) {
    const auto& l = q.lines[i];
    std::string detail = ProductCell(l);
    h += "<tr><td>" + std::to_string(i + 1) + "</td><td>" + e(l.product);
    if (!detail.empty()) h += "<div class=\"detail\">" + e(detail) + "</div>";
    h += "</td><td class=\"num\">" + e(FormatNumber(l.quantity)) + "</td><td class=\"num\">" + money(l.list_price) +
         "</td><td class=\"num\">" + e(Percent(l.discount_pct)) + "</td><td class=\"num\">" + e(Percent(l.tax_pct)) +
         "</td><td class=\"num\">" + money(l.line_total) + "</td></tr>\n";
  }
  if (q.lines.empty()) h += "<tr><td colspan=\"7\">No lines yet.</td></tr>\n";
  h += "</tbody></table>\n";
  h += "<table class=\"totals\"><tr><th>Subtotal</th><td class=\"num\">" + money(q.subtotal) + "</td></tr>";
  h += "<tr><th>Discount</th><td class=\"num\">" + money(-q.discount_total) + "</td></tr>";
  h += "<tr><th>Tax</th><td class=\"num\">" + money(q.tax_total) + "</td></tr>";
  h += "<tr class=\"total\"><th>Total (" + e(q.currency) + ")</th><td class=\"num\" data-field=\"total\">" +
       money(q.total) + "</td></tr></table>\n";
  if (!q.terms.empty()) h += "<section class=\"terms\"><h3>Terms</h3>" + e(q.terms) + "</section>\n";
  h += "<footer class=\"doc\">" + e(q.org_name) + " · Quote " + e(q.quote_id) + " v" + std::to_string(q.version) +
       "</footer>\n</body></html>\n";
  return h;
}

// ------------------------------------------------------------------- PDF --

namespace {

constexpr double kPageW = 595.276, kPageH = 841.890;  // A4 in points
constexpr double kMargin = 42.5;                       // 15 mm
constexpr double kTop = 48, kBottom = kPageH - 56;     // content area; the footer sits below
constexpr double kContentW = kPageW - 2 * kMargin;
constexpr const char* kFamily = "DejaVu Sans";         // CJK and others fall back through fontconfig

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.11, 0.14, 0.19}, kMuted{0.36, 0.40, 0.46}, kAccent{0.12, 0.23, 0.42}, kRule{0.84, 0.85, 0.89},
    kBand{0.93, 0.945, 0.96};

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

// Table columns: #, item, quantity, list price, discount, tax, amount.
struct Column {
  const char* title;
  double width;
  bool right;
};
constexpr Column kCols[] = {{"#", 20, true},          {"Item", 156, false}, {"Qty", 36, true}, {"List price", 88, true},
                            {"Discount", 54, true}, {"Tax", 38, true},    {"Amount", 118.2, true}};
constexpr double kCellPad = 4;

// Lays the document out page by page. With draw = false it only measures
// (no glyphs reach the PDF, so no font is embedded): the first pass counts the
// pages for "Page n of N" at a fraction of the cost.
class PdfPainter {
 public:
  PdfPainter(cairo_t* cr, const QuoteDocument& q, int total_pages, bool draw)
      : cr_(cr), q_(q), total_pages_(total_pages), draw_(draw), pango_(pango_cairo_create_context(cr)) {}
  ~PdfPainter() { g_object_unref(pango_); }
  PdfPainter(const PdfPainter&) = delete;
  PdfPainter& operator=(const PdfPainter&) = delete;

  // Lays out and draws the whole document; returns the number of pages.
  int Run() {
    page_ = 1;
    y_ = kTop;
    FirstPageHeader();
    TableHeader();
    for (size_t i = 0; i < q_.lines.size(); ++i) Row(i);
    if (q_.lines.empty()) {
      LayoutPtr l = Text("No lines yet.", kContentW, 9, false, kMuted);
      Draw(l.get(), kMargin, y_ + 6, kMuted);
      y_ += 24;
    }
    Totals();
    Terms();
    Footer();
    if (draw_) cairo_show_page(cr_);
    return page_;
  }

 private:
  LayoutPtr Text(const std::string& s, double width, double size, bool bold, Rgb, bool right = false,
                 bool condensed = false) {
    LayoutPtr l(pango_layout_new(pango_));  // one context for the document: fonts resolved once
    PangoFontDescription* fd = pango_font_description_new();
    pango_font_description_set_family(fd, kFamily);
    if (condensed) pango_font_description_set_stretch(fd, PANGO_STRETCH_SEMI_CONDENSED);
    pango_font_description_set_size(fd, static_cast<gint>(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), fd);
    pango_font_description_free(fd);
    if (width > 0) {
      pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l.get(), right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    std::string v = ValidUtf8(s);
    pango_layout_set_text(l.get(), v.data(), static_cast<int>(v.size()));  // plain text, never markup
    return l;
  }
  static double Height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  static double Width(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }
  // One line of text, never wrapped (amounts, numbers): for DrawRight.
  LayoutPtr Line(const std::string& s, double size, bool bold, bool condensed = true) {
    return Text(s, 0, size, bold, kInk, false, condensed);
  }
  // Draws `l` with its right edge at `right`; amounts wider than their column
  // grow to the left rather than wrap.
  void DrawRight(PangoLayout* l, double right, double y, Rgb c) { Draw(l, right - Width(l), y, c); }
  void Draw(PangoLayout* l, double x, double y, Rgb c) {
    if (!draw_) return;
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }
  void Fill(double x, double y, double w, double h, Rgb c) {
    if (!draw_) return;
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }
  void HLine(double y, double width_pt, Rgb c, double x0 = kMargin, double x1 = kPageW - kMargin) {
    if (!draw_) return;
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_set_line_width(cr_, width_pt);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }

  void Footer() {
    HLine(kPageH - 44, 0.5, kRule);
    LayoutPtr left = Text(q_.org_name + " · Quote " + q_.quote_id + " v" + std::to_string(q_.version), kContentW * 0.7,
                          7.5, false, kMuted);
    Draw(left.get(), kMargin, kPageH - 38, kMuted);
    std::string pages = "Page " + std::to_string(page_) + (total_pages_ > 0 ? " of " + std::to_string(total_pages_) : "");
    LayoutPtr right = Text(pages, kContentW * 0.3, 7.5, false, kMuted, true);
    Draw(right.get(), kMargin + kContentW * 0.7, kPageH - 38, kMuted);
  }

  void NewPage() {
    Footer();
    if (draw_) cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
    LayoutPtr cont = Text(q_.org_name + " — Quote " + q_.quote_id + " v" + std::to_string(q_.version) + " (continued)",
                          kContentW, 8, false, kMuted);
    Draw(cont.get(), kMargin, y_, kMuted);
    y_ += Height(cont.get()) + 10;
  }

  void FirstPageHeader() {
    Fill(0, 0, kPageW, 10, kAccent);  // the band across the top of page 1
    double right_w = 280, left_w = kContentW - right_w - 20;
    LayoutPtr org = Text(q_.org_name, left_w, 18, true, kInk);
    Draw(org.get(), kMargin, y_, kInk);
    LayoutPtr title = Text("QUOTE", right_w, 14, true, kAccent, true);
    Draw(title.get(), kPageW - kMargin - right_w, y_, kAccent);
    double ry = y_ + Height(title.get()) + 6;
    std::vector<std::pair<std::string, std::string>> meta = {{"Quote no.", q_.quote_id},
                                                             {"Version", std::to_string(q_.version)},
                                                             {"Date", FormatDocumentDate(q_.date)}};
    if (!q_.valid_until.empty()) meta.emplace_back("Valid until", FormatDocumentDate(q_.valid_until));
    meta.emplace_back("Status", q_.status);
    for (const auto& [k, v] : meta) {  // labels on the left of the block, values flush right and never wrapped
      LayoutPtr kl = Text(k, 70, 8.5, false, kMuted);
      LayoutPtr vl = Line(v, 8.5, true, true);
      Draw(kl.get(), kPageW - kMargin - right_w, ry, kMuted);
      DrawRight(vl.get(), kPageW - kMargin, ry, kInk);
      ry += std::max(Height(kl.get()), Height(vl.get())) + 2;
    }
    double ly = y_ + Height(org.get()) + 14;
    LayoutPtr pf = Text("PREPARED FOR", left_w, 7.5, true, kMuted);
    Draw(pf.get(), kMargin, ly, kMuted);
    ly += Height(pf.get()) + 3;
    std::vector<std::string> party = {q_.account.empty() ? "—" : q_.account};
    if (!q_.contact.empty()) party.push_back(q_.contact);
    if (!q_.contact_email.empty()) party.push_back(q_.contact_email);
    bool first = true;
    for (const auto& p : party) {
      LayoutPtr l = Text(p, left_w, first ? 10.5 : 9, first, kInk);
      Draw(l.get(), kMargin, ly, kInk);
      ly += Height(l.get()) + 1;
      first = false;
    }
    if (!q_.prepared_by.empty()) {
      ly += 6;
      LayoutPtr pb = Text("Prepared by " + q_.prepared_by, left_w, 8.5, false, kMuted);
      Draw(pb.get(), kMargin, ly, kMuted);
      ly += Height(pb.get());
    }
    y_ = std::max(ly, ry) + 18;
    LayoutPtr name = Text(q_.name, kContentW, 12, true, kInk);
    Draw(name.get(), kMargin, y_, kInk);
    y_ += Height(name.get()) + 8;
  }

  void TableHeader() {
    double h = 18;
    Fill(kMargin, y_, kContentW, h, kBand);
    double x = kMargin;
    for (const auto& col : kCols) {
      LayoutPtr l = Line(col.title, 8, true);
      double y = y_ + (h - Height(l.get())) / 2;
      if (col.right) DrawRight(l.get(), x + col.width - kCellPad, y, kInk);
      else Draw(l.get(), x + kCellPad, y, kInk);
      x += col.width;
    }
    y_ += h;
  }

  void Row(size_t i) {
    const QuoteDocumentLine& l = q_.lines[i];
    const std::string money_list = FormatMoney(l.list_price, q_.currency);
    const std::string money_total = FormatMoney(l.line_total, q_.currency);
    std::vector<LayoutPtr> cells;
    cells.push_back(Line(std::to_string(i + 1), 8.5, false));
    cells.push_back(Text(l.product, kCols[1].width - 2 * kCellPad, 9, true, kInk));
    cells.push_back(Line(FormatNumber(l.quantity), 8.5, false));
    cells.push_back(Line(money_list, 8.5, false));
    cells.push_back(Line(Percent(l.discount_pct), 8.5, false));
    cells.push_back(Line(Percent(l.tax_pct), 8.5, false));
    cells.push_back(Line(money_total, 8.5, true));
    std::string detail_text = ProductCell(l);
    LayoutPtr detail = detail_text.empty() ? nullptr : Text(detail_text, kCols[1].width - 2 * kCellPad, 7.5, false, kMuted);
    double h = 0;
    for (auto& c : cells) h = std::max(h, Height(c.get()));
    double item_h = Height(cells[1].get()) + (detail ? Height(detail.get()) + 1 : 0);
    h = std::max(h, item_h) + 2 * kCellPad + 2;
    if (y_ + h > kBottom) {
      NewPage();
      TableHeader();
    }
    double x = kMargin;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (kCols[c].right) DrawRight(cells[c].get(), x + kCols[c].width - kCellPad, y_ + kCellPad + 1, c == 0 ? kMuted : kInk);
      else Draw(cells[c].get(), x + kCellPad, y_ + kCellPad + 1, kInk);
      if (c == 1 && detail) Draw(detail.get(), x + kCellPad, y_ + kCellPad + 1 + Height(cells[1].get()) + 1, kMuted);
      x += kCols[c].width;
    }
    y_ += h;
    HLine(y_, 0.5, kRule);
  }

  void Totals() {
    std::vector<std::tuple<std::string, std::string, bool>> rows = {
        {"Subtotal", FormatMoney(q_.subtotal, q_.currency), false},
        {"Discount", FormatMoney(-q_.discount_total, q_.currency), false},
        {"Tax", FormatMoney(q_.tax_total, q_.currency), false},
        {"Total (" + q_.currency + ")", FormatMoney(q_.total, q_.currency), true}};
    double label_w = 110, value_w = 160, x0 = kPageW - kMargin - label_w - value_w;
    double needed = 14 + 4 * 18 + 8;
    if (y_ + needed > kBottom) NewPage();
    y_ += 12;
    for (const auto& [label, value, strong] : rows) {
      double size = strong ? 12 : 9;
      if (strong) {
        y_ += 4;
        HLine(y_, 1, kInk, x0, kPageW - kMargin);
        y_ += 4;
      }
      LayoutPtr ll = Text(label, label_w, size, strong, strong ? kInk : kMuted);
      LayoutPtr vl = Line(value, size, strong, false);
      Draw(ll.get(), x0, y_, strong ? kInk : kMuted);
      DrawRight(vl.get(), kPageW - kMargin, y_, kInk);
      y_ += std::max(Height(ll.get()), Height(vl.get())) + 3;
    }
  }

  // Terms: a heading and the text, broken across pages line by line.
  void Terms() {
    if (q_.terms.empty()) return;
    LayoutPtr head = Text("Terms", kContentW, 10, true, kInk);
    LayoutPtr body = Text(q_.terms, kContentW, 9, false, kInk);
    y_ += 22;
    if (y_ + Height(head.get()) + 30 > kBottom) NewPage();
    Draw(head.get(), kMargin, y_, kInk);
    y_ += Height(head.get()) + 4;
    PangoLayoutIter* it = pango_layout_get_iter(body.get());
    double consumed = 0;  // layout y (points) already placed on earlier pages
    double origin = y_;   // page y where layout y = consumed sits
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double top = static_cast<double>(logical.y) / PANGO_SCALE, h = static_cast<double>(logical.height) / PANGO_SCALE;
      if (origin + (top - consumed) + h > kBottom) {
        NewPage();
        consumed = top;
        origin = y_;
      }
      double baseline = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      if (draw_) {
        cairo_set_source_rgb(cr_, kInk.r, kInk.g, kInk.b);
        cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE, origin + (baseline - consumed));
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ = origin + (top - consumed) + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  cairo_t* cr_;
  const QuoteDocument& q_;
  int total_pages_;
  bool draw_;
  PangoContext* pango_;
  int page_ = 1;
  double y_ = kTop;
};

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_status_t Discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

// Draws the document onto a PDF stream; returns the page count or an error.
Result<int> Paint(const QuoteDocument& q, int total_pages, bool draw, cairo_write_func_t write, void* closure) {
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write, closure, kPageW, kPageH);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 ValidUtf8("Quote " + q.quote_id + " v" + std::to_string(q.version)).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Rapport");
  cairo_t* cr = cairo_create(surface);
  int pages = PdfPainter(cr, q, total_pages, draw).Run();
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) return Status::Internal(std::string("PDF rendering failed: ") + cairo_status_to_string(st));
  return pages;
}

}  // namespace

Result<std::string> RenderQuotePdf(const QuoteDocument& q) {
  // Pass 1 counts the pages (for "Page n of N"); pass 2 writes the document.
  RP_ASSIGN_OR_RETURN(int pages, Paint(q, 0, false, Discard, nullptr));
  std::string out;
  RP_ASSIGN_OR_RETURN(int again, Paint(q, pages, true, AppendToString, &out));
  (void)again;
  return out;
}

}  // namespace rapport
