#include "app/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"

namespace rapport {

namespace {

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
  }
  return out;
}

// Length of the UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8Len(const std::string& s, size_t i) {
  unsigned char c = s[i];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string RfcDate(int64_t ms) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::once_flag g_curl_init;

size_t ReadCallback(char* buf, size_t size, size_t nitems, void* userp) {
  auto* src = static_cast<std::pair<const std::string*, size_t>*>(userp);
  size_t room = size * nitems;
  size_t left = src->first->size() - src->second;
  size_t n = std::min(room, left);
  std::memcpy(buf, src->first->data() + src->second, n);
  src->second += n;
  return n;
}

}  // namespace

std::optional<SmtpConfig> SmtpConfigFromEnv() {
  auto env = [](const char* k) {
    const char* v = std::getenv(k);
    return std::string(v ? v : "");
  };
  SmtpConfig c;
  c.url = env("RAPPORT_SMTP_URL");
  if (c.url.empty()) return std::nullopt;
  c.user = env("RAPPORT_SMTP_USER");
  c.password = env("RAPPORT_SMTP_PASSWORD");
  c.from = env("RAPPORT_SMTP_FROM");
  return c;
}

Status ValidateSmtpConfig(const SmtpConfig& c) {
  if (c.url.rfind("smtp://", 0) != 0 && c.url.rfind("smtps://", 0) != 0)
    return Status::InvalidArgument("RAPPORT_SMTP_URL must start with smtp:// or smtps://", "smtp_url");
  if (c.from.empty()) return Status::InvalidArgument("RAPPORT_SMTP_FROM is required to send mail", "smtp_from");
  std::string display, addr;
  return ParseMailbox(c.from, "smtp_from", &display, &addr);
}

Status CheckAddress(const std::string& addr, const std::string& field) {
  if (addr.empty() || addr.size() > 254) return Status::InvalidArgument(field + ": not an e-mail address", field);
  size_t at = addr.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == addr.size())
    return Status::InvalidArgument(field + ": not an e-mail address (local@domain)", field);
  for (char ch : addr) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u >= 0x7F || ch == '<' || ch == '>' || ch == ',' || ch == '"' || ch == '(' || ch == ')' ||
        ch == ';' || ch == '\\' || ch == '[' || ch == ']')
      return Status::InvalidArgument(field + ": invalid character in e-mail address", field);
  }
  if (addr.find('@') != at) return Status::InvalidArgument(field + ": more than one @", field);
  return Status::Ok();
}

Status ParseMailbox(const std::string& s, const std::string& field, std::string* display, std::string* addr) {
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F) return Status::InvalidArgument(field + ": control characters are not allowed", field);
  }
  size_t lt = s.find('<');
  if (lt == std::string::npos) {
    display->clear();
    *addr = s;
  } else {
    if (s.empty() || s.back() != '>' || s.find('<', lt + 1) != std::string::npos)
      return Status::InvalidArgument(field + ": use 'Name <local@domain>' or 'local@domain'", field);
    *addr = s.substr(lt + 1, s.size() - lt - 2);
    std::string d = s.substr(0, lt);
    while (!d.empty() && d.back() == ' ') d.pop_back();
    while (!d.empty() && d.front() == ' ') d.erase(0, 1);
    if (d.size() >= 2 && d.front() == '"' && d.back() == '"') d = d.substr(1, d.size() - 2);
    if (!ValidUtf8(d)) return Status::InvalidArgument(field + ": the name is not valid UTF-8", field);
    *display = d;
  }
  return CheckAddress(*addr, field);
}

std::string EncodeHeaderText(const std::string& text) {
  bool plain = text.size() <= 76;
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u >= 0x7F) plain = false;
  }
  if (plain && text.find("=?") == std::string::npos) return text;
  // Encoded-words of at most 75 characters: "=?UTF-8?B?" + base64 + "?=" (12
  // characters of frame), so at most 45 bytes of text each, never splitting a
  // UTF-8 sequence.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size()) {
      size_t n = Utf8Len(text, j);
      if (n == 0) n = 1;
      if (j + n - i > 45) break;
      j += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(std::string_view(text).substr(i, j - i)) + "?=";
    i = j;
  }
  return out;
}

