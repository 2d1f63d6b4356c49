// E-mail delivery over SMTP with libcurl (issue 5,
// docs/decisions/014-reminders-and-smtp.md): the component app/email_outbox.h
// waits for.
//
// Configuration is the server's, from the environment (README, configuration):
// RAPPORT_SMTP_URL (smtp://host:587 — STARTTLS when offered, required when a
// user is set — or smtps://host:465), RAPPORT_SMTP_USER,
// RAPPORT_SMTP_PASSWORD, RAPPORT_SMTP_FROM ("crm@example.com" or
// "Rapport <crm@example.com>"). Without RAPPORT_SMTP_URL nothing is sent and
// mail stays queued.
//
// DeliverQueued takes an organisation's rows with status 'queued' whose
// next_attempt_at has come, oldest first; claims each (moves next_attempt_at
// five minutes on with a conditional UPDATE: a crashed send is retried then),
// sends it, and sets 'sent' + sent_at with body_text blanked (empty), or counts the
// attempt with last_error and tries again after 1, 2, 4, ... minutes (at most
// 6 hours); 'failed' after 8 attempts or at once for a permanent refusal (an
// SMTP 5xx answer, or a message that cannot be built, e.g. CR/LF in a header).
//
// BuildMessage is pure: RFC 5322 headers (Date, Message-ID, From, To,
// Subject — RFC 2047 encoded-words when not plain ASCII or long — MIME-Version,
// Content-Type text/plain; charset=UTF-8), CRLF line ends, the body base64 when
// it is not 7-bit or has long lines. Dot-stuffing is libcurl's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/conn.h"

namespace rapport {

struct SmtpConfig {
  std::string url, user, password;
  std::string from;  // as configured: "addr" or "Display Name <addr>"
};

// From RAPPORT_SMTP_*; nullopt when RAPPORT_SMTP_URL is unset or empty.
std::optional<SmtpConfig> SmtpConfigFromEnv();
// Checks the URL scheme and the From address.
Status ValidateSmtpConfig(const SmtpConfig& c);

// A bare address (local@domain, printable ASCII, no spaces, quotes, angle
// brackets, commas or control characters); InvalidArgument naming `field`.
Status CheckAddress(const std::string& addr, const std::string& field);
// Splits "Name <addr>" or "addr"; checks both parts.
Status ParseMailbox(const std::string& s, const std::string& field, std::string* display, std::string* addr);

// "=?UTF-8?B?...?=" encoded-words (folded with CRLF SP) when `text` is not
// printable ASCII or is longer than 76 characters; else `text` itself.
std::string EncodeHeaderText(const std::string& text);

struct MailMessage {
  std::string from;  // "addr" or "Name <addr>"
  std::string to;    // one address
  std::string subject, body;
  int64_t date_ms = 0;
  std::string message_id;  // left part of the Message-ID; its domain is the From address's
};
// The message text (CRLF line ends); InvalidArgument for CR/LF or other
// control characters in the subject, a bad address, or invalid UTF-8.
Result<std::string> BuildMessage(const MailMessage& m);

// Sends one message. `smtp_code` gets the server's last reply code (0 if
// none). The default sender is libcurl's; tests may pass another.
using SmtpSender = std::function<Status(const SmtpConfig& cfg, const std::string& from_addr,
                                        const std::string& to_addr, const std::string& data, long* smtp_code)>;
Status CurlSmtpSend(const SmtpConfig& cfg, const std::string& from_addr, const std::string& to_addr,
                    const std::string& data, long* smtp_code);

struct DeliveryResult {
  int64_t sent = 0, retried = 0, failed = 0;
};
Result<DeliveryResult> DeliverQueued(Conn* c, const std::string& org_id, const SmtpConfig& cfg, int64_t now_ms,
                                     const SmtpSender& sender = CurlSmtpSend, int limit = 100);

}  // namespace rapport