Result<std::string> BuildMessage(const MailMessage& m) {
  std::string from_display, from_addr;
  RP_RETURN_IF_ERROR(ParseMailbox(m.from, "from", &from_display, &from_addr));
  RP_RETURN_IF_ERROR(CheckAddress(m.to, "to"));
  for (char ch : m.subject) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F)
      return Status::InvalidArgument("subject: line breaks and control characters are not allowed", "subject");
  }
  if (!ValidUtf8(m.subject)) return Status::InvalidArgument("subject: not valid UTF-8", "subject");
  if (!ValidUtf8(m.body)) return Status::InvalidArgument("body_text: not valid UTF-8", "body_text");
  for (char ch : m.message_id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
      return Status::InvalidArgument("message_id: letters, digits, '.', '-' and '_' only", "message_id");
  }
  std::string domain = from_addr.substr(from_addr.rfind('@') + 1);

  // The body with CRLF line ends; base64 unless it is 7-bit with short lines.
  std::string body;
  body.reserve(m.body.size() + m.body.size() / 40);
  bool seven_bit = true;
  size_t line = 0;
  for (size_t i = 0; i < m.body.size(); ++i) {
    char ch = m.body[i];
    if (ch == '\r') {
      if (i + 1 < m.body.size() && m.body[i + 1] == '\n') ++i;
      body += "\r\n";
      line = 0;
      continue;
    }
    if (ch == '\n') {
      body += "\r\n";
      line = 0;
      continue;
    }
    unsigned char u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || u == 0 || ++line > 998) seven_bit = false;
    body += ch;
  }
  std::string encoding = "7bit";
  if (!seven_bit) {
    encoding = "base64";
    std::string b = Base64(body);
    body.clear();
    for (size_t i = 0; i < b.size(); i += 76) body += b.substr(i, 76) + "\r\n";
  } else if (body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0) {
    body += "\r\n";
  }

  std::string from = from_addr;
  if (!from_display.empty()) {
    bool plain = true;
    for (char ch : from_display) {
      unsigned char u = static_cast<unsigned char>(ch);
      if (u >= 0x7F || ch == '"' || ch == '\\') plain = false;
    }
    from = (plain ? "\"" + from_display + "\"" : EncodeHeaderText(from_display)) + " <" + from_addr + ">";
  }
  std::string out;
  out += "Date: " + RfcDate(m.date_ms) + "\r\n";
  out += "Message-ID: <" + (m.message_id.empty() ? std::string("rapport") : m.message_id) + "@" + domain + ">\r\n";
  out += "From: " + from + "\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: " + EncodeHeaderText(m.subject) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: " + encoding + "\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += body;
  return out;
}

Status CurlSmtpSend(const SmtpConfig& cfg, const std::string& from_addr, const std::string& to_addr,
                    const std::string& data, long* smtp_code) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  *smtp_code = 0;
  CURL* curl = curl_easy_init();
  if (!curl) return Status::Internal("smtp: curl_easy_init failed");
  char err[CURL_ERROR_SIZE] = {0};
  std::pair<const std::string*, size_t> src{&data, 0};
  std::string mail_from = "<" + from_addr + ">";
  std::string rcpt = "<" + to_addr + ">";
  curl_slist* rcpts = curl_slist_append(nullptr, rcpt.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, cfg.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
  curl_easy_setopt(curl, CURLOPT_READDATA, &src);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  if (!cfg.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, cfg.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg.password.c_str());
  }
  // smtp://: STARTTLS when the server offers it, required when credentials
  // would otherwise cross the network in clear. smtps:// is TLS throughout.
  curl_easy_setopt(curl, CURLOPT_USE_SSL, cfg.user.empty() ? long(CURLUSESSL_TRY) : long(CURLUSESSL_ALL));
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  *smtp_code = code;
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    std::string msg = std::string("smtp: ") + (err[0] ? err : curl_easy_strerror(rc));
    if (code) msg += " (server said " + std::to_string(code) + ")";
    return Status::Unavailable(msg);
  }
  return Status::Ok();
}

Result<DeliveryResult> DeliverQueued(Conn* c, const std::string& org_id, const SmtpConfig& cfg, int64_t now_ms,
                                     const SmtpSender& sender, int limit) {
  RP_RETURN_IF_ERROR(ValidateSmtpConfig(cfg));
  std::string from_display, from_addr;
  RP_RETURN_IF_ERROR(ParseMailbox(cfg.from, "smtp_from", &from_display, &from_addr));
  const std::string now = FormatIsoMillis(now_ms);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, to_address, subject, body_text, attempts, next_attempt_at FROM "
                                          "email_outbox WHERE org_id = ? AND status = 'queued' AND (next_attempt_at "
                                          "IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT " +
                                              std::to_string(std::clamp(limit, 1, 1000)),
                                          {Value{org_id}, Value{now}}));
  DeliveryResult out;
  for (const auto& r : rows.rows) {
    const std::string id = ValueToString(r[0]);
    const std::string prev = IsNull(r[5]) ? std::string() : ValueToString(r[5]);
    int64_t attempts = std::get_if<int64_t>(&r[4]) ? std::get<int64_t>(r[4]) : 0;
    // Claim: only the process that moves next_attempt_at from what it read sends.
    RP_ASSIGN_OR_RETURN(int64_t claimed,
                        c->Exec("UPDATE email_outbox SET next_attempt_at = ? WHERE org_id = ? AND id = ? AND status = "
                                "'queued' AND COALESCE(next_attempt_at, '') = ?",
                                {Value{FormatIsoMillis(now_ms + 5 * 60 * 1000)}, Value{org_id}, Value{id},
                                 Value{prev}}));
    if (claimed != 1) continue;
    MailMessage m;
    m.from = cfg.from;
    m.to = ValueToString(r[1]);
    m.subject = ValueToString(r[2]);
    m.body = IsNull(r[3]) ? std::string() : ValueToString(r[3]);
    m.date_ms = Clock::Get().NowMillis();
    m.message_id = id + "." + RandomToken(6).substr(0, 8);
    for (char& ch : m.message_id) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.') ch = '-';
    }
    Status st;
    bool permanent = false;
    auto data = BuildMessage(m);
    if (!data.ok()) {
      st = data.status();
      permanent = true;
    } else {
      long code = 0;
      st = sender(cfg, from_addr, m.to, *data, &code);
      permanent = !st.ok() && code >= 500 && code < 600;
    }
    if (st.ok()) {
      RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE email_outbox SET status = 'sent', sent_at = ?, body_text = '', "
                                             "attempts = ?, last_error = NULL, next_attempt_at = NULL WHERE org_id = ? "
                                             "AND id = ?",
                                             {Value{NowIso()}, Value{attempts + 1}, Value{org_id}, Value{id}}));
      (void)n;
      ++out.sent;
      continue;
    }
    ++attempts;
    bool give_up = permanent || attempts >= 8;
    int64_t backoff_ms = std::min<int64_t>(int64_t{60000} << std::min<int64_t>(attempts - 1, 20), 6 * 3600 * 1000);
    spdlog::warn("email {} ({}): attempt {} failed: {}{}", id, org_id, attempts, st.message(),
                 give_up ? " (giving up)" : "");
    RP_ASSIGN_OR_RETURN(int64_t n,
                        c->Exec("UPDATE email_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? "
                                "WHERE org_id = ? AND id = ?",
                                {Value{std::string(give_up ? "failed" : "queued")}, Value{attempts},
                                 Value{st.message().substr(0, 1000)},
                                 give_up ? Value{} : Value{FormatIsoMillis(now_ms + backoff_ms)}, Value{org_id},
                                 Value{id}}));
    (void)n;
    if (give_up) ++out.failed;
    else ++out.retried;
  }
  return out;
}

}  // namespace rapport
